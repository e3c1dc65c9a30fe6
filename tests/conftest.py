"""Shared fixtures: every database-backed test runs once on SQLite and once on a real PostgreSQL server.

``ARSIP_TEST_DATABASES`` (default ``sqlite,postgresql``) narrows that for a quick local run; CI runs both.
"""

from __future__ import annotations

import os

# Cheap argon2 parameters for the thousands of test accounts (services/passwords.py); production keeps the defaults.
os.environ.setdefault("ARSIP_ARGON2_PROFILE", "test")
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from archive_service.config import Settings
from archive_service.runtime import Runtime
from archive_service.services import auth
from archive_service.services.actor import SYSTEM, Actor
from indexer.extract import ExtractionPool

from .support.corpus import SKIP_REASON, require_corpus, summary_line
from .support.databases import PostgresTemplate, SqliteTemplate
from .support.postgres import start_postgres

pytest_plugins = ["tests.support.s3server"]

DATABASES = [d.strip() for d in os.environ.get("ARSIP_TEST_DATABASES", "sqlite,postgresql").split(",") if d.strip()]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[PostgresTemplate]:
    for server in start_postgres():
        yield PostgresTemplate(server)


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_template").new_database(tmp_path)
    else:
        template: PostgresTemplate = request.getfixturevalue("postgres_template")
        url = template.new_database(tmp_path)
        yield url
        template.drop(url)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "var", database_url=database_url, max_file_size=64 * 1024 * 1024)


@pytest.fixture(scope="session")
def extraction_pool() -> Iterator[ExtractionPool]:
    """One real extraction pool for the whole run: its worker processes start once, not once per test."""
    with ExtractionPool(workers=2, timeout_s=120, memory_mb=2048, analyze=True) as pool:
        yield pool


@pytest.fixture
def rt(settings: Settings, extraction_pool: ExtractionPool) -> Iterator[Runtime]:
    runtime = Runtime.from_settings(settings)
    runtime._extractor = extraction_pool
    yield runtime
    runtime._extractor = None  # shared: closed at the end of the session, not by each test
    runtime.close()


@dataclass
class Account:
    actor: Actor
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


UNITS = {"kominfo": "Dinas Komunikasi dan Informatika", "bappeda": "Bappeda"}
PASSWORD = "correct horse battery staple"


def make_account(rt: Runtime, username: str, role: str, unit: str | None = None) -> Account:
    data = {"username": username, "full_name": username.title(), "role": role, "password": PASSWORD}
    if unit:
        data["unit_code"] = unit
    user = auth.create_user(rt, SYSTEM, data)
    token = auth.create_token(rt, SYSTEM, username, "test")
    return Account(auth.actor_for(user), token)


@pytest.fixture
def accounts(rt: Runtime) -> dict[str, Account]:
    """Two units and one account per role; ``pendukung`` belongs to kominfo, ``pendukung_other`` to bappeda."""
    for code, name in UNITS.items():
        auth.create_unit(rt, SYSTEM, code, name)
    out = {
        role: make_account(rt, role.replace("_", "."), role, "kominfo" if role == "pendukung" else None)
        for role in ("admin", "ppid", "atasan_ppid", "sekretariat", "pendukung", "arsiparis")
    }
    out["pendukung_other"] = make_account(rt, "pendukung.bappeda", "pendukung", "bappeda")
    return out


@pytest.fixture
def app(rt: Runtime):  # type: ignore[no-untyped-def]
    from archive_service.app import create_app

    application = create_app(runtime=rt)
    application.config["TESTING"] = True
    return application


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus beside the checkout; without it the test is skipped (a failure when ``CI=true``)."""
    return require_corpus()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line, at the end, when tests were skipped for want of the corpus: how many, and how to get it."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if SKIP_REASON in str(r.longrepr)]
    if skipped:
        terminalreporter.write_line(summary_line(len(skipped)), yellow=True, bold=True)
