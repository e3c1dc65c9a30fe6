"""A test that enumerates (issue 15, deliver 6): every role × every surface that lists, counts or renders records ×
records of every kind, asserting that nothing a role may not read reaches any of its answers, not even as a count.

* **The world** is built once per module through the services (the SOP walk, disposition batches, legal holds, DIP
  versions, saved searches, an index brought up to date): records of each security class × each of the two units
  × a set of SOP states, two destroyed and two transferred, some in a batch or under a hold, and the "reclassified
  after" cases of the findings. Each record carries two tokens of its own, a *marker* (``zqx…``: title,
  description, notes, location, DIP summary, responsible official, file name, PDF text) and a *search key*
  (``zqk…``, next to the marker, used as a search query so that a query echoed by a page is never taken for a leak).
* **The surfaces** are enumerated from ``app.url_map``: every GET rule, its URL parameters filled from the world
  (every record, file, batch, hold, DIP version and report name, a request for information answered with
  a ``rahasia`` record and its decided objection, plus an id or number that does not exist), query variants
  per endpoint (every report format and parameter, OAI verbs, search with each key and with a query matching
  all), and the e-mail drafts of every notification kind. A rule that cannot be filled must be in ``SKIPPED`` with
  a reason; a skipped rule that no longer exists fails the test.
* **The assertions**, for each answer (JSON, HTML, CSV, XML as text; XLSX unzipped; PDF through poppler's
  pdftotext, or pdfminer.six without it; tar unpacked; headers included): no token of a record the role may not
  read (the rule is computed here, from the permissions as documented, not by calling ``services.access``); no id
  of such a record in ``record_id`` / ``record_ids`` or in a link; an unreadable record answers like one that does
  not exist (same status; for search, the same body). Counts: rounds of new records that some roles may not read
  are added, the index is brought up to date, and those roles' answers that are not about one record must not
  change (``VOLATILE`` normalises timestamps, tokens and nonces; ``ALLOWED_TO_CHANGE`` lists what may change, with
  the reason). The test also asserts that each role saw every record it may read somewhere, so it cannot pass blind.

Matrix (printed by the test with ``-s``, and a junit property): 9 roles (the public and 8 accounts: admin, PPID,
atasan PPID, sekretariat, a pendukung of each unit, arsiparis, panitia penilai) × 85 surfaces (81 GET rules and 4
kinds of e-mail) × 51 record kinds, 120 records once the count rounds have added theirs; 11,417 answers checked,
about two and a half minutes on SQLite (PDF reports take most of it). Public portal surfaces take no credentials and
are asked as the public, the strictest reader (every role may read at least what the public may).

Two smaller enumerations: classified records can be carried along the SOP main line by a role that may read them
(the secretariat's steps fall to the PPID), and a signed-out session cookie opens no staff page.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import json
import re
import shutil
import subprocess
import tarfile
import time
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pikepdf
import pytest
from flask import url_for
from pdfminer.high_level import extract_text

from archive_service.config import Settings
from archive_service.errors import Conflict, NotFound
from archive_service.oai import repository as oai_repository
from archive_service.reports.registry import load_all
from archive_service.runtime import Runtime
from archive_service.services import (
    auth,
    dip,
    disposition,
    holds,
    indexing,
    jra,
    notifications,
    records,
    requests_objections,
    saved_searches,
    workflow,
)
from archive_service.services import requests as info_requests
from archive_service.services.actor import SYSTEM
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from archive_service.workflow.table import MAIN_LINE, STEPS, TRANSITIONS
from tests.archive_service.retention.conftest import APPROVAL, BA, SAMPLE
from tests.archive_service.workflow.conftest import READY, TO_STATE_PATH, payload_for
from tests.conftest import DATABASES, PASSWORD, UNITS, Account
from tests.support.files import pdf_bytes

# ---- the rule, written down independently of services.access ----------------------------------------------------
ROLES = (
    "anonymous",
    "admin",
    "ppid",
    "atasan_ppid",
    "sekretariat",
    "pendukung",
    "arsiparis",
    "pendukung_other",
    "panitia_penilai",
)
STAFF = ROLES[1:]
ROLE_OF = {name: "pendukung" if name.startswith("pendukung") else name for name in STAFF}
UNIT_OF = {"pendukung": "kominfo", "pendukung_other": "bappeda"}
CLASSES = ("biasa_terbuka", "terbatas", "rahasia", "sangat_rahasia")
CLEARED = {
    "biasa_terbuka": set(STAFF),
    "terbatas": set(STAFF),
    "rahasia": {"admin", "ppid", "atasan_ppid", "arsiparis", "panitia_penilai"},
    "sangat_rahasia": {"ppid", "atasan_ppid"},
}
OPEN_KIP = {"berkala", "serta_merta", "setiap_saat"}
# States a record of each class can reach (tetapkan_terbuka needs biasa_terbuka: guard "security_biasa").
GRID_STATES = {
    "biasa_terbuka": (
        "dihimpun",
        "didokumentasikan",
        "dilaporkan",
        "ditetapkan_terbuka",
        "dipublikasikan",
        "dikecualikan",
    ),
    **{cls: ("dihimpun", "didokumentasikan", "dilaporkan", "dikecualikan") for cls in CLASSES[1:]},
}


@dataclass
class Rec:
    """One record of the world: its kind (how it was made) and its attributes as the database has them now."""

    id: int
    kind: str
    marker: str
    key: str
    file_ids: list[int]
    security_class: str
    unit: str
    publication_state: str
    kip_category: str | None = None
    destroyed: bool = False

    @property
    def public(self) -> bool:
        return (
            self.publication_state == "dipublikasikan"
            and self.kip_category in OPEN_KIP
            and self.security_class == "biasa_terbuka"
            and not self.destroyed
        )


def spec_readable(role: str, cls: str, unit: str, public: bool) -> bool:
    """May ``role`` read a record of this class and unit (public = published, open, biasa, not destroyed)?"""
    if public:
        return True  # anyone may read it on the portal, so no answer leaks it
    if role == "anonymous":
        return False
    if ROLE_OF[role] == "pendukung":
        return unit == UNIT_OF[role]
    return role in CLEARED[cls]


def readable(role: str, rec: Rec) -> bool:
    return spec_readable(role, rec.security_class, rec.unit, rec.public)


def shown_to(role: str, rec: Rec) -> bool:
    """Must ``role`` see the record on the surfaces it is asked (the public on the portal, staff on theirs)?"""
    return rec.public if role == "anonymous" else spec_readable(role, rec.security_class, rec.unit, False)


# ---- tokens --------------------------------------------------------------------------------------------------------
# Codes of a Reed-Solomon code over 13 letters (length 6, minimum distance 5): two records' tokens differ in at
# least five letters, so the search's typo tolerance never takes one record's key for another's. No vowels: no
# Indonesian affix is stripped by the analyser, so each token stays whole.
ALPHABET = "bcdfgjmpqrstv"
TOKEN = re.compile(r"zq[xk][bcdfgjmpqrstv]{6}")
NO_SUCH_KEY = "zqkzzzzzz"  # never issued ('z' is not in the alphabet), far from every key
MISSING_ID = 987_654  # an id no row has


def code_for(n: int) -> str:
    a, b = divmod(n, len(ALPHABET))
    assert a < len(ALPHABET), "the world outgrew the code"
    return "".join(ALPHABET[(a + i * b) % len(ALPHABET)] if i else ALPHABET[b] for i in range(6))


# ---- the world -----------------------------------------------------------------------------------------------------
@dataclass
class World:
    rt: Runtime
    app: Any
    accounts: dict[str, Account]
    panel: list[Account]
    records: dict[int, Rec] = field(default_factory=dict)
    batches: list[int] = field(default_factory=list)
    holds: list[int] = field(default_factory=list)
    versions: list[int] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # requests for information (issue 18), by number
    objections: list[str] = field(default_factory=list)
    _seq: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _clients: dict[str, Any] = field(default_factory=dict)

    # -- records
    def add(
        self,
        kind: str,
        cls: str,
        unit: str,
        state: str,
        *,
        code: str = "500.12.18.1",
        doc_date: str = "2014-05-01",
    ) -> Rec:
        n = next(self._seq)
        marker, key = f"zqx{code_for(n)}", f"zqk{code_for(n)}"
        data = READY | {
            "title": f"Arsip {marker} {key}",
            "description": f"Uraian {marker} {key} untuk uji matriks akses",
            "notes": f"Catatan {marker}",
            "location": f"Rak {marker}",
            "dip_summary": f"Ringkasan {marker} {key}",
            "responsible_official": f"Pejabat {marker}",
            "controlling_unit": f"Bidang {marker}",
            "processing_unit": unit,
            "security_class": cls,
            "classification_code": code,
            "doc_date": doc_date,
        }
        staged = stage_stream(io.BytesIO(pdf_bytes("Laporan uji", f"{marker} {key}")), self.rt.settings.staging_dir)
        owner = self.accounts["pendukung" if unit == "kominfo" else "pendukung_other"].actor
        record = records.create_record(self.rt, owner, data, [Upload(f"{marker}.pdf", staged)])
        kip = "berkala" if unit == "kominfo" else "serta_merta"  # bappeda's feed the serta-merta feed
        for action in TO_STATE_PATH[state]:
            body = payload_for(action, record)
            if "kip_category" in body:
                body["kip_category"] = kip
            record = workflow.apply_transition(self.rt, SYSTEM, record.id, record.version, body)
        rec = Rec(record.id, kind, marker, key, [f.id for f in record.files], cls, unit, record.publication_state)
        self.records[rec.id] = rec
        return rec

    def refresh(self) -> None:
        """Every record's attributes as the database has them now (read as the system)."""
        for rec in self.records.values():
            row = records.get_record(self.rt, SYSTEM, rec.id)
            rec.security_class, rec.unit = row.security_class, row.processing_unit
            rec.publication_state, rec.kip_category = row.publication_state, row.kip_category
            rec.destroyed = row.destroyed_at is not None

    def patch(self, rec: Rec, role: str, changes: dict[str, Any]) -> None:
        """PATCH /api/v1/records/<id> as ``role``, with the ETag it read."""
        client, headers = self.app.test_client(), self.accounts[role].headers
        current = client.get(f"/api/v1/records/{rec.id}", headers=headers)
        assert current.status_code == 200, current.get_data(as_text=True)
        answer = client.patch(
            f"/api/v1/records/{rec.id}", json=changes, headers={**headers, "If-Match": current.headers["ETag"]}
        )
        assert answer.status_code == 200, answer.get_data(as_text=True)

    def sync(self) -> None:
        """The indexes and the OAI register up to date (both lag the database by design)."""
        indexing.drain(self.rt)
        oai_repository.sync(self.rt)

    # -- clients
    def client(self, role: str) -> Any:
        """A browser: anonymous, or signed in through the web form as ``role`` (its own address: no throttling)."""
        if role not in self._clients:
            client = self.app.test_client()
            client.environ_base["REMOTE_ADDR"] = f"10.15.{len(self._clients)}.6"
            if role != "anonymous":
                sign_in(client, self.accounts[role].actor.username)
                client.get("/staf/")  # the welcome message is shown once
            self._clients[role] = client
        return self._clients[role]


