"""Printed documents fit for a government office (issue 17): archival PDF (PDF/A-3b, tagged, fonts embedded, XMP
with the language) checked with pikepdf, and the layout read back from the PDF with pdfminer (text and cell
borders) and poppler's pdftotext: identifiers inside their cells, column widths by content, signatures kept with
their closing text, Indonesian dates only, SOP labels instead of action names, the records' own creator, and
documents that still read well when the office settings are empty."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTLine, LTTextContainer, LTTextLine

from archive_service.config import Settings
from archive_service.demo.loader import DEMO_OFFICE, demo_settings
from archive_service.reports import registry
from archive_service.reports.model import Column, Document, Signature, Table, column_widths
from archive_service.reports.period import indonesian_dates, period_id
from archive_service.reports.render import render_to_file
from archive_service.reports.render_pdf import format_value
from archive_service.reports.signers import place_date, signing_place
from archive_service.services import disposition, workflow
from archive_service.workflow.table import LABELLED
from tests.archive_service.retention.conftest import APPROVAL, BA, make_old, panel, sample_jra  # noqa: F401 - fixtures
from tests.archive_service.workflow.conftest import payload_for

from .conftest import ReportData, flat, make, pdf_text

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
KEPT = ("tanda-terima", "kartu-kontrol", "dip", "berita-acara-pemindahan", "berita-acara-penyerahan")


def build(rt: Any, actor: Any, name: str, **raw: Any) -> Document:
    return registry.build(rt, actor, name, raw)[1]


def pages_text(path: Path) -> list[str]:
    """The text of each page as laid out, whitespace collapsed (pdftotext separates pages with a form feed)."""
    return [flat(page) for page in pdf_text(path).split("\f") if page.strip()]


def _handover(rt: Any, accounts: dict[str, Any], panel: list[Any], make_old: Any) -> tuple[Any, Any]:  # noqa: F811
    """Two permanent records of two creators moved to the records centre, then handed over: both batches."""
    kept = [
        make_old("000.8.3.3", doc_date=None, period_start="2012-01-01", period_end="2012-12-31"),
        make_old("000.8.3.3", doc_date="2013-01-01", creator_org="Bagian Organisasi Sekretariat Daerah"),
    ]
    ids = [r.id for r in kept]
    arsiparis, atasan = accounts["arsiparis"].actor, accounts["atasan_ppid"].actor
    moved = disposition.propose(rt, arsiparis, {"kind": "pemindahan", "record_ids": ids})
    moved = disposition.approve(rt, atasan, moved.id, moved.version, APPROVAL)
    moved = disposition.execute(rt, arsiparis, moved.id, moved.version, {**BA, "ba_no": "BA-PINDAH/07/2026"})
    batch = disposition.propose(rt, arsiparis, {"kind": "penyerahan", "record_ids": ids})
    for member in panel:
        disposition.appraise(rt, member.actor, batch.id, {"opinion": "setuju", "consideration": "Permanen"})
    batch = disposition.conclude_panel(rt, panel[0].actor, batch.id, None, {"summary": "Rapat panitia"})
    batch = disposition.approve(rt, atasan, batch.id, batch.version, APPROVAL)
    batch = disposition.execute(rt, arsiparis, batch.id, batch.version, BA)
    return moved, batch


@pytest.fixture
def kept(rt, accounts, data: ReportData, sample_jra, make_old, panel, tmp_path: Path) -> dict[str, Path]:  # type: ignore[no-untyped-def]  # noqa: F811
    """Every document that is kept permanently, rendered under the demo office's letterhead."""
    demo_settings(rt.settings)
    moved, handed = _handover(rt, accounts, panel, make_old)
    ids = f"{data.published.id},{data.handed_over.id}"
    arsiparis, ppid = accounts["arsiparis"].actor, accounts["ppid"].actor
    documents = {
        "tanda-terima": build(rt, accounts["sekretariat"].actor, "tanda-terima", record_ids=str(data.published.id)),
        "kartu-kontrol": build(rt, ppid, "kartu-kontrol", record_ids=ids),
        "dip": build(rt, ppid, "dip"),
        "berita-acara-pemindahan": build(rt, arsiparis, "berita-acara-pemindahan", batch_id=str(moved.id)),
        "berita-acara-penyerahan": build(rt, arsiparis, "berita-acara-penyerahan", batch_id=str(handed.id)),
    }
    return {name: render_to_file(doc, "pdf", rt.settings, tmp_path / f"{name}.pdf") for name, doc in documents.items()}


