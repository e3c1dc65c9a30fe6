"""One rule, every view (issue 15, deliver 1): no function reads records — or rows built from records (files,
receipts, control cards, DIP rows, batch lines, holds, audit events, notifications) — without going through the
access rule of ``archive_service/services/access.py`` (or the public rule, ``indexing.public_condition``).

A new view that selects records and forgets the rule fails here; a function that legitimately reads without it
(the worker, the cron, a step that already loaded the record through ``load_visible``) is listed below with the
reason, and the list cannot rot: an entry whose function no longer exists, or now applies the rule, fails too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import archive_service.db as db

PACKAGE = Path(__file__).resolve().parents[2] / "archive_service"
# Names whose use in a function means it applies the rule (the access module's functions and the public rule).
RULE = {
    "visibility_filter",
    "load_visible",
    "visible_ids",
    "may_read",
    "may_read_record",
    "may_read_copy",
    "public_condition",
    "get_public_record",
    "_record_scope",  # monev: visibility_filter plus the unit filter
}
REASONS: dict[str, str] = {
    "demo/loader.py:load_demo": "the demo loader runs as the system on an empty archive",
    "demo/requests_demo.py:load_demo_requests": "the demo loader picks a published record to answer a demo request",
    "services/request_figures.py:figures": "counts requests refused per Pasal 17 ground of the cited determination "
    "(the request-level figure of the KI e-monev); names no record; the most-asked list applies visibility_filter",
    "services/requests_retention.py:_blank_notifications": "erasure blanks applicants' addresses; returns nothing",
    "services/requests_retention.py:_holds": "whether a linked record is under a legal hold blocks an erasure; "
    "the answer is a fixed sentence naming no record or hold",
    "oai/repository.py:get_item": "OAI rows are served only when is_public(record) holds (public rule, in Python)",
    "oai/repository.py:list_page": "filters by _filters(), which applies public_condition to every page",
    "oai/identity.py:rename": "copies OAI item ids and datestamps to the retired identifier; reads no record content",
    "reports/retention_docs.py:__init__": "JRA periods of the lines disposition.get_batch left readable",
    "services/holds.py:_record_ids": "raw membership, filtered by visible_ids in its only caller _visible_holds",
    "reports/sop_records.py:build_receipt": "reads receipts of a record loaded through load_visible by the caller",
    "reports/sop_records.py:build_control_card": "reads the card of a record loaded through load_visible first",
    "services/audit.py:_iter_events": "the chain verifier reads every event to check hashes; it returns no content",
    "services/audit.py:history": "called by record_history after load_visible",
    "services/cron.py:_would_expire": "the cron runs as the system",
    "services/cron.py:count_new": "the cron counts its own outgoing notifications",
    "services/cron.py:claim": "the cron's mail delivery (drafts were composed under the recipient's rule)",
    "services/cron.py:deliver": "the cron's mail delivery (drafts were composed under the recipient's rule)",
    "services/destruction.py:purge_batch": "executing an approved destruction: the system acts on the batch",
    "services/disposition.py:_records_of": "reads the records of a batch for a state change, not for display",
    "services/holds.py:release_hold": "releases the flags of the hold's records; visibility is checked before",
    "services/index_admin.py:requeue_extractions": "admin maintenance of the extraction queue (hashes only)",
    "services/index_rebuild.py:_replay_since": "the reindexer replays the outbox as the system",
    "services/indexing.py:pending_blobs": "the worker",
    "services/work_claims.py:claim_outbox": "a worker claims outbox rows (ids and leases only)",
    "shared_worker.py:_waiting_for_text": "the worker: which records still wait for their files' text (ids)",
    "services/indexing.py:sync_records": "the worker",
    "services/indexing.py:_index_records": "the worker: the internal index holds all, queries carry the filter",
    "services/indexing.py:queue_resync": "the worker's outbox",
    "services/indexing.py:_due_events": "the worker's outbox",
    "services/indexing.py:_mark_failed": "the worker's outbox",
    "services/indexing.py:dead_letters": "admin view of parked outbox rows (ids and error text only)",
    "services/indexing.py:retry_extractions": "admin maintenance of the extraction queue (hashes only)",
    "services/records.py:_assign_record_numbers": "numbering new records inside their creating transaction",
    "services/records.py:list_records": "filters by _filters(actor), whose first condition is visibility_filter",
    "services/requests.py:_delivery_files": "the applicant's delivery link: only files of the records the handler "
    "linked to the granted request (linking went through load_visible), redacted copies where part is exempted",
    "services/requests.py:effect_dip_feedback": "compares the ids of the request's own links with the latest DIP; "
    "reads no record content",
    "services/retention.py:classify_unassigned": "a system job assigning JRA classes",
    "services/search.py:_approved": "reads snapshots of hits already re-checked against public_condition",
    "services/search.py:_lagging_hidden": "receives the caller's condition as an argument (allowed)",
    "services/titles.py:_apply": "the worker applying derived titles",
    "services/transfer.py:_bag_records": "builds the transfer package of an approved batch as the system",
    "services/workflow.py:effect_countersign_receipt": "inside a transition on a record loaded via load_visible",
    "services/workflow.py:expire_exemptions": "a system job (exemptions whose term ended)",
}


def _derived_models() -> set[str]:
    names = {"Record"}
    for name in dir(db):
        table = getattr(getattr(db, name), "__table__", None)
        if table is not None and "record_id" in table.c:
            names.add(name)
    return names


def _readers() -> dict[str, bool]:
    """``module:function`` of every function that selects record-derived rows → whether it applies the rule."""
    derived = _derived_models()
    found: dict[str, bool] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            reads = False
            used: set[str] = set()
            for node in ast.walk(fn):
                if isinstance(node, ast.Name):
                    used.add(node.id)
                elif isinstance(node, ast.Attribute):
                    used.add(node.attr)
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                args = node.args
                if isinstance(func, ast.Name) and func.id == "select":
                    for arg in args:
                        base = arg.value if isinstance(arg, ast.Attribute) else arg
                        reads |= isinstance(base, ast.Name) and base.id in derived
                elif isinstance(func, ast.Attribute) and func.attr == "get" and args:
                    reads |= isinstance(args[0], ast.Name) and args[0].id in derived
            if reads:
                key = f"{path.relative_to(PACKAGE).as_posix()}:{fn.name}"
                found[key] = bool(used & RULE)
    return found


def test_every_reader_of_records_applies_the_one_rule_or_says_why_not() -> None:
    readers = _readers()
    forgetting = sorted(key for key, applies in readers.items() if not applies and key not in REASONS)
    assert not forgetting, (
        "these functions read records (or rows built from records) without services/access.py: "
        f"{forgetting}; apply the rule, or add the function to REASONS with why it may not"
    )


def test_the_exception_list_does_not_rot() -> None:
    readers = _readers()
    stale = sorted(key for key in REASONS if readers.get(key, True))
    assert not stale, f"REASONS lists functions that no longer read records without the rule: {stale}"