def sign_in(client: Any, username: str) -> None:
    page = client.get("/staf/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "no CSRF token on the sign-in page"
    answer = client.post("/staf/masuk", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)})
    assert answer.status_code == 302, answer.get_data(as_text=True)


def make_account(rt: Runtime, username: str, role: str, unit: str | None = None) -> Account:
    """An account with an e-mail address (so that notifications are composed for it) and an API token."""
    data = {
        "username": username,
        "full_name": username.title(),
        "role": role,
        "password": PASSWORD,
        "email": f"{username}@arsip.test",
    }
    if unit:
        data["unit_code"] = unit
    user = auth.create_user(rt, SYSTEM, data)
    return Account(auth.actor_for(user), auth.create_token(rt, SYSTEM, username, "matrix"))


def appraise(w: World, batch_id: int) -> None:
    for member in w.panel:
        disposition.appraise(
            w.rt, member.actor, batch_id, {"opinion": "setuju", "consideration": "Telah habis masa retensi"}
        )
    disposition.conclude_panel(w.rt, w.panel[0].actor, batch_id, None, {"summary": "Rapat panitia penilai"})


def build_world(rt: Runtime) -> World:
    from archive_service.app import create_app

    app = create_app(runtime=rt)
    app.config["TESTING"] = True
    for code, name in UNITS.items():
        auth.create_unit(rt, SYSTEM, code, name)
    accounts = {
        role: make_account(rt, role.replace("_", "."), role, UNIT_OF.get(role))
        for role in ("admin", "ppid", "atasan_ppid", "sekretariat", "pendukung", "arsiparis")
    }
    accounts["pendukung_other"] = make_account(rt, "pendukung.bappeda", "pendukung", "bappeda")
    panel = [make_account(rt, f"penilai.{i}", "panitia_penilai") for i in (1, 2, 3)]
    accounts["panitia_penilai"] = panel[0]
    jra.import_file(rt, SYSTEM, SAMPLE, name="JRA Sampel", legal_basis="Pergub 30")
    w = World(rt, app, accounts, panel)
    ppid, arsiparis, atasan = (accounts[r].actor for r in ("ppid", "arsiparis", "atasan_ppid"))

    # Each security class × each unit × the states it can reach.
    for cls in CLASSES:
        for unit in UNITS:
            for state in GRID_STATES[cls]:
                w.add(f"{cls}/{unit}/{state}", cls, unit, state)
    # Records that will be reclassified after they were determined open or published.
    open_then_r = w.add("ditetapkan_terbuka, lalu rahasia", "biasa_terbuka", "kominfo", "ditetapkan_terbuka")
    published_then_r = w.add("dipublikasikan, lalu rahasia", "biasa_terbuka", "kominfo", "dipublikasikan")
    published_then_sr = w.add("dipublikasikan, lalu sangat_rahasia", "biasa_terbuka", "bappeda", "dipublikasikan")
    # Records for a proposal, for holds, for destruction and for transfer.
    in_batch = [
        w.add("usul pindah: biasa_terbuka", "biasa_terbuka", "kominfo", "dihimpun"),
        w.add("usul pindah: rahasia", "rahasia", "kominfo", "dihimpun"),
    ]
    batch_then_sr = w.add("usul pindah, lalu sangat_rahasia", "terbatas", "bappeda", "dihimpun")
    held = [
        w.add("ditahan: biasa_terbuka", "biasa_terbuka", "kominfo", "dilaporkan"),
        w.add("ditahan: terbatas", "terbatas", "bappeda", "dihimpun"),
        w.add("ditahan: sangat_rahasia", "sangat_rahasia", "bappeda", "dihimpun"),
    ]
    held_r = [
        w.add("ditahan (hanya rahasia): kominfo", "rahasia", "kominfo", "dihimpun"),
        w.add("ditahan (hanya rahasia): bappeda", "rahasia", "bappeda", "dilaporkan"),
    ]
    doomed = [
        w.add("dimusnahkan: rahasia", "rahasia", "kominfo", "dihimpun"),
        w.add("dimusnahkan: biasa_terbuka", "biasa_terbuka", "bappeda", "dipublikasikan"),
    ]
    transferred = [
        w.add(f"diserahkan ke lembaga kearsipan: {cls}", cls, unit, "dihimpun", code="000.8.3.3", doc_date="2012-01-01")
        for cls, unit in (("biasa_terbuka", "kominfo"), ("terbatas", "bappeda"))
    ]
    # The indexes, the OAI register and a first DIP version see the reclassified ones while they are open.
    w.sync()
    today = rt.calendar.today().isoformat()
    w.versions.append(dip.fix_version(rt, ppid, {"decree_no": "SK-PPID/01/2026", "decree_date": today}).version_no)

    # Disposition: moved to the records centre, then destroyed / transferred; one proposal left open.
    old = [r.id for r in doomed + transferred]
    moving = disposition.propose(rt, arsiparis, {"kind": "pemindahan", "record_ids": old})
    disposition.approve(rt, atasan, moving.id, None, APPROVAL)
    disposition.execute(rt, arsiparis, moving.id, None, BA)
    w.batches.append(moving.id)
    for kind, group in (("pemusnahan", doomed), ("penyerahan", transferred)):
        batch = disposition.propose(rt, arsiparis, {"kind": kind, "record_ids": [r.id for r in group]})
        appraise(w, batch.id)
        disposition.approve(rt, atasan, batch.id, None, APPROVAL)
        disposition.execute(rt, arsiparis, batch.id, None, BA)
        w.batches.append(batch.id)
    proposal = disposition.propose(
        rt, arsiparis, {"kind": "pemindahan", "record_ids": [r.id for r in [*in_batch, batch_then_sr]]}
    )
    w.batches.append(proposal.id)
    # Legal holds: one over several classes (placed by the PPID), one over rahasia records only.
    for actor, group, name in ((ppid, held, "Perkara campuran"), (arsiparis, held_r, "Audit rahasia")):
        data = {"name": name, "reason": "Pemeriksaan", "record_ids": [r.id for r in group]}
        hold = holds.place_hold(rt, actor, data)
        w.holds.append(hold["id"] if isinstance(hold, dict) else hold.id)

    add_requests(w)

    # The reclassifications of the findings (PATCH security_class, by the unit that holds the record).
    w.patch(open_then_r, "pendukung", {"security_class": "rahasia"})
    w.patch(published_then_r, "pendukung", {"security_class": "rahasia"})
    w.patch(published_then_sr, "pendukung_other", {"security_class": "sangat_rahasia"})
    w.patch(batch_then_sr, "pendukung_other", {"security_class": "sangat_rahasia"})
    w.versions.append(dip.fix_version(rt, ppid, {"decree_no": "SK-PPID/02/2026", "decree_date": today}).version_no)

    # Saved searches named after a secret record (their names are the users' own: nobody else may see them).
    secret_b = next(r for r in w.records.values() if r.kind == "sangat_rahasia/bappeda/dihimpun")
    secret_k = next(r for r in w.records.values() if r.kind == "sangat_rahasia/kominfo/dihimpun")
    saved_searches.save(rt, ppid, f"Simpan {secret_b.marker}", f"q={secret_b.key}")
    saved_searches.save(rt, accounts["pendukung"].actor, f"Simpan {secret_k.marker}", f"q={secret_k.key}")
    w.sync()
    w.refresh()
    return w


