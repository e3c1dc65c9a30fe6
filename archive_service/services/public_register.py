"""The anonymised public register of requests and answers (issue 18, deliver 4): what was asked of the body and how
it answered, on the portal, with no personal data.

It reads ``information_requests`` (number, receipt, state, answer date, cited ground) and, for the description,
the titles of linked records that are public (``indexing.public_condition``, their approved public version): never
``request_applicants``. The applicant's own words are not safe to print (people write their name, NIK or phone
number into the request), so a request's text and the answer's reasons are shown only when the PPID confirmed,
when answering, that they hold no personal data (``InformationRequest.public_text``, off by default). Otherwise
the information is described by the public records that answered it, or by a neutral sentence, and the reasons by
the decision and, for a Pasal 17 refusal, the cited ground.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..db import InformationRequest, Record, RequestRecordLink
from ..runtime import Runtime
from .indexing import public_condition
from .public_versions import public_view

PER_PAGE = 50
MAX_PAGE = 100_000


@dataclass(frozen=True)
class RegisterItem:
    number: str
    received_at: datetime
    state: str
    answered_at: datetime | None
    information: str | None  # the request's text, only when confirmed public
    records: tuple[str, ...]  # titles of the public records that answered it
    reasons: str | None  # the answer's reasons, only when confirmed public
    ground: str | None  # the Pasal 17 letter of a refusal or partial grant


@dataclass(frozen=True)
class RegisterPage:
    items: list[RegisterItem]
    page: int
    pages: int
    total: int


def register_page(rt: Runtime, page: int = 1, per_page: int | None = None) -> RegisterPage:
    """One page of the register, newest request first; a page past the end is empty (not an error)."""
    page = min(max(page, 1), MAX_PAGE)
    per_page = per_page or PER_PAGE
    req = InformationRequest
    with rt.db.read() as session:
        total = int(session.execute(select(func.count()).select_from(req)).scalar_one())
        rows = session.execute(
            select(
                req.id,
                req.number,
                req.received_at,
                req.state,
                req.answered_at,
                req.public_text,
                req.information,
                req.decision_reasons,
                Record.exemption_ground,
            )
            .outerjoin(Record, Record.id == req.exemption_record_id)
            .order_by(req.received_at.desc(), req.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).all()
        titles: dict[int, list[str]] = {}
        if rows:
            linked = session.execute(
                select(RequestRecordLink.request_id, Record)
                .join(Record, Record.id == RequestRecordLink.record_id)
                .where(RequestRecordLink.request_id.in_([r.id for r in rows]), public_condition())
                .order_by(RequestRecordLink.id)
            ).all()
            for request_id, record in linked:
                titles.setdefault(request_id, []).append(public_view(record).title)
    items = [
        RegisterItem(
            number=r.number,
            received_at=r.received_at,
            state=r.state,
            answered_at=r.answered_at,
            information=r.information if r.public_text else None,
            records=tuple(titles.get(r.id, ())),
            reasons=r.decision_reasons if r.public_text and r.answered_at is not None else None,
            ground=r.exemption_ground if r.state in {"ditolak_pasal17", "dikabulkan_sebagian"} else None,
        )
        for r in rows
    ]
    return RegisterPage(items, page, max((total + per_page - 1) // per_page, 1), total)
