"""Who is calling the API: bearer tokens, resolved once per request.

``endpoint_action`` marks each API view with the role-matrix action it performs. The marker both enforces
authentication and lets the test suite walk every endpoint with every role against ``ROLE_MATRIX``; the actual
permission check stays inside the service (DESIGN.md: permission checks live in services).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request

from ..errors import AuthenticationRequired
from ..runtime import Runtime
from ..services.actor import Actor
from ..services.auth import authenticate_token, authorize

F = TypeVar("F", bound=Callable[..., Any])

# endpoint function qualname -> action; filled at import time by the decorator
ENDPOINT_ACTIONS: dict[str, str] = {}


def runtime() -> Runtime:
    return current_app.extensions["arsip"]


def current_actor() -> Actor:
    if "actor" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthenticationRequired(
                "Sertakan token API: 'Authorization: Bearer …'.",
                "Send an API token: 'Authorization: Bearer …'.",
            )
        g.actor = authenticate_token(runtime(), secret.strip())
    return g.actor


def endpoint_action(action: str) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            # Fail fast at the edge (a refused role gets 403 before any 428/422 about its request); the service
            # checks the same matrix again, so CLI and tests are protected too.
            authorize(current_actor(), action)
            return view(*args, **kwargs)

        ENDPOINT_ACTIONS[f"{view.__module__}.{view.__qualname__}"] = action
        wrapper.arsip_action = action  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
