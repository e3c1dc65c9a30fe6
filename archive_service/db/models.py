"""The system of record: typed SQLAlchemy 2.0 models.

Column names follow DOMAIN.md §7 so that schemas, services and reports speak the same words. Enumerated values
are stored as plain strings validated by ``schemas`` at the boundary: adding a value then needs no table rebuild
on SQLite. Records are never hard-deleted: destruction deletes the bytes and keeps the row as a tombstone
(``destroyed_at``). The lifecycle tables are in ``retention_models``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .types import JSONType, UTCDateTime, utcnow


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[str]: JSONType,
        list[int]: JSONType,
    }


class WorkUnit(Base):
    """A *unit pengolah* / *satuan kerja*: the unit that creates and holds records."""

    __tablename__ = "work_units"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(32))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("work_units.code"))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    deleted_at: Mapped[datetime | None] = mapped_column()
    # Unused since migration 0012: the per-account lockout they held told which names exist and let anyone lock an
    # account out. Sign-in throttling is in ``sign_in_throttles`` (services/web_auth.py); the columns stay unread.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WebSession(Base):
    """A signed-in browser of the staff workspace (services/web_sessions.py). The cookie holds a random id; only
    its SHA-256 is stored, so a copy of this table signs no one in. Deleting the row ends the session at once."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the session ends unless used again (idle lifetime, moved forward as the browser is used).
    expires_at: Mapped[datetime] = mapped_column(index=True)


class SignInThrottle(Base):
    """Failed web sign-ins of one (normalised username, client address), whether or not the name is an account
    (services/web_auth.py). The name is stored as its SHA-256, so a password typed into the name field is not kept
    in clear."""

    __tablename__ = "sign_in_throttles"

    username_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column()


