"""The search box's syntax, parsed into a small tree every engine translates (DESIGN.md §2 "Search").

What a person types is mostly words, and no word may make a search fail for being common or for being punctuation.
So the syntax has few operators and everything else is a word (documented for users in docs/search.md):

- words are ANDed: ``laporan keuangan``; **function words** (``dan``, ``yang``, ``tentang`` … the stop list of
  :mod:`indexer.analysis`) are *optional* outside quotes: they help ranking (the words as typed, in order, are a
  proximity signal) but a document need not contain them. A query of function words only matches any of them;
- ``OR`` or ``ATAU``, in capitals, between two clauses makes either enough: ``anggaran OR keuangan``; lower-case
  ``or``/``atau`` and ``AND``/``NOT``/``||`` are ordinary (optional) words;
- ``-word`` excludes;
- ``"informasi publik"`` is a phrase (function words inside count);
- ``kelola*`` is a prefix (at least 2 characters before the star);
- ``field:value`` or ``field:"a phrase"`` searches one field (see :data:`indexer.model.QUERY_FIELDS`);
- a **legal reference** in any common form (``UU 14/2008``, ``undang-undang nomor 14 tahun 2008``, ``14/2008``) is
  one clause matching the regulation's key (:mod:`indexer.legalref`).

Punctuation is not a word: ``pajak & bumi``, ``pajak -``, ``menimbang :`` search ``pajak bumi``, ``pajak``,
``menimbang``. An unclosed quote reads the input again as plain words (``fallback``). A pasted paragraph (up to the
2,000 characters the API accepts) keeps its :data:`MAX_CLAUSES` most useful words: the longest distinct content
words, a rule that depends only on the query (never on index statistics, which would leak hidden records).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .analysis import STOP_WORDS, exact_tokens, is_code, normalize
from .legalref import query_kinds, query_refs
from .model import QUERY_FIELDS

MAX_CLAUSES = 32  # required clauses kept: each costs a term lookup and a pasted paragraph's tail adds nothing
MAX_OPTIONAL = 16
OR_WORDS = frozenset({"OR", "ATAU"})


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


@dataclass(frozen=True)
class Ref:
    """A legal reference: ``key`` is the most specific key (``ref:uu:14:2008``, or ``ref:14:2008`` untyped)."""

    key: str
    text: str
    field: str | None = None


Leaf = Term | Phrase | Prefix | Ref


@dataclass(frozen=True)
class AnyOf:
    """Clauses joined by OR: a document matches when one of them does."""

    options: tuple[Leaf, ...]


@dataclass
class ParsedQuery:
    must: list[AnyOf] = field(default_factory=list)
    must_not: list[Leaf] = field(default_factory=list)
    # Function words outside quotes: scored when present, never required.
    optional: list[Term] = field(default_factory=list)
    # The plain words as typed, in order, function words included: the proximity signal ("pajak bumi dan bangunan").
    sequence: list[str] = field(default_factory=list)
    # Regulation types typed without a number ("perba …", "undang-undang tentang …"): records that *are* one rank
    # first (the identity key ``kind:<kind>``); the word itself is never required.
    kinds: list[str] = field(default_factory=list)
    fallback: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.must and not self.must_not and not self.optional and not self.kinds

    def words(self) -> list[str]:
        """The typed text of every required clause, in order (what a "without this word" message names)."""
        return [" OR ".join(_leaf_text(leaf) for leaf in group.options) for group in self.must]

    def without(self, indexes: set[int]) -> ParsedQuery:
        """The same query without the required clauses at ``indexes`` (zero-result relaxation)."""
        must = [g for i, g in enumerate(self.must) if i not in indexes]
        return ParsedQuery(
            must, list(self.must_not), list(self.optional), list(self.sequence), list(self.kinds), self.fallback
        )


def _leaf_text(leaf: Leaf) -> str:
    return f'"{leaf.text}"' if isinstance(leaf, Phrase) else f"{leaf.text}*" if isinstance(leaf, Prefix) else leaf.text


class QuerySyntaxError(ValueError):
    pass


_TOKEN = re.compile(
    r"""
    (?P<neg>-(?=[^\s\-]))?
    (?:(?P<field>[A-Za-z_]+):(?=\S))?
    (?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))
    |(?P<quote>")
    """,
    re.VERBOSE,
)


def _find_refs(text: str) -> list[tuple[str, tuple[int, int]]]:
    """(most specific key, span) of each legal reference typed in ``text``."""
    return [(ref.keys()[0], span) for ref, span in query_refs(text)]


def parse_query(text: str) -> ParsedQuery:
    """Parse ``text``; an unclosed quote reads the input as plain words with ``fallback=True``."""
    text = text.replace("\x00", " ")
    refs, text = _extract_refs(text)
    kinds, type_words, text = _extract_kinds(text)
    try:
        parsed = _parse(text)
    except QuerySyntaxError:
        parsed = ParsedQuery(fallback=True)
        items: list[tuple[bool, Leaf] | str] = []
        for word in re.split(r"[\s\"]+", text):
            leaf = _leaf(None, None, word)
            if leaf is not None:
                items.append((False, leaf))
        _group(items, parsed)
    parsed.must[:0] = [AnyOf((ref,)) for ref in refs]
    parsed.kinds = kinds
    parsed.optional[:0] = type_words
    _limit(parsed)
    return parsed


def _extract_refs(text: str) -> tuple[list[Ref], str]:
    """Legal references outside quotes become :class:`Ref` clauses; their words leave the word query."""
    quoted = [m.span() for m in re.finditer(r'"[^"]*"', text)]
    refs: list[Ref] = []
    chars = list(text)
    for key, (start, end) in _find_refs(text):
        if any(s < end and start < e for s, e in quoted):
            continue
        if start > 0 and not text[start - 1].isspace():  # part of a longer token (field:value, -word)
            continue
        refs.append(Ref(key, " ".join(text[start:end].split())))
        chars[start:end] = " " * (end - start)
    return refs, "".join(chars)


def _extract_kinds(text: str) -> tuple[list[str], list[Term], str]:
    """Regulation types typed without a number leave the required words: (kinds, their words as optional, rest)."""
    quoted = [m.span() for m in re.finditer(r'"[^"]*"', text)]
    kinds: list[str] = []
    words: list[Term] = []
    chars = list(text)
    for kind, (start, end) in query_kinds(text):
        if any(s < end and start < e for s, e in quoted) or (start > 0 and not text[start - 1].isspace()):
            continue
        kinds.append(kind)
        words.append(Term(" ".join(text[start:end].split())))
        chars[start:end] = " " * (end - start)
    return list(dict.fromkeys(kinds)), words, "".join(chars)


def _parse(text: str) -> ParsedQuery:
    parsed = ParsedQuery()
    items: list[tuple[bool, Leaf] | str] = []  # (negated, leaf) or the operator "OR"
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
        if word in OR_WORDS and not m.group("field") and not m.group("neg"):
            items.append("OR")
            continue
        leaf = _leaf(m.group("field"), phrase, word)
        if leaf is None:
            continue
        items.append((bool(m.group("neg")), leaf))
    _group(items, parsed)
    return parsed


_EDGE_PUNCT = "-–—.,;:!?()[]{}<>'`&|+=~^@#$%/\\"


def _leaf(field_name: str | None, phrase: str | None, word: str | None) -> Leaf | None:
    target = None
    if field_name is not None:
        target = QUERY_FIELDS.get(field_name.lower())
        if target is None:  # not a field: "foo:bar" is just the words
            word = f"{field_name} {word}" if word is not None else None
            phrase = f"{field_name} {phrase}" if phrase is not None else None
    if phrase is not None:
        phrase = phrase.strip()
        if not phrase or (target is None and not exact_tokens(phrase) and not is_code(phrase)):
            return None
        return Phrase(phrase, target) if " " in phrase or target is None else Term(phrase, target)
    assert word is not None
    if word.endswith("*") and "*" not in word.rstrip("*"):
        stem = word.rstrip("*").strip(_EDGE_PUNCT)
        if len(stem) >= 2:
            return Prefix(stem, target)
    if target is None:
        if not is_code(word):  # codes keep their dots and slashes; any other word loses edge punctuation
            word = word.strip("*").strip(_EDGE_PUNCT + "*")
        if " " in word:  # an unknown field name joined to its value
            return Phrase(word, None) if exact_tokens(word) else None
        if not exact_tokens(word) and not is_code(word):
            return None  # punctuation is not a word
        return Term(word, None)
    word = word.strip("*")
    return Term(word, target) if word.strip() else None


def is_optional_word(leaf: Leaf) -> bool:
    """A function word typed outside quotes: every token of it is a stop word."""
    if not isinstance(leaf, Term) or leaf.field is not None or is_code(leaf.text):
        return False
    tokens = exact_tokens(leaf.text)
    return bool(tokens) and all(t in STOP_WORDS for t in tokens)


def _group(items: list[tuple[bool, Leaf] | str], parsed: ParsedQuery) -> None:
    """Join ``a OR b`` runs into one :class:`AnyOf`; everything else is ANDed; function words become optional.

    A stray ``OR`` (at either end, or twice) is ignored rather than failing the search."""
    groups: list[list[Leaf]] = []
    joined = False
    for item in items:
        if item == "OR":
            joined = bool(groups) and not joined
            continue
        negated, leaf = item  # type: ignore[misc]
        if negated:
            parsed.must_not.append(leaf)
            joined = False
            continue
        if isinstance(leaf, Term) and leaf.field is None:
            parsed.sequence.extend(exact_tokens(leaf.text))
        if joined:
            groups[-1].append(leaf)
        else:
            groups.append([leaf])
        joined = False
    for group in groups:
        if len(group) == 1 and is_optional_word(group[0]):
            parsed.optional.append(group[0])  # type: ignore[arg-type]
        else:
            parsed.must.append(AnyOf(tuple(group)))


def _limit(parsed: ParsedQuery) -> None:
    """Drop repeated clauses and keep the :data:`MAX_CLAUSES` most useful required ones (see the module docstring),
    in typed order."""
    first: dict[str, int] = {}
    for i, group in enumerate(parsed.must):
        first.setdefault(normalize(" ".join(_leaf_text(leaf) for leaf in group.options)), i)
    keep = set(sorted(first.values(), key=lambda i: -_usefulness(parsed.must[i]))[:MAX_CLAUSES])
    parsed.must = [g for i, g in enumerate(parsed.must) if i in keep]
    del parsed.must_not[MAX_CLAUSES:]
    parsed.optional = list(dict.fromkeys(parsed.optional))[:MAX_OPTIONAL]
    del parsed.sequence[64:]


def _usefulness(group: AnyOf) -> int:
    """Refs, phrases and fielded clauses first, then longer words (longer Indonesian words are rarer)."""
    leaf = group.options[0]
    if not isinstance(leaf, Term) or leaf.field is not None or len(group.options) > 1:
        return 1000
    return len(leaf.text)
