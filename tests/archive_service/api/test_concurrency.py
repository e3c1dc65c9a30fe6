"""Concurrent updates of one record: exactly one wins, the others get 409, and the audit chain stays whole."""

from __future__ import annotations

import threading

from archive_service.errors import StaleVersion
from archive_service.services import records
from tests.support.checks import assert_consistent


def test_concurrent_updates_one_wins(create, accounts, rt) -> None:
    record = create(files=[]).json
    actor = accounts["sekretariat"].actor
    barrier = threading.Barrier(6)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            records.update_record(rt, actor, record["id"], 1, {"notes": f"penulis {n}"})
            result = "ok"
        except StaleVersion:
            result = "409"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["409"] * 5 + ["ok"]
    final = records.get_record(rt, actor, record["id"])
    assert final.version == 2 and final.notes.startswith("penulis ")
    assert_consistent(rt)


def test_concurrent_creates_get_distinct_numbers(create, accounts, rt) -> None:
    actor = accounts["pendukung"].actor
    barrier = threading.Barrier(8)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            _create(n)
        except BaseException as exc:  # surfaced below; a thread's exception is otherwise lost
            errors.append(exc)

    def _create(n: int) -> None:
        rec = records.create_record(
            rt,
            actor,
            {
                "title": f"Arsip {n}",
                "classification_code": "000.1.5",
                "processing_unit": "kominfo",
                "creator_org": "Kominfo",
                "doc_date": "2025-02-01",
            },
        )
        numbers.append(rec.record_no)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == [f"ARS/2025/{i:06d}" for i in range(1, 9)]
    assert_consistent(rt)


def _race_patch_and_upload(rt, actor, record, attempt: int) -> list[BaseException]:  # type: ignore[no-untyped-def]
    import io

    from archive_service.services.uploads import Upload
    from archive_service.storage import stage_stream
    from tests.support.files import pdf_bytes

    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    staged = stage_stream(io.BytesIO(pdf_bytes(f"lampiran {attempt}")), rt.settings.staging_dir)
    calls = [
        lambda: records.update_record(rt, actor, record.id, record.version, {"notes": "ubah"}),
        lambda: records.add_files(rt, actor, record.id, [Upload("lampiran.pdf", staged)]),
    ]

    def run(call) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            call()
        except StaleVersion:
            pass
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_patch_and_file_upload_do_not_deadlock(create, accounts, rt) -> None:
    """PATCH and add-files take the record row before the audit head; racing them must give 200/409, never 500."""
    actor = accounts["admin"].actor
    for attempt in range(4):
        record = records.get_record(rt, actor, create(files=[]).json["id"])
        assert _race_patch_and_upload(rt, actor, record, attempt) == []
    assert_consistent(rt)
