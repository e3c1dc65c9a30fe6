"""JRA schedules: import a version from CSV or XLSX, list versions, look up classes.

An import is all or nothing: the file is parsed first (``retention.jra_import``), and rows it cannot parse are
reported, never guessed. With problems the import is refused (422, every problem listed) unless the caller asks to
``skip_invalid``, in which case the good rows become the new version and the problems are kept in the audit trail.
A ``dry_run`` only reports. Versions are never edited: a corrected JRA is a new version, and records already
classified keep the class of the version they were classified under; records without a class get one.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import func, insert, select

from retention.jra_import import JraFormatError, JraParseResult, RowProblem, read_jra
from retention.rules import longest_prefix
from schemas.validators import classification_ancestors, validate_classification_code

from ..db import JraClass, JraSchedule
from ..errors import NotFound, ValidationFailed
from ..runtime import Runtime
from . import audit
from .actor import Actor
from .auth import authorize
from .retention import classify_unassigned

MAX_JRA_BYTES = 50 * 1024 * 1024


@dataclass
class ImportOutcome:
    schedule: JraSchedule | None
    rows: int
    problems: list[RowProblem] = field(default_factory=list)
    headings: int = 0
    classified: int = 0
    dry_run: bool = False


def _problems_error(parsed: JraParseResult) -> ValidationFailed:
    return ValidationFailed(
        f"{len(parsed.problems)} baris JRA tidak dapat dibaca; perbaiki atau impor dengan lewati baris tidak sah.",
        f"{len(parsed.problems)} JRA rows could not be read; fix them or import skipping invalid rows.",
        errors={_problem_key(p): [f"{p.message_id} / {p.message_en}: {p.value!r}"] for p in parsed.problems[:200]},
        problems=[p.__dict__ for p in parsed.problems],
    )


def _problem_key(problem: RowProblem) -> str:
    return f"line {problem.line}" + (f" ({problem.column})" if problem.column else "")


def _spool(stream: BinaryIO) -> tuple[tempfile.SpooledTemporaryFile[bytes], str]:
    """Copy the upload to a seekable spool (XLSX needs seeking), hashing it, within a size limit."""
    spool: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned open)
    digest, size = hashlib.sha256(), 0
    while block := stream.read(1024 * 1024):
        size += len(block)
        if size > MAX_JRA_BYTES:
            spool.close()
            raise ValidationFailed(errors={"file": ["Berkas JRA terlalu besar. / The JRA file is too large."]})
        digest.update(block)
        spool.write(block)
    spool.seek(0)
    return spool, digest.hexdigest()


def import_schedule(
    rt: Runtime,
    actor: Actor,
    stream: BinaryIO,
    filename: str,
    *,
    name: str,
    legal_basis: str | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
) -> ImportOutcome:
    """Parse a JRA file and store it as the next version (unless ``dry_run``)."""
    authorize(actor, "jra.import")
    if not name or not name.strip():
        raise ValidationFailed(errors={"name": ["Nama JRA wajib diisi. / The JRA needs a name."]})
    spool, sha = _spool(stream)
    try:
        parsed = read_jra(spool, filename)
    except JraFormatError as exc:
        raise ValidationFailed(exc.message_id, exc.message_en, errors={"file": [str(exc)]}) from exc
    finally:
        spool.close()
    if dry_run:
        return ImportOutcome(None, len(parsed.rows), parsed.problems, parsed.headings, dry_run=True)
    if parsed.problems and not skip_invalid:
        raise _problems_error(parsed)
    if not parsed.rows:
        raise ValidationFailed(errors={"file": ["Tidak ada baris JRA yang sah. / No valid JRA rows."]})
    with rt.db.write() as session:
        version = (session.execute(select(func.max(JraSchedule.version_no))).scalar() or 0) + 1
        schedule = JraSchedule(
            version_no=version,
            name=name.strip(),
            legal_basis=legal_basis,
            source_filename=filename[:255] if filename else None,
            source_sha256=sha,
            row_count=len(parsed.rows),
            imported_by=actor.username,
        )
        session.add(schedule)
        session.flush()
        session.execute(
            insert(JraClass),
            [
                {
                    "schedule_id": schedule.id,
                    "position": position,
                    "source_line": row.line,
                    "code": row.code,
                    "record_type": row.record_type,
                    "active": row.active.to_dict(),
                    "inactive": row.inactive.to_dict(),
                    "active_years": row.active.years,
                    "inactive_years": row.inactive.years,
                    "final_disposition": str(row.disposition),
                    "disposition_note": row.disposition_note,
                    "notes": row.notes,
                }
                for position, row in enumerate(parsed.rows, start=1)
            ],
        )
        audit.append(
            session,
            actor,
            "jra.import",
            entity_type="jra_schedule",
            entity_id=schedule.id,
            changes={
                "version_no": {"before": None, "after": version},
                "name": {"before": None, "after": schedule.name},
                "source_sha256": {"before": None, "after": sha},
                "rows": {"before": None, "after": len(parsed.rows)},
                "skipped_problems": {"before": None, "after": [p.__dict__ for p in parsed.problems]},
            },
        )
        schedule_id = schedule.id
    classified = classify_unassigned(rt, actor)
    with rt.db.read() as session:
        stored = session.get(JraSchedule, schedule_id)
    return ImportOutcome(stored, len(parsed.rows), parsed.problems, parsed.headings, classified)


def import_file(rt: Runtime, actor: Actor, path: Path, **kwargs: Any) -> ImportOutcome:
    """Import from a file on the server (the CLI, the demo); only its name is kept, not where it lay."""
    with open(path, "rb") as fh:
        return import_schedule(rt, actor, fh, Path(path).name, **kwargs)


def _current_version(session: Any) -> int | None:
    return session.execute(select(func.max(JraSchedule.version_no))).scalar()


def list_schedules(rt: Runtime, actor: Actor) -> list[dict[str, Any]]:
    authorize(actor, "jra.read")
    with rt.db.read() as session:
        current = _current_version(session)
        rows = session.execute(select(JraSchedule).order_by(JraSchedule.version_no.desc())).scalars()
        return [dict(_schedule_dict(s), is_current=s.version_no == current) for s in rows]


def _schedule_dict(s: JraSchedule) -> dict[str, Any]:
    return {
        name: getattr(s, name)
        for name in (
            "id",
            "version_no",
            "name",
            "legal_basis",
            "source_filename",
            "source_sha256",
            "row_count",
            "imported_at",
            "imported_by",
        )
    }


def list_classes(
    rt: Runtime, actor: Actor, *, version_no: int | None = None, code: str | None = None
) -> list[JraClass]:
    """The classes of one version (the current one by default); with ``code``, the rows of its longest whole-level
    prefix, the first being the one a new record gets — what a classification-code picker shows."""
    authorize(actor, "jra.read")
    if code is not None:
        try:
            validate_classification_code(code)
        except Exception as exc:
            raise ValidationFailed(errors={"code": ["Kode klasifikasi tidak sah. / Invalid code."]}) from exc
    with rt.db.read() as session:
        version_no = version_no or _current_version(session)
        if version_no is None:
            return []
        schedule = session.execute(select(JraSchedule).where(JraSchedule.version_no == version_no)).scalar_one_or_none()
        if schedule is None:
            raise NotFound(f"JRA versi {version_no} tidak ada.", f"JRA version {version_no} does not exist.")
        q = select(JraClass).where(JraClass.schedule_id == schedule.id).order_by(JraClass.position)
        if code is None:
            return list(session.execute(q).scalars())
        rows = list(session.execute(q.where(JraClass.code.in_(classification_ancestors(code)))).scalars())
        chosen = set(longest_prefix(code, ((r.id, r.code) for r in rows)))
        return [r for r in rows if r.id in chosen]
