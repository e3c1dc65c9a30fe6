"""The Flask application factory (the web faces of DESIGN.md §1)."""

from __future__ import annotations

import logging

from flask import Flask, Request, Response, request

from . import routing
from .api import problems
from .api.openapi import ArsipApi
from .api.uploads import ArsipRequest, discard_request_uploads
from .config import Settings
from .runtime import Runtime


def _is_private(req: Request) -> bool:
    """A staff page, or an API answer to a caller who showed a credential (token or staff session)."""
    if req.blueprint == "staff":
        return True
    return req.path.startswith("/api/") and (bool(req.headers.get("Authorization")) or bool(req.cookies))


def create_app(
    settings: Settings | None = None,
    runtime: Runtime | None = None,
    *,
    start_index_worker: bool = False,
    startup_cleanup: bool | None = None,
) -> Flask:
    """Build the app. Tests pass a ready ``Runtime``; everyone else gets one from ``ARSIP_*`` settings.

    ``start_index_worker``: run the outbox worker in a background thread of this process (the embedded setup,
    ``arsip serve``); of several processes only one gets the worker lock, the others keep trying quietly.
    ``startup_cleanup``: remove what crashed processes left behind, in a background thread (services/cleanup.py);
    by default when the app builds its own runtime (``arsip serve``, WSGI, ``flask run``), not for tests'. With
    ``start_index_worker`` the worker thread does it when it takes the worker lock (once per data folder)."""
    if startup_cleanup is None:
        startup_cleanup = runtime is None
    settings = runtime.settings if runtime else (settings or Settings.from_env())
    runtime = runtime or Runtime.from_settings(settings)
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    app.request_class = ArsipRequest
    routing.install(app.url_map)  # before any blueprint: an id beyond 64 bits is a 404, not a driver error
    logging.basicConfig(level=settings.log_level)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_request_size,
        MAX_FORM_MEMORY_SIZE=2 * 1024 * 1024,
        API_TITLE="Arsip",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": "Arsip dan informasi publik / Records and public information"},
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
        JSON_SORT_KEYS=False,
    )
    app.extensions["arsip"] = runtime

    api = ArsipApi(app)
    app.extensions["arsip_api"] = api
    problems.register(app)

    from .api import accounts, dip, index_admin, meta, monev, records, reports, requests, retention, search, workflow

    api.register_blueprint(records.blp)
    api.register_blueprint(accounts.blp)
    api.register_blueprint(workflow.blp)
    api.register_blueprint(dip.blp)
    api.register_blueprint(search.blp)
    api.register_blueprint(index_admin.blp)
    api.register_blueprint(retention.blp)
    api.register_blueprint(reports.blp)
    api.register_blueprint(monev.blp)
    api.register_blueprint(requests.blp)
    app.register_blueprint(meta.bp)
    app.teardown_request(discard_request_uploads)
    from .web import init_web

    init_web(app, runtime)

    @app.after_request
    def _security_headers(response: Response) -> Response:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if _is_private(request):
            # staff pages and authenticated API answers carry what the public must not see: never kept by a
            # shared office browser's cache or back/forward cache, nor by a proxy
            if "no-store" not in response.headers.get("Cache-Control", ""):
                response.headers["Cache-Control"] = "no-store"
            response.headers.setdefault("Pragma", "no-cache")
        return response

    if startup_cleanup and not start_index_worker:  # the worker thread cleans up when it takes the worker lock
        from .services import cleanup

        cleanup.at_startup(runtime)
    if start_index_worker:
        from .index_worker import IndexWorker

        worker = IndexWorker(runtime, cleanup_at_start=startup_cleanup)
        worker.start_thread()
        app.extensions["arsip_index_worker"] = worker
    return app
