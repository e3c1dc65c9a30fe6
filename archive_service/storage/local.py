"""Blobs as plain files under ``<root>/ab/cd/<sha256>``, published atomically and durably.

A blob appears under its final name only when complete and durable (hard link of the fsynced staged file, whose
hash is already known), so neither a reader nor a crash ever sees part of one, and the staged bytes are never
copied: staging and the store share a filesystem. Publishing by hard link also refuses to overwrite, which
makes ``created`` exact when two single puts store the same content at once.

Durability comes in two ways. Alone (``put_staged(staged)``, the API's one upload) the blob is durable when the
call returns: file fsynced, linked, then the three directory levels fsynced. In a batch (``put_staged(staged,
pending)``, batch ingest) the put only creates the fan-out directories and leaves the rest to a ``PendingSync``
that the caller flushes just before its transaction commits (storage/durability.py): the data of the whole
batch made durable at once (one ``syncfs``), then every staged file linked under its hash, then the directories
(a second ``syncfs``). That keeps the rule that matters (no row before its bytes and its name are on disk, no
torn blob under a hash) for two ``syncfs`` per batch instead of one file fsync and three directory fsyncs per
blob. Its price: ``created`` is decided before the link, so a concurrent put of the same new content may win
the link instead, as on S3, which the commit's presence check (services/uploads.py) already handles.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
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
        """Store once per content; the staged temp file is gone afterwards (with ``pending``: after its flush).

        Without ``pending`` the staged bytes are fsynced, linked under the hash and the three directory levels
        fsynced (another writer may have created ``ab/cd`` a moment ago without syncing it yet) before this
        returns. With ``pending`` all of that is left to ``pending.flush()``, which the caller runs before
        committing a row that points at the blob: data of the whole batch first, then the links, then the
        directories. ``created`` is then decided before the link: a concurrent put of the same new content may
        win the link instead, as on S3, which the commit's presence check and ``release_unreferenced`` allow."""
        try:
            dest = self.path(staged.sha256)
        except BaseException:
            staged.discard()
            raise
        levels = [self.root, dest.parent.parent, dest.parent]
        if pending is not None:
            if dest.exists():
                staged.discard()
                pending.add(dirs=levels)
                return False
            self._make_dirs(dest.parent)  # here, in the caller's thread; empty directories harm nobody
            pending.add(files=[staged.path], dirs=levels, publish=_StagedLink(self, staged, dest))
            return True
        created = False
        try:
            if not dest.exists():
                fsync_path(staged.path)
                created = self._publish_staged(staged, dest)
        finally:
            staged.discard()
        owed = PendingSync(use_syncfs=False)
        owed.add(dirs=levels)
        owed.flush()
        return created

    def _publish_staged(self, staged: StagedFile, dest: Path) -> bool:
        """Give durable staged bytes their final name; True if this call created it. Safe to run twice, and a
        staged file discarded in the meantime (its record failed) is simply not published."""
        try:
            if not staged.path.exists():
                return False
            self._make_dirs(dest.parent)
            return self._publish(staged.path, dest)
        finally:
            staged.discard()

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


@dataclass(frozen=True)
class _StagedLink:
    """A staged blob waiting in a ``PendingSync`` for its data to be durable before it is linked under its hash."""

    store: LocalBlobStore
    staged: StagedFile
    dest: Path

    def publish(self) -> None:
        self.store._publish_staged(self.staged, self.dest)

    def discard(self) -> None:
        self.staged.discard()


def _entries(directory: Path) -> list[os.DirEntry[str]]:
    """Sorted directory entries; a directory that vanished mid-walk simply has none."""
    try:
        with os.scandir(directory) as it:
            return sorted(it, key=lambda e: e.name)
    except FileNotFoundError:
        return []


def _is_fanout(entry: os.DirEntry[str]) -> bool:
    return len(entry.name) == 2 and all(c in "0123456789abcdef" for c in entry.name)
