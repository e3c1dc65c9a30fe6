"""Tables of the archival lifecycle (machine B of DOMAIN.md §6): JRA schedules, holds, disposition batches.

A JRA is imported as a numbered *version*; its rows (``jra_classes``) are never edited afterwards, so a record
keeps pointing at the class it was classified under even after a new schedule is adopted. Disposition is done in
batches (*Daftar Arsip Usul Musnah*, *Daftar Arsip yang Dipindahkan/Diserahkan*): each batch keeps a snapshot of
its list at proposal time, every panel member's consideration, the approval letter and the *berita acara*, for
ever — the evidence that a destruction followed the procedure (UU 43/2009 Pasal 51, 86).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base
from .types import utcnow


class JraSchedule(Base):
    """One imported version of the *Jadwal Retensi Arsip*."""

    __tablename__ = "jra_schedules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_no: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(255))
    legal_basis: Mapped[str | None] = mapped_column(String(255))
    source_filename: Mapped[str | None] = mapped_column(String(255))
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(64))


class JraClass(Base):
    """One row of a JRA version: a retention class. Periods are ``{years, trigger, note, text}`` (DOMAIN.md
    §4.4); the years and triggers are also flat columns so due lists and totals are plain SQL."""

    __tablename__ = "jra_classes"
    __table_args__ = (Index("ix_jra_classes_schedule_code", "schedule_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("jra_schedules.id"))
    position: Mapped[int] = mapped_column(Integer)
    source_line: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(32))
    record_type: Mapped[str] = mapped_column(Text)
    active: Mapped[dict[str, Any]] = mapped_column()
    inactive: Mapped[dict[str, Any]] = mapped_column()
    active_years: Mapped[int] = mapped_column(Integer)
    inactive_years: Mapped[int] = mapped_column(Integer)
    final_disposition: Mapped[str] = mapped_column(String(16))
    disposition_note: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    schedule: Mapped[JraSchedule] = relationship(lazy="joined")

    @property
    def total_years(self) -> int:
        return self.active_years + self.inactive_years


class LegalHold(Base):
    """A named hold on one record or a set: while it is in force none of them may be disposed of."""

    __tablename__ = "legal_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(255))  # case or dispute number
    placed_by: Mapped[str] = mapped_column(String(64))
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    released_by: Mapped[str | None] = mapped_column(String(64))
    released_at: Mapped[datetime | None] = mapped_column()
    release_reason: Mapped[str | None] = mapped_column(Text)


class LegalHoldItem(Base):
    __tablename__ = "legal_hold_items"
    __table_args__ = (Index("ix_legal_hold_items_record", "record_id"),)

    hold_id: Mapped[int] = mapped_column(ForeignKey("legal_holds.id"), primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)


class DispositionBatch(Base):
    """A *pemindahan*, *pemusnahan* or *penyerahan* batch: its list, appraisal, approval and berita acara."""

    __tablename__ = "disposition_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    no: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    processing_unit: Mapped[str | None] = mapped_column(ForeignKey("work_units.code"))
    authority: Mapped[str] = mapped_column(String(32))
    total_years_max: Mapped[int] = mapped_column(Integer, default=0)
    proposal_note: Mapped[str | None] = mapped_column(Text)
    proposed_by: Mapped[str] = mapped_column(String(64))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    panel_concluded_by: Mapped[str | None] = mapped_column(String(64))
    panel_concluded_at: Mapped[datetime | None] = mapped_column()
    panel_summary: Mapped[str | None] = mapped_column(Text)
    approval: Mapped[dict[str, Any]] = mapped_column(default=dict)  # letter_no, letter_date, signer, ...
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None] = mapped_column()
    berita_acara: Mapped[dict[str, Any]] = mapped_column(default=dict)  # place, date, method, signatories, ...
    berita_acara_no: Mapped[str | None] = mapped_column(String(64))
    executed_by: Mapped[str | None] = mapped_column(String(64))
    executed_at: Mapped[datetime | None] = mapped_column()
    refused_reason: Mapped[str | None] = mapped_column(Text)
    package_sha256: Mapped[str | None] = mapped_column(String(64))
    package_size: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)

    items: Mapped[list[DispositionItem]] = relationship(order_by="DispositionItem.position", lazy="selectin")
    considerations: Mapped[list[PanelConsideration]] = relationship(order_by="PanelConsideration.id", lazy="selectin")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class DispositionItem(Base):
    """One record in a batch, with the list row as it stood when proposed (kept after destruction)."""

    __tablename__ = "disposition_items"
    __table_args__ = (UniqueConstraint("batch_id", "record_id"), Index("ix_disposition_items_record", "record_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("disposition_batches.id"))
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"))
    position: Mapped[int] = mapped_column(Integer)
    row: Mapped[dict[str, Any]] = mapped_column(default=dict)
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    excluded_reason: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[dict[str, Any]] = mapped_column(default=dict)  # e.g. blobs deleted / kept as shared


class PanelConsideration(Base):
    """One member's written consideration (*pertimbangan*) of a proposal."""

    __tablename__ = "panel_considerations"
    __table_args__ = (UniqueConstraint("batch_id", "member"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("disposition_batches.id"))
    member: Mapped[str] = mapped_column(String(64))
    member_name: Mapped[str] = mapped_column(String(255))
    opinion: Mapped[str] = mapped_column(String(16))
    consideration: Mapped[str] = mapped_column(Text)
    exclude_record_ids: Mapped[list[int]] = mapped_column(default=list)
    at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = [
    "DispositionBatch",
    "DispositionItem",
    "JraClass",
    "JraSchedule",
    "LegalHold",
    "LegalHoldItem",
    "PanelConsideration",
]
