"""The ``arsip`` command line. Each command is a thin shell over one service call.

Errors from the services (``ArsipError``) become one bilingual line on stderr and exit status 2; failed checks
(fixity, audit verify, ingest with failures) exit 1.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .config import Settings
from .errors import ArsipError
from .runtime import Runtime
from .services.actor import SYSTEM
from .workflow.table import STEPS


def _runtime(ctx: click.Context) -> Runtime:
    if ctx.obj is None:
        ctx.obj = Runtime.from_settings(Settings.from_env())
        ctx.call_on_close(ctx.obj.close)
    return ctx.obj


def handles_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ArsipError as exc:
            click.echo(f"Galat / Error: {exc.detail_id} / {exc.detail_en}", err=True)
            for field, messages in (exc.errors or {}).items():
                click.echo(f"  {field}: {messages}", err=True)
            sys.exit(2)
        except ValueError as exc:  # configuration errors
            click.echo(f"Galat / Error: {exc}", err=True)
            sys.exit(2)

    return wrapper


@click.group()
@click.version_option(package_name="arsip")
def main() -> None:
    """Arsip — arsip dan informasi publik / records and public information."""


@main.command()
@click.pass_context
@handles_errors
def init(ctx: click.Context) -> None:
    """Buat atau migrasikan basis data dan folder data / Create or migrate the database and data folders."""
    rt = _runtime(ctx)
    rt.migrate()
    from .services.index_rebuild import rebuild_outdated

    for name in rebuild_outdated(rt):
        click.echo(f"Indeks {name} dibangun ulang untuk versi ini / {name} index rebuilt for this version")
    click.echo(f"Siap / Ready: {rt.settings.database_url.split('@')[-1]} · blobs {rt.settings.storage_url}")


@main.command()
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--threads", default=4, show_default=True, type=int)
@click.pass_context
@handles_errors
def serve(ctx: click.Context, bind: str, workers: int, threads: int) -> None:
    """Jalankan server web / Run the web server (gunicorn processes, waitress connections; docs/deployment.md)."""
    from .serve import run_server

    rt = _runtime(ctx)
    rt.migrate()
    run_server(bind=bind, workers=workers, threads=threads, settings=rt.settings)


@main.command()
@click.option(
    "--corpus",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder korpus / corpus folder (default: ../shared/corpus when present)",
)
@click.pass_context
@handles_errors
def demo(ctx: click.Context, corpus: Path | None) -> None:
    """Muat data demo / Load demo units, users and records."""
    from .demo.loader import DEMO_PASSWORD, load_demo

    rt = _runtime(ctx)
    rt.migrate()
    summary = load_demo(rt, corpus)
    click.echo(f"Demo: {summary.users} pengguna/users, {summary.records} arsip/records baru ({summary.source})")
    click.echo(f"Login demo: admin / {DEMO_PASSWORD}  (juga/also: ppid, sekretariat, pendukung.kominfo, arsiparis)")
    click.echo(f"Token API demo / demo API token: {summary.token}")
    if summary.tracking:
        click.echo(f"{summary.requests} permohonan informasi/requests; lacak/track: {summary.tracking}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--metadata",
    "metadata_csv",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV dengan kolom 'file' + kolom deskripsi / CSV with a 'file' column + description columns",
)
@click.option("--unit", "unit", required=True, help="Unit pengolah bawaan / default processing unit")
@click.option("--creator-org", default=None, help="Pencipta arsip bawaan / default creator organisation")
@click.option("--classification-code", default="000", show_default=True)
@click.option(
    "--workers",
    default=4,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Utas penyiap berkas / file-preparing threads",
)
@click.option(
    "--propose-titles",
    is_flag=True,
    help="Judul dari isi berkas hanya diusulkan; nama berkas tetap jadi judul / "
    "Only propose titles derived from the text; keep the file names as titles",
)
@click.option("--quiet", is_flag=True)
@click.option(
    "--force",
    is_flag=True,
    help="Masukkan lagi berkas yang sudah pernah masuk / Ingest files again that were ingested before.",
)
@click.pass_context
@handles_errors
def ingest(
    ctx: click.Context,
    paths: tuple[Path, ...],
    metadata_csv: Path | None,
    unit: str,
    creator_org: str | None,
    classification_code: str,
    workers: int,
    propose_titles: bool,
    quiet: bool,
    force: bool,
) -> None:
    """Masukkan berkas secara massal / Batch-ingest files as records.

    Aman diulang / safe to rerun: a file ingested before (same path and content) is skipped, so a run cut short by a
    crash goes on where it stopped; ``--force`` ingests it again."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from .services.ingest import find_files, ingest_paths, read_metadata_csv

    rt = _runtime(ctx)
    rt.migrate()
    metadata = read_metadata_csv(metadata_csv) if metadata_csv else None
    defaults = {
        "processing_unit": unit,
        "creator_org": creator_org or unit,
        "classification_code": classification_code,
    }
    total = sum(1 for _ in find_files(paths))
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
        disable=quiet,
        transient=True,
    ) as progress:
        task = progress.add_task("ingest", total=total)

        def step(result: Any) -> None:
            progress.advance(task)
            if result.error and not quiet:
                progress.console.print(f"[yellow]dilewati / skipped[/] {result.path}: {result.error}")

        summary = ingest_paths(
            rt, SYSTEM, paths, defaults, metadata, step, workers=workers, propose_titles=propose_titles, force=force
        )
    elapsed = time.perf_counter() - started
    for failed in summary.failed if quiet else []:
        click.echo(f"dilewati / skipped {failed.path}: {failed.error}", err=True)
    click.echo(
        f"{len(summary.ok)} masuk / ingested, {len(summary.already)} sudah ada / already in, "
        f"{len(summary.failed)} dilewati / skipped, "
        f"{summary.bytes / 1e6:.1f} MB dalam / in {elapsed:.1f} s"
    )
    if summary.failed:
        sys.exit(1)


