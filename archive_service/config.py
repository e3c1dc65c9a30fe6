"""Configuration: embedded defaults, overridden by ``ARSIP_*`` environment variables.

Why a small dataclass instead of only ``app.config``: the CLI, the worker and the tests need the same settings
without building a Flask app, and one typed place makes the defaults (DESIGN.md §3) easy to read.
Flask's ``from_prefixed_env`` convention is kept: ``ARSIP_DATABASE_URL`` sets ``database_url``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

DEFAULT_ALLOWED_MIME_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/msword",
    "application/vnd.ms-excel",
    "text/plain",
    "text/csv",
    "text/html",
    "message/rfc822",
    "image/jpeg",
    "image/png",
    "image/tiff",
)


@dataclass
class Settings:
    """Every runtime setting of Arsip; see docs/configuration.md for the environment variable of each."""

    data_dir: Path = Path("var")
    database_url: str = ""
    storage_url: str = ""
    search_url: str = ""
    secret_key: str = ""
    s3_endpoint_url: str | None = None
    s3_region: str | None = None
    s3_access_key: str | None = None
    s3_secret_key: str | None = None
    s3_multipart_threshold: int = 64 * 1024 * 1024
    max_file_size: int = 512 * 1024 * 1024
    max_request_size: int = 1024 * 1024 * 1024
    max_files_per_request: int = 50
    allowed_mime_types: tuple[str, ...] = field(default=DEFAULT_ALLOWED_MIME_TYPES)
    sqlite_busy_timeout_ms: int = 30_000
    token_default_days: int = 365
    log_level: str = "INFO"
    # Numbering and the working-time calendar of the SOP workflow (docs/configuration.md).
    receipt_pattern: str = "TT/{year}/{month:02d}/{seq:04d}"
    control_card_pattern: str = "KK/{year}/{seq:04d}"
    # Requests for information and objections (docs/requests.md): numbers gapless per year; no "/" (they are URL
    # path segments); the public form's rate per client and minute, and the largest identity document accepted.
    request_number_pattern: str = "PMH-{year}-{seq:04d}"
    objection_number_pattern: str = "KBR-{year}-{seq:04d}"
    request_rate_per_minute: int = 5
    request_identity_max_size: int = 10 * 1024 * 1024
    # The JRA class the request register is filed under: its total retention ends the applicants' personal data
    # (services/requests_retention.py); the row whose jenis arsip contains the type, else the code's first row.
    request_jra_class: str = "500.12.18.1"
    request_jra_type: str = "Register permohonan"
    calendar_tz: str = "Asia/Jakarta"
    calendar_workdays: str = "1,2,3,4,5"
    calendar_hours: str = "08:00-16:00"
    # Serta-merta information is due "tanpa penundaan" (UU KIP Pasal 10, PerKI 1/2021 Pasal 25): the deadline the
    # office commits to, in the SOP's units (docs/workflow.md). It is also the floor of every step's deadline, so
    # no step is born late.
    serta_merta_sla: str = "1 hari"
    holidays_file: Path | None = None
    public_base_url: str = "http://127.0.0.1:8000"
    # Full text (docs/configuration.md "Search"): extraction pool, OCR, the in-process index worker.
    extract_workers: int = 2
    extract_timeout_s: int = 300
    extract_memory_mb: int = 2048
    ocr_enabled: bool = True
    ocr_lang: str = "ind+eng"
    ocr_max_pages: int = 300  # pages OCRed per file and run; the rest wait as ocr_partial for an admin's retry
    index_worker_thread: bool = True
    # How workers share the work (docs/deployment.md): "lock", one worker per data folder by a file lock; "database",
    # outbox rows and extraction jobs claimed with leases in PostgreSQL, so workers on several machines share them.
    worker_claims: str = "lock"
    worker_lease_seconds: int = 60  # a claim not renewed for this long (its worker died) is taken by another
    worker_id: str = ""  # the name a worker claims under; empty: <host>:<pid>
    worker_extract_only: bool = False  # database claims: only extract, never write the index (other machines)
    public_search_rate_per_minute: int = 120
    # The HTTP server of `arsip serve` (docs/configuration.md "Server"; archive_service/serve.py), in seconds.
    server_header_timeout: int = 30
    server_read_timeout: int = 30
    server_keepalive_timeout: int = 75
    server_connection_limit: int = 1000
    # Retention and disposition (docs/retention.md).
    records_centre_location: str = "Unit Kearsipan (Records Center)"
    panel_quorum: int = 3
    institution_name: str = "Pemerintah Daerah"
    # Reports (docs/reports.md): the letterhead (kop surat) and the place written above signatures.
    office_name: str = "Dinas Komunikasi dan Informatika"
    office_address: str = ""
    office_city: str = ""
    letterhead_logo: Path | None = None
    # Notifications (docs/notifications.md): no SMTP host means no e-mail is sent (cron still runs the rest).
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    mail_from: str = "arsip@localhost.localdomain"  # a dotted domain: OAI-PMH adminEmail must have one
    exemption_reminder_days: int = 30
    oai_page_size: int = 100
    # OAI-PMH identifiers oai:<repository id>:<record id> (docs/interoperability.md): a domain name the office owns,
    # independent of ARSIP_PUBLIC_BASE_URL, stored at first start and changed only by `arsip oai rename-repository`.
    oai_repository_id: str = "arsip.example.go.id"
    # Identify's adminEmail; empty: the address of ARSIP_MAIL_FROM unless that is the local default, else this one.
    oai_admin_email: str = ""
    # dc:rights of open public information: a licence or rights statement URI (docs/interoperability.md).
    public_license_uri: str = "https://creativecommons.org/licenses/by/4.0/"
    # Who a receiving archive contacts about a transfer package (bag-info.txt, docs/retention.md); empty: omitted.
    records_contact_name: str = ""
    records_contact_email: str = ""
    records_contact_phone: str = ""
    # Document dates (doc_date, period_start, period_end) must lie between this year and next year.
    min_doc_year: int = 1500
    # Clean-up (services/cleanup.py): the longest an upload may take from its first byte to its commit; staging
    # files and unreferenced blobs older than this are removed. None: derived from ARSIP_MAX_REQUEST_SIZE.
    upload_max_seconds: int | None = None

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'arsip.sqlite3'}"
        if not self.storage_url:
            self.storage_url = f"file://{self.data_dir / 'blobs'}"
        if not self.search_url:
            self.search_url = f"tantivy://{self.data_dir / 'index'}"
        if self.panel_quorum < 1:
            raise ValueError(f"ARSIP_PANEL_QUORUM must be at least 1, got {self.panel_quorum}")
        if not 1 <= self.min_doc_year <= date.today().year:
            raise ValueError(f"ARSIP_MIN_DOC_YEAR must be a year from 1 to this year, got {self.min_doc_year}")
        from schemas.base import set_min_document_year  # the schemas check every document date against it

        set_min_document_year(self.min_doc_year)
        for name in ("server_header_timeout", "server_read_timeout", "server_keepalive_timeout"):
            if getattr(self, name) < 1:
                raise ValueError(f"ARSIP_{name.upper()} must be at least 1 second, got {getattr(self, name)}")
        if self.worker_claims not in ("lock", "database"):
            raise ValueError(f"ARSIP_WORKER_CLAIMS must be lock or database, got {self.worker_claims!r}")
        if self.worker_claims == "database" and self.is_sqlite:
            raise ValueError("ARSIP_WORKER_CLAIMS=database needs PostgreSQL (on SQLite one worker runs, by file lock)")
        if self.worker_lease_seconds < 2:
            raise ValueError(f"ARSIP_WORKER_LEASE_SECONDS must be at least 2, got {self.worker_lease_seconds}")
        if self.ocr_max_pages < 1:
            raise ValueError(f"ARSIP_OCR_MAX_PAGES must be at least 1, got {self.ocr_max_pages}")
        if self.upload_max_seconds is not None and self.upload_max_seconds < 0:
            raise ValueError(f"ARSIP_UPLOAD_MAX_SECONDS must be 0 or more, got {self.upload_max_seconds}")
        from .workcalendar import Sla

        Sla.parse(self.serta_merta_sla)  # ValueError with the bilingual message names the expected form
        if self.server_connection_limit < 16:
            raise ValueError(f"ARSIP_SERVER_CONNECTION_LIMIT must be at least 16, got {self.server_connection_limit}")
        for name in ("request_number_pattern", "objection_number_pattern"):
            _check_number_pattern(name, getattr(self, name))
        from .oai.protocol import check_admin_email, check_license_uri, check_repository_id

        check_repository_id(self.oai_repository_id)  # ValueError, bilingual, names the oai-identifier syntax
        check_admin_email(self.oai_admin_email)
        check_license_uri(self.public_license_uri)

    @property
    def staging_dir(self) -> Path:
        """Uploads are staged here; on the same filesystem as local blobs so storing is a rename."""
        return self.data_dir / "tmp"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Read ``ARSIP_<FIELD>`` variables; explicit ``overrides`` win (tests use them)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"ARSIP_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.name, raw)
        values.update(overrides)
        return cls(**values)


def _check_number_pattern(name: str, pattern: str) -> None:
    """A request or objection number pattern must number (``{seq}``), carry the year and give a URL path segment."""
    try:
        sample = pattern.format(year=2026, month=1, day=1, seq=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"ARSIP_{name.upper()}: unknown field in {pattern!r} (use year, month, day, seq)") from exc
    if "{seq" not in pattern or "{year" not in pattern or "/" in sample or "?" in sample or "#" in sample:
        raise ValueError(f"ARSIP_{name.upper()} must contain {{seq}} and {{year}} and no '/', '?' or '#': {pattern!r}")


def _parse(name: str, raw: str) -> Any:
    """Convert one environment string to the field's type, with a clear message on a bad value."""
    if name in {
        "max_file_size",
        "max_files_per_request",
        "sqlite_busy_timeout_ms",
        "token_default_days",
        "s3_multipart_threshold",
        "max_request_size",
        "extract_workers",
        "extract_timeout_s",
        "extract_memory_mb",
        "public_search_rate_per_minute",
        "panel_quorum",
        "smtp_port",
        "exemption_reminder_days",
        "oai_page_size",
        "min_doc_year",
        "server_header_timeout",
        "server_read_timeout",
        "server_keepalive_timeout",
        "server_connection_limit",
        "ocr_max_pages",
        "upload_max_seconds",
        "request_rate_per_minute",
        "request_identity_max_size",
        "worker_lease_seconds",
    }:
        try:
            return int(raw)
        except ValueError as exc:
            raise ValueError(f"ARSIP_{name.upper()} must be a whole number, got {raw!r}") from exc
    if name in {"ocr_enabled", "index_worker_thread", "smtp_starttls", "worker_extract_only"}:
        if raw.lower() in {"1", "true", "yes", "on"}:
            return True
        if raw.lower() in {"0", "false", "no", "off"}:
            return False
        raise ValueError(f"ARSIP_{name.upper()} must be true or false, got {raw!r}")
    if name == "allowed_mime_types":
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    if name in {"data_dir", "holidays_file", "letterhead_logo"}:
        return Path(raw)
    return raw
