"""The anonymised public register of requests (``/permohonan/register``, and ``/permohonan/register.json`` for
machines): one thin view over ``services.public_register``, which decides what may be shown (docs/requests.md
"Public register"). Paged (``?halaman=N``), newest first, in both languages like the rest of the portal.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, render_template, request

from ..services import public_register
from . import labels
from .public import _rt, bp


def _page_number() -> int:
    raw = (request.args.get("halaman") or "1").strip()
    return int(raw) if raw.isdigit() and 0 < len(raw) <= 6 else 1


@bp.get("/permohonan/register")
def request_register() -> str:
    return render_template(
        "public/register_requests.html",
        register=public_register.register_page(_rt(), _page_number()),
        enum_text=labels.enum_text,
    )


def _item_json(item: public_register.RegisterItem) -> dict[str, Any]:
    return {
        "number": item.number,
        "received_at": item.received_at.isoformat(),
        "state": item.state,
        "answered_at": item.answered_at.isoformat() if item.answered_at else None,
        "information": item.information,
        "records": list(item.records),
        "reasons": item.reasons,
        "exemption_ground": item.ground,
    }


@bp.get("/permohonan/register.json")
def request_register_json() -> Response:
    page = public_register.register_page(_rt(), _page_number())
    return jsonify(
        {
            "page": page.page,
            "pages": page.pages,
            "total": page.total,
            "items": [_item_json(item) for item in page.items],
        }
    )
