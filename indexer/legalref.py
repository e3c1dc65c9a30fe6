"""Legal references (citations of regulations and official letters) as first-class search terms.

Why: people look for a regulation by its citation, and no two people write one the same way. The user types
``UU 14/2008``, ``14/2008`` or ``uu no 14 tahun 2008``; the documents say ``Undang-Undang Nomor 14 Tahun 2008``,
``UNDANG-UNDANG REPUBLIK INDONESIA NOMOR 14 TAHUN 2008``, ``UU No. 14 Th. 2008``, and batch-ingested files are titled
``PP_26_Tahun_2002-Keselamatan...``. Word search cannot join these (``nomor``, ``tahun`` and ``14`` are everywhere),
so each citation is reduced to one key of type + number + year, indexed as a raw term and looked up as one:

- ``ref:uu:14:2008`` — the typed key: exactly this regulation;
- ``ref:14:2008`` — the untyped key: anything numbered 14 of 2008, for a citation typed without its type.

The module is pure (no I/O) and fast enough for whole documents: it scans for digits followed by a year joint
(``Tahun 2008``, ``/2008``, ``/Ka-BAPETEN/V-99``) and only around such a hit looks back for ``Nomor`` and a type
(``Peraturan Menteri Dalam Negeri``, ``Perka``...). ``identity`` tells which regulation a document *is* (from its
title or the heading of its first page), so that ranking can put the regulation above documents that merely cite it.

The forms, kinds and limits are documented for users in ``docs/legal-references.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["KINDS", "LegalRef", "find_refs", "identity", "index_keys", "query_refs"]

_I = re.IGNORECASE

MIN_YEAR = 1945
MAX_YEAR = 2100
_TWO_DIGIT_PIVOT = 45  # a two-digit year yy is 19yy from 45 up, else 20yy (only in "…/Ka-BAPETEN/V-99" numbers)


@dataclass(frozen=True, slots=True)
class LegalRef:
    """One regulation or letter, as cited.

    ``kind`` is a canonical type from :data:`KINDS`, or ``""`` when the citation names no type (``14/2008``,
    ``Nomor 14 Tahun 2008``): such a partial reference has only the untyped key. ``number`` is the number without
    leading zeros and, when it has one, its letter suffix in lower case without separator (``01-P`` and ``01P``
    are both ``"1p"``). ``year`` is the four-digit year.
    """

    kind: str
    number: str
    year: int

    @property
    def partial(self) -> bool:
        """Whether the citation named no type."""
        return not self.kind

    def keys(self) -> tuple[str, ...]:
        """``("ref:uu:14:2008", "ref:14:2008")``; a partial reference has only the untyped key."""
        untyped = f"ref:{self.number}:{self.year}"
        return (f"ref:{self.kind}:{self.number}:{self.year}", untyped) if self.kind else (untyped,)

    def __str__(self) -> str:
        label = KINDS.get(self.kind, "")
        return f"{label} {self.number}/{self.year}" if label else f"{self.number}/{self.year}"


# -- the types ---------------------------------------------------------------------------------------------------

_S = r"[\s_]+"  # words are separated by whitespace (line breaks included) or, in file names, underscores


def _ocr(word: str) -> str:
    """``word`` with one optional space between its letters: OCR splits words (``PERATURAN PEM ERINTAH``)."""
    return "[ ]?".join(word)


def _name(*words: str) -> str:
    """A long name: its words separated by whitespace, long words allowed OCR's stray spaces."""
    return _S.join(_ocr(w) if len(w) >= 6 else w for w in words)


# Undang-Undang, Undang Undang, UndangUndang, UNDANG - UNDANG
_UNDANG = rf"{_ocr('undang')}[\s_]*[-\u2010\u2011\u2013\u2014]?[\s_]*{_ocr('undang')}"

# Strict types are followed by nothing but "Republik Indonesia" and an abbreviation in brackets before the number;
# free types by the name of a minister, region or agency ("Peraturan Menteri Dalam Negeri", "Perda Kota Bandung").
_STRICT, _FREE = "strict", "free"
_AGENCIES = rf"(?:bapeten|anri|arsip{_S}nasional|lkpp|bkn|bps|bpom|lan|bsn|bnpb|brin)"  # "Peraturan BAPETEN"

