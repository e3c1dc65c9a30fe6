"""BagIt transfer packages: the handover of permanent records (*paket penyerahan arsip statis*).

When records with final disposition *permanen* reach the end of their inactive period, the body hands them over
to ANRI or the regional archives (UU 43/2009). The package must let the receiver prove, without trusting us, that
every file is the one we ingested: so it is a BagIt bag (RFC 8493) whose SHA-256 manifest carries the very
hashes recorded at ingest, next to SHA-512 for long-term fixity, the Dublin Core and full JSON description of
each record, its audit history, and the *Berita Acara Penyerahan* and *Daftar Arsip yang Diserahkan* data.

Layout (inside the bag, after ``bagit.make_bag``)::

    bagit.txt                         BagIt-Version: 1.0 (RFC 8493; bagit-python writes 0.97, `_declare_rfc8493`)
    bag-info.txt                      what a receiving archive needs (`_bag_info`): who sends, whom to contact,
                                      who receives, the batch, size and date
    manifest-sha256.txt, manifest-sha512.txt, tagmanifest-*.txt
    data/berita-acara.json            the batch (Berita Acara) mapping as given
    data/daftar-arsip.json            every record's metadata, in package order
    data/records/<record_no>/metadata.json, dc.xml, history.json
    data/records/<record_no>/files/<NNN>-<filename>

The caller (a service) decides which records and fields go in; this module only copies, checks and packs. Each
record's metadata gets the moment of the transfer (``transferred_at``) when the caller's snapshot has none.
Names from users are never trusted as paths: every path component is sanitised and the original name is kept
in ``metadata.json``.

Threading note: bagit-python's ``make_bag`` changes the process working directory while it runs. `build_bag`
serialises its own calls with a lock, but other threads of the same process that use *relative* paths at that
moment would be affected, so run package builds in a CLI command or a background worker, not in a web request.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import os
import re
import shutil
import stat
import tarfile
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, BinaryIO

import bagit

from archive_service.exports.dublin_core import record_dc_xml

if TYPE_CHECKING:
    from archive_service.config import Settings

__all__ = [
    "CHECKSUMS",
    "FILENAME_MAX_BYTES",
    "RECORD_DIR_MAX_BYTES",
    "BagFile",
    "BagRecord",
    "PackageError",
    "build_bag",
    "safe_component",
    "sender_bag_info",
    "write_tar",
]

BAGIT_VERSION = "1.0"
"""RFC 8493 (BagIt 1.0); bagit-python 1.9 still writes 0.97, so `_declare_rfc8493` rewrites bagit.txt."""

DEFAULT_RECEIVER = (
    "Lembaga kearsipan yang berwenang (ANRI atau lembaga kearsipan daerah) / "
    "The competent archival institution (ANRI or the regional archives)"
)

CHECKSUMS = ("sha256", "sha512")
"""SHA-256 is the algorithm Arsip records at ingest (the authenticity link); SHA-512 is for the receiver's
long-term fixity checks."""

FILENAME_MAX_BYTES = 120
"""Cap of a payload file name in UTF-8 bytes (prefix and extension included): far below the 255-byte limit of
common file systems, so that the receiver can still add its own prefixes or unpack onto other systems."""

RECORD_DIR_MAX_BYTES = 80
"""Cap of a record directory name (record numbers are at most 64 characters anyway)."""

_EXTENSION_MAX = 16
_COPY_CHUNK = 1024 * 1024
_SHA256_RE = re.compile(r"[0-9a-f]{64}")
_TAG_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
# Name characters kept besides letters, digits and combining marks; everything else becomes "_".
_SAFE_PUNCTUATION = frozenset("._-()")
# Device names Windows refuses as a file name stem, whatever the extension.
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
)

# bagit.make_bag chdirs; two builds in one process must not interleave.
_MAKE_BAG_LOCK = threading.Lock()


class PackageError(Exception):
    """A transfer package could not be built or did not validate. Nothing is left behind at ``dest``.

    Carries the message in Bahasa Indonesia (``message_id``) and English (``message_en``), like every Arsip
    error, so a service can turn it into an ``ArsipError`` without rewording. ``details`` lists specifics
    (e.g. bagit's validation errors).
    """

    def __init__(self, message_id: str, message_en: str, details: Sequence[str] = ()) -> None:
        self.message_id = message_id
        self.message_en = message_en
        self.details = list(details)
        super().__init__(f"{message_id} / {message_en}")


@dataclass(frozen=True)
class BagFile:
    """One stored file of a record, as the service hands it over.

    ``sha256`` and ``size`` are the values recorded at ingest: the package proves the bytes still match them.
    ``open`` returns a fresh readable binary stream (from the blob store), which `build_bag` closes.
    ``filename`` is the user's original name and may be hostile; it only reaches ``metadata.json``.
    """

    filename: str
    sha256: str
    size: int
    mime: str
    open: Callable[[], BinaryIO]


@dataclass(frozen=True)
class BagRecord:
    """One record to hand over: its description, files and audit history (plain data, chosen by the caller)."""

    record_id: int
    record_no: str
    metadata: Mapping[str, Any]
    files: Sequence[BagFile]
    history: Sequence[Mapping[str, Any]]


# --- names -----------------------------------------------------------------------------------------------------


def _truncate_utf8(text: str, max_bytes: int) -> str:
    """The longest prefix of ``text`` whose UTF-8 encoding fits ``max_bytes`` (never splits a character)."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")


