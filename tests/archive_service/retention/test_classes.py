"""Retention classes: import with odd rows, longest-prefix assignment, versions, trigger clock, override."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from archive_service.errors import Conflict, PermissionDenied, ValidationFailed
from archive_service.services import jra, records, retention, retention_due
from archive_service.services.actor import SYSTEM
from archive_service.services.audit import verify_chain
from tests.archive_service.retention.conftest import SAMPLE


def test_sample_jra_imports_as_version_one(rt, sample_jra) -> None:
    assert sample_jra.schedule.version_no == 1
    assert sample_jra.rows == 17 and not sample_jra.problems
    assert sample_jra.schedule.source_filename == "jra_sample.csv" and len(sample_jra.schedule.source_sha256) == 64
    classes = jra.list_classes(rt, SYSTEM)
    finance = next(c for c in classes if c.code == "900.1.3.10")
    assert finance.active["trigger"] == "perda_pertanggungjawaban_apbd"
    assert finance.active["text"] == "2 th sejak Perda Pertanggungjawaban APBD"
    assert finance.total_years == 7


ODD = (
    "Kode Klasifikasi;Jenis Arsip;Retensi Aktif;Retensi Inaktif;Keterangan\n"
    "000;UMUM;;;\n"  # a section heading
    "000.1.5;Notula rapat;2 th;4 th;Musnah\n"
    "000.1.6;Laporan;sesuai ketentuan;2 th;Musnah\n"  # unparseable period
    "000.1.7;Agenda;1 th;1 th;Simpan\n"  # unknown disposition
    "12.3;Kode rusak;1 th;1 th;Musnah\n"  # bad code
)


def test_import_with_odd_rows_reports_them_and_stores_nothing(rt, accounts) -> None:
    with pytest.raises(ValidationFailed) as err:
        jra.import_schedule(rt, accounts["arsiparis"].actor, io.BytesIO(ODD.encode()), "odd.csv", name="Odd")
    lines = sorted(p["line"] for p in err.value.extra["problems"])
    assert lines == [4, 5, 6]
    assert jra.list_schedules(rt, SYSTEM) == []
    report = jra.import_schedule(rt, SYSTEM, io.BytesIO(ODD.encode()), "odd.csv", name="Odd", dry_run=True)
    assert report.rows == 1 and len(report.problems) == 3 and report.schedule is None


def test_import_skipping_invalid_rows_keeps_the_good_ones(rt, accounts) -> None:
    outcome = jra.import_schedule(
        rt, accounts["arsiparis"].actor, io.BytesIO(ODD.encode()), "odd.csv", name="Odd", skip_invalid=True
    )
    assert outcome.schedule.version_no == 1 and outcome.rows == 1 and len(outcome.problems) == 3
    with pytest.raises(PermissionDenied):
        jra.import_schedule(rt, accounts["pendukung"].actor, io.BytesIO(ODD.encode()), "x.csv", name="X")


def test_class_by_longest_prefix_and_dates_from_the_record(rt, sample_jra, make_old) -> None:
    record = make_old("400.14.3", doc_date="2019-02-28")
    assert record.jra_ref == "JRA v1 400.14.3"
    assert (record.active_until, record.inactive_until) == (date(2020, 2, 28), date(2023, 2, 28))
    assert record.final_disposition == "permanen" and record.retention_total_years == 4
    deeper = make_old("400.14.3.1", doc_date="2019-02-28")
    assert deeper.jra_class_id == record.jra_class_id  # 400.14.3 is its longest whole-level prefix
    unmatched = make_old("700.1", doc_date="2019-02-28")
    assert unmatched.jra_class_id is None and unmatched.active_until is None


def test_records_created_before_the_first_jra_are_classified_by_the_import(rt, make_old) -> None:
    record = make_old("000.1.5", doc_date="2018-01-01")
    assert record.jra_class_id is None
    outcome = jra.import_file(rt, SYSTEM, SAMPLE, name="Sampel")
    assert outcome.classified == 1
    record = records.get_record(rt, SYSTEM, record.id)
    assert (record.active_until, record.inactive_until) == (date(2020, 1, 1), date(2024, 1, 1))


def test_a_record_keeps_the_version_it_was_classified_under(rt, sample_jra, make_old) -> None:
    old = make_old("000.1.5", doc_date="2018-01-01")
    newer = "Kode Klasifikasi;Jenis Arsip;Retensi Aktif;Retensi Inaktif;Keterangan\n000.1.5;Notula;5 th;5 th;Musnah\n"
    jra.import_schedule(rt, SYSTEM, io.BytesIO(newer.encode()), "v2.csv", name="JRA 2")
    assert records.get_record(rt, SYSTEM, old.id).jra_ref == "JRA v1 000.1.5"
    new = make_old("000.1.5", doc_date="2018-01-01")
    assert new.jra_ref == "JRA v2 000.1.5" and new.inactive_until == date(2028, 1, 1)
    changed = records.update_record(rt, SYSTEM, old.id, old.version, {"classification_code": "000.3.2"})
    assert changed.jra_ref is None  # reclassified from the current JRA (v2), which has no 000.3.2 row


def test_trigger_clock_waits_then_starts_on_the_event(rt, sample_jra, make_old, accounts) -> None:
    record = make_old("900.1.3.10", doc_date="2015-12-31")
    assert record.retention_waiting_for == "perda_pertanggungjawaban_apbd"
    assert record.active_until is None and record.inactive_until is None
    assert not retention_due.due_records(rt, SYSTEM, "pemindahan").items
    with pytest.raises(ValidationFailed):
        retention.record_trigger(rt, SYSTEM, record.id, record.version, date.today() + timedelta(days=2))
    arsiparis = accounts["arsiparis"].actor
    started = retention.record_trigger(rt, arsiparis, record.id, record.version, date(2016, 7, 15), "Perda 3/2016")
    assert started.retention_trigger_date == date(2016, 7, 15)
    assert (started.active_until, started.inactive_until) == (date(2018, 7, 15), date(2023, 7, 15))
    assert started.retention_waiting_for is None
    assert [r.id for r in retention_due.due_records(rt, SYSTEM, "pemindahan").items] == [record.id]
    corrected = retention.record_trigger(rt, arsiparis, record.id, started.version, date(2016, 8, 1), "Salah tanggal")
    assert corrected.active_until == date(2018, 8, 1)  # a wrong date can be corrected; the audit keeps both
    plain = make_old("000.1.5", doc_date="2015-12-31")
    with pytest.raises(Conflict):  # its class has no trigger event
        retention.record_trigger(rt, arsiparis, plain.id, plain.version, date(2016, 8, 1))
    actions = [e.action for e in records.record_history(rt, SYSTEM, record.id)]
    assert "retention.trigger" in actions


def test_override_needs_an_arsiparis_and_a_reason_and_is_audited(rt, sample_jra, make_old, accounts) -> None:
    record = make_old("500.12.18.1", doc_date="2015-01-01")
    classes = jra.list_classes(rt, SYSTEM, code="500.12.18.1")
    assert [c.code for c in classes] == ["500.12.18.1"] * 3
    register = next(c for c in classes if c.final_disposition == "dinilai_kembali")
    assert record.jra_class_id == classes[0].id
    with pytest.raises(PermissionDenied):
        retention.override_class(rt, accounts["ppid"].actor, record.id, record.version, register.id, "x")
    with pytest.raises(ValidationFailed):
        retention.override_class(rt, accounts["arsiparis"].actor, record.id, record.version, register.id, " ")
    changed = retention.override_class(
        rt, accounts["arsiparis"].actor, record.id, record.version, register.id, "Register permohonan PPID"
    )
    assert changed.final_disposition == "dinilai_kembali" and changed.retention_override_reason
    event = records.record_history(rt, SYSTEM, record.id)[-1]
    assert event.action == "retention.override" and event.actor_name == "arsiparis"
    assert event.changes["reason"]["after"] == "Register permohonan PPID"
    # An override survives a change of code: the arsiparis chose the class.
    again = records.update_record(rt, SYSTEM, record.id, changed.version, {"classification_code": "000.1.5"})
    assert again.jra_class_id == register.id
    with rt.db.read() as session:
        assert verify_chain(session).ok
