"""WSGI entry point for gunicorn: ``gunicorn archive_service.wsgi:app``."""

from .app import create_app

app = create_app()
