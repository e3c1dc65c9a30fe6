"""An app of its own with some data, for checking the running API against its OpenAPI document (schemathesis).

Used by ``tests/archive_service/api/test_schemathesis.py`` and ``scripts/schemathesis_run.py``. Everything lives
in a folder of the caller's, so the generated requests (which create, change and delete things) touch nothing
another test uses. Account names are long random strings, so a generated ``DELETE /users/{username}`` never hits
one of the accounts the run calls with.
"""

from __future__ import annotations

import io
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask

from archive_service.config import Settings
from archive_service.runtime import Runtime
from archive_service.services import auth
from archive_service.services.actor import SYSTEM

from .files import pdf_bytes

CHECK_NAMES = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)
SAMPLE_JRA = Path(__file__).resolve().parents[2] / "archive_service" / "data" / "jra_sample.csv"
ROLES = ("admin", "arsiparis", "ppid", "pendukung")
"""The roles each generated request is sent as: the one that may do most, and some that may do less."""


@dataclass
class ContractApp:
    app: Flask
    runtime: Runtime
    tokens: dict[str, str] = field(default_factory=dict)
    known: dict[str, list[Any]] = field(default_factory=dict)
    """Path parameter values that exist (record ids, a file, a hold, a DIP version, report names, a user)."""

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def spec(self, *, explicit_statuses: bool = False) -> dict[str, Any]:
        """The served OpenAPI document; ``explicit_statuses`` drops every ``default`` response, so a status an
        operation answers with counts only when that operation documents it by number."""
        spec = self.app.test_client().get("/api/openapi.json").get_json()
        if explicit_statuses:
            for operations in spec["paths"].values():
                for operation in operations.values():
                    if isinstance(operation, dict):
                        operation.get("responses", {}).pop("default", None)
        return spec

    def close(self) -> None:
        self.runtime.close()


def build(folder: Path, database_url: str | None = None) -> ContractApp:
    """A migrated database (``database_url``, or a new SQLite file), two units, one account per `ROLES` and a few
    records: two with a PDF, one without files, one under a hold."""
    from archive_service.app import create_app
    from archive_service.db.engine import make_engine
    from archive_service.db.migrate import upgrade

    folder.mkdir(parents=True, exist_ok=True)
    if database_url is None:
        database_url = f"sqlite:///{folder / 'arsip.sqlite3'}"
        engine = make_engine(database_url)
        upgrade(engine)
        engine.dispose()
    settings = Settings(data_dir=folder / "var", database_url=database_url, max_file_size=8 * 1024 * 1024)
    runtime = Runtime.from_settings(settings)
    app = create_app(runtime=runtime, startup_cleanup=False)
    app.config["TESTING"] = True
    contract = ContractApp(app, runtime)
    for code, name in {"kominfo": "Dinas Komunikasi dan Informatika", "bappeda": "Bappeda"}.items():
        auth.create_unit(runtime, SYSTEM, code, name)
    for role in ROLES:
        username = f"st-{role}-{secrets.token_hex(6)}"
        data = {"username": username, "full_name": role.title(), "role": role, "password": secrets.token_hex(16)}
        if role == "pendukung":
            data["unit_code"] = "kominfo"
        auth.create_user(runtime, SYSTEM, data)
        contract.tokens[role] = auth.create_token(runtime, SYSTEM, username, "schemathesis")
    _seed(contract)
    return contract


