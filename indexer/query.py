"""The search box's syntax, parsed into a small tree every engine translates (DESIGN.md §2 "Search").

Syntax (documented for users in docs/search.md):

- words are ANDed: ``laporan keuangan``;
- ``OR`` between two clauses makes either enough: ``anggaran OR keuangan``;
- ``-word`` or ``NOT word`` excludes;
- ``"informasi publik"`` is a phrase;
- ``kelola*`` is a prefix (at least 2 characters before the star);
- ``field:value`` or ``field:"a phrase"`` searches one field (see :data:`indexer.model.QUERY_FIELDS`).

A syntax error (an unclosed quote, a dangling ``OR``, a lone ``-``) never fails the search: the whole input is read
again as plain words and the result says so (``fallback``). Unknown field names are plain words, so a colon in a
document number does not break anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import QUERY_FIELDS

MAX_CLAUSES = 32  # longer queries are cut: each clause costs a term lookup and the tail adds nothing useful


@dataclass(frozen=True)
class Term:
    text: str
    field: str | None = None  # None: all text fields


@dataclass(frozen=True)
class Phrase:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Prefix:
    text: str
    field: str | None = None


Leaf = Term | Phrase | Prefix


@dataclass(frozen=True)
class AnyOf:
    """Clauses joined by OR: a document matches when one of them does."""

    options: tuple[Leaf, ...]


@dataclass
class ParsedQuery:
    must: list[AnyOf] = field(default_factory=list)
    must_not: list[Leaf] = field(default_factory=list)
    fallback: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.must and not self.must_not


class QuerySyntaxError(ValueError):
    pass


_TOKEN = re.compile(
    r"""
    (?P<neg>-(?=\S))?
    (?:(?P<field>[A-Za-z_]+):)?
    (?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))
    |(?P<quote>")
    """,
    re.VERBOSE,
)


def parse_query(text: str) -> ParsedQuery:
    """Parse ``text``; on a syntax error return its plain words with ``fallback=True``."""
    try:
        return _parse(text)
    except QuerySyntaxError:
        words = [w for w in re.split(r"[\s\"]+", text) if w.strip("-*:")]
        parsed = ParsedQuery(fallback=True)
        for word in words[:MAX_CLAUSES]:
            clean = word.strip("-*:")
            if clean and clean.upper() not in {"OR", "NOT", "AND"}:
                parsed.must.append(AnyOf((Term(clean),)))
        return parsed


def _parse(text: str) -> ParsedQuery:
    parsed = ParsedQuery()
    items: list[tuple[bool, Leaf] | str] = []  # (negated, leaf) or the operator "OR"
    negate_next = False
    pos = 0
    while pos < len(text):
        if text[pos].isspace():
            pos += 1
            continue
        m = _TOKEN.match(text, pos)
        if m is None or m.group("quote"):
            raise QuerySyntaxError("unclosed quote")
        pos = m.end()
        word, phrase = m.group("word"), m.group("phrase")
        if word in {"OR", "||"} and not m.group("field") and not m.group("neg"):
            if negate_next:
                raise QuerySyntaxError("NOT before OR")
            items.append("OR")
            continue
        if word in {"NOT"} and not m.group("field") and not m.group("neg"):
            negate_next = True
            continue
        if word == "AND" and not m.group("field") and not m.group("neg"):
            continue
        leaf = _leaf(m.group("field"), phrase, word)
        if leaf is None:
            continue
        items.append((negate_next or bool(m.group("neg")), leaf))
        negate_next = False
    if negate_next:
        raise QuerySyntaxError("NOT at the end")
    _group(items, parsed)
    return parsed


def _leaf(field_name: str | None, phrase: str | None, word: str | None) -> Leaf | None:
    target = None
    if field_name is not None:
        target = QUERY_FIELDS.get(field_name.lower())
        if target is None:  # not a field: "foo:bar" is just the words
            word = f"{field_name} {word}" if word is not None else None
            phrase = f"{field_name} {phrase}" if phrase is not None else None
    if phrase is not None:
        phrase = phrase.strip()
        if not phrase:
            return None
        return Phrase(phrase, target) if " " in phrase or target is None else Term(phrase, target)
    assert word is not None
    if word.endswith("*") and len(word.rstrip("*")) >= 2 and "*" not in word.rstrip("*"):
        return Prefix(word.rstrip("*"), target)
    word = word.strip("*")
    if not word:
        return None
    if " " in word:  # an unknown field name joined to its value
        return Phrase(word, None)
    return Term(word, target)


def _group(items: list[tuple[bool, Leaf] | str], parsed: ParsedQuery) -> None:
    """Join ``a OR b`` runs into one :class:`AnyOf`; everything else is ANDed."""
    group: list[Leaf] = []
    expect_operand = False
    for item in items:
        if item == "OR":
            if not group or expect_operand:
                raise QuerySyntaxError("OR without a left side")
            expect_operand = True
            continue
        negated, leaf = item  # type: ignore[misc]
        if negated:
            if expect_operand:
                raise QuerySyntaxError("OR before an exclusion")
            _flush(group, parsed)
            group = []
            parsed.must_not.append(leaf)
            continue
        if expect_operand:
            group.append(leaf)
            expect_operand = False
        else:
            _flush(group, parsed)
            group = [leaf]
    if expect_operand:
        raise QuerySyntaxError("OR without a right side")
    _flush(group, parsed)
    del parsed.must[MAX_CLAUSES:]
    del parsed.must_not[MAX_CLAUSES:]


def _flush(group: list[Leaf], parsed: ParsedQuery) -> None:
    if group:
        parsed.must.append(AnyOf(tuple(group)))
