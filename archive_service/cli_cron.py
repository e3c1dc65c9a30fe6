"""``arsip cron``: the periodic jobs (notifications, reminders, exemption expiry), safe to run twice.

Meant for the system scheduler, e.g. every 10 minutes (docs/notifications.md). Exit status: 0 when every job ran
and every message due was handed to the mail server (or mail is off); 1 when a message could not be sent (it is
retried on the next run); 2 for a bad option or a service error.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from .cli import _runtime, handles_errors, main
from .runtime import Runtime
from .services.cron import JOBS, CronReport


def _parse_now(rt: Runtime, raw: str | None) -> datetime | None:
    """ISO 8601; without an offset it is the office's local time (``ARSIP_CALENDAR_TZ``)."""
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise click.BadParameter(
            f"bukan waktu ISO / not an ISO time: {raw!r} (e.g. 2026-12-01T09:00)", param_hint="--now"
        ) from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=rt.calendar.tz)
    return value.astimezone(UTC)


LABELS = {
    "exemptions": "pengecualian / exemptions",
    "notify": "langkah dibuka / steps opened",
    "digest": "ringkasan harian / daily digest",
    "retention": "retensi / retention",
    "requests": "permohonan dan keberatan / requests and objections",
}


def _print(report: CronReport) -> None:
    for job in report.jobs:
        verb = "akan dicatat / would record" if report.dry_run else "baru dicatat / newly recorded"
        line = f"{LABELS[job.name]}: {job.composed} pesan / messages, {job.recorded} {verb}"
        if job.name == "exemptions":
            ended = "akan berakhir / would end" if report.dry_run else "berakhir / ended"
            line += f"; {len(job.expired)} pengecualian {ended}"
        click.echo(line)
    if report.dry_run:
        click.echo(
            f"Uji coba: tidak ada yang dicatat atau dikirim / dry run: nothing recorded or sent "
            f"({report.pending} menunggu / waiting)"
        )
    elif not report.mail_enabled:
        click.echo(
            f"Surel nonaktif (ARSIP_SMTP_HOST kosong): {report.pending} pesan menunggu / "
            f"mail is off (no ARSIP_SMTP_HOST): {report.pending} messages waiting"
        )
    else:
        click.echo(
            f"Surel / mail: {report.sent} terkirim / sent, {report.failed} gagal / failed, "
            f"{report.pending} belum terkirim / unsent"
        )


def _oai_sync(rt: Runtime) -> None:
    """Keep the OAI-PMH repository's item list current from the scheduler, so harvest requests rarely pay for the
    daily full pass (``oai.repository.scheduled_sync``)."""
    from .oai import repository

    full = repository.scheduled_sync(rt)
    kind = "penuh / full" if full else "inkremental / incremental"
    click.echo(f"OAI-PMH: sinkronisasi / sync {kind}")


@main.command()
@click.option("--job", type=click.Choice(["all", *JOBS, "oai"]), default="all", show_default=True)
@click.option("--dry-run", is_flag=True, help="Hanya hitung / count only: nothing recorded, sent or expired")
@click.option("--now", "now_text", default=None, help="Waktu ISO pengganti jam / ISO time instead of the clock")
@click.pass_context
@handles_errors
def cron(ctx: click.Context, job: str, dry_run: bool, now_text: str | None) -> None:
    """Jalankan tugas berkala / Run the periodic jobs (notifications, reminders, exemption expiry)."""
    from .services import cron as jobs

    rt = _runtime(ctx)
    now = _parse_now(rt, now_text)
    if job in ("all", "oai") and not dry_run:
        _oai_sync(rt)
    if job == "oai":
        return
    report = jobs.run(rt, jobs=JOBS if job == "all" else (job,), now=now, dry_run=dry_run)
    _print(report)
    if not report.ok:
        click.echo(
            f"Galat / Error: {report.failed} pesan gagal dikirim, dicoba lagi pada jalan berikutnya / "
            f"{report.failed} messages could not be sent, retried on the next run: {report.errors[-1]}",
            err=True,
        )
        sys.exit(1)
