"""Languages of the web faces: Bahasa Indonesia by default, English by switch (Flask-Babel).

Message ids in the templates and views are the Indonesian text itself, so the Indonesian page needs no catalog and
can never show a missing translation; ``translations/en/LC_MESSAGES/*.po`` hold the English. The ``.po`` files
are the source: they are compiled to ``.mo`` at start-up into the data folder (only when a ``.po`` is newer), so
no built file is committed. Several ``.po`` files (one per face) are merged into one catalog.

The choice is kept in a cookie (``arsip_lang``), not in the session, so anonymous visitors of the public portal can
switch without getting a session; ``?lang=en`` in a URL also works, for shareable links.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request
from flask_babel import Babel

from ..runtime import Runtime

LANGUAGES = ("id", "en")
DEFAULT = "id"
COOKIE = "arsip_lang"
SOURCE = Path(__file__).resolve().parent.parent / "translations"


def select_locale() -> str:
    for candidate in (request.args.get("lang"), request.cookies.get(COOKIE)):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT


def compile_catalogs(dest: Path) -> Path:
    """Merge and compile every ``<lang>/LC_MESSAGES/*.po`` into ``dest/<lang>/LC_MESSAGES/messages.mo``."""
    for lang_dir in sorted(p for p in SOURCE.iterdir() if p.is_dir()):
        sources = sorted((lang_dir / "LC_MESSAGES").glob("*.po"))
        target = dest / lang_dir.name / "LC_MESSAGES" / "messages.mo"
        newest = max((p.stat().st_mtime for p in sources), default=0)
        if target.exists() and target.stat().st_mtime >= newest:
            continue
        merged = Catalog(locale=lang_dir.name)
        for source in sources:
            with source.open("rb") as fh:
                for message in read_po(fh, locale=lang_dir.name):
                    if message.id and message.string:
                        merged.add(message.id, message.string)
        target.parent.mkdir(parents=True, exist_ok=True)
        # A private temporary name, then an atomic rename: several web workers may compile at the same moment.
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix="messages-", suffix=".tmp", delete=False) as fh:
            write_mo(fh, merged)
        os.replace(fh.name, target)
    return dest


def init(app: Flask, runtime: Runtime) -> None:
    compiled = compile_catalogs(runtime.settings.data_dir / "translations")
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["current_lang"] = select_locale
    app.jinja_env.globals["LANGUAGES"] = LANGUAGES
