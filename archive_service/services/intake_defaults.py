"""What a record's files say about its physical description: media, quantity and unit, and the DCMI type.

Why: a record made from an upload used to get the schema's defaults whatever it held (``elektronik``, 1
``lembar``), so a photograph was described, and exported to Dublin Core, as one sheet of text. The intake form
(``/staf/unggah``) now fills the fields a person left empty from the files' content: the MIME type sniffed from
the bytes (libmagic, the same sniffing ``services.uploads`` trusts) and, for PDF, the number of pages. A value the
person gave always wins; these are defaults, never corrections.

The rules are small pure functions on MIME types and page counts (the Dublin Core export derives ``dc:type`` from
the same MIME types, in ``exports/dublin_core.py``). Only ``pdf_page_counts`` and ``file_facts`` touch files:

* a PDF's pages are counted by pdfium in a child process (``python -I -c …``) under a memory limit and a timeout:
  the web process never parses an uploaded PDF itself (the extraction pool's reason, see
  ``indexer/extract/pool.py``), and a file pdfium cannot open simply gives no count (the quantity then falls back
  to the number of files);
* at most ``MAX_COUNTED_PDFS`` PDFs of one upload are counted (one child process for all of them).

Rules (DOMAIN.md §4.5, §7):

===================================  ==================  ======================================================
files                                media               jumlah / satuan
===================================  ==================  ======================================================
only images (JPEG, PNG, TIFF)        ``foto``            number of files, ``file``
only audio or video                  ``audio_visual``    number of files, ``file``
only PDFs, every page count known    ``elektronik``      sum of pages, ``halaman``
anything else (office files, mixed)  ``elektronik``      number of files, ``file``
no files                             (none)              (none: the schema's ``elektronik``, 1 ``lembar`` apply)
===================================  ==================  ======================================================
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.mime import sniff_path
from schemas.enums import Media, QuantityUnit

PDF = "application/pdf"
MAX_COUNTED_PDFS = 20
COUNT_TIMEOUT_S = 15.0
COUNT_MEMORY_MB = 1024


@dataclass(frozen=True)
class FileFacts:
    """What intake knows of one uploaded file: its sniffed MIME type and, for a PDF, its page count."""

    mime: str
    pages: int | None = None


def _kind(mime: str) -> str:
    major = mime.split("/", 1)[0]
    return major if major in {"image", "audio", "video"} else mime


def media_for(mimes: Iterable[str]) -> Media | None:
    """The media of a record holding files of these types; None when there are no files."""
    kinds = {_kind(m) for m in mimes}
    if not kinds:
        return None
    if kinds == {"image"}:
        return Media.FOTO
    if kinds <= {"audio", "video"}:
        return Media.AUDIO_VISUAL
    return Media.ELEKTRONIK


def quantity_for(files: Sequence[FileFacts]) -> tuple[int, QuantityUnit] | None:
    """*Jumlah* and *satuan* of a record holding these files: pages of PDFs, otherwise the number of files."""
    if not files:
        return None
    if all(f.mime == PDF and f.pages for f in files):
        return sum(f.pages or 0 for f in files), QuantityUnit.HALAMAN
    return len(files), QuantityUnit.FILE


DERIVED_KEYS = frozenset({"media", "quantity", "quantity_unit"})


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def with_file_defaults(data: Mapping[str, Any], files: Sequence[FileFacts]) -> dict[str, Any]:
    """``data`` (a record description as sent) with ``media``, ``quantity`` and ``quantity_unit`` filled from the
    files where the sender left them out or blank. Sent values are never replaced. A quantity is derived only
    when its unit is derived too or is the derived unit (a page count is no number of boxes). Blank values of
    these three keys that nothing replaces are dropped, so the schema's defaults apply."""
    out = {key: value for key, value in data.items() if not (key in DERIVED_KEYS and _blank(value))}
    media = media_for(f.mime for f in files)
    if media is not None and "media" not in out:
        out["media"] = str(media)
    derived = quantity_for(files)
    if derived is not None:
        quantity, unit = derived
        out.setdefault("quantity_unit", str(unit))
        if "quantity" not in out and out["quantity_unit"] == str(unit):
            out["quantity"] = quantity
    return out


# Run in a child process: a hostile PDF can exhaust memory or loop; the limit and the timeout end the child only.
_COUNT_PAGES = """\
import resource, sys
limit = int(sys.argv[1]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
import pypdfium2
for path in sys.argv[2:]:
    try:
        print(len(pypdfium2.PdfDocument(path)), flush=True)
    except Exception:
        print(0, flush=True)
"""


def pdf_page_counts(paths: Sequence[Path]) -> list[int | None]:
    """The page count of each PDF (None where pdfium cannot open it, or for paths past ``MAX_COUNTED_PDFS``)."""
    counted = list(paths[:MAX_COUNTED_PDFS])
    out: list[int | None] = [None] * len(paths)
    if not counted:
        return out
    try:
        done = subprocess.run(  # our own interpreter and script; the paths are arguments, never shell text
            [sys.executable, "-I", "-c", _COUNT_PAGES, str(COUNT_MEMORY_MB), *map(str, counted)],
            capture_output=True,
            timeout=COUNT_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return out
    for index, line in enumerate(done.stdout.decode("ascii", "replace").split()[: len(counted)]):
        if line.isdigit() and int(line) > 0:
            out[index] = int(line)
    return out


def file_facts(paths: Sequence[Path]) -> list[FileFacts]:
    """Sniff each file's type from its content and count the pages of the PDFs among them."""
    mimes = [sniff_path(path) for path in paths]
    pdfs = [index for index, mime in enumerate(mimes) if mime == PDF]
    counts = dict(zip(pdfs, pdf_page_counts([paths[i] for i in pdfs]), strict=True))
    return [FileFacts(mime, counts.get(index)) for index, mime in enumerate(mimes)]


__all__ = [
    "DERIVED_KEYS",
    "FileFacts",
    "file_facts",
    "media_for",
    "pdf_page_counts",
    "quantity_for",
    "with_file_defaults",
]
