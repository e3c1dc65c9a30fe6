"""The Indonesian analyser, one for index and query time (DESIGN.md §2 "Indonesian text").

Steps: Unicode NFKC normalisation, case folding and accent stripping; tokenising on letters and digits; reduplication
(``surat-surat`` is ``surat``, ``sayur-mayur`` is both words); stop words; lemmas. Two token streams come out of one
text:

- **exact**: every normalised word, stop words included, in order. Phrases, the proximity signal and the ranking
  boost for the word as typed use it, so ``"informasi publik"`` means exactly those words next to each other.
- **lemmas** (the "stem" stream, for recall): each content word's lemma from :mod:`indexer.lemma`, a
  dictionary-based Nazief–Adriani analysis that maps the verbal family to its root (``pengelolaan``, ``mengelola``,
  ``dikelola`` → ``kelola``) but keeps nominal derivations apart (``perairan`` is not ``air``, ``keterbukaan`` is
  not ``buka``). It replaced Snowball plus "candidate stems", which reduced ``perairan`` to ``air`` and matched 163
  corpus documents for a word 23 of them contain: precision first, because the exact stream and typo tolerance
  already give recall for forms a dictionary does not know.

- **codes**: classification codes (``000.5.6.2``, indexed with every prefix so ``000.5`` finds it), numbers of
  laws, decrees and letters (``14/2008``, ``TT/2026/01/0001``) kept whole, and legal references as keys
  (``Undang-Undang Nomor 14 Tahun 2008`` → ``ref:uu:14:2008`` and ``ref:14:2008``, :mod:`indexer.legalref`).

Every function is pure and cached where words repeat; the indexer calls them millions of times.

Cost: on the corpus ingest (benchmarks/ingest_corpus.py, 18 million characters) ``Analyzed.of`` takes about 4 s
of CPU in the extraction workers, against about 21 s for pdfium reading the pages; shipping the joined streams to
the indexing process costs 0.1 s, and tantivy's whitespace tokenizer splitting them again is Rust. A tantivy
tokenizer for the exact stream (``Index.register_tokenizer``) would save the ~0.3 s of ``split`` and ``join``,
but tantivy-py offers no NFKC or case folding, so its tokens would not be the query path's for every text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path

from .legalref import identity, identity_kind_key, index_keys
from .lemma import lemma

# Common function words; kept in the exact stream (phrases), dropped from stems (recall) and from query words.
STOP_WORDS: frozenset[str] = frozenset(
    line.strip()
    for line in (Path(__file__).parent / "data" / "stopwords_id.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)

_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_PART = re.compile(r"[^\W_]+")
# Codes are whole whitespace-separated tokens (after trimming punctuation) of one of these shapes.
_CLASS_CODE = re.compile(r"\d{3}(?:\.\d{1,3})+")  # classification codes: 000.5.6.2, 045.2
_NUMBER = re.compile(r"[a-z0-9]+(?:/[a-z0-9.\-]*[a-z0-9])+")  # numbers of laws and letters: 14/2008, 800/123/bkd
_TRIM = ".,;:!?()[]{}<>\"'`"
MAX_TOKEN_LEN = 40  # longer "words" are noise (base64, hashes) and bloat the term dictionary


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
ANALYZER_VERSION = 4  # bump when tokens change: stored analyses of an older version are recomputed


def normalize(text: str) -> str:
    """NFKC, case-folded, accents removed: ``Pémda`` and ``PEMDA`` become ``pemda``.

    Accents are removed with one regex over the combining-mark blocks after NFD (C speed); a per-character
    ``unicodedata.combining`` loop cost more than everything else in indexing the corpus."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", _COMBINING.sub("", unicodedata.normalize("NFD", text)))


def exact_tokens(text: str) -> list[str]:
    """Every word of ``text``, normalised, stop words kept, hyphenated words split into their parts."""
    return analyze(text)[0]


def stem_tokens(text: str) -> list[str]:
    """The lemma of every content word of ``text`` (see the module docstring)."""
    return analyze(text)[1]


def analyze(text: str) -> tuple[list[str], list[str]]:
    """Both streams of ``text``: (exact words, lemmas). Normalises once.

    Written for speed (the indexer's hottest code): ``str.translate`` + ``split`` in C, and the stems looked up per
    token in a dict whose misses compute them, chained in C. The exact stream splits hyphenated words into their
    parts; the stem stream takes each hyphenated word whole, so a reduplication counts once."""
    return _analyze_normalized(normalize(text))


def _analyze_normalized(norm: str) -> tuple[list[str], list[str]]:
    words, parts = _split(norm)
    stems = list(chain.from_iterable(map(_TOKEN_STEMS.__getitem__, words)))
    _bound_token_caches()
    return _exact(parts), stems


