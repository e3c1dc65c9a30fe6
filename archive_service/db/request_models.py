"""Tables of the information service (issue 18): requests for information, objections, disputes.

Personal data is kept apart on purpose: everything that identifies the applicant (name, NIK, organisation, address,
e-mail, phone, the identity document) is in ``request_applicants`` and nowhere else, so the privacy rule
(docs/requests.md "Privacy") is one join to leave out: registers, exports, monev figures and the anonymised public
register read ``information_requests`` only. The tracking secret is stored as its SHA-256 (it is 256-bit random,
like an API token). None of these tables is ever written to the search indexes, OAI-PMH or the catalogue dumps.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base
from .types import JSONType, utcnow


class RequestApplicant(Base):
    """The applicant's personal data (UU 27/2022 PDP; UU 14/2008 Pasal 17 huruf h): one row per request, read only
    by the request's handlers, destroyed with the register's retention (``erased_at`` keeps the tombstone)."""

    __tablename__ = "request_applicants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="perorangan")
    name: Mapped[str] = mapped_column(String(255))
    nik: Mapped[str | None] = mapped_column(String(16))
    organisation: Mapped[str | None] = mapped_column(String(255))
    legal_basis: Mapped[str | None] = mapped_column(String(500))
    address: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32))
    identity_blob_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    identity_filename: Mapped[str | None] = mapped_column(String(255))
    identity_mime: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[datetime | None] = mapped_column()


class InformationRequest(Base):
    """A *permohonan informasi publik* (UU 14/2008 Pasal 21-22; PerKI 1/2021): no personal data here."""

    __tablename__ = "information_requests"
    __table_args__ = (Index("ix_information_requests_state_due", "state", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16))
    applicant_id: Mapped[int] = mapped_column(ForeignKey("request_applicants.id"), unique=True)
    information: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text)
    receipt_forms: Mapped[list[str]] = mapped_column(JSONType, default=list)
    delivery_methods: Mapped[list[str]] = mapped_column(JSONType, default=list)
    state: Mapped[str] = mapped_column(String(32), default="diterima")
    received_at: Mapped[datetime] = mapped_column(index=True)  # registers, monev and the public register
    due_at: Mapped[datetime] = mapped_column(index=True)
    # The one extension (Pasal 22(8)): when, why, and the due time it replaced.
    extended_at: Mapped[datetime | None] = mapped_column()
    extension_reasons: Mapped[str | None] = mapped_column(Text)
    original_due_at: Mapped[datetime | None] = mapped_column()
    # The written answer (Surat Pemberitahuan Tertulis).
    answered_at: Mapped[datetime | None] = mapped_column()
    decision_reasons: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    exemption_record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    exemption_test_id: Mapped[int | None] = mapped_column(ForeignKey("consequence_tests.id"))
    not_held_holder: Mapped[str | None] = mapped_column(Text)
    cost_amount: Mapped[int | None] = mapped_column(BigInteger)
    cost_note: Mapped[str | None] = mapped_column(Text)
    # The PPID confirmed, when answering, that ``information`` and ``decision_reasons`` hold no personal data: only
    # then does the anonymised public register show them (docs/requests.md "Public register"); off by default.
    public_text: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    tracking_secret_hash: Mapped[str] = mapped_column(String(64))
    # The public form's solved challenge, kept so one solution registers one request (unique; NULL at the desk).
    challenge_nonce: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))

    applicant: Mapped[RequestApplicant] = relationship(lazy="joined")
    links: Mapped[list[RequestRecordLink]] = relationship(order_by="RequestRecordLink.id", lazy="selectin")

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}


class RequestRecordLink(Base):
    """A record that answers the request, linked by the handler (only records the handler may read). When part of
    it is exempted, only ``redacted_blob_sha256`` (an uploaded redacted copy) may be delivered."""

    __tablename__ = "request_record_links"
    __table_args__ = (UniqueConstraint("request_id", "record_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("information_requests.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    partly_exempted: Mapped[bool] = mapped_column(Boolean, default=False)
    redacted_blob_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    redacted_filename: Mapped[str | None] = mapped_column(String(255))
    redacted_mime: Mapped[str | None] = mapped_column(String(255))
    # SOP step 14 feedback: the record was not in the latest fixed DIP when the request was answered.
    not_in_dip: Mapped[bool] = mapped_column(Boolean, default=False)
    linked_by: Mapped[str] = mapped_column(String(64))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)


class RequestCardLine(Base):
    """One line of the request's own control card (*kartu kendali permohonan*): every step, who, when, how late."""

    __tablename__ = "request_card_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("information_requests.id"), index=True)
    subject: Mapped[str] = mapped_column(String(16), default="permohonan")  # or "keberatan", "sengketa"
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    actor_name: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column()
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)


class RequestDeliveryToken(Base):
    """A time-limited download link for the granted files; only the SHA-256 of the token is kept."""

    __tablename__ = "request_delivery_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("information_requests.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column()
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()


class InformationObjection(Base):
    """A *keberatan* to the Atasan PPID (UU 14/2008 Pasal 35-36)."""

    __tablename__ = "information_objections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("information_requests.id"), index=True)
    grounds: Mapped[list[str]] = mapped_column(JSONType, default=list)
    reasons: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="diajukan")
    filed_at: Mapped[datetime] = mapped_column()
    due_at: Mapped[datetime] = mapped_column(index=True)
    decided_at: Mapped[datetime | None] = mapped_column()
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decision_reasons: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))

    request: Mapped[InformationRequest] = relationship(lazy="joined")
    disputes: Mapped[list[KiDispute]] = relationship(order_by="KiDispute.id", lazy="selectin")

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}


class KiDispute(Base):
    """A dispute with the Komisi Informasi after the objection (Pasal 37-38): dates, registry number, outcome."""

    __tablename__ = "ki_disputes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    objection_id: Mapped[int] = mapped_column(ForeignKey("information_objections.id"), index=True)
    commission: Mapped[str] = mapped_column(String(255))
    registry_no: Mapped[str] = mapped_column(String(128))
    filed_on: Mapped[date] = mapped_column(Date)
    mediation_on: Mapped[date | None] = mapped_column(Date)
    hearing_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(32), default="berjalan")
    outcome_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
