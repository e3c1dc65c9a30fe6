"""Record pages: metadata, files, control card, timeline, and the actions the user may take now."""

from __future__ import annotations

from flask import render_template

from . import bp, login_required


@bp.get("/records-index")
@login_required
def records_index() -> str:
    return render_template("staff/placeholder.html")
