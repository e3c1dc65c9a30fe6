"""Retention periods (*retensi aktif* / *retensi inaktif*) parsed from the text a JRA actually contains.

Why: a real JRA is typed by people, not generated. Its retention cells read "2 th", "2 Tahun Setelah
Pemeriksaan", "3 th setelah dipertanggungjawabkan" or "Selama Berlaku" (DOMAIN.md §4.4). The system needs
numbers to compute due dates, but it must also keep the original wording (it is the legal text) and the event
that starts the clock. So a period is ``{years, trigger, note, text}``: ``years`` for arithmetic, ``trigger``
a stable slug other code can match on ("pemeriksaan"), ``note`` the event as written, ``text`` the cell.

Parsing is deliberately strict: anything not in the list of known phrasings raises `PeriodParseError` rather
than being guessed, because a wrong retention period can lead to records being destroyed too early (a crime,
UU 43/2009 Pasal 86). The importer reports such cells and lets a person fix the source.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "MAX_YEARS",
    "TRIGGER_NOT_IN_FORCE",
    "TRIGGER_NOT_IN_USE",
    "PeriodParseError",
    "RetentionPeriod",
    "parse_period",
    "trigger_slug",
]

MAX_YEARS = 100
"""Longer than any JRA retention; a larger number is a typo (or a year, "2025"), not a period."""

TRIGGER_NOT_IN_FORCE = "tidak_berlaku"
"""Trigger of "Selama Berlaku": the clock starts when the item (a rule, a licence, a contract) stops being in force."""

TRIGGER_NOT_IN_USE = "tidak_digunakan"
"""Trigger of "Selama Digunakan": the clock starts when the item is no longer used."""

NO_PERIOD_NOTE = "tidak ada"
"""Note of a dash cell ("-"): the JRA gives no period for this stage."""

# Words that only join the number to the event; they are not part of the event's name, so the slug drops them.
_CONNECTIVES = frozenset({"setelah", "sesudah", "sejak", "sampai", "hingga", "selama", "terhitung", "mulai", "dengan"})

_DIGITS = {
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
}
_DIGIT_RE = "|".join(_DIGITS)
# Longest alternatives first so "dua puluh lima" is not read as "dua".
_NUMBER_WORDS_RE = (
    rf"(?:(?:{_DIGIT_RE}|se)\s*puluh(?:\s+(?:{_DIGIT_RE}))?"
    rf"|(?:{_DIGIT_RE}|se)\s*belas|seratus|{_DIGIT_RE})"
)

_PERIOD_RE = re.compile(
    rf"""
    (?P<number>[0-9]+|{_NUMBER_WORDS_RE})
    \s*(?:\(\s*(?P<spelled>[^()]*?)\s*\)\s*)?      # "2 (dua) tahun"
    (?:(?P<unit>tahun|thn|th|bulan|bln)\b\.?)?   # "th." / "thn" / no unit at all
    (?:\s*(?P<rest>.*))?
    """,
    re.IGNORECASE | re.VERBOSE,
)
# An event starts with a letter: "sampai 5 tahun" or "setelah 2030" is not an event but a malformed period.
_EVENT_RE = re.compile(
    r"(?P<connective>terhitung\s+sejak|terhitung\s+mulai|setelah|sesudah|sejak)\s+(?P<event>[^\W\d_].*)",
    re.IGNORECASE,
)
_UNTIL_RE = re.compile(r"(?P<connective>sampai\s+dengan|sampai|hingga)\s+(?P<event>[^\W\d_].*)", re.IGNORECASE)
_WHILE_IN_FORCE_RE = re.compile(r"selama\s+(?:masih\s+)?berlaku", re.IGNORECASE)
_WHILE_IN_USE_RE = re.compile(r"selama\s+(?:masih\s+)?(?:dipergunakan|digunakan|dipakai)", re.IGNORECASE)
_DASHES = frozenset({"-", "–", "—", "--"})
_MONTH_UNITS = frozenset({"bulan", "bln"})


class PeriodParseError(ValueError):
    """A retention cell that is not one of the known phrasings; carries the reason in both languages."""

    def __init__(self, message_id: str, message_en: str) -> None:
        super().__init__(f"{message_id} / {message_en}")
        self.message_id = message_id
        self.message_en = message_en


@dataclass(frozen=True)
class RetentionPeriod:
    """One retention stage of a JRA row (active or inactive), as numbers plus the words they came from.

    ``trigger`` is None when the clock runs from the record's own date (active stage) or from the end of the
    active stage (inactive stage); otherwise it names the event that must be recorded before the clock starts.
    """

    years: int
    trigger: str | None
    note: str | None
    text: str

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, as stored in the database and sent over the API."""
        return {"years": self.years, "trigger": self.trigger, "note": self.note, "text": self.text}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> RetentionPeriod:
        """Rebuild a period stored by `to_dict`; checks the types, since the data may come from outside."""
        years = data.get("years")
        if not isinstance(years, int) or isinstance(years, bool) or not 0 <= years <= MAX_YEARS:
            raise PeriodParseError(
                f"Jumlah tahun harus bilangan bulat 0 sampai {MAX_YEARS}.",
                f"Years must be a whole number from 0 to {MAX_YEARS}.",
            )
        trigger, note, text = data.get("trigger"), data.get("note"), data.get("text", "")
        if not _optional_str(trigger) or not _optional_str(note) or not isinstance(text, str):
            raise PeriodParseError(
                "'trigger' dan 'note' harus teks atau null, 'text' harus teks.",
                "'trigger' and 'note' must be strings or null, 'text' a string.",
            )
        return cls(
            years=years,
            trigger=trigger if isinstance(trigger, str) and trigger else None,
            note=note if isinstance(note, str) and note else None,
            text=text,
        )

    def label(self) -> str:
        """Short Indonesian text for screens and reports ("2 tahun setelah pemeriksaan", "selama berlaku").

        Built from the parsed values, not copied from ``text``, so every JRA prints in one style whatever
        abbreviations its typist used; `parse_period` reads every label back to the same years and trigger.
        """
        event = _event_label(self)
        if self.years == 0:
            return event or NO_PERIOD_NOTE
        return f"{self.years} tahun {event}" if event else f"{self.years} tahun"


