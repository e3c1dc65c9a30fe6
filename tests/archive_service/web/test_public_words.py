"""Public pages speak words, not codes (issue 17, deliverable 3).

Every public page (home, search with facets, record page, DIP), in both languages, on demo-like data: no internal
slug in the visible text (KIP categories, unit codes, a classification code without its name), dates in one style
per language ("30 Juni 2026" / "30 June 2026", ISO only in ``<time datetime>``), the DIP's *jangka waktu
penyimpanan* filled from the JRA class unless the record says otherwise, results before the filters on the search
page — and no name or count that tells of a record that is not public.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from babel.dates import get_month_names

from archive_service.demo.loader import JRA_SAMPLE
from archive_service.services import auth, dip, indexing, jra, records, workflow
from archive_service.services.actor import SYSTEM
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from schemas.enums import KipCategory
from tests.archive_service.workflow.conftest import READY, TO_STATE_PATH, payload_for
from tests.support.files import pdf_bytes

UNITS = {
    "diskominfo": "Dinas Komunikasi dan Informatika",
    "setda": "Sekretariat Daerah",
    "inspektorat": "Inspektorat Zamrudtertutup",  # only hidden records are in it: its name must never show
}
HIDDEN_MARK = "Zamrudtertutup"
SLUGS = [str(c) for c in KipCategory if "_" in str(c)]
MONTHS_ID = list(get_month_names("wide", locale="id").values())  # Januari … Desember
MONTHS_EN = list(get_month_names("wide", locale="en").values())
NUMERIC_DATE = re.compile(r"\b\d{1,4}[-/]\d{1,2}[-/]\d{2,4}\b")
WORD_DATE = re.compile(r"\b\d{1,2} (" + "|".join(MONTHS_ID + MONTHS_EN) + r") \d{4}\b")


def _record(rt: Any, state: str, title: str, **fields: Any) -> Any:
    category = fields.pop("kip_category", "berkala")
    staged = stage_stream(io.BytesIO(pdf_bytes(title, f"{title} informasi publik daerah")), rt.settings.staging_dir)
    record = records.create_record(rt, SYSTEM, READY | {"title": title} | fields, [Upload("berkas.pdf", staged)])
    for action in TO_STATE_PATH[state]:
        body = payload_for(action, record)
        if action in {"usulkan_kategori", "tetapkan_terbuka"}:
            body["kip_category"] = category
        record = workflow.apply_transition(rt, SYSTEM, record.id, record.version, body)
    return record


@pytest.fixture
def demo(rt: Any) -> dict[str, Any]:
    """Like the demo: the sample JRA, units with codes, one published record per open category (one of them with
    its own retention text, one dated by a period), and hidden ones in a unit of their own."""
    jra.import_file(rt, SYSTEM, JRA_SAMPLE, name="JRA sampel", legal_basis="Pergub 30")
    for code, name in UNITS.items():
        auth.create_unit(rt, SYSTEM, code, name)
    out = {
        "berkala": _record(
            rt,
            "dipublikasikan",
            "Laporan Layanan Informasi Publik 2026",
            classification_code="500.12.18.1",
            processing_unit="diskominfo",
            doc_date="2026-06-30",
        ),
        "serta_merta": _record(
            rt,
            "dipublikasikan",
            "Pengumuman Pemindahan Arsip",
            kip_category="serta_merta",
            classification_code="000.5.6.1",
            processing_unit="setda",
            doc_date=None,
            period_start="2025-01-01",
            period_end="2025-12-31",
        ),
        "setiap_saat": _record(
            rt,
            "dipublikasikan",
            "Keputusan Bupati tentang Standar Layanan",
            kip_category="setiap_saat",
            classification_code="100.3.3.2",
            processing_unit="diskominfo",
            dip_retention_text="Selama berlaku",
        ),
        "hidden": [
            _record(
                rt,
                "dikecualikan",
                "Laporan Pemeriksaan Tertutup",
                classification_code="900.1.3.10",
                processing_unit="inspektorat",
            ),
            _record(
                rt,
                "ditetapkan_terbuka",
                "Laporan Keuangan Belum Terbit",
                classification_code="900.1.3.10",
                processing_unit="inspektorat",
            ),
        ],
    }
    indexing.drain(rt)
    return out


class _Visible(HTMLParser):
    """The text a visitor reads: no attributes (so no ``<time datetime>``), no head, no script or style."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in {"head", "script", "style"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"head", "script", "style"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _pages(demo: dict[str, Any]) -> list[str]:
    ids = [demo[c].id for c in ("berkala", "serta_merta", "setiap_saat")]
    return [
        "/",
        "/dip",
        "/dip?kategori=serta_merta",
        "/cari?q=informasi",
        "/cari?q=informasi&sort=date_desc",
        "/cari?q=informasi&kip_category=serta_merta&unit=setda&class_top=000&file_type=pdf",
        "/cari?unit=diskominfo",
        *[f"/informasi/{i}" for i in ids],
    ]


