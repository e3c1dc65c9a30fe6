"""MIME types from content, never from the file name.

python-magic (libmagic) reads the file itself. An upload is hashed into a staged file that keeps its first bytes,
so ``sniff_head`` answers from those without opening the file again when the type is decided by a signature at
offset 0 (PDF, PNG, JPEG, TIFF, GIF) or the head is the whole file; anything else (a ZIP-based office file, an
OLE document) is read from disk as before. Each thread has its own libmagic handle, because python-magic
serialises calls on one handle with a lock and batch ingest sniffs from a pool.

The extension table says which names are honest for a sniffed type: a ``.pdf`` that libmagic calls an executable
is a mislabelled file, refused before it is stored.
"""

from __future__ import annotations

import threading
from pathlib import Path, PurePath

import magic

# Extensions that honestly name each type. A name whose extension is known here but does not belong to the
# sniffed type is mislabelled; a name with an extension nobody claims (or none) is judged by content alone.
EXTENSIONS: dict[str, frozenset[str]] = {
    "application/pdf": frozenset({".pdf"}),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": frozenset({".docx"}),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": frozenset({".xlsx"}),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": frozenset({".pptx"}),
    "application/vnd.oasis.opendocument.text": frozenset({".odt"}),
    "application/vnd.oasis.opendocument.spreadsheet": frozenset({".ods"}),
    "application/msword": frozenset({".doc"}),
    "application/vnd.ms-excel": frozenset({".xls"}),
    "text/plain": frozenset({".txt", ".csv", ".md", ".log", ".text"}),
    "text/csv": frozenset({".csv", ".txt"}),
    "text/html": frozenset({".html", ".htm"}),
    "message/rfc822": frozenset({".eml"}),
    "image/jpeg": frozenset({".jpg", ".jpeg"}),
    "image/png": frozenset({".png"}),
    "image/tiff": frozenset({".tif", ".tiff"}),
    "application/zip": frozenset({".zip"}),
    "application/x-executable": frozenset({".exe", ".bin", ".elf"}),
    "application/x-dosexec": frozenset({".exe", ".dll", ".com"}),
    "application/x-sharedlib": frozenset({".so"}),
}
KNOWN_EXTENSIONS: frozenset[str] = frozenset().union(*EXTENSIONS.values())

# libmagic names some types differently across versions; fold them onto one name.
_ALIASES = {
    "application/x-pie-executable": "application/x-executable",
    "application/x-mach-binary": "application/x-executable",
    "application/vnd.microsoft.portable-executable": "application/x-dosexec",
    "text/x-csv": "text/csv",
    "application/csv": "text/csv",
}


# Types libmagic decides from a signature at offset 0: the first bytes give the same answer as the whole file.
HEAD_DECIDES: frozenset[str] = frozenset({"application/pdf", "image/png", "image/jpeg", "image/tiff", "image/gif"})

_local = threading.local()


def _magic() -> magic.Magic:
    handle = getattr(_local, "magic", None)
    if handle is None:
        handle = _local.magic = magic.Magic(mime=True)
    return handle


def sniff_path(path: Path) -> str:
    """The MIME type of a file on disk, read from its content (libmagic reads only what it needs)."""
    with open(path, "rb"):  # a clear FileNotFoundError, as python-magic's own from_file gives
        pass
    return normalise(_magic().from_file(str(path)))


def sniff_bytes(head: bytes) -> str:
    """The MIME type of the first bytes of a stream."""
    return normalise(_magic().from_buffer(head))


def sniff_head(head: bytes, size: int, path: Path) -> str:
    """The MIME type of a staged file whose first bytes (``head``) and ``size`` are known: from the head when
    that settles it (see ``HEAD_DECIDES``), else from the file at ``path``."""
    if head:
        mime = sniff_bytes(head)
        if len(head) >= size or mime in HEAD_DECIDES:
            return mime
    return sniff_path(path)


def normalise(mime: str) -> str:
    mime = mime.split(";", 1)[0].strip().lower()
    return _ALIASES.get(mime, mime)


def extension_matches(filename: str, mime: str) -> bool:
    """False only when the name claims a known type that is not the sniffed one."""
    ext = PurePath(filename).suffix.lower()
    if not ext or ext not in KNOWN_EXTENSIONS:
        return True
    return ext in EXTENSIONS.get(mime, frozenset())
