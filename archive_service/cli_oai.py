"""``arsip oai …``: the OAI-PMH repository identifier — what is in use, and its one explicit change.

``ARSIP_OAI_REPOSITORY_ID`` names every OAI-PMH identifier (``oai:<repository id>:<record id>``). It is stored the
first time; the web app refuses to start while the setting differs from the stored value, until
``arsip oai rename-repository --to NEW`` announces the old identifiers as deleted and the items under the new one
with a fresh datestamp (``oai/identity.py``, docs/interoperability.md).
"""

from __future__ import annotations

import sys

import click

from .cli import _runtime, handles_errors, main


@main.group()
def oai() -> None:
    """Repositori OAI-PMH / The OAI-PMH repository."""


@oai.command("status")
@click.pass_context
@handles_errors
def oai_status(ctx: click.Context) -> None:
    """Pengenal repositori yang dipakai / The repository identifier in use (exit 1 when the setting differs)."""
    from .oai import identity

    rt = _runtime(ctx)
    rt.migrate()
    with rt.db.write() as session:
        in_use = identity.current(session, rt.settings)
        former = identity.former(session)
    configured = rt.settings.oai_repository_id
    click.echo(f"Dipakai / in use: {in_use}")
    click.echo(f"Diatur / configured (ARSIP_OAI_REPOSITORY_ID): {configured}")
    if former:
        click.echo(f"Sebelumnya / former: {', '.join(former)}")
    if in_use != configured:
        click.echo(f"Galat / Error: {identity.RepositoryIdChanged(in_use, configured)}", err=True)
        sys.exit(1)


@oai.command("rename-repository")
@click.option("--to", "new", required=True, help="Pengenal repositori baru / the new repository identifier")
@click.pass_context
@handles_errors
def rename_repository(ctx: click.Context, new: str) -> None:
    """Ganti pengenal repositori OAI-PMH / Change the OAI-PMH repository identifier.

    Pengenal lama diumumkan terhapus dan pengenal baru muncul dengan datestamp baru / the old identifiers are
    announced as deleted and the new ones appear with a fresh datestamp. Set ARSIP_OAI_REPOSITORY_ID=NEW first
    (the command refuses otherwise), then restart the web server.
    """
    from .oai import identity

    rt = _runtime(ctx)
    configured = rt.settings.oai_repository_id
    if new != configured:
        raise ValueError(
            f"--to {new} tidak sama dengan ARSIP_OAI_REPOSITORY_ID={configured}; "
            f"atur dulu ARSIP_OAI_REPOSITORY_ID={new} / --to {new} differs from "
            f"ARSIP_OAI_REPOSITORY_ID={configured}; set ARSIP_OAI_REPOSITORY_ID={new} first"
        )
    rt.migrate()
    result = identity.rename(rt, new)
    if result.datestamp is None:
        click.echo(f"Tidak ada yang diubah / nothing to do: {new} sudah dipakai / is already in use")
        return
    stamp = result.datestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    click.echo(
        f"oai:{result.old}:* → oai:{result.new}:* ({stamp}): {result.retired} pengenal lama diumumkan terhapus / "
        f"old identifiers announced as deleted, {result.live} butir dengan pengenal baru / items under the new one"
    )
