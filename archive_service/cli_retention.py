"""``arsip jra …`` and ``arsip retention …``: import and list JRA versions, due lists, finishing destructions.

The disposition stages themselves (propose, appraise, approve, execute) are decisions of named people with the
four-eyes rule, so they are made through the API (or the staff UI) under each person's own account, not as the
server's ``system`` identity.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

import click

from .cli import _runtime, handles_errors, main
from .services.actor import SYSTEM


def _table(header: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
    cells = [tuple(str(c) for c in row) for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())


@main.group()
def jra() -> None:
    """Jadwal Retensi Arsip / Retention schedules."""


@jra.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name", required=True, help="Nama JRA / schedule name")
@click.option("--legal-basis", default=None, help="Dasar hukum / legal basis (e.g. Pergub 30/2023)")
@click.option("--skip-invalid", is_flag=True, help="Impor baris sah, lewati yang tidak / import the valid rows only")
@click.option("--dry-run", is_flag=True, help="Hanya periksa / check only")
@click.pass_context
@handles_errors
def jra_import(
    ctx: click.Context, path: Path, name: str, legal_basis: str | None, skip_invalid: bool, dry_run: bool
) -> None:
    """Impor JRA dari CSV atau XLSX / Import a JRA from CSV or XLSX as a new version."""
    from .services.jra import ImportOutcome, import_file

    rt = _runtime(ctx)
    outcome: ImportOutcome = import_file(  # refused imports list every problem through handles_errors
        rt, SYSTEM, path, name=name, legal_basis=legal_basis, skip_invalid=skip_invalid, dry_run=dry_run
    )
    for p in outcome.problems:
        click.echo(f"  baris/line {p.line} [{p.column or '-'}] {p.value!r}: {p.message_id} / {p.message_en}")
    if outcome.dry_run:
        click.echo(f"{outcome.rows} baris sah / valid rows, {len(outcome.problems)} masalah / problems (dry run)")
        sys.exit(1 if outcome.problems else 0)
    assert outcome.schedule is not None
    click.echo(
        f"JRA versi / version {outcome.schedule.version_no}: {outcome.rows} kelas / classes, "
        f"{len(outcome.problems)} baris dilewati / rows skipped, {outcome.classified} arsip diklasifikasi / classified"
    )


@jra.command("list")
@click.pass_context
@handles_errors
def jra_list(ctx: click.Context) -> None:
    """Daftar versi JRA / List JRA versions."""
    from .services.jra import list_schedules

    rows = list_schedules(_runtime(ctx), SYSTEM)
    _table(
        ("version", "name", "rows", "imported", "current"),
        [
            (s["version_no"], s["name"], s["row_count"], s["imported_at"].date(), "*" if s["is_current"] else "")
            for s in rows
        ],
    )


@main.group()
def retention() -> None:
    """Retensi dan penyusutan / Retention and disposition."""


@retention.command("due")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Per tanggal / as of (YYYY-MM-DD)")
@click.option(
    "--kind", type=click.Choice(["pemindahan", "pemusnahan", "penyerahan", "penilaian_kembali"]), default=None
)
@click.option("--unit", default=None, help="Unit pengolah / processing unit")
@click.pass_context
@handles_errors
def retention_due(ctx: click.Context, as_of: object, kind: str | None, unit: str | None) -> None:
    """Jatuh tempo penyusutan per unit dan bulan / What is due, by procedure, unit and month."""
    from .services.retention_due import due_summary

    started = time.perf_counter()
    when: date | None = as_of.date() if as_of is not None else None  # type: ignore[attr-defined]
    rows = due_summary(_runtime(ctx), SYSTEM, as_of=when, kind=kind, unit=unit)
    if rows:
        _table(
            ("kind", "unit", "month", "count", "held", "vital"),
            [(r.kind, r.processing_unit, r.month, r.count, r.held, r.vital) for r in rows],
        )
    total = sum(r.count for r in rows)
    click.echo(
        f"{total} arsip jatuh tempo / records due in {len(rows)} baris / rows ({time.perf_counter() - started:.2f} s)"
    )


@retention.command("erase-due")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Per tanggal / as of (YYYY-MM-DD)")
@click.pass_context
@handles_errors
def retention_erase_due(ctx: click.Context, as_of: object) -> None:
    """Data pemohon informasi yang jatuh tempo dihapus / Applicant data due for erasure (number and dates only).

    Listing only: the approval and the erasure are decisions of named people (four eyes), made through the API
    (``/api/v1/retention/request-erasures``) under their own accounts."""
    from .services.requests_retention import due_erasures

    when: date | None = as_of.date() if as_of is not None else None  # type: ignore[attr-defined]
    rows = due_erasures(_runtime(ctx), SYSTEM, as_of=when)
    if rows:
        _table(
            ("number", "closed", "erase from", "approved", "held"),
            [
                (
                    d.number,
                    d.closed_on,
                    d.erase_from,
                    d.approval["by"] if d.approval else "-",
                    "; ".join(d.holds) or "-",
                )
                for d in rows
            ],
        )
    click.echo(f"{len(rows)} permohonan jatuh tempo / requests due, {sum(1 for d in rows if d.holds)} ditahan / held")


@retention.command("classify")
@click.pass_context
@handles_errors
def retention_classify(ctx: click.Context) -> None:
    """Beri kelas JRA pada arsip yang belum punya / Give records without a class one from the current JRA."""
    from .services.retention import classify_unassigned

    done = classify_unassigned(_runtime(ctx), SYSTEM)
    click.echo(f"{done} arsip diklasifikasi / records classified")


@retention.command("purge")
@click.pass_context
@handles_errors
def retention_purge(ctx: click.Context) -> None:
    """Selesaikan pemusnahan yang tertunda / Finish destructions whose bytes are not all deleted yet (records, and the
    identity documents of erased applicants)."""
    from .services import requests_retention
    from .services.destruction import purge_pending

    rt = _runtime(ctx)
    report = purge_pending(rt)
    identities = requests_retention.purge_pending(rt)
    report.deleted += identities.deleted
    report.shared += identities.shared
    click.echo(
        f"{len(report.deleted)} blob dihapus / deleted, {len(report.shared)} dipakai arsip lain / shared, "
        f"{report.texts_deleted} teks / texts, {len(report.records)} arsip / records"
    )