def _exact(parts: list[str]) -> list[str]:
    """The exact stream: the parts, without over-long ones (checked once in C for the usual text that has none)."""
    if max(map(len, parts), default=0) <= MAX_TOKEN_LEN:
        return parts
    return [w for w in parts if len(w) <= MAX_TOKEN_LEN]


def _bound_token_caches() -> None:
    """Hostile text full of unique tokens cannot grow the per-token caches for ever."""
    if len(_TOKEN_STEMS) > _TOKEN_CACHE_MAX:
        _TOKEN_STEMS.clear()
    if len(_TOKEN_STEM_TEXT) > _TOKEN_CACHE_MAX:
        _TOKEN_STEM_TEXT.clear()


# ASCII text: everything but letters, digits and "-" becomes a space (other text: ``_spaced``).
_WORDS_TABLE = str.maketrans({chr(i): " " for i in range(128) if not (chr(i).isalnum() or chr(i) == "-")})


def _split(norm: str) -> tuple[list[str], list[str]]:
    """(hyphenated words, their parts) of normalised text, exactly as ``_WORD.findall`` and ``_PART.findall`` give
    them, in C: every character that is not a letter, a digit or ``-`` becomes a space (``_spaced``), then
    ``split``; hyphens not between two letters or digits are separators too (``a--b`` is ``a`` and ``b``)."""
    spaced = _spaced(norm)
    if "-" not in spaced:  # without a hyphen the parts are the words: one split
        words = spaced.split()
        return words, words
    parts = spaced.replace("-", " ").split()
    if "--" in spaced or " -" in spaced or "- " in spaced or spaced[0] == "-" or spaced[-1] == "-":
        spaced = _HYPHEN_RUN.sub(" ", f" {spaced} ").replace(" -", "  ").replace("- ", "  ")
    return spaced.split(), parts


def _spaced(norm: str) -> str:
    """``norm`` with every character that is not a letter, a digit or ``-`` replaced by a space.

    ASCII text takes ``str.translate``, which CPython runs from a cache for ASCII strings. On any other string
    ``translate`` looks every character up in the table (1.6 s for the corpus's 12 million such characters, half
    the analyser's time; a regex is no faster), so there the few kinds of separator the text holds are replaced
    one by one, each a fast C scan (0.25 s)."""
    if norm.isascii():
        return norm.translate(_WORDS_TABLE)
    separators = [ch for ch in set(norm) if ch != " " and ch != "-" and not ch.isalnum()]
    if len(separators) > _MAX_REPLACED:  # hostile text full of distinct symbols: one pass with a table instead
        return norm.translate(dict.fromkeys(map(ord, separators), " "))
    for ch in separators:
        norm = norm.replace(ch, " ")
    return norm


_MAX_REPLACED = 64
_HYPHEN_RUN = re.compile(r"--+")


class _TokenStems(dict[str, tuple[str, ...]]):
    """token (possibly hyphenated) → its lemmas, computed on first sight."""

    def __missing__(self, token: str) -> tuple[str, ...]:
        if "-" in token:
            parts = dict.fromkeys(p for p in token.split("-") if p)  # surat-surat → surat once
            value = tuple(chain.from_iterable(word_stems(p) for p in parts))
        else:
            value = word_stems(token)
        self[token] = value
        return value


_TOKEN_STEMS = _TokenStems()
_TOKEN_CACHE_MAX = 500_000


class _TokenStemText(dict[str, str]):
    """token → its lemmas space-joined ("" for none): the stem stream of ``Analyzed.of`` is then one ``join`` over
    a ``map``, in C, instead of chaining tuples into a list and joining that."""

    def __missing__(self, token: str) -> str:
        value = " ".join(_TOKEN_STEMS[token])
        self[token] = value
        return value


_TOKEN_STEM_TEXT = _TokenStemText()


@dataclass(frozen=True)
class Analyzed:
    """A text already analysed: the exact and stem streams space-joined, and its codes.

    Why it exists: analysing a large file costs more than indexing it. The worker analyses each file's text as soon
    as its extraction finishes, while the pool extracts the next files, and a record's body is then the join of its
    files' analyses."""

    exact: str = ""
    stems: str = ""
    codes: tuple[str, ...] = ()

    @classmethod
    def of(cls, text: str) -> Analyzed:
        """``text`` analysed: the streams of :func:`analyze`, joined, and its codes."""
        norm = normalize(text)  # once for both streams and the codes: on a long document it is a large share
        words, parts = _split(norm)
        stems = " ".join(filter(None, map(_TOKEN_STEM_TEXT.__getitem__, words)))
        _bound_token_caches()
        return cls(" ".join(_exact(parts)), stems, tuple(_codes_normalized(norm)))

    @classmethod
    def join(cls, parts: list[Analyzed]) -> Analyzed:
        return cls(
            " ".join(p.exact for p in parts if p.exact),
            " ".join(p.stems for p in parts if p.stems),
            tuple(dict.fromkeys(c for p in parts for c in p.codes)),
        )


