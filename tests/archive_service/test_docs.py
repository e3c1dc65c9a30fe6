"""docs/roles.md is generated from the enforced role matrix; this fails when the two differ."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

DOCS = Path(__file__).resolve().parents[2] / "docs"


def load_generator() -> ModuleType:
    """docs/ is not a package, so the generator is loaded from its path."""
    spec = importlib.util.spec_from_file_location("gen_roles", DOCS / "gen_roles.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_roles_md_matches_the_role_matrix() -> None:
    expected = load_generator().render()
    actual = (DOCS / "roles.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/roles.md is stale: run `.venv/bin/python docs/gen_roles.py --write`"


def test_every_matrix_action_and_scope_rule_is_rendered() -> None:
    from archive_service.permissions import ROLE_MATRIX

    gen = load_generator()
    text = gen.render()
    for action in ROLE_MATRIX:
        assert f"| `{action}` |" in text
    assert len(gen.scope_rules()) == 3


def test_workflow_md_matches_the_workflow_table() -> None:
    spec = importlib.util.spec_from_file_location("gen_workflow", DOCS / "gen_workflow.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    expected = gen.render()
    actual = (DOCS / "workflow.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/workflow.md is stale: run `.venv/bin/python docs/gen_workflow.py --write`"
    from archive_service.workflow.table import TRANSITIONS

    for t in TRANSITIONS:
        assert all(f"  {s} --> {t.to_state}: {t.action}" in expected for s in t.from_states)
        assert f"| `{t.action}`<br>" in expected
