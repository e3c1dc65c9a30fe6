"""Classified records flow (issue 15, finding 5): a *rahasia* or *sangat rahasia* record is received, verified,
reported and determined (as exempted) although the Tim Sekretariat may not read it — its steps fall to the PPID."""

from __future__ import annotations

import io

import pytest

from archive_service.services import records, workflow
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from tests.support.files import pdf_bytes

from .conftest import READY, payload_for


def _classified(rt, accounts, security_class: str):  # type: ignore[no-untyped-def]
    staged = stage_stream(io.BytesIO(pdf_bytes("Nota dinas rahasia")), rt.settings.staging_dir)
    who = accounts["pendukung"].actor
    record = records.create_record(
        rt,
        who,
        READY | {"title": f"Nota {security_class}", "security_class": security_class},
        [Upload("n.pdf", staged)],
    )
    for action in ("serahkan", "usulkan_kategori", "dokumentasikan"):
        record = workflow.apply_transition(rt, who, record.id, record.version, payload_for(action, record))
    return record


@pytest.mark.parametrize("security_class", ["rahasia", "sangat_rahasia"])
def test_classified_record_reaches_determination_through_the_ppid(rt, accounts, client, security_class) -> None:
    record = _classified(rt, accounts, security_class)
    assert record.publication_state == "didokumentasikan"
    sek, ppid = accounts["sekretariat"].headers, accounts["ppid"].headers
    # the secretariat may not read it: 404, and it is not in its worklist
    refused = client.post(
        f"/api/v1/records/{record.id}/transitions",
        json={"action": "terima"},
        headers={**sek, "If-Match": f'"{record.version}"'},
    )
    assert refused.status_code == 404
    sek_items = [i["record_id"] for g in client.get("/api/v1/worklist", headers=sek).json for i in g["items"]]
    assert record.id not in sek_items
    for action in ("terima", "verifikasi", "laporkan"):
        groups = client.get("/api/v1/worklist", headers=ppid).json
        waiting = {i["record_id"]: i for g in groups for i in g["items"]}
        assert record.id in waiting and action in waiting[record.id]["actions"], action
        record = workflow.apply_transition(rt, accounts["ppid"].actor, record.id, record.version, {"action": action})
    assert record.publication_state == "dilaporkan"
    done = workflow.apply_transition(
        rt, accounts["ppid"].actor, record.id, record.version, payload_for("kecualikan", record)
    )
    assert done.publication_state == "dikecualikan"
    card = client.get(f"/api/v1/records/{record.id}/control-card", headers=ppid).json
    assert [(e["action"], e["actor_role"]) for e in card["entries"]][3:] == [
        ("terima", "ppid"),
        ("verifikasi", "ppid"),
        ("laporkan", "ppid"),
        ("kecualikan", "ppid"),
    ]


def test_ppid_does_not_take_over_secretariat_steps_of_ordinary_records(rt, accounts, make_record) -> None:
    from archive_service.errors import PermissionDenied

    record = make_record("didokumentasikan")
    with pytest.raises(PermissionDenied):
        workflow.apply_transition(rt, accounts["ppid"].actor, record.id, record.version, {"action": "terima"})


def test_classified_step_is_on_the_ppids_due_list_and_notifications(rt, accounts) -> None:
    from datetime import timedelta

    from archive_service.services import notifications

    record = _classified(rt, accounts, "rahasia")
    due = workflow.due_items(rt, accounts["ppid"].actor, within=timedelta(days=30), role="ppid")
    assert record.id in [i["record_id"] for i in due]
    assert "terima" in next(i for i in due if i["record_id"] == record.id)["actions"]
    due_sek = workflow.due_items(rt, accounts["sekretariat"].actor, within=timedelta(days=30), role="sekretariat")
    assert record.id not in [i["record_id"] for i in due_sek]
    from sqlalchemy import update

    from archive_service.db import User

    with rt.db.write() as session:
        session.execute(update(User).values(email=User.username + "@contoh.go.id"))
    drafts = notifications.step_opened(rt, record.step_started_at + timedelta(minutes=1))
    told = {d.user_id for d in drafts if record.title in d.body}
    assert accounts["ppid"].actor.user_id in told
    assert accounts["sekretariat"].actor.user_id not in told