def _safe_chars(text: str) -> str:
    """Letters, digits, combining marks and ``._-()`` kept; runs of anything else become one ``_``.

    Removes path separators, NUL and other controls, bidi overrides (category Cf), spaces and ``%`` (bagit
    decodes ``%0A`` in manifest paths) in one rule, rather than chasing a deny-list.
    """
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    for ch in text:
        if unicodedata.category(ch)[0] in "LNM" or ch in _SAFE_PUNCTUATION:
            out.append(ch)
        elif unicodedata.category(ch) == "Cf":
            continue  # invisible format characters (bidi, zero-width): drop, do not mark
        else:
            out.append("_")
    safe = re.sub(r"_+", "_", "".join(out))
    safe = re.sub(r"\.{2,}", ".", safe)  # no ".." anywhere, not even inside a name
    return safe


def safe_component(name: str, *, max_bytes: int = FILENAME_MAX_BYTES, fallback: str = "berkas") -> str:
    """A single safe path component derived from an untrusted name, keeping a short extension.

    The result is NFC, contains no separators, controls or bidi characters, never starts with ``.`` or ``-``
    (no hidden files, no option-looking names), is not a Windows device name, and fits ``max_bytes`` in UTF-8.
    """
    safe = _safe_chars(name).strip("._-")
    stem, dot, ext = safe.rpartition(".")
    if not dot or not stem or len(ext) > _EXTENSION_MAX or not ext.isalnum():
        stem, ext = safe, ""
    stem = stem.strip("._-") or fallback
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    suffix = f".{ext}" if ext else ""
    stem = _truncate_utf8(stem, max_bytes - len(suffix.encode("utf-8"))).rstrip("._-") or fallback
    return f"{stem}{suffix}"


