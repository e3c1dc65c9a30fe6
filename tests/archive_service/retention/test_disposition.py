"""Disposition end to end: pemindahan, pemusnahan (bytes and index entries gone, tombstone kept), penyerahan
(a BagIt package that validates), re-appraisal; holds on every path; four eyes; the panel."""

from __future__ import annotations

import io
import tarfile
from datetime import date
from pathlib import Path

import bagit
import pytest

from archive_service.errors import Conflict, Gone, PermissionDenied, ValidationFailed
from archive_service.services import disposition, holds, indexing, jra, records, retention, retention_due
from archive_service.services.actor import SYSTEM
from archive_service.services.audit import verify_chain
from archive_service.services.fixity import check_fixity
from tests.archive_service.retention.conftest import APPROVAL, BA
from tests.support.files import pdf_bytes


def _ids(rt, index: str) -> set[int]:
    return {v.id for v in rt.search.index(index).versions()}


def _move_to_inactive(rt, accounts, record_ids: list[int]) -> None:
    arsiparis, atasan = accounts["arsiparis"].actor, accounts["atasan_ppid"].actor
    batch = disposition.propose(rt, arsiparis, {"kind": "pemindahan", "record_ids": record_ids})
    assert batch.authority == "kepala_unit" and batch.no.startswith("PINDAH/")
    batch = disposition.approve(rt, atasan, batch.id, batch.version, APPROVAL)
    batch = disposition.execute(rt, arsiparis, batch.id, batch.version, BA)
    assert batch.state == "dilaksanakan" and batch.berita_acara["title"] == "Berita Acara Pemindahan Arsip"


def _appraise(rt, panel, batch_id: int, opinions=("setuju", "setuju", "setuju"), exclude=()) -> object:
    for member, opinion in zip(panel, opinions, strict=True):
        disposition.appraise(
            rt,
            member.actor,
            batch_id,
            {"opinion": opinion, "consideration": "Telah habis masa retensi", "exclude_record_ids": list(exclude)},
        )
    return disposition.conclude_panel(rt, panel[0].actor, batch_id, None, {"summary": "Rapat panitia 3 Nov"})


def test_pemindahan_moves_due_records_to_the_records_centre(rt, sample_jra, make_old, accounts) -> None:
    due = make_old(doc_date="2015-01-01")
    not_due = make_old(doc_date="2026-01-01")
    with pytest.raises(Conflict) as err:
        disposition.propose(rt, accounts["arsiparis"].actor, {"kind": "pemindahan", "record_ids": [not_due.id]})
    assert str(not_due.id) in err.value.extra["records"]
    summary = retention_due.due_summary(rt, SYSTEM, kind="pemindahan")
    assert [(r.processing_unit, r.month, r.count) for r in summary] == [("kominfo", "2017-01", 1)]
    _move_to_inactive(rt, accounts, [due.id])
    moved = records.get_record(rt, SYSTEM, due.id)
    assert moved.archival_state == "inaktif" and moved.location == "Gedung Arsip Lt. 2, Rak 4"
    assert records.get_record(rt, SYSTEM, not_due.id).archival_state == "aktif"
    assert [r.kind for r in retention_due.due_summary(rt, SYSTEM)] == ["pemusnahan"]