def _codes(demo: dict[str, Any]) -> set[str]:
    records_ = [*(demo[c] for c in ("berkala", "serta_merta", "setiap_saat")), *demo["hidden"]]
    codes = {r.classification_code for r in records_}
    return codes | {c.split(".")[0] for c in codes}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_internal_code_on_any_public_page(client, demo, lang) -> None:  # type: ignore[no-untyped-def]
    codes = _codes(demo)
    for url in _pages(demo):
        response = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}")
        assert response.status_code == 200, url
        text = visible_text(response.data.decode())
        for slug in SLUGS:
            assert slug not in text, (url, slug)
        for unit in UNITS:
            assert not re.search(rf"(?<![\w.-]){unit}(?![\w.-])", text), (url, unit)
        for code in codes:
            for match in re.finditer(rf"(?<![\w./]){re.escape(code)}(?![\w./])", text):
                assert text[match.end() :].startswith(" — "), (url, code, text[match.start() : match.end() + 30])
        assert HIDDEN_MARK not in response.data.decode(), url  # the hidden unit's name, anywhere in the page


@pytest.mark.parametrize(("lang", "months", "other"), [("id", MONTHS_ID, MONTHS_EN), ("en", MONTHS_EN, MONTHS_ID)])
def test_dates_have_one_style_per_language(client, demo, lang, months, other) -> None:  # type: ignore[no-untyped-def]
    only_other = set(other) - set(months)  # April, September, November are written alike
    seen = 0
    for url in _pages(demo):
        html = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}").data.decode()
        text = visible_text(html)
        assert not NUMERIC_DATE.search(text), (url, NUMERIC_DATE.search(text))
        for match in WORD_DATE.finditer(text):
            assert match.group(1) not in only_other, (url, match.group(0))
            seen += 1
        for iso in re.findall(r'<time datetime="([^"]+)">', html):
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso), (url, iso)  # machine-readable stays ISO
    assert seen > 0
    record = client.get(f"/informasi/{demo['berkala'].id}?lang={lang}").data.decode()
    expected = "30 Juni 2026" if lang == "id" else "30 June 2026"
    assert f'<time datetime="2026-06-30">{expected}</time>' in record
    dip_page = visible_text(client.get(f"/dip?lang={lang}").data.decode())
    assert expected in dip_page
    assert (
        "1 Januari 2025 s.d. 31 Desember 2025" if lang == "id" else "1 January 2025 to 31 December 2025"
    ) in dip_page


def test_facets_results_and_record_pages_name_things(client, demo) -> None:  # type: ignore[no-untyped-def]
    page = visible_text(client.get("/cari?q=informasi").data.decode())
    assert "Dinas Komunikasi dan Informatika (2)" in page and "Sekretariat Daerah (1)" in page
    assert "000 — Umum (1)" in page and "100 — Pemerintahan (1)" in page and "500 — Perekonomian (1)" in page
    assert "Informasi yang wajib diumumkan secara serta-merta (Pasal 10) (1)" in page
    english = visible_text(client.get("/cari?q=informasi&lang=en").data.decode())
    assert "Information published immediately (Art. 10) (1)" in english and "000 — General affairs (1)" in english
    chosen = visible_text(client.get("/cari?q=informasi&unit=setda&class_top=000").data.decode())
    assert "✓ Sekretariat Daerah" in chosen and "✓ 000 — Umum" in chosen
    record = visible_text(client.get(f"/informasi/{demo['berkala'].id}").data.decode())
    assert "500.12.18.1 — Pelayanan Informasi" in record  # the name of its JRA class
    assert "Informasi yang wajib disediakan dan diumumkan secara berkala (Pasal 9)" in record


def test_dip_retention_comes_from_the_jra_unless_the_record_says(client, rt, demo) -> None:  # type: ignore[no-untyped-def]
    rows = {r["record_id"]: r for r in dip.current_dip(rt, SYSTEM)}
    assert rows[demo["berkala"].id]["retention_text"] == "2 tahun aktif, 3 tahun inaktif; musnah"  # 500.12.18.1
    assert rows[demo["serta_merta"].id]["retention_text"] == "1 tahun aktif, 1 tahun inaktif; musnah"  # 000.5.6.1
    assert rows[demo["setiap_saat"].id]["retention_text"] == "Selama berlaku"  # the record's own text wins
    page = visible_text(client.get("/dip").data.decode())
    assert "2 tahun aktif, 3 tahun inaktif; musnah" in page and "Selama berlaku" in page
    english = visible_text(client.get("/dip?lang=en").data.decode())
    assert "2 years active, 3 years inactive; destroy" in english and "Selama berlaku" in english
    api = client.get("/api/v1/public/search?q=informasi")  # the JSON faces keep codes and ISO dates
    assert api.status_code == 200


