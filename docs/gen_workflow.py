"""Generate docs/workflow.md from the workflow table the services run.

Usage (from the repository root)::

    .venv/bin/python docs/gen_workflow.py            # print the Markdown
    .venv/bin/python docs/gen_workflow.py --write    # rewrite docs/workflow.md

The diagram and both tables come from ``STEPS`` and ``TRANSITIONS`` (archive_service/workflow/table.py); the
state labels from schemas/enums.py; the initial state from the ``records.publication_state`` column default; the
calendar defaults from ``Settings``; the review lead, open categories and outbox topics from
archive_service/services/workflow.py. The only hand-written text is the prose and one sentence per guard and
effect name; ``render()`` refuses a name without its sentence, or one the services do not implement.
``tests/archive_service/test_docs.py`` fails when docs/workflow.md differs from ``render()``.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterable
from pathlib import Path
from string import Template

import archive_service
from archive_service.config import Settings
from archive_service.db import Record
from archive_service.services import workflow as svc
from archive_service.workcalendar import DEFAULT_HOLIDAYS_FILE, SlaUnit
from archive_service.workflow.table import ARCHIVAL_FIELDS, DIP_FIELDS, REVISION, STEPS, TRANSITIONS
from schemas.enums import OPEN_KIP_CATEGORIES, PUBLICATION_STATE_LABELS, PublicationState

WORKFLOW_MD = Path(__file__).with_name("workflow.md")
PACKAGE_ROOT = Path(archive_service.__file__).resolve().parent.parent
NONE = "–"

INTRO = """
Every record moves through the 14 steps of the PPID's SOP *Pengolahan Informasi Publik* (DOMAIN.md §5–6). The
states below are the values of the record's `publication_state`; a new record starts in `$initial`. The table is
data (`STEPS` and `TRANSITIONS` in `archive_service/workflow/table.py`), one function carries out any row
(`apply_transition` in `archive_service/services/workflow.py`), and `GET /api/v1/workflow` serves the same table, so
this page is what runs.

An action is `POST /api/v1/records/{id}/transitions` with `If-Match: "<version>"` and a JSON body
`{"action": …}` plus the action's payload fields. It is refused with 403 when the caller's role is not listed, 428
without `If-Match`, 409 when the version is stale or the record is not in a from-state, and 422 when a **guard**
fails. Guards are checks on the record and the request made before anything changes; **effects** are what the
action changes besides the state. Each action also closes the open step on the *kartu kontrol* (one line with who,
when, the due time and whether it was late; `GET /api/v1/records/{id}/control-card`), starts the clock of the next
step, bumps the record version and writes an audit event and outbox events.

## Time limits

SLAs are counted in working time by `archive_service/workcalendar.py`: time zone `$tz`, ISO weekdays `$workdays`,
hours `$hours` (settings `calendar_tz`, `calendar_workdays`, `calendar_hours`), minus the holidays and *cuti
bersama* listed in `$holidays` (or the file named by the `holidays_file` setting). Units ($units): minutes and
hours count working time only, days count working days at the same time of day, months count calendar months and
then move to the next working moment. The due time of the open step is the record's `step_due_at`;
`GET /api/v1/workflow/due`, `GET /api/v1/worklist` and `arsip workflow due` list what is overdue or due soon.

Two exceptions to the table's SLA:

- **Serta-merta** information (UU KIP Pasal 10) must go out *tanpa penundaan* (PerKI 1/2021 Pasal 25). "At once"
  is not a deadline anyone can meet, so the office's commitment is a setting: `serta_merta_sla`, $serta_merta by
  default. A record proposed as serta-merta is due for determination within it when the secretariat reports it
  (it skips the monthly determination cycle), and one determined serta-merta is due for publication within it.
  The same window is the floor of every deadline: no step is due the moment it opens.
- An **exemption** with an end date falls due for review $lead_days calendar days before `exemption_until`, when
  that is earlier than the SLA. Exemptions whose end date has come are returned to `dilaporkan` for a new
  determination by `arsip workflow expire` (action `buka_pengecualian`, as `system`); an exemption without expiry
  stays until the PPID ends it.