def add_requests(w: World) -> None:
    """Requests for information (issue 18), built before the reclassifications so that some linked records become
    secret afterwards. The PPID links every record it may read to one request (its text matches every record's
    PDF, so the search from the request finds them all), grants in part citing an exempted record, issues a
    download link, and an objection to it is decided by the Atasan PPID (who then reads the request); the Tim
    Sekretariat, a handler of every request but not cleared for ``rahasia``, links what it may read to a second.
    Their pages, JSON, letters, registers and figures must name a record only to those who may read it."""
    ppid, atasan, desk = (w.accounts[r].actor for r in ("ppid", "atasan_ppid", "sekretariat"))
    form = {
        "applicant": {"name": "Pemohon Uji", "nik": "3404015208900002", "address": "Jl. Uji 1", "phone": "0812"},
        "information": "Salinan laporan uji dan notulen rapat",
        "purpose": "Penelitian",
        "receipt_forms": ["softcopy"],
        "delivery_methods": ["email"],
        "channel": "loket",
    }
    for actor in (ppid, desk):
        number = info_requests.register_desk(w.rt, desk, form, []).number
        for rec in list(w.records.values()):
            with contextlib.suppress(NotFound, Conflict):  # not readable by the role (as if missing), or destroyed
                info_requests.link_record(w.rt, actor, number, {"record_id": rec.id})
        w.requests.append(number)
    cited = next(r for r in w.records.values() if r.kind == "biasa_terbuka/kominfo/dikecualikan")
    decision = {"decision": "dikabulkan_sebagian", "reasons": "Sebagian dikecualikan.", "exemption_record_id": cited.id}
    info_requests.decide(w.rt, ppid, w.requests[0], None, decision)
    info_requests.issue_delivery(w.rt, ppid, w.requests[0])
    objection = {
        "grounds": ["penolakan_pasal17"],
        "reasons": "Bagian yang dihitamkan terlalu luas.",
        "channel": "loket",
    }
    filed = requests_objections.file_objection(w.rt, w.requests[0], objection, actor=desk)
    requests_objections.decide(w.rt, atasan, filed["number"], None, {"decision": "ditolak", "reasons": "Sesuai UU."})
    w.objections.append(filed["number"])


