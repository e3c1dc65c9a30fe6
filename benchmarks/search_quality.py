#!/usr/bin/env python3
"""Known-item search quality over ../shared/corpus: does a staff search find the document a person has in mind,
and how high? Arsip against a naive SQLite FTS5 baseline, both over the same files and the same queries, measured
in the same run.

Arsip side: a fresh data folder (SQLite, embedded tantivy, default settings, OCR as configured by default), every
corpus file ingested as ``arsip ingest <corpus>`` does with no metadata CSV (titles are whatever ingest gives), the
index worker run until every record is extracted and indexed; each query goes through
``services.search.internal_search`` as the system actor, 100 hits, no facets, no highlights. Reused from
``--data-dir`` when that folder holds exactly these files indexed with this version's analyser and tantivy schema
(``--reindex`` rebuilds only the indexes from the stored text when just the analyser changed). Titles are fixed
when the folder is built: after a change in how records are titled, delete the folder.

Baseline: SQLite FTS5 (``unicode61 remove_diacritics 2``, no stemming) over (title, body): the title Arsip gave the
record and the ``pdftotext`` text of the file (python-docx for the DOCX), ranked by ``bm25(docs)``; the query is
every typed word quoted (``"pajak" "bumi" "dan" "bangunan"``, implicit AND), a typed phrase one quoted phrase.

Queries are generated from the corpus by fixed rules (seeded, never tuned per query, never looking at results),
each with its set of relevant files:
  title           the ``TENTANG …`` subject of the first page, lower case (``keterbukaan informasi publik``)
  title_with_type the same after the regulation type (``peraturan pemerintah tentang pengelolaan limbah …``)
  legal_ref       the document's citation as people type it (``UU 14/2008``, ``pp no 26 tahun 2002``, ``14/2008``),
                  from the file name cross-checked with the first-page heading
  stemmed         the title with one word in another form of the same root (``pengelolaan`` -> ``mengelola``),
                  from a small affix table, the new form attested in the corpus text
  phrase          a quoted 3-5 word piece of the subject; relevant: every file whose text contains it (<= 10)
  partial_title   2-3 content words of the subject in order, sometimes after ``tentang`` (<= 5 subjects)
Metrics per kind and overall: recall@1, recall@10, MRR (0 beyond rank 100), queries without any hit.

Target: Arsip MRR >= 0.95 and recall@10 >= 0.99 over all queries (the baseline shows what naive search gets).
Usage: python benchmarks/search_quality.py [--corpus PATH] [--data-dir DIR [--reindex]] [--limit N]
                                           [--queries-out FILE]
"""

from __future__ import annotations

import argparse
import csv
import fcntl
import itertools
import json
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from archive_service.config import Settings  # noqa: E402
from archive_service.db import Extraction, Record, RecordFile  # noqa: E402
from archive_service.index_worker import IndexWorker  # noqa: E402
from archive_service.runtime import Runtime  # noqa: E402
from archive_service.services import auth, index_rebuild, indexing  # noqa: E402
from archive_service.services.actor import SYSTEM  # noqa: E402
from archive_service.services.ingest import ingest_paths  # noqa: E402
from archive_service.services.search import internal_search  # noqa: E402
from indexer.analysis import ANALYZER_VERSION  # noqa: E402
from indexer.backends.tantivy_engine import SCHEMA_VERSION  # noqa: E402

WORKERS = 2  # pdftotext processes and extraction workers: the machine has 2 cores
SEED = 20260501
MAX_HITS = 100
UNIT = "korpus"
MARKER = "search-quality.json"
KINDS = ("title", "title_with_type", "legal_ref", "stemmed", "phrase", "partial_title")
MAX_TITLE_WORDS = 16  # longer subjects are pasted, not typed
MIN_FREQ = 5  # a word form counts as attested when it occurs at least this often in the corpus text
PHRASE_MAX_DOCS = 10
PARTIAL_MAX_DOCS = 5
WORST, WORST_PER_KIND = 15, 5


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- the corpus and its text --------------------------------------------------------------------------------------
@dataclass
class Doc:
    file: str  # path relative to the corpus, as in MANIFEST.csv
    path: Path
    sha256: str
    text: str = ""

    @property
    def first_page(self) -> str:
        return self.text.split("\f", 1)[0]


def corpus_docs(corpus: Path, limit: int | None) -> list[Doc]:
    with (corpus / "MANIFEST.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    if limit:
        rows = rows[:limit]
    return [Doc(row["file"], corpus / row["file"], row["sha256"]) for row in rows]


def extract_texts(docs: list[Doc]) -> float:
    """``pdftotext FILE -`` for every PDF (2 at a time), python-docx for DOCX; returns the wall time."""
    if shutil.which("pdftotext") is None:
        sys.exit("pdftotext is missing: apt-get install poppler-utils (scripts/setup.sh --test installs it)")

    def one(doc: Doc) -> None:
        if doc.path.suffix.lower() == ".docx":
            doc.text = docx_text(doc.path)
        else:
            out = subprocess.run(["pdftotext", "-q", str(doc.path), "-"], capture_output=True, check=False)
            doc.text = out.stdout.decode("utf-8", errors="replace")

    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(one, docs))
    return time.perf_counter() - started


def docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def words(text: str) -> list[str]:
    """Lower case, accents off, runs of letters and digits: how both sides compare text for relevance."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return re.findall(r"[^\W_]+", "".join(c for c in folded if not unicodedata.combining(c)))


# ---- query generation -------------------------------------------------------------------------------------------
_FUNCTION_WORDS = (
    "dan atau yang di ke dari untuk pada dalam atas tentang serta dengan oleh bagi terhadap antara sebagai "
    "secara kepada akan adalah ini itu tersebut mengenai melalui berdasarkan sesuai beserta selaku no nomor tahun "
    "the of and on in to for a an"
)
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())
STOP_LINE = re.compile(
    r"^(DENGAN RA[CK]?H?MAT|PRESIDEN|KEPALA BADAN|KAMI |MENIMBANG|MENGINGAT|MEMUTUSKAN|MENETAPKAN|BAB |PASAL |"
    r"LAMPIRAN|GUBERNUR|BUPATI|WALI ?KOTA|[A-Z]\.(\s|$)|[IVX]+\.(\s|$)|\d+\.)"
)
CUT_SUBJECT = re.compile(r"\s*\b(DENGAN RA[CK]?H?MAT|KAMI PRESIDEN|PRESIDEN REPUBLIK)\b.*$")
ODD_CHARS = re.compile(r"[^A-Za-z0-9\s,.;:()\"'“”‘’/&*-]")


@dataclass
class Heading:
    kind: str | None  # uu, pp, perpres, keppres, perka, perba, kepka (None: another or no regulation type)
    number: str | None
    year: int | None
    subject: str | None  # raw upper-case subject
    annex: bool = False  # the first page of an attachment (LAMPIRAN): the annex's own title may follow the subject


def first_page_heading(page: str) -> Heading:
    """The regulation heading of a first page: ``<TYPE> … NOMOR n TAHUN y / TENTANG / <SUBJECT>``."""
    lines = [line.strip() for line in page.splitlines()]
    nonblank = [i for i, line in enumerate(lines) if line]
    for pos, i in enumerate(nonblank[:60]):
        m = re.match(r"^TENTANG\b\s*:?\s*(.*)$", lines[i])
        if not m:
            continue
        head = " ".join(lines[j] for j in nonblank[max(0, pos - 8) : pos])
        parts = [m.group(1)] if m.group(1) else []
        for line in [line for line in lines[i + 1 : i + 20] if line][:8]:
            letters = [c for c in line if c.isalpha()]
            if not letters or sum(c.isupper() for c in letters) < 0.9 * len(letters) or STOP_LINE.match(line):
                break
            parts.append(line)
        subject = CUT_SUBJECT.sub("", " ".join(parts)).strip(" .,;:")
        kind, number, year = heading_citation(head)
        return Heading(kind, number, year, subject or None, "LAMPIRAN" in head.upper())
    return Heading(None, None, None, None)


HEADING_KINDS = (
    ("perppu", r"PERATURAN PEMERINTAH PENGGANTI UNDANG"),
    ("pp", r"PERATURAN PEMERINTAH\b"),
    ("perpres", r"PERATURAN PRESIDEN\b"),
    ("keppres", r"KEPUTUSAN PRESIDEN\b"),
    ("perka", r"PERATURAN KEPALA BADAN PENGAWAS TENAGA NUKLIR"),
    ("perba", r"PERATURAN BADAN PENGAWAS TENAGA NUKLIR"),
    ("kepka", r"KEPUTUSAN KEPALA BADAN PENGAWAS TENAGA NUKLIR"),
    ("uu", r"UNDANG[- ]UNDANG\b"),
)


def heading_citation(head: str) -> tuple[str | None, str | None, int | None]:
    text = re.sub(r"\s+", " ", re.sub(r"[‐‑–—]", "-", head.upper()))
    kind = next((k for k, pattern in HEADING_KINDS if re.search(pattern, text)), None)
    if kind == "kepka":
        m = re.search(r"NOMOR\s*:?\s*(\d+)\s*(-\s*P)?\s*/\s*KA\s*-\s*BAPETEN\s*/\s*([IVX]+)\s*-\s*(\d{2})\b", text)
        if m:
            yy = int(m.group(4))
            number = f"{int(m.group(1)):02d}{'-P' if m.group(2) else ''}/Ka-BAPETEN/{m.group(3)}-{m.group(4)}"
            return kind, number, (1900 if yy >= 50 else 2000) + yy
        return kind, None, None
    m = re.search(r"NOMOR\s*:?\s*(\d+)\s*TAHUN\s*([\dOIL]{4})\b", text)
    if m:  # the year as OCR reads it: 2O2O, 2OL9
        return kind, str(int(m.group(1))), int(m.group(2).translate(str.maketrans("OIL", "011")))
    m = re.search(r"\bNO\.?\s*(\d+)\s*\((\d+)/(\d{4})\)", text)  # UNDANG-UNDANG (UU) 1949 No. 1 (1/1949)
    if m and m.group(1) == m.group(2):
        return kind, str(int(m.group(1))), int(m.group(3))
    return kind, None, None


FILE_KINDS = {"uu": "uu", "pp": "pp", "perpres": "perpres", "kepres": "keppres", "perba": "bapeten", "perka": "bapeten"}


def file_citation(file: str) -> tuple[str, str, int] | None:
    """Type, number and year from the file name and folder (corpus README): ``uu/uu_YYYY-N.pdf`` is UU N/YYYY;
    ``bapeten/PP_26_Tahun_2002-….pdf``, ``Perba_…``, ``Perka_…``, ``Kepka_01P_Tahun_1999-…`` and the like."""
    name = file.rsplit("/", 1)[-1]
    if file.startswith("uu/"):
        m = re.fullmatch(r"uu_(\d{4})-(\d+)\.pdf", name)
        return ("uu", str(int(m.group(2))), int(m.group(1))) if m else None
    if not file.startswith("bapeten/") or file.startswith("bapeten/surat_edaran/"):
        return None
    m = re.match(r"(UU|PP|Perpres|Kepres|Perba|Perka)_(?:Nomor_)?(\d+)_Tahun_(\d{4})[-_.]", name)
    if m:
        return FILE_KINDS[m.group(1).lower()], str(int(m.group(2))), int(m.group(3))
    m = re.match(r"Kepka_(\d+)(P?)_(?:Tahun_)?(\d{4})[-_.]", name)
    if m:
        return "kepka", f"{int(m.group(1)):02d}{'-P' if m.group(2) else ''}", int(m.group(3))
    return None


@dataclass(frozen=True)
class Citation:
    kind: str
    number: str  # kepka: the full code, 01-P/Ka-BAPETEN/VI-99
    year: int


def citation_of(doc: Doc, heading: Heading) -> tuple[Citation | None, bool]:
    """The document's citation and whether its first-page heading confirms it. A heading that contradicts the file
    name (another type, number or year) gives no citation at all; a file with no readable heading keeps the one of
    its name (it is that regulation, but is never the source of a query)."""
    named = file_citation(doc.file)
    if named is None:
        return None, False
    kind, number, year = named
    if heading.kind is None or heading.number is None:
        return (Citation(kind, number, year), False) if kind not in {"bapeten", "kepka"} else (None, False)
    same_kind = heading.kind == kind or (kind == "bapeten" and heading.kind in {"perka", "perba"})
    same_number = (heading.number.split("/", 1)[0] if kind == "kepka" else heading.number) == number
    if not (same_kind and same_number and heading.year == year):
        return None, False
    return Citation(heading.kind, heading.number, year), True


CITATION_FORMS = {
    "uu": ("UU {n}/{y}", "uu no {n} tahun {y}", "undang-undang nomor {n} tahun {y}", "{n}/{y}"),
    "pp": ("pp {n}/{y}", "pp no {n} tahun {y}", "peraturan pemerintah nomor {n} tahun {y}", "{n}/{y}"),
    "perpres": ("perpres {n}/{y}", "perpres no {n} tahun {y}", "peraturan presiden nomor {n} tahun {y}", "{n}/{y}"),
    "keppres": ("keppres {n}/{y}", "keppres no {n} tahun {y}", "keputusan presiden nomor {n} tahun {y}", "{n}/{y}"),
    "perka": (
        "perka bapeten {n}/{y}",
        "perka bapeten no {n} tahun {y}",
        "peraturan kepala bapeten nomor {n} tahun {y}",
        "{n}/{y}",
    ),
    "perba": (
        "perba {n}/{y}",
        "peraturan bapeten no {n} tahun {y}",
        "peraturan badan pengawas tenaga nuklir nomor {n} tahun {y}",
        "{n}/{y}",
    ),
    "kepka": ("kepka bapeten {short} tahun {y}", "keputusan kepala bapeten nomor {n}", "{n}"),
}
TYPE_WORDS = {
    "uu": ("uu", "undang-undang"),
    "pp": ("pp", "peraturan pemerintah"),
    "perpres": ("perpres", "peraturan presiden"),
    "keppres": ("keppres", "keputusan presiden"),
    "perka": ("perka bapeten", "peraturan kepala bapeten"),
    "perba": ("perba", "peraturan bapeten"),
    "kepka": ("kepka bapeten", "keputusan kepala bapeten"),
}


def typed(subject: str) -> str:
    """A subject as a person types it: lower case, no quotes, brackets, footnote marks or trailing dots."""
    text = re.sub(r"[\"“”'‘’()\[\]{}*;:!?]", " ", subject.lower())
    tokens = [t.strip(".,") for t in text.split()]
    return " ".join(t for t in tokens if t)


def is_content(token: str) -> bool:
    """A word that carries meaning: letters only (hyphenated parts allowed), not a function word at either end."""
    ws = words(token)
    return bool(ws) and all(w.isalpha() for w in ws) and ws[0] not in FUNCTION_WORDS and ws[-1] not in FUNCTION_WORDS


def broken_words(text: str, vocab: Counter[str]) -> bool:
    """A subject whose words the text layer split (``J ENIS``, ``DOKUM EN``): two neighbours, one of them no corpus
    word, that make a corpus word together. Nobody types that, so such subjects are skipped."""
    tokens = text.split()
    for a, b in itertools.pairwise(tokens):
        if a.isalpha() and b.isalpha() and vocab[a + b] >= MIN_FREQ and min(vocab[a], vocab[b]) < MIN_FREQ:
            return True
    return False


# The stemmed queries' rule table: the *verbal family* of Indonesian derivation, the forms Arsip's lemmas join
# (docs/search.md "The Indonesian analyser"): a root, its meN-/di- verbs (…-kan/-i) and its
# process noun peN-…-an, the nasal's swallowed consonant restored (peng+vowel -> k, pen+vowel -> t, pem+vowel -> p,
# peny -> s): pengelolaan, pengelola, mengelola, dikelola and kelola are one family. Nominal derivations with their
# own meaning (ke-…-an, per-…-an, pe-…-an without a nasal, ber-, ter-, bare -an) are not swapped: "perairan" is not
# "air" and "keterbukaan" is not "buka", so a search must not treat them as the same word. Both the root and the new
# form must occur in the corpus text (MIN_FREQ times), so every swap is a real word.
VOWELS = frozenset("aeiou")


def _nasal_roots(rest: str) -> set[str]:
    """Roots behind a *nasal* ``peN``/``meN`` + ``rest`` (``rest`` is what follows ``pe``/``me``)."""
    out: set[str] = set()
    if rest.startswith("ng"):  # peng+vowel: k swallowed or a vowel root; peng+g/h/k: the root as is
        tail = rest[2:]
        out |= {tail, "k" + tail} if tail[:1] in VOWELS else ({tail} if tail[:1] in set("ghk") else set())
    elif rest.startswith("ny"):  # s swallowed
        out.add("s" + rest[2:])
    elif rest.startswith("n"):  # pen+vowel: t swallowed; pen+d/c/j/z: the root as is
        tail = rest[1:]
        out |= {"t" + tail} if tail[:1] in VOWELS else ({tail} if tail[:1] in set("dcjz") else set())
    elif rest.startswith("m"):  # pem+vowel: p swallowed; pem+b/f: the root as is
        tail = rest[1:]
        out |= {"p" + tail} if tail[:1] in VOWELS else ({tail} if tail[:1] in set("bf") else set())
    return out


def derived_roots(word: str) -> set[str]:
    """The roots a word of the verbal family may come from (empty for any other word)."""
    roots: set[str] = set()
    if word.startswith("pe") and word.endswith("an"):
        roots |= _nasal_roots(word[2:-2])
    for prefix in ("me", "di"):
        if word.startswith(prefix):
            for suffix in ("kan", "i", ""):
                if word.endswith(suffix) and len(word) > len(prefix) + len(suffix):
                    stem = word[len(prefix) : len(word) - len(suffix)]
                    roots |= _nasal_roots(stem) if prefix == "me" else {stem}
    roots.discard(word)
    return {r for r in roots if len(r) >= 4}


def _nasal(prefix: str, root: str) -> str:
    """``peN``/``meN`` + root: pe+kelola -> pengelola, me+tetap -> menetap, pe+simpan -> penyimpan."""
    first = root[0]
    if first in VOWELS or first in "gh":
        return prefix + "ng" + root
    if first == "k":
        return prefix + "ng" + root[1:]
    if first == "t":
        return prefix + "n" + root[1:]
    if first in "dcjz":
        return prefix + "n" + root
    if first == "s":
        return prefix + "ny" + root[1:]
    if first == "p":
        return prefix + "m" + root[1:]
    if first in "bfv":
        return prefix + "m" + root  # memverifikasi, not meverifikasi
    return prefix + root


def _verbs(root: str, vocab: Counter[str]) -> set[str]:
    men = _nasal("me", root)
    passive = {f"di{root}"} if vocab[men] >= MIN_FREQ else set()  # dikelola, not diluar (no meluar)
    return {men, f"{men}kan", f"{men}i", f"di{root}kan", f"di{root}i"} | passive


def _nouns(root: str) -> set[str]:
    """The process noun peN-…-an. Not the agent noun peN-: agent nouns are often words of their own (pendapat is an
    opinion, not a form of pendapatan; penganggaran is not a form of anggaran)."""
    pen = _nasal("pe", root)
    return {f"{pen}an"} if pen != "pe" + root else set()  # only a real nasal: pelayanan is its own word


def lemma_variants(word: str, vocab: Counter[str]) -> list[str]:
    """Other forms of the same verbal family, attested in the corpus, by the rule table above."""
    if word in FUNCTION_WORDS or not word.isalpha() or len(word) < 4:
        return []
    roots = {r for r in derived_roots(word) if vocab[r] >= MIN_FREQ}
    found: set[str] = set()
    for root in roots:
        found |= {root} | _verbs(root, vocab) | _nouns(root)
    if not roots and vocab[word] >= MIN_FREQ and not word.startswith(("ke", "per", "ber", "ter", "pe", "me", "di")):
        found |= _verbs(word, vocab) | _nouns(word)
    found.discard(word)
    return sorted(f for f in found if vocab[f] >= MIN_FREQ and f not in FUNCTION_WORDS)


@dataclass
class Query:
    kind: str
    query: str
    relevant: frozenset[str]
    source: str  # the file the query was drawn from (one of the relevant ones)


@dataclass
class QuerySet:
    queries: list[Query] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    _seen: set[tuple[str, str]] = field(default_factory=set)

    def add(self, kind: str, query: str, relevant: Iterable[str], source: str) -> None:
        if (kind, query) not in self._seen:
            self._seen.add((kind, query))
            self.queries.append(Query(kind, query, frozenset(relevant), source))


def rng(*key: object) -> random.Random:
    return random.Random(":".join(map(str, (SEED, *key))))


def build_queries(docs: list[Doc]) -> QuerySet:
    """Every query of every kind, by the rules in the module docstring; deterministic for a given corpus."""
    qs = QuerySet()
    vocab: Counter[str] = Counter()
    doc_words: dict[str, str] = {}
    postings: dict[str, set[str]] = {}
    for doc in docs:
        ws = words(doc.text)
        vocab.update(ws)
        doc_words[doc.file] = " " + " ".join(ws) + " "
        for w in set(ws):
            postings.setdefault(w, set()).add(doc.file)

    headings = {doc.file: first_page_heading(doc.first_page) for doc in docs}
    # subjects: normalised subject words -> files, and the typed form of each
    subjects: dict[str, tuple[str, list[str]]] = {}
    for doc in sorted(docs, key=lambda d: headings[d.file].annex):  # main documents before their attachments
        heading = headings[doc.file]
        if heading.subject is None:
            qs.skipped["no TENTANG heading"] += 1
            continue
        if ODD_CHARS.search(heading.subject):
            qs.skipped["garbled subject"] += 1
            continue
        text = typed(heading.subject)
        sw = words(text)
        if not sw or broken_words(text, vocab) or any(re.fullmatch(r"\d+[a-z]\w*|[a-z]+\d\w*", w) for w in sw):
            qs.skipped["garbled subject"] += 1
            continue
        if heading.annex:  # the subject of its main document, when the annex's first page starts with it
            named = file_citation(doc.file)
            main = [
                subjects[d.file]
                for d in docs
                if d.file in subjects and not headings[d.file].annex and named and file_citation(d.file) == named
            ]
            main = [(t, w) for t, w in main if sw[: len(w)] == w]
            if not main:
                qs.skipped["attachment without its main document's subject"] += 1
                continue
            text, sw = main[0]
        subjects[doc.file] = (text, sw)
    subject_files: dict[str, set[str]] = {}
    for file, (_text, sw) in subjects.items():
        subject_files.setdefault(" ".join(sw), set()).add(file)
    citations = {doc.file: citation_of(doc, headings[doc.file]) for doc in docs}

    # one query of each subject-based kind per distinct subject, drawn from the first of its files
    groups = [sorted(files) for _key, files in sorted(subject_files.items())]

    # title, title_with_type, stemmed
    for files in groups:
        file = files[0]
        text, sw = subjects[file]
        if len(sw) > MAX_TITLE_WORDS:
            qs.skipped[f"subject over {MAX_TITLE_WORDS} words"] += 1
            continue
        qs.add("title", text, files, file)
        kinds = {f: c.kind for f, (c, _confirmed) in ((f, citations[f]) for f in files) if c is not None}
        confirmed = [f for f in files if citations[f][1]]
        if confirmed:
            kind = kinds[confirmed[0]]
            r = rng("type", confirmed[0])
            query = f"{r.choice(TYPE_WORDS[kind])} {r.choice(('', 'tentang '))}{text}"
            qs.add("title_with_type", query, [f for f in files if kinds.get(f) == kind], file)
        tokens = text.split()
        swaps = [(i, v) for i, t in enumerate(tokens) for v in lemma_variants(t, vocab) if v not in tokens]
        if swaps:
            i, variant = rng("stem", file).choice(swaps)
            qs.add("stemmed", " ".join([*tokens[:i], variant, *tokens[i + 1 :]]), files, file)
        else:
            qs.skipped["no attested word form to swap"] += 1

    # legal_ref: one per confirmed citation
    by_citation: dict[Citation, set[str]] = {}
    by_number: dict[tuple[str, int], set[str]] = {}
    for file, (citation, _confirmed) in citations.items():
        if citation is not None:
            by_citation.setdefault(citation, set()).add(file)
            by_number.setdefault((citation.number, citation.year), set()).add(file)
    for file, (citation, confirmed) in sorted(citations.items()):
        if citation is None or not confirmed:
            continue
        form = rng("ref", citation).choice(CITATION_FORMS[citation.kind])
        n, y = citation.number, citation.year
        query = form.format(n=n, y=y, short=n.split("/", 1)[0].lower())
        bare = form in {"{n}/{y}", "{n}"}
        relevant = by_number[(n, y)] if bare else by_citation[citation]
        qs.add("legal_ref", query, relevant, file)

    # phrase: a 3-5 word piece of the subject, starting and ending with a content word, in <= 10 texts
    for file in (files[0] for files in groups):
        text = subjects[file][0]
        tokens = text.split()
        spans = [
            (i, j)
            for i in range(len(tokens))
            for j in range(i + 3, min(i + 5, len(tokens)) + 1)
            if is_content(tokens[i]) and is_content(tokens[j - 1])
        ]
        rng("phrase", file).shuffle(spans)
        for i, j in spans:
            phrase = " ".join(tokens[i:j])
            pw = words(phrase)
            candidates = set.intersection(*(postings.get(w, set()) for w in pw))
            needle = " " + " ".join(pw) + " "
            relevant = {f for f in candidates if needle in doc_words[f]}
            if file in relevant and len(relevant) <= PHRASE_MAX_DOCS:
                qs.add("phrase", f'"{phrase}"', relevant, file)
                break
        else:
            qs.skipped["no phrase in <= 10 texts"] += 1

    # partial_title: 2-3 consecutive content words of the subject (function words between them kept), sometimes
    # after "tentang"; relevant: the files whose subject holds those words in that order (<= 5)
    subject_text = {f: " " + " ".join(sw) + " " for f, (_t, sw) in subjects.items()}
    for file in (files[0] for files in groups):
        text = subjects[file][0]
        tokens = text.split()
        content = [i for i, t in enumerate(tokens) if is_content(t)]
        spans = []
        for size in (2, 3):
            for k in range(len(content) - size + 1):
                i, j = content[k], content[k + size - 1] + 1
                if j - i < len(tokens) and j - i <= size + 1:
                    spans.append((i, j))
        r = rng("partial", file)
        r.shuffle(spans)
        for i, j in spans:
            piece = " ".join(tokens[i:j])
            needle = " " + " ".join(words(piece)) + " "
            relevant = {f for f, s in subject_text.items() if needle in s}
            if len(relevant) <= PARTIAL_MAX_DOCS:
                qs.add("partial_title", ("tentang " if r.random() < 0.3 else "") + piece, relevant, file)
                break
        else:
            qs.skipped["no partial title in <= 5 subjects"] += 1
    qs.queries.sort(key=lambda q: (KINDS.index(q.kind), q.source, q.query))
    return qs


# ---- Arsip: ingest, index worker, cache -------------------------------------------------------------------------
def lock_data_dir(data_dir: Path) -> IO[str]:
    """An exclusive lock beside the data folder for the whole run: a second run on the same folder would rebuild
    it (delete it) under the first one's feet. Released when the process ends."""
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    fh = (data_dir.parent / f".{data_dir.name}.search-quality.lock").open("a+")
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        sys.exit(f"another search_quality run is using {data_dir}: wait for it or choose another --data-dir")
    return fh