def test_open_data_exports_say_what_the_portal_says(client, rt, demo) -> None:  # type: ignore[no-untyped-def]
    """The catalogue dumps and a record's own DC carry the DIP's retention (from the JRA unless the record says),
    the class name in dc:subject and the licence URI in dc:rights, as the OAI repository does."""
    import csv
    import io
    import json

    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(client.get("/ekspor/katalog.csv").data.decode()))}
    berkala, own = demo["berkala"].id, demo["setiap_saat"].id
    assert rows[berkala]["retention_text"] == "2 tahun aktif, 3 tahun inaktif; musnah"
    assert rows[own]["retention_text"] == "Selama berlaku"
    assert "500.12.18.1 — Pelayanan Informasi" in rows[berkala]["dc_subject"]
    assert rt.settings.public_license_uri in rows[berkala]["dc_rights"].split(" | ")
    items = {i["id"]: i for i in json.loads(client.get("/ekspor/katalog.json").data)}
    assert items[berkala]["retention_text"] == rows[berkala]["retention_text"]
    single = json.loads(client.get(f"/informasi/{berkala}/dc.json").data)
    assert single == items[berkala]["dc"]
    oai = client.get(
        f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:{rt.settings.oai_repository_id}:{berkala}"
    )
    assert "500.12.18.1 — Pelayanan Informasi" in oai.data.decode()


def test_a_fixed_dip_version_carries_the_text_and_keeps_it(rt, demo) -> None:  # type: ignore[no-untyped-def]
    version = dip.fix_version(rt, SYSTEM, {"decree_no": "SK-PPID/01/2026", "decree_date": "2026-07-01"})
    stored = {r["record_id"]: r["retention_text"] for r in version.rows}
    assert stored[demo["berkala"].id] == "2 tahun aktif, 3 tahun inaktif; musnah"
    assert stored[demo["setiap_saat"].id] == "Selama berlaku"
    record = records.get_record(rt, SYSTEM, demo["berkala"].id)
    records.update_record(rt, SYSTEM, record.id, record.version, {"dip_retention_text": "10 tahun"})
    current = {r["record_id"]: r["retention_text"] for r in dip.current_dip(rt, SYSTEM)}
    assert current[demo["berkala"].id] == "10 tahun"  # the record's own text, once it has one
    assert {r["record_id"]: r["retention_text"] for r in dip.get_version(rt, SYSTEM, 1).rows} == stored


@pytest.mark.parametrize(
    ("terms", "indonesian", "english"),
    [
        (
            {
                "active": {"years": 2, "text": "2 th"},
                "inactive": {"years": 5, "text": "5 th"},
                "final_disposition": "musnah",
            },
            "2 tahun aktif, 5 tahun inaktif; musnah",
            "2 years active, 5 years inactive; destroy",
        ),
        (
            {
                "active": {
                    "years": 3,
                    "trigger": "dipertanggungjawabkan",
                    "note": "setelah dipertanggungjawabkan",
                    "text": "3 th setelah dipertanggungjawabkan",
                },
                "inactive": {"years": 7, "text": "7 th"},
                "final_disposition": "permanen",
            },
            "aktif 3 tahun setelah dipertanggungjawabkan, 7 tahun inaktif; permanen",
            "3 years active (setelah dipertanggungjawabkan), 7 years inactive; permanent (transfer to the archives)",
        ),
        (
            {
                "active": {"years": 0, "trigger": "tidak_berlaku", "note": "selama berlaku", "text": "Selama Berlaku"},
                "inactive": {"years": 1, "text": "1 th"},
                "final_disposition": "musnah",
                "disposition_note": "kecuali barang tidak bergerak",
            },
            "aktif selama berlaku, 1 tahun inaktif; musnah (kecuali barang tidak bergerak)",
            "active (selama berlaku), 1 year inactive; destroy (kecuali barang tidak bergerak)",
        ),
    ],
)
def test_retention_text_of_a_jra_class(terms, indonesian, english) -> None:  # type: ignore[no-untyped-def]
    assert dip.retention_text(terms) == indonesian
    assert dip.retention_text(terms, english=True) == english
    assert dip.retention_text({"active": {"years": "x"}, "inactive": {}}) is None  # unreadable: never guessed


def test_search_page_shows_results_before_the_filters(client, demo) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/cari?q=informasi").data.decode()
    results, facets = html.index('<ol class="results"'), html.index('<aside class="facets"')
    assert results < facets  # a phone (one column) shows the results first
    aside = html[facets : html.index("</aside>", facets)]
    assert aside.count('<details class="facet"') == 5 and aside.count("<summary>") == 5  # each filter collapses
    assert "fieldset" not in aside
    assert 'href="#saring"' in html and 'id="saring"' in html  # a way down to the filters on a small screen
    assert "js/public-search.js" in html


def test_no_count_or_name_of_a_hidden_record(client, demo) -> None:  # type: ignore[no-untyped-def]
    page = visible_text(client.get("/cari?q=informasi").data.decode())
    assert "3 hasil" in page  # the exempted and the unpublished reports say "informasi" too: not counted
    assert "900" not in page and "Keuangan" not in page and "Inspektorat" not in page
    for url in ("/cari?unit=inspektorat", "/cari?q=informasi&unit=inspektorat&class_top=900"):
        response = client.get(url)  # a hidden unit's code typed into the URL: no name, no count
        assert response.status_code == 200 and "0 hasil" in visible_text(response.data.decode())
        assert HIDDEN_MARK not in response.data.decode() and "Keuangan" not in response.data.decode()
