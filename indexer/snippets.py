"""Highlighted snippets, computed from the stored text with the same analyser the query used.

Why not the engine's own highlighter: the stemmed stream is pre-analysed (candidate stems, see
:mod:`indexer.analysis`), so an engine highlighter would mark stems, not the words people read. Scanning a whole
document word by word in Python is too slow for large files, so a C-speed regex first finds places where a query
stem or word occurs as a substring (Indonesian affixes wrap the stem: ``pengelolaan`` contains ``elola``), and only
small windows around those places are tokenised and checked with the analyser. The output is HTML-escaped text with
``<mark>`` around matched words and nothing else unescaped.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from html import escape

from .analysis import exact_tokens, normalize, query_word_stems, surface_words, word_stems
from .query import ParsedQuery, Phrase, Prefix, Term

WINDOW_BEFORE = 80
WINDOW_AFTER = 160
MAX_CANDIDATES = 40  # places looked at per document; enough to find the densest window in practice
MAX_SCAN_CHARS = 2_000_000


@dataclass
class Highlighter:
    """What to mark, built once per query and reused for every hit."""

    words: set[str] = field(default_factory=set)  # normalised words as typed (and phrase words)
    stems: set[str] = field(default_factory=set)
    prefixes: tuple[str, ...] = ()
    needle: re.Pattern[str] | None = None

    @classmethod
    def for_query(cls, parsed: ParsedQuery) -> Highlighter:
        words: set[str] = set()
        stems: set[str] = set()
        prefixes: list[str] = []
        for group in parsed.must:
            for leaf in group.options:
                if leaf.field not in (None, "title", "body"):
                    continue
                if isinstance(leaf, Prefix):
                    prefixes.append(normalize(leaf.text))
                elif isinstance(leaf, Phrase):
                    words.update(exact_tokens(leaf.text))
                elif isinstance(leaf, Term):
                    for token in exact_tokens(leaf.text):
                        words.add(token)
                        stems.update(query_word_stems(token))
        needles = sorted({*words, *stems, *prefixes}, key=len, reverse=True)
        needle = re.compile("|".join(re.escape(n) for n in needles), re.IGNORECASE) if needles else None
        return cls(words, stems, tuple(prefixes), needle)

    def matches(self, norm_word: str) -> bool:
        """Whether a normalised document word (``surat-surat`` counts by its parts) matches the query."""
        if "-" in norm_word:
            return any(self._matches_one(part) for part in norm_word.split("-") if part)
        return self._matches_one(norm_word)

    def _matches_one(self, word: str) -> bool:
        if word in self.words or word.startswith(self.prefixes or ("\0",)):
            return True
        return any(s in self.stems for s in word_stems(word))

    def highlight_all(self, text: str) -> str:
        """The whole (short) text escaped, every matching word marked: for titles."""
        return self._render(text, 0, len(text), clip=False)

    def snippet(self, text: str, length: int = WINDOW_BEFORE + WINDOW_AFTER) -> str:
        """The best window of ``text`` around matches; the start of the text when nothing matches.

        Windows are scored by the number of *different* query needles whose regex matches fall inside them, from
        the match offsets alone (C speed); only the chosen window is tokenised, checked and rendered."""
        if not text:
            return ""
        best: tuple[int, int] | None = None
        if self.needle is not None:
            found = self.needle.finditer(text, 0, min(len(text), MAX_SCAN_CHARS))
            hits = [(m.start(), m.group().lower()) for m in itertools.islice(found, MAX_CANDIDATES * 4)]
            best_score = 0
            for i, (start, _needle) in enumerate(hits[:MAX_CANDIDATES]):
                limit = start + WINDOW_AFTER - WINDOW_BEFORE // 2
                score = len({n for pos, n in hits[i:] if pos < limit})
                if score > best_score:
                    best_score = score
                    best = (max(0, start - WINDOW_BEFORE // 2), min(len(text), start + WINDOW_AFTER))
        if best is None:
            return self._render(text, 0, min(len(text), length), clip=True)
        return self._render(text, best[0], best[1], clip=True)

    def _render(self, text: str, start: int, end: int, *, clip: bool) -> str:
        window = text[start:end]
        if clip:  # do not cut words in half at the edges
            if start > 0:
                cut = re.search(r"\s", window)
                window = window[cut.end() :] if cut and cut.end() < 30 else window
            if end < len(text):
                cut = re.search(r"\s\S*$", window)
                window = window[: cut.start()] if cut and len(window) - cut.start() < 30 else window
        parts: list[str] = []
        last = 0
        for s, e, word in surface_words(window):
            if self.matches(word):
                parts.append(escape(window[last:s]))
                parts.append(f"<mark>{escape(window[s:e])}</mark>")
                last = e
        parts.append(escape(window[last:]))
        body = " ".join("".join(parts).split())
        if clip and start > 0:
            body = "… " + body
        if clip and end < len(text):
            body += " …"
        return body
