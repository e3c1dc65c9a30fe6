"""The information service in the monev (issue 18): the e-monev figures on the dashboard and in the semester
report, aggregates only, and the most-asked information limited to what the viewer may read."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from archive_service.reports.period import parse_period
from archive_service.reports.render import produce
from archive_service.services import monev, requests, requests_objections
from archive_service.services.request_figures import AnswerDays
from tests.archive_service.requests.test_objections import ANSWERED, OBJECTION, refused  # noqa: F401

from .conftest import APPLICANT, DUE, FORM, MONDAY
from .test_web_requests import login

PERIOD = parse_period("2026-S2")


@pytest.fixture
def service(rt, accounts, submit, refused, open_record):  # type: ignore[no-untyped-def]  # noqa: F811
    """A refusal answered in 1 working day (with an objection and a dispute), a grant answered late after an
    extension, and a request still open past its due time."""
    ppid = accounts["ppid"].actor
    granted = submit()
    requests.extend(rt, ppid, granted.number, None, {"reasons": "Perlu koordinasi dengan unit"}, now=MONDAY)
    requests.link_record(rt, ppid, granted.number, {"record_id": open_record.id})
    late = DUE + timedelta(days=14)  # after the extended due time (12 January 2027)
    requests.decide(rt, ppid, granted.number, None, {"decision": "dikabulkan", "reasons": "Terbuka"}, now=late)
    submit()  # left open
    filed = requests_objections.file_objection(
        rt, refused.number, {**OBJECTION, "secret": refused.secret}, now=ANSWERED + timedelta(days=1)
    )
    atasan = accounts["atasan_ppid"].actor
    decision = {"decision": "ditolak", "reasons": "Pengecualian sudah diuji konsekuensinya dengan benar"}
    requests_objections.decide(rt, atasan, filed["number"], None, decision, now=ANSWERED + timedelta(days=5))
    dispute = {"commission": "Komisi Informasi DIY", "registry_no": "012/KI-DIY/2026", "filed_on": "2026-12-28"}
    requests_objections.record_dispute(rt, atasan, filed["number"], dispute, now=ANSWERED + timedelta(days=13))
    return {"granted": granted.number, "refused": refused.number, "late": late}


def test_the_e_monev_figures(rt, accounts, service, open_record) -> None:
    fig = monev.figures(rt, accounts["ppid"].actor, PERIOD, now=service["late"] + timedelta(days=1))
    req = fig.requests
    assert req is not None
    assert (req.received, req.answered, req.open) == (3, 2, 1)
    assert req.decision_count("dikabulkan") == 1 and req.decision_count("ditolak_pasal17") == 1
    assert req.decision_count("tidak_dikuasai") == 0
    assert req.by_ground == [("h", 1, 0)]
    assert (req.on_time, req.late, req.open_overdue, req.extended) == (1, 1, 1, 1)
    days = AnswerDays.spanning(rt.calendar, MONDAY, service["late"])
    assert days is not None
    assert req.days_longest == days(MONDAY, service["late"]) and req.days_longest > 17
    assert req.days_average == round((1 + req.days_longest) / 2, 1)
    assert req.objections == 1 and dict(req.objections_by_state) == {"diajukan": 0, "dikabulkan": 0, "ditolak": 1}
    assert dict(req.objections_by_ground)["penolakan_pasal17"] == 1
    assert req.disputes == 1 and dict(req.disputes_by_outcome)["berjalan"] == 1
    asked = {item.record_id: item for item in req.most_asked}  # the granted record and the refused (exempted) one
    assert len(asked) == 2 and asked[open_record.id].requests == 1 and asked[open_record.id].not_in_dip == 1
    assert sum(item.not_in_dip for item in asked.values()) == 1  # a refusal gives no step-14 feedback
    previous = monev.figures(rt, accounts["ppid"].actor, parse_period("2026-S1")).requests
    assert previous is not None and previous.received == 0 and previous.days_average is None


def test_working_days_follow_the_calendar() -> None:
    from archive_service.workcalendar import WorkCalendar

    calendar = WorkCalendar.default()
    friday = MONDAY - timedelta(days=3)
    count = AnswerDays.spanning(calendar, friday, MONDAY + timedelta(days=1))
    assert count is not None
    assert count(friday, friday) == 0 and count(friday, MONDAY) == 1 and count(friday, MONDAY + timedelta(days=1)) == 2


def test_the_report_and_the_dashboard_show_no_personal_data(rt, app, accounts, service) -> None:
    secrets = [APPLICANT["name"], APPLICANT["nik"], APPLICANT["email"], APPLICANT["phone"], FORM["information"]]
    csv_text = produce(rt, accounts["ppid"].actor, "laporan-monev", {"period": "2026-S2"}, "csv").stream.read()
    text = csv_text.decode("utf-8-sig")
    assert "Permohonan menurut keputusan" in text and "Informasi yang paling banyak diminta" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert ["Dikabulkan seluruhnya", "1"] in rows and ["Sengketa ke Komisi Informasi dalam periode", "1"] in rows
    assert not [s for s in secrets if s in text]
    for role in ("admin", "ppid", "atasan_ppid", "sekretariat"):
        client = login(app, role)
        for lang in ("id", "en"):
            page = client.get(f"/staf/monev?period=2026-S2&lang={lang}")
            html = page.get_data(as_text=True)
            assert page.status_code == 200, html[:500]
            assert ("Layanan permohonan informasi" if lang == "id" else "Information request service") in html
            assert not [s for s in secrets if s in html], role
