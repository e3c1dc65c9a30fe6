"""Retention rules: the JRA (*Jadwal Retensi Arsip*) as data, and the arithmetic and decisions built on it.

Modules:

- `retention.periods`: a retention cell ("2 th setelah Pemeriksaan", "Selama Berlaku") ↔ `RetentionPeriod`.
- `retention.disposition_text`: the *keterangan* cell ("Musnah, Kecuali ...") → `FinalDisposition` + remark.
- `retention.jra_import`: a whole JRA from XLSX or CSV → accepted rows plus a per-line problem report.
- `retention.rules`: due dates, total retention, who approves destruction, which JRA entry covers a code.

Why the package is pure (standard library, ``schemas`` and, for reading spreadsheets, ``openpyxl``; no database,
no Flask, no files it opens itself; DESIGN.md §1): these rules decide when records may be destroyed, which is
irreversible and, done wrongly, a crime (UU 43/2009 Pasal 86). Plain functions over plain values can be tested
exhaustively and read by an archivist, and the services stay responsible for loading data and recording what
was decided. Only the light modules are re-exported here; import `retention.jra_import` where files are read
(it loads openpyxl only when an XLSX file is actually read).
"""

from retention.disposition_text import DispositionParseError, parse_disposition
from retention.periods import PeriodParseError, RetentionPeriod, parse_period, trigger_slug
from retention.rules import (
    APPROVAL_THRESHOLD_YEARS,
    RetentionDates,
    add_years,
    compute_dates,
    destruction_authority,
    longest_prefix,
    total_years,
)

__all__ = [
    "APPROVAL_THRESHOLD_YEARS",
    "DispositionParseError",
    "PeriodParseError",
    "RetentionDates",
    "RetentionPeriod",
    "add_years",
    "compute_dates",
    "destruction_authority",
    "longest_prefix",
    "parse_disposition",
    "parse_period",
    "total_years",
    "trigger_slug",
]
