"""Spelling neighbours of a typed word, for typo tolerance and "did you mean" in every engine.

Why generate the neighbours instead of letting the engine expand a fuzzy term: the engine's expansion reads the
whole term dictionary, hidden records included, and its matches cannot be weighted by how common each neighbour is
among the records the caller may see. Generated neighbours are checked one by one against the caller's visible set
(:class:`indexer.backends.tantivy_engine._QueryContext`), so typo tolerance reveals nothing and the likelier
correction ranks first (Norvig's spelling corrector, distance 1 with transpositions).
"""

from __future__ import annotations

from functools import lru_cache

ALPHABET = "abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=4096)
def edits1(word: str) -> tuple[str, ...]:
    """Every string one deletion, transposition, substitution or insertion away from ``word``, without ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out: dict[str, None] = {}
    for left, right in splits:
        if right:
            out[left + right[1:]] = None
        if len(right) > 1:
            out[left + right[1] + right[0] + right[2:]] = None
        for c in ALPHABET:
            if right:
                out[left + c + right[1:]] = None
            out[left + c + right] = None
    out.pop(word, None)
    return tuple(w for w in out if len(w) >= 2)


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Damerau–Levenshtein without repeated edits of one substring)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]
