"""Titles a person would give, proposed from the text of a file's first pages.

Why: files often arrive without a title (batch ingest without a metadata CSV, drag-and-drop intake), and their names
(``PP_26_Tahun_2002-Keselamatan_Pengangkutan_Zat_Radioaktif.pdf``, ``uu_2008-14.pdf``) are noisy titles that read
badly and rank badly. Indonesian official documents say what they are in fixed, conventional places, so a few
general rules find a good title in most of them:

1. **Regulations and circulars** open with a heading: the type (``UNDANG-UNDANG``, ``PERATURAN …``,
   ``KEPUTUSAN …``, ``SURAT EDARAN …``), ``NOMOR … TAHUN …``, then ``TENTANG`` and the subject, which runs until the
   body begins (``DENGAN RAHMAT TUHAN YANG MAHA ESA``, the enacting official, ``Menimbang``, a page header again).
   The title is the citation form: ``Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik``.
2. **Letters** (surat, nota dinas) carry a subject line: ``Perihal:`` or ``Hal:``.
3. **Anything else** (reports, minutes, SOPs) usually starts with a heading: the first short line in upper case or
   title case near the top that is not part of a letterhead (institution, address, telephone, web address).

Nothing sensible found gives ``None``, and the caller keeps the title it had. Text is taken as extraction gives it:
lines broken anywhere, words hyphenated across lines, letter-spaced (``M E M U T U S K A N``), spacing artefacts
(one word per line with blank lines between). Upper-case headings are recased the way such titles are written:
words capitalised, Indonesian function words (``dan``, ``di``, ``tentang`` …) in lower case inside the title, and
acronyms (``BAPETEN``, ``DPR``, ``IAEA``) kept in capitals. An acronym is recognised from a short list of common
ones, from having no vowel, from standing alone in parentheses, or from the document itself, which writes it in
capitals inside ordinary sentences.

Pure functions over strings: no I/O, nothing from the rest of the project. Measured on the shared corpus by
``benchmarks/title_corpus.py``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

HEAD_CHARS = 4000  # the first pages are enough: every rule below looks at the top of the document
MAX_TITLE = 300
REGULATION_WINDOW = 40  # non-empty lines in which a regulation heading may start
LETTER_WINDOW = 60  # … a letter's subject line
HEADING_WINDOW = 15  # … a plain heading
MAX_HEADING_LINES = 10
MAX_HEADING_CHARS = 200


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SMALL_WORDS = _words(
    """dan di ke dari yang tentang atas untuk pada dalam serta atau bagi oleh dengan terhadap kepada sebagai
    dan/atau tanpa of and the on in for to at by or an"""
)
CONNECTORS = SMALL_WORDS - {"an", "the"}  # a line ending in one of these goes on in the next line
ENGLISH_BEFORE_ARTICLE = _words("of in on for to by with as at is from into")  # "of a …": the English article
KNOWN_ACRONYMS = _words(
    """APBN APBD BAPETEN BAPPEDA BAPPENAS DPR DPRD DPD MPR IAEA PPID SOP KIP NKRI UUD RI TNI POLRI BUMN BUMD PNS ASN
    ITE HAM KPK KPU BPK BPKP OPD SKPD PTSP UMKM BPJS BPOM BMKG BNPB BPBD PBB ASEAN COVID PLTN LHKPN JDIH ATK
    BLUD RPJMD RPJMN RKPD RENSTRA LAKIP SAKIP LKPJ LPPD CPNS PPPK TIK SPBE"""
)

_REG_TYPE = re.compile(
    r"^(?:LAMPIRAN(?:\s+[IVXLC\d]+)?\s*:?\s*)?"
    r"(?:UNDANG-UNDANG|PERATURAN|KEPUTUSAN|INSTRUKSI|SURAT\s+EDARAN|KETETAPAN|PENETAPAN|MAKLUMAT|QANUN)\b"
)
_REG_TYPE_TITLE = re.compile(
    r"^(?:Lampiran(?:\s+[IVXLC\d]+)?\s*:?\s*)?"
    r"(?:Undang-Undang|Peraturan|Keputusan|Instruksi|Surat\s+Edaran|Ketetapan|Penetapan|Qanun)\b"
)
_TENTANG = re.compile(r"\bTENTANG\b\s*:?\s*", re.IGNORECASE)
_NUMBER_YEAR = re.compile(
    r"^(?P<type>.*?)\s*(?:\b(?:NOMOR|NO\.?)\s*:?\s*(?P<number>.*?))?\s*(?:\bTAHUN\s+(?P<year>\d{4}))?\s*$",
    re.IGNORECASE,
)
_GOOD_NUMBER = re.compile(r"^\d[\w.\-/]*$")
_REPUBLIK = re.compile(r"\s*\b(?:NEGARA\s+)?REPUBLIK\s+INDONESIA\b\s*$", re.IGNORECASE)
_TRAILING_PARENS = re.compile(r"\s*\([^()]*\)\s*$")  # "(KEPPRES)", "(3/1949)": asides, not part of a citation
_LAMPIRAN_LINE = re.compile(r"^LAMPIRAN(?:\s+[IVXLC\d]+)?\s*:?$", re.IGNORECASE)
_YEAR_OCR = re.compile(r"\b(TAHUN)\s*([0-9OoIl]{4})\b", re.IGNORECASE)
# Where a regulation's body begins: the subject never runs past these.
_BODY_START = re.compile(
    r"^(?:(?i:DENGAN\s+RA[CK]?HMAT)|DENGAN\s+PERSETUJUAN|ATAS\s+BERKAT|PRESIDEN(?:\s+REPUBLIK\s+INDONESIA)?\s*,?$|"
    r"(?:Menimbang|Mengingat|Membaca|Memperhatikan|Menetapkan|Memutuskan)\b|MEMUTUSKAN|"
    r"BAB\s+[IVXLC\d]+\b|Pasal\s+\d|Yth\b|Kepada\b|Sehubungan\b|Dalam\s+rangka\b|Bahwa\b|bahwa\b|"
    r"SALINAN$|LAMPIRAN\b|[A-Za-z\d]{1,3}[.)]\s|[A-Za-z\d]{1,3}[.)]$|-\s*\d+\s*-$|\d+$)"
)
# The enacting official ("KEPALA BADAN PENGAWAS TENAGA NUKLIR,"): a body line when it ends in a comma.
_OFFICIAL = re.compile(
    r"^(?:KAMI\s+)?(?:PRESIDEN|WAKIL\s+PRESIDEN|KEPALA|GUBERNUR|BUPATI|WALI\s*KOTA|WALIKOTA|MENTERI|KETUA|"
    r"DIREKTUR|SEKRETARIS|JAKSA|PANGLIMA|REKTOR|CAMAT|LURAH)\b",
    re.IGNORECASE,
)
_LETTER_SUBJECT = re.compile(r"^(?:Perihal|Prihal|Hal)\s*:\s*(?P<subject>.*)$", re.IGNORECASE)
_LETTER_SUBJECT_LABEL = re.compile(r"^(?:Perihal|Prihal|Hal)\s*$", re.IGNORECASE)
_LETTER_FIELD = re.compile(
    r"^(?:Kepada|Yth|Lampiran|Sifat|Nomor|No\.|Tanggal|Tgl|Dengan\s+hormat|Di\b|di\b|Tembusan)", re.IGNORECASE
)
# Letterhead and cover lines: institution names, addresses, contact details, markings. Never a title.
_LETTERHEAD = re.compile(
    r"^(?:PEMERINTAH|KEMENTERIAN|KEMENTRIAN|DEPARTEMEN|BADAN|DINAS|KANTOR|SEKRETARIAT|KABUPATEN|PROVINSI|KOTA|"
    r"KECAMATAN|KELURAHAN|DESA|REPUBLIK\s+INDONESIA|PRESIDEN|WAKIL\s+PRESIDEN|KEPALA|BUPATI|GUBERNUR|WALI\s*KOTA|"
    r"MENTERI|UNIVERSITAS|INSTITUT|POLITEKNIK|SEKOLAH|RUMAH\s+SAKIT|LEMBAGA|KOMISI|DEWAN|DIREKTORAT|INSPEKTORAT|"
    r"SALINAN|RAHASIA|SANGAT\s+RAHASIA|SEGERA|KILAT|KOP\b|Yth\b|Kepada\b|Nomor\b|No\.|Lampiran\b|Sifat\b|"
    r"Tanggal\b|Jalan\b|Jl\.|Jln\.|Telp|Telepon|Tlp|Fax|Faks|Email|E-mail|Website|Laman\b|Kode\s+Pos|"
    r"Halaman\b|Hal\.\s*\d)",
    re.IGNORECASE,
)
_CONTACT = re.compile(
    r"(?:www\.|https?://|@|\.go\.id|\.ac\.id|\.or\.id|\.co\.id|\.com\b|\.id\b|Telp|Fax|Kode\s+Pos)", re.IGNORECASE
)
# A letter's place and date line ("Sleman, 3 Februari 2025").
_DATE_LINE = re.compile(
    r"^(?:[\w .'-]+,\s*)?\d{1,2}\s+(?:Januari|Februari|Pebruari|Maret|April|Mei|Juni|Juli|Agustus|September|"
    r"Oktober|November|Nopember|Desember)\s+\d{4}\.?$",
    re.IGNORECASE,
)
# Section headings that open a document's body: not the document's own title.
_SECTION = re.compile(
    r"^(?:PEMBUKAAN|MUKADIMAH|PENDAHULUAN|KATA\s+PENGANTAR|DAFTAR\s+ISI|DAFTAR\s+TABEL|DAFTAR\s+GAMBAR|"
    r"LATAR\s+BELAKANG|ABSTRAK|ABSTRACT|RINGKASAN|RINGKASAN\s+EKSEKUTIF|PREAMBLE|BAB\s+[IVXLC\d]+|"
    r"[IVXLC]+\.|\d+\.)",
    re.IGNORECASE,
)
# Where a document's body has begun before any heading: a heading after these is not the document's title.
_HEADING_STOP = re.compile(
    r"^(?:(?:Menimbang|Mengingat|Membaca|Memperhatikan|Menetapkan|Dengan\s+hormat)\b|Pasal\s+\d|"
    r"(?:[a-z]|\d{1,2})[.)]\s+\S)",
    re.IGNORECASE,
)
_PAGE_MARK = re.compile(r"^(?:-\s*(\d+)\s*-|(?:Halaman|Hal\.)\s*(\d+)(?:\s+dari\s+\d+)?)$", re.IGNORECASE)
_LETTER_SPACED = re.compile(r"(?<![A-Za-z])(?:[A-Z] ){3,}[A-Z](?![A-Za-z])")
_SPACED_HYPHEN = re.compile(r"\b([A-Za-z]+)\s+-\s+([A-Za-z]+)\b")
_DASH_IN_WORD = re.compile(r"(?<=\w)[\u2010-\u2015\u2212](?=\w)")
_UNDANG = re.compile(r"\b(undang)[\s-]+(undang)\b", re.IGNORECASE)  # "UNDANG UNDANG", "UNDANG - UNDANG"
_LINE_HYPHEN = re.compile(r"(\w+)-[ \t]*\n[ \t]*(\w+)")
_WIDE_SPACE = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_ROMAN = re.compile(r"^(?=[IVXL])L?X{0,3}(?:IX|IV|V?I{0,3})$")
_VOWELS = frozenset("AEIOUaeiou")
_UPPER_TOKEN = re.compile(r"^\(?([A-Z][A-Z]+)\)?[.,;:]?$")


def derive_title(text: str, file_name: str = "") -> str | None:
    """A title for a document from the text of its first pages, or ``None`` when nothing sensible is found.

    ``file_name`` is the file's own name: a proposal that merely repeats it is no proposal (``None``)."""
    if not text or not text.strip():
        return None
    head = normalise(text[:HEAD_CHARS])
    lines = [line.strip() for line in head.split("\n")]
    acronyms = document_acronyms(head)
    for rule in (_regulation_title, _letter_title, _heading_title):
        title = rule(lines, acronyms)
        if title:
            title = _cap(_tidy(title))
            if _sensible(title) and not _same_as_file_name(title, file_name):
                return title
    return None


