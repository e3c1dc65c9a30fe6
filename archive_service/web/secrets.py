"""The session-signing key when ``ARSIP_SECRET_KEY`` is not set: generated once and kept in the data folder.

Why not a random key per start: every restart (or every gunicorn worker) would then sign sessions differently and
log everyone out. The file is created with mode 0600 and never leaves the data folder.
"""

from __future__ import annotations

import os
import secrets as _secrets
from pathlib import Path


def persistent_secret(data_dir: Path) -> str:
    path = Path(data_dir) / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = _secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key
