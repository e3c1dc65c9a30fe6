"""A small in-process rate limiter for anonymous endpoints (public search).

Why in-process and not a shared store: the embedded setup is one machine and one or a few web processes; a fixed
window per client address and process bounds abuse without another server to run. Deployments behind a reverse
proxy should also limit there (docs/deployment.md). ``X-Forwarded-For`` is not trusted: a client could forge it.
"""

from __future__ import annotations

import threading
import time

from flask import current_app

from .errors import TooManyRequests

WINDOW_SECONDS = 60
MAX_CLIENTS = 50_000  # the table is cleared when it grows past this, so a flood of addresses cannot exhaust memory


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._window = 0
        self._counts: dict[str, int] = {}

    def check(self, client: str) -> None:
        """Count one request of ``client``; raise 429 with Retry-After when its window is full."""
        if self.per_minute <= 0:
            return
        now = time.monotonic()
        window = int(now // WINDOW_SECONDS)
        with self._lock:
            if window != self._window or len(self._counts) > MAX_CLIENTS:
                self._window, self._counts = window, {}
            count = self._counts.get(client, 0) + 1
            self._counts[client] = count
        if count > self.per_minute:
            raise TooManyRequests(retry_after=max(1, int((window + 1) * WINDOW_SECONDS - now)))


def app_limiter(name: str, per_minute: int) -> RateLimiter:
    """The app's limiter called ``name`` (created on first use), so every view that shares a budget shares one
    table: the public search API and the portal's search page count against the same limit."""
    key = f"arsip_limiter_{name}"
    limiter = current_app.extensions.get(key)
    if limiter is None:
        limiter = current_app.extensions[key] = RateLimiter(per_minute)
    return limiter
