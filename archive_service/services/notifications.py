"""What e-mail the office gets and who receives it (docs/notifications.md). Composing only: nothing is sent here.

Each function returns ``Draft`` messages with a ``dedupe_key`` that names *the event* and *the recipient*, e.g.
``step_opened:<record>:<step started>:<user>``; ``services.cron`` stores them with the key unique, so deciding the
same thing on every cron run still mails it once. Recipients are active, not deleted users with an e-mail address.

Who may read what is the rule of ``services.records.visibility_filter``, applied *as the recipient*: a pendukung is
told only about its own unit's records, and a record above a role's security clearance is never mentioned to it
(not even without its title: its existence is as secret as its content). Lists reuse the services the staff UI
shows (``workflow.due_items``, ``retention_due.due_summary``) called as the recipient, so a mail never says more
than the recipient's own screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from schemas.enums import PublicationState as S

from ..db import Record, User
from ..permissions import CLASSIFIED_STEPS_FALL_TO
from ..runtime import Runtime
from ..workflow.table import STEPS, TRANSITIONS
from . import monev, retention_due, workflow
from .access import visibility_filter
from .acting import waiting_for
from .auth import actor_for

STEP_OPENED = "step_opened"
DIGEST = "digest"
EXEMPTION_REMINDER = "exemption_reminder"
RETENTION_REMINDER = "retention_reminder"
KINDS = (STEP_OPENED, DIGEST, EXEMPTION_REMINDER, RETENTION_REMINDER)

# Steps opened longer ago than this are not announced: the first run after installing (or after a long outage)
# must not mail every record that ever waited; the daily digest covers what is still open.
STEP_OPENED_LOOKBACK = timedelta(days=3)
# A record is *created* in "dihimpun" by the unit that must act on it (often thousands at once by batch ingest),
# so only states a transition leads into are announced.
ANNOUNCED_STATES: tuple[S, ...] = tuple(s for s in STEPS if any(t.to_state == s for t in TRANSITIONS))
FOOTER = (
    "Pesan otomatis dari Arsip; mohon tidak dibalas.\nAutomatic message from Arsip; please do not reply.\n"
    "Pemberitahuan ini dikirim karena alamat e-mail Anda tercatat pada akun Arsip.\n"
    "You receive this because your e-mail address is on your Arsip account."
)


@dataclass(frozen=True)
class Draft:
    """One message to record: ``dedupe_key`` is unique in the ``notifications`` table."""

    kind: str
    dedupe_key: str
    user_id: int | None  # None: someone without an account (an applicant, services/requests_notify.py)
    recipient: str
    subject: str
    body: str
    record_id: int | None = None


# ---- helpers ---------------------------------------------------------------------------------------------------------
def staff_url(rt: Runtime, record_id: int | None = None, path: str = "") -> str:
    """The staff page of a record (``/staf/arsip/<id>``, web/staff/records.py), or another staff path."""
    base = rt.settings.public_base_url.rstrip("/")
    return f"{base}/staf/arsip/{record_id}" if record_id is not None else f"{base}/staf/{path}"


def _key_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")


def _local(rt: Runtime, at: datetime | None) -> str:
    return at.astimezone(rt.calendar.tz).strftime("%Y-%m-%d %H:%M %Z") if at is not None else "-"


def _single_line(text: str | None, limit: int = 200) -> str:
    """Titles go into the body only, on one line (no header injection and no broken layout)."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def mail_recipients(session: Session, roles: Iterable[str]) -> list[User]:
    """Active, not deleted users of these roles who have an e-mail address."""
    return list(
        session.execute(
            select(User)
            .where(
                User.role.in_([str(r) for r in roles]),
                User.is_active.is_(True),
                User.deleted_at.is_(None),
                User.email.is_not(None),
                User.email != "",
            )
            .order_by(User.id)
        ).scalars()
    )


def _greeting(user: User) -> tuple[str, str]:
    name = _single_line(user.full_name or user.username, 100)
    return f"Yth. {name},", f"Dear {name},"


def _compose(user: User, lines_id: list[str], lines_en: list[str]) -> str:
    hello_id, hello_en = _greeting(user)
    return "\n".join([hello_id, "", *lines_id, "", "-" * 60, "", hello_en, "", *lines_en, "", "-- ", FOOTER, ""])


# ---- step opened -----------------------------------------------------------------------------------------------------
def step_opened(rt: Runtime, now: datetime) -> list[Draft]:
    """One message per (record, opening of its step, user who must act and may see the record)."""
    roles = {str(r) for s in ANNOUNCED_STATES for r in STEPS[s].roles} | {str(CLASSIFIED_STEPS_FALL_TO)}
    drafts: list[Draft] = []
    with rt.db.read() as session:
        for user in mail_recipients(session, roles):
            rows = session.execute(
                select(
                    Record.id,
                    Record.record_no,
                    Record.title,
                    Record.processing_unit,
                    Record.publication_state,
                    Record.step_started_at,
                    Record.step_due_at,
                )
                .where(
                    and_(
                        Record.publication_state.in_([str(s) for s in ANNOUNCED_STATES]),
                        waiting_for(user.role),  # (a classified record's secretariat step falls to the PPID)
                        Record.step_started_at.is_not(None),
                        Record.step_started_at >= now - STEP_OPENED_LOOKBACK,
                        Record.step_started_at <= now,
                        Record.destroyed_at.is_(None),
                        visibility_filter(actor_for(user)),
                    )
                )
                .order_by(Record.step_started_at, Record.id)
            ).all()
            drafts.extend(_step_opened_draft(rt, user, row) for row in rows)
    return drafts


