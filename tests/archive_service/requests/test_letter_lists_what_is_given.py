"""The written answer lists what goes to the applicant, and a clerk's print shows no record the clerk may not read."""

from __future__ import annotations

from archive_service.reports import request_letters
from archive_service.reports.model import Fields
from archive_service.reports.registry import ReportParams
from archive_service.services import requests

from .conftest import grant_in_part


def _given(document) -> str:  # type: ignore[no-untyped-def]
    fields = dict(item for section in document.sections if isinstance(section, Fields) for item in section.items)
    return str(fields["Informasi yang diberikan"])


def test_written_answer_lists_only_what_is_given(rt, accounts, submit, make_record, open_record, exempted_record):
    withheld = make_record("diverifikasi", security_class="rahasia")  # linked, then not given (no redacted copy)
    registered = submit()
    number, ppid = registered.number, accounts["ppid"].actor
    requests.link_record(rt, ppid, number, {"record_id": open_record.id})
    requests.link_record(rt, ppid, number, {"record_id": withheld.id})
    grant_in_part(rt, ppid, number, exempted_record)
    letter = request_letters.for_applicant(rt, number, registered.secret, "surat_pemberitahuan_tertulis")
    given = _given(letter)
    assert open_record.record_no in given and exempted_record.record_no in given and withheld.record_no not in given
    # the Tim Sekretariat (not cleared for rahasia) printing it sees the same list; the PPID too
    for role in ("sekretariat", "ppid"):
        staff = request_letters.build_written_answer(rt, accounts[role].actor, ReportParams(number=number))
        assert withheld.record_no not in _given(staff) and open_record.record_no in _given(staff)
