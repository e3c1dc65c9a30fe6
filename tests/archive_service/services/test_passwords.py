"""The password hasher: strong argon2id parameters unless the test profile is asked for."""

from __future__ import annotations

import pytest

from archive_service.services import passwords


@pytest.fixture(autouse=True)
def _fresh_hasher():  # type: ignore[no-untyped-def]
    passwords.hasher.cache_clear()
    yield
    passwords.hasher.cache_clear()


def test_default_profile_is_the_strong_one(monkeypatch) -> None:
    monkeypatch.setenv("ARSIP_ARGON2_PROFILE", "default")
    h = passwords.hasher()
    assert h.time_cost >= 3 and h.memory_cost >= 64 * 1024
    cheap = passwords.PasswordHasher(**passwords.PROFILES["test"]).hash("kata sandi")
    assert h.verify(cheap, "kata sandi")  # a hash carries its own parameters


def test_unknown_profile_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("ARSIP_ARGON2_PROFILE", "cepat")
    with pytest.raises(ValueError, match="ARSIP_ARGON2_PROFILE"):
        passwords.hasher()
