"""WSGI entry point for gunicorn: ``gunicorn archive_service.wsgi:app``."""

from .app import create_app
from .config import Settings

_settings = Settings.from_env()
app = create_app(_settings, start_index_worker=_settings.index_worker_thread)