@main.group()
def user() -> None:
    """Pengguna / Users."""


@user.command("add")
@click.argument("username")
@click.option("--role", required=True)
@click.option("--full-name", required=True)
@click.option("--unit", "unit_code", default=None)
@click.option("--email", default=None)
@click.password_option(confirmation_prompt=True)
@click.pass_context
@handles_errors
def user_add(
    ctx: click.Context,
    username: str,
    role: str,
    full_name: str,
    unit_code: str | None,
    email: str | None,
    password: str,
) -> None:
    """Tambah pengguna / Add a user."""
    from .services.auth import create_user

    data = {
        "username": username,
        "role": role,
        "full_name": full_name,
        "unit_code": unit_code,
        "email": email,
        "password": password,
    }
    created = create_user(_runtime(ctx), SYSTEM, {k: v for k, v in data.items() if v is not None})
    click.echo(f"Pengguna / user {created.username} ({created.role}) dibuat / created")


@user.command("list")
@click.pass_context
@handles_errors
def user_list(ctx: click.Context) -> None:
    """Daftar pengguna / List users."""
    from .services.auth import list_users

    for u in list_users(_runtime(ctx), SYSTEM):
        click.echo(f"{u.username}\t{u.role}\t{u.unit_code or '-'}\t{u.full_name}")


@user.command("delete")
@click.argument("username")
@click.pass_context
@handles_errors
def user_delete(ctx: click.Context, username: str) -> None:
    """Nonaktifkan pengguna dan cabut tokennya / Deactivate a user and revoke its tokens."""
    from .services.auth import delete_user

    delete_user(_runtime(ctx), SYSTEM, username)
    click.echo(f"Pengguna / user {username} dihapus / deleted")


@main.group()
def token() -> None:
    """Token API / API tokens."""


@token.command("create")
@click.argument("username")
@click.option("--name", default="cli", show_default=True)
@click.option("--days", type=int, default=None, help="Masa berlaku / validity in days")
@click.pass_context
@handles_errors
def token_create(ctx: click.Context, username: str, name: str, days: int | None) -> None:
    """Buat token (ditampilkan sekali) / Create a token (shown once)."""
    from .services.auth import create_token

    click.echo(create_token(_runtime(ctx), SYSTEM, username, name, days))


@main.group()
def unit() -> None:
    """Unit kerja / Work units."""


@unit.command("add")
@click.argument("code")
@click.argument("name")
@click.pass_context
@handles_errors
def unit_add(ctx: click.Context, code: str, name: str) -> None:
    """Tambah unit kerja / Add a work unit."""
    from .services.auth import create_unit

    create_unit(_runtime(ctx), SYSTEM, code, name)
    click.echo(f"Unit {code} dibuat / created")


@main.command()
@click.pass_context
@handles_errors
def fixity(ctx: click.Context) -> None:
    """Hash ulang setiap blob / Re-hash every blob and report missing or altered ones."""
    from .services.fixity import check_fixity

    started = time.perf_counter()
    report = check_fixity(_runtime(ctx))
    for sha in report.missing:
        click.echo(f"HILANG / MISSING  {sha}")
    for sha in report.altered:
        click.echo(f"BERUBAH / ALTERED {sha}")
    click.echo(
        f"{report.checked} blob diperiksa / checked, {report.bytes / 1e6:.1f} MB, "
        f"{len(report.missing)} hilang / missing, {len(report.altered)} berubah / altered "
        f"in {time.perf_counter() - started:.1f} s"
    )
    if not report.ok:
        sys.exit(1)


