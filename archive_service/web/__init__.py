"""The two human faces of Arsip (DESIGN.md §1): the public portal (``/``) and the staff workspace (``/staf``).

Server-rendered Jinja2 pages; JavaScript only improves them (every page works without it). Everything a page needs
is served from this package's ``static`` folder: no CDN. ``init_web`` wires what both faces share: the session
secret, the cookie flags, CSRF, the language (Flask-Babel, Bahasa Indonesia first) and the security headers.
"""

from __future__ import annotations

from flask import Flask, Response, request

from ..runtime import Runtime
from ..services import web_sessions
from . import csrf, i18n, secrets

WEB_BLUEPRINTS = frozenset({"public", "staff"})

# No inline script or style anywhere in the web pages: scripts and styles come from /static only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def init_web(app: Flask, runtime: Runtime) -> None:
    settings = runtime.settings
    app.config["SECRET_KEY"] = settings.secret_key or secrets.persistent_secret(settings.data_dir)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_base_url.startswith("https://"),
        SESSION_COOKIE_NAME="arsip_session",
        PERMANENT_SESSION_LIFETIME=web_sessions.IDLE_LIFETIME,  # enforced server-side too (services.web_sessions)
    )
    i18n.init(app, runtime)
    csrf.init(app)
    from ..oai import views as oai
    from . import exports, public, staff

    app.register_blueprint(public.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(exports.bp)  # open-data exports of the portal (issue 8)
    app.register_blueprint(oai.bp)  # OAI-PMH at /oai (issue 8): stateless, no session, no CSRF

    @app.after_request
    def _page_headers(response: Response) -> Response:
        if request.blueprint in WEB_BLUEPRINTS or request.endpoint == "static":
            response.headers.setdefault("Content-Security-Policy", CSP)  # a view may narrow it (file previews)
            response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        else:
            response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
        return response
