"""Open-data exports: per-record Dublin Core, the streamed catalogue dumps (CSV, JSON, DC XML) and the CLI."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from lxml import etree

from archive_service.cli import main
from archive_service.services.catalogue_export import CSV_COLUMNS, csv_cell

from .conftest import BASE, dc_schema, public_ids

DC = "{http://purl.org/dc/elements/1.1/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+62 274", "'+62 274"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Laporan = 1", "Laporan = 1"),
        (None, ""),
        (12, "12"),
    ],
)
def test_csv_cells_never_run_as_formulas(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


def _streamed(client, url: str):  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.is_streamed, url
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return response


def test_exports_hold_exactly_the_public_set(client, rt, catalogue) -> None:
    public = public_ids(rt)
    assert public == set(catalogue.published)
    hidden = set(catalogue.hidden.values()) | set(catalogue.withdrawn.values())

    # CSV: the public set, formula-escaped, DC columns and the URL
    response = _streamed(client, "/ekspor/katalog.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert {int(r["id"]) for r in rows} == public
    hostile = next(r for r in rows if int(r["id"]) == catalogue.published[0])
    assert hostile["summary"] == '\'=HYPERLINK("x")'
    assert hostile["dc_description"].startswith("'=HYPERLINK")
    assert hostile["url"] == f"{BASE}/informasi/{catalogue.published[0]}"
    assert hostile["dc_rights"].startswith("Informasi publik terbuka (UU 14/2008), kategori: ")
    assert " / Open public information (Law 14/2008), category: " in hostile["dc_rights"]
    assert "kominfo" in {r["processing_unit"] for r in rows}

    # JSON: one streamed array, only public fields
    response = _streamed(client, "/ekspor/katalog.json")
    items = json.loads(response.data)
    assert {i["id"] for i in items} == public
    internal = {"notes", "location", "access_groups", "security_class", "state_reason", "file_no", "created_by"}
    assert not internal & set(items[0]) and not internal & set(items[0]["dc"])
    assert items[0]["files"][0]["url"].startswith(f"{BASE}/informasi/")

    # DC XML: one document, each oai_dc:dc valid against oai_dc.xsd
    response = _streamed(client, "/ekspor/katalog-dc.xml")
    doc = etree.fromstring(response.data)
    schema = dc_schema()
    entries = doc.findall("informasi")
    assert {int(e.get("id")) for e in entries} == public
    for entry in entries:
        dc = entry.find(f"{OAI_DC}dc")
        assert schema.validate(dc), schema.error_log

    for body in (client.get("/ekspor/katalog.csv").data, client.get("/ekspor/katalog.json").data):
        for record_id in hidden:
            assert f'/informasi/{record_id}"'.encode() not in body and f"/informasi/{record_id},".encode() not in body

    # per record: DC XML and JSON for a public record, 404 for every hidden or withdrawn one
    one = catalogue.published[0]
    xml = client.get(f"/informasi/{one}/dc.xml")
    assert xml.status_code == 200 and xml.headers["Content-Type"].startswith("application/xml")
    root = etree.fromstring(xml.data)
    assert schema.validate(root), schema.error_log
    assert root.find(f"{DC}title").text == "Anggaran <script>alert(1)</script> & Belanja"
    as_json = client.get(f"/informasi/{one}/dc.json").get_json()
    assert as_json["title"] == ["Anggaran <script>alert(1)</script> & Belanja"]
    assert f"{BASE}/informasi/{one}" in as_json["identifier"]
    assert len(as_json) == 15
    for record_id in hidden | {999999}:
        for suffix in ("dc.xml", "dc.json"):
            assert client.get(f"/informasi/{record_id}/{suffix}").status_code == 404

    # the record page links its metadata, the footer the catalogue
    page = client.get(f"/informasi/{one}").get_data(as_text=True)
    assert f"/informasi/{one}/dc.xml" in page and f"/informasi/{one}/dc.json" in page
    home = client.get("/").get_data(as_text=True)
    assert "/ekspor/katalog.csv" in home and "/ekspor/katalog.json" in home and "/oai?verb=Identify" in home

    # the CLI writes the same catalogue
    runner = CliRunner(
        env={"ARSIP_DATA_DIR": str(rt.settings.data_dir), "ARSIP_DATABASE_URL": rt.settings.database_url}
    )
    result = runner.invoke(main, ["export", "catalogue", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0
    assert {i["id"] for i in json.loads(result.stdout_bytes)} == public
    out = rt.settings.data_dir / "katalog.xml"
    result = runner.invoke(main, ["export", "catalogue", "--format", "dc-xml", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {int(e.get("id")) for e in etree.parse(str(out)).getroot()} == public
    result = runner.invoke(main, ["export", "catalogue"], catch_exceptions=False)
    assert {int(r["id"]) for r in csv.DictReader(io.StringIO(result.stdout))} == public


def test_empty_catalogue_is_still_well_formed(client, rt) -> None:
    assert json.loads(_streamed(client, "/ekspor/katalog.json").data) == []
    assert etree.fromstring(_streamed(client, "/ekspor/katalog-dc.xml").data).tag == "katalog"
    assert client.get("/ekspor/katalog.csv").data.decode().strip() == ",".join(CSV_COLUMNS)
