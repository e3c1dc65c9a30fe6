"""Walk one real corpus document through the SOP *Pengolahan Informasi Publik* over the HTTP API.

Usage (from the repository root, against a running server)::

    .venv/bin/python docs/sop_walk.py --tokens tokens.json
    .venv/bin/python docs/sop_walk.py --url http://127.0.0.1:8000 --tokens tokens.json \\
        --corpus ../shared/corpus --document daerah/sop-pelayanan-umum.pdf

``tokens.json`` maps each role to an API token of a user with that role (``arsip token create <user>``)::

    {"pendukung": "arsip_…", "sekretariat": "arsip_…", "ppid": "arsip_…"}

The ``pendukung`` user must belong to a work unit; the record is filed under that unit. Each role acts in turn, as
the SOP says: the *Tim Pendukung* creates the record (multipart: DIP fields + the PDF), hands it over, proposes the
category and documents it; the *Tim Sekretariat* receives it and returns it once for correction; the second round
passes verification and is reported to the PPID, who determines it open (``setiap_saat``); the secretariat
publishes it; the control card is printed; the PPID reviews it in the semester monev (steps 12–14) and determines
it open again (the step-14 update of the DIP). One line is printed per step: SOP step, role, action, resulting
state and due time (WIB). Finally the file is downloaded back and its SHA-256 printed (and compared with the
corpus MANIFEST.csv when there is one).

Only the standard library is used (``urllib`` and a hand-built ``multipart/form-data`` body), so the script runs
with any Python 3.11 without the project installed. ``walk()`` is what the end-to-end test calls.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_DOCUMENT = "daerah/sop-pelayanan-umum.pdf"
WIB = ZoneInfo("Asia/Jakarta")
ROLES = ("pendukung", "sekretariat", "ppid")
TIMEOUT = 60

# The description the Tim Pendukung enters at step 1: DIP columns 2–7 plus what pemberkasan (step 4) needs.
METADATA: dict[str, Any] = {
    "title": "Standar Operasional Prosedur Pelayanan Informasi Publik",
    "classification_code": "000.5.6",
    "creator_org": "PPID Pembantu Kecamatan Lumajang",
    "file_no": "SOP-01",
    "description": "SOP pelayanan informasi publik PPID Pembantu (dokumen korpus)",
    "doc_date": "2023-01-02",
    "quantity": 1,
    "media": "elektronik",
    "development_level": "asli",
    "dip_summary": "Standar operasional prosedur pelayanan permohonan informasi publik",
    "controlling_unit": "PPID Pembantu",
    "responsible_official": "Sekretaris Kecamatan",
    "created_place": "Lumajang",
    "available_forms": ["softcopy", "hardcopy"],
}

# (role, action, payload, SOP step shown instead of the table's). "card" prints the control card.
PLAN: list[tuple[str, str, dict[str, Any], str | None]] = [
    ("pendukung", "serahkan", {}, None),
    ("pendukung", "usulkan_kategori", {"kip_category": "setiap_saat"}, None),
    ("pendukung", "dokumentasikan", {}, None),
    ("sekretariat", "terima", {}, None),
    (
        "sekretariat",
        "kembalikan",
        {"reason": "Daftar informasi belum memuat bentuk cetak / the list lacks the printed form"},
        None,
    ),
    ("pendukung", "serahkan_ulang", {}, None),
    ("pendukung", "usulkan_kategori", {"kip_category": "setiap_saat"}, None),
    ("pendukung", "dokumentasikan", {}, None),
    ("sekretariat", "terima", {}, None),
    ("sekretariat", "verifikasi", {}, None),
    ("sekretariat", "laporkan", {}, None),
    ("ppid", "tetapkan_terbuka", {"kip_category": "setiap_saat"}, None),
    ("sekretariat", "publikasikan", {}, None),
    ("sekretariat", "card", {}, None),
    ("ppid", "tinjau_semester", {"reason": "Monev semester / semester monitoring and evaluation"}, None),
    ("ppid", "tetapkan_terbuka", {"kip_category": "setiap_saat"}, "14"),
]


class WalkError(RuntimeError):
    """An HTTP call of the walk failed; the message names the call and the server's problem detail."""


