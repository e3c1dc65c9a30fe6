"""What the docs claim and can be checked mechanically is checked here: the docs must match what runs.

A reviewer found docs that said things the code had outgrown (no staff retention screens; nothing signed with the
secret key). Prose cannot be tested in general, but three kinds of claim can, and they are the ones a reader acts
on: a URL they open, a setting they export, a command they type. Each must exist, and every setting the code reads
must be documented.
"""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import click
import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, RequestRedirect

from archive_service.cli import main as cli_main
from archive_service.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DOC_FILES = sorted([*(ROOT / "docs").glob("*.md"), ROOT / "README.md"])
# A path in back quotes, e.g. `/staf/retensi/berkas/<id>` or `/api/v1/records/{id}/files?x=1`.
PATH_IN_DOCS = re.compile(r"`((?:/staf|/api/v1|/api|/oai|/dip|/informasi|/cari|/feed|/healthz)[^`\s]*)`")
SETTING_IN_DOCS = re.compile(r"\bARSIP_[A-Z0-9_]*[A-Z0-9]\b")
COMMAND_IN_DOCS = re.compile(r"`arsip ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)?)")
# Settings the docs name that are not fields of Settings but are read elsewhere on purpose.
NOT_SETTINGS = {
    "ARSIP_FOO",  # configuration.md's example of the naming rule
    "ARSIP_ARGON2_PROFILE",  # read by services/passwords.py before any Settings exist (a test-suite switch)
    "ARSIP_TEST_DATABASES",  # the test runner's choice of databases (tests/support/databases.py)
    "ARSIP_TEST_ELASTICSEARCH_URL",  # the Elasticsearch conformance run
    "ARSIP_TEST_CORPUS",  # where the tests look for the shared corpus (tests/support/corpus.py)
}


def _doc_text() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in DOC_FILES}


def _as_rule(path: str) -> str:
    """A documented path turned into a concrete URL: placeholders become a number, the query is dropped."""
    path = path.split("?")[0].split("#")[0].rstrip(".,;:")
    path = re.sub(r"<[^>]+>|\{[^}]+\}|:[a-z_]+|\*", "1", path)
    return path


@pytest.fixture(scope="module")
def routes(tmp_path_factory: pytest.TempPathFactory) -> Map:
    from archive_service.app import create_app

    data = tmp_path_factory.mktemp("docs-check")
    return create_app(Settings(data_dir=data), startup_cleanup=False).url_map


def _served(routes: Map, concrete: str) -> bool:
    """A concrete URL some rule answers (any method), or a prefix the docs use for a group ("/api/v1/retention",
    "/staf/admin/…") that at least one rule starts with."""
    adapter = routes.bind("localhost")
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            adapter.match(concrete, method=method)
            return True
        except RequestRedirect:
            return True
        except HTTPException:
            continue
    prefix = concrete.rstrip("/…").rstrip("/") + "/"
    return any(rule.rule.startswith(prefix) for rule in routes.iter_rules())


def test_every_path_the_docs_name_is_served(routes: Map) -> None:
    missing = []
    for path, text in _doc_text().items():
        for documented in sorted(set(PATH_IN_DOCS.findall(text))):
            head, _, tail = documented.partition("|")  # "/informasi/<id>/dc.xml|dc.json": two paths
            candidates = [head] + ([head.rsplit("/", 1)[0] + "/" + tail] if tail else [])
            for candidate in candidates:
                if not _served(routes, _as_rule(candidate)):
                    missing.append(f"{path.name}: {documented}")
    assert not missing, "documented paths that nothing serves:\n" + "\n".join(missing)


def test_every_setting_the_docs_name_exists_and_every_setting_is_documented() -> None:
    known = {f"ARSIP_{f.name.upper()}" for f in fields(Settings)}
    texts = _doc_text()
    named = {name for text in texts.values() for name in SETTING_IN_DOCS.findall(text)}
    unknown = sorted(named - known - NOT_SETTINGS)
    assert not unknown, f"docs name settings the code does not read: {unknown}"
    configuration = texts[ROOT / "docs" / "configuration.md"]
    undocumented = sorted(name for name in known if f"`{name}`" not in configuration)
    assert not undocumented, f"settings missing from docs/configuration.md: {undocumented}"


def test_every_command_the_docs_name_exists() -> None:
    unknown = []
    for path, text in _doc_text().items():
        for words in sorted(set(COMMAND_IN_DOCS.findall(text))):
            command: click.Command = cli_main
            parts = words.split()
            for position, part in enumerate(parts):
                if not isinstance(command, click.Group):
                    break  # the rest are arguments
                sub = command.commands.get(part)
                if sub is None:
                    if position == 0 or (not command.invoke_without_command and part not in {"--help"}):
                        unknown.append(f"{path.name}: arsip {words}")
                    break
                command = sub
    assert not unknown, "documented commands that do not exist:\n" + "\n".join(unknown)


def test_the_secret_key_row_names_what_it_signs() -> None:
    """ARSIP_SECRET_KEY signs the session cookie and the OAI-PMH resumption tokens (oai/views.py)."""
    row = next(
        line for line in _doc_text()[ROOT / "docs" / "configuration.md"].splitlines() if "`ARSIP_SECRET_KEY`" in line
    )
    assert "session" in row and "resumption" in row


def test_retention_docs_name_the_staff_screens_that_exist(routes: Map) -> None:
    text = _doc_text()[ROOT / "docs" / "retention.md"]
    assert "no staff UI screens" not in text
    staff_paths = {documented for documented in PATH_IN_DOCS.findall(text) if documented.startswith("/staf/retensi")}
    served = {rule.rule for rule in routes.iter_rules() if rule.rule.startswith("/staf/retensi")}
    assert len(staff_paths) >= 3 and served, (staff_paths, served)


def test_quickstart_serves_the_demo_office_the_demo_loads() -> None:
    """`arsip serve` reads only the environment, so the quick start exports the demo office's letterhead settings;
    they must be the ones `arsip demo` uses (else the served demo prints documents with no address or place)."""
    from archive_service.demo.loader import DEMO_OFFICE

    script = (ROOT / "scripts" / "quickstart.sh").read_text(encoding="utf-8")
    exported = dict(re.findall(r'export (ARSIP_[A-Z_]+)="\$\{[A-Z_]+:-([^}]*)\}"', script))
    for name, value in DEMO_OFFICE.items():
        assert exported.get(f"ARSIP_{name.upper()}") == value, name
