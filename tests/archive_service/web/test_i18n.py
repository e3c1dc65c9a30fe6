"""Every UI string has its English translation, and the catalogs compile (Bahasa Indonesia is the source)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import archive_service
from archive_service.web.i18n import SOURCE, compile_catalogs

WEB = Path(archive_service.__file__).resolve().parent / "web"
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def _msgids() -> set[str]:
    out = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(WEB), METHODS, keywords=KEYWORDS, options_map={"**/templates/**.html": {}}
    ):
        out.add(message[0] if isinstance(message, tuple) else message)
    return out


def _english() -> dict[str, object]:
    translated: dict[str, object] = {}
    for po in sorted((SOURCE / "en" / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            for message in read_po(fh, locale="en"):
                if message.id and message.string:
                    translated[message.id[0] if isinstance(message.id, tuple) else message.id] = message.string
    return translated


def test_every_ui_string_has_an_english_translation() -> None:
    missing = sorted(_msgids() - set(_english()))
    assert not missing, f"untranslated (add them to a .po under {SOURCE}/en/LC_MESSAGES): {missing}"


def test_catalogs_compile(tmp_path: Path) -> None:
    compiled = compile_catalogs(tmp_path)
    assert (compiled / "en" / "LC_MESSAGES" / "messages.mo").stat().st_size > 1000


def test_workers_compiling_at_once_do_not_collide(tmp_path: Path) -> None:
    """gunicorn starts several workers that each compile the catalogs at the same moment."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: compile_catalogs(tmp_path), range(16)))
    assert all(r == tmp_path for r in results)
    assert sorted(p.name for p in (tmp_path / "en" / "LC_MESSAGES").iterdir()) == ["messages.mo"]
