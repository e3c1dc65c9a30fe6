"""Blobs as plain files under ``<root>/ab/cd/<sha256>``, published atomically and durably.

A blob appears under its final name only when complete (hard link of the staged file, whose hash is already
known), so a reader never sees part of one, and the staged bytes are never copied: staging and the store share a
filesystem. Publishing by hard link also refuses to overwrite, which makes ``created`` exact even when two
requests store the same content at once.

Durability comes in two ways. Alone (``put_staged(staged)``, the API's one upload) the blob is durable when the
call returns: file fsynced, then every directory it created or entered. In a batch (``put_staged(staged,
pending)``, batch ingest) only the file's own fsync happens at once (its data must be on disk before it has a
name, or a crash could leave a torn blob under its hash; the ingest threads do these in parallel) and the
directory fsyncs are recorded in a ``PendingSync`` that the caller pays just before its transaction commits
(storage/durability.py): the same guarantee (no row before its bytes and its name are on disk) for one
``syncfs`` per batch instead of two or three directory fsyncs per blob.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .base import BlobNotFound, check_sha256, is_sha256
from .durability import PendingSync, fsync_path
from .staging import StagedFile, StagedPutMixin

# Filesystems without hard links answer with one of these; there we fall back to os.replace.
_NO_HARDLINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EMLINK}


def fsync_dir(path: Path) -> None:
    """A rename or link is only durable once the directory entry itself is on disk."""
    fsync_path(path, directory=True)


def _link_or_replace(src: Path, dest: Path) -> bool:
    """Publish ``src`` as ``dest`` without overwriting; False when ``dest`` already exists."""
    try:
        os.link(src, dest)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in _NO_HARDLINKS:
            raise
        if dest.exists():
            return False
        os.replace(src, dest)
    return True


class LocalBlobStore(StagedPutMixin):
    """Blob storage on a local or mounted filesystem; the default for a single-server installation."""

    kind = "local"

    def __init__(self, root: Path, staging_dir: Path) -> None:
        self.root = Path(root)
        self.staging_dir = Path(staging_dir)
        self.root.mkdir(parents=True, exist_ok=True)
        self.staging_dir.mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"LocalBlobStore({str(self.root)!r})"

    def path(self, sha256: str) -> Path:
        """Where a blob lives; the hash is validated first so it can never escape the root."""
        check_sha256(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def _make_dirs(self, directory: Path) -> None:
        """Create the fan-out directories; their entries are synced with the blob's (see ``put_staged``)."""
        missing = []
        while not directory.is_dir():
            missing.append(directory)
            directory = directory.parent
        for d in reversed(missing):
            d.mkdir(exist_ok=True)

    def _copy_beside(self, src: Path, dest: Path) -> Path:
        """For a staging dir on another filesystem: a fsynced copy next to ``dest`` that can be linked."""
        with (
            open(src, "rb") as fin,
            tempfile.NamedTemporaryFile(dir=dest.parent, prefix=".tmp-", delete=False) as fout,
        ):
            try:
                shutil.copyfileobj(fin, fout, 1024 * 1024)
                fout.flush()
                os.fsync(fout.fileno())
            except BaseException:
                Path(fout.name).unlink(missing_ok=True)
                raise
        return Path(fout.name)

    def _publish(self, src: Path, dest: Path) -> bool:
        try:
            return _link_or_replace(src, dest)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
        tmp = self._copy_beside(src, dest)
        try:
            return _link_or_replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)

    def put_staged(self, staged: StagedFile, pending: PendingSync | None = None) -> bool:
        """Store once per content; the staged temp file is gone afterwards whatever happened.

        The staged bytes are fsynced before the blob gets its name, so a crash can never leave a torn blob under
        a hash. The directory entries (all three levels: another writer may have created ``ab/cd`` a moment ago
        without syncing it yet) are owed: synced before returning without ``pending``; added to ``pending``
        otherwise, and the caller must ``pending.flush()`` before committing a row that points at the blob."""
        try:
            dest = self.path(staged.sha256)
            created = False
            if not dest.exists():
                self._make_dirs(dest.parent)
                fsync_path(staged.path)
                created = self._publish(staged.path, dest)
        finally:
            staged.discard()
        owed = PendingSync(use_syncfs=False) if pending is None else pending
        owed.add(dirs=[self.root, dest.parent.parent, dest.parent])
        if pending is None:
            owed.flush()
        return created

    def open(self, sha256: str) -> BinaryIO:
        """The blob's bytes as an ordinary file."""
        try:
            return open(self.path(sha256), "rb")
        except FileNotFoundError:
            raise BlobNotFound(sha256) from None

    def size(self, sha256: str) -> int:
        """Size from the filesystem, so fixity can spot a truncated blob without reading it."""
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            raise BlobNotFound(sha256) from None

    def exists(self, sha256: str) -> bool:
        """Cheap presence check used to confirm a deduplicated blob is still there."""
        return self.path(sha256).is_file()

    def delete(self, sha256: str) -> None:
        """Remove the blob; empty fan-out directories stay so a concurrent put never loses its parent."""
        path = self.path(sha256)
        try:
            path.unlink()
        except FileNotFoundError:
            return
        fsync_dir(path.parent)

    def iter_sha256(self) -> Iterator[str]:
        """Walk the two fan-out levels in sorted order, skipping anything that is not a correctly placed blob."""
        for first in _entries(self.root):
            if not (_is_fanout(first) and first.is_dir(follow_symlinks=False)):
                continue
            for second in _entries(Path(first.path)):
                if not (_is_fanout(second) and second.is_dir(follow_symlinks=False)):
                    continue
                prefix = first.name + second.name
                for entry in _entries(Path(second.path)):
                    if is_sha256(entry.name) and entry.name.startswith(prefix) and entry.is_file():
                        yield entry.name


def _entries(directory: Path) -> list[os.DirEntry[str]]:
    """Sorted directory entries; a directory that vanished mid-walk simply has none."""
    try:
        with os.scandir(directory) as it:
            return sorted(it, key=lambda e: e.name)
    except FileNotFoundError:
        return []


def _is_fanout(entry: os.DirEntry[str]) -> bool:
    return len(entry.name) == 2 and all(c in "0123456789abcdef" for c in entry.name)