# kind, label, filler class, long names, abbreviations; tried in this order, so longer names come first.
_TYPES: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("perpu", "Perpu", _STRICT, (_name("peraturan", "pemerintah", "pengganti") + _S + _UNDANG,), ("perppu", "perpu")),
    ("uudrt", "UU Darurat", _STRICT, (rf"{_UNDANG}{_S}{_ocr('darurat')}",), (r"uu[\s_]*drt\.?", rf"uu{_S}darurat")),
    ("uu", "UU", _STRICT, (rf"{_UNDANG}(?!{_S}dasar)",), ("uu",)),
    ("pp", "PP", _STRICT, (_name("peraturan", "pemerintah"),), ("pp",)),
    ("perpres", "Perpres", _STRICT, (_name("peraturan", "presiden"),), ("perpres",)),
    ("penpres", "Penpres", _STRICT, (_name("penetapan", "presiden"),), ("penpres",)),  # 1959-1966
    ("keppres", "Keppres", _STRICT, (_name("keputusan", "presiden"),), ("keppres", "kepres")),
    ("inpres", "Inpres", _STRICT, (_name("instruksi", "presiden"),), ("inpres",)),
    ("perma", "Perma", _STRICT, (_name("peraturan", "mahkamah", "agung"),), ("perma",)),
    ("sema", "SEMA", _STRICT, (_name("surat", "edaran", "mahkamah", "agung"),), ("sema",)),
    ("permen", "Permen", _FREE, (_name("peraturan", "menteri"),), (r"permen[a-z]*", "pmk")),
    ("kepmen", "Kepmen", _FREE, (_name("keputusan", "menteri"),), (r"kepmen[a-z]*", "kmk")),
    ("perda", "Perda", _FREE, (_name("peraturan", "daerah"), "qanun"), ("perda",)),  # Qanun: Aceh's Perda
    ("pergub", "Pergub", _FREE, (_name("peraturan", "gubernur"),), ("pergub",)),
    ("perbup", "Perbup", _FREE, (_name("peraturan", "bupati"),), ("perbup",)),
    ("perwal", "Perwal", _FREE, (_name("peraturan", "wali") + r"[\s_]*kota",), ("perwali", "perwal", "perwako")),
    ("perdes", "Perdes", _FREE, (_name("peraturan", "desa"),), ("perdes",)),
    ("perki", "Perki", _FREE, (_name("peraturan", "komisi", "informasi"),), ("perki",)),
    (
        "perka",
        "Perka",
        _FREE,
        (_name("peraturan") + _S + r"(?:kepala|badan|lembaga)", _name("peraturan") + _S + _AGENCIES),
        ("perka", "perba"),
    ),
    ("kepka", "Kepka", _FREE, (_name("keputusan", "kepala"),), ("kepka",)),
    ("se", "SE", _FREE, (_name("surat", "edaran"),), ("se",)),
    ("sk", "SK", _FREE, (_name("surat", "keputusan"), _name("keputusan")), ("sk",)),
)

KINDS: dict[str, str] = {kind: label for kind, label, *_ in _TYPES}  # canonical kind -> display label

_FILLER_CLASS: dict[str, str] = {kind: filler for kind, _, filler, *_ in _TYPES}

# The State and regional gazettes are numbered per year too ("Lembaran Negara Nomor 126 Tahun 1957", "Berita Negara
# Republik Indonesia Nomor 535 Tahun 2011"), but a gazette number is not a regulation: such a hit is dropped.
_GAZETTE_BEFORE = re.compile(
    r"(?<![a-z])(?:(?:lembaran|berita)[\s_]*-?[\s_]*(?:negara|daerah)|t?ln|lnri|bnri)(?![a-z])[^0-9;:]{0,60}\Z", _I
)


# Types are found in the lower-cased text before a number by one pattern of plain alternatives grouped by their first
# letter: a pattern that starts with literal letters lets the regex engine skip in C to the next candidate letter
# (IGNORECASE, a leading look-behind or named groups would make it try every alternative at every position). Which
# kind was found is then read from the short match by a second pattern with one group per kind.
def _scan_pattern() -> str:
    by_initial: dict[str, list[str]] = {}
    for *_, longs, abbrevs in _TYPES:
        for alt in (*longs, *abbrevs):
            assert alt[0].isalpha(), alt  # every name starts with a plain letter
            by_initial.setdefault(alt[0], []).append(alt[1:])
    # the word-start check comes after the first letter, where it does not get in the engine's way
    groups = (f"{c}(?<![a-z0-9]{c})(?:{'|'.join(rests)})" for c, rests in by_initial.items())
    return f"(?:{'|'.join(groups)})(?![a-z])"


