"""``arsip report …``: render any registered report to a file (issue 8).

``arsip report list`` prints the registry; ``arsip report NAME --period 2026-11 --format pdf`` writes the file. The
operator on the server acts as the ``system`` identity (like every other CLI command), so it sees all records.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli import _runtime, handles_errors, main
from .services.actor import SYSTEM


@main.command("report")
@click.argument("name")
@click.option(
    "--period", default=None, help="Periode / period: 2026-11, 2026-S2, 2026-Q3, 2026, 2026-01-01..2026-03-31"
)
@click.option("--unit", default=None, help="Kode unit pengolah / work unit code")
@click.option(
    "--record", "record_ids", multiple=True, type=int, help="ID arsip (boleh berulang) / record id (repeatable)"
)
@click.option("--batch", "batch_id", default=None, type=int, help="ID batch retensi / disposition batch id")
@click.option("--version", "version_no", default=None, type=int, help="Versi DIP / DIP version (default: latest)")
@click.option("--format", "fmt", default="pdf", type=click.Choice(["pdf", "xlsx", "csv"]), show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Berkas keluaran / output")
@click.pass_context
@handles_errors
def report_cmd(
    ctx: click.Context,
    name: str,
    period: str | None,
    unit: str | None,
    record_ids: tuple[int, ...],
    batch_id: int | None,
    version_no: int | None,
    fmt: str,
    out: Path | None,
) -> None:
    """Buat laporan / Render report NAME to a file (NAME "list": list the reports)."""
    from .reports.registry import build, load_all
    from .reports.render import download_name, render_to_file

    if name == "list":
        _list(load_all())
        return
    rt = _runtime(ctx)
    raw = {"period": period, "unit": unit, "record_ids": record_ids, "batch_id": batch_id, "version_no": version_no}
    _spec, document = build(rt, SYSTEM, name, raw, fmt=fmt)
    path = out or Path.cwd() / download_name(document, fmt)
    try:
        render_to_file(document, fmt, rt.settings, path)
    except OSError as exc:  # e.g. the --out directory does not exist or is not writable
        click.echo(f"Galat / Error: {path}: {exc.strerror or exc}", err=True)
        sys.exit(2)
    click.echo(f"{path} ({path.stat().st_size} bita / bytes)")


def _list(specs: dict) -> None:  # type: ignore[type-arg]
    for spec in sorted(specs.values(), key=lambda s: s.name):
        params = [*spec.needs, *(f"[{p}]" for p in spec.optional)]
        click.echo(
            f"{spec.name:32} langkah/step {spec.sop_steps:8} {','.join(spec.formats):12} "
            f"{' '.join(params) or '-':28} {spec.title_id}"
        )