def test_destruction_end_to_end_leaves_only_the_tombstone(rt, sample_jra, make_old, accounts, panel) -> None:
    doomed = [make_old(doc_date="2014-05-01"), make_old(doc_date="2014-06-01")]
    keeper = make_old(doc_date="2014-05-01")
    ids = [r.id for r in doomed]
    indexing.drain(rt)
    assert set(ids) <= _ids(rt, "internal")
    _move_to_inactive(rt, accounts, [*ids, keeper.id])
    arsiparis, atasan = accounts["arsiparis"].actor, accounts["atasan_ppid"].actor
    batch = disposition.propose(rt, arsiparis, {"kind": "pemusnahan", "record_ids": ids, "note": "Usul 2026"})
    assert batch.authority == "kepala_daerah" and batch.total_years_max == 5  # 2 + 3 years: under 10
    assert [i.row["record_no"] for i in batch.items] == [r.record_no for r in doomed]
    assert records.get_record(rt, SYSTEM, ids[0]).archival_state == "usul_musnah"
    with pytest.raises(PermissionDenied):  # four eyes: not the proposer
        disposition.approve(rt, arsiparis, batch.id, batch.version, APPROVAL)
    with pytest.raises(Conflict):  # approval comes after the panel
        disposition.approve(rt, atasan, batch.id, batch.version, APPROVAL)
    with pytest.raises(Conflict):  # and execution after approval
        disposition.execute(rt, arsiparis, batch.id, batch.version, BA)
    batch = _appraise(rt, panel, batch.id)
    assert batch.state == "dinilai" and len(batch.considerations) == 3
    assert records.get_record(rt, SYSTEM, ids[0]).archival_state == "dinilai_panitia"
    batch = disposition.approve(rt, atasan, batch.id, batch.version, APPROVAL)
    assert batch.approval["letter_no"] == APPROVAL["letter_no"] and batch.approved_by == "atasan.ppid"
    assert records.get_record(rt, SYSTEM, ids[0]).archival_state == "disetujui_musnah"
    files = [f for r in doomed for f in r.files]
    assert all(rt.blobs.exists(f.sha256) for f in files)
    batch = disposition.execute(rt, arsiparis, batch.id, batch.version, BA)

    assert batch.state == "dilaksanakan" and batch.berita_acara["no"] == f"BA-{batch.no}"
    assert batch.berita_acara["method"] == BA["method"]
    assert not any(rt.blobs.exists(f.sha256) for f in files)
    assert all(i.outcome["bytes_deleted"] for i in batch.items)
    assert not set(ids) & _ids(rt, "internal") and not set(ids) & _ids(rt, "public")
    tomb = records.get_record(rt, SYSTEM, ids[0])  # the tombstone: metadata kept
    assert tomb.archival_state == "dimusnahkan" and tomb.destroyed_at is not None and tomb.title == doomed[0].title
    with pytest.raises(Gone):
        records.open_file(rt, SYSTEM, ids[0], tomb.files[0].id)
    with pytest.raises(Gone):
        records.update_record(rt, SYSTEM, ids[0], tomb.version, {"title": "x"})
    with pytest.raises(Conflict):  # irreversible: it cannot be executed again
        disposition.execute(rt, arsiparis, batch.id, batch.version, BA)
    assert disposition.get_batch(rt, SYSTEM, batch.id).berita_acara["signatories"][0]["name"] == "Drs. Sutrisno"
    assert keeper.id in _ids(rt, "internal") and rt.blobs.exists(keeper.files[0].sha256)
    assert check_fixity(rt).ok  # destroyed blobs are not reported missing
    indexing.drain(rt)  # the outbox rows of the destruction do not bring them back
    assert not set(ids) & _ids(rt, "internal")
    with rt.db.read() as session:
        assert verify_chain(session).ok
    actions = [e.action for e in records.record_history(rt, SYSTEM, ids[0])]
    assert actions[-4:] == [
        "disposition.propose",
        "disposition.appraised",
        "disposition.approve",
        "disposition.execute",
    ]


def test_a_destroyed_published_record_leaves_the_dip_worklists_and_public_index(
    rt, sample_jra, make_old, accounts, panel
) -> None:
    from archive_service.services import dip, workflow
    from tests.archive_service.workflow.conftest import READY, TO_STATE_PATH, payload_for

    fields = {k: v for k, v in READY.items() if k not in {"title", "doc_date"}}
    published = make_old(doc_date="2014-05-01", **fields)
    for action in TO_STATE_PATH["dipublikasikan"]:
        published = workflow.apply_transition(
            rt, SYSTEM, published.id, published.version, payload_for(action, published)
        )
    waiting = make_old(doc_date="2014-05-01")  # still at SOP step 1-2, in the pendukung's worklist
    indexing.drain(rt)
    before = workflow.worklist(rt, accounts["pendukung"].actor)
    assert waiting.id in {item["record_id"] for group in before for item in group["items"]}
    assert published.id in _ids(rt, "public")
    assert published.id in {row["record_id"] for row in dip.current_rows(rt, SYSTEM)}
    ids = [published.id, waiting.id]
    _move_to_inactive(rt, accounts, ids)
    batch = disposition.propose(rt, accounts["arsiparis"].actor, {"kind": "pemusnahan", "record_ids": ids})
    _appraise(rt, panel, batch.id)
    disposition.approve(rt, accounts["atasan_ppid"].actor, batch.id, None, APPROVAL)
    disposition.execute(rt, accounts["arsiparis"].actor, batch.id, None, BA)
    assert published.id not in _ids(rt, "public") and published.id not in _ids(rt, "internal")
    assert published.id not in {row["record_id"] for row in dip.current_rows(rt, SYSTEM)}
    listed = workflow.worklist(rt, accounts["pendukung"].actor)
    assert not {item["record_id"] for group in listed for item in group["items"]} & set(ids)
    with pytest.raises(Gone):  # no SOP action on a tombstone
        workflow.apply_transition(rt, SYSTEM, waiting.id, None, {"action": "serahkan"})


