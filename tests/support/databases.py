"""Fresh, migrated databases per test, cheaply: migrate a template once, then copy it.

SQLite: the migrated file is copied. PostgreSQL: ``CREATE DATABASE … TEMPLATE``. Either way each test starts
from exactly what ``arsip init`` produces, and the migrations themselves are exercised once per session.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

from sqlalchemy import create_engine, text

from archive_service.db.engine import make_engine
from archive_service.db.migrate import upgrade

from .postgres import PostgresServer

_counter = itertools.count(1)


class SqliteTemplate:
    def __init__(self, directory: Path) -> None:
        self.path = directory / "template.sqlite3"
        engine = make_engine(f"sqlite:///{self.path}")
        upgrade(engine)
        engine.dispose()

    def new_database(self, directory: Path) -> str:
        target = directory / "arsip.sqlite3"
        shutil.copyfile(self.path, target)
        return f"sqlite:///{target}"


class PostgresTemplate:
    def __init__(self, server: PostgresServer) -> None:
        self.server = server
        admin = create_engine(
            server.url().replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE arsip_template"))
        admin.dispose()
        engine = make_engine(server.url("arsip_template"))
        upgrade(engine)
        engine.dispose()
        self.admin = create_engine(
            server.url().replace("postgresql://", "postgresql+psycopg://"),
            isolation_level="AUTOCOMMIT",
            pool_size=1,
        )

    def new_database(self, _directory: Path) -> str:
        name = f"arsip_test_{next(_counter)}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE arsip_template'))
        return self.server.url(name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
