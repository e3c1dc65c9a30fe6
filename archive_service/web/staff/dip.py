"""DIP management: the current DIP by category, fixing a version, comparing versions."""

from __future__ import annotations

from flask import render_template

from . import bp, login_required


@bp.get("/dip-index")
@login_required
def dip_index() -> str:
    return render_template("staff/placeholder.html")
