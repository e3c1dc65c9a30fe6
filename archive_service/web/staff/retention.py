"""Retention: due lists, batches, panel appraisal, approvals, holds, executions, BagIt downloads."""

from __future__ import annotations

from flask import render_template

from . import bp, login_required


@bp.get("/retention-index")
@login_required
def retention_index() -> str:
    return render_template("staff/placeholder.html")
