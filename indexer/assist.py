"""What a search says when the words as typed find nothing: a "did you mean" and the results without the word
that blocked the AND (docs/search.md "Zero results").

Both are decided from counts over the records the caller may see (each engine passes a counting function that
carries the caller's filters and access), never from index-wide statistics, so neither reveals a hidden record.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .analysis import normalize
from .query import AnyOf, ParsedQuery


@dataclass
class Relaxed:
    query: ParsedQuery
    dropped: list[str]


def relax(parsed: ParsedQuery, count: Callable[[AnyOf], int]) -> Relaxed | None:
    """The query without the required clauses that block it, or None when dropping cannot help.

    Clauses that match nothing visible are dropped first (all of them: a title with two misspellings); when each
    clause matches something but not together, the clause with the fewest matches goes. At least one clause stays:
    a search is never relaxed into "everything"."""
    if len(parsed.must) < 2:
        return None
    counts = [count(group) for group in parsed.must]
    blocked = [i for i, n in enumerate(counts) if n == 0]
    if not blocked:
        blocked = [min(range(len(counts)), key=lambda i: (counts[i], -i))]
    if len(blocked) >= len(parsed.must):
        return None
    words = parsed.words()
    return Relaxed(parsed.without(set(blocked)), [words[i] for i in blocked])


def suggestion(text: str, unknown: list[str], best: dict[str, str]) -> str | None:
    """The typed query with each word no visible record holds replaced by its likeliest visible neighbour.

    Replaces words in the original text (case-insensitively, whole words), so the suggestion reads as typed."""
    changed = False
    out = text
    for word in unknown:
        repl = best.get(word)
        if not repl:
            continue
        pattern = re.compile(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", re.IGNORECASE)
        new = pattern.sub(repl, out)
        if new == out:  # the typed form differs from the normalised one (accents): rebuild from the word list
            new = " ".join(repl if normalize(w) == word else w for w in out.split())
        changed = changed or new != out
        out = new
    return out if changed else None