def test_shared_bytes_of_a_living_record_are_kept(rt, sample_jra, make_old, accounts, panel) -> None:
    same = pdf_bytes("Isi yang sama", "di dua arsip")
    doomed = make_old(doc_date="2014-05-01", content=same)
    living = make_old(doc_date="2024-05-01", content=same)
    _move_to_inactive(rt, accounts, [doomed.id])
    batch = disposition.propose(rt, accounts["arsiparis"].actor, {"kind": "pemusnahan", "record_ids": [doomed.id]})
    _appraise(rt, panel, batch.id)
    disposition.approve(rt, accounts["atasan_ppid"].actor, batch.id, None, APPROVAL)
    batch = disposition.execute(rt, accounts["arsiparis"].actor, batch.id, None, BA)
    assert batch.items[0].outcome["kept_shared_with_other_records"] == [doomed.files[0].sha256]
    _row, stream = records.open_file(rt, SYSTEM, living.id, living.files[0].id)
    with stream:
        assert stream.read() == same


def test_approval_authority_is_anri_from_ten_years(rt, accounts, make_old, panel) -> None:
    rows = (
        "Kode Klasifikasi;Jenis Arsip;Retensi Aktif;Retensi Inaktif;Keterangan\n"
        "800.1;Berkas kepegawaian;5 th;5 th;Musnah\n"
        "800.2;Daftar hadir;4 th;5 th;Musnah\n"
    )
    jra.import_schedule(rt, SYSTEM, io.BytesIO(rows.encode()), "jra.csv", name="JRA kepegawaian")
    ten, nine = make_old("800.1", doc_date="2008-01-01"), make_old("800.2", doc_date="2008-01-01")
    _move_to_inactive(rt, accounts, [ten.id, nine.id])
    arsiparis = accounts["arsiparis"].actor
    assert disposition.propose(rt, arsiparis, {"kind": "pemusnahan", "record_ids": [nine.id]}).authority == (
        "kepala_daerah"
    )
    assert disposition.propose(rt, arsiparis, {"kind": "pemusnahan", "record_ids": [ten.id]}).authority == (
        "kepala_anri"
    )


