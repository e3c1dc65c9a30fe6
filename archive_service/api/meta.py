"""Health check and the human-readable API docs page.

The docs page is rendered on the server from the same OpenAPI document the API serves, so it needs no
JavaScript and no CDN (the mission forbids loading assets from one at run time).
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template_string
from sqlalchemy import text

from .security import runtime

bp = Blueprint("meta", __name__)

DOCS_TEMPLATE = """<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>Arsip API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/css/api-docs.css"></head>
<body><h1>{{ spec.info.title }} {{ spec.info.version }}</h1>
<p>Dokumen OpenAPI 3 / OpenAPI 3 document: <a href="{{ json_url }}"><code>{{ json_url }}</code></a>.
Autentikasi / Authentication: <code>Authorization: Bearer arsip_…</code> (<code>arsip token create</code>).
Galat / Errors: <code>application/problem+json</code>, <code>detail</code> (id) + <code>detail_en</code> (en).</p>
{% for path, ops in spec.paths.items() %}<h2><code>{{ path }}</code></h2><ul>
{% for method, op in ops.items() if method in methods %}<li><span class="m">{{ method|upper }}</span>
{{ op.summary or '' }} {% if op.description %}<br><small>{{ op.description }}</small>{% endif %}
<br><small>{{ op.responses.keys()|join(', ') }}</small></li>{% endfor %}</ul>{% endfor %}
</body></html>"""


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """Liveness + readiness: the database answers."""
    with runtime().db.read() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok"}, 200


@bp.get("/api/docs")
def api_docs() -> tuple[str, int, dict[str, str]]:
    """The docs page, under the same Content-Security-Policy as every page (its style is a static file)."""
    from ..web import CSP

    api = current_app.extensions["arsip_api"]
    body = render_template_string(
        DOCS_TEMPLATE,
        spec=api.spec.to_dict(),
        json_url="/api/openapi.json",
        methods={"get", "post", "put", "patch", "delete"},
    )
    return body, 200, {"Content-Security-Policy": CSP}
