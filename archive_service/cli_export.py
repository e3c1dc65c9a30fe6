"""``arsip export …``: the public catalogue as Dublin Core XML, JSON or CSV (issue 8).

The same streamed dumps as the portal's ``/ekspor/…`` downloads (``services.catalogue_export``): only published,
open records, written batch by batch, so a large catalogue never sits in memory.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli import _runtime, handles_errors, main
from .services.catalogue_export import FORMATS, catalogue


@main.group()
def export() -> None:
    """Ekspor data terbuka / Open-data exports."""


@export.command("catalogue")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True, help="csv, json, dc-xml")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Berkas tujuan (bawaan: stdout) / output file (default: stdout)",
)
@click.pass_context
@handles_errors
def export_catalogue(ctx: click.Context, fmt: str, out: Path | None) -> None:
    """Katalog informasi publik / The public catalogue (published open records only)."""
    rt = _runtime(ctx)
    if out is None:
        stream = sys.stdout.buffer  # bytes as they are: the dump is UTF-8 already
        for chunk in catalogue(rt, fmt):
            stream.write(chunk)
        stream.flush()
        return
    tmp = out.with_name(out.name + ".part")
    with tmp.open("wb") as fh:
        for chunk in catalogue(rt, fmt):
            fh.write(chunk)
    tmp.replace(out)  # a reader never sees a half-written file
    click.echo(f"{out}", err=True)
