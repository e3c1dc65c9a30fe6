"""Identical bytes, different holders: a destroyed record's file that is also an applicant's identity document or a
redacted copy keeps its bytes, and an erased identity document that is also a living record's file keeps them too."""

from __future__ import annotations

import pytest

from archive_service.services import disposition, records, requests, requests_retention
from archive_service.services.actor import SYSTEM
from archive_service.services.blob_references import is_referenced
from tests.archive_service.retention.conftest import (  # noqa: F401  (fixtures)
    APPROVAL,
    BA,
    make_old,
    panel,
    sample_jra,
)
from tests.archive_service.retention.test_disposition import _appraise, _move_to_inactive
from tests.support.files import pdf_bytes

from .conftest import upload
from .test_retention_requests import LATER, answered


def _destroy(rt, accounts, panel, record_id: int):  # type: ignore[no-untyped-def]  # noqa: F811
    _move_to_inactive(rt, accounts, [record_id])
    batch = disposition.propose(rt, accounts["arsiparis"].actor, {"kind": "pemusnahan", "record_ids": [record_id]})
    _appraise(rt, panel, batch.id)
    disposition.approve(rt, accounts["atasan_ppid"].actor, batch.id, None, APPROVAL)
    return disposition.execute(rt, accounts["arsiparis"].actor, batch.id, None, BA)


def _read_identity(rt, number: str) -> bytes:  # type: ignore[no-untyped-def]
    sha = _identity_sha(rt, number)
    with rt.blobs.open(sha) as stream:
        return stream.read()


def _identity_sha(rt, number: str) -> str:  # type: ignore[no-untyped-def]
    view = requests.get_request(rt, SYSTEM, number)
    return view["applicant"].identity_blob_sha256


@pytest.mark.usefixtures("sample_jra")
def test_destroying_a_record_keeps_bytes_an_identity_document_shares(rt, accounts, submit, make_old, panel) -> None:  # noqa: F811
    same = pdf_bytes("KTP pemohon", "dipindai lalu diarsipkan juga")
    doomed = make_old(doc_date="2014-05-01", content=same)
    number = submit(identity=[upload(rt, "ktp.pdf", same)]).number
    sha = doomed.files[0].sha256
    assert _identity_sha(rt, number) == sha  # one blob, two holders
    with rt.db.read() as session:
        assert is_referenced(session, sha)
    batch = _destroy(rt, accounts, panel, doomed.id)
    assert batch.items[0].outcome["kept_shared_with_other_records"] == [sha]
    assert batch.items[0].outcome["bytes_deleted"] == []
    assert _read_identity(rt, number) == same  # the request's handler still sees the document


@pytest.mark.usefixtures("sample_jra")
def test_destroying_a_record_keeps_bytes_a_redacted_copy_shares(
    rt,
    accounts,
    submit,
    make_old,  # noqa: F811
    panel,  # noqa: F811
    open_record,
) -> None:
    same = pdf_bytes("Salinan yang dihitamkan", "sama persis dengan arsip lama")
    doomed = make_old(doc_date="2014-05-01", content=same)
    number = submit().number
    requests.link_record(
        rt, accounts["ppid"].actor, number, {"record_id": open_record.id}, [upload(rt, "hitam.pdf", same)]
    )
    batch = _destroy(rt, accounts, panel, doomed.id)
    assert batch.items[0].outcome["kept_shared_with_other_records"] == [doomed.files[0].sha256]
    assert rt.blobs.exists(doomed.files[0].sha256)


@pytest.mark.usefixtures("sample_jra")
def test_erasing_an_identity_document_keeps_bytes_a_living_record_shares(rt, accounts, submit, make_old) -> None:  # noqa: F811
    same = pdf_bytes("Surat kuasa", "juga arsip dinas")
    living = make_old(doc_date="2024-05-01", content=same)
    twin = answered(rt, accounts, submit, identity=[upload(rt, "kuasa.pdf", same)])
    number = answered(rt, accounts, submit, identity=[upload(rt, "kuasa.pdf", same)])  # the same applicant, twice
    requests_retention.approve_erasure(rt, accounts["atasan_ppid"].actor, number, APPROVAL, today=LATER)
    done = requests_retention.erase(rt, accounts["arsiparis"].actor, number, BA, today=LATER)
    assert done["identity_kept_shared"] and not done["identity_deleted"]
    _row, stream = records.open_file(rt, SYSTEM, living.id, living.files[0].id)
    with stream:
        assert stream.read() == same
    assert _read_identity(rt, twin) == same  # the other request's document is untouched
    assert requests_retention.purge_pending(rt).deleted == []  # still needed: the finisher leaves it too


@pytest.mark.usefixtures("sample_jra")
def test_an_erased_identity_no_one_else_holds_is_deleted_by_the_finisher(rt, accounts, submit, monkeypatch) -> None:
    number = answered(rt, accounts, submit)
    sha = _identity_sha(rt, number)
    requests_retention.approve_erasure(rt, accounts["atasan_ppid"].actor, number, APPROVAL, today=LATER)

    def crash(*_args: object) -> None:  # the process dies right after the erasure committed
        raise SystemExit

    monkeypatch.setattr(requests_retention, "purge_blob", crash)
    with pytest.raises(SystemExit):
        requests_retention.erase(rt, accounts["arsiparis"].actor, number, BA, today=LATER)
    monkeypatch.undo()
    assert rt.blobs.exists(sha)
    assert requests_retention.purge_pending(rt).deleted == [sha]
    assert not rt.blobs.exists(sha)
    assert requests_retention.purge_pending(rt).deleted == []  # idempotent
