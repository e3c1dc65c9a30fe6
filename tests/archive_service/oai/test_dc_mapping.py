"""Dublin Core as a harvester receives it over OAI-PMH: ``dc:subject`` as ``code — name`` of the JRA class, a
bilingual ``dc:rights`` statement with the licence URI (``ARSIP_PUBLIC_LICENSE_URI``), W3CDTF ``dc:date`` (no
intervals), ``dc:type`` from the files' MIME types; every answer valid against OAI-PMH.xsd + oai_dc.xsd."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

from sqlalchemy import update

from archive_service.app import create_app
from archive_service.db import Record
from archive_service.db.retention_models import JraClass, JraSchedule
from archive_service.runtime import Runtime

from .conftest import HOST, assert_valid

NS = {"o": "http://www.openarchives.org/OAI/2.0/", "dc": "http://purl.org/dc/elements/1.1/"}
W3CDTF = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
LICENCE = "https://creativecommons.org/licenses/by/4.0/"


def _classify(rt, record_ids: list[int], code: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """A JRA version with one class, and the records classified under it (as retention.classify would)."""
    with rt.db.write() as session:
        schedule = JraSchedule(version_no=1, name="JRA uji", imported_by="admin")
        session.add(schedule)
        session.flush()
        jra_class = JraClass(
            schedule_id=schedule.id,
            position=1,
            source_line=2,
            code=code,
            record_type=name,
            active={"years": 2},
            inactive={"years": 3},
            active_years=2,
            inactive_years=3,
            final_disposition="musnah",
        )
        session.add(jra_class)
        session.flush()
        session.execute(update(Record).where(Record.id.in_(record_ids)).values(jra_class_id=jra_class.id))


def _dc(client, record_id: int) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    response = client.get(
        "/oai", query_string={"verb": "GetRecord", "identifier": f"oai:{HOST}:{record_id}", "metadataPrefix": "oai_dc"}
    )
    doc = assert_valid(response.data)
    out: dict[str, list[str]] = {}
    for element in doc.find(".//o:metadata", NS)[0]:
        out.setdefault(element.tag.split("}")[1], []).append(element.text)
    return out


def test_subject_rights_date_and_type_over_oai(client, rt, catalogue) -> None:  # type: ignore[no-untyped-def]
    exact, broader, bare = catalogue.published[1], catalogue.published[2], catalogue.published[3]
    _classify(rt, [exact], "500.12.18.1", "Laporan pengelolaan informasi publik")
    with rt.db.write() as session:  # a class with a shorter code than the record's
        session.execute(update(Record).where(Record.id == broader).values(classification_code="500.12.18.1.4"))
        session.execute(
            update(Record).where(Record.id == broader).values(jra_class_id=session.query(JraClass.id).scalar_subquery())
        )
        session.execute(
            update(Record)
            .where(Record.id == bare)
            .values(doc_date=None, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31))
        )

    dc = _dc(client, exact)
    assert dc["subject"] == ["500.12.18.1 — Laporan pengelolaan informasi publik"]
    assert dc["type"] == ["Text", "elektronik"]  # a PDF
    assert dc["rights"][1] == LICENCE
    assert dc["rights"][0].startswith("Informasi publik terbuka (UU 14/2008), kategori: ")
    assert f"lisensi: {LICENCE} / Open public information (Law 14/2008)" in dc["rights"][0]
    assert dc["rights"][0].endswith(f"may be reused with attribution, licence: {LICENCE}")
    assert all(W3CDTF.match(value) for value in dc["date"])

    assert _dc(client, broader)["subject"] == [
        "500.12.18.1.4",
        "500.12.18.1 — Laporan pengelolaan informasi publik",
    ]
    undated = _dc(client, bare)
    assert undated["subject"] == ["500.12.18.1"]  # no class: the bare code
    assert undated["date"] == ["2025"] and undated["coverage"] == ["2025-01-01/2025-12-31"]


def test_the_licence_is_configurable(rt, catalogue) -> None:  # type: ignore[no-untyped-def]
    other = "https://jdih.kotacontoh.go.id/lisensi-data-terbuka"
    runtime = Runtime.from_settings(dataclasses.replace(rt.settings, public_license_uri=other))
    try:
        client = create_app(runtime=runtime).test_client()
        rights = _dc(client, catalogue.published[0])["rights"]
        assert rights[1] == other and f"lisensi: {other}" in rights[0]
    finally:
        runtime.close()
    runtime = Runtime.from_settings(dataclasses.replace(rt.settings, public_license_uri=""))
    try:
        rights = _dc(create_app(runtime=runtime).test_client(), catalogue.published[0])["rights"]
        assert len(rights) == 1 and "lisensi" not in rights[0]
    finally:
        runtime.close()
