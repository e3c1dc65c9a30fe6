"""Users and API tokens as they cross the API boundary.

Why: a user's role decides what they may do (DOMAIN.md §5–6), and a *Tim Pendukung* user acts for exactly one
unit (*satminkal*), so the unit is required for that role and meaningless (refused) for every other. Passwords
are load-only and never stripped; a token's secret is shown once, in the response that creates it.
"""

from __future__ import annotations

import re
import typing

from marshmallow import ValidationError, post_dump, validates_schema

from schemas.base import BaseSchema, Boolean, DateTime, Enum, Integer, String, bilingual
from schemas.enums import Role
from schemas.validators import UNIT_CODE_PATTERN, Email, Length, Range, validate_unit_code

__all__ = [
    "PASSWORD_MAX",
    "PASSWORD_MIN",
    "USERNAME_PATTERN",
    "TokenCreateSchema",
    "TokenSchema",
    "UserCreateSchema",
    "UserSchema",
    "validate_username",
]

USERNAME_PATTERN = r"^[a-z0-9._-]{3,64}$"
_USERNAME_RE = re.compile(USERNAME_PATTERN)
PASSWORD_MIN = 12
PASSWORD_MAX = 256
TOKEN_DAYS_MAX = 3650


def validate_username(value: typing.Any) -> str:
    """Check a username: 3-64 of lower-case ``a-z 0-9 . _ -``; return it unchanged."""
    if not isinstance(value, str) or _USERNAME_RE.fullmatch(value) is None:
        raise ValidationError(
            bilingual(
                "Nama pengguna tidak sah: 3-64 karakter huruf kecil, angka, '.', '_' atau '-'.",
                "Invalid username: 3-64 lower-case letters, digits, '.', '_' or '-'.",
            )
        )
    return value


class UserCreateSchema(BaseSchema):
    """Body of "create a user". ``unit_code`` is required for role ``pendukung``, refused for the others."""

    username = String(required=True, validate=validate_username, metadata={"pattern": USERNAME_PATTERN})
    full_name = String(required=True, validate=Length(min=1, max=255))
    email = String(load_default=None, validate=[Length(max=254), Email()])
    role = Enum(Role, required=True)
    unit_code = String(load_default=None, validate=validate_unit_code, metadata={"pattern": UNIT_CODE_PATTERN})
    password = String(required=True, load_only=True, strip=False, validate=Length(min=PASSWORD_MIN, max=PASSWORD_MAX))

    @validates_schema(skip_on_field_errors=False)
    def _check_unit(self, data: dict[str, typing.Any], **kwargs: typing.Any) -> None:
        role, unit_code = data.get("role"), data.get("unit_code")
        if role is None:  # missing or invalid: already reported on "role"
            return
        if role == Role.PENDUKUNG and unit_code is None:
            raise ValidationError(
                {"unit_code": [bilingual("Wajib diisi untuk peran pendukung.", "Required for role pendukung.")]}
            )
        if role != Role.PENDUKUNG and unit_code is not None:
            raise ValidationError(
                {
                    "unit_code": [
                        bilingual("Hanya boleh diisi untuk peran pendukung.", "Only allowed for role pendukung.")
                    ]
                }
            )


class UserSchema(BaseSchema):
    """A user as returned by the API (dump); never carries the password hash."""

    id = Integer(dump_only=True)
    username = String(dump_only=True)
    full_name = String(dump_only=True)
    email = String(dump_only=True, allow_none=True)
    role = Enum(Role, dump_only=True)
    unit_code = String(dump_only=True, allow_none=True)
    is_active = Boolean(dump_only=True)
    created_at = DateTime(dump_only=True)


class TokenCreateSchema(BaseSchema):
    """Body of "create an API token"; without ``expires_days`` the token does not expire."""

    name = String(required=True, validate=Length(min=1, max=100))
    expires_days = Integer(load_default=None, validate=Range(min=1, max=TOKEN_DAYS_MAX))


class TokenSchema(BaseSchema):
    """An API token (dump). ``token`` (the secret) appears only in the response that created it."""

    id = Integer(dump_only=True)
    name = String(dump_only=True)
    created_at = DateTime(dump_only=True)
    expires_at = DateTime(dump_only=True, allow_none=True)
    last_used_at = DateTime(dump_only=True, allow_none=True)
    token = String(dump_only=True, metadata={"description": "Only in the response that creates the token."})

    @post_dump
    def _hide_empty_token(self, data: dict[str, typing.Any], **kwargs: typing.Any) -> dict[str, typing.Any]:
        if data.get("token") is None:
            data.pop("token", None)
        return data


class UnitSchema(BaseSchema):
    """A work unit (*unit pengolah*): load to create one, dump to list them."""

    code = String(required=True, validate=validate_unit_code)
    name = String(required=True, validate=Length(min=1, max=255))