# ---- text clean-up ------------------------------------------------------------------------------------------------
def normalise(text: str) -> str:
    """Whitespace, letter-spacing and hyphenation across line breaks put right; line structure kept."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _WIDE_SPACE.sub(" ", text).replace("\u200b", "")
    # Letter-spaced words first, while two spaces still separate "U N D A N G  R E P U B L I K" into words.
    text = "\n".join(_LETTER_SPACED.sub(lambda m: m.group(0).replace(" ", ""), line) for line in text.split("\n"))
    text = re.sub(r" {2,}", " ", text)
    text = _DASH_IN_WORD.sub("-", text)
    text = _UNDANG.sub(lambda m: f"{m.group(1)}-{m.group(2)}", text)
    text = _LINE_HYPHEN.sub(_join_hyphenated, text)
    text = "\n".join(_normalise_line(line) for line in text.split("\n"))
    return text


def _normalise_line(line: str) -> str:
    """Each pattern only where its literal part occurs: derive_title runs in the index worker for every file, and
    three regexes over every line were most of its time."""
    line = line.strip()
    if "-" in line:
        line = _SPACED_HYPHEN.sub(
            lambda m: f"{m.group(1)}-{m.group(2)}" if m.group(1).lower() == m.group(2).lower() else m.group(0), line
        )
    if "TAHUN" in line:
        line = _TAHUN_GLUED.sub(lambda m: f" {m.group(0)} ", line)  # "42TAHUN2022"
    if "tahun" in line.lower():
        line = _YEAR_OCR.sub(_year_digits, line)
    return line


_TAHUN_GLUED = re.compile(r"(?<=\d)(TAHUN)\b|\b(TAHUN)(?=\d)")
_LETTERS = re.compile(r"[A-Za-z]+")


def _year_digits(match: re.Match[str]) -> str:
    """``TAHUN 2OI8`` is 2018: O and I/l misread for 0 and 1 in a year that is mostly digits."""
    year = match.group(2)
    if sum(c.isdigit() for c in year) < 2:
        return match.group(0)
    return f"{match.group(1)} {year.translate(str.maketrans('OoIl', '0011'))}"


def _join_hyphenated(match: re.Match[str]) -> str:
    """``Keterbuka-\\nan`` is one word; ``UNDANG-\\nUNDANG`` and ``sehari-\\nhari`` keep their hyphen."""
    before, after = match.group(1), match.group(2)
    if before.lower().endswith(after.lower()) or (after[:1].isupper() and not before.isupper()):
        return f"{before}-{after}"
    return before + after


def _tidy(title: str) -> str:
    title = re.sub(r"\s+", " ", title).strip()
    title = re.sub(r"\s+([,.;:)])", r"\1", title)
    title = re.sub(r"\(\s+", "(", title)
    title = re.sub(r"\s*\*+\)?$", "", title)  # a footnote mark: "… Tahun 1953) *)"
    return title.strip(" ,.;:-–—")


def _cap(title: str) -> str:
    """At most :data:`MAX_TITLE` characters, cut at a word boundary."""
    if len(title) <= MAX_TITLE:
        return title
    cut = title[: MAX_TITLE - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:-") + "…"


def _sensible(title: str) -> bool:
    """Enough real words: at least two of three or more letters, with vowels, and mostly letters overall."""
    words = [w for w in _WORD.findall(title) if len(w) >= 3 and set(w) & _VOWELS]
    letters = sum(c.isalpha() for c in title)
    visible = sum(not c.isspace() for c in title)
    return len(words) >= 2 and visible > 0 and letters / visible >= 0.6 and not _garbled(title)


def _garbled(title: str) -> bool:
    """OCR debris (``PRE5IDEy REPUDLlK '. INDONESIA``): words with digits between letters or a capital after a
    small letter, and stray punctuation, make up a fifth of the tokens or more."""
    tokens = title.split()
    junk = sum(1 for t in tokens if re.search(r"[A-Za-z]\d+[A-Za-z]|[a-z][A-Z]", t) or not re.search(r"[\w&]", t))
    return junk >= 2 and junk >= 0.2 * len(tokens)


def _same_as_file_name(title: str, file_name: str) -> bool:
    if not file_name:
        return False
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    simple = re.compile(r"[\W_]+")
    return simple.sub("", stem).lower() == simple.sub("", title).lower()


# ---- case ---------------------------------------------------------------------------------------------------------
def document_acronyms(text: str) -> frozenset[str]:
    """Words the document itself writes in capitals inside ordinary sentences (``… Tenaga Nuklir (BAPETEN) …``)
    and never in any other case.

    Only a capitalised word between words that are not capitalised counts: in ``Menetapkan : UNDANG-UNDANG
    TENTANG …`` the upper-case run is a heading, not a row of acronyms; and a word the text also writes
    ``Darurat`` or ``tahun`` is a word, whatever one sentence shouts."""
    found: set[str] = set()
    written_otherwise: set[str] = set()
    for line in text.split("\n"):
        written_otherwise.update(w.upper() for w in _LETTERS.findall(line) if not w.isupper())
        if not any(c.islower() for c in line):
            continue
        tokens = line.split()
        for i, token in enumerate(tokens):
            match = _UPPER_TOKEN.match(token)
            if not match or len(match.group(1)) < 2:
                continue
            neighbours = tokens[max(0, i - 1) : i] + tokens[i + 1 : i + 2]
            if all(_UPPER_TOKEN.match(n) is None for n in neighbours):
                found.add(match.group(1))
    return frozenset(found - written_otherwise)


def is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def recase(text: str, acronyms: frozenset[str] = frozenset(), *, first: bool = True) -> str:
    """Title case for an upper-case phrase; mixed-case text is the author's own and is kept as it is."""
    if not is_upper(text):
        return text
    words = text.split(" ")
    out = []
    for index, word in enumerate(words):
        nxt = words[index + 1] if index + 1 < len(words) else ""
        prev = words[index - 1] if index else ""
        out.append(_recase_word(word, acronyms, first=first and index == 0, next_word=nxt, previous=prev))
    return " ".join(out)


def _recase_word(word: str, acronyms: frozenset[str], *, first: bool, next_word: str, previous: str) -> str:
    lead = len(word) - len(word.lstrip("([\"'“‘"))
    trail = len(word) - len(word.rstrip(")]\"'”’.,;:!?"))
    core = word[lead : len(word) - trail] if trail else word[lead:]
    if not core:
        return word
    in_parens = word.startswith("(") and word.rstrip(".,;:").endswith(")")
    parts = re.split(r"([-/])", core)
    cased = []
    for pos, part in enumerate(parts):
        if part in {"-", "/"} or not part:
            cased.append(part)
            continue
        cased.append(
            _recase_part(
                part, acronyms, first=first and pos == 0, in_parens=in_parens, next_word=next_word, previous=previous
            )
        )
    joined = "".join(cased)
    return word[:lead] + joined + (word[len(word) - trail :] if trail else "")


def _recase_part(
    part: str, acronyms: frozenset[str], *, first: bool, in_parens: bool, next_word: str, previous: str
) -> str:
    upper = part.upper()
    if any(c.isdigit() for c in part) or not part.isalpha():
        return part
    if upper in KNOWN_ACRONYMS or upper in acronyms or _ROMAN.match(upper):
        return upper
    if len(part) >= 2 and not set(part) & _VOWELS:
        return upper  # DPR, BPK: no vowel, no Indonesian word
    if in_parens and len(part) <= 6:
        return upper  # "(SOP)": a short word alone in parentheses is its phrase's abbreviation
    lower = part.lower()
    if lower == "a" and previous.lower() in ENGLISH_BEFORE_ARTICLE:
        return lower  # "Notification of a Nuclear Accident"; "Tipe A" keeps its letter
    if not first and lower in SMALL_WORDS and not (lower == "dalam" and next_word.lower().startswith("negeri")):
        return lower  # "Menteri Dalam Negeri" keeps its capital: part of a name
    return lower[:1].upper() + lower[1:]


# ---- rule 1: regulations and circulars -----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Heading:
    kind: str
    number: str | None
    year: str | None
    subject: str


def _regulation_title(lines: list[str], acronyms: frozenset[str]) -> str | None:
    seen = 0
    in_heading_zone = True
    for index, line in enumerate(lines):
        if not line:
            continue
        seen += 1
        if seen > REGULATION_WINDOW:
            break
        starts = _REG_TYPE.match(line) or (in_heading_zone and _REG_TYPE_TITLE.match(line))
        if starts:
            heading = _parse_regulation(lines, index)
            if heading is not None:
                return _format_regulation(heading, acronyms)
        page = _PAGE_MARK.match(line)
        if (
            _is_prose(line)
            or _HEADING_STOP.match(line)
            or re.match(r"^[a-z\d]{1,2}[.)]$", line)
            or line.endswith(";")
            or (page and int(page.group(1) or page.group(2)) > 1)
        ):
            in_heading_zone = False  # a title-case "Peraturan …" after this is a citation in the body
    return None


def _parse_regulation(lines: list[str], start: int) -> _Heading | None:
    """TYPE … NOMOR … TAHUN … TENTANG SUBJECT, starting at ``lines[start]``; None unless a TENTANG follows soon."""
    header_lines = {line for line in lines[:start] if line}  # the letterhead above: a page header when repeated
    previous = lines[start - 1] if start > 0 else ""
    appendix = previous if _LAMPIRAN_LINE.match(previous) else ""  # "LAMPIRAN I" above "PERATURAN …"
    collected: list[str] = []
    rest = ""
    index = start
    while index < len(lines) and len(collected) < 8:
        line = lines[index]
        index += 1
        if not line:
            continue
        if _CONTACT.search(line):
            continue  # a web address or phone number printed into the heading's page
        if collected and line == collected[0]:
            collected = []  # the heading starts again (a running header printed above it)
        found = _TENTANG.search(line)
        if found:
            collected.append(line[: found.start()])
            rest = line[found.end() :]
            break
        if collected and (_BODY_START.match(line) or (_has_prose_case(line) and not re.search(r"(?i)\bno", line))):
            return None
        collected.append(line)
    else:
        return None
    before = _TRAILING_PARENS.sub("", " ".join(c for c in collected if c).strip())
    match = _NUMBER_YEAR.match(before)
    if match is None:
        return None
    kind = re.sub(r"\s*\([A-Z]{1,8}\)", "", match.group("type") or "").strip(" ,:")  # "UNDANG-UNDANG (UU)"
    kind = _REPUBLIK.sub("", kind).strip(" ,:")
    if not kind or len(kind.split()) > 16:
        return None
    if appendix:
        kind = f"{appendix.rstrip(' :')} {kind}"
    number = re.sub(r"\s*/\s*", "/", (match.group("number") or "").strip(" :,"))
    number = number if _GOOD_NUMBER.match(number) else None  # OCR garbage ("o$qKl t1t") is left out
    subject = _subject(lines, index, rest, header_lines, strict=kind.upper().startswith("LAMPIRAN"))
    if not subject:
        return None
    return _Heading(kind=kind, number=number, year=match.group("year"), subject=subject)


def _subject(lines: list[str], index: int, rest: str, header_lines: set[str], *, strict: bool = False) -> str:
    """The subject after TENTANG: following lines until the body starts, a page header repeats, or the case changes
    (an upper-case subject ends at the first line in sentence case).

    ``strict`` (an appendix, *lampiran*): the appendix's own heading follows the subject in the same style, so the
    subject goes on to another line only when the line before is plainly unfinished."""
    parts = [rest.strip()] if rest.strip() else []
    upper = is_upper(rest) if rest.strip() else None
    blank = False
    for position in range(index, len(lines)):
        line = lines[position]
        if not line:
            blank = True
            continue
        if _BODY_START.match(line) or line in header_lines or (_OFFICIAL.match(line) and line.endswith(",")):
            break
        if parts and _OFFICIAL.match(line) and _official_follows(lines, position):
            break
        if upper is None:
            upper = is_upper(line)
        elif upper and not is_upper(line):
            break
        if parts and (blank or strict) and not _continues(parts[-1], line, strict=strict):
            break
        blank = False
        parts.append(line)
        if sum(len(p) for p in parts) > MAX_TITLE * 2:
            break
    subject = " ".join(parts)
    return re.sub(r"^(?:TENTANG|tentang)\s+", "", subject).strip(" ,:")


def _official_follows(lines: list[str], position: int) -> bool:
    """``KEPALA BADAN …`` followed by ``REPUBLIK INDONESIA,`` or ``Menimbang``: the enacting formula."""
    for later in lines[position + 1 : position + 4]:
        if not later:
            continue
        return later.endswith(",") or bool(re.match(r"(?i)^(?:Menimbang|Mengingat|Membaca)", later))
    return False


def _continues(previous: str, line: str, *, strict: bool = False) -> bool:
    """After a blank line the subject goes on only when the previous line is plainly unfinished, or when both are
    single words (one word per line is a layout artefact, not a paragraph break)."""
    last = previous.split()[-1] if previous.split() else ""
    if previous.endswith((",", "-", "/")) or last.lower() in CONNECTORS:
        return True
    first = line.split()[0] if line.split() else ""
    if first.lower() in CONNECTORS or line.startswith("("):
        return True
    return not strict and len(previous.split()) == 1 and len(line.split()) == 1


def _format_regulation(heading: _Heading, acronyms: frozenset[str]) -> str:
    kind = recase(heading.kind, acronyms)
    parts = [kind]
    if heading.number:
        parts.append(f"Nomor {heading.number}")
    if heading.year:
        parts.append(f"Tahun {heading.year}")
    subject = recase(heading.subject, acronyms, first=False)
    return " ".join(parts) + " tentang " + subject


# ---- rule 2: letters ----------------------------------------------------------------------------------------------
def _letter_title(lines: list[str], acronyms: frozenset[str]) -> str | None:
    seen = 0
    for index, line in enumerate(lines):
        if not line:
            continue
        seen += 1
        if seen > LETTER_WINDOW:
            break
        match = _LETTER_SUBJECT.match(line)
        subject = match.group("subject").strip() if match else ""
        following = index + 1
        if match is None and _LETTER_SUBJECT_LABEL.match(line):
            # "Hal" and ": Undangan rapat" on separate lines (a two-column letterhead read column by column)
            nxt = _next_non_empty(lines, index + 1)
            if nxt is not None and lines[nxt].startswith(":"):
                subject, following = lines[nxt][1:].strip(), nxt + 1
        if len(re.sub(r"[^A-Za-z]", "", subject)) < 3:
            continue
        parts = [subject]
        for more in lines[following : following + 3]:
            if not more or _LETTER_FIELD.match(more) or _DATE_LINE.match(more):
                break
            last = parts[-1].split()[-1].lower() if parts[-1].split() else ""
            if not (more[:1].islower() or last in CONNECTORS or parts[-1].endswith((",", "-"))):
                break
            parts.append(more)
        text = " ".join(parts)
        return recase(text, acronyms) if is_upper(text) else text[:1].upper() + text[1:]
    return None


def _next_non_empty(lines: Sequence[str], start: int) -> int | None:
    for index in range(start, min(len(lines), start + 4)):
        if lines[index]:
            return index
    return None


# ---- rule 3: the first heading ------------------------------------------------------------------------------------
def _heading_title(lines: list[str], acronyms: frozenset[str]) -> str | None:
    seen = 0
    for index, line in enumerate(lines):
        if not line:
            continue
        seen += 1
        if seen > HEADING_WINDOW:
            return None
        page = _PAGE_MARK.match(line)
        if page:
            if int(page.group(1) or page.group(2)) > 1:
                return None  # the text starts on a later page: the document's top (and title) is missing
            continue
        if _is_prose(line) or _HEADING_STOP.match(line) or line.endswith(";"):
            return None  # the body has begun without a heading
        if not _heading_like(line) or _LETTERHEAD.match(line) or _CONTACT.search(line) or _DATE_LINE.match(line):
            continue
        if _SECTION.match(line):
            continue
        parts = [line]
        upper = is_upper(line)
        blank = False
        for more in lines[index + 1 :]:
            if not more:
                blank = True
                continue
            if len(parts) >= MAX_HEADING_LINES or _SECTION.match(more) or _LETTERHEAD.match(more):
                break
            if sum(len(p) + 1 for p in parts) + len(more) > MAX_HEADING_CHARS:
                break
            if not _heading_like(more) or is_upper(more) != upper or _CONTACT.search(more) or _DATE_LINE.match(more):
                break
            if blank and not _continues(parts[-1], more):
                break
            blank = False
            parts.append(more)
        while len(parts) > 1 and parts[-1].split()[-1].lower() in CONNECTORS:
            parts.pop()  # a heading cut off after "DAN" ends before the unfinished line
        return recase(" ".join(parts), acronyms)
    return None


def _heading_like(line: str) -> bool:
    """A short line in upper case or title case, mostly letters."""
    if not 3 <= len(line) <= 150 or line.endswith(","):
        return False
    visible = [c for c in line if not c.isspace()]
    if sum(c.isalpha() for c in visible) < 0.6 * len(visible):
        return False
    words = _WORD.findall(line)
    if not words or len(words) > 20:
        return False
    if is_upper(line):
        return True
    significant = [w for w in words if w.lower() not in SMALL_WORDS]
    capitalised = sum(w[0].isupper() for w in significant)
    return bool(significant) and words[0][0].isupper() and capitalised >= 0.75 * len(significant)


def _is_prose(line: str) -> bool:
    """A sentence of body text: six or more words, most of them starting in lower case."""
    words = _WORD.findall(line)
    return len(words) >= 6 and sum(w[0].islower() for w in words) > len(words) / 2


def _has_prose_case(line: str) -> bool:
    words = _WORD.findall(line)
    return len(words) >= 3 and sum(w[0].islower() for w in words) > len(words) / 2
