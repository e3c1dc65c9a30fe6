"""``arsip backup`` and ``arsip restore`` (services/backup.py, services/restore.py; docs/deployment.md has the
schedule and the restore drill).

``restore`` builds its own settings instead of the shared runtime: it must check that the data folder is empty
before anything creates folders in it, and ``--data-dir`` points it at a fresh folder without touching the
environment of the running service.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click

from .cli import _runtime, handles_errors, main
from .config import Settings


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[str, int, int], None]]:
    """One bar per stage (blobs, each index); the services report ``(stage, done, total)``."""
    from rich.progress import BarColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        disable=quiet,
        transient=True,
    ) as bar:
        tasks: dict[str, object] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total or None)
            bar.update(tasks[stage], completed=done)  # type: ignore[arg-type]

        yield report


def _io_errors() -> tuple[type[BaseException], ...]:
    """Failures of the disk or the bucket; evaluated only when something was raised, so botocore loads late."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - boto3 is a dependency
        return (OSError,)
    return (OSError, BotoCoreError, ClientError)


def _fail(exc: BaseException) -> NoReturn:
    click.echo(f"Galat penyimpanan / Storage error: {exc}", err=True)
    sys.exit(2)


def _mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


@main.command("backup")
@click.argument("target")
@click.option(
    "--keep",
    type=click.IntRange(1, None),
    default=None,
    help="Simpan N cadangan lengkap terbaru, hapus yang lebih lama / keep the newest N complete backups, "
    "remove older ones and the blobs only they needed",
)
@click.option("--workers", default=4, show_default=True, type=click.IntRange(1, 32), help="Utas salin / copy threads")
@click.option("--quiet", is_flag=True, help="Tanpa bilah kemajuan / no progress bar")
@click.pass_context
@handles_errors
def backup_cmd(ctx: click.Context, target: str, keep: int | None, workers: int, quiet: bool) -> None:
    """Cadangkan basis data dan blob saat layanan berjalan / Back up the database and blobs while the service runs.

    TARGET is a folder, file:///path or s3://bucket/prefix (with the ARSIP_S3_* endpoint and keys).
    """
    from .services.backup import backup

    rt = _runtime(ctx)
    try:
        with _progress(quiet) as report:
            result = backup(rt, target, keep=keep, workers=workers, progress=report)
    except _io_errors() as exc:
        _fail(exc)
    c = result.blobs
    pruned = ""
    if keep is not None:
        pruned = (
            f", {len(result.pruned_snapshots)} cadangan lama dihapus / old backups removed, "
            f"{result.pruned_blobs} blob dilepas / released"
        )
    click.echo(
        f"Cadangan / backup {result.name} → {result.target}: {result.counts.get('records', 0)} arsip/records, "
        f"{c.listed} blob ({_mb(c.listed_bytes)}), {c.copied} disalin/copied ({_mb(c.copied_bytes)}), "
        f"{c.present} sudah ada/already there{pruned} in {result.seconds:.1f} s"
    )


@main.command("restore")
@click.argument("source")
@click.option("--snapshot", default=None, help="Nama cadangan / backup name (default: the newest complete one)")
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder data tujuan yang kosong / the empty data folder to restore into (default: ARSIP_DATA_DIR)",
)
@click.option("--list", "list_only", is_flag=True, help="Hanya daftar cadangan / only list the backups")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(1, 32), help="Utas salin / copy threads")
@click.option("--quiet", is_flag=True, help="Tanpa bilah kemajuan / no progress bar")
@handles_errors
def restore_cmd(
    source: str, snapshot: str | None, data_dir: Path | None, list_only: bool, workers: int, quiet: bool
) -> None:
    """Pulihkan cadangan ke folder data kosong / Restore a backup into an empty data folder (and empty database).

    SOURCE is the folder or s3://bucket/prefix given to `arsip backup`.
    """
    from .services.backup import list_snapshots
    from .services.restore import restore

    settings = Settings.from_env(**({"data_dir": data_dir} if data_dir is not None else {}))
    if list_only:
        try:
            infos = list_snapshots(settings, source)
        except _io_errors() as exc:
            _fail(exc)
        for info in infos:
            m = info.manifest
            if m is None:
                click.echo(f"{info.name}  TIDAK LENGKAP / INCOMPLETE")
                continue
            click.echo(
                f"{info.name}  {m['database']['kind']}  skema/schema {m['database']['schema_revision']}  "
                f"{m['counts'].get('records', 0)} arsip/records  {m['blobs']['count']} blob "
                f"({_mb(m['blobs']['bytes'])})"
            )
        click.echo(f"{len(infos)} cadangan / backups, {sum(1 for i in infos if i.complete)} lengkap / complete")
        return
    try:
        with _progress(quiet) as report:
            result = restore(settings, source, snapshot=snapshot, workers=workers, progress=report)
    except _io_errors() as exc:
        _fail(exc)
    schema = result.schema_to if result.schema_from == result.schema_to else f"{result.schema_from}→{result.schema_to}"
    indexed = ", ".join(f"{name} {n}" for name, n in result.indexed.items())
    blobs = result.blobs
    click.echo(
        f"Dipulihkan / restored {result.name} ke/into {settings.data_dir}: "
        f"{result.counts.get('records', 0)} arsip/records, {blobs.copied} blob ({_mb(blobs.copied_bytes)}), "
        f"skema/schema {schema}, indeks/indexes {indexed} in {result.seconds:.1f} s"
    )
