"""The SOP end to end over HTTP, exemptions, working-time SLAs, worklists and the events publication emits."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from archive_service.db import OutboxEvent
from archive_service.services import records, workflow
from archive_service.services.actor import SYSTEM
from archive_service.services.audit import verify_chain
from archive_service.workcalendar import Sla, WorkCalendar
from tests.support.checks import assert_consistent
from tests.support.files import pdf_bytes

from .conftest import READY, TO_STATE_PATH, payload_for

WIB = ZoneInfo("Asia/Jakarta")


def _act(client, accounts, role: str, record_id: int, body: dict):  # type: ignore[no-untyped-def]
    etag = client.get(f"/api/v1/records/{record_id}", headers=accounts["ppid"].headers).headers["ETag"]
    response = client.post(
        f"/api/v1/records/{record_id}/transitions", json=body, headers=accounts[role].headers | {"If-Match": etag}
    )
    assert response.status_code == 200, (role, body, response.json)
    return response.json


def test_full_sop_with_three_verification_rounds(client, accounts, rt) -> None:
    created = client.post(
        "/api/v1/records",
        headers=accounts["pendukung"].headers,
        content_type="multipart/form-data",
        data={"metadata": json.dumps(READY), "files": [(io.BytesIO(pdf_bytes("Laporan layanan")), "laporan.pdf")]},
    ).json
    rid = created["id"]
    assert created["publication_state"] == "dihimpun" and created["step_due_at"]
    for round_no in (1, 2, 3):
        _act(client, accounts, "pendukung", rid, {"action": "serahkan" if round_no == 1 else "serahkan_ulang"})
        _act(client, accounts, "pendukung", rid, {"action": "usulkan_kategori", "kip_category": "berkala"})
        _act(client, accounts, "pendukung", rid, {"action": "dokumentasikan"})
        _act(client, accounts, "sekretariat", rid, {"action": "terima"})
        if round_no < 3:
            _act(client, accounts, "sekretariat", rid, {"action": "kembalikan", "reason": f"Kurang lengkap {round_no}"})
    _act(client, accounts, "sekretariat", rid, {"action": "verifikasi"})
    _act(client, accounts, "sekretariat", rid, {"action": "laporkan"})
    _act(client, accounts, "ppid", rid, {"action": "tetapkan_terbuka", "kip_category": "berkala"})
    published = _act(client, accounts, "sekretariat", rid, {"action": "publikasikan"})
    assert published["publication_state"] == "dipublikasikan"
    assert published["published_url"].endswith(f"/informasi/{rid}") and published["kip_category"] == "berkala"
    reviewed = _act(client, accounts, "ppid", rid, {"action": "tinjau_semester", "reason": "Monev semester I"})
    assert reviewed["publication_state"] == "dilaporkan" and reviewed["published_url"] is None

    card = client.get(f"/api/v1/records/{rid}/control-card", headers=accounts["pendukung"].headers).json
    assert card["verification_round"] == 2
    assert [r["round"] for r in card["receipts"]] == [1, 2, 3]
    assert all(r["countersigned_by"] == "sekretariat" for r in card["receipts"])
    receives = [e for e in card["entries"] if e["action"] == "terima"]
    assert [e["round"] for e in receives] == [1, 2, 3]
    returns = [e for e in card["entries"] if e["action"] == "kembalikan"]
    assert [e["note"] for e in returns] == ["Kurang lengkap 1", "Kurang lengkap 2"]
    assert card["entries"][-1]["actor_role"] == "ppid"
    history = client.get(f"/api/v1/records/{rid}/history", headers=accounts["ppid"].headers).json
    assert "workflow.publikasikan" in [h["action"] for h in history]
    with rt.db.read() as session:
        assert verify_chain(session).ok
        topics = [
            e.topic
            for e in session.execute(
                select(OutboxEvent).where(OutboxEvent.record_id == rid).order_by(OutboxEvent.id)
            ).scalars()
        ]
    assert topics.count("publication.published") == 1 and topics[-1] == "publication.withdrawn"
    assert_consistent(rt)


def _exempt(make_record, accounts, rt, **changes):  # type: ignore[no-untyped-def]
    record = make_record("dilaporkan")
    body = payload_for("kecualikan", record)
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return record, body


def test_exemption_refusals(make_record, client, accounts, rt) -> None:
    cases = [
        ({"consequence_test": None}, "consequence_test"),
        ({"exemption_no_expiry": False, "exemption_until": "2020-01-01"}, "exemption_until"),
        ({"exemption_ground": "a"}, "exemption_no_expiry"),
        ({"exemption_decree_no": None}, "exemption_decree_no"),
    ]
    for changes, field in cases:
        record, body = _exempt(make_record, accounts, rt, **changes)
        response = client.post(
            f"/api/v1/records/{record.id}/transitions",
            json=body,
            headers=accounts["ppid"].headers | {"If-Match": f'"{record.version}"'},
        )
        assert response.status_code == 422, (changes, response.json)
        assert field in response.json["errors"], (changes, response.json)
        assert records.get_record(rt, SYSTEM, record.id).publication_state == "dilaporkan"
    record, body = _exempt(
        make_record,
        accounts,
        rt,
        exemption_ground="a",
        exemption_no_expiry=False,
        exemption_until=(date.today() + timedelta(days=400)).isoformat(),
    )
    ok = client.post(
        f"/api/v1/records/{record.id}/transitions",
        json=body,
        headers=accounts["ppid"].headers | {"If-Match": f'"{record.version}"'},
    )
    assert ok.status_code == 200 and ok.json["kip_category"] == "dikecualikan"
    tests = workflow.consequence_tests(rt, accounts["ppid"].actor, record.id)
    assert [t.participants for t in tests] == [["PPID", "Tim Pertimbangan"]]


def test_not_biasa_cannot_be_determined_open(make_record, client, accounts) -> None:
    record = make_record("dilaporkan", security_class="terbatas")
    response = client.post(
        f"/api/v1/records/{record.id}/transitions",
        json={"action": "tetapkan_terbuka", "kip_category": "setiap_saat"},
        headers=accounts["ppid"].headers | {"If-Match": f'"{record.version}"'},
    )
    assert response.status_code == 409 and "terbatas" in response.json["detail_en"]


def test_sla_due_times_cross_weekend_and_holiday(make_record, accounts, rt) -> None:
    rt.calendar = WorkCalendar.default(holidays={date(2026, 8, 17)})  # Hari Kemerdekaan, a Monday
    record = make_record("dihimpun")
    friday = datetime(2026, 8, 14, 15, 30, tzinfo=WIB)
    handed = workflow.apply_transition(
        rt, accounts["pendukung"].actor, record.id, record.version, {"action": "serahkan"}, now=friday
    )
    assert handed.step_due_at.astimezone(WIB) == datetime(2026, 8, 18, 8, 30, tzinfo=WIB)  # 1 jam, Tue
    proposed = workflow.apply_transition(
        rt,
        accounts["pendukung"].actor,
        record.id,
        handed.version,
        {"action": "usulkan_kategori", "kip_category": "berkala"},
        now=datetime(2026, 8, 18, 8, 20, tzinfo=WIB),
    )
    documented = workflow.apply_transition(
        rt,
        accounts["pendukung"].actor,
        record.id,
        proposed.version,
        {"action": "dokumentasikan"},
        now=datetime(2026, 8, 21, 15, 45, tzinfo=WIB),
    )  # Friday
    assert documented.step_due_at.astimezone(WIB) == datetime(2026, 8, 24, 8, 15, tzinfo=WIB)  # 30 menit, Mon
    card = workflow.control_card(rt, SYSTEM, record.id)
    late = {e.action: e.late for e in card["entries"]}
    assert late == {"serahkan": False, "usulkan_kategori": False, "dokumentasikan": True}


def test_worklists_and_due_lists(make_record, client, accounts, rt) -> None:
    waiting = make_record("didokumentasikan")
    mine = client.get("/api/v1/worklist", headers=accounts["sekretariat"].headers).json
    items = {item["record_id"]: item for group in mine for item in group["items"]}
    assert items[waiting.id]["actions"] == ["terima"] and items[waiting.id]["step"] == "5"
    assert client.get("/api/v1/worklist", headers=accounts["pendukung"].headers).json == []
    later = datetime.now(WIB) + timedelta(days=30)
    due = workflow.due_items(rt, accounts["ppid"].actor, within=timedelta(hours=1), role="sekretariat", now=later)
    assert [(d["record_id"], d["overdue"]) for d in due] == [(waiting.id, True)]
    http_due = client.get(
        "/api/v1/workflow/due?within_hours=1000&role=sekretariat&unit=kominfo", headers=accounts["ppid"].headers
    ).json
    assert [d["record_id"] for d in http_due] == [waiting.id]
    table = client.get("/api/v1/workflow", headers=accounts["atasan_ppid"].headers).json
    assert {t["action"] for t in table["transitions"]} >= {"serahkan", "kecualikan", "publikasikan"}
    assert {s["sla"] for s in table["steps"]} == {"1 hari", "1 jam", "30 menit", "1 bulan", "6 bulan"}


def test_serta_merta_is_due_within_its_window_not_at_once(make_record, accounts, rt) -> None:
    record = make_record("dilaporkan")
    now = datetime(2026, 8, 15, 22, 0, tzinfo=WIB)
    open_ = workflow.apply_transition(
        rt,
        accounts["ppid"].actor,
        record.id,
        record.version,
        {"action": "tetapkan_terbuka", "kip_category": "serta_merta"},
        now=now,
    )
    # Saturday night: the one working day starts on Monday 08:00, so it is due Tuesday 08:00, not "now" (which
    # no one could ever meet: every serta-merta step used to be counted late).
    assert open_.step_due_at == datetime(2026, 8, 19, 8, 0, tzinfo=WIB)
    assert open_.step_due_at == rt.calendar.add(now, Sla.parse(rt.settings.serta_merta_sla))


def test_serta_merta_window_is_a_setting(make_record, accounts, rt) -> None:
    record = make_record("dilaporkan")
    now = datetime(2026, 8, 17, 9, 0, tzinfo=WIB)  # Monday 09:00 (17 August is a holiday: next day counts)
    rt.settings.serta_merta_sla = "2 jam"
    try:
        open_ = workflow.apply_transition(
            rt,
            accounts["ppid"].actor,
            record.id,
            record.version,
            {"action": "tetapkan_terbuka", "kip_category": "serta_merta"},
            now=now,
        )
    finally:
        rt.settings.serta_merta_sla = "1 hari"
    assert open_.step_due_at == rt.calendar.add(now, Sla.parse("2 jam")) > now


def test_a_bad_serta_merta_window_is_refused_at_start_up(tmp_path) -> None:
    from archive_service.config import Settings

    with pytest.raises(ValueError, match=r"SLA tidak valid.*invalid SLA"):
        Settings.from_env({"ARSIP_SERTA_MERTA_SLA": "segera"}, data_dir=tmp_path)


def test_no_step_is_born_late(make_record, accounts, rt) -> None:
    """Every step opened along the SOP, the exemption review inside its lead included, is due after it opens."""
    now = datetime(2026, 8, 15, 22, 0, tzinfo=WIB)
    record = make_record("dilaporkan")
    body = payload_for("kecualikan", record) | {
        "exemption_ground": "b",
        "exemption_no_expiry": False,
        "exemption_until": (date.today() + timedelta(days=10)).isoformat(),
    }
    exempted = workflow.apply_transition(rt, accounts["ppid"].actor, record.id, record.version, body, now=now)
    assert exempted.step_due_at > now
    fresh = make_record("dihimpun")
    for action in TO_STATE_PATH["dipublikasikan"]:
        fresh = workflow.apply_transition(rt, SYSTEM, fresh.id, fresh.version, payload_for(action, fresh), now=now)
        assert fresh.step_due_at is None or fresh.step_due_at > now, action


def test_expired_exemption_returns_to_determination(make_record, accounts, rt) -> None:
    record = make_record("dilaporkan")
    body = payload_for("kecualikan", record) | {
        "exemption_ground": "b",
        "exemption_no_expiry": False,
        "exemption_until": (date.today() + timedelta(days=10)).isoformat(),
    }
    exempted = workflow.apply_transition(rt, accounts["ppid"].actor, record.id, record.version, body)
    # Within the review lead: the PPID must review within the urgent window, not a month from now.
    assert exempted.step_due_at <= rt.calendar.add(datetime.now(WIB), Sla.parse(rt.settings.serta_merta_sla))
    assert workflow.expire_exemptions(rt, SYSTEM, today=date.today()) == []
    assert workflow.expire_exemptions(rt, SYSTEM, today=date.today() + timedelta(days=10)) == [record.id]
    back = records.get_record(rt, SYSTEM, record.id)
    assert back.publication_state == "dilaporkan" and "berakhir" in back.state_reason
    assert back.kip_category is None and back.exemption_ground is None  # no longer listed as exempted
    assert back.proposed_kip_category == "setiap_saat"  # UU KIP Pasal 11(2)
    assert workflow.consequence_tests(rt, SYSTEM, record.id)  # the test record is kept


def test_serta_merta_proposal_is_due_at_once_for_the_ppid(make_record, accounts, rt) -> None:
    record = make_record("diverifikasi")
    with rt.db.write() as session:  # the unit proposed serta merta at step 3
        from archive_service.db import Record

        session.get(Record, record.id).proposed_kip_category = "serta_merta"
    record = records.get_record(rt, SYSTEM, record.id)
    now = datetime(2026, 8, 15, 22, 0, tzinfo=WIB)
    reported = workflow.apply_transition(
        rt, accounts["sekretariat"].actor, record.id, record.version, {"action": "laporkan"}, now=now
    )
    assert now < reported.step_due_at == rt.calendar.add(now, Sla.parse("1 hari"))
    assert reported.step_due_at < rt.calendar.add(now, Sla.parse("1 bulan"))  # not the monthly cycle


def test_due_list_refuses_an_unknown_role(client, accounts) -> None:
    response = client.get("/api/v1/workflow/due?role=sekretaris", headers=accounts["ppid"].headers)
    assert response.status_code == 422 and "role" in response.json["errors"]