_TYPE_SCAN = re.compile(_scan_pattern())
_KIND_OF = re.compile("|".join(f"(?P<{k}>{'|'.join((*longs, *abbrevs))})" for k, _, _, longs, abbrevs in _TYPES))

# What may stand between a type and "Nomor". Free fillers stop at words that end a name or start another citation.
_STOP = (
    r"tentang|nomor|nomer|no|nr|tahun|th|peraturan|keputusan|undang|instruksi|surat|pasal|ayat|huruf|angka|yang|"
    r"ini|itu|tersebut|sebagaimana|dimaksud|pada|oleh|untuk|ke|di|dari|sejak|berlaku|sesuai|atas|terhadap|bahwa|"
    r"dengan|lampiran|jo|juncto|atau|lembaran|berita|tambahan"
)
_TAIL = r"[\s_.:\-]*"
_GAPS = {
    _STRICT: re.compile(
        rf"(?:{_S}(?:negara{_S})?republik{_S}indonesia(?:{_S}serikat)?|{_S}ri)?(?:[\s_]*\([a-z. ]{{1,15}}\))?{_TAIL}",
        _I,
    ),
    _FREE: re.compile(rf"(?:{_S}(?!(?:{_STOP})(?![a-z]))[a-z][a-z.&'()/\-]*){{0,12}}{_TAIL}", _I),
}
# "SK"/"Surat Keputusan" followed by one of these words is the more precise kind: "SK Kepala BAPETEN" is a Kepka.
_SK_REFINE = {"presiden": "keppres", "menteri": "kepmen", "kepala": "kepka"}
_FIRST_WORD = re.compile(r"[\s_]*([a-z]+)", _I)
_LOOKBACK = 240  # characters before "Nomor" searched for a type: the longest free filler fits
_NEAR = 100  # looked at first; as far as the joints valid only right after a type look ("UU 14 2008")
_LONGEST_PREFIX = 40  # of a name that ends in another: "Peraturan Pemerintah Pengganti " + "Undang-Undang"

# -- number + year -------------------------------------------------------------------------------------------------

_NOMOR = rf"(?:{_ocr('nomor')}|nomer|nmr|no|nr)"
_TAHUN = rf"(?:{_ocr('tahun')}|thn|th)"
_NOMOR_TAIL = re.compile(rf"(?<![a-z]){_NOMOR}[\s_.:]*\Z", _I)
_ROMAN = r"(?:i{1,3}|iv|vi{0,3}|ix|xi{0,2})"
# A number (1-4 digits, an optional letter suffix) and one of the year joints. The number must not continue a
# longer number, a date or a letter number ("01/12/2008", "800/123/..."); "No14" and "NOMOR14" (OCR) may be glued.
# The pattern starts with a plain digit and checks what precedes that digit afterwards: a leading look-behind would
# stop the regex engine from skipping quickly to the next digit, which is most of the cost on a long text; the
# possessive quantifiers (Python 3.11) spare it retrying shorter numbers that cannot match either.
_CORE = re.compile(
    r"(?P<lead>[0-9])(?<![0-9/][0-9])(?<![0-9][.,\-][0-9])(?:(?<![a-z][0-9])|(?<=no[0-9])|(?<=nr[0-9])|(?<=nomor[0-9]))"
    r"(?P<num>[0-9]{0,3}+)(?![0-9])(?:[\-.]?(?P<sfx>[a-z])(?![a-z]))?+[\s_]*+"
    r"(?:"
    # 14 Tahun 2008, 14 Th. 2008; OCR reads digits as letters: "TAHUN 2O2O", "2OL9", "2OI8"
    rf"{_TAHUN}(?![a-z])\.?[\s_.:]*(?P<tahun>[12][0-9oli]{{3}})(?![0-9a-z])"
    r"|/[\s_]*(?P<slash>[12][0-9]{3})(?![0-9a-z/])"  # 14/2008, 14 / 2008
    # letter numbers: 01-P/Ka-BAPETEN/VI-99, 1/PMK.03/2020, 0842/K/IV/2020
    r"|(?P<segs>/[\s_]*[a-z0-9][a-z0-9.\-]*(?:[\s_]*/[\s_]*[a-z0-9][a-z0-9.\-]*){0,3}?)[\s_]*/[\s_]*"
    rf"(?:{_ROMAN}[\s_]*-[\s_]*(?P<yy>[0-9]{{2}}(?:[0-9]{{2}})?)|(?P<multi>[12][0-9]{{3}}))(?![0-9a-z/])"
    r"|-[\s_]*(?P<hyphen>[12][0-9]{3})(?![0-9a-z\-])"  # PP 26-2002 (typed only)
    r"|(?<=[\s_])(?P<space>[12][0-9]{3})(?![0-9a-z])"  # Kepka_07P_2002, uu 14 2008 (typed only)
    # the old gazette order, year first: "UNDANG-UNDANG (UU) 1949 No. 1" (typed only)
    # (not when the number has a year joint of its own: "sejak 2008 Nomor 5 Tahun 2010")
    rf"|,?[\s_]*{_NOMOR}(?![a-z])[\s_.:]*(?P<num2>[0-9]{{1,4}})(?![0-9a-z/])(?![\s_.]*(?:{_TAHUN}(?![a-z])|/))"
    r")",
    _I,
)
_OCR_DIGITS = str.maketrans("oOlLiI", "001111")
_HAS_LETTER = re.compile(r"[a-z]", _I)