class SavedSearch(Base):
    """A staff member's saved internal search (its query string), shown on the search page."""

    __tablename__ = "saved_searches"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """An API token. Only the SHA-256 of the secret is kept; tokens are 256-bit random, so a slow hash adds
    nothing but latency on every request."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column()
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    user: Mapped[User] = relationship(lazy="joined")


class Record(Base):
    """An archival record (*arsip*): UU Kearsipan description + KIP/DIP + retention fields."""

    __tablename__ = "records"
    __table_args__ = (
        Index("ix_records_unit_created", "processing_unit", "created_at"),
        Index("ix_records_classification", "classification_code"),
        Index("ix_records_updated_at", "updated_at"),  # what changed since: the OAI-PMH incremental sync
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    record_no: Mapped[str] = mapped_column(String(64), unique=True)
    file_no: Mapped[str | None] = mapped_column(String(64))
    creator_org: Mapped[str] = mapped_column(String(255))
    processing_unit: Mapped[str] = mapped_column(ForeignKey("work_units.code"))
    classification_code: Mapped[str] = mapped_column(String(32))
    classification_scheme: Mapped[str] = mapped_column(String(64), default="permendagri_83_2022")
    title: Mapped[str] = mapped_column(String(500))
    # Where the title came from (schemas.enums.TitleSource): the index worker replaces or proposes a replacement
    # only for a title that is still a file name, never for one a person gave (services/titles.py).
    title_source: Mapped[str] = mapped_column(String(16), default="user", server_default="user")
    proposed_title: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    doc_date: Mapped[date | None] = mapped_column(Date)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    development_level: Mapped[str] = mapped_column(String(16), default="asli")
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    quantity_unit: Mapped[str] = mapped_column(String(16), default="lembar")
    media: Mapped[str] = mapped_column(String(16), default="elektronik")
    notes: Mapped[str | None] = mapped_column(Text)
    security_class: Mapped[str] = mapped_column(String(16), default="biasa_terbuka")
    access_groups: Mapped[list[str]] = mapped_column(default=list)
    is_vital: Mapped[bool] = mapped_column(Boolean, default=False)
    is_terjaga: Mapped[bool] = mapped_column(Boolean, default=False)
    location: Mapped[str | None] = mapped_column(String(255))

    # DIP columns (DOMAIN.md §3), filled by the unit at classification time.
    dip_summary: Mapped[str | None] = mapped_column(Text)
    controlling_unit: Mapped[str | None] = mapped_column(String(255))
    responsible_official: Mapped[str | None] = mapped_column(String(255))
    created_place: Mapped[str | None] = mapped_column(String(255))
    available_forms: Mapped[list[str]] = mapped_column(default=list)
    dip_retention_text: Mapped[str | None] = mapped_column(String(255))

    # KIP determination (workflow issue).
    kip_category: Mapped[str | None] = mapped_column(String(16))
    exemption_ground: Mapped[str | None] = mapped_column(String(1))
    exemption_basis: Mapped[str | None] = mapped_column(Text)
    exemption_until: Mapped[date | None] = mapped_column(Date)
    exemption_decree_no: Mapped[str | None] = mapped_column(String(128))
    publication_state: Mapped[str] = mapped_column(String(32), default="dihimpun")
    receipt_no: Mapped[str | None] = mapped_column(String(64))
    control_card_no: Mapped[str | None] = mapped_column(String(64))
    verification_round: Mapped[int] = mapped_column(Integer, default=0)
    published_url: Mapped[str | None] = mapped_column(String(500))

    # Retention (retention issue).
    jra_ref: Mapped[str | None] = mapped_column(String(64))
    final_disposition: Mapped[str | None] = mapped_column(String(16))
    retention_trigger_date: Mapped[date | None] = mapped_column(Date)
    active_until: Mapped[date | None] = mapped_column(Date)
    inactive_until: Mapped[date | None] = mapped_column(Date)
    archival_state: Mapped[str] = mapped_column(String(32), default="aktif")
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)  # under at least one hold in force
    jra_class_id: Mapped[int | None] = mapped_column(ForeignKey("jra_classes.id"))
    retention_override_reason: Mapped[str | None] = mapped_column(Text)
    retention_waiting_for: Mapped[str | None] = mapped_column(String(128))  # trigger event not yet recorded
    retention_total_years: Mapped[int | None] = mapped_column(Integer)
    destroyed_at: Mapped[datetime | None] = mapped_column()
    transferred_at: Mapped[datetime | None] = mapped_column()

    # Workflow bookkeeping (services/workflow.py).
    proposed_kip_category: Mapped[str | None] = mapped_column(String(16))
    exemption_no_expiry: Mapped[bool] = mapped_column(Boolean, default=False)
    state_reason: Mapped[str | None] = mapped_column(Text)
    step_started_at: Mapped[datetime | None] = mapped_column()
    step_due_at: Mapped[datetime | None] = mapped_column(index=True)
    published_at: Mapped[datetime | None] = mapped_column()
    # The last approved public version (services/public_versions.py): the record version the PPID determined and
    # the secretariat published, and its public fields and file ids. NULL when nothing is public.
    public_version: Mapped[int | None] = mapped_column(Integer)
    public_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship(lazy="joined")
    files: Mapped[list[RecordFile]] = relationship(back_populates="record", order_by="RecordFile.id", lazy="selectin")

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}


class Blob(Base):
    """Stored content, addressed by SHA-256: identical bytes are kept once however many files point at them."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a destruction deleted the bytes; the row stays as part of the tombstone (fixity skips it).
    destroyed_at: Mapped[datetime | None] = mapped_column()


class RecordFile(Base):
    __tablename__ = "record_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    record: Mapped[Record] = relationship(back_populates="files")
    created_by: Mapped[User | None] = relationship(lazy="joined")
    # How far text extraction of the content got (None: not tried yet), shown on the record so staff see a failure
    # where they look (issue 16); keyed by content, so identical files share it.
    extraction: Mapped[Extraction | None] = relationship(
        primaryjoin="RecordFile.blob_sha256 == foreign(Extraction.blob_sha256)", viewonly=True, lazy="selectin"
    )

    @property
    def sha256(self) -> str:
        return self.blob_sha256


