"""User and token schemas: the pendukung/unit rule, password handling, the one-time token secret."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from marshmallow import ValidationError

from schemas.enums import Role
from schemas.users import TokenCreateSchema, TokenSchema, UserCreateSchema, UserSchema, validate_username

USER = {
    "username": "sari.w",
    "full_name": "Sari Wulandari",
    "role": "sekretariat",
    "password": "kata sandi panjang",
}


def load_errors(schema: Any, data: Any) -> dict[str, Any]:
    with pytest.raises(ValidationError) as info:
        schema.load(data)
    return info.value.messages


def test_valid_user() -> None:
    loaded = UserCreateSchema().load({**USER, "email": " sari@kominfo.go.id "})
    assert loaded == {
        "username": "sari.w",
        "full_name": "Sari Wulandari",
        "email": "sari@kominfo.go.id",
        "role": Role.SEKRETARIAT,
        "unit_code": None,
        "password": "kata sandi panjang",
    }


def test_pendukung_with_unit_accepted() -> None:
    loaded = UserCreateSchema().load({**USER, "role": "pendukung", "unit_code": "dinkes"})
    assert loaded["role"] is Role.PENDUKUNG and loaded["unit_code"] == "dinkes"


def test_pendukung_without_unit_refused() -> None:
    for extra in ({}, {"unit_code": None}, {"unit_code": "  "}):
        errors = load_errors(UserCreateSchema(), {**USER, "role": "pendukung", **extra})
        assert errors == {"unit_code": ["Wajib diisi untuk peran pendukung. / Required for role pendukung."]}


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.PENDUKUNG])
def test_other_roles_with_unit_refused(role: Role) -> None:
    errors = load_errors(UserCreateSchema(), {**USER, "role": role.value, "unit_code": "dinkes"})
    assert errors == {"unit_code": ["Hanya boleh diisi untuk peran pendukung. / Only allowed for role pendukung."]}


def test_password_is_not_stripped_and_length_checked() -> None:
    assert UserCreateSchema().load({**USER, "password": " " + "p" * 11})["password"] == " " + "p" * 11
    assert "password" in load_errors(UserCreateSchema(), {**USER, "password": "p" * 11})
    assert "password" in load_errors(UserCreateSchema(), {**USER, "password": "p" * 257})


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("username", "ab"),
        ("username", "Sari"),
        ("username", "sari w"),
        ("username", "x" * 65),
        ("full_name", ""),
        ("full_name", "x" * 256),
        ("email", "bukan-email"),
        ("role", "bupati"),
    ],
)
def test_invalid_user_fields(field: str, value: str) -> None:
    assert field in load_errors(UserCreateSchema(), {**USER, field: value})


def test_validate_username() -> None:
    assert validate_username("admin_1.x-y") == "admin_1.x-y"
    with pytest.raises(ValidationError, match="Nama pengguna"):
        validate_username("admin\n")


def test_user_dump_never_has_password() -> None:
    user = {
        "id": 1,
        "username": "budi",
        "full_name": "Budi",
        "email": None,
        "role": "pendukung",
        "unit_code": "dinkes",
        "is_active": True,
        "created_at": dt.datetime(2025, 2, 1, 9, 0),
        "password_hash": "$argon2id$...",
    }
    assert UserSchema().dump(user) == {
        "id": 1,
        "username": "budi",
        "full_name": "Budi",
        "email": None,
        "role": "pendukung",
        "unit_code": "dinkes",
        "is_active": True,
        "created_at": "2025-02-01T09:00:00+00:00",
    }


def test_token_create() -> None:
    assert TokenCreateSchema().load({"name": " ci "}) == {"name": "ci", "expires_days": None}
    assert TokenCreateSchema().load({"name": "ci", "expires_days": 3650})["expires_days"] == 3650
    for days in (0, 3651, 1.5):
        assert "expires_days" in load_errors(TokenCreateSchema(), {"name": "ci", "expires_days": days})
    assert "name" in load_errors(TokenCreateSchema(), {"name": "x" * 101})


def test_token_secret_only_when_present() -> None:
    row = {
        "id": 3,
        "name": "ci",
        "created_at": dt.datetime(2025, 1, 1),
        "expires_at": None,
        "last_used_at": None,
    }
    listed = TokenSchema().dump({**row, "token": None})
    assert "token" not in listed
    assert "token" not in TokenSchema().dump(row)
    created = TokenSchema().dump({**row, "token": "arsip_secret"})
    assert created["token"] == "arsip_secret"
    assert created["created_at"] == "2025-01-01T00:00:00+00:00"


def test_unit_rule_reported_alongside_other_errors() -> None:
    errors = load_errors(UserCreateSchema(), {**USER, "role": "pendukung", "password": "short"})
    assert set(errors) == {"unit_code", "password"}