def _optional_str(value: object) -> bool:
    return value is None or isinstance(value, str)


def _event_label(period: RetentionPeriod) -> str | None:
    """The event part of a label; None when the period runs from its default start."""
    if period.trigger is None:
        return None
    if period.note:
        return _soft_lower(period.note, shouting=period.text.isupper())
    if period.years == 0:
        fixed = {TRIGGER_NOT_IN_FORCE: "selama berlaku", TRIGGER_NOT_IN_USE: "selama digunakan"}
        return fixed.get(period.trigger, f"sampai {period.trigger.replace('_', ' ')}")
    return f"setelah {period.trigger.replace('_', ' ')}"


def _soft_lower(text: str, shouting: bool) -> str:
    """Lower-case running text but keep acronyms ("Setelah Perda APBD" → "setelah perda APBD").

    A cell typed all in capitals (``shouting``) says nothing about acronyms, so it is lowered entirely.
    """
    if shouting or text.isupper():
        return text.lower()
    return " ".join(word if len(word) > 1 and word.isupper() else word.lower() for word in text.split())


def trigger_slug(phrase: str) -> str:
    """Turn an event phrase into a stable identifier: "sejak Perda Pertanggungjawaban APBD" → "perda_..._apbd".

    Why a slug: code compares triggers ("has the 'pemeriksaan' date been recorded?"), and the same event is
    typed with different case, accents and punctuation across JRAs. Leading connectives (setelah, sejak,
    sampai, hingga, selama, terhitung, ...) are dropped because they are grammar, not the event.
    """
    decomposed = unicodedata.normalize("NFKD", phrase)
    unaccented = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    words = re.sub(r"[^a-z0-9]+", " ", unaccented).split()  # any other character (dash, slash, "ß") separates
    while words and words[0] in _CONNECTIVES:
        words.pop(0)
    if not words:
        raise PeriodParseError(
            "Peristiwa pemicu kosong atau tidak terbaca.", "The trigger event is empty or unreadable."
        )
    return "_".join(words)


