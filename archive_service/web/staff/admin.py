"""Administration: users, roles, units, API tokens, the JRA, the calendar of holidays."""

from __future__ import annotations

from flask import render_template

from . import bp, login_required


@bp.get("/admin-index")
@login_required
def admin_index() -> str:
    return render_template("staff/placeholder.html")
