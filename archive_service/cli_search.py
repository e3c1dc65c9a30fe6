"""``arsip worker``, ``arsip index …``, ``arsip reindex``, ``arsip extract retry``, ``arsip search``.

Kept apart from ``cli.py`` so each file stays readable; registered on the same ``arsip`` group.
"""

from __future__ import annotations

import sys
import time

import click

from .cli import _runtime, handles_errors, main
from .services.actor import SYSTEM

INDEX_CHOICE = click.Choice(["internal", "public", "all"])


def _names(index: str) -> list[str]:
    from .services.indexing import INDEXES

    return list(INDEXES) if index == "all" else [index]


@main.command()
@click.option("--once", is_flag=True, help="Proses antrean lalu berhenti / drain the queue, then stop")
@click.pass_context
@handles_errors
def worker(ctx: click.Context, once: bool) -> None:
    """Jalankan pekerja indeks / Run the index worker (applies the outbox to the search indexes)."""
    from .index_worker import IndexWorker

    rt = _runtime(ctx)
    rt.migrate()
    started = time.perf_counter()
    w = IndexWorker(rt)
    try:
        w.run(once=once)
    except RuntimeError as exc:
        click.echo(f"Galat / Error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        pass
    click.echo(f"Pekerja berhenti / worker stopped after {time.perf_counter() - started:.1f} s")


@main.group()
def index() -> None:
    """Indeks pencarian / Search indexes."""


@index.command("verify")
@click.option("--index", "which", type=INDEX_CHOICE, default="all", show_default=True)
@click.pass_context
@handles_errors
def index_verify(ctx: click.Context, which: str) -> None:
    """Bandingkan indeks dengan basis data / Report drift between the database and the indexes (exit 1)."""
    from .services.index_rebuild import verify

    rt = _runtime(ctx)
    drifted = False
    for name in _names(which):
        drift = verify(rt, name)
        status = "bersih / clean" if drift.clean else "SELISIH / DRIFT"
        click.echo(
            f"{name}: {status} — {drift.expected} diharapkan/expected, {drift.indexed} terindeks/indexed, "
            f"{len(drift.missing)} hilang/missing, {len(drift.stale)} usang/stale, {len(drift.extra)} lebih/extra"
        )
        for label, ids in (("missing", drift.missing), ("stale", drift.stale), ("extra", drift.extra)):
            if ids:
                click.echo(f"  {label}: {', '.join(map(str, ids[:20]))}{' …' if len(ids) > 20 else ''}")
        drifted |= not drift.clean
    sys.exit(1 if drifted else 0)


@index.command("status")
@click.pass_context
@handles_errors
def index_status(ctx: click.Context) -> None:
    """Antrean, surat mati dan ekstraksi gagal / Queue, dead letters and failed extractions."""
    from .services.indexing import INDEXES, backlog, dead_letters, failed_extractions

    rt = _runtime(ctx)
    for name in INDEXES:
        click.echo(f"{name}: {rt.search.index(name).count()} dokumen/documents")
    b = backlog(rt)
    click.echo(f"outbox: {b['pending']} tertunda/pending, {b['dead']} surat mati/dead letters")
    if rt.settings.worker_claims == "database":
        from .services import work_claims

        writer = work_claims.lease_holder(rt, work_claims.INDEX_WRITER) or "-"
        held = ", ".join(f"{w}: {n}" for w, n in work_claims.live_claims(rt).items()) or "-"
        click.echo(f"penulis indeks/index writer: {writer}; ekstraksi diklaim/extractions claimed: {held}")
    from .services.cleanup import last

    if (cleaned := last(rt)) is not None:
        click.echo(cleaned["line"])
    for event in dead_letters(rt, 20):
        click.echo(f"  dead #{event.id} record {event.record_id} {event.topic}: {event.last_error}")
    for row in failed_extractions(rt, 20):
        click.echo(f"  extraction {row.state} {row.blob_sha256[:12]}…: {row.error or ''}")


@index.command("retry-dead")
@click.pass_context
@handles_errors
def index_retry_dead(ctx: click.Context) -> None:
    """Antrekan ulang surat mati / Requeue dead-letter outbox rows."""
    from .services.indexing import retry_dead

    click.echo(f"{retry_dead(_runtime(ctx))} baris diantrekan ulang / rows requeued")


@main.command()
@click.option("--index", "which", type=INDEX_CHOICE, default="all", show_default=True)
@click.pass_context
@handles_errors
def reindex(ctx: click.Context, which: str) -> None:
    """Bangun ulang indeks dari basis data dan teks tersimpan / Rebuild indexes from the database and stored text."""
    from rich.progress import Progress

    from .services.index_rebuild import reindex as run_reindex

    rt = _runtime(ctx)
    for name in _names(which):
        with Progress(transient=True) as progress:
            task = progress.add_task(f"reindex {name}", total=None)
            stats = run_reindex(rt, name, progress=lambda n, t=task: progress.advance(t, n))
        rate = stats.records / stats.seconds if stats.seconds else 0.0
        click.echo(f"{name}: {stats.records} arsip/records in {stats.seconds:.1f} s ({rate:.0f}/s), swapped")


@main.group()
def extract() -> None:
    """Ekstraksi teks / Text extraction."""


@extract.command("retry")
@click.pass_context
@handles_errors
def extract_retry(ctx: click.Context) -> None:
    """Ulangi ekstraksi yang gagal atau menunggu OCR / Retry failed and OCR-pending extractions."""
    from .services.indexing import retry_extractions

    stats = retry_extractions(_runtime(ctx))
    click.echo(
        f"{stats.done} selesai/done, {stats.ocr_pending} menunggu OCR/OCR pending, {stats.failed} gagal/failed, "
        f"{stats.unsupported} tak didukung/unsupported in {stats.seconds:.1f} s"
    )
    sys.exit(1 if stats.failed else 0)


@main.command("search")
@click.argument("query")
@click.option("--public", is_flag=True, help="Cari indeks publik / search the public index")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.pass_context
@handles_errors
def search_cmd(ctx: click.Context, query: str, public: bool, limit: int) -> None:
    """Cari dari baris perintah / Search from the command line."""
    from .services.search import internal_search, public_search

    rt = _runtime(ctx)
    params = {"q": query, "per_page": limit}
    page = public_search(rt, params) if public else internal_search(rt, SYSTEM, params)
    for hit in page.hits:
        click.echo(f"{hit['id']:>7}  {hit['record_no']}  {hit['title']}")
    click.echo(f"{page.total} hasil/results in {page.took_ms:.1f} ms{' (fallback)' if page.fallback else ''}")
    if page.relaxed:
        click.echo(f"tanpa kata / without: {', '.join(page.relaxed)}")
    if page.suggestion:
        click.echo(f"Mungkin maksud Anda / did you mean: {page.suggestion}")
