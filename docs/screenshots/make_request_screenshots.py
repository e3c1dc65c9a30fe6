"""The printed documents of requests for information (issue 18) as PNG pages, from the demo office's requests.

    .venv/bin/python docs/screenshots/make_request_screenshots.py

Loads the demo (``arsip demo``: its four requests, one extended, one granted, one not held under objection) into
a throwaway folder, asks the registry for the four letters and the two registers as the PPID would, and writes
the first page of each at 60 dpi (``pdftoppm``, as ``make_print_screenshots.py`` does) next to this file.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("ARSIP_ARGON2_PROFILE", "test")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import select

from archive_service.config import Settings
from archive_service.db import InformationObjection, InformationRequest, User
from archive_service.demo.loader import load_demo
from archive_service.reports import registry
from archive_service.reports.render import render_to_file
from archive_service.runtime import Runtime
from archive_service.services import auth

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_print_screenshots import OUT, screenshot


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="arsip-request-prints-") as tmp:
        rt = Runtime.from_settings(Settings(data_dir=Path(tmp) / "var"))
        rt.migrate()
        load_demo(rt)
        with rt.db.read() as session:
            ppid = auth.actor_for(session.execute(select(User).where(User.username == "ppid")).scalar_one())
            number = dict(session.execute(select(InformationRequest.state, InformationRequest.number)).all())
            objection = session.execute(select(InformationObjection.number)).scalars().first()
        year = str(rt.calendar.today().year)
        wanted = {
            "print-tanda-bukti-permohonan": ("tanda-bukti-permohonan", {"number": number["diterima"]}),
            "print-pemberitahuan-perpanjangan": ("pemberitahuan-perpanjangan", {"number": number["diperpanjang"]}),
            "print-pemberitahuan-tertulis": ("surat-pemberitahuan-tertulis", {"number": number["dikabulkan"]}),
            "print-register-permohonan": ("register-permohonan", {"period": year, "format": "pdf"}),
            "print-register-keberatan": ("register-keberatan", {"period": year, "format": "pdf"}),
        }
        del objection  # the demo's objection is not decided: its letter (tanggapan-keberatan) does not exist yet
        for png, (name, raw) in wanted.items():
            _spec, document = registry.build(rt, ppid, name, {k: v for k, v in raw.items() if k != "format"})
            pdf = render_to_file(document, "pdf", rt.settings, Path(tmp) / f"{name}.pdf")
            screenshot(pdf, OUT / f"{png}.png")
            print(OUT / f"{png}.png")
        rt.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