def test_a_hold_blocks_every_path_and_its_release_unblocks_it(rt, sample_jra, make_old, accounts, panel) -> None:
    arsiparis, atasan = accounts["arsiparis"].actor, accounts["atasan_ppid"].actor
    record = make_old(doc_date="2014-01-01")
    hold = holds.place_hold(
        rt,
        accounts["ppid"].actor,
        {
            "name": "Perkara 12/Pdt/2026",
            "reason": "Gugatan perdata",
            "reference": "12/Pdt/2026",
            "record_ids": [record.id],
        },
    )
    assert records.get_record(rt, SYSTEM, record.id).legal_hold
    with pytest.raises(Conflict):
        disposition.propose(rt, arsiparis, {"kind": "pemindahan", "record_ids": [record.id]})
    assert [r.held for r in retention_due.due_summary(rt, SYSTEM, kind="pemindahan")] == [1]
    with pytest.raises(PermissionDenied):
        holds.release_hold(rt, accounts["pendukung"].actor, hold["id"], "selesai")
    holds.release_hold(rt, accounts["arsiparis"].actor, hold["id"], "Perkara selesai (inkracht)")
    assert not records.get_record(rt, SYSTEM, record.id).legal_hold
    _move_to_inactive(rt, accounts, [record.id])

    # A hold placed while a destruction is under way blocks approval and execution.
    batch = disposition.propose(rt, arsiparis, {"kind": "pemusnahan", "record_ids": [record.id]})
    batch = _appraise(rt, panel, batch.id)
    second = holds.place_hold(
        rt,
        arsiparis,
        {"name": "Sengketa KI 4/2026", "kind": "sengketa_kip", "reason": "Sengketa", "record_ids": [record.id]},
    )
    with pytest.raises(Conflict):
        disposition.approve(rt, atasan, batch.id, batch.version, APPROVAL)
    holds.release_hold(rt, arsiparis, second["id"], "Putusan KI")
    batch = disposition.approve(rt, atasan, batch.id, batch.version, APPROVAL)
    third = holds.place_hold(rt, arsiparis, {"name": "Audit BPK", "reason": "Pemeriksaan", "record_ids": [record.id]})
    with pytest.raises(Conflict):
        disposition.execute(rt, arsiparis, batch.id, batch.version, BA)
    assert rt.blobs.exists(record.files[0].sha256)
    # Two holds: releasing one keeps the record held.
    fourth = holds.place_hold(rt, arsiparis, {"name": "Lain", "reason": "Lain", "record_ids": [record.id]})
    holds.release_hold(rt, arsiparis, third["id"], "Selesai")
    assert records.get_record(rt, SYSTEM, record.id).legal_hold
    holds.release_hold(rt, arsiparis, fourth["id"], "Selesai")
    batch = disposition.execute(rt, arsiparis, batch.id, batch.version, BA)
    assert batch.state == "dilaksanakan" and not rt.blobs.exists(record.files[0].sha256)
    history = [h["name"] for h in holds.list_holds(rt, SYSTEM)]
    assert len(history) == 4 and all(not h["in_force"] for h in holds.list_holds(rt, SYSTEM))


def test_a_held_record_can_be_taken_out_of_a_batch(rt, sample_jra, make_old, accounts, panel) -> None:
    arsiparis, atasan = accounts["arsiparis"].actor, accounts["atasan_ppid"].actor
    a, b = make_old(doc_date="2014-01-01"), make_old(doc_date="2014-01-01")
    _move_to_inactive(rt, accounts, [a.id, b.id])
    batch = disposition.propose(rt, arsiparis, {"kind": "pemusnahan", "record_ids": [a.id, b.id]})
    batch = _appraise(rt, panel, batch.id)
    holds.place_hold(rt, arsiparis, {"name": "Perkara", "reason": "Perkara", "record_ids": [b.id]})
    batch = disposition.exclude_item(rt, arsiparis, batch.id, b.id, None, {"reason": "Ditahan untuk perkara"})
    assert records.get_record(rt, SYSTEM, b.id).archival_state == "inaktif"
    batch = disposition.approve(rt, atasan, batch.id, batch.version, APPROVAL)
    batch = disposition.execute(rt, arsiparis, batch.id, batch.version, BA)
    assert records.get_record(rt, SYSTEM, a.id).archival_state == "dimusnahkan"
    assert records.get_record(rt, SYSTEM, b.id).archival_state == "inaktif" and rt.blobs.exists(b.files[0].sha256)


def test_vital_records_are_never_destroyed(rt, sample_jra, make_old, accounts) -> None:
    vital = make_old(doc_date="2014-01-01", is_vital=True)
    _move_to_inactive(rt, accounts, [vital.id])  # moving is allowed
    with pytest.raises(Conflict) as err:
        disposition.propose(rt, accounts["arsiparis"].actor, {"kind": "pemusnahan", "record_ids": [vital.id]})
    assert "vital" in err.value.detail_en


