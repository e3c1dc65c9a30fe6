"""A record as simple Dublin Core (the OAI ``oai_dc`` profile).

Why Dublin Core: it is the one description every catalogue, OAI-PMH harvester and archival system accepts, so
it is what goes into a transfer package next to our own richer JSON, and what an OAI-PMH endpoint will serve.
The mapping is deliberately conservative: simple DC has no qualifiers, so every value must make sense on its
own to a reader who has never seen Arsip.

The input is a plain mapping shaped like the API's record dump (``schemas.records.RecordSchema``): the caller
decides what may be exported; this module only formats. Missing or empty keys are skipped. Three optional keys
come from outside the record: ``classification_name`` (the name of the JRA class, with
``classification_name_code`` when that class's code is not the record's own) for ``dc:subject`` as
``code — name``, and ``license_uri`` (``ARSIP_PUBLIC_LICENSE_URI``), written as a second ``dc:rights`` of open
information.

Dates are W3CDTF (a single date, never an ISO interval, which W3CDTF does not have): a record dated only by its
period gets the most precise date that holds the whole period (``2025`` for a period within 2025, ``2025-03``
within March, else the period's start); the period itself goes into ``dc:coverage`` as ``start/end``.
``dc:type`` follows the files' MIME types (an image is ``StillImage``, a spreadsheet ``Dataset``, a PDF ``Text``),
the media value only when there is no file.

`dc_elements` gives the ``(element, value)`` pairs in DC element order, `dc_element` the ``oai_dc:dc``
ElementTree element (to embed in an OAI-PMH response) and `record_dc_xml` a standalone UTF-8 XML document.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

from schemas.enums import KIP_CATEGORY_LABELS, OPEN_KIP_CATEGORIES, SECURITY_CLASS_LABELS, KipCategory, SecurityClass

__all__ = [
    "DC_ELEMENTS",
    "DC_NS",
    "OAI_DC_NS",
    "OAI_DC_SCHEMA_LOCATION",
    "XSI_NS",
    "dc_element",
    "dc_elements",
    "dc_xml",
    "record_dc_xml",
    "rights_statement",
]

DC_NS = "http://purl.org/dc/elements/1.1/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC_SCHEMA_LOCATION = f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

DC_ELEMENTS: tuple[str, ...] = (
    "title",
    "creator",
    "subject",
    "description",
    "publisher",
    "contributor",
    "date",
    "type",
    "format",
    "identifier",
    "source",
    "language",
    "relation",
    "coverage",
    "rights",
)
"""The 15 DC elements in the order the ``oai_dc`` schema lists them (its ``xs:choice`` allows any order, but a
fixed order keeps the output stable and diffable)."""

# The standard prefixes, so serialised documents read ``oai_dc:dc`` / ``dc:title`` rather than ``ns0:``.
# Registering is process-global, but these prefixes are the canonical ones for these URIs.
ET.register_namespace("oai_dc", OAI_DC_NS)
ET.register_namespace("dc", DC_NS)
ET.register_namespace("xsi", XSI_NS)

# Characters XML 1.0 forbids outright (§2.2 Char): C0 controls except TAB/LF/CR, lone surrogates, U+FFFE/U+FFFF.
# ElementTree escapes ``<&>`` but happily writes these, producing a document no parser accepts.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# DCMI Type Vocabulary term for each *media* value (DOMAIN.md §4.5), used when the record has no file (a paper
# record described only); with files, their MIME types decide (`_mime_type`). The raw media value is added as a
# further dc:type for the local meaning.
_DCMI_TYPE = {
    "tekstual": "Text",
    "elektronik": "Text",
    "audio_visual": "MovingImage",
    "foto": "StillImage",
    "kartografi": "Image",
}

# DCMI types of MIME types that are not text (the "type/" prefix decides for images, audio and video).
_DATASET_MIME = frozenset(
    {
        "text/csv",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
    }
)

_LANGUAGE = "id"

_SECURITY_LABELS: dict[str, tuple[str, str]] = {str(k): v for k, v in SECURITY_CLASS_LABELS.items()}

# Optional pass-through keys: not part of a record today, but OAI-PMH (repository name as publisher, links
# between records as relation) will want them, and the caller decides their content.
_PASSTHROUGH = ("publisher", "contributor", "source", "relation")


def clean_text(value: Any) -> str | None:
    """A value as XML-safe text, or ``None`` when it is empty.

    Dates become ISO 8601 (W3CDTF), enums their value; characters illegal in XML 1.0 are dropped and line ends
    normalised to ``\\n`` (a parser would turn a raw ``\\r`` into ``\\n`` anyway, so the value round-trips).
    """
    if value is None:
        return None
    if isinstance(value, dt.date | dt.datetime | dt.time):
        text = value.isoformat()
    elif isinstance(value, Enum):
        text = str(value.value)
    else:
        text = str(value)
    text = _XML_ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return text or None


def _period(start: str | None, end: str | None) -> str | None:
    """An ISO 8601 time interval ``start/end`` (for ``dc:coverage``), or the single date that is known."""
    if start and end:
        return f"{start}/{end}"
    return start or end


def _period_date(start: str | None, end: str | None) -> str | None:
    """One W3CDTF date for a period: the year, or year and month, that hold all of it; else its start."""
    if not (start and end):
        return start or end
    if start[:4] != end[:4] or len(start) < 7 or len(end) < 7:
        return start
    if start[:7] != end[:7]:
        return start[:4]
    return start[:7] if start != end else start


def _mime_type(mime: str | None) -> str | None:
    """The DCMI Type Vocabulary term of a file's (sniffed) MIME type."""
    if not mime:
        return None
    mime = mime.split(";", 1)[0].strip().lower()
    major = mime.split("/", 1)[0]
    if major == "image":
        return "StillImage"
    if major == "video":
        return "MovingImage"
    if major == "audio":
        return "Sound"
    if mime in _DATASET_MIME:
        return "Dataset"
    return "Text"


