"""The staff home page: what waits for the signed-in user."""

from __future__ import annotations

from flask import render_template

from ...services import workflow
from . import actor, bp, login_required, rt


@bp.get("/")
@login_required
def home() -> str:
    groups = workflow.worklist(rt(), actor())
    return render_template("staff/home.html", groups=groups)