"""


def _codes(names: Iterable[object]) -> str:
    """Inline-code list; sets are sorted, sequences keep their order."""
    items = [str(n) for n in names]
    return ", ".join(f"`{name}`" for name in (sorted(items) if isinstance(names, (set, frozenset)) else items))


GUARD_TEXT: dict[str, str] = {
    "dip_fields": f"the DIP columns are filled in: {_codes(DIP_FIELDS)}",
    "has_file": "at least one file is attached to the record",
    "archival_fields": f"the archival description is complete: {_codes(ARCHIVAL_FIELDS)}, and `doc_date` "
    "(or `period_start`)",
    "proposed_category": "the request names a `kip_category`",
    "reason": "the request gives a `reason`; it is kept as `state_reason` and as the control-card note",
    "open_category": f"the request's `kip_category` is an open one ({_codes(OPEN_KIP_CATEGORIES)})",
    "security_biasa": "the record's `security_class` is `biasa_terbuka` (otherwise 409)",
    "exemption": "Pasal 17 ground, legal basis, decree number and consequence test (its signed sheet must be a file "
    "of this record) are given, with an `exemption_until` in the future, or `exemption_no_expiry` for grounds "
    f"{_codes(svc.NO_EXPIRY_GROUNDS)} only",
}
EFFECT_TEXT: dict[str, str] = {
    "issue_receipt": "issues a *tanda terima* with the next gapless number for this round; the first one also "
    "opens the *kartu kontrol* (`control_card_no`)",
    "countersign_receipt": "the secretariat countersigns the latest receipt not yet countersigned",
    "end_exemption": "clears the exemption and the category and proposes *setiap saat* (UU KIP Pasal 11(2)) "
    "for the PPID to decide again; the consequence test stays on record",
    "set_proposed_category": "stores the request's category as `proposed_kip_category`",
    "next_round": "`verification_round` goes up by one",
    "set_category": "stores the request's category as `kip_category`",
    "clear_exemption": "clears the exemption ground, basis, end date, no-expiry flag and decree number",
    "record_exemption": "sets `kip_category` to `dikecualikan`, stores the exemption fields and the consequence test",
    "publish": "sets `published_at` and `published_url` (`<public_base_url>/informasi/<id>`) and makes what the "
    "record holds now its public version (`public_version`, `public_snapshot`)",
    "unpublish": "clears `published_at`, `published_url` and the public version: nothing of the record is public",
}


def _check_vocabulary() -> None:
    used_guards = {g for t in TRANSITIONS for g in t.guards}
    used_effects = {e for t in TRANSITIONS for e in t.effects}
    problems = [f"guard {g!r} has no entry in GUARD_TEXT" for g in sorted(used_guards - GUARD_TEXT.keys())]
    problems += [f"effect {e!r} has no entry in EFFECT_TEXT" for e in sorted(used_effects - EFFECT_TEXT.keys())]
    problems += [
        f"guard {g!r} is not implemented in services.workflow" for g in sorted(used_guards - svc.GUARDS.keys())
    ]
    problems += [
        f"effect {e!r} is not implemented in services.workflow" for e in sorted(used_effects - svc.EFFECTS.keys())
    ]
    if problems:
        raise ValueError("docs/gen_workflow.py is out of date: " + "; ".join(problems))


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _state(state: PublicationState | str) -> str:
    return f"`{state}`"


def _roles(roles: frozenset[str]) -> str:
    return ", ".join(f"`{r}`" for r in sorted(roles))


def _initial_state() -> str:
    default = Record.__table__.c.publication_state.default
    return str(default.arg) if default is not None else str(PublicationState.DIHIMPUN)


def _setting(name: str) -> str:
    return str({f.name: f for f in dataclasses.fields(Settings)}[name].default)


def mermaid() -> list[str]:
    lines = ["```mermaid", "stateDiagram-v2", f"  [*] --> {_initial_state()}"]
    for t in TRANSITIONS:
        for source in sorted(t.from_states):
            lines.append(f"  {source} --> {t.to_state}: {t.action}")
    lines.append("```")
    return lines


def steps_table() -> list[str]:
    lines = [
        _row(
            ["State", "SOP step", "Langkah (Indonesian)", "Step (English)", "Roles", "SLA", "SLA (English)", "Output"]
        ),
        _row(["---"] * 8),
    ]
    for state in PublicationState:
        label_id, label_en = PUBLICATION_STATE_LABELS[state]
        name = f"{_state(state)}<br>{label_id} / {label_en}"
        step = STEPS.get(state)
        if step is None:
            lines.append(_row([name, NONE, "no open step", "", NONE, NONE, NONE, NONE]))
            continue
        lines.append(
            _row(
                [
                    name,
                    step.no,
                    step.name_id,
                    step.name_en,
                    _roles(step.roles),
                    str(step.sla),
                    step.sla.label_en(),
                    step.output_id,
                ]
            )
        )
    return lines


def transitions_table() -> list[str]:
    lines = [
        _row(["Action", "From → to", "Roles", "SOP step", "Guards", "Effects", "Payload"]),
        _row(["---"] * 7),
    ]
    for t in TRANSITIONS:
        action = f"`{t.action}`<br>{t.label_id}<br>*{t.label_en}*"
        move = f"{', '.join(_state(s) for s in sorted(t.from_states))} → {_state(t.to_state)}"
        cells = [
            action,
            move,
            _roles(t.roles),
            t.step,
            ", ".join(f"`{g}`" for g in t.guards) or NONE,
            ", ".join(f"`{e}`" for e in t.effects) or NONE,
            ", ".join(f"`{p}`" for p in t.payload) or NONE,
        ]
        lines.append(_row(cells))
    return lines


def _prose(template: str) -> list[str]:
    """``template`` with its $names filled in from code, one line per paragraph or bullet."""
    text = Template(template).substitute(
        initial=_initial_state(),
        tz=_setting("calendar_tz"),
        workdays=_setting("calendar_workdays"),
        hours=_setting("calendar_hours"),
        serta_merta=f"`{_setting('serta_merta_sla')}`",
        holidays=DEFAULT_HOLIDAYS_FILE.resolve().relative_to(PACKAGE_ROOT).as_posix(),
        units=", ".join(f"`{u.value}`" for u in SlaUnit),
        lead_days=svc.EXEMPTION_REVIEW_LEAD.days,
    )
    out: list[str] = []
    for block in text.strip().split("\n\n"):
        if block.startswith("- "):
            out += ["- " + " ".join(item.split()) for item in block[2:].split("\n- ")]
        else:
            out.append(" ".join(block.split()))
        out.append("")
    return out[:-1]


def render() -> str:
    _check_vocabulary()
    lines = [
        "# The publication workflow (SOP Pengolahan Informasi Publik)",
        "",
        "<!-- Generated by docs/gen_workflow.py from archive_service/workflow/table.py; do not edit by hand. -->",
        "",
        *_prose(INTRO),
        "",
        "## State diagram",
        "",
        "Edge labels are action names.",
        "",
        *mermaid(),
        "",
        "## Steps per state",
        "",
        "The SOP step that is open while a record is in each state, who must act, and the time limit.",
        "",
        *steps_table(),
        "",
        "## Transitions",
        "",
        *transitions_table(),
        "",
        "### Guards",
        "",
    ]
    used_guards = [g for g in GUARD_TEXT if any(g in t.guards for t in TRANSITIONS)]
    lines += [f"- `{g}`: {GUARD_TEXT[g]}." for g in used_guards]
    lines += ["", "### Effects", ""]
    used_effects = [e for e in EFFECT_TEXT if any(e in t.effects for t in TRANSITIONS)]
    for effect in used_effects:
        topic = svc.PUBLIC_INDEX_TOPICS.get(effect)
        extra = f"; emits `{topic}` for the public index" if topic else ""
        lines.append(f"- `{effect}`: {EFFECT_TEXT[effect]}{extra}.")
    lines += [
        "",
        "Every action emits the outbox event `workflow.<action>`.",
        "",
        "## Revisions of reviewed information",
        "",
        *_prose(REVISION_TEXT),
        "",
        "## Classified records",
        "",
        *_prose(CLASSIFIED_TEXT),
        "",
    ]
    return "\n".join(lines)


_REVISED_STATES = " or ".join(f"`{s}`" for s in sorted(REVISION.from_states))
REVISION_TEXT = f"""
A change by a person (not the server's own CLI) to a record in {_REVISED_STATES}
— a descriptive or DIP field, the security class, a new file — is a *revision*: the record returns to
`{REVISION.to_state}` (step {REVISION.step}) with a control-card line `{REVISION.action}` naming the changed fields and
an audit event `workflow.{REVISION.action}`, and goes through receipt, verification, report, determination and
publication again. Until it is published again, the portal, public search, OAI-PMH, the feeds, the catalogue dumps and
the public DIP show the version approved last (its fields and only its approved files). A raise of the security class
beyond *biasa/terbuka* withdraws the public version in the same transaction; so does an exemption at step 8. See
`archive_service/services/revisions.py` and `public_versions.py`.
"""

CLASSIFIED_TEXT = """
A *rahasia* or *sangat rahasia* record follows the same steps. Where a step belongs to a role not cleared for the
record's security class (the Tim Sekretariat's steps 5-7 and 9), the step falls to the PPID, who is cleared for every
class: the PPID receives, verifies, reports and determines it, sees it in its worklist, due list and notifications, and
the control card names the PPID. The Tim Pendukung of the owning unit keeps its own steps. (`permissions.acting_roles`.)
"""


def main(argv: list[str]) -> int:
    text = render()
    if "--write" in argv:
        WORKFLOW_MD.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
