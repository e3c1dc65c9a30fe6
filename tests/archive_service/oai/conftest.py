"""A small public catalogue for the OAI-PMH and export tests, with every way a record can be hidden or withdrawn.

``catalogue`` builds, through the services only:

* ``published``: 10 published open records over the three open categories and two units (kominfo, bappeda);
* ``hidden``: records that were never public — exempted before publication, *rahasia*, determined open but not
  published, still with the unit (pendukung-only), and one published and unpublished again before the OAI
  repository ever looked (so it was never exposed there);
* ``withdrawn``: four records that were published, seen by the repository (a sync), then withdrawn — unpublished,
  exempted, reclassified *rahasia*, destroyed.
"""

from __future__ import annotations

import io
import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select, update
from werkzeug.serving import make_server

from archive_service.config import Settings
from archive_service.db import Record
from archive_service.db.types import utcnow
from archive_service.oai import repository
from archive_service.services import records, workflow
from archive_service.services.actor import SYSTEM
from archive_service.services.indexing import public_condition
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from tests.archive_service.workflow.conftest import READY, TO_STATE_PATH, payload_for
from tests.support.files import pdf_bytes

XSD_DIR = Path(__file__).parent / "xsd"
BASE = "https://ppid.example.go.id"
HOST = "ppid.example.go.id"
_serial = itertools.count(1)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """The suite's settings with a tiny OAI page (3) so a harvest of ~10 records needs several resumption pages."""
    return Settings(
        data_dir=tmp_path / "var",
        database_url=database_url,
        max_file_size=64 * 1024 * 1024,
        oai_page_size=3,
        public_base_url=BASE,
        oai_repository_id=HOST,
        mail_from="PPID <ppid@example.go.id>",
    )


@pytest.fixture(autouse=True)
def _fresh_sync_clock() -> Iterator[None]:
    """Each test starts with no remembered sync, so its first OAI request syncs."""
    repository._last_sync.clear()
    yield
    repository._last_sync.clear()


@dataclass
class Catalogue:
    published: list[int] = field(default_factory=list)
    hidden: dict[str, int] = field(default_factory=dict)
    withdrawn: dict[str, int] = field(default_factory=dict)
    category: dict[int, str] = field(default_factory=dict)
    unit: dict[int, str] = field(default_factory=dict)


def make(rt: Any, accounts: Any, state: str, *, unit: str = "kominfo", category: str = "berkala", **overrides: Any):  # type: ignore[no-untyped-def]
    """A record of ``unit`` moved (as SYSTEM) to ``state``, determined in ``category`` on the way."""
    account = "pendukung" if unit == "kominfo" else "pendukung_other"
    n = next(_serial)
    staged = stage_stream(io.BytesIO(pdf_bytes("Laporan", f"{state} {n}")), rt.settings.staging_dir)
    data = READY | {"processing_unit": unit, "title": f"Laporan {n} ({state})"} | overrides
    actor = SYSTEM if data.get("security_class", "biasa_terbuka") != "biasa_terbuka" else accounts[account].actor
    record = records.create_record(rt, actor, data, [Upload("laporan.pdf", staged)])
    for action in TO_STATE_PATH[state]:
        body = payload_for(action, record)
        if "kip_category" in body:
            body["kip_category"] = category
        record = workflow.apply_transition(rt, SYSTEM, record.id, record.version, body)
    assert record.publication_state == state
    return record


def act(rt: Any, record: Any, action: str, **extra: Any):  # type: ignore[no-untyped-def]
    with rt.db.read() as session:
        current = session.get(Record, record.id)
    return workflow.apply_transition(rt, SYSTEM, current.id, current.version, payload_for(action, current) | extra)


def public_ids(rt: Any) -> set[int]:
    with rt.db.read() as session:
        return set(session.execute(select(Record.id).where(public_condition())).scalars())