def test_the_panel_needs_a_quorum_and_a_majority(rt, sample_jra, make_old, accounts, panel) -> None:
    arsiparis = accounts["arsiparis"].actor
    a, b, c = (make_old(doc_date="2014-01-01") for _ in range(3))
    _move_to_inactive(rt, accounts, [a.id, b.id, c.id])
    batch = disposition.propose(rt, arsiparis, {"kind": "pemusnahan", "record_ids": [a.id, b.id]})
    with pytest.raises(PermissionDenied):  # only panel members appraise
        disposition.appraise(rt, arsiparis, batch.id, {"opinion": "setuju", "consideration": "ok"})
    disposition.appraise(rt, panel[0].actor, batch.id, {"opinion": "setuju", "consideration": "ok"})
    with pytest.raises(Conflict):  # once per member
        disposition.appraise(rt, panel[0].actor, batch.id, {"opinion": "setuju", "consideration": "lagi"})
    with pytest.raises(Conflict):  # 1 of a quorum of 3
        disposition.conclude_panel(rt, panel[0].actor, batch.id, None, {"summary": "terlalu cepat"})
    for member in panel[1:]:
        disposition.appraise(
            rt, member.actor, batch.id, {"opinion": "setuju", "consideration": "ok", "exclude_record_ids": [b.id]}
        )
    batch = disposition.conclude_panel(rt, panel[1].actor, batch.id, None, {"summary": "Rapat"})
    assert batch.state == "dinilai" and [i.record_id for i in batch.items if i.excluded] == [b.id]
    assert records.get_record(rt, SYSTEM, b.id).archival_state == "inaktif"

    refused = disposition.propose(rt, arsiparis, {"kind": "pemusnahan", "record_ids": [c.id]})
    refused = _appraise(rt, panel, refused.id, opinions=("setuju", "tidak_setuju", "tidak_setuju"))
    assert refused.state == "ditolak" and records.get_record(rt, SYSTEM, c.id).archival_state == "inaktif"


def test_permanent_transfer_exports_a_valid_bagit_package(
    rt, sample_jra, make_old, accounts, panel, client, tmp_path
) -> None:
    arsiparis, atasan = accounts["arsiparis"].actor, accounts["atasan_ppid"].actor
    kept = [make_old("000.8.3.3", doc_date="2012-01-01"), make_old("000.8.3.3", doc_date="2013-01-01")]
    ids = [r.id for r in kept]
    _move_to_inactive(rt, accounts, ids)
    with pytest.raises(Conflict):  # permanent records are never destroyed
        disposition.propose(rt, arsiparis, {"kind": "pemusnahan", "record_ids": ids})
    batch = disposition.propose(rt, arsiparis, {"kind": "penyerahan", "record_ids": ids})
    assert batch.authority == "lembaga_kearsipan" and batch.no.startswith("SERAH/")
    batch = _appraise(rt, panel, batch.id)
    batch = disposition.approve(rt, atasan, batch.id, batch.version, APPROVAL)
    rt.settings.office_address = "Jl. Parasamya No. 1, Sleman"
    rt.settings.records_contact_email = "arsip@slemankab.go.id"
    batch = disposition.execute(rt, arsiparis, batch.id, batch.version, BA)
    assert batch.state == "dilaksanakan" and batch.package_sha256 and batch.package_size
    assert all(records.get_record(rt, SYSTEM, i).archival_state == "diserahkan_statis" for i in ids)

    response = client.get(f"/api/v1/retention/batches/{batch.id}/package", headers=accounts["arsiparis"].headers)
    assert response.status_code == 200 and response.mimetype == "application/x-tar"
    with tarfile.open(fileobj=io.BytesIO(response.data)) as tar:
        tar.extractall(tmp_path / "received", filter="data")
    (bag_dir,) = list((tmp_path / "received").iterdir())
    bag = bagit.Bag(str(bag_dir))
    bag.validate()
    assert bag.version_info == (1, 0)  # RFC 8493
    assert bag.info["Organization-Address"].startswith("Jl. Parasamya No. 1, Sleman")  # the sender, from settings
    assert bag.info["Contact-Email"] == "arsip@slemankab.go.id"
    assert bag.info["External-Identifier"] == batch.no and bag.info["Payload-Oxum"] and bag.info["Bagging-Date"]
    manifest = {
        Path(path).name.split("-", 1)[1]: sums["sha256"] for path, sums in bag.entries.items() if "/files/" in path
    }
    for record in kept:
        assert manifest[record.files[0].filename] == record.files[0].sha256  # the SHA-256 recorded at ingest
    assert (bag_dir / "data" / "berita-acara.json").is_file()
    assert len(list((bag_dir / "data" / "records").glob("*/dc.xml"))) == 2
    assert len(list((bag_dir / "data" / "records").glob("*/history.json"))) == 2


