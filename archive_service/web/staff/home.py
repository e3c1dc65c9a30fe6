"""The staff home page: what waits for the signed-in user, and how many records sit in each state."""

from __future__ import annotations

from schemas.enums import Role

from ...services import workflow
from ...services.workflow_counts import state_counts
from . import actor, bp, login_required, rt
from .records import render_page


@bp.get("/")
@login_required
def home() -> tuple[str, int]:
    who = actor()
    return render_page(
        "staff/home.html",
        active="home",
        groups=workflow.worklist(rt(), who),
        counts=state_counts(rt(), who),
        scope_unit=who.unit_code if who.role == Role.PENDUKUNG else None,
    )