class Client:
    """A tiny JSON-over-HTTP client: one bearer token per call, problem+json errors turned into ``WalkError``."""

    def __init__(self, base_url: str, tokens: dict[str, str]) -> None:
        self.base = base_url.rstrip("/")
        self.tokens = tokens

    def call(
        self,
        role: str,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[dict[str, str], bytes]:
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("Authorization", f"Bearer {self.tokens[role]}")
        request.add_header("Accept", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                return dict(response.headers.items()), response.read()
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                problem = json.loads(raw)
                detail_id = problem.get("detail") or problem.get("title")
                detail_en = problem.get("detail_en") or problem.get("title_en")
                detail = f"{detail_id} / {detail_en}"
                if problem.get("errors"):
                    detail += f" {json.dumps(problem['errors'], ensure_ascii=False)}"
            except ValueError:
                detail = raw[:300].decode("utf-8", "replace")
            raise WalkError(f"{method} {path} as {role}: HTTP {exc.code}: {detail}") from None
        except urllib.error.URLError as exc:
            raise WalkError(f"{method} {path}: cannot reach {self.base}: {exc.reason}") from None

    def json(
        self,
        role: str,
        method: str,
        path: str,
        payload: Any = None,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[dict[str, str], Any]:
        """Send ``payload`` as JSON (or a ready ``body``) and decode the JSON answer."""
        headers = dict(headers or {})
        if payload is not None:
            body = json.dumps(payload).encode("utf-8")
            headers["Content-Type"] = "application/json"
        got_headers, raw = self.call(role, method, path, body=body, headers=headers)
        return got_headers, json.loads(raw) if raw else None


def multipart(metadata: dict[str, Any], filename: str, content: bytes, mime: str) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body with a ``metadata`` JSON part and one ``files`` part."""
    boundary = f"arsip-{uuid.uuid4().hex}"
    safe_name = filename.replace('"', "_").replace("\r", "_").replace("\n", "_")
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n'.encode(),
            b"Content-Type: application/json; charset=utf-8\r\n\r\n",
            json.dumps(metadata, ensure_ascii=False).encode("utf-8"),
            b"\r\n",
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{safe_name}"\r\n'.encode(),
            f"Content-Type: {mime}\r\n\r\n".encode(),
            content,
            b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
    )
    return body, f"multipart/form-data; boundary={boundary}"


def wib(value: str | None) -> str:
    """An API timestamp as local WIB time, or "-"."""
    if not value:
        return "-"
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(WIB).strftime("%Y-%m-%d %H:%M WIB")


def _line(step: str, role: str, action: str, state: str, due: str) -> str:
    return f"{step:<7} {role:<12} {action:<18} {state:<22} {due}"


def print_card(card: dict[str, Any], out: Callable[[str], Any]) -> None:
    out(
        f"        kartu kontrol / control card {card['control_card_no']}: status {card['publication_state']}, "
        f"putaran verifikasi / verification round {card['verification_round']}"
    )
    for receipt in card["receipts"]:
        countersigned = (
            f"ditandatangani / countersigned {receipt['countersigned_by']} {wib(receipt['countersigned_at'])}"
            if receipt.get("countersigned_at")
            else "belum ditandatangani / not countersigned"
        )
        out(
            f"        tanda terima / receipt {receipt['no']} (putaran / round {receipt['round']}): "
            f"{receipt['issued_by']} {wib(receipt['issued_at'])}, {countersigned}"
        )
    for entry in card["entries"]:
        late = " TERLAMBAT/LATE" if entry.get("late") else ""
        out(
            f"        [{entry['round']}] {entry['step']:<6} {entry['actor_role']:<12} {entry['action']:<18} "
            f"{entry['from_state']} -> {entry['to_state']}{late}"
        )


def walk(
    base_url: str,
    tokens: dict[str, str],
    pdf_path: Path | str,
    out: Callable[[str], Any] = print,
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Walk ``pdf_path`` through the SOP on the server at ``base_url``, as each role in ``tokens`` in turn.

    Returns ``{"record": <final record JSON>, "control_card": <final control card JSON>, "file_sha256": <hex digest
    of the file downloaded back>, "actions": [<every transition walked, in order>]}``. Raises ``WalkError`` when a
    call fails and ``FileNotFoundError`` when the PDF is missing.
    """
    pdf_path = Path(pdf_path)
    content = pdf_path.read_bytes()
    missing = [role for role in ROLES if not tokens.get(role)]
    if missing:
        raise WalkError(f"no token for role(s) {', '.join(missing)}")
    client = Client(base_url, tokens)
    unit = None
    for role in ROLES:
        _, me = client.json(role, "GET", "/api/v1/me")
        if me.get("role") != role:
            raise WalkError(f"the token given for {role!r} belongs to {me.get('username')!r}, role {me.get('role')!r}")
        if role == "pendukung":
            unit = me.get("unit_code")
    if not unit:
        raise WalkError("the pendukung user has no work unit")
    _, table = client.json("ppid", "GET", "/api/v1/workflow")
    step_of = {t["action"]: t["step"] for t in table["transitions"]}

    out(_line("langkah", "peran", "aksi", "status", "jatuh tempo / due"))
    out(_line("step", "role", "action", "state", ""))
    description = (metadata or METADATA) | {"processing_unit": unit}
    body, content_type = multipart(description, pdf_path.name, content, "application/pdf")
    headers, record = client.json(
        "pendukung", "POST", "/api/v1/records", body=body, headers={"Content-Type": content_type}
    )
    etag = headers.get("ETag") or f'"{record["version"]}"'
    rid = record["id"]
    out(_line("1", "pendukung", "buat_arsip", record["publication_state"], wib(record["step_due_at"])))
    out(f"        arsip / record {rid} ({record.get('record_no')}), unit {unit}, berkas / file {pdf_path.name}")

    actions: list[str] = []
    for role, action, payload, step in PLAN:
        if action == "card":
            _, card = client.json(role, "GET", f"/api/v1/records/{rid}/control-card")
            print_card(card, out)
            continue
        headers, record = client.json(
            role,
            "POST",
            f"/api/v1/records/{rid}/transitions",
            {"action": action, **payload},
            headers={"If-Match": etag},
        )
        etag = headers.get("ETag") or f'"{record["version"]}"'
        actions.append(action)
        shown = step or step_of.get(action, "?")
        out(_line(shown, role, action, record["publication_state"], wib(record["step_due_at"])))

    _, card = client.json("ppid", "GET", f"/api/v1/records/{rid}/control-card")
    file_row = record["files"][0]
    _, data = client.call("ppid", "GET", f"/api/v1/records/{rid}/files/{file_row['id']}/content")
    digest = hashlib.sha256(data).hexdigest()
    out(
        f"        akhir / final: {record['publication_state']}, kategori / category {record['kip_category']}, "
        f"{len(card['receipts'])} tanda terima / receipts, {len(card['entries'])} baris kartu / card lines"
    )
    out(f"        unduhan / download {file_row['filename']}: {len(data)} bytes, sha256 {digest}")
    return {"record": record, "control_card": card, "file_sha256": digest, "actions": actions}


def manifest_sha256(corpus: Path, document: str) -> str | None:
    manifest = corpus / "MANIFEST.csv"
    if not manifest.is_file():
        return None
    with manifest.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["file"] == document:
                return row["sha256"]
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="base URL of the Arsip server")
    parser.add_argument("--tokens", type=Path, default=Path("tokens.json"), help="JSON file: role -> API token")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help=f"corpus folder (default {DEFAULT_CORPUS})")
    parser.add_argument("--document", default=DEFAULT_DOCUMENT, help="document inside the corpus")
    args = parser.parse_args(argv)

    pdf = args.corpus / args.document
    if not pdf.is_file():
        print(
            f"Galat / Error: dokumen korpus tidak ada / corpus document not found: {pdf}\n"
            "  Letakkan korpus bersama di ../shared/corpus atau beri --corpus / "
            "put the shared corpus at ../shared/corpus or pass --corpus",
            file=sys.stderr,
        )
        return 2
    try:
        tokens = json.loads(args.tokens.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(
            f"Galat / Error: berkas token tidak terbaca / cannot read the tokens file {args.tokens}: {exc}",
            file=sys.stderr,
        )
        return 2
    if not isinstance(tokens, dict):
        print(f"Galat / Error: {args.tokens} harus objek JSON peran -> token / must map role -> token", file=sys.stderr)
        return 2
    try:
        result = walk(args.url, tokens, pdf)
    except WalkError as exc:
        print(f"Galat / Error: {exc}", file=sys.stderr)
        return 1
    expected = manifest_sha256(args.corpus, args.document)
    if expected is not None:
        same = expected == result["file_sha256"]
        print(f"        MANIFEST.csv sha256 {'cocok / matches' if same else 'BERBEDA / DIFFERS: ' + expected}")
        if not same:
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