def test_reappraisal_assigns_a_new_class(rt, sample_jra, make_old, accounts) -> None:
    arsiparis = accounts["arsiparis"].actor
    record = make_old("500.12.18.1", doc_date="2014-01-01")
    register = next(
        c for c in jra.list_classes(rt, SYSTEM, code="500.12.18.1") if c.final_disposition == "dinilai_kembali"
    )
    record = retention.override_class(rt, arsiparis, record.id, record.version, register.id, "Register PPID")
    _move_to_inactive(rt, accounts, [record.id])
    record = records.get_record(rt, SYSTEM, record.id)
    assert [r.kind for r in retention_due.due_summary(rt, SYSTEM)] == ["penilaian_kembali"]
    with pytest.raises(Conflict):
        disposition.propose(rt, arsiparis, {"kind": "pemusnahan", "record_ids": [record.id]})
    record = retention.open_reappraisal(rt, arsiparis, record.id, record.version)
    assert record.archival_state == "dinilai_kembali"
    permanent = next(c for c in jra.list_classes(rt, SYSTEM) if c.code == "000.8.3.3")
    record = retention.override_class(rt, arsiparis, record.id, record.version, permanent.id, "Nilai guna sejarah")
    assert record.archival_state == "inaktif" and record.final_disposition == "permanen"
    assert record.inactive_until == date(date.today().year + 3, date.today().month, date.today().day) or (
        record.inactive_until > date.today()
    )
    assert not retention_due.due_summary(rt, SYSTEM)


def test_bad_requests_change_nothing(rt, sample_jra, make_old, accounts) -> None:
    arsiparis = accounts["arsiparis"].actor
    record = make_old(doc_date="2014-01-01")
    for bad in (
        {"kind": "bakar", "record_ids": [record.id]},
        {"kind": "pemindahan", "record_ids": []},
        {"kind": "pemindahan"},
    ):
        with pytest.raises(ValidationFailed):
            disposition.propose(rt, arsiparis, bad)
    with pytest.raises(Conflict):  # one bad record refuses the whole list
        disposition.propose(
            rt, arsiparis, {"kind": "pemindahan", "record_ids": [record.id, make_old(doc_date="2026-01-01").id]}
        )
    assert disposition.list_batches(rt, SYSTEM) == []
    assert records.get_record(rt, SYSTEM, record.id).archival_state == "aktif"


def test_an_interrupted_destruction_is_finished_by_purge(
    rt, sample_jra, make_old, accounts, panel, monkeypatch
) -> None:
    from archive_service.services import destruction

    record = make_old(doc_date="2014-01-01")
    _move_to_inactive(rt, accounts, [record.id])
    batch = disposition.propose(rt, accounts["arsiparis"].actor, {"kind": "pemusnahan", "record_ids": [record.id]})
    _appraise(rt, panel, batch.id)
    disposition.approve(rt, accounts["atasan_ppid"].actor, batch.id, None, APPROVAL)

    def crash(*_args: object) -> None:  # the process dies right after the decision was committed
        raise SystemExit("killed")

    monkeypatch.setattr(destruction, "purge_batch", crash)
    with pytest.raises(SystemExit):
        disposition.execute(rt, accounts["arsiparis"].actor, batch.id, None, BA)
    monkeypatch.undo()
    assert records.get_record(rt, SYSTEM, record.id).destroyed_at is not None
    assert rt.blobs.exists(record.files[0].sha256)  # decided, not yet carried out
    report = destruction.purge_pending(rt)
    assert report.deleted == [record.files[0].sha256] and report.records == [record.id]
    assert not rt.blobs.exists(record.files[0].sha256)
    assert destruction.purge_pending(rt).records == []  # nothing left to do: a second run touches nothing


def test_a_record_on_a_list_keeps_its_class(rt, sample_jra, make_old, accounts) -> None:
    record = make_old(doc_date="2014-01-01")
    disposition.propose(rt, accounts["arsiparis"].actor, {"kind": "pemindahan", "record_ids": [record.id]})
    record = records.get_record(rt, SYSTEM, record.id)
    other = jra.list_classes(rt, SYSTEM, code="000.8.3.3")[0]
    with pytest.raises(Conflict):
        retention.override_class(rt, accounts["arsiparis"].actor, record.id, record.version, other.id, "Salah kode")
    with pytest.raises(Conflict):
        records.update_record(rt, SYSTEM, record.id, record.version, {"classification_code": "000.8.3.3"})
    assert records.update_record(rt, SYSTEM, record.id, record.version, {"notes": "boleh"}).notes == "boleh"