# ---- archival PDF ---------------------------------------------------------------------------------------------------
def _fonts(resources: Any, seen: set[tuple[int, int]]) -> list[Any]:
    """Every font dictionary reachable from ``resources`` (page fonts and those of form XObjects and patterns)."""
    found: list[Any] = []
    if resources is None:
        return found
    for font in (resources.get("/Font") or {}).values():
        found.append(font)
        if font.get("/Resources") is not None:  # a Type 3 font's glyph procedures
            found += _fonts(font.get("/Resources"), seen)
    for key in ("/XObject", "/Pattern"):
        for xobject in (resources.get(key) or {}).values():
            if xobject.objgen in seen:
                continue
            seen.add(xobject.objgen)
            found += _fonts(xobject.get("/Resources"), seen)
    return found


def _embedded(font: Any) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are content streams inside the PDF
    descendant = font["/DescendantFonts"][0] if font.get("/Subtype") == "/Type0" else font
    descriptor = descendant.get("/FontDescriptor")
    return descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_kept_documents_are_tagged_pdfa_3b_with_embedded_fonts_and_xmp(kept: dict[str, Path]) -> None:
    assert set(kept) == set(KEPT)
    for name, path in kept.items():
        with pikepdf.open(path) as pdf:
            root = pdf.Root
            intents = list(root.OutputIntents)
            assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1", name
            profile = intents[0].DestOutputProfile
            icc = profile.read_bytes()
            assert icc[36:40] == b"acsp" and int(profile.N) == 3, name  # an ICC profile, RGB (sRGB)
            assert bool(root.MarkInfo.Marked) is True and "/StructTreeRoot" in root, name
            assert len(root.StructTreeRoot.K) >= 1, name
            assert str(root.Lang) == "id", name
            assert "/ID" in pdf.trailer and not pdf.is_encrypted, name
            fonts = [f for page in pdf.pages for f in _fonts(page.obj.get("/Resources"), set())]
            assert fonts, name
            missing = [str(f.get("/BaseFont")) for f in fonts if not _embedded(f)]
            assert not missing, (name, missing)
            meta = pdf.open_metadata()
            assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "B", name
            assert "Dinas Komunikasi dan Informatika" in str(meta["dc:creator"]), name
            assert DEMO_OFFICE["institution_name"] in str(meta["dc:creator"]), name
            assert str(meta["dc:title"]) == str(pdf.docinfo["/Title"]) and str(meta["dc:title"]), name
            assert "id" in meta["dc:language"], name
            assert str(pdf.docinfo["/Author"]) == ", ".join(meta["dc:creator"]), name  # XMP and Info agree


# ---- layout read back from the PDF ----------------------------------------------------------------------------------
def _lines(path: Path, page_no: int = 0) -> tuple[list[LTTextLine], list[LTLine]]:
    page = list(extract_pages(str(path)))[page_no]
    lines = [line for box in page if isinstance(box, LTTextContainer) for line in box if isinstance(line, LTTextLine)]
    return lines, [o for o in page if isinstance(o, LTLine)]


def _cell(line: LTTextLine, rules: list[LTLine]) -> tuple[float, float]:
    """The x-range of the table cell ``line`` sits in: the vertical borders around it at its height."""
    middle = (line.y0 + line.y1) / 2
    xs = sorted(
        {round(r.x0, 1) for r in rules if abs(r.x0 - r.x1) < 0.5 and min(r.y0, r.y1) <= middle <= max(r.y0, r.y1)}
    )
    left = max(x for x in xs if x <= line.x0 + 0.5)
    right = min(x for x in xs if x > left + 1)
    return left, right


def _find(lines: list[LTTextLine], text: str) -> list[LTTextLine]:
    return [line for line in lines if line.get_text().strip() == text]