def _seed(contract: ContractApp) -> None:
    client = contract.app.test_client()
    admin = contract.headers("admin")

    def created(response: Any) -> Any:
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()

    base = {"classification_code": "500.12.18.1", "processing_unit": "kominfo", "creator_org": "Diskominfo"}
    for n in (1, 2):
        metadata = {**base, "title": f"Laporan layanan informasi {n}", "doc_date": f"2025-0{n}-15"}
        pdf = (io.BytesIO(pdf_bytes(f"Laporan {n}")), "laporan.pdf")
        created(
            client.post(
                "/api/v1/records",
                data={"metadata": json.dumps(metadata), "files": [pdf]},
                headers=admin,
                content_type="multipart/form-data",
            )
        )
    created(client.post("/api/v1/records", json={**base, "title": "Notula rapat"}, headers=admin))
    with SAMPLE_JRA.open("rb") as handle:
        created(
            client.post(
                "/api/v1/retention/jra",
                data={"name": "JRA contoh", "file": (handle, "jra.csv")},
                headers=admin,
                content_type="multipart/form-data",
            )
        )
    created(
        client.post(
            "/api/v1/dip/versions",
            json={"decree_no": "SK/1/2026", "decree_date": "2026-01-05"},
            headers=contract.headers("ppid"),
        )
    )
    created(
        client.post(
            "/api/v1/retention/holds",
            json={"name": "Sengketa KIP", "reason": "Sengketa informasi", "record_ids": [2]},
            headers=admin,
        )
    )
    other = f"st-other-{secrets.token_hex(6)}"
    data = {"username": other, "full_name": "Other", "role": "sekretariat", "password": secrets.token_hex(16)}
    auth.create_user(contract.runtime, SYSTEM, data)
    reports = sorted(item["name"] for item in client.get("/api/v1/reports", headers=admin).get_json())
    contract.known = {
        "record_id": [1, 2, 3],
        "file_id": [1, 2],
        "hold_id": [1],
        "version_no": [1],
        "batch_id": [1],
        "name": reports,
        "username": [other],
    }


def known_strategy(contract: ContractApp) -> Any:
    """One existing value per path parameter name, drawn by hypothesis alongside the generated case."""
    from hypothesis import strategies as st

    return st.fixed_dictionaries({name: st.sampled_from(values) for name, values in contract.known.items()})


def exercise(case: Any, contract: ContractApp, known: dict[str, Any], checks: list[Any], statuses: Any) -> None:
    """Send ``case`` as every role of `ROLES` and validate each answer with ``checks``; when the operation has path
    parameters, send it once more with existing ones (``known``), so answers about real things are checked too
    and not only 404s. ``statuses`` (a Counter) counts the status codes seen."""
    generated_headers = dict(case.headers or {})
    variants = [dict(case.path_parameters or {})]
    if case.path_parameters:
        variants.append({name: known.get(name, value) for name, value in case.path_parameters.items()})
    for path_parameters in variants:
        case.path_parameters = path_parameters
        for role in ROLES:
            case.headers = {**generated_headers, **contract.headers(role)}
            response = case.call()
            statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=checks)
            except BaseException as exc:
                exc.add_note(f"(sent as {role}, path parameters {path_parameters})")
                raise


def run_operation(
    operation: Any,
    contract: ContractApp,
    checks: list[Any],
    statuses: Any,
    *,
    examples: int,
    mode: Any = None,
    seed: int | None = None,
) -> str | None:
    """``examples`` generated cases of one schemathesis ``operation``, each sent by `exercise`; the failure as
    text, or None. Not shrunk: the first failing case is reported as sent. ``seed`` None: derandomized (the same
    cases every run)."""
    import hypothesis
    from hypothesis import HealthCheck, Phase, given
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode

    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=seed is None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(
        case=operation.as_strategy(generation_mode=mode or GenerationMode.POSITIVE),
        known=known_strategy(contract),
    )
    def run(case: Any, known: dict[str, Any]) -> None:
        exercise(case, contract, known, checks, statuses)

    if seed is not None:
        run = hypothesis.seed(seed)(run)
    try:
        run()
    except Unsatisfiable:  # negative mode, and nothing to make invalid (no parameters, no body)
        return None
    except (Exception, BaseExceptionGroup) as exc:
        notes = "\n".join(getattr(exc, "__notes__", []))
        return f"{exc}\n{notes}".strip()
    return None