# --- JSON --------------------------------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    """Serialise the "JSON-ish" values metadata and audit events carry (dates, enums, decimals, ...)."""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, decimal.Decimal | uuid.UUID | PurePath):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _json_bytes(value: Any, what: str) -> bytes:
    """Stable, human-readable UTF-8 JSON (sorted keys, so equal data gives equal bytes and equal hashes)."""
    try:
        text = json.dumps(value, default=_json_default, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise PackageError(
            f"Data {what} tidak dapat ditulis sebagai JSON: {exc}",
            f"The {what} data cannot be written as JSON: {exc}",
        ) from exc
    # Lone surrogates (names decoded with surrogateescape) cannot be UTF-8; as \uXXXX they stay valid JSON.
    return text.encode("utf-8", errors="backslashreplace") + b"\n"


# --- copying with fixity -------------------------------------------------------------------------------------------


class _HashingWriter:
    """A write-only file wrapper that hashes and counts what passes through, for `shutil.copyfileobj`.

    Stops as soon as more bytes arrive than were recorded, so a wrong or endless stream cannot fill the disk.
    """

    def __init__(self, target: BinaryIO, limit: int) -> None:
        self._target = target
        self._limit = limit
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self._limit:
            raise _TooLong
        self.sha256.update(data)
        return self._target.write(data)


class _TooLong(Exception):
    """Internal: the stream is longer than the recorded size."""


def _copy_checked(file: BagFile, target: Path, record_no: str) -> None:
    """Stream a file's bytes to ``target``, failing unless they match the recorded SHA-256 and size."""
    label = f"{record_no}: {file.filename!r}"
    try:
        with file.open() as src, target.open("xb") as dst:
            writer = _HashingWriter(dst, file.size)
            shutil.copyfileobj(src, writer, _COPY_CHUNK)
    except _TooLong:
        raise PackageError(
            f"Berkas {label} lebih besar dari ukuran yang tercatat ({file.size} bita).",
            f"File {label} is larger than its recorded size ({file.size} bytes).",
        ) from None
    except OSError as exc:
        raise PackageError(
            f"Berkas {label} tidak dapat dibaca atau disalin: {exc}",
            f"File {label} could not be read or copied: {exc}",
        ) from exc
    if writer.size != file.size:
        raise PackageError(
            f"Ukuran berkas {label} ({writer.size} bita) tidak sama dengan yang tercatat ({file.size} bita).",
            f"File {label} has {writer.size} bytes, {file.size} were recorded.",
        )
    if writer.sha256.hexdigest() != file.sha256.lower():
        raise PackageError(
            f"SHA-256 berkas {label} tidak sama dengan yang tercatat saat diterima; berkas mungkin rusak atau diubah.",
            f"SHA-256 of file {label} differs from the one recorded at ingest; the file may be damaged or altered.",
        )


# --- building ------------------------------------------------------------------------------------------------------


def _check_recorded(record: BagRecord) -> None:
    """Refuse nonsense before copying anything: a malformed recorded hash cannot prove authenticity."""
    for file in record.files:
        if not _SHA256_RE.fullmatch(file.sha256.lower()) or file.size < 0:
            raise PackageError(
                f"Arsip {record.record_no}: SHA-256 atau ukuran tercatat berkas {file.filename!r} tidak sah.",
                f"Record {record.record_no}: recorded SHA-256 or size of file {file.filename!r} is invalid.",
            )


def sender_bag_info(settings: Settings) -> dict[str, str]:
    """The sender's bag-info.txt tags from the settings, those configured only: ``Source-Organization``
    (``ARSIP_INSTITUTION_NAME``), ``Organization-Address`` (``ARSIP_OFFICE_ADDRESS``, ``ARSIP_OFFICE_CITY``) and
    ``Contact-Name``/``-Email``/``-Phone`` (``ARSIP_RECORDS_CONTACT_*``); give them to `build_bag` as ``bag_info``."""
    address = ", ".join(part for part in (settings.office_address, settings.office_city) if part.strip())
    tags = {
        "Source-Organization": settings.institution_name,
        "Organization-Address": address,
        "Contact-Name": settings.records_contact_name,
        "Contact-Email": settings.records_contact_email,
        "Contact-Phone": settings.records_contact_phone,
    }
    return {tag: value for tag, value in tags.items() if value and value.strip()}


def _human_size(size: int) -> str:
    """``Bag-Size`` (RFC 8493 §2.2.2: an approximate size with a unit), decimal units."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def _tree_size(root: Path) -> int:
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file())


def _bag_info(
    bag_info: Mapping[str, str], batch: Mapping[str, Any], *, transferred_at: dt.datetime, records: int, size: int
) -> dict[str, str]:
    """The bag-info.txt tags: defaults from the batch, overridden by whatever the caller gives (``Payload-Oxum`` is
    added by bagit)."""
    berita_acara = batch.get("berita_acara") if isinstance(batch.get("berita_acara"), Mapping) else {}
    batch_no = batch.get("batch_no")
    info: dict[str, str] = {
        "Bagging-Date": transferred_at.date().isoformat(),
        "Bag-Software-Agent": f"Arsip archive_service.exports (bagit-python {bagit.VERSION})",
        "Bag-Size": _human_size(size),
        "Receiving-Organization": str(berita_acara.get("receiver") or batch.get("receiver") or DEFAULT_RECEIVER),
        "Internal-Sender-Description": (
            f"Penyerahan arsip statis, {records} arsip, {transferred_at.isoformat().replace('+00:00', 'Z')} / "
            f"Transfer of permanent records, {records} records"
        ),
    }
    if batch_no:
        info["External-Identifier"] = str(batch_no)
        info["External-Description"] = f"Penyerahan arsip statis {batch_no} / Transfer of permanent records {batch_no}"
    sender_id = berita_acara.get("ba_no") or berita_acara.get("no") or batch_no
    if sender_id:
        info["Internal-Sender-Identifier"] = str(sender_id)
    if batch.get("source_organization"):
        info["Source-Organization"] = str(batch["source_organization"])
    for key, value in bag_info.items():
        if not _TAG_NAME_RE.fullmatch(key):
            raise PackageError(
                f"Nama label bag-info tidak sah: {key!r}.",
                f"Invalid bag-info tag name: {key!r}.",
            )
        # bagit drops line breaks inside values; make that explicit (and equal on every platform).
        info[key] = " ".join(str(value).split())
    return info


def _record_dir_name(record: BagRecord, used: set[str]) -> str:
    """The record's directory: its sanitised number, made unique case-insensitively (receivers may be Windows)."""
    name = safe_component(record.record_no, max_bytes=RECORD_DIR_MAX_BYTES, fallback=f"arsip-{record.record_id}")
    if name.casefold() in used:
        name = f"{_truncate_utf8(name, RECORD_DIR_MAX_BYTES - 12)}-{record.record_id}"
    if name.casefold() in used:
        raise PackageError(
            f"Nama folder arsip {record.record_no} (id {record.record_id}) bentrok dalam paket.",
            f"The folder name of record {record.record_no} (id {record.record_id}) collides in the package.",
        )
    used.add(name.casefold())
    return name


def _write_record(
    staging: Path, record: BagRecord, dir_name: str, transferred_at: str
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Write one record's files and description under ``staging/records/<dir_name>``.

    Returns the metadata written to ``metadata.json`` and the ``(bag path, recorded sha256)`` of each file.
    """
    _check_recorded(record)
    record_dir = staging / "records" / dir_name
    files_dir = record_dir / "files"
    files_dir.mkdir(parents=True)

    # Extra keys the caller dumped per file (ids, upload times) are kept, matched on name and hash.
    dumped = {
        (str(f.get("filename")), str(f.get("sha256", "")).lower()): f
        for f in record.metadata.get("files") or ()
        if isinstance(f, Mapping)
    }
    width = max(3, len(str(len(record.files))))
    file_entries: list[dict[str, Any]] = []
    checks: list[tuple[str, str]] = []
    for index, file in enumerate(record.files, start=1):
        prefix = f"{index:0{width}d}-"
        name = prefix + safe_component(file.filename, max_bytes=FILENAME_MAX_BYTES - len(prefix))
        _copy_checked(file, files_dir / name, record.record_no)
        rel = f"records/{dir_name}/files/{name}"
        entry = dict(dumped.get((file.filename, file.sha256.lower()), {}))
        entry.update(
            filename=file.filename,
            path=f"files/{name}",
            sha256=file.sha256.lower(),
            size=file.size,
            mime=file.mime,
        )
        file_entries.append(entry)
        checks.append((f"data/{rel}", file.sha256.lower()))

    metadata = dict(record.metadata)
    metadata.setdefault("id", record.record_id)
    metadata.setdefault("record_no", record.record_no)
    if not metadata.get("transferred_at"):  # the snapshot is taken before the transfer is recorded
        metadata["transferred_at"] = transferred_at
    metadata["files"] = file_entries
    (record_dir / "metadata.json").write_bytes(_json_bytes(metadata, f"arsip {record.record_no}"))
    (record_dir / "dc.xml").write_bytes(record_dc_xml(metadata))
    (record_dir / "history.json").write_bytes(_json_bytes(list(record.history), f"riwayat {record.record_no}"))
    return {**metadata, "path": f"records/{dir_name}"}, checks


def _declare_rfc8493(dest: Path) -> None:
    """Make the bag a BagIt 1.0 bag (RFC 8493): bagit.txt says so, and the tag manifests are written again over it.

    The layout bagit-python writes is already RFC 8493's (data/, manifests, UTF-8 tag files); only the declared
    version lags. The tag manifests cover every tag file (not the tag manifests), sorted, with paths relative to
    the bag."""
    (dest / "bagit.txt").write_bytes(f"BagIt-Version: {BAGIT_VERSION}\nTag-File-Character-Encoding: UTF-8\n".encode())
    tag_files = sorted(
        path.relative_to(dest).as_posix()
        for path in dest.rglob("*")
        if path.is_file() and path.relative_to(dest).parts[0] != "data" and not path.name.startswith("tagmanifest-")
    )
    for algorithm in CHECKSUMS:
        lines = []
        for name in tag_files:
            digest = hashlib.new(algorithm)
            with (dest / name).open("rb") as fh:
                for block in iter(lambda fh=fh: fh.read(_COPY_CHUNK), b""):
                    digest.update(block)
            lines.append(f"{digest.hexdigest()}  {name}\n")
        (dest / f"tagmanifest-{algorithm}.txt").write_text("".join(lines), encoding="utf-8")


def _validate(dest: Path, checks: Sequence[tuple[str, str]]) -> None:
    """Validate the finished bag with bagit, then tie its SHA-256 manifest to the hashes recorded at ingest."""
    try:
        bag = bagit.Bag(str(dest))
        bag.validate(processes=1)
    except bagit.BagError as exc:
        details = [str(d) for d in getattr(exc, "details", [])]
        raise PackageError(
            f"Paket BagIt tidak valid: {exc}",
            f"The BagIt package is invalid: {exc}",
            details,
        ) from exc
    mismatched = [path for path, sha in checks if bag.entries.get(path, {}).get("sha256") != sha]
    if mismatched:
        raise PackageError(
            "Manifes SHA-256 paket tidak sama dengan hash yang tercatat saat diterima.",
            "The package's SHA-256 manifest differs from the hashes recorded at ingest.",
            mismatched,
        )


def build_bag(
    dest: Path,
    bag_info: Mapping[str, str],
    records: Iterable[BagRecord],
    *,
    batch: Mapping[str, Any],
    transferred_at: dt.datetime | None = None,
) -> Path:
    """Build and validate a transfer package at ``dest`` (which must not exist; its parent must). Returns ``dest``.

    Every file is streamed from ``BagFile.open()`` while its SHA-256 and size are checked against the values
    recorded at ingest; then bagit turns the directory into a bag in place, the bag is validated and its
    SHA-256 manifest compared with the recorded hashes once more. On any failure `PackageError` is raised and
    ``dest`` removed, so a package that exists is a package that validated.

    ``bag_info`` tags go into bag-info.txt and win over the defaults: ``Bagging-Date`` (the transfer's day),
    ``Bag-Software-Agent``, ``Bag-Size``, ``External-Identifier`` and ``External-Description`` (the batch number),
    ``Source-Organization`` (``batch["source_organization"]``), ``Internal-Sender-Identifier`` (the berita acara
    number), ``Internal-Sender-Description`` and ``Receiving-Organization`` (the berita acara's ``receiver``);
    `sender_bag_info` gives the sender's address and contact from the settings. ``Payload-Oxum`` is computed.
    ``batch`` is written as ``data/berita-acara.json``. ``transferred_at`` (default: now, UTC) is written into
    each record's metadata that has no ``transferred_at`` yet.
    """
    dest = Path(dest).absolute()
    if dest.exists() or dest.is_symlink():
        raise PackageError(
            f"Tujuan paket sudah ada: {dest}",
            f"Package destination already exists: {dest}",
        )
    if not dest.parent.is_dir():
        raise PackageError(
            f"Folder induk tujuan paket tidak ada: {dest.parent}",
            f"Parent folder of the package destination does not exist: {dest.parent}",
        )
    moment = (transferred_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    moment_text = moment.isoformat().replace("+00:00", "Z")
    # names and values are checked before anything is written (the payload size is known only later)
    _bag_info(bag_info, batch, transferred_at=moment, records=0, size=0)
    dest.mkdir()
    try:
        # bagit.make_bag moves the directory's current contents into data/, so the payload is written at the
        # top level of dest first (checked in bagit 1.9: it renames every entry into a temp dir, then to data/).
        (dest / "berita-acara.json").write_bytes(_json_bytes(batch, "berita acara"))
        used: set[str] = set()
        seen_ids: set[int] = set()
        listing: list[dict[str, Any]] = []
        checks: list[tuple[str, str]] = []
        for record in records:
            # A record handed over twice would make the Daftar Arsip count (and the receiver's holdings) wrong.
            if record.record_id in seen_ids:
                raise PackageError(
                    f"Arsip {record.record_no} (id {record.record_id}) muncul lebih dari sekali dalam paket.",
                    f"Record {record.record_no} (id {record.record_id}) appears more than once in the package.",
                )
            seen_ids.add(record.record_id)
            metadata, record_checks = _write_record(dest, record, _record_dir_name(record, used), moment_text)
            listing.append(metadata)
            checks.extend(record_checks)
        (dest / "daftar-arsip.json").write_bytes(_json_bytes(listing, "daftar arsip"))

        info = _bag_info(bag_info, batch, transferred_at=moment, records=len(listing), size=_tree_size(dest))
        with _MAKE_BAG_LOCK:
            try:
                bagit.make_bag(str(dest), bag_info=info, processes=1, checksums=list(CHECKSUMS))
                _declare_rfc8493(dest)
            except (bagit.BagError, OSError, RuntimeError) as exc:
                raise PackageError(
                    f"Paket BagIt tidak dapat dibuat: {exc}",
                    f"The BagIt package could not be made: {exc}",
                ) from exc
        _validate(dest, checks)
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)
        raise
    return dest


# --- tar -----------------------------------------------------------------------------------------------------------


def _bagging_mtime(bag_dir: Path) -> int:
    """The bag's Bagging-Date as a Unix time (midnight UTC), or 0: a fixed mtime makes the tar reproducible."""
    try:
        for line in (bag_dir / "bag-info.txt").read_text(encoding="utf-8").splitlines():
            tag, _, value = line.partition(":")
            if tag.strip() == "Bagging-Date":
                day = dt.date.fromisoformat(value.strip())
                return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
    except (OSError, ValueError):
        pass
    return 0


def _tar_entries(root: Path) -> Iterable[tuple[Path, str]]:
    """Every entry below ``root`` as ``(path, archive name)``, depth first, names sorted: a stable order."""
    stack = [(root, root.name)]
    while stack:
        path, arcname = stack.pop()
        yield path, arcname
        if path.is_dir() and not path.is_symlink():
            children = sorted(os.listdir(path), reverse=True)
            stack.extend((path / child, f"{arcname}/{child}") for child in children)


def write_tar(bag_dir: Path, out: BinaryIO) -> None:
    """Write the bag as an uncompressed POSIX (pax) tar to ``out``, streaming, top-level folder ``bag_dir.name``.

    Deterministic: entries in sorted order, mtime fixed to the Bagging-Date, owner 0/0 without names, modes
    0644/0755, so the same bag always gives the same bytes (and the same checksum for the transfer record).
    Anything but regular files and directories (symlinks, devices) is refused rather than followed.
    """
    bag_dir = Path(bag_dir).absolute()
    if not (bag_dir / "bagit.txt").is_file():
        raise PackageError(f"Bukan paket BagIt: {bag_dir}", f"Not a BagIt package: {bag_dir}")
    mtime = _bagging_mtime(bag_dir)
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for path, arcname in _tar_entries(bag_dir):
            st = path.lstat()
            info = tarfile.TarInfo(arcname)
            info.mtime = mtime
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if stat.S_ISDIR(st.st_mode):
                info.type = tarfile.DIRTYPE
                info.mode = 0o755
                tar.addfile(info)
            elif stat.S_ISREG(st.st_mode):
                info.mode = 0o644
                info.size = st.st_size
                with path.open("rb") as fh:
                    tar.addfile(info, fh)
            else:
                raise PackageError(
                    f"Paket berisi entri yang bukan berkas biasa: {arcname}",
                    f"The package contains an entry that is not a regular file: {arcname}",
                )
