"""Every report in the registry is well formed, whoever wrote it: the API, CLI and staff page rely on it."""

from __future__ import annotations

import re

from archive_service.permissions import ROLE_MATRIX
from archive_service.reports import registry
from archive_service.web.staff.reports import GROUPS, group_of


def test_every_registered_report_has_a_valid_spec() -> None:
    specs = registry.load_all()
    assert {"tanda-terima", "kartu-kontrol", "dip"} <= set(specs)
    for name, spec in specs.items():
        assert spec.name == name and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), name
        assert name != "list", "reserved by `arsip report list`"
        assert spec.title_id.strip() and spec.title_en.strip() and spec.sop_steps.strip(), name
        assert spec.permission in ROLE_MATRIX, (name, spec.permission)
        assert spec.formats and spec.formats[0] == "pdf" and set(spec.formats) <= set(registry.FORMATS), name
        assert len(set(spec.formats)) == len(spec.formats), name
        assert set(spec.needs) <= set(registry.PARAMS) and set(spec.optional) <= set(registry.PARAMS), name
        assert not set(spec.needs) & set(spec.optional), name
        assert callable(spec.build), name
        assert group_of(spec) in {key for key, _ in GROUPS}, name
