"""Staff search: the internal index with facets, highlights and saved searches."""

from __future__ import annotations

from flask import render_template

from . import bp, login_required


@bp.get("/search-index")
@login_required
def search_index() -> str:
    return render_template("staff/placeholder.html")