class _Hit(NamedTuple):
    ref: LegalRef
    start: int  # of the type if there is one, else of "Nomor", else of the number
    end: int
    has_nomor: bool


def _scan(text: str) -> Iterator[_Hit]:
    """Every citation in ``text``, in order, with its span."""
    for m in _CORE.finditer(text):
        hit = _hit(text, m)
        if hit is not None:
            yield hit


def _hit(text: str, m: re.Match[str]) -> _Hit | None:
    year = _year(m)
    if year is None or not _plausible_number(m):
        return None
    if m["num2"] is not None:
        nomor, prefix_start = True, m.start()
    else:
        tail = _NOMOR_TAIL.search(text, max(0, m.start() - 16), m.start())
        nomor, prefix_start = tail is not None, tail.start() if tail else m.start()
    adjacent = m["space"] is not None or m["hyphen"] is not None or m["num2"] is not None
    kind, type_start = _type_before(text, prefix_start, _NEAR if adjacent else _LOOKBACK)
    if not _acceptable(m, kind, nomor):
        return None
    if not kind and _GAZETTE_BEFORE.search(text, max(0, prefix_start - 110), prefix_start):
        return None
    number = str(int(m["num2"] or m["lead"] + m["num"])) + (m["sfx"] or "").lower()
    return _Hit(LegalRef(kind, number, year), type_start if kind else prefix_start, m.end(), nomor)


def _type_before(text: str, end: int, reach: int) -> tuple[str, int]:
    """(kind, start) of the type that ends just before ``end`` (only a filler between), or ``("", end)``.

    Looks in the nearest characters first: a type there decides (a filler cannot run over another type), and most
    types are there. It looks as far as the longest filler reaches only when there is none, or when the one found
    starts so near the edge that it may be the end of a longer name ("... Pengganti Undang-Undang")."""
    near = min(reach, _NEAR)
    found = _type_in(text, end, near)
    if reach > near and end > near and (found is None or found[1] < end - near + _LONGEST_PREFIX):
        found = _type_in(text, end, reach)
    return found or ("", end)


def _type_in(text: str, end: int, reach: int) -> tuple[str, int] | None:
    """None when no type at all starts in the ``reach`` characters before ``end``, else the result (``("", end)``
    when none of the types there is followed by a valid filler)."""
    lo = max(0, end - reach)
    window = text[lo:end].lower()
    if len(window) != end - lo:  # a rare character whose lower case is longer ("İ"): keep the offsets right
        window = "".join(c if len(c.lower()) != 1 else c.lower() for c in text[lo:end])
    types = list(_TYPE_SCAN.finditer(window))
    if types and types[0].start() == 0 and lo > 0 and text[lo - 1].isalnum():
        del types[0]  # the window starts inside a word
    if not types:
        return None
    for t in reversed(types[-3:]):
        named = _KIND_OF.fullmatch(t.group())  # the same alternatives, so it always matches
        kind = (named.lastgroup or "") if named else ""
        gap = text[lo + t.end() : end]
        if _GAPS[_FILLER_CLASS[kind]].fullmatch(gap):
            if kind == "sk" and (first := _FIRST_WORD.match(gap)):
                kind = _SK_REFINE.get(first[1].lower(), kind)
            return kind, lo + t.start()
    return "", end