def _step_opened_draft(rt: Runtime, user: User, row: Any) -> Draft:
    step = STEPS[S(row.publication_state)]
    title = _single_line(row.title)
    url = staff_url(rt, row.id)
    lines_id = [
        "Ada langkah SOP yang menunggu tindakan Anda.",
        "",
        f"  Arsip    : {row.record_no} — {title}",
        f"  Unit     : {row.processing_unit}",
        f"  Langkah  : {step.no}. {step.name_id}",
        f"  Dibuka   : {_local(rt, row.step_started_at)}",
        f"  Tenggat  : {_local(rt, row.step_due_at)}",
        f"  Keluaran : {step.output_id}",
        "",
        f"Buka arsip: {url}",
    ]
    lines_en = [
        "A step of the SOP is waiting for you.",
        "",
        f"  Record   : {row.record_no} — {title}",
        f"  Unit     : {row.processing_unit}",
        f"  Step     : {step.no}. {step.name_en}",
        f"  Opened   : {_local(rt, row.step_started_at)}",
        f"  Due      : {_local(rt, row.step_due_at)}",
        "",
        f"Open the record: {url}",
    ]
    return Draft(
        kind=STEP_OPENED,
        dedupe_key=f"{STEP_OPENED}:{row.id}:{_key_time(row.step_started_at)}:{user.id}",
        user_id=user.id,
        recipient=str(user.email),
        subject=f"[Arsip] Tugas baru: langkah {step.no}, {row.record_no} / New task: step {step.no}, {row.record_no}",
        body=_compose(user, lines_id, lines_en),
        record_id=row.id,
    )


# ---- daily digest ----------------------------------------------------------------------------------------------------
def digest_day(rt: Runtime, now: datetime) -> date | None:
    """The office day a digest run at ``now`` belongs to, or None outside it (weekend, holiday, before office
    hours): the digest is a start-of-day list, so it goes out at the first cron run from opening time on."""
    local = now.astimezone(rt.calendar.tz)
    if not rt.calendar.is_working_day(local.date()) or local.time() < rt.calendar.start:
        return None
    return local.date()


def digests(rt: Runtime, now: datetime) -> list[Draft]:
    """Per user: the due and overdue items of ``workflow.due_items`` (due before the end of the office day), as
    that user. Nothing due means no mail."""
    day = digest_day(rt, now)
    if day is None:
        return []
    end_of_day = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=rt.calendar.tz)
    roles = {str(r) for step in STEPS.values() for r in step.roles}
    with rt.db.read() as session:
        users = mail_recipients(session, roles)
    drafts = []
    for user in users:
        items = workflow.due_items(rt, actor_for(user), within=end_of_day - now, role=user.role, now=now)
        if items:
            drafts.append(_digest_draft(rt, user, day, items))
    return drafts


def _digest_draft(rt: Runtime, user: User, day: date, items: list[dict[str, Any]]) -> Draft:
    overdue = sum(1 for i in items if i["overdue"])
    lines_id = [f"Tugas Anda yang terlambat atau jatuh tempo hari ini ({day.isoformat()}): {len(items)}.", ""]
    lines_en = [f"Your tasks overdue or due today ({day.isoformat()}): {len(items)}, {overdue} overdue.", ""]
    for item in items:
        step = STEPS[S(item["publication_state"])]
        head = f"- {item['record_no']} — {_single_line(item['title'])}"
        due = _local(rt, item["due_at"])
        url = staff_url(rt, item["record_id"])
        lines_id += [
            head,
            f"  langkah {step.no}. {step.name_id}; tenggat {due}" + (" — TERLAMBAT" if item["overdue"] else ""),
        ]
        lines_id.append(f"  {url}")
        lines_en += [head, f"  step {step.no}. {step.name_en}; due {due}" + (" — OVERDUE" if item["overdue"] else "")]
        lines_en.append(f"  {url}")
    lines_id += ["", f"Terlambat: {overdue}. Daftar kerja lengkap: {staff_url(rt)}"]
    lines_en += ["", f"Full worklist: {staff_url(rt)}"]
    return Draft(
        kind=DIGEST,
        dedupe_key=f"{DIGEST}:{day.isoformat()}:{user.id}",
        user_id=user.id,
        recipient=str(user.email),
        subject=(
            f"[Arsip] Ringkasan harian {day.isoformat()}: {len(items)} tugas, {overdue} terlambat"
            f" / Daily digest: {len(items)} tasks, {overdue} overdue"
        ),
        body=_compose(user, lines_id, lines_en),
    )


