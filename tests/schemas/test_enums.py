"""Enums: values are the snake_case domain terms, and every member has both labels."""

from __future__ import annotations

import inspect
from enum import StrEnum

import pytest

from schemas import enums
from schemas.enums import (
    LABELS,
    AuditAction,
    ExemptionGround,
    KipCategory,
    Role,
    SecurityClass,
    label_en,
    label_id,
    labels,
)

ALL_ENUMS = [
    obj for obj in vars(enums).values() if inspect.isclass(obj) and issubclass(obj, StrEnum) and obj is not StrEnum
]


def test_every_enum_of_the_module_is_in_the_registry() -> None:
    assert len(ALL_ENUMS) == 19
    assert set(ALL_ENUMS) == set(LABELS)


@pytest.mark.parametrize("enum_cls", ALL_ENUMS, ids=lambda e: e.__name__)
def test_labels_complete_and_bilingual(enum_cls: type[StrEnum]) -> None:
    table = LABELS[enum_cls]
    assert set(table) == set(enum_cls), "labels for exactly the members"
    for member in enum_cls:
        id_text, en_text = table[member]
        assert id_text.strip() and en_text.strip(), member


@pytest.mark.parametrize("enum_cls", ALL_ENUMS, ids=lambda e: e.__name__)
def test_values_are_lower_case_terms(enum_cls: type[StrEnum]) -> None:
    for member in enum_cls:
        assert member.value == member.value.lower()
        assert " " not in member.value


def test_values_are_the_domain_terms() -> None:
    assert [r.value for r in Role] == [
        "admin",
        "ppid",
        "atasan_ppid",
        "sekretariat",
        "pendukung",
        "arsiparis",
        "panitia_penilai",
    ]
    assert [c.value for c in SecurityClass] == ["biasa_terbuka", "terbatas", "rahasia", "sangat_rahasia"]
    assert [c.value for c in KipCategory] == ["berkala", "serta_merta", "setiap_saat", "dikecualikan"]
    assert "".join(g.value for g in ExemptionGround) == "abcdefghij"


def test_audit_actions_are_dotted_with_upper_case_member_names() -> None:
    assert AuditAction.RECORD_CREATE == "record.create"
    assert AuditAction.TOKEN_REVOKE.value == "token.revoke"
    assert all("." in a.value for a in AuditAction)
    assert AuditAction("unit.create") is AuditAction.UNIT_CREATE


def test_label_helpers() -> None:
    assert label_id(SecurityClass.SANGAT_RAHASIA) == "Sangat Rahasia (SR)"
    assert label_en(SecurityClass.SANGAT_RAHASIA) == "Top secret"
    assert list(labels(Role)) == list(Role)
    # A StrEnum member hashes like its value, so rows holding plain strings can look labels up too.
    assert enums.ROLE_LABELS["pendukung"] == enums.ROLE_LABELS[Role.PENDUKUNG]


def test_exemption_labels_name_their_letter() -> None:
    for ground in ExemptionGround:
        assert f"huruf {ground.value}" in label_id(ground)
        assert f"17({ground.value})" in label_en(ground)