def _plausible_number(m: re.Match[str]) -> bool:
    """Cheap checks that need no look back: the parts of a letter number between number and year must be issuer
    codes ("Ka-BAPETEN", "PMK.03", "K/IV"); "800/123/BKD/2026" (classification code, sequence number) and a date
    "01/05/2020" are not citations."""
    if m["num2"] is not None:  # year first: the "number" before Nomor is the year
        return len(m["lead"] + m["num"]) == 4 and m["sfx"] is None
    if m["segs"] is None:
        return True
    return all(_HAS_LETTER.search(p) for p in m["segs"].split("/") if p.strip(" \t\r\n_"))


def _year(m: re.Match[str]) -> int | None:
    if m["yy"] is not None and len(m["yy"]) == 2:
        yy = int(m["yy"])
        year = (1900 if yy >= _TWO_DIGIT_PIVOT else 2000) + yy
    else:
        raw = m["tahun"] or m["slash"] or m["yy"] or m["multi"] or m["hyphen"] or m["space"]
        raw = raw or m["lead"] + m["num"]  # year first
        year = int(raw.translate(_OCR_DIGITS))
    return year if MIN_YEAR <= year <= MAX_YEAR else None


def _acceptable(m: re.Match[str], kind: str, has_nomor: bool) -> bool:
    """Whether the joint found is a citation given what stands before it (the type, ``Nomor``)."""
    if m["tahun"] is not None:
        return bool(kind) or has_nomor  # "berusia 14 tahun 2008" is not one
    if m["slash"] is not None:
        # "Tahun Anggaran 1989/1990" is a fiscal year, not number 1989
        number = m["lead"] + m["num"]
        return bool(kind) or has_nomor or not (len(number) == 4 and MIN_YEAR <= int(number) <= MAX_YEAR)
    return bool(kind)  # "26-2002", "07P_2002", "(UU) 1949 No. 1": only right after a type


# -- public API --------------------------------------------------------------------------------------------------


def find_refs(text: str) -> list[LegalRef]:
    """Every citation in ``text``, in order of first appearance, each once.

    A partial reference (no type) is left out when the same number and year is also cited with a type: its only
    key is among the typed one's keys. Cost is linear in the text: the regex engine skips to each digit, and only a
    number followed by a year joint costs a look back (about 50 ms per MB of law text, which cites a lot).
    """
    found: dict[LegalRef, None] = {}
    for hit in _scan(text):
        found.setdefault(hit.ref, None)
    typed = {(r.number, r.year) for r in found if r.kind}
    return [r for r in found if r.kind or (r.number, r.year) not in typed]


def index_keys(text: str) -> list[str]:
    """The keys of every citation in ``text``, each once, for the raw "codes" field."""
    keys: dict[str, None] = {}
    for ref in find_refs(text):
        keys.update(dict.fromkeys(ref.keys()))
    return list(keys)


def query_refs(query: str) -> list[tuple[LegalRef, tuple[int, int]]]:
    """Citations typed in a search query, each with the ``(start, end)`` span of ``query`` it occupies.

    The caller removes the spans from the word query: ``pajak uu 12/1985 bumi`` gives ``UU 12/1985`` at
    ``(6, 16)`` and leaves ``pajak`` and ``bumi`` as words. A citation without a type (``14/2008``,
    ``nomor 14 tahun 2008``) comes back as a partial reference (``kind == ""``, untyped key only).
    """
    return [(hit.ref, (hit.start, hit.end)) for hit in _scan(query)]


# -- identity ------------------------------------------------------------------------------------------------------

_HEAD_CHARS = 400  # the heading citation starts within this many characters of the first page
_HEAD_SCAN = 700
# The heading ends where the considerations start; a citation after these words is cited, not the document.
_CLAUSES = re.compile(
    r"(?<![a-z])(?:menimbang|mengingat|memperhatikan|menetapkan|membaca|memutuskan|dengan\s+rahmat)(?![a-z])", _I
)
_TENTANG_SOON = re.compile(r".{0,80}?(?<![a-z])tentang(?![a-z])", _I | re.DOTALL)
_PREV_WORD = re.compile(r"([a-z]+)[^a-z0-9]*\Z", _I)
_LIST_ITEM = re.compile(r"(?<![0-9a-z.])(?:[0-9]{1,2}|[a-z])[.)][\s]*\Z", _I)  # "2. Peraturan ...": a list of cited
# A citation right after one of these words is referred to, not the document's own ("PERUBAHAN ATAS UNDANG-UNDANG").
_CITING = (
    "atas perubahan pencabutan mencabut mengubah terhadap pelaksanaan melaksanakan menindaklanjuti berdasarkan dengan "
    "sesuai menurut dimaksud tentang sehubungan merujuk mengingat menimbang memperhatikan dalam dan atau serta yaitu "
    "yakni amanat bahwa bagi dari pada di ke oleh untuk lihat sebagaimana jo juncto kajian analisis rancangan"
)
_CITING_WORDS = frozenset(_CITING.split())
_TITLE_LEAD = re.compile(
    r"[\W_]*(?:[0-9]+[\W_]+)?(?:(?:salinan|lampiran|lamp)(?:[\s_.]+[ivxl0-9]+(?![a-z]))?[\W_]+)*", _I
)
_UU_FILE = re.compile(r"\s*uu_([0-9]{4})-([0-9]{1,4})(?![0-9])", _I)  # uu_2008-14.pdf is UU 14/2008