@pytest.fixture(scope="module", params=DATABASES)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, extraction_pool: Any
) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("matrix")
    template = request.getfixturevalue("sqlite_template" if request.param == "sqlite" else "postgres_template")
    url = template.new_database(tmp)
    settings = Settings(
        data_dir=tmp / "var",
        database_url=url,
        public_search_rate_per_minute=0,
        request_rate_per_minute=0,  # the request pages are asked thousands of times: no rate limit here
        public_base_url="http://arsip.test",
    )
    rt = Runtime.from_settings(settings)
    rt._extractor = extraction_pool
    try:
        yield build_world(rt)
    finally:
        rt._extractor = None
        rt.close()
        if request.param != "sqlite":
            template.drop(url)


# ---- surfaces ------------------------------------------------------------------------------------------------------
# GET rules left out, each with its reason; a rule listed here that no longer exists fails the test.
SKIPPED = {
    "/static/<path:filename>": "stylesheets, scripts and images shipped with the code: no record data",
    "/bahasa/<code>": "switches the interface language (a cookie and a redirect): not about records, and it would "
    "change the language of the client's later answers",
}
# What a rule's URL parameter is filled with (a new parameter makes the test fail until it is filled or skipped).
PATH_PARAMS = (
    "record_id",
    "file_id",
    "batch_id",
    "hold_id",
    "version_no",
    "name",
    "number",
    "objection_no",
    "token",
    "key",
    "letter",
)
# A request's or an objection's number that no row has.
MISSING_NUMBER, MISSING_OBJECTION = "PMH-2099-0001", "KBR-2099-0001"
# Report formats per route. The API route gets every format; the staff route hands the same arguments to the same
# ``reports.render.produce`` and is asked for CSV. PDF (WeasyPrint: a second or more a document) and XLSX are asked
# with each document's own parameters (batch, DIP version, records) and the default filters; CSV, which holds the
# same tables, with every filter too (period, unit).
API_REPORTS, STAFF_REPORTS = "reports.ReportFile", "staff.reports_download"
DOCUMENT_PARAMS = {"batch_id", "version_no", "record_ids"}


@dataclass(frozen=True)
class Surface:
    rule: str  # the url_map rule, or "mail:<kind>" for notification drafts
    audience: str  # "api" (bearer token), "staff" (session cookie), "public" (no credentials), "mail"
    url: str
    record_id: int | None = None  # the record the URL is about (None: a list, a count, a document)
    oracle: str | None = None  # variants of one question that must answer alike for unreadable and missing ids
    compare_body: bool = False  # ...in the body too, not only the status
    prunable: bool = False  # about one record only: asked once as a positive control when the role may read it
    heavy: bool = False  # a PDF: left out of the count check (its tables are in the CSV and XLSX asked there)
    mixed: str | None = None  # per-record report: the URL without record_ids, for the per-role mixed request


def audience_of(rule: str) -> str:
    if rule.startswith("/staf"):
        return "staff"
    if rule.startswith("/api/v1/") and not rule.startswith("/api/v1/public/"):
        return "api"
    return "public"


def path_fills(rule: Any, w: World) -> list[tuple[dict[str, Any], int | None, bool]]:
    """Every combination of path parameters from the world: (values, record it is about, prunable)."""
    args = set(rule.arguments)
    unknown = args - set(PATH_PARAMS)
    if unknown:
        raise AssertionError(f"{rule.rule}: fill parameter(s) {sorted(unknown)} from the world or skip the rule")
    if {"record_id", "file_id"} <= args:
        out = [({"record_id": r.id, "file_id": f}, r.id, True) for r in w.records.values() for f in r.file_ids]
        # a file under another record, one the reader may read (the published one of the same unit): the file
        # must still follow its own record
        hosts = {r.unit: r for r in w.records.values() if r.public}
        out += [
            ({"record_id": hosts[r.unit].id, "file_id": f}, r.id, True)
            for r in w.records.values()
            if r.unit in hosts and r.id != hosts[r.unit].id
            for f in r.file_ids[:1]
        ]
        return [*out, ({"record_id": MISSING_ID, "file_id": MISSING_ID}, MISSING_ID, True)]
    if "record_id" in args:
        return [({"record_id": rid}, rid, False) for rid in [*w.records, MISSING_ID]]
    values = {
        "batch_id": [*w.batches, MISSING_ID],
        "hold_id": [*w.holds, MISSING_ID],
        "version_no": [*w.versions, MISSING_ID],
        "name": sorted(load_all()),
        "number": [*w.requests, MISSING_NUMBER],
        "objection_no": [*w.objections, MISSING_OBJECTION],
        # The applicant's pages take the tracking secret or a delivery token, which hand the granted record's files
        # and letters to whoever holds them, by design (tests/archive_service/requests): asked without them here.
        "token": ["bukan-token"],
        "key": ["f1"],
        "letter": ["tanda_bukti_penerimaan", "surat_pemberitahuan_tertulis"],
    }
    names = sorted(args)
    return [
        (dict(zip(names, combo, strict=True)), None, False) for combo in itertools.product(*(values[n] for n in names))
    ]


@dataclass(frozen=True)
class Variant:
    query: dict[str, Any]
    record_id: int | None = None
    group: str | None = None  # oracle group
    prunable: bool = False
    heavy: bool = False
    mixed: bool = False


def report_variants(endpoint: str, name: str, w: World) -> list[Variant]:
    """Every format of one report × its parameters (see API_REPORTS)."""
    spec = load_all()[name]
    names = sorted(set(spec.needs) | set(spec.optional))
    year = str(w.rt.calendar.today().year)
    choices: dict[str, list[Any]] = {
        "period": [year],
        "unit": [None, "kominfo", "bappeda"],
        "record_ids": [*w.records, MISSING_ID],
        "batch_id": list(w.batches),
        "version_no": [None, *w.versions],
        "number": [*w.requests, *w.objections, MISSING_NUMBER],  # the request letters, for every role
    }
    formats = spec.formats if endpoint == API_REPORTS else [f for f in spec.formats if f == "csv"]
    if w.rt.settings.database_url.startswith("postgresql"):
        # Which rows a document holds is decided in SQL, the same for PDF, XLSX and CSV, which PostgreSQL is asked
        # for; turning rows into a PDF does not depend on the database and is asked on SQLite (it is most of the
        # time of this test).
        formats = [f for f in formats if f != "pdf"]
    out = []
    for fmt in formats:
        pick = {n: choices[n] if fmt == "csv" or n in DOCUMENT_PARAMS else choices[n][:1] for n in names}
        for combo in itertools.product(*(pick[n] for n in names)):
            values = dict(zip(names, combo, strict=True))
            query = {"format": fmt} | {n: v for n, v in values.items() if v is not None}
            about = values.get("record_ids")
            out.append(Variant(query, about, "report" if about else None, bool(about), fmt == "pdf", mixed=bool(about)))
    return out


