"""``arsip serve``: gunicorn embedded, so one console script runs the production server."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from .app import create_app
        from .config import Settings

        settings = Settings.from_env()
        return create_app(settings, start_index_worker=settings.index_worker_thread)


def run_gunicorn(bind: str, workers: int, threads: int) -> None:
    _Gunicorn(
        {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": 120,
            "accesslog": "-",
            "forwarded_allow_ips": "127.0.0.1",
        }
    ).run()
