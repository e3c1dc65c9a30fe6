"""The one password hasher of Arsip (argon2id), shared by sign-in, user creation and password change.

Parameters are argon2-cffi's defaults (RFC 9106 low-memory profile: 3 passes, 64 MiB), which cost about 0.15 s per
hash on one core — the point of a password hash. A hash records its own parameters, so checks work whatever
parameters made it. ``ARSIP_ARGON2_PROFILE=test`` selects tiny parameters for the test suite only, where thousands
of accounts are created and signed in; it is read when the hasher is first used.
"""

from __future__ import annotations

import functools
import os

from argon2 import PasswordHasher

PROFILES = {
    "default": {},
    "test": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
}


@functools.cache
def hasher() -> PasswordHasher:
    profile = os.environ.get("ARSIP_ARGON2_PROFILE", "default")
    if profile not in PROFILES:
        raise ValueError(f"ARSIP_ARGON2_PROFILE must be one of {', '.join(PROFILES)}, got {profile!r}")
    return PasswordHasher(**PROFILES[profile])
