"""Screenshots of Arsip's web pages for the docs (``docs/screenshots/*.png``), made from the demo data.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only NAME ...]

It builds a throwaway data folder, loads the demo office (``arsip demo``), serves the app on a free local port and
takes each shot in ``SHOTS`` with Debian's chromium through Playwright (``scripts/setup.sh --test`` installs both;
no browser is downloaded). A shot is ``(name, path, role)``: ``role`` None is an anonymous visitor; a role signs in
at ``/staf/masuk`` as the demo user with that role first. Add staff pages by adding lines to ``SHOTS``.

The PNGs are kept small: at most ``MAX_HEIGHT`` pixels tall (long pages are cut, not captured whole) and reduced
to a 256-colour palette, which text and flat colours survive unharmed.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import select
from werkzeug.serving import make_server

from archive_service.app import create_app
from archive_service.config import Settings
from archive_service.db import InformationRequest
from archive_service.demo.loader import DEMO_PASSWORD, USERS, load_demo
from archive_service.runtime import Runtime
from archive_service.services import public

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = (1280, 900)
PHONE = (360, 780)
MAX_HEIGHT = 2000
ROOT = Path(__file__).resolve().parent.parent
SEARCH = "/cari?q=informasi+publik"


@dataclass(frozen=True)
class Shot:
    """One screenshot: ``path`` may name ``{record}`` (a published demo record's id)."""

    name: str
    path: str
    role: str | None = None  # a role of ``demo.loader.USERS`` to sign in as; None: an anonymous visitor
    size: tuple[int, int] = DESKTOP
    full_page: bool = True  # the whole page down to MAX_HEIGHT, not only the first screen


SHOTS: list[Shot] = [
    Shot("publik-beranda", "/"),
    Shot("publik-dip", "/dip"),
    Shot("publik-cari", SEARCH),
    Shot("publik-informasi", "/informasi/{record}"),
    Shot("publik-cari-ponsel", SEARCH, size=PHONE),
    Shot("staf-masuk", "/staf/masuk"),
    Shot("staf-beranda", "/staf/", role="sekretariat"),
    Shot("staf-unggah", "/staf/unggah", role="pendukung"),
    Shot("staf-arsip", "/staf/arsip/{record}", role="ppid"),
    Shot("staf-cari", "/staf/cari?q=informasi", role="ppid"),
    Shot("staf-dip", "/staf/dip", role="ppid"),
    Shot("staf-retensi", "/staf/retensi", role="arsiparis"),
    Shot("staf-admin", "/staf/admin/pengguna", role="admin"),
    Shot("staf-monev", "/staf/monev", role="ppid"),
    Shot("staf-laporan", "/staf/laporan", role="ppid"),
    Shot("staf-ubah", "/staf/arsip/{record}/ubah", role="ppid"),
    Shot("staf-unggah-ponsel", "/staf/unggah", role="pendukung", size=PHONE),
    Shot("staf-monev-ponsel", "/staf/monev", role="ppid", size=PHONE),
    Shot("staf-arsip-ponsel", "/staf/arsip/{record}", role="ppid", size=PHONE),
    Shot("publik-dip-ponsel", "/dip", size=PHONE),
    # requests for information and objections (issue 18), from the demo's four requests
    Shot("publik-permohonan", "/permohonan"),
    Shot("publik-permohonan-ponsel", "/permohonan", size=PHONE),
    Shot("publik-lacak", "{tracking}"),
    Shot("publik-lacak-ponsel", "{tracking}", size=PHONE),
    Shot("staf-permohonan", "/staf/permohonan", role="sekretariat"),
    Shot("staf-permohonan-rinci", "/staf/permohonan/{extended}", role="ppid"),
    Shot("staf-keberatan", "/staf/keberatan", role="atasan_ppid"),
]


def demo_username(role: str) -> str:
    """The first demo user with ``role``."""
    for username, _full_name, user_role, _unit in USERS:
        if user_role == role:
            return username
    raise SystemExit(f"no demo user has the role {role!r}")


@contextmanager
def demo_server(data_dir: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """The demo office on a free local port; yields its base URL and the values shots may name in their path."""
    rt = Runtime.from_settings(Settings(data_dir=data_dir))
    rt.migrate()
    summary = load_demo(rt)
    print(f"demo data: {summary.records} records from {summary.source}", file=sys.stderr)
    latest = public.latest(rt, limit=50)
    if not latest:
        raise SystemExit("the demo data published no record")
    if not summary.tracking:
        raise SystemExit("the demo data made no request for information")
    tracking = summary.tracking.split("://", 1)[-1].split("/", 1)[1]
    values = {  # the first record published; the granted request's tracking page; the extended request
        "record": latest[-1].id,
        "tracking": "/" + tracking,
        "extended": _request_in(rt, "diperpanjang"),
    }
    server = make_server("127.0.0.1", 0, create_app(runtime=rt), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", values
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        rt.close()


def _request_in(rt: Runtime, state: str) -> str:
    """The number of the first demo request in ``state``."""
    with rt.db.read() as session:
        number = session.execute(
            select(InformationRequest.number).where(InformationRequest.state == state).limit(1)
        ).scalar_one_or_none()
    if number is None:
        raise SystemExit(f"the demo data has no request in the state {state!r}")
    return number


def sign_in(page: Any, base: str, role: str) -> None:
    page.goto(f"{base}/staf/masuk")
    page.fill("#username", demo_username(role))
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    if "/staf/masuk" in page.url:
        raise SystemExit(f"could not sign in as the demo {role}")


def small_png(raw: bytes) -> bytes:
    """A 256-colour palette PNG: a third of the size of the browser's RGB one, and text stays sharp."""
    image = Image.open(io.BytesIO(raw)).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, "PNG", optimize=True
    )
    return out.getvalue()


def take(browser: Any, base: str, values: dict[str, Any], shot: Shot, out: Path) -> Path:
    width, height = shot.size
    context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID")
    try:
        page = context.new_page()
        if shot.role:
            sign_in(page, base, shot.role)
        response = page.goto(base + shot.path.format(**values))
        if response is None or response.status != 200:
            raise SystemExit(f"{shot.name}: {shot.path} answered {response.status if response else 'nothing'}")
        page.wait_for_load_state("networkidle")
        tall = page.evaluate("document.documentElement.scrollHeight") if shot.full_page else height
        clip = {"x": 0, "y": 0, "width": width, "height": min(tall, MAX_HEIGHT)}
        raw = page.screenshot(full_page=shot.full_page, clip=clip, animations="disabled", caret="hide")
    finally:
        context.close()
    target = out / f"{shot.name}.png"
    target.write_bytes(small_png(raw))
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", default=None, help="names of the shots to take (default: all)")
    args = parser.parse_args(argv)
    shots = [s for s in SHOTS if args.only is None or s.name in args.only]
    if not CHROMIUM.is_file():
        raise SystemExit(f"{CHROMIUM} is missing: run bash scripts/setup.sh --test")
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="arsip-screenshots-") as tmp,
        demo_server(Path(tmp)) as (base, values),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        for shot in shots:
            target = take(browser, base, values, shot, args.out)
            shown = target.relative_to(ROOT) if target.is_relative_to(ROOT) else target
            print(f"{shown}: {target.stat().st_size // 1024} KiB")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