def marker_for(docs: list[Doc]) -> dict[str, object]:
    """What the cache is keyed on (files, analyser and schema versions), and for the reader when and from what
    revision it was built: titles are set at ingest, so a change in how ingest titles records needs a new folder."""
    return {
        "analyzer_version": ANALYZER_VERSION,
        "schema_version": SCHEMA_VERSION,
        "files": sorted(doc.sha256 for doc in docs),
        "built": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "revision": code_revision(),
    }


def code_revision() -> str:
    """``git rev-parse --short HEAD``, with ``+changes`` when the code differs from it (read-only git calls)."""

    def git(*args: str) -> str | None:
        env = {"GIT_OPTIONAL_LOCKS": "0", "PATH": "/usr/bin:/bin"}
        try:
            out = subprocess.run(["git", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        except OSError:
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    head = git("rev-parse", "--short", "HEAD")
    changes = git("status", "--porcelain", "--untracked-files=no", "--", "archive_service", "indexer", "schemas")
    return "unknown" if head is None else head + ("+changes" if changes else "")


def arsip_runtime(data_dir: Path) -> Runtime:
    return Runtime.from_settings(Settings(data_dir=data_dir, extract_workers=WORKERS))


def prepare_arsip(docs: list[Doc], data_dir: Path, reindex: bool) -> tuple[Runtime, dict[str, float]]:
    """A runtime over a data folder holding every file extracted and indexed: reused, reindexed or built."""
    wanted = marker_for(docs)
    marker_path = data_dir / MARKER
    times: dict[str, float] = {}
    if marker_path.is_file():
        found = json.loads(marker_path.read_text())
        same_files = found.get("files") == wanted["files"] and found.get("state") == "complete"
        same_analysis = all(found.get(k) == wanted[k] for k in ("analyzer_version", "schema_version"))
        if same_files and same_analysis:
            log(
                f"reusing {data_dir} (built {found.get('built')} from {found.get('revision')}): {len(docs)} files, "
                f"analyser v{ANALYZER_VERSION}, schema v{SCHEMA_VERSION}"
            )
            rt = arsip_runtime(data_dir)
            check_complete(rt, docs)
            return rt, times
        if same_files and reindex:
            log(
                f"{data_dir}: analyser/schema changed (v{found.get('analyzer_version')}/"
                f"v{found.get('schema_version')} -> v{ANALYZER_VERSION}/v{SCHEMA_VERSION}): reindexing from stored text"
            )
            rt = arsip_runtime(data_dir)
            started = time.perf_counter()
            for name in indexing.INDEXES:
                stats = index_rebuild.reindex(rt, name)
                log(f"  {name}: {stats.records} records in {stats.seconds:.1f} s")
            times["reindex"] = time.perf_counter() - started
            check_complete(rt, docs)
            reindexed = f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')} from {code_revision()}"
            versions = {k: wanted[k] for k in ("analyzer_version", "schema_version")}
            marker_path.write_text(json.dumps({**found, **versions, "reindexed": reindexed}))
            return rt, times
        why = "other files" if not same_files else "analyser/schema changed (add --reindex to keep the text)"
        log(f"{data_dir}: {why}: rebuilding from scratch")
        shutil.rmtree(data_dir)
    elif data_dir.exists() and any(data_dir.iterdir()):
        sys.exit(f"{data_dir} is not empty and was not made by this benchmark (no {MARKER}): choose another folder")
    else:
        log(f"building {data_dir}: ingest {len(docs)} files, then extract (OCR on) and index")
    data_dir.mkdir(parents=True, exist_ok=True)
    marker_path.write_text(json.dumps({**wanted, "state": "building"}))
    rt = arsip_runtime(data_dir)
    times.update(ingest_and_index(rt, docs))
    check_complete(rt, docs)
    marker_path.write_text(json.dumps({**wanted, "state": "complete"}))
    return rt, times


def ingest_and_index(rt: Runtime, docs: list[Doc]) -> dict[str, float]:
    """``arsip ingest <files> --unit korpus`` (no metadata CSV), then ``arsip worker --once``."""
    if shutil.which("tesseract") is None:
        log("NOTE: tesseract is missing: pages without a text layer stay unread (ocr_pending) on the Arsip side")
    rt.migrate()
    auth.create_unit(rt, SYSTEM, UNIT, "Korpus")
    defaults = {"processing_unit": UNIT, "creator_org": UNIT, "classification_code": "000"}
    paths = sorted(doc.path for doc in docs)  # the order find_files gives for the corpus folder
    started = time.perf_counter()
    summary = ingest_paths(rt, SYSTEM, paths, defaults, None, workers=4)
    stored = time.perf_counter()
    if summary.failed:
        sys.exit(f"ingest failed for {len(summary.failed)} files: {[(r.path, r.error) for r in summary.failed[:5]]}")
    log(f"ingested {len(summary.ok)} files in {stored - started:.1f} s; running the index worker")
    worker = IndexWorker(rt)
    thread = threading.Thread(target=worker.run, kwargs={"once": True}, name="index-worker")
    thread.start()
    while thread.is_alive():
        thread.join(60)
        if thread.is_alive():
            log(f"  {time.perf_counter() - stored:.0f} s: {extraction_states(rt)}, outbox {indexing.backlog(rt)}")
    done = time.perf_counter()
    log(f"extracted and indexed in {done - stored:.1f} s: {extraction_states(rt)}")
    return {"ingest": stored - started, "extract_index": done - stored}


def extraction_states(rt: Runtime) -> dict[str, int]:
    with rt.db.read() as session:
        rows = session.execute(select(Extraction.state, func.count()).group_by(Extraction.state)).all()
    return {state: int(n) for state, n in rows}


def check_complete(rt: Runtime, docs: list[Doc]) -> None:
    """Every wanted file is one record, nothing is waiting in the outbox, and the internal index matches the DB."""
    IndexWorker(rt).run(once=True)  # apply anything left over (a reindex replays rows committed meanwhile)
    with rt.db.read() as session:
        shas = set(session.execute(select(RecordFile.blob_sha256)).scalars())
        pending = session.execute(select(func.count()).select_from(Extraction).where(Extraction.state == "pending"))
        pending_n = int(pending.scalar_one())
    if shas != {doc.sha256 for doc in docs}:
        sys.exit(f"the data folder holds other files than the {len(docs)} wanted: delete it or choose another")
    drift = index_rebuild.verify(rt, indexing.INTERNAL)
    backlog = indexing.backlog(rt)
    if not drift.clean or backlog["pending"] or backlog["dead"] or pending_n:
        sys.exit(f"index incomplete: drift {drift}, outbox {backlog}, {pending_n} files not extracted")


def record_files(rt: Runtime, docs: list[Doc]) -> tuple[dict[int, str], dict[str, str]]:
    """record id -> corpus file, and corpus file -> the record's title."""
    by_sha = {doc.sha256: doc.file for doc in docs}
    with rt.db.read() as session:
        rows = session.execute(select(RecordFile.record_id, RecordFile.blob_sha256, Record.title).join(Record)).all()
    return {rid: by_sha[sha] for rid, sha, _t in rows}, {by_sha[sha]: title for _r, sha, title in rows}


# ---- the baseline -----------------------------------------------------------------------------------------------
def build_baseline(docs: list[Doc], titles: dict[str, str]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    try:
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')")
    except sqlite3.OperationalError as exc:
        sys.exit(f"SQLite {sqlite3.sqlite_version} has no FTS5: {exc}")
    db.executemany(
        "INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)",
        [(i, titles[doc.file], doc.text) for i, doc in enumerate(docs)],
    )
    db.commit()
    return db


def fts_query(query: str) -> str:
    """The user's words as an FTS5 MATCH expression: each token quoted (implicit AND), a typed phrase as one."""
    phrase = query.startswith('"') and query.endswith('"') and len(query) > 2
    tokens = [query[1:-1]] if phrase else query.split()
    quoted = ['"' + t.replace('"', "") + '"' for t in tokens if words(t)]
    return " ".join(quoted)


# ---- measuring --------------------------------------------------------------------------------------------------
@dataclass
class Outcome:
    rank: int | None  # 1-based rank of the first relevant hit within MAX_HITS
    hits: int  # total matches the system reported
    ms: float


def first_relevant(files: list[str], relevant: frozenset[str]) -> int | None:
    return next((i + 1 for i, f in enumerate(files) if f in relevant), None)


def run_arsip(rt: Runtime, queries: list[Query], file_of: dict[int, str]) -> list[Outcome]:
    out = []
    for q in queries:
        params = {"q": q.query, "per_page": MAX_HITS, "facets": False, "highlight": False}
        started = time.perf_counter()
        page = internal_search(rt, SYSTEM, params)
        ms = (time.perf_counter() - started) * 1000
        files = [file_of[hit["id"]] for hit in page.hits]
        out.append(Outcome(first_relevant(files, q.relevant), page.total, ms))
    return out


def run_baseline(db: sqlite3.Connection, queries: list[Query], docs: list[Doc]) -> list[Outcome]:
    out = []
    for q in queries:
        match = fts_query(q.query)
        started = time.perf_counter()
        rows = (
            db.execute(
                "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?", (match, MAX_HITS)
            ).fetchall()
            if match
            else []
        )
        ms = (time.perf_counter() - started) * 1000
        files = [docs[rowid].file for (rowid,) in rows]
        out.append(Outcome(first_relevant(files, q.relevant), len(rows), ms))
    return out


@dataclass
class Scores:
    n: int
    r1: float
    r10: float
    mrr: float
    zero: int


def score(outcomes: list[Outcome]) -> Scores:
    n = len(outcomes)
    if not n:
        return Scores(0, 0.0, 0.0, 0.0, 0)
    return Scores(
        n,
        sum(o.rank == 1 for o in outcomes) / n,
        sum(o.rank is not None and o.rank <= 10 for o in outcomes) / n,
        sum(1 / o.rank for o in outcomes if o.rank) / n,
        sum(o.hits == 0 for o in outcomes),
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def write_queries(path: Path, queries: list[Query]) -> None:
    with path.open("w") as fh:
        for q in queries:
            row = {"kind": q.kind, "query": q.query, "relevant": sorted(q.relevant), "source": q.source}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def report(queries: list[Query], arsip: list[Outcome], base: list[Outcome]) -> tuple[Scores, Scores]:
    print(f"{'kind':<16} {'n':>4}  {'system':<8} {'R@1':>6} {'R@10':>6} {'MRR':>6} {'0-hit':>6}")
    overall = (score(arsip), score(base))
    for kind in (*KINDS, "all"):
        idx = [i for i, q in enumerate(queries) if kind in ("all", q.kind)]
        if not idx:
            continue
        for name, outcomes in (("arsip", arsip), ("fts5", base)):
            s = score([outcomes[i] for i in idx])
            label = kind if name == "arsip" else ""
            n = str(s.n) if name == "arsip" else ""
            print(f"{label:<16} {n:>4}  {name:<8} {s.r1:6.3f} {s.r10:6.3f} {s.mrr:6.3f} {s.zero:6d}")
    for name, outcomes in (("arsip", arsip), ("fts5", base)):
        ms = [o.ms for o in outcomes]
        print(f"{name} query time: p50 {percentile(ms, 50):.1f} ms, p95 {percentile(ms, 95):.1f} ms")

    def rr(o: Outcome) -> float:
        return 1 / o.rank if o.rank else 0.0

    order = sorted(range(len(queries)), key=lambda i: (rr(arsip[i]), -rr(base[i]), queries[i].kind, queries[i].query))
    per_kind: Counter[str] = Counter()
    worst = []
    for i in order:  # at most 5 of a kind, so one kind of failure does not hide the others
        if len(worst) < WORST and per_kind[queries[i].kind] < WORST_PER_KIND:
            per_kind[queries[i].kind] += 1
            worst.append(i)
    print(f"\nworst {WORST} Arsip queries, at most {WORST_PER_KIND} of a kind (rank -: not in the first {MAX_HITS})")
    for i in worst:
        q = queries[i]
        relevant = ", ".join(sorted(q.relevant)[:3]) + (f" (+{len(q.relevant) - 3})" if len(q.relevant) > 3 else "")
        ranks = f"arsip {arsip[i].rank or '-'} ({arsip[i].hits} hits), fts5 {base[i].rank or '-'} ({base[i].hits})"
        print(f"  [{q.kind}] {q.query!r} -> {relevant}: {ranks}")
    return overall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--data-dir", type=Path, default=None, help="keep (and reuse) the Arsip data folder here")
    parser.add_argument("--reindex", action="store_true", help="analyser changed: rebuild only the indexes")
    parser.add_argument("--limit", type=int, default=None, help="only the first N files of MANIFEST.csv")
    parser.add_argument("--queries-out", type=Path, default=None, help="write the query set here (JSONL)")
    args = parser.parse_args()
    if not (args.corpus / "MANIFEST.csv").is_file():
        print(f"corpus not found at {args.corpus} (no MANIFEST.csv): pass --corpus PATH", file=sys.stderr)
        sys.exit(2)

    docs = corpus_docs(args.corpus, args.limit)
    text_s = extract_texts(docs)
    qs = build_queries(docs)
    counts = Counter(q.kind for q in qs.queries)
    print(f"{len(docs)} files; pdftotext x{WORKERS}: {text_s:.1f} s")
    print(f"{len(qs.queries)} queries: " + ", ".join(f"{k} {counts[k]}" for k in KINDS))
    print("not generated: " + ", ".join(f"{reason} {n}" for reason, n in sorted(qs.skipped.items())))
    if args.queries_out:
        write_queries(args.queries_out, qs.queries)
        print(f"query set written to {args.queries_out}")

    with tempfile.TemporaryDirectory(prefix="arsip-bench-quality-") as tmp:
        data_dir = (args.data_dir or Path(tmp) / "var").resolve()
        lock = lock_data_dir(data_dir)
        rt, times = prepare_arsip(docs, data_dir, args.reindex)
        try:
            if times:
                print("arsip build: " + ", ".join(f"{k} {v:.1f} s" for k, v in times.items()))
            print(f"arsip extraction states: {extraction_states(rt)}")
            file_of, titles = record_files(rt, docs)
            base_db = build_baseline(docs, titles)
            started = time.perf_counter()
            run_arsip(rt, qs.queries[:20], file_of)  # warm the engine's readers and caches
            arsip = run_arsip(rt, qs.queries, file_of)
            base = run_baseline(base_db, qs.queries, docs)
            print(f"query phase: {time.perf_counter() - started:.1f} s for {len(qs.queries)} queries x 2 systems\n")
        finally:
            rt.close()
            lock.close()
    a, b = report(qs.queries, arsip, base)
    ratio = a.mrr / b.mrr if b.mrr else float("inf")
    target = "target=mrr>=0.95,recall10>=0.99"
    print(f"BENCH search_quality value={a.mrr:.3f} baseline={b.mrr:.3f} ratio={ratio:.3f} {target}")


if __name__ == "__main__":
    main()
