"""``python -m archive_service …`` is the ``arsip`` command (useful where the console script is not on PATH)."""

from .cli import main

main()
