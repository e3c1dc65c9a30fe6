"""Intake: upload one or many files with the metadata form."""

from __future__ import annotations

from flask import render_template

from . import bp, login_required


@bp.get("/intake-index")
@login_required
def intake_index() -> str:
    return render_template("staff/placeholder.html")