def search_variants(w: World, *, api: bool) -> list[Variant]:
    """A query matching every record (with facets and a filter per facet), browsing, and each record's key."""
    size = {"per_page": 100} if api else {}
    everything = [
        {"q": "zqk*"},
        {"q": "zqk* matriks"},
        {"q": ""},
        {"q": "zqk*", "unit": "kominfo"},
        {"q": "zqk*", "unit": "bappeda"},
        {"q": "zqk*", "kip_category": "berkala"},
        {"q": "zqk*", "class_top": "500"},
        {"q": "zqk*", "sort": "date_desc"},
    ]
    out = [Variant(q | size) for q in everything]
    out += [Variant({"q": rec.key} | size, rec.id, "key", prunable=True) for rec in w.records.values()]
    return [*out, Variant({"q": NO_SUCH_KEY} | size, MISSING_ID, "key", prunable=True)]


def query_variants(endpoint: str, path: dict[str, Any], w: World) -> list[Variant]:
    """Query strings asked of an endpoint besides its bare URL."""
    year = str(w.rt.calendar.today().year)
    if endpoint in {API_REPORTS, STAFF_REPORTS}:
        return report_variants(endpoint, path["name"], w)
    if endpoint in {"search.Search", "search.PublicSearch"}:
        return search_variants(w, api=True)
    if endpoint in {"staff.search_index", "public.search_page"}:
        return search_variants(w, api=False)
    if endpoint == "oai.endpoint":
        out = [Variant({"verb": verb}) for verb in ("Identify", "ListMetadataFormats", "ListSets")]
        out += [Variant({"verb": v, "metadataPrefix": "oai_dc"}) for v in ("ListRecords", "ListIdentifiers")]
        return out + [
            Variant(
                {
                    "verb": "GetRecord",
                    "metadataPrefix": "oai_dc",
                    "identifier": oai_repository.identifier(w.rt.settings, rid),
                },
                rid,
                "oai",
            )
            for rid in [*w.records, MISSING_ID]
        ]
    monev = [{"period": year}, *({"period": year, "unit": u} for u in UNITS)]
    due_kinds = ("pemindahan", "pemusnahan", "penyerahan", "penilaian_kembali")
    table: dict[str, list[dict[str, Any]]] = {
        "records.RecordCollection": [
            {"page_size": 100},
            {"page_size": 100, "q": "zqk"},
            *({"page_size": 100, "security_class": c} for c in CLASSES),
            *({"page_size": 100, "processing_unit": u} for u in UNITS),
        ],
        "staff.records_index": [{"q": "zqk"}, *({"q": "zqk", "halaman": n} for n in (2, 3, 4, 5, 6, 7))],
        "monev.Monev": monev,
        "staff.monev_index": monev,
        "workflow.WorkflowDue": [
            {"within_hours": 8784},
            {"within_hours": 8784, "unit": "bappeda"},
            *({"within_hours": 8784, "role": r} for r in ("pendukung", "sekretariat", "ppid")),
        ],
        "retention.Due": [{"kind": k} for k in due_kinds],
        "retention.DueRecords": [
            *({"kind": k, "page_size": 100} for k in due_kinds),
            *({"kind": "pemindahan", "page_size": 100, "processing_unit": u} for u in UNITS),
        ],
        "staff.retention_index": [{"kind": "pemindahan"}, {"processing_unit": "bappeda"}],
        "staff.retention_due_records": [{"kind": k} for k in due_kinds] + [{"kind": "pemindahan", "page": 2}],
        "retention.Holds": [{"in_force": "true"}, {"in_force": "false"}],
        "staff.retention_holds": [{"status": "berlaku"}, {"status": "dilepas"}],
        "retention.Batches": [{"kind": "pemindahan"}, {"state": "dilaksanakan"}],
        "dip.DipCompare": [{"from_version": a, "to_version": b} for a, b in itertools.permutations(w.versions, 2)],
        "staff.dip_compare": [{"from": a, "to": b} for a, b in itertools.permutations(w.versions, 2)],
        "public.dip": [{"kategori": k} for k in sorted(OPEN_KIP)],
    }
    return [Variant(q) for q in table.get(endpoint, [])]


def enumerate_surfaces(w: World) -> tuple[list[Surface], set[str]]:
    """Every GET rule × its fills × its query variants, and the mail drafts; also every GET rule seen."""
    surfaces: list[Surface] = []
    seen: set[str] = set()
    for rule in sorted(w.app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()):
            continue
        seen.add(rule.rule)
        if rule.rule in SKIPPED:
            continue
        audience = audience_of(rule.rule)
        for path, about, prunable in path_fills(rule, w):
            with w.app.test_request_context():
                base = url_for(rule.endpoint, **path)
            oracle = f"{rule.rule}|{sorted(path)}" if about is not None else None
            surfaces.append(Surface(rule.rule, audience, base, about, oracle, prunable=prunable))
            for v in query_variants(rule.endpoint, path, w):
                url = f"{base}?{urlencode(v.query)}"
                if v.record_id is None:
                    surfaces.append(Surface(rule.rule, audience, url, about, heavy=v.heavy))
                    continue
                rest = sorted((k, str(x)) for k, x in v.query.items() if k not in {"record_ids", "identifier", "q"})
                others = {k: x for k, x in v.query.items() if k != "record_ids"}
                mixed = f"{base}?{urlencode(others)}" if v.mixed else None
                group = f"{rule.rule}|{path}|{v.group}|{rest}"
                surfaces.append(
                    Surface(rule.rule, audience, url, v.record_id, group, v.group == "key", v.prunable, v.heavy, mixed)
                )
    surfaces += [Surface(f"mail:{kind}", "mail", kind) for kind in notifications.KINDS]
    return surfaces, seen


def surfaces_for(role: str, surfaces: list[Surface], w: World) -> list[Surface]:
    """What ``role`` is asked. Public surfaces take no credentials and are asked as the public only (every role may
    read at least what the public may). An answer about one record the role may read and nothing else (its file,
    its key's search, its report) is asked once per question as a positive control; every one about a record it
    may not read is asked. Per-record reports are also asked with one readable record and every unreadable one."""
    out: list[Surface] = []
    controls: set[str] = set()
    mixed: dict[str, Surface] = {}
    unreadable = [r.id for r in w.records.values() if not readable(role, r)]
    mine = [r.id for r in w.records.values() if readable(role, r)]
    for s in surfaces:
        if s.audience == "public" and role != "anonymous":
            continue
        rec = w.records.get(s.record_id or 0)
        if s.prunable and rec is not None and readable(role, rec):
            if s.oracle in controls:
                continue
            controls.add(s.oracle or "")
        if s.mixed and unreadable and mine and s.mixed not in mixed:
            ids = ",".join(map(str, [mine[0], *unreadable]))
            mixed[s.mixed] = Surface(s.rule, s.audience, f"{s.mixed}&record_ids={ids}", heavy=s.heavy)
        out.append(s)
    return out + list(mixed.values())


# ---- answers -------------------------------------------------------------------------------------------------------
@dataclass
class Answer:
    status: int
    body: str  # decoded
    headers: str = ""
    json: bool = False

    @property
    def text(self) -> str:
        return f"{self.body}\n{self.headers}"


_DECODED: dict[tuple[str, str], str] = {}
KEPT_HEADERS = ("content-disposition", "location", "link", "x-pagination", "content-type")


