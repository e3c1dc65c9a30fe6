"""Browser fixtures: the app on a real socket, Debian's chromium driven by Playwright, and public test records.

The browser is ``/usr/bin/chromium`` from Debian (``scripts/setup.sh --test`` installs it); Playwright never
downloads one. These tests run on SQLite only: the database is not what they exercise, the pages are.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from archive_service.db import Record
from archive_service.runtime import Runtime
from archive_service.services import auth, records, workflow
from archive_service.services.actor import SYSTEM
from archive_service.services.uploads import Upload
from archive_service.storage import stage_stream
from tests.archive_service.workflow.conftest import READY, TO_STATE_PATH, payload_for
from tests.support.databases import SqliteTemplate
from tests.support.files import pdf_bytes

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}


@pytest.fixture
def database_url(sqlite_template: SqliteTemplate, tmp_path: Path) -> str:
    """SQLite only (overrides the SQLite/PostgreSQL parametrisation of ``tests/conftest.py``)."""
    return sqlite_template.new_database(tmp_path)


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    """``create_app(runtime=rt)`` on 127.0.0.1 and a free port, in a daemon thread; stopped at teardown."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="arsip-live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless chromium for the session. A missing browser is a failure, never a skip."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's chromium; run bash scripts/setup.sh --test"
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@dataclass
class Console:
    """What the browser reported: console errors (CSP violations are among them) and uncaught JS exceptions."""

    errors: list[str] = field(default_factory=list)

    def on_console(self, message: Any) -> None:
        url = (message.location or {}).get("url", "")
        if message.type == "error":
            self.errors.append(f"{message.text} ({url})")

    def on_page_error(self, error: Any) -> None:
        self.errors.append(f"uncaught: {error}")


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(browser: Any, console: Console) -> Iterator[Any]:
    """A page in a fresh context (no cookies from other tests): desktop width, an Indonesian visitor."""
    context = browser.new_context(viewport=VIEWPORT, locale="id-ID", accept_downloads=True)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.on("console", console.on_console)
    tab.on("pageerror", console.on_page_error)
    yield tab
    context.close()


@pytest.fixture
def make_record(rt: Runtime) -> Callable[..., Record]:
    """A record whose PDF says ``text``, moved (as SYSTEM) to ``state`` along the SOP; the caller indexes it.

    No user accounts: hashing their passwords would cost more than the whole browser visit."""
    auth.create_unit(rt, SYSTEM, READY["processing_unit"], "Dinas Komunikasi dan Informatika")

    def _make(state: str, title: str, text: str) -> Record:
        staged = stage_stream(io.BytesIO(pdf_bytes(title, text)), rt.settings.staging_dir)
        record = records.create_record(rt, SYSTEM, READY | {"title": title}, [Upload("berkas.pdf", staged)])
        for action in TO_STATE_PATH[state]:
            record = workflow.apply_transition(rt, SYSTEM, record.id, record.version, payload_for(action, record))
        assert record.publication_state == state
        return record

    return _make
