"""Plain text, CSV, HTML and e-mail, with the standard library only.

Every reader stops at ``MAX_BYTES``: a 2 GB log file uploaded by mistake must not become a 2 GB string (nor a
4 GB one after decoding). Encodings are guessed in the order Indonesian offices produce them: UTF-8 first, then
Windows-1252 (Excel and Notepad on Indonesian Windows), then Latin-1, which never fails.
"""

from __future__ import annotations

import codecs
import re
from email import policy
from email.message import Message
from email.parser import BytesParser
from html.parser import HTMLParser
from pathlib import Path

from .model import Extraction

MAX_BYTES = 50 * 1024 * 1024

# Control characters, noncharacters, the replacement character, soft hyphens and private-use code points carry
# no searchable text. PDFs with unmapped fonts yield long runs of them.
_JUNK = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\ufeff\ufffd\ufffe\uffff\ue000-\uf8ff]")
# pdfium reports a hyphen at a line break as U+0002. In Indonesian the hyphen is meaningful ("undang-undang").
_LINE_HYPHEN = re.compile(r"(?<=\w)\x02")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(text: str) -> str:
    """Normalise line ends and drop characters that are not text, keeping the words and line structure."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    if "\x02" in text:  # the lookbehind is tried at every position: a third of this function's time, for nothing
        text = _LINE_HYPHEN.sub("-", text)
    text = _JUNK.sub("", text)
    lines = text.split("\n")  # spaces before each line end (``[ \t]+\n``), 4 times faster than the regex
    last = lines.pop()
    text = "\n".join([line.rstrip(" \t") for line in lines] + [last])
    text = _MANY_BLANK_LINES.sub("\n\n", text)
    return text.strip()


def read_capped(path: Path, limit: int = MAX_BYTES) -> bytes:
    with open(path, "rb") as f:
        return f.read(limit)


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode text of unknown encoding: a BOM wins, then a declared charset, then UTF-8, cp1252, Latin-1."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            body = data[len(bom) :] if codec == "utf-8" else data
            return body.decode(codec, "replace")
    candidates = [declared] if declared else []
    candidates += ["utf-8", "cp1252"]
    for codec in candidates:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            if codec == "utf-8" and _utf8_cut_at_end(data):
                return data.decode("utf-8", "ignore")
    return data.decode("latin-1")


def _utf8_cut_at_end(data: bytes) -> bool:
    """True when the only UTF-8 error is a character cut in two by the read cap."""
    try:
        data[: max(0, len(data) - 3)].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def extract_plain(path: Path) -> Extraction:
    """Plain text and CSV: one page, the file's text as it is (a CSV's commas separate words well enough)."""
    return Extraction(pages=[clean_text(decode_bytes(read_capped(path)))], method="text")


# -- HTML ------------------------------------------------------------------------------------------------------

# Not "head": its end tag may be omitted, and skipping until </head> would then lose the whole page.
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg"})
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
        "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "title", "tr", "ul",
    }
)  # fmt: skip
_CELL_TAGS = frozenset({"td", "th"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class _TextCollector(HTMLParser):
    """Collects the text a reader sees: nothing from script/style, line breaks at block elements, tabs
    between table cells. The title is kept although it sits in <head>, as it is often the best description."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in _SKIP_TAGS:
            self._skip += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in _CELL_TAGS:
            self.parts.append("\t")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt and not self._skip:
                self.parts.append(f" {alt} ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            return  # <svg/> opens nothing
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in _SKIP_TAGS and self._skip:
            self._skip -= 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title or not self._skip:
            self.parts.append(data)

    def text(self) -> str:
        joined = "".join(self.parts)
        lines = (" ".join(line.split()) for line in joined.split("\n"))
        return clean_text("\n".join(lines))


def html_to_text(html: str) -> str:
    parser = _TextCollector()
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:  # very old CPythons assert on some malformed markup; keep what was read
        pass
    return parser.text()


def extract_html(path: Path) -> Extraction:
    data = read_capped(path)
    match = _META_CHARSET.search(data[:4096])
    declared = match.group(1).decode("ascii", "ignore") if match else None
    return Extraction(pages=[html_to_text(decode_bytes(data, declared))], method="html")


# -- e-mail ----------------------------------------------------------------------------------------------------

_HEADERS = (("subject", "Subjek"), ("from", "Dari"), ("to", "Kepada"), ("cc", "Tembusan"), ("date", "Tanggal"))


def extract_eml(path: Path) -> Extraction:
    """Headers people search by, the readable body (plain preferred over HTML in an alternative), and the names
    of attachments (their content is separate documents, not this one's text)."""
    msg = BytesParser(policy=policy.default).parsebytes(read_capped(path))
    lines: list[str] = []
    _collect_message(msg, lines, depth=0)
    return Extraction(pages=[clean_text("\n".join(lines))], method="eml")


def _collect_message(msg: Message, lines: list[str], depth: int) -> None:
    for name, label in _HEADERS:
        value = msg.get(name)
        if value:
            lines.append(f"{label}: {' '.join(str(value).split())}")
    lines.append("")
    bodies: list[str] = []
    attachments: list[str] = []
    _collect_part(msg, bodies, attachments, depth)
    lines.extend(bodies)
    if attachments:
        lines.append("")
        lines.extend(f"Lampiran: {name}" for name in attachments)


def _collect_part(part: Message, bodies: list[str], attachments: list[str], depth: int) -> None:
    if depth > 20:  # a message nested in itself a thousand times is an attack, not a letter
        return
    ctype = part.get_content_type()
    filename = part.get_filename()
    is_attachment = bool(filename) or part.get_content_disposition() == "attachment"
    if ctype == "message/rfc822":
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if is_attachment or not isinstance(inner, Message):
            attachments.append(" ".join((filename or "(pesan terlampir)").split()))
        else:  # a forwarded message shown inline: its headers and body are part of this letter
            nested: list[str] = []
            _collect_message(inner, nested, depth + 1)
            bodies.append("\n".join(nested))
        return
    if part.is_multipart():
        children = [child for child in part.get_payload() if isinstance(child, Message)]
        if part.get_content_subtype() == "alternative" and children:
            _collect_part(_prefer_plain(children), bodies, attachments, depth + 1)
        else:
            for child in children:
                _collect_part(child, bodies, attachments, depth + 1)
        return
    if is_attachment:
        attachments.append(" ".join((filename or f"(tanpa nama, {ctype})").split()))
    elif ctype in ("text/plain", "text/html"):
        text = _part_text(part)
        bodies.append(html_to_text(text) if ctype == "text/html" else text)


def _prefer_plain(children: list[Message]) -> Message:
    for child in children:
        if child.get_content_type() == "text/plain" and not child.get_filename():
            return child
    return children[-1]


def _part_text(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        if isinstance(content, str):
            return content
    except (LookupError, UnicodeError, AttributeError, ValueError):
        pass
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return decode_bytes(payload, part.get_content_charset())
    return ""
