"""``arsip cron``: the periodic jobs (notifications, reminders, exemption expiry), safe to run twice."""

from __future__ import annotations

from .cli import main  # noqa: F401