@pytest.fixture
def catalogue(rt, accounts) -> Catalogue:  # type: ignore[no-untyped-def]
    cat = Catalogue()
    layout = [
        ("berkala", "kominfo"),
        ("berkala", "kominfo"),
        ("berkala", "bappeda"),
        ("berkala", "kominfo"),
        ("serta_merta", "kominfo"),
        ("serta_merta", "bappeda"),
        ("serta_merta", "kominfo"),
        ("setiap_saat", "bappeda"),
        ("setiap_saat", "kominfo"),
        ("setiap_saat", "bappeda"),
    ]
    for i, (category, unit) in enumerate(layout):
        extra: dict[str, Any] = {}
        if i == 0:  # hostile text: markup in the title, a formula at the start of the summary
            extra = {"title": "Anggaran <script>alert(1)</script> & Belanja", "dip_summary": '=HYPERLINK("x")'}
        record = make(rt, accounts, "dipublikasikan", unit=unit, category=category, **extra)
        cat.published.append(record.id)
        cat.category[record.id], cat.unit[record.id] = category, unit

    # never public
    cat.hidden["exempted"] = make(rt, accounts, "dikecualikan").id
    cat.hidden["rahasia"] = make(rt, accounts, "dilaporkan", security_class="rahasia").id
    cat.hidden["determined"] = make(rt, accounts, "ditetapkan_terbuka", category="setiap_saat").id
    cat.hidden["pendukung_only"] = make(rt, accounts, "diserahkan", unit="bappeda").id
    early = make(rt, accounts, "dipublikasikan", category="serta_merta")
    act(rt, early, "batalkan_publikasi")  # before the repository ever synced: never exposed over OAI
    cat.hidden["unpublished_early"] = early.id

    # exposed, then withdrawn
    doomed = {
        name: make(rt, accounts, "dipublikasikan", unit="bappeda")
        for name in ("unpub", "exempt", "rahasia", "destroyed")
    }
    repository.sync(rt)
    act(rt, doomed["unpub"], "batalkan_publikasi")
    act(rt, doomed["exempt"], "tarik")
    act(rt, doomed["exempt"], "kecualikan")
    rec = doomed["rahasia"]
    with rt.db.read() as session:
        version = session.get(Record, rec.id).version
    records.update_record(rt, SYSTEM, rec.id, version, {"security_class": "rahasia"})
    with rt.db.write() as session:
        session.execute(update(Record).where(Record.id == doomed["destroyed"].id).values(destroyed_at=utcnow()))
    cat.withdrawn = {name: r.id for name, r in doomed.items()}
    assert public_ids(rt) == set(cat.published)
    repository._last_sync.clear()  # the first OAI request of the test registers the withdrawals
    return cat


# ---- schema validation ---------------------------------------------------------------------------------------------
def _schema() -> etree.XMLSchema:
    """OAI-PMH.xsd, oai_dc.xsd and oai-identifier.xsd together (the <metadata> payload and Identify's
    <description> are validated strictly), from local copies."""
    oai, dc = (XSD_DIR / "OAI-PMH.xsd").as_uri(), (XSD_DIR / "oai_dc.xsd").as_uri()
    ident = (XSD_DIR / "oai-identifier.xsd").as_uri()
    wrapper = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">
  <xs:import namespace="http://www.openarchives.org/OAI/2.0/" schemaLocation="{oai}"/>
  <xs:import namespace="http://www.openarchives.org/OAI/2.0/oai_dc/" schemaLocation="{dc}"/>
  <xs:import namespace="http://www.openarchives.org/OAI/2.0/oai-identifier" schemaLocation="{ident}"/>
</xs:schema>"""
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), parser, base_url=str(XSD_DIR) + "/"))


_SCHEMA: list[etree.XMLSchema] = []


def oai_schema() -> etree.XMLSchema:
    if not _SCHEMA:
        _SCHEMA.append(_schema())
    return _SCHEMA[0]


def assert_valid(body: bytes) -> etree._Element:
    doc = etree.fromstring(body, etree.XMLParser(no_network=True, resolve_entities=False))
    schema = oai_schema()
    assert schema.validate(doc), "\n".join(str(e) for e in schema.error_log) + "\n" + body.decode()[:3000]
    return doc


def dc_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(etree.parse(str(XSD_DIR / "oai_dc.xsd"), parser))


# ---- a real HTTP server ----------------------------------------------------------------------------------------------
@pytest.fixture
def live_server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