def _subject(code: str | None, name: str | None, name_code: str | None) -> list[str]:
    """``dc:subject`` values: ``code — name``; when the name belongs to a broader class (the JRA class of a longer
    code), the bare code and ``class code — name``."""
    if not code:
        return []
    if not name:
        return [code]
    name_code = name_code or code
    if name_code == code:
        return [f"{code} — {name}"]
    return [code, f"{name_code} — {name}"]


def rights_statement(security_class: Any, kip_category: Any, license_uri: Any = None) -> str | None:
    """A bilingual rights statement, Indonesian first, e.g. for open information::

        Informasi publik terbuka (UU 14/2008), kategori: Informasi yang wajib tersedia setiap saat (Pasal 11);
        boleh digunakan kembali dengan menyebut sumbernya, lisensi: https://… / Open public information (Law
        14/2008), category: Information available at any time (Art. 11); may be reused with attribution, licence:
        https://…

    Why both axes: the security class (Perka ANRI 17/2011) and the public-information category (UU 14/2008)
    are separate determinations, and a receiving archive needs both to decide who may read the record.
    The ordinary security class is implied by an open KIP category, so it is only spelled out on its own.
    The licence (``ARSIP_PUBLIC_LICENSE_URI``) applies to open information only.
    """
    security = clean_text(security_class)
    kip = clean_text(kip_category)
    licence = clean_text(license_uri)
    parts_id: list[str] = []
    parts_en: list[str] = []
    if kip in OPEN_KIP_CATEGORIES:
        label_id, label_en = KIP_CATEGORY_LABELS[KipCategory(kip)]
        parts_id.append(f"Informasi publik terbuka (UU 14/2008), kategori: {label_id}")
        parts_en.append(f"Open public information (Law 14/2008), category: {label_en}")
        if licence:
            parts_id.append(f"boleh digunakan kembali dengan menyebut sumbernya, lisensi: {licence}")
            parts_en.append(f"may be reused with attribution, licence: {licence}")
    elif kip == "dikecualikan":
        parts_id.append("Dikecualikan (Pasal 17 UU 14/2008)")
        parts_en.append("Exempt (Art. 17, Law 14/2008)")
    elif kip:
        parts_id.append(f"Kategori informasi publik: {kip}")
        parts_en.append(f"Public information category: {kip}")
    if security and (security != SecurityClass.BIASA_TERBUKA or not kip):
        label_id, label_en = _SECURITY_LABELS.get(security, (security, security))
        parts_id.append(f"Klasifikasi keamanan: {label_id}")
        parts_en.append(f"Security classification: {label_en}")
    if not parts_id:
        return None
    return f"{'; '.join(parts_id)} / {'; '.join(parts_en)}"


