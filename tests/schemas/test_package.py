"""The package rules of DESIGN.md §1: no I/O, no Flask, no dependency on the rest of the project."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import schemas

PACKAGE = Path(schemas.__file__).parent
FORBIDDEN = {"archive_service", "indexer", "retention", "flask", "flask_smorest", "sqlalchemy", "boto3", "os"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_module_imports_nothing_forbidden(path: Path) -> None:
    assert imported_roots(path) & FORBIDDEN == set()


def test_import_does_not_pull_in_flask_or_the_app() -> None:
    code = (
        "import sys, schemas; "
        "print(sorted(m for m in ('flask', 'archive_service', 'indexer', 'retention') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent)
    assert out.stdout.strip() == "[]"


def test_public_names_resolve() -> None:
    for name in schemas.__all__:
        assert getattr(schemas, name) is not None, name


def test_openapi_conversion() -> None:
    import apispec
    from apispec.ext.marshmallow import MarshmallowPlugin

    spec = apispec.APISpec("arsip", "1", "3.1.0", plugins=[MarshmallowPlugin()])
    for cls in (
        schemas.RecordCreateSchema,
        schemas.RecordUpdateSchema,
        schemas.RecordSchema,
        schemas.ProblemSchema,
    ):
        spec.components.schema(cls.__name__, schema=cls)
    components = spec.to_dict()["components"]["schemas"]
    create, update = components["RecordCreateSchema"], components["RecordUpdateSchema"]
    assert set(create["required"]) == {"creator_org", "processing_unit", "classification_code", "title"}
    assert "required" not in update
    assert create["properties"]["quantity"]["default"] == 1 and "default" not in update["properties"]["quantity"]
    assert create["properties"]["media"]["enum"] == [m.value for m in schemas.Media]
    assert create["properties"]["title"]["maxLength"] == 500
    assert create["properties"]["classification_code"]["pattern"].startswith("^[0-9]{3}")
    assert components["RecordSchema"]["properties"]["created_at"]["readOnly"] is True