def parse_period(text: str) -> RetentionPeriod:
    """Read one retention cell of a JRA; raise `PeriodParseError` for anything not clearly a period.

    Accepted (case-insensitive, extra spaces and a trailing dot ignored): "2", "2 th", "2 thn", "2 tahun",
    "2th", "2 (dua) tahun", "dua tahun", "24 bulan" (whole years only), "N th setelah|sesudah|sejak|terhitung
    sejak <event>", "Selama (masih) berlaku", "Selama (masih) digunakan|dipergunakan", "Sampai|Hingga <event>",
    "-" (no period) and "0".
    """
    if not isinstance(text, str):
        raise PeriodParseError("Masa retensi harus berupa teks.", "The retention period must be text.")
    original = text.strip()
    cleaned = " ".join(original.split()).rstrip(". ").strip()
    if not cleaned:
        raise PeriodParseError("Masa retensi kosong.", "The retention period is empty.")
    lowered = cleaned.lower()
    if lowered in _DASHES or lowered == NO_PERIOD_NOTE:
        return RetentionPeriod(0, None, NO_PERIOD_NOTE, original)
    while_note = f"selama{cleaned[6:]}"  # same style as the other notes: connective in lower case
    if _WHILE_IN_FORCE_RE.fullmatch(cleaned):
        return RetentionPeriod(0, TRIGGER_NOT_IN_FORCE, while_note, original)
    if _WHILE_IN_USE_RE.fullmatch(cleaned):
        return RetentionPeriod(0, TRIGGER_NOT_IN_USE, while_note, original)
    until = _UNTIL_RE.fullmatch(cleaned)
    if until:
        return RetentionPeriod(0, trigger_slug(until["event"]), _note(until), original)
    return _parse_numeric(cleaned, original)


def _parse_numeric(cleaned: str, original: str) -> RetentionPeriod:
    """The "<number> [unit] [connective event]" forms."""
    match = _PERIOD_RE.fullmatch(re.sub(r"(?i)\bsetahun\b", "1 tahun", cleaned))
    if match is None:
        raise _unrecognised()
    years = _number_value(match["number"])
    if match["spelled"] is not None and _number_value(match["spelled"]) != years:
        raise PeriodParseError(
            "Angka dan ejaannya dalam kurung tidak sama.", "The number and its spelling in brackets disagree."
        )
    unit, rest = (match["unit"] or "").lower(), match["rest"] or ""
    if unit in _MONTH_UNITS:
        years = _months_to_years(years)
    trigger, note = None, None
    if rest:
        event = _EVENT_RE.fullmatch(rest)
        if event is None or not unit:
            raise _unrecognised()
        trigger, note = trigger_slug(event["event"]), _note(event)
    if years > MAX_YEARS:
        raise PeriodParseError(
            f"Masa retensi lebih dari {MAX_YEARS} tahun; periksa angkanya.",
            f"Retention period over {MAX_YEARS} years; check the number.",
        )
    return RetentionPeriod(years, trigger, note, original)


def _note(match: re.Match[str]) -> str:
    """The event as written, after its connective in lower case ("Setelah Pemeriksaan" → "setelah Pemeriksaan")."""
    connective = " ".join(match["connective"].lower().split())
    return f"{connective} {match['event'].strip()}"


def _months_to_years(months: int) -> int:
    """Months are accepted only as whole years: the schedule's arithmetic (and its legal basis) is in years."""
    if months % 12:
        raise PeriodParseError(
            "Masa retensi dalam bulan harus kelipatan 12 (tahun penuh).",
            "A retention period in months must be a multiple of 12 (whole years).",
        )
    return months // 12


def _number_value(token: str) -> int:
    return int(token) if token.isascii() and token.isdigit() else _spelled_value(token)


def _spelled_value(words: str) -> int:
    """Value of an Indonesian number phrase from "satu" to "seratus" ("dua puluh lima"); raise for anything else.

    "se" is the bound form of "satu": "sepuluh" = 10, "sebelas" = 11, "seratus" = 100.
    """
    tokens = re.sub(r"\s*(puluh|belas|ratus)\b", r" \1", words.lower()).split()
    value = _spelled_tokens(tokens)
    if value is None:
        raise _unrecognised()
    return value


def _spelled_tokens(tokens: list[str]) -> int | None:
    """``[d]``, ``[d|se, belas]``, ``[d|se, puluh(, d)]``, ``[se, ratus]`` → their value; None for other shapes."""
    if not tokens:
        return None
    head = 1 if tokens[0] == "se" else _DIGITS.get(tokens[0])
    tail = tokens[1:]
    if head is None or (not tail and tokens[0] == "se"):
        return None
    if not tail:
        return head
    if tail == ["belas"]:
        return 10 + head
    if tail == ["ratus"] and tokens[0] == "se":
        return 100
    if tail[0] != "puluh" or len(tail) > 2:
        return None
    unit = _DIGITS.get(tail[1]) if len(tail) == 2 else 0
    return None if unit is None else head * 10 + unit


def _unrecognised() -> PeriodParseError:
    return PeriodParseError(
        "Masa retensi tidak dikenali; tulis mis. '2 tahun', '2 tahun setelah <peristiwa>' atau 'Selama berlaku'.",
        "Unrecognised retention period; write e.g. '2 tahun', '2 tahun setelah <event>' or 'Selama berlaku'.",
    )