def decode(mimetype: str, body: bytes) -> str:
    """The text a reader gets out of an answer, whatever its format (memoised: files repeat across roles)."""
    memo = (mimetype, hashlib.sha256(body).hexdigest())
    if memo not in _DECODED:
        _DECODED[memo] = _decode(mimetype, body)
    return _DECODED[memo]


def pdf_text(body: bytes) -> str:
    """The text of a PDF: poppler's pdftotext when installed (the report tests need poppler already; thirty times
    faster on WeasyPrint's output, the same words), else pdfminer.six; plus its metadata (the document information
    and the XMP packet, decompressed: a PDF/A's title and description live there, compressed in the raw bytes)."""
    if PDFTOTEXT:
        done = subprocess.run([PDFTOTEXT, "-q", "-", "-"], input=body, capture_output=True, check=True, timeout=60)
        text = done.stdout.decode("utf-8", "replace")
    else:
        text = extract_text(io.BytesIO(body))
    with pikepdf.open(io.BytesIO(body)) as pdf:
        info = {str(k): str(v) for k, v in pdf.docinfo.items()}
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8", "replace") if "/Metadata" in pdf.Root else ""
    return text + "\n" + json.dumps(info, sort_keys=True, ensure_ascii=False) + "\n" + xmp


PDFTOTEXT = shutil.which("pdftotext")


def _decode(mimetype: str, body: bytes) -> str:
    if body[:5] == b"%PDF-":
        return pdf_text(body)
    if body[:4] == b"PK\x03\x04":  # xlsx and any other zip: every part (shared strings, sheets, properties)
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(
                f"{info.filename}\n{archive.read(info).decode('utf-8', 'replace')}" for info in archive.infolist()
            )
    if mimetype == "application/x-tar" or body[257:262] == b"ustar":
        parts = []
        with tarfile.open(fileobj=io.BytesIO(body)) as tar:
            for member in tar.getmembers():
                parts.append(member.name)
                handle = tar.extractfile(member) if member.isfile() else None
                if handle is not None:
                    parts.append(decode("", handle.read()))
        return "\n".join(parts)
    return body.decode("utf-8", "replace")


def ask(w: World, role: str, surface: Surface) -> Answer:
    if surface.audience == "mail":
        return Answer(200, mail_text(w, role, surface.url))
    if surface.audience == "api" and role != "anonymous":
        response = w.client("anonymous").get(surface.url, headers=w.accounts[role].headers)
    else:
        response = w.client(role if surface.audience == "staff" else "anonymous").get(surface.url)
    body = response.get_data()
    headers = "\n".join(sorted(f"{k}: {v}" for k, v in response.headers.items() if k.lower() in KEPT_HEADERS))
    mimetype = response.mimetype or ""
    response.close()
    return Answer(response.status_code, decode(mimetype, body), headers, mimetype.endswith("json"))


def mail_text(w: World, role: str, kind: str) -> str:
    """The notifications of ``kind`` composed now for ``role``'s user (a working-day morning, for the digest)."""
    if role == "anonymous":
        return ""
    rt = w.rt
    day = rt.calendar.today() + timedelta(days=1)
    while not rt.calendar.is_working_day(day):
        day += timedelta(days=1)
    morning = datetime.combine(day, rt.calendar.start, tzinfo=rt.calendar.tz).astimezone(UTC) + timedelta(hours=1)
    compose: dict[str, Callable[[], list[Any]]] = {
        notifications.STEP_OPENED: lambda: notifications.step_opened(rt, datetime.now(UTC)),
        notifications.DIGEST: lambda: notifications.digests(rt, morning),
        notifications.EXEMPTION_REMINDER: lambda: notifications.exemption_reminders(rt, day),
        notifications.RETENTION_REMINDER: lambda: notifications.retention_reminders(rt, day),
    }
    assert set(compose) == set(notifications.KINDS), "a new notification kind: compose it here"
    user_id = w.accounts[role].actor.user_id
    drafts = [d for d in compose[kind]() if d.user_id == user_id]
    return "\n".join(
        f"{d.subject}\n{d.body}\nrecord_id={d.record_id}" for d in sorted(drafts, key=lambda d: d.dedupe_key)
    )


# ---- checks --------------------------------------------------------------------------------------------------------
LINKS = re.compile(r"/(?:staf/arsip|api/v1/records|api/v1/retention/records|informasi)/(\d+)|record_id=(\d+)")


def without_echo(text: str, surface: Surface) -> str:
    """The answer without what the request itself put into it (its path, a search key it asked for): an echo is
    not a leak."""
    path, _, query = surface.url.partition("?")
    text = re.sub(re.escape(path) + r"(?![\d/])", " ", text)
    for _name, value in parse_qsl(query):
        if TOKEN.fullmatch(value):
            text = text.replace(value, " ")
    return text


def json_record_ids(data: Any) -> Iterator[int]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key in {"record_id", "record_ids"}:
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, int):
                        yield item
            else:
                yield from json_record_ids(value)
    elif isinstance(data, list):
        for item in data:
            yield from json_record_ids(item)


