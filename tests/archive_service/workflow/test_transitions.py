"""Every transition of the table: exactly the roles it names, in the states it names, with its guards."""

from __future__ import annotations

import threading

import pytest

from archive_service.services import workflow
from archive_service.workflow.table import TRANSITIONS
from tests.support.checks import assert_consistent

from .conftest import TO_STATE_PATH, payload_for

ROLES = ["admin", "ppid", "atasan_ppid", "sekretariat", "pendukung", "arsiparis"]


@pytest.mark.parametrize("transition", TRANSITIONS, ids=lambda t: t.action)
def test_each_transition_is_allowed_for_exactly_its_roles(transition, make_record, client, accounts) -> None:
    from_state = sorted(transition.from_states)[0]
    for role in ROLES:
        record = make_record(from_state)
        response = client.post(
            f"/api/v1/records/{record.id}/transitions",
            json=payload_for(transition.action, record),
            headers=accounts[role].headers | {"If-Match": f'"{record.version}"'},
        )
        if role in transition.roles:
            assert response.status_code == 200, (role, transition.action, response.json)
            assert response.json["publication_state"] == transition.to_state
        else:
            assert response.status_code == 403, (role, transition.action, response.status_code)


def test_wrong_state_is_a_conflict(make_record, client, accounts) -> None:
    record = make_record("dihimpun")
    response = client.post(
        f"/api/v1/records/{record.id}/transitions",
        json={"action": "terima"},
        headers=accounts["sekretariat"].headers | {"If-Match": f'"{record.version}"'},
    )
    assert response.status_code == 409
    assert "dihimpun" in response.json["detail_en"]


def test_pendukung_of_another_unit_can_neither_see_nor_act(make_record, client, accounts) -> None:
    record = make_record("dihimpun")
    other = accounts["pendukung_other"].headers
    assert client.get(f"/api/v1/records/{record.id}/control-card", headers=other).status_code == 404
    response = client.post(
        f"/api/v1/records/{record.id}/transitions",
        json={"action": "serahkan"},
        headers=other | {"If-Match": f'"{record.version}"'},
    )
    assert response.status_code == 404
    worklist = client.get("/api/v1/worklist", headers=other).json
    assert all(item["record_id"] != record.id for group in worklist for item in group["items"])


def test_handover_needs_the_dip_fields_and_names_them(make_record, client, accounts) -> None:
    record = make_record("dihimpun", dip_summary=None, available_forms=[])
    response = client.post(
        f"/api/v1/records/{record.id}/transitions",
        json={"action": "serahkan"},
        headers=accounts["pendukung"].headers | {"If-Match": f'"{record.version}"'},
    )
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"dip_summary", "available_forms"}
    assert "dip_summary" in response.json["detail_en"]


def test_two_secretariat_members_receive_at_once(make_record, client, accounts, rt) -> None:
    record = make_record("didokumentasikan")
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def receive() -> None:
        c = client.application.test_client()
        barrier.wait()
        r = c.post(
            f"/api/v1/records/{record.id}/transitions",
            json={"action": "terima"},
            headers=accounts["sekretariat"].headers | {"If-Match": f'"{record.version}"'},
        )
        statuses.append(r.status_code)

    threads = [threading.Thread(target=receive) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 409]
    card = workflow.control_card(rt, accounts["sekretariat"].actor, record.id)
    assert [e.action for e in card["entries"]].count("terima") == 1
    assert_consistent(rt)


def test_receipt_numbers_gapless_under_concurrent_submissions(make_record, accounts, rt) -> None:
    made = [make_record("dihimpun") for _ in range(20)]
    barrier = threading.Barrier(len(made))
    errors: list[BaseException] = []

    def submit(record) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            workflow.apply_transition(
                rt, accounts["pendukung"].actor, record.id, record.version, {"action": "serahkan"}
            )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(r,)) for r in made]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    cards = [workflow.control_card(rt, accounts["ppid"].actor, r.id) for r in made]
    receipts = sorted(card["receipts"][0].no for card in cards)
    assert len(set(receipts)) == 20
    assert [int(no.rsplit("/", 1)[1]) for no in receipts] == list(range(1, 21))
    assert receipts[0].startswith("TT/")
    assert sorted(int(c["control_card_no"].rsplit("/", 1)[1]) for c in cards) == list(range(1, 21))
    assert_consistent(rt)


def test_path_table_covers_every_state() -> None:
    from schemas.enums import PublicationState

    assert set(TO_STATE_PATH) == {str(s) for s in PublicationState}
