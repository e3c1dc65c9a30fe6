"""Retention: due lists, batches, panel appraisal, approvals, holds, executions, BagIt downloads.

Thin pages over ``services.retention_due``, ``services.disposition`` and ``services.holds``: the services check the
role, the four-eyes rule, the batch's stage and every record's guards; a refusal comes back as the service's message
beside the form that was sent, with its status (403, 409, 422), and nothing changes. The batch page shows only the
stage forms the user's role may use at the batch's current stage; each form carries the batch's version, so two
people acting on the same batch cannot overwrite each other (the second gets "reload and retry"). Batches and holds
come from the services as the user may see them: a batch line of a record the user may not read is redacted (number
and codes only, "uraian tidak ditampilkan"), a hold that covers no record the user may read is not listed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from retention.lifecycle import KIND_RULES, OPEN_BATCH_STATES, approvable_from
from schemas.enums import BatchState, DispositionKind, HoldKind, PanelOpinion
from schemas.retention import DUE_KINDS, DueListQuerySchema, DueQuerySchema

from ...downloads import file_response
from ...errors import ArsipError, ValidationFailed
from ...permissions import role_may
from ...services import disposition, holds, retention_due
from ...services.auth import validation_failed
from . import actor, bp, login_required, rt
from .messages import error_text, field_errors, in_indonesian
from .search import enum_text, page, problem_page

SIGNATORY_ROWS = 3
WITNESS_ROWS = 2
DUE_PER_PAGE = 50


def _may(action: str) -> bool:
    who = actor()
    return who.is_system or role_may(who.role, action)


def _int_or_none(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isdigit() else None


def _ids(values: list[str], field: str) -> list[int]:
    """Record ids from checkboxes or a comma-separated field; anything that is not a number is refused."""
    parts = [p.strip() for v in values for p in v.replace(";", ",").split(",") if p.strip()]
    bad = [p for p in parts if not p.isdigit() or int(p) < 1]
    if bad:
        raise ValidationFailed(
            "Periksa isian yang ditandai.",
            "Check the fields marked.",
            errors={field: [f"Bukan nomor arsip: {', '.join(bad[:5])} / Not record ids: {', '.join(bad[:5])}"]},
        )
    return list(dict.fromkeys(int(p) for p in parts))


def _filled(form: MultiDict[str, str], *names: str) -> dict[str, str]:
    """The non-empty text fields among ``names`` (optional fields left empty are not sent to the service)."""
    return {name: form[name].strip() for name in names if form.get(name, "").strip()}


# ---- due lists -----------------------------------------------------------------------------------------------------
@bp.get("/retensi")
@login_required
def retention_index() -> tuple[str, int]:
    summary, batches, error, status = None, None, None, 200
    query: dict[str, Any] = {}
    if _may("retention.due"):
        try:
            query = DueQuerySchema().load(_filled(request.args, "kind", "processing_unit", "as_of"))
            summary = retention_due.due_summary(
                rt(), actor(), as_of=query.get("as_of"), kind=query.get("kind"), unit=query.get("processing_unit")
            )
        except ValidationError as err:
            exc = validation_failed(err)
            error, status = error_text(exc) + " " + "; ".join(m for v in field_errors(exc).values() for m in v), 400
    if _may("disposition.read"):
        batches = disposition.list_batches(rt(), actor(), limit=10)
    return page(
        "staff/retention.html",
        status,
        active="retention",
        sub="due",
        summary=summary,
        batches=batches,
        error=error,
        query=query,
        kinds=DUE_KINDS,
        as_of=query.get("as_of") or rt().calendar.today(),
    )


def _due_page(args: MultiDict[str, str], status: int = 200, **extra: Any) -> tuple[str, int]:
    try:
        query = DueListQuerySchema().load(_filled(args, "kind", "processing_unit", "month", "as_of"))
        page_no = max(1, min(_int_or_none(args.get("page")) or 1, 100_000))
        found = retention_due.due_records(
            rt(),
            actor(),
            query["kind"],
            as_of=query.get("as_of"),
            unit=query.get("processing_unit"),
            month=query.get("month"),
            page=page_no,
            per_page=DUE_PER_PAGE,
        )
    except ValidationError as err:
        return problem_page(validation_failed(err), "retention")
    except ArsipError as exc:
        return problem_page(exc, "retention")
    kind = query["kind"]
    proposable = kind in {str(k) for k in DispositionKind}
    vital_ok = proposable and KIND_RULES[DispositionKind(kind)].vital_allowed
    return page(
        "staff/retention_due.html",
        status,
        active="retention",
        sub="due",
        query=query,
        found=found,
        page_no=page_no,
        pages=max(1, (found.total + DUE_PER_PAGE - 1) // DUE_PER_PAGE),
        proposable=proposable and _may("disposition.propose"),
        vital_ok=vital_ok,
        checked=set(extra.pop("checked", [])),
        **extra,
    )


@bp.get("/retensi/jatuh-tempo")
@login_required
def retention_due_records() -> tuple[str, int]:
    return _due_page(request.args)


@bp.post("/retensi/usulan")
@login_required
def retention_propose() -> BaseResponse | tuple[str, int]:
    form = request.form
    back = MultiDict(_filled(form, "kind", "processing_unit", "month", "as_of", "page"))
    try:
        data: dict[str, Any] = {
            "kind": form.get("kind", ""),
            "record_ids": _ids(form.getlist("record_ids"), "record_ids"),
        }
        if not data["record_ids"]:
            raise ValidationFailed(
                "Pilih arsip yang diusulkan.", "Choose the records to propose.", errors={"record_ids": ["—"]}
            )
        data.update(_filled(form, "note"))
        batch = disposition.propose(rt(), actor(), data)
    except ArsipError as exc:
        if isinstance(exc, ValidationFailed) or exc.status == 409:
            checked = [int(v) for v in form.getlist("record_ids") if v.isdigit()]
            return _due_page(
                back, exc.status, propose_error=error_text(exc), note=form.get("note", ""), checked=checked
            )
        return problem_page(exc, "retention")
    flash(_("Usulan %(no)s dibuat dengan %(n)d arsip.", no=batch.no, n=len(batch.items)))
    return redirect(url_for("staff.retention_batch", batch_id=batch.id))


# ---- batches -------------------------------------------------------------------------------------------------------
@bp.get("/retensi/berkas")
@login_required
def retention_batches() -> tuple[str, int]:
    kind = request.args.get("kind") or None
    state = request.args.get("state") or None
    kind = kind if kind in {str(k) for k in DispositionKind} else None
    state = state if state in {str(s) for s in BatchState} else None
    try:
        batches = disposition.list_batches(rt(), actor(), kind=kind, state=state)
    except ArsipError as exc:
        return problem_page(exc, "retention")
    return page(
        "staff/retention_batches.html",
        active="retention",
        sub="batches",
        batches=batches,
        kind=kind,
        state=state,
        kinds=[str(k) for k in DispositionKind],
        states=[str(s) for s in BatchState],
    )


def _stage_forms(batch: Any) -> dict[str, bool]:
    """Which stage forms this user may use now (the service decides; this only hides what it would refuse)."""
    rule = KIND_RULES[DispositionKind(batch.kind)]
    state, me = batch.state, actor().username
    is_open = state in {str(s) for s in OPEN_BATCH_STATES}
    panel_stage = rule.needs_panel and state == BatchState.DIUSULKAN
    return {
        "consider": panel_stage
        and _may("disposition.appraise")
        and not any(c.member == me for c in batch.considerations),
        "conclude": panel_stage and _may("disposition.appraise"),
        "approve": _may("disposition.approve") and state == approvable_from(rule),
        "refuse": _may("disposition.approve") and is_open,
        "execute": _may("disposition.execute") and state == BatchState.DISETUJUI,
        "exclude": _may("disposition.propose") and is_open,
        "package": bool(batch.package_sha256)
        and batch.kind == DispositionKind.PENYERAHAN
        and state == BatchState.DILAKSANAKAN
        and batch.package_readable,
    }


def _batch_page(batch_id: int, status: int = 200, **extra: Any) -> tuple[str, int]:
    try:
        batch = disposition.get_batch(rt(), actor(), batch_id)
    except ArsipError as exc:
        return problem_page(exc, "retention")
    rule = KIND_RULES[DispositionKind(batch.kind)]
    return page(
        "staff/retention_batch.html",
        status,
        active="retention",
        sub="batches",
        batch=batch,
        rule=rule,
        rule_label=rule.label_id if in_indonesian() else rule.label_en,
        ba_title=rule.ba_title_id if in_indonesian() else rule.ba_title_en,
        can=_stage_forms(batch),
        active_items=[i for i in batch.items if not i.excluded],
        redacted=batch.redacted_count,
        opinions=[str(o) for o in PanelOpinion],
        **stage_context(extra),
    )


def stage_context(extra: dict[str, Any]) -> dict[str, Any]:
    """What a page with stage forms (approval letter, berita acara) renders them with: today, the people rows,
    the form sent and which one failed (``run_stage``), and the rest of ``extra``."""
    return {
        "today": rt().calendar.today().isoformat(),
        "signatory_rows": SIGNATORY_ROWS,
        "witness_rows": WITNESS_ROWS,
        "form": extra.pop("form", MultiDict()),
        "failed": extra.pop("failed", None),
        **extra,
    }


def run_stage(
    name: str, call: Callable[[], Any], render: Callable[..., tuple[str, int]], done: str, target: str
) -> BaseResponse | tuple[str, int]:
    """Run one stage (``call``); a refusal re-renders the page (``render(status, **context)``) with the service's
    message beside the form sent and its input kept; success flashes ``done`` and goes to ``target``."""
    try:
        call()
    except ArsipError as exc:
        return render(
            exc.status,
            failed=name,
            stage_error=error_text(exc),
            stage_errors=field_errors(exc),
            form=request.form,
        )
    flash(done)
    return redirect(target)


@bp.get("/retensi/berkas/<int:batch_id>")
@login_required
def retention_batch(batch_id: int) -> tuple[str, int]:
    return _batch_page(batch_id)


def _stage(batch_id: int, name: str, call: Any, done: str) -> BaseResponse | tuple[str, int]:
    """Run one stage of a batch; a refusal re-renders the batch page with the message beside the form sent."""
    target = url_for("staff.retention_batch", batch_id=batch_id)
    return run_stage(name, call, lambda status, **context: _batch_page(batch_id, status, **context), done, target)


def _version() -> int | None:
    return _int_or_none(request.form.get("version"))


@bp.post("/retensi/berkas/<int:batch_id>/pertimbangan")
@login_required
def retention_consider(batch_id: int) -> BaseResponse | tuple[str, int]:
    form = request.form

    def call() -> None:
        data: dict[str, Any] = {
            "opinion": form.get("opinion", ""),
            "consideration": form.get("consideration", "").strip(),
            "exclude_record_ids": _ids(form.getlist("exclude_record_ids"), "exclude_record_ids"),
        }
        disposition.appraise(rt(), actor(), batch_id, data)

    return _stage(batch_id, "consider", call, _("Pertimbangan Anda dicatat."))


@bp.post("/retensi/berkas/<int:batch_id>/kesimpulan")
@login_required
def retention_conclude(batch_id: int) -> BaseResponse | tuple[str, int]:
    data = {"summary": request.form.get("summary", "").strip()}
    return _stage(
        batch_id,
        "conclude",
        lambda: disposition.conclude_panel(rt(), actor(), batch_id, _version(), data),
        _("Kesimpulan panitia dicatat."),
    )


def approval_letter(form: MultiDict[str, str]) -> dict[str, str]:
    """The approval letter's fields as the service's ``ApprovalSchema`` reads them (a batch's and a request
    erasure's): required ones always sent, so an empty one is the schema's message beside its field."""
    data = _filled(form, "letter_no", "letter_date", "signer_name", "signer_title", "note")
    for required in ("letter_no", "letter_date", "signer_name", "signer_title"):
        data.setdefault(required, "")
    return data


@bp.post("/retensi/berkas/<int:batch_id>/persetujuan")
@login_required
def retention_approve(batch_id: int) -> BaseResponse | tuple[str, int]:
    data = approval_letter(request.form)
    return _stage(
        batch_id,
        "approve",
        lambda: disposition.approve(rt(), actor(), batch_id, _version(), data),
        _("Persetujuan dicatat."),
    )


@bp.post("/retensi/berkas/<int:batch_id>/penolakan")
@login_required
def retention_refuse(batch_id: int) -> BaseResponse | tuple[str, int]:
    data = {"reason": request.form.get("reason", "").strip()}
    return _stage(
        batch_id,
        "refuse",
        lambda: disposition.refuse(rt(), actor(), batch_id, _version(), data),
        _("Berkas ditolak; arsipnya kembali ke status semula."),
    )


def _people(form: MultiDict[str, str], prefix: str, rows: int) -> list[dict[str, str]]:
    """Name/title(/role) rows of the berita acara; rows left entirely empty are ignored."""
    people = []
    for i in range(1, rows + 1):
        entry = {k: form.get(f"{prefix}_{k}_{i}", "").strip() for k in ("name", "title", "role")}
        if not any(entry.values()):
            continue
        if not entry["role"]:
            entry.pop("role")
        people.append(entry)
    return people


def berita_acara(form: MultiDict[str, str]) -> dict[str, Any]:
    """The berita acara's fields as the service's ``ExecutionSchema`` reads them (a batch's and a request
    erasure's), with the signatory and witness rows."""
    data: dict[str, Any] = _filled(form, "ba_no", "date", "place", "method", "location", "receiver", "note")
    data.setdefault("date", "")
    data.setdefault("place", "")
    data["signatories"] = _people(form, "sig", SIGNATORY_ROWS)
    data["witnesses"] = _people(form, "wit", WITNESS_ROWS)
    return data


@bp.post("/retensi/berkas/<int:batch_id>/pelaksanaan")
@login_required
def retention_execute(batch_id: int) -> BaseResponse | tuple[str, int]:
    data = berita_acara(request.form)
    return _stage(
        batch_id,
        "execute",
        lambda: disposition.execute(rt(), actor(), batch_id, _version(), data),
        _("Berkas dilaksanakan dan berita acara dicatat."),
    )


@bp.post("/retensi/berkas/<int:batch_id>/arsip/<int:record_id>/keluarkan")
@login_required
def retention_exclude(batch_id: int, record_id: int) -> BaseResponse | tuple[str, int]:
    data = {"reason": request.form.get("reason", "").strip()}
    return _stage(
        batch_id,
        f"exclude-{record_id}",
        lambda: disposition.exclude_item(rt(), actor(), batch_id, record_id, _version(), data),
        _("Arsip %(id)d dikeluarkan dari berkas.", id=record_id),
    )


@bp.get("/retensi/berkas/<int:batch_id>/paket")
@login_required
def retention_package(batch_id: int) -> Response | tuple[str, int]:
    """The BagIt package of an executed penyerahan, streamed (it may be large)."""
    try:
        batch = disposition.package_of(rt(), actor(), batch_id)  # 403 unless every record in it is readable
        stream = rt().blobs.open(batch.package_sha256)
    except ArsipError as exc:
        return problem_page(exc, "retention")

    name = batch.no.replace("/", "-") + ".tar"
    return file_response(stream, filename=name, mime="application/x-tar", size=batch.package_size or 0)


# ---- holds ---------------------------------------------------------------------------------------------------------
def _holds_page(status: int = 200, **extra: Any) -> tuple[str, int]:
    show = request.args.get("status")
    in_force = {"berlaku": True, "dilepas": False}.get(show or "")
    try:
        found = holds.list_holds(rt(), actor(), in_force=in_force)
    except ArsipError as exc:
        return problem_page(exc, "retention")
    return page(
        "staff/retention_holds.html",
        status,
        active="retention",
        sub="holds",
        holds=found,
        show=show,
        hold_kinds=[(str(k), enum_text("hold_kind", k)) for k in HoldKind],
        form=extra.pop("form", MultiDict({"record_ids": request.args.get("arsip", "")})),
        **extra,
    )


@bp.get("/retensi/penahanan")
@login_required
def retention_holds() -> tuple[str, int]:
    return _holds_page()


@bp.post("/retensi/penahanan")
@login_required
def retention_place_hold() -> BaseResponse | tuple[str, int]:
    form = request.form
    try:
        data: dict[str, Any] = _filled(form, "name", "kind", "reason", "reference")
        data.setdefault("name", "")
        data.setdefault("reason", "")
        data["record_ids"] = _ids([form.get("record_ids", "")], "record_ids")
        if not data["record_ids"]:
            raise ValidationFailed(
                "Periksa isian yang ditandai.",
                "Check the fields marked.",
                errors={"record_ids": ["Sebutkan sedikitnya satu nomor arsip. / Give at least one record id."]},
            )
        hold = holds.place_hold(rt(), actor(), data)
    except ArsipError as exc:
        return _holds_page(exc.status, place_error=error_text(exc), place_errors=field_errors(exc), form=form)
    flash(
        _("Penahanan \u201c%(name)s\u201d ditempatkan pada %(n)d arsip.", name=hold["name"], n=len(hold["record_ids"]))
    )
    return redirect(url_for("staff.retention_holds"))


@bp.post("/retensi/penahanan/<int:hold_id>/lepas")
@login_required
def retention_release_hold(hold_id: int) -> BaseResponse | tuple[str, int]:
    try:
        hold = holds.release_hold(rt(), actor(), hold_id, request.form.get("reason", ""))
    except ArsipError as exc:
        return _holds_page(
            exc.status,
            release_failed=hold_id,
            release_error=error_text(exc),
            release_errors=field_errors(exc),
            form=MultiDict(),
        )
    flash(_("Penahanan \u201c%(name)s\u201d dilepas.", name=hold["name"]))
    return redirect(url_for("staff.retention_holds"))