# ---- exemption expiry ------------------------------------------------------------------------------------------------
def exemption_reminders(rt: Runtime, today: date) -> list[Draft]:
    """To each PPID user, one message per exempted record whose exemption ends within
    ``exemption_reminder_days`` (after today: what ends today has just been returned by ``expire_exemptions``).
    The list is the monev dashboard's "ending soon" list, seen as that user (``monev.exemptions``)."""
    with rt.db.read() as session:
        users = mail_recipients(session, ["ppid"])
    drafts = []
    for user in users:
        ending, _ended = monev.exemptions(rt, actor_for(user), today=today)
        drafts.extend(_exemption_draft(rt, user, today, item) for item in ending)
    return drafts


def _exemption_draft(rt: Runtime, user: User, today: date, item: monev.ExemptionItem) -> Draft:
    until = item.until
    days = (until - today).days
    url = staff_url(rt, item.record_id)
    title = _single_line(item.title)
    lines_id = [
        f"Pengecualian informasi berikut berakhir dalam {days} hari, pada {until.isoformat()}.",
        "",
        f"  Arsip      : {item.record_no} — {title}",
        f"  Unit       : {item.unit}",
        f"  Dasar      : UU 14/2008 Pasal 17 huruf {item.ground}",
        f"  Nomor SK   : {item.decree_no or '-'}",
        "",
        "Tinjau sebelum berakhir: perpanjang dengan uji konsekuensi baru, atau biarkan berakhir; pada tanggal itu",
        "arsip otomatis dikembalikan kepada PPID untuk ditetapkan ulang (UU KIP Pasal 20).",
        f"Buka arsip: {url}",
    ]
    lines_en = [
        f"The exemption of this information ends in {days} days, on {until.isoformat()}.",
        "",
        f"  Record     : {item.record_no} — {title}",
        f"  Ground     : Law 14/2008 Article 17({item.ground})",
        f"  Decree     : {item.decree_no or '-'}",
        "",
        "Review it before it ends; on that day the record returns to the PPID for a new determination.",
        f"Open the record: {url}",
    ]
    return Draft(
        kind=EXEMPTION_REMINDER,
        dedupe_key=f"{EXEMPTION_REMINDER}:{item.record_id}:{until.isoformat()}:{user.id}",
        user_id=user.id,
        recipient=str(user.email),
        subject=(
            f"[Arsip] Pengecualian berakhir {until.isoformat()}: {item.record_no}"
            f" / Exemption ends {until.isoformat()}: {item.record_no}"
        ),
        body=_compose(user, lines_id, lines_en),
        record_id=item.record_id,
    )


# ---- retention due ---------------------------------------------------------------------------------------------------
KIND_LABELS = {
    "pemindahan": ("pemindahan ke unit kearsipan", "transfer to the records centre"),
    "pemusnahan": ("pemusnahan", "destruction"),
    "penyerahan": ("penyerahan ke lembaga kearsipan", "transfer to the archives"),
    "penilaian_kembali": ("penilaian kembali", "re-appraisal"),
}


def retention_reminders(rt: Runtime, today: date) -> list[Draft]:
    """To each arsiparis, once a month, the due dispositions of ``retention_due.due_summary`` as that user."""
    month = f"{today.year:04d}-{today.month:02d}"
    with rt.db.read() as session:
        users = mail_recipients(session, ["arsiparis"])
    drafts = []
    for user in users:
        rows = retention_due.due_summary(rt, actor_for(user), as_of=today)
        if rows:
            drafts.append(_retention_draft(rt, user, month, today, rows))
    return drafts


def _retention_draft(rt: Runtime, user: User, month: str, today: date, rows: list[retention_due.DueRow]) -> Draft:
    total = sum(r.count for r in rows)
    url = staff_url(rt, path="retensi/jatuh-tempo")
    lines_id = [f"Arsip yang jatuh tempo retensinya per {today.isoformat()}: {total}.", ""]
    lines_en = [f"Records due for disposition as of {today.isoformat()}: {total}.", ""]
    for r in rows:
        label_id, label_en = KIND_LABELS.get(r.kind, (r.kind, r.kind))
        extra_id = f" (ditahan {r.held}, vital {r.vital})" if r.held or r.vital else ""
        extra_en = f" (on hold {r.held}, vital {r.vital})" if r.held or r.vital else ""
        lines_id.append(f"- {label_id}: unit {r.processing_unit}, jatuh tempo {r.month}: {r.count} arsip{extra_id}")
        lines_en.append(f"- {label_en}: unit {r.processing_unit}, due {r.month}: {r.count} records{extra_en}")
    lines_id += ["", f"Daftar jatuh tempo: {url}"]
    lines_en += ["", f"Due list: {url}"]
    return Draft(
        kind=RETENTION_REMINDER,
        dedupe_key=f"{RETENTION_REMINDER}:{month}:{user.id}",
        user_id=user.id,
        recipient=str(user.email),
        subject=f"[Arsip] Retensi jatuh tempo {month}: {total} arsip / Retention due {month}: {total} records",
        body=_compose(user, lines_id, lines_en),
    )
