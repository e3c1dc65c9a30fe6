"""Who is acting: the identity every service call carries."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    role: str
    unit_code: str | None = None

    @property
    def is_system(self) -> bool:
        return self.user_id is None


# CLI commands run by the operator on the server act as this identity; the audit trail names it "system".
SYSTEM = Actor(user_id=None, username="system", role="admin")
