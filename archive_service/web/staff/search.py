"""Staff search: the internal index with facets, highlights and saved searches.

The page is the public search's twin (same parameters, same shareable URLs, facets as links), over the internal
index with the signed-in user's access inside the query. This module also holds the few helpers the search, DIP,
retention and admin pages share: how a service error becomes a message in the page's language, and how a page is
rendered with them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from ...errors import ArsipError, SearchUnavailable
from ...services import saved_searches, search
from ..labels import enum_text  # the controlled terms' labels, shared with the public portal
from ..search_labels import FACET_LABELS, SORT_LABELS
from . import actor, bp, login_required, rt
from .messages import error_text, field_errors

# ---- helpers shared by the search, DIP, retention and admin pages ---------------------------------------------------


def record_href(record_id: int) -> str:
    return url_for("staff.record", record_id=record_id)


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """Render one of these pages with the shared helpers."""
    return render_template(template, enum_text=enum_text, record_href=record_href, **context), status


def problem_page(exc: ArsipError, active: str = "") -> tuple[str, int]:
    """A page that only says why (403 for a role, 404 for an id), with the service's status."""
    return page("staff/more_error.html", exc.status, message=error_text(exc), code=exc.status, active=active)


# ---- the search page -------------------------------------------------------------------------------------------------
def _search_args(args: MultiDict[str, str]) -> dict[str, Any]:
    """Query-string parameters in the search schema's terms (repeatable filters stay lists)."""
    params: dict[str, Any] = {"q": args.get("q", ""), "facets": True, "highlight": True}
    for name in ("page", "sort"):
        if args.get(name):
            params[name] = args[name]
    if not params["q"] and "sort" not in params:
        params["sort"] = "date_desc"  # browsing without words: newest first
    for name in search.FILTER_FIELDS:
        values = [v for v in args.getlist(name) if v]
        if values:
            params[name] = values
    return params


def _url_with(args: MultiDict[str, str], **changes: Any) -> str:
    """This search's URL with some parameters changed (facet links, paging, sort): shareable, JS-free."""
    items = [(k, v) for k, v in args.items(multi=True) if k not in changes and k != "page"]
    for key, value in changes.items():
        if value is None:
            continue
        items.extend((key, v) for v in (value if isinstance(value, list) else [value]))
    return url_for("staff.search_index") + ("?" + urlencode(items) if items else "")


def _search_page(args: MultiDict[str, str], status: int = 200, **extra: Any) -> tuple[str, int]:
    params = _search_args(args)
    results, error = None, None
    try:
        results = search.internal_search(rt(), actor(), params)
    except SearchUnavailable:
        error, status = _("Pencarian sedang tidak tersedia; coba lagi sebentar lagi."), 503
    except ArsipError as exc:
        error, status = _("Periksa kata kunci dan saringan pencarian."), exc.status
    selected = {name: args.getlist(name) for name in search.FILTER_FIELDS}
    return page(
        "staff/search.html",
        status,
        active="search",
        params=params,
        results=results,
        error=error,
        selected=selected,
        url_with=lambda **changes: _url_with(args, **changes),
        current_query=saved_searches.normalize_query(urlencode(list(args.items(multi=True)))),
        saved=saved_searches.list_for(rt(), actor()),
        facet_labels=FACET_LABELS,
        sort_labels=SORT_LABELS,
        **extra,
    )


@bp.get("/cari")
@login_required
def search_index() -> tuple[str, int]:
    return _search_page(request.args)


@bp.post("/cari/simpan")
@login_required
def search_save() -> Response | tuple[str, int]:
    name, query = request.form.get("name", ""), request.form.get("query", "")
    try:
        saved = saved_searches.save(rt(), actor(), name, query)
    except ArsipError as exc:
        args = MultiDict(parse_qsl(saved_searches.normalize_query(query)))
        return _search_page(
            args, exc.status, save_error=error_text(exc), save_errors=field_errors(exc), save_name=name.strip()
        )
    flash(_("Pencarian \u201c%(name)s\u201d disimpan.", name=saved.name))
    return redirect(url_for("staff.search_index") + "?" + saved.query)


@bp.post("/cari/tersimpan/<int:saved_id>/hapus")
@login_required
def search_delete_saved(saved_id: int) -> Response | tuple[str, int]:
    try:
        saved_searches.delete(rt(), actor(), saved_id)
    except ArsipError as exc:
        return problem_page(exc, "search")
    flash(_("Pencarian tersimpan dihapus."))
    return redirect(url_for("staff.search_index"))