def _reduplication_parts(word: str) -> tuple[str, ...]:
    if "-" not in word:
        return (word,)
    parts = tuple(dict.fromkeys(p for p in word.split("-") if p))  # surat-surat → (surat,)
    return parts


@lru_cache(maxsize=200_000)
def word_stems(word: str) -> tuple[str, ...]:
    """The lemma of one normalised word, as a tuple (empty for stop words and over-long tokens)."""
    if word in STOP_WORDS or len(word) > MAX_TOKEN_LEN:
        return ()
    if word.isdigit() or len(word) < 3:
        return (word,)
    return (lemma(word),)


def query_word_stems(word: str) -> tuple[str, ...]:
    """Stems for a word typed in the search box; a stop word typed alone still counts (as itself)."""
    norm = normalize(word)
    stems: list[str] = []
    for part in _reduplication_parts(norm):
        stems.extend(word_stems(part) or (part,))
    return tuple(dict.fromkeys(stems))


def codes(text: str) -> list[str]:
    """Codes and numbers in ``text``, whole; dotted classification codes also with every prefix.

    Token by token rather than one regex over the text: only tokens with a ``.`` or ``/`` can be codes, and
    checking those few is much faster than running a pattern at every position of a long document. Legal
    references (``Undang-Undang Nomor 14 Tahun 2008``) come as their keys (:mod:`indexer.legalref`)."""
    return _codes_normalized(normalize(text))


def _maybe_code(text: str) -> bool:
    """Whether ``text`` may hold a code: a number holds a "/", a classification code a digit, a dot and a digit.
    The full-stop after a sentence's last word is thus not looked at any further (a few ``find`` calls, in C)."""
    if "/" in text:
        return True
    dot = text.find(".", 1)
    while dot != -1:
        if text[dot - 1 : dot].isdecimal() and text[dot + 1 : dot + 2].isdecimal():  # (\d is a decimal digit)
            return True
        dot = text.find(".", dot + 1)
    return False


def _codes_normalized(norm: str) -> list[str]:
    refs = _ref_keys(norm)
    if not _maybe_code(norm):
        return refs
    found: dict[str, None] = {}
    for token in norm.split():
        if "/" in token or ("." in token and _maybe_code(token)):
            code = _as_code(token)
            if code is not None:
                _add_code(found, code)
    found.update(dict.fromkeys(refs))
    return list(found)


def _ref_keys(text: str) -> list[str]:
    """Keys of the legal references cited in ``text`` (``ref:uu:14:2008`` and the untyped ``ref:14:2008``)."""
    return index_keys(text)


IDENTITY_CHARS = 1500  # a regulation names itself in its heading, at the top of the first page


def identity_keys(title: str, description: str, body: str, file_names: Iterable[str] = ()) -> list[str]:
    """Keys of the regulation a record *is* (from its title, else its first page, else its description or a file
    name), ranked above citing records."""
    ref = identity(title, body[:IDENTITY_CHARS]) or (identity(description, "") if description else None)
    for name in file_names:
        if ref is None or not ref.kind:  # none, or one without a type: a file name may say what it is
            named = identity(name, "")
            if named is not None and (ref is None or (named.number, named.year) == (ref.number, ref.year)):
                ref = named
    if ref is None:
        return []
    return [*ref.keys(), identity_kind_key(ref.kind)] if ref.kind else list(ref.keys())


def _as_code(token: str) -> str | None:
    token = token.strip(_TRIM)
    if _CLASS_CODE.fullmatch(token) or (_NUMBER.fullmatch(token) and any(c.isdigit() for c in token)):
        return token
    return None


def classification_prefixes(code: str) -> list[str]:
    """``000.5.6.2`` → ``000``, ``000.5``, ``000.5.6``, ``000.5.6.2``."""
    parts = code.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def _add_code(found: dict[str, None], code: str) -> None:
    code = code.strip(".-/")
    if not code:
        return
    if "/" not in code and "." in code:
        for prefix in classification_prefixes(code):
            found[prefix] = None
    else:
        found[code] = None


def is_code(word: str) -> bool:
    """Whether a query word looks like a code or number that the codes field holds whole."""
    return _as_code(normalize(word)) is not None


def surface_words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, normalised word) for each word of the *original* text; snippets use the offsets.

    Normalisation can change a string's length, so offsets come from the original and each word is normalised
    on its own.
    """
    for m in _WORD.finditer(text):
        word = m.group()
        yield m.start(), m.end(), (word.lower() if word.isascii() else normalize(word))
