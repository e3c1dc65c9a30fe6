"""A small challenge for the public request form that works without JavaScript and without a third party.

``issue`` gives a sum of two small numbers to compute (shown as text; a screen reader reads it) and a token:
``<issued at>.<nonce>.<HMAC(issued at, nonce, answer)>``. ``verify`` recomputes the HMAC with the answer given, and
refuses a token older than ``TTL`` or answered faster than a person can (``MIN_SECONDS``). The nonce is stored with
the request it registered (``information_requests.challenge_nonce``, unique), so one solution registers one
request whatever the number of web processes. Rate limits, size limits and the honeypot field do the rest
(docs/requests.md "Anti-abuse").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from ..db.types import utcnow
from ..errors import ValidationFailed
from ..runtime import Runtime

TTL = timedelta(minutes=30)
MIN_SECONDS = 2


def _key(rt: Runtime) -> bytes:
    secret = rt.settings.secret_key
    if not secret:
        from ..web.secrets import persistent_secret

        secret = persistent_secret(rt.settings.data_dir)
    return hmac.new(secret.encode(), b"arsip request challenge v1", hashlib.sha256).digest()


def _sign(rt: Runtime, issued: int, nonce: str, answer: str) -> str:
    mac = hmac.new(_key(rt), f"{issued}.{nonce}.{answer}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode().rstrip("=")


def issue(rt: Runtime, *, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    issued = int(now.timestamp())
    nonce = secrets.token_hex(16)
    return {
        "question": f"Berapa {a} ditambah {b}?",
        "question_en": f"What is {a} plus {b}?",
        "token": f"{issued}.{nonce}.{_sign(rt, issued, nonce, str(a + b))}",
        "expires_at": datetime.fromtimestamp(issued, UTC) + TTL,
    }


def _refused() -> ValidationFailed:
    message = ("Jawaban tantangan salah atau kedaluwarsa; muat ulang formulir.", "Wrong or expired challenge; reload.")
    return ValidationFailed(*message, errors={"challenge_answer": [" / ".join(message)]})


def verify(rt: Runtime, token: str, answer: str, *, now: datetime | None = None) -> str:
    """The token's nonce when ``answer`` solves it in time; 422 otherwise."""
    now = now or utcnow()
    try:
        issued_text, nonce, signature = token.split(".")
        issued = int(issued_text)
    except ValueError as exc:
        raise _refused() from exc
    age = now.timestamp() - issued
    if age < MIN_SECONDS or age > TTL.total_seconds() or len(nonce) != 32:
        raise _refused()
    expected = _sign(rt, issued, nonce, answer.strip())
    if not hmac.compare_digest(expected, signature):
        raise _refused()
    return nonce