@main.command()
@click.option("--dry-run", is_flag=True)
@click.pass_context
@handles_errors
def sweep(ctx: click.Context, dry_run: bool) -> None:
    """Hapus blob tanpa rujukan / Remove blobs no record points to, and stale temp files."""
    from .services.fixity import sweep as run_sweep

    report = run_sweep(_runtime(ctx), dry_run=dry_run)
    for sha in report.removed:
        click.echo(f"{'akan dihapus / would remove' if dry_run else 'dihapus / removed'} {sha}")
    click.echo(
        f"{report.examined} blob diperiksa / examined, {len(report.removed)} tanpa rujukan / "
        f"unreferenced, {report.stale_temp_files} berkas sementara / temp files"
    )


@main.group()
def audit() -> None:
    """Jejak audit / Audit trail."""


@audit.command("verify")
@click.pass_context
@handles_errors
def audit_verify(ctx: click.Context) -> None:
    """Periksa rantai hash audit / Verify the audit hash chain."""
    from .services.audit import verify_chain

    with _runtime(ctx).db.read() as session:
        report = verify_chain(session)
    for problem in report.problems:
        click.echo(f"RUSAK / BROKEN row {problem.event_id} [{problem.kind}]: {problem.message}")
    if report.ok:
        click.echo(f"Rantai audit utuh / audit chain intact: {report.checked} baris / rows")
    else:
        sys.exit(1)


@main.command()
def roles() -> None:
    """Cetak matriks peran / Print the role matrix."""
    from schemas.enums import Role

    from .permissions import ROLE_MATRIX

    roles_ = list(Role)
    click.echo("action".ljust(18) + " ".join(r.value[:11].ljust(11) for r in roles_))
    for action, allowed in ROLE_MATRIX.items():
        click.echo(action.ljust(18) + " ".join(("ya/yes" if r in allowed else "-").ljust(11) for r in roles_))


@main.group()
def workflow() -> None:
    """Alur SOP / The SOP workflow."""


@workflow.command("expire")
@click.pass_context
@handles_errors
def workflow_expire(ctx: click.Context) -> None:
    """Akhiri pengecualian kedaluwarsa / Expire exemptions.

    Arsip yang masa pengecualiannya telah berakhir kembali ke status dilaporkan untuk ditetapkan ulang oleh PPID
    (UU KIP Pasal 20). / Records whose exemption period has ended go back to dilaporkan for a new determination by
    the PPID (UU KIP Art. 20).
    """
    from .services.workflow import expire_exemptions

    done = expire_exemptions(_runtime(ctx), SYSTEM)
    for record_id in done:
        click.echo(f"dikembalikan / returned: arsip / record {record_id} -> dilaporkan")
    click.echo(f"{len(done)} arsip dikembalikan ke penetapan / records returned to determination")


@workflow.command("due")
@click.option(
    "--within-hours",
    type=click.IntRange(0, 24 * 366),
    default=4,
    show_default=True,
    help="Jatuh tempo dalam N jam / due within N hours",
)
@click.option(
    "--role",
    type=click.Choice(sorted({str(r) for step in STEPS.values() for r in step.roles})),
    default=None,
    help="Hanya langkah peran ini / only this role's steps",
)
@click.option("--unit", default=None, help="Hanya unit pengolah ini / only this processing unit")
@click.pass_context
@handles_errors
def workflow_due(ctx: click.Context, within_hours: int, role: str | None, unit: str | None) -> None:
    """Terlambat dan segera jatuh tempo / Overdue and due-soon items."""
    from datetime import timedelta

    from .services.workflow import due_items

    rt = _runtime(ctx)
    items = due_items(rt, SYSTEM, within=timedelta(hours=within_hours), role=role, unit=unit)
    if not items:
        click.echo(f"Tidak ada yang jatuh tempo dalam {within_hours} jam / nothing due within {within_hours} hours")
        return
    rows = [
        (
            str(item["record_no"] or item["record_id"]),
            item["publication_state"],
            item["step"],
            item["due_at"].astimezone(rt.calendar.tz).strftime("%Y-%m-%d %H:%M %Z"),
            "TERLAMBAT/OVERDUE" if item["overdue"] else "",
        )
        for item in items
    ]
    header = ("record_no", "state", "step", "due", "")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    overdue = sum(1 for item in items if item["overdue"])
    click.echo(f"{len(items)} arsip / records, {overdue} terlambat / overdue")


# Search, index, worker, JRA and retention commands live in their own modules and register themselves on ``main``.
from . import cli_backup, cli_cron, cli_export, cli_oai, cli_reports, cli_retention, cli_search  # noqa: E402, F401
