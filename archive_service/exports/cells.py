"""Text cells that a spreadsheet will not run: one rule for every CSV and XLSX Arsip writes.

Why: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is evaluated as a formula by
Excel and LibreOffice (CSV/formula injection, OWASP), and record titles are typed by staff of every unit. A leading
``'`` makes the spreadsheet show the text as text.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    """``=HYPERLINK(...)`` → ``'=HYPERLINK(...)``: a cell a spreadsheet will not evaluate."""
    return "'" + text if text.startswith(FORMULA_START) else text
