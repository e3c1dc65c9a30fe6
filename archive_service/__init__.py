"""Arsip: the application package (app factory, services, storage, database, CLI)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(*args, **kwargs) -> Flask:  # type: ignore[no-untyped-def]
    """Lazy import so ``flask --app archive_service`` works without importing Flask for the CLI's sake."""
    from .app import create_app as _create_app

    return _create_app(*args, **kwargs)


__all__ = ["create_app"]