class AuditEvent(Base):
    """One appended, hash-chained audit row. ``actor_name`` is a snapshot so the chain survives user changes."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_record", "record_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int | None] = mapped_column(Integer)
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's head: one row, locked by every writer, so appends are serialised and a deleted last row is
    still detected (the head then points past the end of the table)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer, default=0)


class OutboxEvent(Base):
    """Transactional outbox: written with the change, read in order by the index worker (search issue)."""

    __tablename__ = "outbox_events"
    __table_args__ = (Index("ix_outbox_pending", "processed_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    topic: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int | None] = mapped_column(Integer)
    record_version: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    processed_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Retries back off; after too many failures the row is parked (dead letter) where an admin sees it.
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    dead_at: Mapped[datetime | None] = mapped_column()
    # With ARSIP_WORKER_CLAIMS=database (services/work_claims.py): the worker that took the row last, and until
    # when its claim holds (database time); a processed row keeps the name of the worker that applied it.
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column()


class Counter(Base):
    """Named gapless counters (record numbers now; receipt numbers later), incremented under a row lock."""

    __tablename__ = "counters"
    __table_args__ = (UniqueConstraint("name"),)

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Receipt(Base):
    """*Tanda terima* (SOP steps 2 and 5): issued when a unit hands a record over, countersigned on receipt."""

    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    no: Mapped[str] = mapped_column(String(64), unique=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(64))
    countersigned_at: Mapped[datetime | None] = mapped_column()
    countersigned_by: Mapped[str | None] = mapped_column(String(64))


class ControlCardEntry(Base):
    """One line of the *kartu kontrol*: who did which step when, against which due time, with what outcome."""

    __tablename__ = "control_card_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    step: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    actor_name: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    due_at: Mapped[datetime | None] = mapped_column()
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)


class ConsequenceTest(Base):
    """*Lembar uji konsekuensi* (PerKI 1/2021 Ps 49; PP 61/2010): the record of why information is exempted."""

    __tablename__ = "consequence_tests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    summary: Mapped[str] = mapped_column(Text)
    harm: Mapped[str] = mapped_column(Text)
    public_interest: Mapped[str] = mapped_column(Text)
    participants: Mapped[list[str]] = mapped_column(default=list)
    signed_sheet_file_id: Mapped[int] = mapped_column(ForeignKey("record_files.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))


class DipVersion(Base):
    """A *penetapan DIP*: the Daftar Informasi Publik as fixed by the PPID under a decree, kept for ever."""

    __tablename__ = "dip_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_no: Mapped[int] = mapped_column(Integer, unique=True)
    decree_no: Mapped[str] = mapped_column(String(128))
    decree_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    fixed_at: Mapped[datetime] = mapped_column(default=utcnow)
    fixed_by: Mapped[str] = mapped_column(String(64))

    rows: Mapped[list[DipRow]] = relationship(order_by="DipRow.position", lazy="selectin")


class DipRow(Base):
    """One row of a fixed DIP in the PerKI columns (DOMAIN.md §3), copied so later edits never change it."""

    __tablename__ = "dip_rows"
    __table_args__ = (UniqueConstraint("version_id", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("dip_versions.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"))
    position: Mapped[int] = mapped_column(Integer)
    dip_no: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str | None] = mapped_column(Text)
    controlling_unit: Mapped[str | None] = mapped_column(String(255))
    responsible_official: Mapped[str | None] = mapped_column(String(255))
    created_time: Mapped[str | None] = mapped_column(String(64))
    created_place: Mapped[str | None] = mapped_column(String(255))
    available_forms: Mapped[list[str]] = mapped_column(default=list)
    retention_text: Mapped[str | None] = mapped_column(String(255))


class Extraction(Base):
    """The text extracted from one blob (DESIGN.md §2 "Ingest"): kept as a derived blob with page boundaries, so a
    reindex never extracts again. Keyed by content, so identical files are extracted once.

    ``state``: ``pending`` (not tried yet), ``done``, ``ocr_pending`` (text layer missing and OCR unavailable or
    off: the file is archived and searchable by metadata, and OCR runs on retry), ``failed`` (timeout, memory,
    corrupt: ``error`` says which; an admin retries with ``arsip extract retry``), ``unsupported`` (no extractor).
    """

    __tablename__ = "extractions"
    __table_args__ = (Index("ix_extractions_state", "state"),)

    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    text_sha256: Mapped[str | None] = mapped_column(String(64))
    method: Mapped[str | None] = mapped_column(String(32))
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    ocr_pages: Mapped[int] = mapped_column(Integer, default=0)
    chars: Mapped[int] = mapped_column(BigInteger, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A pending job claimed by a worker (ARSIP_WORKER_CLAIMS=database): who, and until when (database time).
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column()


class WorkerLease(Base):
    """A named role that one worker at a time holds for a while and renews (``index-writer``: tantivy's single
    writer, when workers on several machines share the database). Lost when its holder stops renewing it."""

    __tablename__ = "worker_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    lease_until: Mapped[datetime] = mapped_column()


# Notifications (issue 8)


class Notification(Base):
    """One e-mail that ``arsip cron`` decided to send (services/notifications.py, services/cron.py).

    ``dedupe_key`` is unique: deciding twice records once, so a step opening, a day's digest or a reminder is
    mailed at most once however often cron runs. ``claimed_at``/``claim_token`` let one cron run own a row while
    it talks to the SMTP server, so two concurrent runs never deliver the same row.
    """

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_pending", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(255), unique=True)
    # NULL for mail to someone without an account: an applicant of a request for information (issue 18)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    record_id: Mapped[int | None] = mapped_column(Integer)
    recipient: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_at: Mapped[datetime | None] = mapped_column()
    claim_token: Mapped[str | None] = mapped_column(String(32))


# OAI-PMH (issue 8)


class OaiItem(Base):
    """An item the OAI-PMH repository has exposed (archive_service/oai/repository.py): kept for ever, so a record
    that was public once and then withdrawn is reported as deleted (``deletedRecord=persistent``).

    ``datestamp`` is when the repository registered the item's last change (seconds, UTC); ``record_version`` is
    the record's optimistic-lock version at that moment, which is how a later edit of a public record is noticed.
    A record that was never public never gets a row, so it can never appear in any OAI-PMH answer.
    """

    __tablename__ = "oai_items"
    __table_args__ = (Index("ix_oai_items_datestamp", "datestamp", "record_id"),)

    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True, autoincrement=False)
    datestamp: Mapped[datetime] = mapped_column()
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    record_version: Mapped[int] = mapped_column(Integer)


class OaiRepositoryId(Base):
    """Every repository identifier the OAI-PMH repository has used (archive_service/oai/identity.py): the one in
    use has ``retired_at`` NULL. Stored at first start; a different ``ARSIP_OAI_REPOSITORY_ID`` is refused until
    ``arsip oai rename-repository`` retires the old one."""

    __tablename__ = "oai_repository_ids"

    repository_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    adopted_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column()


class OaiRetiredItem(Base):
    """An item as it was identified under a former repository identifier: answered for ever as deleted (with the
    datestamp of the rename), so a harvester that copied ``oai:<old>:<id>`` learns that it is gone."""

    __tablename__ = "oai_retired_items"
    __table_args__ = (Index("ix_oai_retired_items_datestamp", "datestamp", "record_id", "repository_id"),)

    repository_id: Mapped[str] = mapped_column(ForeignKey("oai_repository_ids.repository_id"), primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True, autoincrement=False)
    datestamp: Mapped[datetime] = mapped_column()


class IngestSource(Base):
    """A file ``arsip ingest`` made a record of: its path and content, so a rerun after a crash (or by habit) skips
    what is already in and creates no duplicates (``--force`` ingests again). Written in the record's transaction."""

    __tablename__ = "ingest_sources"
    # not unique: ``--force`` makes another record of the same file on purpose
    __table_args__ = (Index("ix_ingest_sources_source", "source_path", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_path: Mapped[str] = mapped_column(String(1024))
    sha256: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    ingested_at: Mapped[datetime] = mapped_column(default=utcnow)