def identity(title: str, first_page: str) -> LegalRef | None:
    """The regulation a document *is*, or None.

    From the title when it starts with a typed citation (``PP_26_Tahun_2002-Keselamatan...pdf``, ``Salinan
    Undang-Undang Nomor 14 Tahun 2008 tentang ...``; ``uu_2008-14.pdf`` is UU 14/2008), else from the heading of
    the first page: the first citation that starts within its first 400 characters, before ``Menimbang`` /
    ``Mengingat``, that is followed by ``TENTANG`` or written in capitals, and that is not introduced by a citing
    word (``PERUBAHAN ATAS ...``, ``berdasarkan ...``).
    """
    return _title_identity(title) or _heading_identity(first_page)


def _title_identity(title: str) -> LegalRef | None:
    uu = _UU_FILE.match(title)
    if uu:
        year = int(uu[1])
        return LegalRef("uu", str(int(uu[2])), year) if MIN_YEAR <= year <= MAX_YEAR else None
    for hit in _scan(title[:300]):
        if hit.ref.kind and _TITLE_LEAD.fullmatch(title, 0, hit.start):
            return hit.ref
        return None  # only the first citation, and only at the start, names the document
    return None


def _heading_identity(first_page: str) -> LegalRef | None:
    clause = _CLAUSES.search(first_page, 0, _HEAD_SCAN)
    head = first_page[: clause.start() if clause else _HEAD_SCAN]
    for hit in _scan(head):
        if hit.start >= _HEAD_CHARS:
            break
        if (hit.ref.kind or hit.has_nomor) and _is_heading(first_page, hit):
            return hit.ref
    return None


def _is_heading(text: str, hit: _Hit) -> bool:
    cited = text[hit.start : hit.end]
    upper = not any(c.islower() for c in cited)
    if _LIST_ITEM.search(text, max(0, hit.start - 8), hit.start):
        return False
    prev = _PREV_WORD.search(text, max(0, hit.start - 40), hit.start)
    if prev is not None:
        word = prev[1]
        if word.lower() in _CITING_WORDS or (not upper and word[0].islower()):
            return False
    return upper or _TENTANG_SOON.match(text, hit.end) is not None


def query_kinds(query: str) -> list[tuple[str, tuple[int, int]]]:
    """Regulation types typed without a number (``perba keamanan zat radioaktif``, ``undang-undang tentang …``),
    with their spans: the search ranks records that *are* such a regulation first instead of requiring the word
    (the documents write "Peraturan Badan Pengawas Tenaga Nuklir", never "perba").

    Only abbreviations and names of two or more words count: a single common word such as ``keputusan`` stays a
    word."""
    lowered = query.lower()
    found: list[tuple[str, tuple[int, int]]] = []
    for m in _TYPE_SCAN.finditer(lowered):
        kind_match = _KIND_OF.fullmatch(m.group())
        if kind_match is None or kind_match.lastgroup is None:
            continue
        kind = kind_match.lastgroup
        text = m.group()
        abbreviation = any(re.fullmatch(a, text) for a in _ABBREVIATIONS[kind])
        if abbreviation or len(text.replace("-", " ").split()) >= 2:
            found.append((kind, m.span()))
    return found


_ABBREVIATIONS: dict[str, tuple[str, ...]] = {kind: abbrevs for kind, _, _, _, abbrevs in _TYPES}


def identity_kind_key(kind: str) -> str:
    """The key a record that *is* a regulation of ``kind`` carries besides its citation keys."""
    return f"kind:{kind}"
