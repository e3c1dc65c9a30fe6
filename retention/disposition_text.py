"""The *keterangan* (final disposition) column of a JRA: "Musnah", "Permanen", "Dinilai Kembali" plus remarks.

Why a parser: the column is free text in real schedules. Besides spelling and case variants it carries
exceptions that change what may be done ("Musnah, Kecuali barang Tidak Bergerak", DOMAIN.md §4.4). The
disposition decides whether records may ever be destroyed, so only the known words are accepted; the remark is
kept verbatim for the appraisal panel to read, and anything else (e.g. "Musnah/Permanen") is refused.
"""

from __future__ import annotations

import re

from schemas.enums import FinalDisposition

__all__ = ["DispositionParseError", "parse_disposition"]

_WORDS: dict[str, FinalDisposition] = {
    "musnah": FinalDisposition.MUSNAH,
    "dimusnahkan": FinalDisposition.MUSNAH,
    "permanen": FinalDisposition.PERMANEN,
    "dinilai kembali": FinalDisposition.DINILAI_KEMBALI,
    "dinilai ulang": FinalDisposition.DINILAI_KEMBALI,
    "dk": FinalDisposition.DINILAI_KEMBALI,
}

# The first separator ends the disposition word; what follows is the remark.
_SEPARATOR_RE = re.compile(r"[,;(]|\s*[-–—]\s*")


class DispositionParseError(ValueError):
    """A *keterangan* that is not a known final disposition; carries the reason in both languages."""

    def __init__(self, message_id: str, message_en: str) -> None:
        super().__init__(f"{message_id} / {message_en}")
        self.message_id = message_id
        self.message_en = message_en


def parse_disposition(text: str) -> tuple[FinalDisposition, str | None]:
    """Split a *keterangan* cell into the disposition and its remark (None when there is none).

    "Musnah, Kecuali barang Tidak Bergerak" → ``(MUSNAH, "Kecuali barang Tidak Bergerak")``;
    "Permanen (untuk tingkat provinsi)" → ``(PERMANEN, "untuk tingkat provinsi")``; "DK" → ``DINILAI_KEMBALI``.
    """
    if not isinstance(text, str) or not text.strip():
        raise DispositionParseError("Keterangan (nasib akhir) kosong.", "The final disposition is empty.")
    cleaned = " ".join(text.split())
    separator = _SEPARATOR_RE.search(cleaned)
    head = cleaned[: separator.start()] if separator else cleaned
    disposition = _WORDS.get(head.rstrip(". ").lower())
    if disposition is None:
        raise _unrecognised()
    if separator is None:
        return disposition, None
    return disposition, _remark(cleaned[separator.start() :], separator.group())


def _remark(tail: str, separator: str) -> str | None:
    """The remark after the separator: unbracketed, without a trailing dot; a bracket must be closed."""
    tail = tail.rstrip(". ")
    if separator == "(":
        if not tail.endswith(")"):
            raise _unrecognised()
        tail = tail[1:-1]
    else:
        tail = tail[len(separator) :]
    return tail.strip().rstrip(".").strip() or None


def _unrecognised() -> DispositionParseError:
    return DispositionParseError(
        "Keterangan tidak dikenali; tulis 'Musnah', 'Permanen' atau 'Dinilai Kembali' (boleh diikuti catatan "
        "setelah koma).",
        "Unrecognised final disposition; write 'Musnah', 'Permanen' or 'Dinilai Kembali' (optionally followed by "
        "a remark after a comma).",
    )