def test_receipt_and_record_numbers_stay_inside_their_cells(kept: dict[str, Path], data: ReportData) -> None:
    lines, rules = _lines(kept["tanda-terima"])
    for number in (data.published.receipt_no, data.published.record_no):
        found = _find(lines, number)
        assert found, number  # printed whole on one line, not broken
        for line in found:
            left, right = _cell(line, rules)
            assert left <= line.x0 and line.x1 <= right, (number, left, line.x0, line.x1, right)


def test_columns_are_sized_by_content(kept: dict[str, Path]) -> None:
    lines, rules = _lines(kept["dip"])
    no = _cell(_find(lines, "No")[0], rules)
    summary = _cell(next(line for line in lines if line.get_text().startswith("Ringkasan isi")), rules)
    assert (no[1] - no[0]) * 3 < summary[1] - summary[0]
    assert (no[1] - no[0]) < 50  # points: a narrow column, not an eighth of a landscape page (~95 pt)
    # the model: percentages from each column's own definition, summing to 100
    widths = column_widths((Column("no", "No", numeric=True), Column("t", "Judul", width="wide"), Column("x", "X")))
    assert widths[0] < widths[2] < widths[1] and abs(sum(widths) - 100) < 1e-6
    assert column_widths((Column("a", "A", width="10%"), Column("b", "B", width="30%"))) == [25.0, 75.0]


def test_signatures_keep_their_closing_text_and_the_appendix_follows(kept: dict[str, Path]) -> None:
    for name in ("dip", "berita-acara-pemindahan", "berita-acara-penyerahan"):
        pages = pages_text(kept[name])
        signed = [i for i, page in enumerate(pages) if "Yang menerima" in page or "PPID Pejabat Pengelola" in page]
        assert len(signed) == 1, name
        page = pages[signed[0]]
        assert "Demikian berita acara ini" in page or "Daftar Informasi Publik" in page, name  # the closing text
        body = page.split("Halaman")[0]
        assert len(body) > 400, (name, body)  # more on that page than the signature block
    penyerahan = pages_text(kept["berita-acara-penyerahan"])
    assert penyerahan[-1].startswith("Lampiran Berita Acara Penyerahan Arsip Statis Nomor BA-")
    assert "Daftar Arsip yang Diserahkan" in penyerahan[-1]


def test_a_long_table_never_leaves_the_signatures_alone(settings: Settings, tmp_path: Path) -> None:
    """Whatever the length of the last table, its last rows go along with the signature block to a new page."""
    columns = (Column("no", "No", numeric=True), Column("t", "Uraian", width="wide"), Column("n", "Jumlah"))
    for n in range(22, 34):
        doc = Document(
            name="uji",
            title="Laporan uji",
            sections=[Table(columns, [(i, f"Informasi nomor {i}", i) for i in range(1, n + 1)], title="Daftar")],
            signatures=[Signature("Tim Sekretariat PPID", label="Yang membuat"), Signature("PPID", "Budi")],
            place_date="Sleman, 3 Desember 2026",
        )
        pages = pages_text(render_to_file(doc, "pdf", settings, tmp_path / f"long-{n}.pdf"))
        assert "Yang membuat" in pages[-1] and f"Informasi nomor {n}" in pages[-1], n


def test_dates_are_indonesian_everywhere(kept: dict[str, Path]) -> None:
    for name, path in kept.items():
        text = flat(pdf_text(path, "-raw"))
        assert not ISO.findall(text), (name, ISO.findall(text))
    penyerahan = flat(pdf_text(kept["berita-acara-penyerahan"], "-raw"))
    assert "1 Januari 2012 s.d. 31 Desember 2012" in penyerahan  # the kurun waktu of the daftar
    assert indonesian_dates("2026-01-01 – 2026-12-31") == "1 Januari 2026 – 31 Desember 2026"
    assert indonesian_dates("SK/2026-01-01/7 dan 2026-02-30") == "SK/2026-01-01/7 dan 2026-02-30"
    assert period_id(date(2012, 1, 1), date(2012, 12, 31)) == "1 Januari 2012 s.d. 31 Desember 2012"
    assert format_value("rapat 2026-12-03") == "rapat 3 Desember 2026"