def _values(value: Any) -> list[Any]:
    """A scalar or a list of scalars as a list (pass-through keys may hold either)."""
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def dc_elements(record: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The DC ``(element, value)`` pairs of a record, in `DC_ELEMENTS` order, empty values skipped.

    Values of one element keep their mapping order and are de-duplicated (two files of the same type give one
    ``format``). The element names are the bare DC names (``"title"``), without namespace.
    """
    out: dict[str, list[str]] = {name: [] for name in DC_ELEMENTS}

    def add(element: str, value: Any) -> None:
        text = clean_text(value)
        if text is not None and text not in out[element]:
            out[element].append(text)

    add("title", record.get("title"))
    add("creator", record.get("creator_org"))
    for subject in _subject(
        clean_text(record.get("classification_code")),
        clean_text(record.get("classification_name")),
        clean_text(record.get("classification_name_code")),
    ):
        add("subject", subject)
    add("description", record.get("description"))
    add("description", record.get("notes"))
    for key in _PASSTHROUGH:
        for value in _values(record.get(key)):
            add(key, value)

    doc_date = clean_text(record.get("doc_date"))
    start = clean_text(record.get("period_start"))
    end = clean_text(record.get("period_end"))
    add("date", doc_date or _period_date(start, end))
    if start and end:
        add("coverage", _period(start, end))

    files: list[Mapping[str, Any]] = list(record.get("files") or ())
    for file in files:
        add("type", _mime_type(clean_text(file.get("mime"))))
    media = clean_text(record.get("media"))
    if media:
        if not files:
            add("type", _DCMI_TYPE.get(media))
        add("type", media)
    for file in files:
        add("format", file.get("mime"))

    add("identifier", record.get("record_no"))
    add("identifier", record.get("published_url"))
    add("language", record.get("language") or _LANGUAGE)
    license_uri = clean_text(record.get("license_uri"))
    add("rights", rights_statement(record.get("security_class"), record.get("kip_category"), license_uri))
    if license_uri and clean_text(record.get("kip_category")) in OPEN_KIP_CATEGORIES:
        add("rights", license_uri)  # the URI alone too, for harvesters that read a licence from dc:rights

    return [(name, value) for name in DC_ELEMENTS for value in out[name]]


def dc_element(elements: Iterable[tuple[str, str]]) -> ET.Element:
    """The ``oai_dc:dc`` element holding the given DC pairs (e.g. to embed in an OAI-PMH ``<metadata>``).

    Values are cleaned again here so that pairs not produced by `dc_elements` cannot smuggle in characters
    that would make the document unparseable.
    """
    root = ET.Element(f"{{{OAI_DC_NS}}}dc", {f"{{{XSI_NS}}}schemaLocation": OAI_DC_SCHEMA_LOCATION})
    for name, value in elements:
        if name not in DC_ELEMENTS:
            raise ValueError(f"not a Dublin Core element: {name!r}")
        text = clean_text(value)
        if text is not None:
            ET.SubElement(root, f"{{{DC_NS}}}{name}").text = text
    return root


def dc_xml(elements: Iterable[tuple[str, str]]) -> bytes:
    """A standalone UTF-8 ``oai_dc`` XML document (with declaration) of the given DC pairs."""
    root = dc_element(elements)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    # ElementTree declares only the namespaces it used; oai_dc consumers expect dc/xsi declared on the root
    # even for an (unusual) record without any dc element, so add what is missing.
    for prefix, uri in (("dc", DC_NS), ("xsi", XSI_NS)):
        if f"xmlns:{prefix}=" not in body.split(">", 1)[0]:
            body = body.replace("<oai_dc:dc ", f'<oai_dc:dc xmlns:{prefix}="{uri}" ', 1)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body.encode("utf-8") + b"\n"


def record_dc_xml(record: Mapping[str, Any]) -> bytes:
    """A record (API dump shape) as a standalone ``oai_dc`` XML document."""
    return dc_xml(dc_elements(record))
