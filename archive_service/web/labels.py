"""Words for codes, and one date style per language: what the public portal and the staff pages print for the
controlled terms, the work units and the classification codes the database stores.

Why here: the terms are stored as codes (``setiap_saat``, ``diskominfo``, ``000``) and their labels live once in
``schemas.enums`` (Indonesian and English). Both faces of the web application print them, so the page-language
lookup lives in the web package, not in one face's views: the staff pages import ``enum_text`` from here and the
portal uses the same function, so a term is named the same way on both.

Dates: ``date_text`` is the one filter the public pages print dates with, "30 Juni 2026" on Indonesian pages and
"30 June 2026" on English ones (Babel's CLDR month names). Machine-readable ISO stays in ``<time datetime>``
attributes (``time_tag``), in the feeds and in JSON.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from babel.dates import format_date
from flask import current_app
from markupsafe import Markup, escape

from schemas import enums

from ..workflow.requests_table import GROUND_LABELS
from . import i18n

# The controlled terms a page may print, by the name templates use (``enum_text('kip_category', value)``).
ENUM_LABELS: dict[str, dict[Any, tuple[str, str]]] = {
    "batch_state": enums.BATCH_STATE_LABELS,
    "disposition_kind": enums.DISPOSITION_KIND_LABELS,
    "authority": enums.APPROVAL_AUTHORITY_LABELS,
    "hold_kind": enums.HOLD_KIND_LABELS,
    "opinion": enums.PANEL_OPINION_LABELS,
    "role": enums.ROLE_LABELS,
    "kip_category": enums.KIP_CATEGORY_LABELS,
    "final_disposition": enums.FINAL_DISPOSITION_LABELS,
    "archival_state": enums.ARCHIVAL_STATE_LABELS,
    "publication_state": enums.PUBLICATION_STATE_LABELS,
    "security_class": enums.SECURITY_CLASS_LABELS,
    "available_form": enums.AVAILABLE_FORM_LABELS,
    "exemption_ground": enums.EXEMPTION_GROUND_LABELS,  # Pasal 17 huruf a-j (the monev's and the register's refusals)
    "objection_ground": GROUND_LABELS,  # Pasal 35(1) a-g
}

# The primary classes (*klasifikasi pokok*) of the classification scheme (Permendagri 83/2022, DOMAIN.md §4.2):
# the name of a top-level code when the office's JRA has no row of its own for it (a JRA lists the classes it
# schedules, rarely the ten headings above them).
PRIMARY_CLASSES: dict[str, tuple[str, str]] = {
    "000": ("Umum", "General affairs"),
    "100": ("Pemerintahan", "Government"),
    "200": ("Politik", "Politics"),
    "300": ("Ketenteraman, ketertiban umum, dan pelindungan masyarakat", "Public order and protection"),
    "400": ("Kesejahteraan rakyat", "Public welfare"),
    "500": ("Perekonomian", "Economy"),
    "600": ("Pekerjaan umum", "Public works"),
    "700": ("Pengawasan", "Oversight"),
    "800": ("Kepegawaian", "Personnel"),
    "900": ("Keuangan", "Finance"),
}


def in_indonesian() -> bool:
    return i18n.select_locale() == "id"


def enum_text(kind: str, value: Any) -> str:
    """A controlled term's label (``enum_text('batch_state', 'diusulkan')``); unknown values print as they are."""
    if value is None or value == "":
        return ""
    pair = ENUM_LABELS.get(kind, {}).get(str(value))
    return (pair[0] if in_indonesian() else pair[1]) if pair else str(value)


def class_name(code: str | None, jra_name: str | None = None) -> str | None:
    """The name of a classification code: the JRA's (``jra_name``, as the office wrote it), else the name of the
    primary class it falls under (``500.12.18.1`` → Perekonomian); None when neither is known."""
    if jra_name:
        return jra_name
    pair = PRIMARY_CLASSES.get((code or "").split(".", 1)[0])
    return (pair[0] if in_indonesian() else pair[1]) if pair else None


def class_text(code: str | None, jra_name: str | None = None) -> str:
    """``"000 — Umum"``: a classification code with its name (the bare code only when no name is known)."""
    if not code:
        return ""
    name = class_name(code, jra_name)
    return f"{code} — {name}" if name else code


def file_type_text(value: str | None) -> str:
    """A file-type facet value as people write it (``pdf`` → ``PDF``)."""
    return (value or "").upper()


def _as_date(value: date | datetime) -> date:
    """A moment becomes the office's calendar day (a record published at 20:00 UTC is the next day in WIB)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(current_app.extensions["arsip"].calendar.tz).date()
    return value


def date_text(value: date | datetime | None) -> str:
    """The one date style of the public pages: "30 Juni 2026" (Indonesian) or "30 June 2026" (English)."""
    if value is None:
        return ""
    return format_date(_as_date(value), "d MMMM y", locale="id" if in_indonesian() else "en")


def time_tag(value: date | datetime | None) -> Markup:
    """``<time datetime="2026-06-30">30 Juni 2026</time>`` (ISO for machines, words for people); nothing for no
    date."""
    if value is None:
        return Markup("")
    return Markup('<time datetime="{}">{}</time>').format(_as_date(value).isoformat(), escape(date_text(value)))