def test_control_card_shows_the_sop_labels_not_the_action_names(rt, accounts, kept: dict[str, Path]) -> None:  # type: ignore[no-untyped-def]
    text = flat(pdf_text(kept["kartu-kontrol"], "-raw"))
    for action in ("serahkan", "usulkan_kategori", "dokumentasikan", "terima", "tetapkan_terbuka", "publikasikan"):
        assert flat(LABELLED[action].label_id) in text, action
    # no action name of more than one word, as such ("usulkan_kategori") or spaced ("usulkan kategori"); the one-word
    # names are ordinary words ("tanda terima", "putaran verifikasi"), so the cells are compared as data below
    slugs = [a for a in LABELLED if "_" in a and re.search(rf"(?<!\w)({a}|{a.replace('_', ' ')})(?!\w)", text)]
    assert not slugs, slugs
    # a record returned for correction and handed over again: "Serahkan ulang setelah perbaikan", not the slug
    returned = make(rt, accounts, "perlu_perbaikan", title="Notulen rapat koordinasi")
    again = workflow.apply_transition(
        rt, accounts["pendukung"].actor, returned.id, returned.version, payload_for("serahkan_ulang", returned)
    )
    doc = build(rt, accounts["ppid"].actor, "kartu-kontrol", record_ids=str(again.id))
    actions = [row[2] for row in doc.tables()[0].rows]
    assert set(actions) <= {t.label_id for t in LABELLED.values()}
    assert actions[-2:] == [LABELLED["kembalikan"].label_id, LABELLED["serahkan_ulang"].label_id]
    text = flat(pdf_text(render_to_file(doc, "pdf", rt.settings, Path(str(kept["dip"]) + ".kk.pdf")), "-raw"))
    assert "Serahkan ulang setelah perbaikan" in text and "serahkan ulang" not in text


def test_the_creator_shown_is_the_records_own(kept: dict[str, Path], rt: Any) -> None:
    penyerahan = flat(pdf_text(kept["berita-acara-penyerahan"]))
    assert "Pencipta arsip : Dinas Komunikasi dan Informatika; Bagian Organisasi Sekretariat Daerah" in penyerahan
    assert "Pencipta arsip : Pemerintah" not in penyerahan
    for name in ("tanda-terima", "kartu-kontrol"):
        assert "Pencipta arsip : Dinas Komunikasi dan Informatika" in flat(pdf_text(kept[name])), name


def test_letterhead_and_place_with_the_demo_office(kept: dict[str, Path]) -> None:
    dip = flat(pdf_text(kept["dip"]))
    assert DEMO_OFFICE["office_address"] in dip and "Ditetapkan di Sleman, pada tanggal 20 November 2026" in dip


def test_empty_office_settings_leave_no_dangling_text(rt, accounts, data: ReportData, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert rt.settings.office_city == "" and rt.settings.office_address == ""  # the defaults
    assert signing_place(rt.settings) is None and place_date(rt.settings, date(2026, 12, 3)) == "3 Desember 2026"
    dip = flat(pdf_text(render_to_file(build(rt, accounts["ppid"].actor, "dip"), "pdf", rt.settings, tmp_path / "d")))
    assert "Ditetapkan pada tanggal 20 November 2026" in dip and "Ditetapkan di" not in dip
    assert " , " not in dip and "bertempat di ," not in dip
    # a kabupaten or kota is signed at the seat it is named after; ARSIP_OFFICE_CITY wins; a given place first
    sleman = Settings(data_dir=tmp_path / "s", institution_name="Pemerintah Kabupaten Sleman")
    assert signing_place(sleman) == "Sleman" and signing_place(sleman, "Godean") == "Godean"
    assert signing_place(Settings(data_dir=tmp_path / "k", institution_name="Pemerintah Kota Yogyakarta")) == (
        "Yogyakarta"
    )
    assert signing_place(Settings(data_dir=tmp_path / "c", office_city="Mlati")) == "Mlati"
    configured = Settings(data_dir=tmp_path / "o", office_city="Depok", office_address="Jl. Margonda")
    assert demo_settings(configured).office_city == "Depok" and configured.office_address == "Jl. Margonda"