@dataclass
class Findings:
    leaks: dict[tuple[str, str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    oracle: list[str] = field(default_factory=list)
    counts: list[str] = field(default_factory=list)
    seen: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def check(self, w: World, role: str, surface: Surface, answer: Answer) -> None:
        """Everything in one answer that belongs to a record ``role`` may not read."""
        text = without_echo(answer.text, surface)
        by_token = {token: rec for rec in w.records.values() for token in (rec.marker, rec.key)}
        found: list[str] = []
        for token in sorted(set(TOKEN.findall(text))):
            rec = by_token.get(token)
            if rec is None:
                continue
            self.seen[role].add(rec.marker)
            if not readable(role, rec):
                found.append(f"{'marker' if token == rec.marker else 'search key'} of [{rec.kind}]")
        for rid in sorted({int(a or b) for a, b in LINKS.findall(text)}):
            rec = w.records.get(rid)
            if rec is not None and not readable(role, rec):
                found.append(f"link to [{rec.kind}]")
        if answer.json:
            try:
                data = json.loads(answer.body)
            except ValueError:
                data = None
            for rid in sorted(set(json_record_ids(data))):
                rec = w.records.get(rid)
                if rec is not None and not readable(role, rec):
                    found.append(f"record_id of [{rec.kind}]")
        for what in found:
            self.leaks[(surface.rule, role, what)].append(surface.url)

    def summary(self) -> str:
        lines = []
        by_rule: dict[str, list[str]] = defaultdict(list)
        for (rule, role, what), urls in sorted(self.leaks.items()):
            by_rule[rule].append(f"    {role}: {what}  ({len(urls)} answers, e.g. {urls[0]})")
        for rule, items in sorted(by_rule.items()):
            lines.append(f"  {rule}")
            lines += items
        if self.oracle:
            lines.append("  a record the role may not read answers unlike one that does not exist:")
            lines += [f"    {o}" for o in self.oracle]
        if self.counts:
            lines.append("  answers that changed when records the role may not read were added:")
            lines += [f"    {c}" for c in self.counts]
        return "\n".join(lines)


def check_oracle(w: World, role: str, asked: list[Surface], answers: dict[str, Answer], findings: Findings) -> None:
    """A record the role may not read answers exactly like a record that does not exist."""
    groups: dict[str, list[Surface]] = defaultdict(list)
    for s in asked:
        if s.oracle is not None:
            groups[s.oracle].append(s)
    for members in groups.values():
        missing = [s for s in members if s.record_id == MISSING_ID]
        if not missing:
            continue
        reference = answers[missing[0].url]
        for s in members:
            rec = w.records.get(s.record_id or 0)
            if rec is None or readable(role, rec):
                continue
            got = answers[s.url]
            if got.status != reference.status:
                findings.oracle.append(
                    f"{role} {s.rule}: [{rec.kind}] answers {got.status}, a missing record {reference.status} ({s.url})"
                )
            elif s.compare_body and blank(got.body, rec.key) != blank(reference.body, NO_SUCH_KEY):
                findings.oracle.append(
                    f"{role} {s.rule}: [{rec.kind}] answers unlike a missing record ({s.url})"
                    + diff_hint(blank(reference.body, NO_SUCH_KEY), blank(got.body, rec.key))
                )


def blank(text: str, key: str) -> str:
    return normalise(text.replace(key, "<key>"))


# Parts of an answer that change between two identical requests, or with the clock.
VOLATILE = [
    (re.compile(r'(name="csrf_token" value=|name="csrf-token" content=)"[^"]*"'), r'\1"-"'),
    (re.compile(r'nonce="[^"]*"|nonce-[A-Za-z0-9+/=_-]+'), "nonce"),
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"), "<time>"),
    (re.compile(r"\b\d{2}-\d{2}-\d{4} \d{2}[.:]\d{2}\b"), "<time>"),
    (re.compile(r"D:\d{14}[^)>]*"), "D:<time>"),  # PDF dates
    (re.compile(r'"took_ms": [\d.]+'), '"took_ms": 0'),
    (re.compile(r'"late_seconds": ?\d+'), '"late_seconds": 0'),
    (re.compile(r"\b\d+ (detik|menit|jam|hari|seconds?|minutes?|hours?|days?)\b"), r"<n> \1"),
    # the request form's challenge (issue 18): a fresh sum and its signed token on every answer
    (re.compile(r'(name="challenge_token" value=|"token": ?)"[^"]*"'), r'\1"-"'),
    (re.compile(r"(Berapa|What is) \d+ (ditambah|plus) \d+\?"), r"\1 <n> \2 <n>?"),
]
# The order of search hits ranked by relevance may change when records a role may not read are indexed: the
# ranking (BM25) uses collection-wide statistics, which is why the API never shows scores. Hits, totals and facets
# may not change, nor the order of any other sort.
RELEVANCE_ORDER = "search hits sorted by relevance are compared as a set"
# Answers that may change when records a role may not read are added, and why.
ALLOWED_TO_CHANGE = {
    "/api/v1/index/status": "the admin's view of the indexing machinery counts every outbox row and document by "
    "design (it is not a view of records)",
}


def normalise(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def comparable(url: str, answer: Answer) -> str:
    """An answer as the count check compares it: normalised; the hits of a search sorted by relevance in id order
    (``RELEVANCE_ORDER``)."""
    body = answer.body
    if answer.json and "search" in url and "sort=" not in url:
        data = json.loads(body)
        data["hits"] = sorted(data.get("hits", []), key=lambda hit: hit["id"])
        body = json.dumps(data, sort_keys=True)
    elif "/cari" in url and "sort=" not in url:
        # A search page shows one page of ten: which ten, under relevance, moves with the collection statistics
        # (RELEVANCE_ORDER); their number, the total and the facets may not. (What the items show is checked
        # for tokens of unreadable records in the main pass; the API, a hundred a page, compares the set.)
        body = RESULT_LIST.sub(lambda m: f"{m[1]}<{len(RESULT_ITEM.findall(m[2]))} hits>{m[3]}", body)
    return normalise(f"{answer.status}\n{body}\n{answer.headers}")


RESULT_LIST = re.compile(r'(<ol class="results"[^>]*>)(.*?)(</ol>)', re.S)
RESULT_ITEM = re.compile(r'<li class="result">.*?</li>\s*(?=<li class="result">|$)', re.S)


def diff_hint(before: str, after: str) -> str:
    """Where two answers first differ, with a little context."""
    at = next((i for i, (x, y) in enumerate(zip(before, after, strict=False)) if x != y), min(len(before), len(after)))
    start = max(0, at - 80)
    return f": «…{before[start : at + 80]}…» → «…{after[start : at + 80]}…»".replace("\n", "⏎")


# ---- the matrix ----------------------------------------------------------------------------------------------------
def take(w: World, role: str, asked: list[Surface], findings: Findings) -> dict[str, Answer]:
    """Ask every surface as ``role``, check each answer, return them by URL."""
    answers: dict[str, Answer] = {}
    for surface in asked:
        answer = ask(w, role, surface)
        answers[surface.url] = answer
        findings.check(w, role, surface, answer)
    return answers


# Rounds of records added for the count check: a round is invisible to some roles (computed from the rule), whose
# answers about lists, counts and documents (not about one record, not PDF) must then stay the same.
ROUNDS = (
    ("sangat_rahasia, both units", [("sangat_rahasia", u) for u in UNITS], False),
    ("rahasia, both units", [("rahasia", u) for u in UNITS], False),
    ("biasa_terbuka and terbatas, not public", [(c, u) for c in CLASSES[:2] for u in UNITS], True),
    ("every kind of bappeda", [(c, "bappeda") for c in CLASSES], False),
    ("kominfo, not public", [(c, "kominfo") for c in CLASSES], True),
)


def round_specs(pairs: list[tuple[str, str]], not_public: bool) -> list[tuple[str, str, str]]:
    return [
        (cls, unit, state)
        for cls, unit in pairs
        for state in GRID_STATES[cls]
        if not (not_public and state == "dipublikasikan")
    ]


def blind_to(specs: list[tuple[str, str, str]]) -> list[str]:
    """The roles that may read none of these records."""
    return [
        role
        for role in ROLES
        if not any(spec_readable(role, c, u, c == "biasa_terbuka" and s == "dipublikasikan") for c, u, s in specs)
    ]


def test_no_answer_shows_or_counts_a_record_the_role_may_not_read(world: World, record_property: Any) -> None:
    w = world
    started = time.monotonic()
    surfaces, seen = enumerate_surfaces(w)
    assert not set(SKIPPED) - seen, f"skipped rules that no longer exist: {sorted(set(SKIPPED) - seen)}"
    findings = Findings()
    asked = {role: surfaces_for(role, surfaces, w) for role in ROLES}
    answers = {}
    for role in ROLES:
        answers[role] = take(w, role, asked[role], findings)
        check_oracle(w, role, asked[role], answers[role], findings)
    count = sum(len(a) for a in answers.values())
    kinds = len(w.records)
    # The test's own eyes: each role saw every record it may read somewhere (else a check could pass blind).
    unseen = {
        role: sorted(r.kind for r in w.records.values() if shown_to(role, r) and r.marker not in findings.seen[role])
        for role in ROLES
    }
    main_pass = time.monotonic() - started

    # Counts: add records some roles may not read; those roles' answers about lists and documents stay the same.
    def counted(role: str) -> list[Surface]:
        return [s for s in asked[role] if s.record_id is None and not s.heavy and s.rule not in ALLOWED_TO_CHANGE]

    latest = {role: {s.url: answers[role][s.url] for s in counted(role)} for role in ROLES}
    stale: set[str] = set()
    for label, pairs, not_public in ROUNDS:
        specs = round_specs(pairs, not_public)
        blind = blind_to(specs)
        for role in sorted(stale & set(blind)):
            latest[role] = take(w, role, counted(role), findings)
            count += len(latest[role])
        for cls, unit, state in specs:
            w.add(f"tambahan ({label}): {cls}/{unit}/{state}", cls, unit, state)
        w.sync()
        w.refresh()
        for role in blind:
            after = take(w, role, counted(role), findings)
            count += len(after)
            for url, before in latest[role].items():
                a, b = comparable(url, before), comparable(url, after[url])
                if a != b:
                    findings.counts.append(f"{role} {url} (after adding {label}){diff_hint(a, b)}")
            latest[role] = after
        stale = (stale | set(ROLES)) - set(blind)

    rules = {s.rule for s in surfaces}
    size = f"{len(ROLES)} roles × {len(rules)} surfaces × {kinds} record kinds"
    record_property("matrix_size", size)
    record_property("answers_checked", count)
    print(  # shown with -s; the size is also a junit property
        f"\naccess matrix: {size}; {count} answers checked; {len(w.records)} records at the end "
        f"(main pass {main_pass:.0f} s, with the count rounds {time.monotonic() - started:.0f} s)"
    )
    if findings.leaks or findings.oracle or findings.counts:
        print(findings.summary())
    assert not {role: kinds for role, kinds in unseen.items() if kinds}, "the test did not see what roles may read"
    assert not (findings.leaks or findings.oracle or findings.counts), "\n" + findings.summary()


# ---- classified records flow -----------------------------------------------------------------------------------------
FLOW = TO_STATE_PATH["dikecualikan"]  # serahkan → … → laporkan → kecualikan: the SOP main line, then exempted


def api_record(client: Any, account: Account, record_id: int) -> Any:
    return client.get(f"/api/v1/records/{record_id}", headers=account.headers)


@pytest.mark.parametrize("security_class", ["rahasia", "sangat_rahasia"])
def test_a_classified_record_is_carried_along_the_sop_by_roles_that_may_read_it(
    rt: Runtime, accounts: dict[str, Account], client: Any, security_class: str
) -> None:
    """At every open SOP step some role that may read the record carries out the next action through the API: one of
    the step's roles, or the PPID where they may not read it (the secretariat's steps fall to the PPID); the record
    waits in that role's worklist; a step role that may not read it gets 404, as for a record that does not exist."""
    assert list(MAIN_LINE[: len(FLOW) - 1]) == FLOW[:-1], "the SOP main line changed: review this walk"
    staged = stage_stream(io.BytesIO(pdf_bytes("Laporan rahasia", security_class)), rt.settings.staging_dir)
    data = READY | {"security_class": security_class, "processing_unit": "kominfo"}
    record = records.create_record(rt, accounts["pendukung"].actor, data, [Upload("rahasia.pdf", staged)])
    files = SimpleNamespace(files=[SimpleNamespace(id=record.files[0].id)])
    problems: list[str] = []
    for action in FLOW:
        current = api_record(client, accounts["ppid"], record.id)
        assert current.status_code == 200
        state = current.get_json()["publication_state"]
        transition = next(t for t in TRANSITIONS if t.action == action and state in t.from_states)
        step_roles = sorted(str(r) for r in transition.roles)
        readers = [r for r in step_roles if spec_readable(r, security_class, "kominfo", False)]
        for role in sorted(set(step_roles) - set(readers)):
            seen = api_record(client, accounts[role], record.id).status_code
            if seen != 404:
                problems.append(f"{state}: {role} may not read the record but GET answers {seen}, not 404")
        actor = readers[0] if readers else "ppid"
        worklist = client.get("/api/v1/worklist", headers=accounts[actor].headers).get_json()
        waiting = {item["record_id"] for group in worklist for item in group["items"]}
        if record.id not in waiting:
            problems.append(f"{state} (step {STEPS[state].no}): not in the worklist of {actor}")
        answer = client.post(
            f"/api/v1/records/{record.id}/transitions",
            json=payload_for(action, files),
            headers={**accounts[actor].headers, "If-Match": current.headers["ETag"]},
        )
        if answer.status_code != 200:
            problems.append(f"{state}: {actor} may not carry out {action}: {answer.status_code} {answer.get_json()}")
            version = api_record(client, accounts["ppid"], record.id).get_json()["version"]
            workflow.apply_transition(rt, SYSTEM, record.id, version, payload_for(action, files))  # to go on
    assert api_record(client, accounts["ppid"], record.id).get_json()["publication_state"] == "dikecualikan"
    assert not problems, "\n".join(problems)


# ---- sessions end ----------------------------------------------------------------------------------------------------
def test_a_signed_out_session_cookie_opens_no_staff_page(world: World) -> None:
    """For each staff role: sign in through the form, copy the session cookie, sign out; the copy then opens no
    staff GET page of the enumeration (one URL per rule): each answers with the way to the sign-in page or 401."""
    w = world
    surfaces, _ = enumerate_surfaces(w)
    first: dict[str, str] = {}
    for s in surfaces:
        if s.audience == "staff":
            first.setdefault(s.rule, s.url)
    cookie_name = w.app.config["SESSION_COOKIE_NAME"]
    problems = []
    for n, role in enumerate(STAFF):
        browser = w.app.test_client()
        browser.environ_base["REMOTE_ADDR"] = f"10.16.{n}.6"
        sign_in(browser, w.accounts[role].actor.username)
        cookie = browser.get_cookie(cookie_name)
        assert cookie is not None, "no session cookie after signing in"
        page = browser.get("/staf/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token, "no CSRF token on the staff home page"
        assert browser.post("/staf/keluar", data={"csrf_token": token.group(1)}).status_code == 302
        copy = w.app.test_client()
        copy.set_cookie(cookie_name, cookie.value)
        for rule, url in sorted(first.items()):
            answer = copy.get(url)
            location = answer.headers.get("Location", "")
            if rule == "/staf/masuk":  # the sign-in page itself: the form, not a redirect into the workspace
                ok = answer.status_code == 200
            else:
                ok = answer.status_code == 401 or (answer.status_code == 302 and "/staf/masuk" in location)
            if not ok:
                problems.append(f"{role}: {url} answers {answer.status_code} {location}".rstrip())
    assert not problems, "\n".join(problems)
