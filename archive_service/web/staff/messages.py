"""Service messages in the page's language, for every staff page.

The services speak both languages: ``ArsipError`` carries ``detail_id``/``detail_en``, and field messages are
written "Indonesia / English". A page shows one side, the one of its language.
"""

from __future__ import annotations

from schemas.base import split_bilingual

from ...errors import ArsipError
from .. import i18n


def in_indonesian() -> bool:
    return i18n.select_locale() == "id"


def lang_text(message: str) -> str:
    """One side of a bilingual ``"Indonesia / English"`` message, in the page language."""
    id_text, en_text = split_bilingual(message)
    return id_text if in_indonesian() else en_text


def error_text(err: ArsipError) -> str:
    """The service's message in the page language."""
    return err.detail_id if in_indonesian() else err.detail_en


def field_errors(err: ArsipError, merge: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Field messages in the page language; keys under a ``merge`` name (``files.0.filename``) join that name."""
    out: dict[str, list[str]] = {}
    for key, messages in (err.errors or {}).items():
        name = next((m for m in merge if key == m or key.startswith(m + ".")), key)
        out.setdefault(name, []).extend(lang_text(str(m)) for m in messages)
    return out
