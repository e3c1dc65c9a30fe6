"""The demo's requests (``arsip demo``): made through the services by the demo's roles, once."""

from __future__ import annotations

from sqlalchemy import select

from archive_service.db import InformationObjection, InformationRequest, RequestDeliveryToken
from archive_service.demo.requests_demo import DEMO_REQUESTS, load_demo_requests


def test_demo_requests_cover_the_worklists_and_are_loaded_once(rt, accounts, make_record) -> None:
    record = make_record("dipublikasikan")
    made = load_demo_requests(rt)
    assert len(made) == len(DEMO_REQUESTS) and all(r.tracking_url.endswith(r.secret) for r in made)
    with rt.db.read() as session:
        states = dict(session.execute(select(InformationRequest.number, InformationRequest.state)).all())
        objections = list(session.execute(select(InformationObjection.state)).scalars())
        tokens = session.execute(select(RequestDeliveryToken)).scalars().all()
        granted = session.execute(
            select(InformationRequest).where(InformationRequest.state == "dikabulkan")
        ).scalar_one()
        assert [link.record_id for link in granted.links] == [record.id]
    assert sorted(states.values()) == ["dikabulkan", "diperpanjang", "diterima", "tidak_dikuasai"]
    assert objections == ["diajukan"] and len(tokens) == 1
    assert load_demo_requests(rt) == []  # a second `arsip demo` adds nothing
