"""Dublin Core (oai_dc) export of a record: mapping, order, escaping and well-formed namespaced XML."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from archive_service.exports.dublin_core import (
    DC_ELEMENTS,
    DC_NS,
    OAI_DC_NS,
    XSI_NS,
    dc_element,
    dc_elements,
    dc_xml,
    record_dc_xml,
    rights_statement,
)

SCHEMA_LOCATION = "http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
OPEN_SETIAP_SAAT = (
    "Informasi publik terbuka (UU 14/2008), kategori: Informasi yang wajib tersedia setiap saat (Pasal 11)"
    " / Open public information (Law 14/2008), category: Information available at all times (Art. 11)"
)


def _record(**overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": 7,
        "record_no": "PPID/2024/0007",
        "title": "Laporan Keuangan Tahunan 2023",
        "description": "Laporan realisasi anggaran.",
        "creator_org": "Dinas Komunikasi dan Informatika",
        "processing_unit": "diskominfo",
        "classification_code": "000.5.6.2",
        "doc_date": dt.date(2024, 3, 1),
        "period_start": dt.date(2023, 1, 1),
        "period_end": dt.date(2023, 12, 31),
        "media": "elektronik",
        "development_level": "asli",
        "security_class": "biasa_terbuka",
        "kip_category": "setiap_saat",
        "published_url": "https://ppid.example.go.id/informasi/7",
        "files": [
            {"filename": "laporan.pdf", "mime": "application/pdf", "size": 10, "sha256": "0" * 64},
            {"filename": "lampiran.pdf", "mime": "application/pdf", "size": 12, "sha256": "1" * 64},
            {"filename": "tabel.xlsx", "mime": "application/vnd.ms-excel", "size": 9, "sha256": "2" * 64},
        ],
        "notes": "Asli disimpan di Record Center.",
        "quantity": 1,
        "quantity_unit": "berkas",
    }
    record.update(overrides)
    return record


def _parse(xml: bytes) -> ET.Element:
    return ET.fromstring(xml)


def test_full_record_maps_to_dc_in_element_order() -> None:
    elements = dc_elements(_record())
    assert elements == [
        ("title", "Laporan Keuangan Tahunan 2023"),
        ("creator", "Dinas Komunikasi dan Informatika"),
        ("subject", "000.5.6.2"),
        ("description", "Laporan realisasi anggaran."),
        ("description", "Asli disimpan di Record Center."),
        ("date", "2024-03-01"),
        ("type", "Text"),
        ("type", "Dataset"),
        ("type", "elektronik"),
        ("format", "application/pdf"),
        ("format", "application/vnd.ms-excel"),
        ("identifier", "PPID/2024/0007"),
        ("identifier", "https://ppid.example.go.id/informasi/7"),
        ("language", "id"),
        ("coverage", "2023-01-01/2023-12-31"),
        ("rights", OPEN_SETIAP_SAAT),
    ]
    order = [DC_ELEMENTS.index(name) for name, _ in elements]
    assert order == sorted(order)


def test_xml_children_follow_dc_order_with_namespaces() -> None:
    xml = record_dc_xml(_record(publisher="Pemerintah Kota Contoh"))
    root = _parse(xml)
    assert root.tag == f"{{{OAI_DC_NS}}}dc"
    assert root.get(f"{{{XSI_NS}}}schemaLocation") == SCHEMA_LOCATION
    assert all(child.tag.startswith(f"{{{DC_NS}}}") for child in root)
    names = [child.tag.removeprefix(f"{{{DC_NS}}}") for child in root]
    assert names[:6] == ["title", "creator", "subject", "description", "description", "publisher"]
    assert [DC_ELEMENTS.index(n) for n in names] == sorted(DC_ELEMENTS.index(n) for n in names)
    assert [(c.tag.removeprefix(f"{{{DC_NS}}}"), c.text) for c in root] == dc_elements(
        _record(publisher="Pemerintah Kota Contoh")
    )


def test_declaration_and_prefixes() -> None:
    xml = record_dc_xml(_record())
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<oai_dc:dc ')
    head = xml.split(b">", 2)[1]
    assert f'xmlns:oai_dc="{OAI_DC_NS}"'.encode() in head
    assert f'xmlns:dc="{DC_NS}"'.encode() in head
    assert f'xmlns:xsi="{XSI_NS}"'.encode() in head
    assert f'xsi:schemaLocation="{SCHEMA_LOCATION}"'.encode() in head
    assert b"<dc:title>" in xml


def test_special_characters_are_escaped_and_control_characters_dropped() -> None:
    title = 'Surat <b>"Penting"</b> & rahasia\x00\x01\x08\x0b\x0c\x1f ok \ufffe'
    xml = record_dc_xml(_record(title=title, description="baris satu\r\nbaris dua\ttab", notes="\x00\x07"))
    assert b"&lt;b&gt;" in xml
    assert b"&amp;" in xml
    for raw in (b"\x00", b"\x01", b"\x08", b"\x0b", b"\x0c", b"\x1f", "\ufffe".encode()):
        assert raw not in xml
    root = _parse(xml)
    assert root.findtext(f"{{{DC_NS}}}title") == 'Surat <b>"Penting"</b> & rahasia ok'
    # A value that is empty once cleaned is skipped, not written as an empty element.
    assert [d.text for d in root.findall(f"{{{DC_NS}}}description")] == ["baris satu\nbaris dua\ttab"]


def test_period_is_the_date_when_there_is_no_document_date() -> None:
    """dc:date is one W3CDTF date (no intervals in W3CDTF): the year or month holding the whole period, else its
    start; the interval itself is dc:coverage."""
    elements = dict(dc_elements(_record(doc_date=None)))
    assert elements["date"] == "2023"
    assert elements["coverage"] == "2023-01-01/2023-12-31"
    for start, end, date in [
        (dt.date(2025, 3, 1), dt.date(2025, 3, 31), "2025-03"),
        (dt.date(2025, 3, 4), dt.date(2025, 3, 4), "2025-03-04"),
        (dt.date(2021, 7, 1), dt.date(2023, 6, 30), "2021-07-01"),
        ("2024-01-01", "2024-06-30", "2024"),
    ]:
        elements = dict(dc_elements(_record(doc_date=None, period_start=start, period_end=end)))
        assert elements["date"] == date, (start, end)
        assert "/" not in elements["date"]


def test_iso_strings_are_accepted_and_half_periods_give_no_coverage() -> None:
    elements = dc_elements(_record(doc_date=None, period_start="2023-01-01", period_end=None))
    assert ("date", "2023-01-01") in elements
    assert not [v for n, v in elements if n == "coverage"]
    elements = dc_elements(_record(doc_date="2024-03-01", period_start=None, period_end=None))
    assert ("date", "2024-03-01") in elements


def test_empty_values_are_skipped() -> None:
    elements = dc_elements({"title": "Hanya judul", "description": "  ", "notes": None, "files": []})
    assert elements == [("title", "Hanya judul"), ("language", "id")]
    assert [n for n, _ in dc_elements({})] == ["language"]


def test_publisher_only_when_given() -> None:
    assert "publisher" not in dict(dc_elements(_record()))
    assert dict(dc_elements(_record(publisher="PPID Kota Contoh")))["publisher"] == "PPID Kota Contoh"


@pytest.mark.parametrize(
    ("media", "types"),
    [
        ("tekstual", ["Text", "tekstual"]),
        ("elektronik", ["Text", "elektronik"]),
        ("foto", ["StillImage", "foto"]),
        ("audio_visual", ["MovingImage", "audio_visual"]),
    ],
)
def test_type_from_media_when_there_is_no_file(media: str, types: list[str]) -> None:
    assert [v for n, v in dc_elements(_record(media=media, files=[])) if n == "type"] == types


@pytest.mark.parametrize(
    ("mimes", "types"),
    [
        (["image/jpeg"], ["StillImage", "elektronik"]),
        (["image/png", "image/tiff"], ["StillImage", "elektronik"]),
        (["application/pdf", "image/jpeg"], ["Text", "StillImage", "elektronik"]),
        (["text/csv"], ["Dataset", "elektronik"]),
        (["message/rfc822"], ["Text", "elektronik"]),
        (["video/mp4"], ["MovingImage", "elektronik"]),
        (["audio/mpeg"], ["Sound", "elektronik"]),
    ],
)
def test_type_from_the_files_mime_types(mimes: list[str], types: list[str]) -> None:
    """An image is an image (StillImage), not Text, whatever the media field says."""
    files = [{"filename": f"f{i}", "mime": mime} for i, mime in enumerate(mimes)]
    assert [v for n, v in dc_elements(_record(files=files)) if n == "type"] == types


@pytest.mark.parametrize(
    ("security", "kip", "expected"),
    [
        ("biasa_terbuka", "setiap_saat", OPEN_SETIAP_SAAT),
        (
            "biasa_terbuka",
            "berkala",
            "Informasi publik terbuka (UU 14/2008), kategori: Informasi yang wajib disediakan dan diumumkan secara"
            " berkala (Pasal 9) / Open public information (Law 14/2008), category: Information published"
            " periodically (Art. 9)",
        ),
        ("biasa_terbuka", None, "Klasifikasi keamanan: Biasa/Terbuka (B) / Security classification: Ordinary/open"),
        (
            "rahasia",
            "dikecualikan",
            "Dikecualikan (Pasal 17 UU 14/2008); Klasifikasi keamanan: Rahasia (R)"
            " / Exempt (Art. 17, Law 14/2008); Security classification: Secret",
        ),
        (None, None, None),
    ],
)
def test_rights_statement(security: str | None, kip: str | None, expected: str | None) -> None:
    assert rights_statement(security, kip) == expected


def test_rights_carry_the_licence_of_open_information_only() -> None:
    licence = "https://creativecommons.org/licenses/by/4.0/"
    rights = [v for n, v in dc_elements(_record(license_uri=licence)) if n == "rights"]
    assert rights == [
        "Informasi publik terbuka (UU 14/2008), kategori: Informasi yang wajib tersedia setiap saat (Pasal 11); "
        f"boleh digunakan kembali dengan menyebut sumbernya, lisensi: {licence} / Open public information (Law "
        f"14/2008), category: Information available at all times (Art. 11); may be reused with attribution, "
        f"licence: {licence}",
        licence,
    ]
    closed = [v for n, v in dc_elements(_record(license_uri=licence, kip_category="dikecualikan")) if n == "rights"]
    assert closed == ["Dikecualikan (Pasal 17 UU 14/2008) / Exempt (Art. 17, Law 14/2008)"]


def test_subject_is_code_and_name() -> None:
    named = _record(classification_name="Laporan keuangan")
    assert [v for n, v in dc_elements(named) if n == "subject"] == ["000.5.6.2 — Laporan keuangan"]
    broader = _record(classification_name="Keuangan", classification_name_code="000.5.6")
    assert [v for n, v in dc_elements(broader) if n == "subject"] == ["000.5.6.2", "000.5.6 — Keuangan"]
    assert [v for n, v in dc_elements(_record()) if n == "subject"] == ["000.5.6.2"]


def test_unknown_element_is_refused() -> None:
    with pytest.raises(ValueError, match="not a Dublin Core element"):
        dc_element([("colour", "blue")])


def test_empty_document_still_declares_namespaces() -> None:
    xml = dc_xml([])
    root = _parse(xml)
    assert root.tag == f"{{{OAI_DC_NS}}}dc"
    assert f'xmlns:dc="{DC_NS}"'.encode() in xml
