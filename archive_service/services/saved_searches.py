"""Saved searches: a staff member keeps the query string of an internal search under a name, to run it again.

Why only the query string: the search itself is re-run each time, with the caller's access at that moment, so a
saved search never carries results (nor a permission) from the day it was saved. Each user sees and deletes only
their own; another user's saved search answers 404 exactly like one that does not exist, so ids leak nothing.
The query string is normalised to the parameters the search understands (``q``, ``sort``, the facet filters), so
a saved link cannot smuggle anything else into the page it opens.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..db import SavedSearch
from ..errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from ..runtime import Runtime
from .actor import Actor
from .auth import authorize
from .search import FILTER_FIELDS

NAME_MAX = 100
QUERY_MAX = 2000
PER_USER_MAX = 200
KEPT_PARAMETERS = ("q", "sort", *FILTER_FIELDS)


def normalize_query(query: str) -> str:
    """The query string with only the search's own parameters, empty values dropped, in a stable order."""
    pairs = parse_qsl((query or "").strip().lstrip("?"), keep_blank_values=False)
    kept = [(k, v.strip()) for name in KEPT_PARAMETERS for k, v in pairs if k == name and v.strip()]
    return urlencode(kept)


def _require_user(actor: Actor) -> int:
    authorize(actor, "search.internal")
    if actor.user_id is None:
        raise PermissionDenied(
            "Hanya pengguna yang masuk yang dapat menyimpan pencarian.", "Only a signed-in user can save searches."
        )
    return actor.user_id


def save(rt: Runtime, actor: Actor, name: str, query: str) -> SavedSearch:
    """Keep ``query`` under ``name`` for the calling user (names are unique per user)."""
    user_id = _require_user(actor)
    name = (name or "").strip()
    normalized = normalize_query(query)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Nama wajib diisi. / A name is required."]
    elif len(name) > NAME_MAX:
        errors["name"] = [f"Nama paling panjang {NAME_MAX} karakter. / At most {NAME_MAX} characters."]
    if not normalized:
        errors["query"] = ["Tidak ada pencarian untuk disimpan. / There is no search to save."]
    elif len(normalized) > QUERY_MAX:
        errors["query"] = ["Pencarian terlalu panjang. / The search is too long."]
    if errors:
        raise ValidationFailed("Periksa isian yang ditandai.", "Check the fields marked.", errors=errors)
    duplicate = Conflict(
        f"Anda sudah punya pencarian bernama '{name}'.", f"You already have a saved search named '{name}'."
    )
    with rt.db.write() as session:
        owned = select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user_id)
        if session.execute(owned).scalar_one() >= PER_USER_MAX:
            raise Conflict(
                f"Paling banyak {PER_USER_MAX} pencarian tersimpan; hapus yang tidak dipakai.",
                f"At most {PER_USER_MAX} saved searches; delete some you no longer use.",
            )
        same = select(SavedSearch.id).where(SavedSearch.user_id == user_id, SavedSearch.name == name)
        if session.execute(same).first() is not None:
            raise duplicate
        saved = SavedSearch(user_id=user_id, name=name, query=normalized)
        session.add(saved)
        try:
            session.flush()
        except IntegrityError as exc:  # saved at the same moment from another tab
            raise duplicate from exc
        return saved


def list_for(rt: Runtime, actor: Actor) -> list[SavedSearch]:
    """The calling user's saved searches, by name."""
    authorize(actor, "search.internal")
    if actor.user_id is None:
        return []
    with rt.db.read() as session:
        q = select(SavedSearch).where(SavedSearch.user_id == actor.user_id).order_by(SavedSearch.name, SavedSearch.id)
        return list(session.execute(q).scalars())


def delete(rt: Runtime, actor: Actor, saved_id: int) -> None:
    """Delete one of the calling user's saved searches; someone else's answers 404 like a missing one."""
    user_id = _require_user(actor)
    with rt.db.write() as session:
        saved = session.get(SavedSearch, saved_id)
        if saved is None or saved.user_id != user_id:
            raise NotFound(f"Pencarian tersimpan {saved_id} tidak ada.", f"Saved search {saved_id} does not exist.")
        session.delete(saved)


__all__ = ["delete", "list_for", "normalize_query", "save"]
