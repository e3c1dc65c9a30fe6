"""Durability owed, paid once per batch, just before the rows that point at the blobs commit.

A store that makes every blob durable on its own pays a file fsync and a directory fsync for each level it
touches (three more, since almost every blob lands in a fresh ``ab/cd`` directory); each is a journal commit or a
device cache flush, and batch ingest stores hundreds of blobs a second. It does not need that: a blob only has to
be durable before the database commits a row that points at it. So ``LocalBlobStore.put_staged(staged, pending)``
records its debts here (the staged file's data, the link that names it, the directories that hold the name) and
``flush`` pays them in that order: data, then names, then directory entries, so a crash never leaves a torn
file under a final name. The caller commits only after ``flush`` returned; a crash before that leaves at most
blobs without rows, which is what the sweeper removes.

``flush`` pays with one ``syncfs`` per filesystem per step where Linux has it (the call behind ``sync -f``: all
data and metadata of that filesystem; from Linux 5.8 on it reports write-back errors as fsync does, older kernels
are not trusted with it); elsewhere it fsyncs every file and then every directory. Either way nothing is
committed before its bytes and directory entries are on disk.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import stat
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

# syncfs(2) reports write-back errors only from Linux 5.8 on; older kernels get the per-path fsyncs.
_SYNCFS_MIN_KERNEL = (5, 8)


def fsync_path(path: Path, *, directory: bool = False) -> None:
    """fsync one file, or one directory (a rename or link is durable only once its directory entry is)."""
    flags = os.O_RDONLY | (os.O_DIRECTORY if directory else 0)
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _kernel_at_least(version: tuple[int, int]) -> bool:
    try:
        release = os.uname().release.split("-", 1)[0].split(".")
        return (int(release[0]), int(release[1])) >= version
    except (ValueError, IndexError):
        return False


def _load_syncfs() -> Callable[[int], int] | None:
    """libc's ``syncfs`` on a Linux kernel that reports its errors, else None (per-path fsyncs instead)."""
    if not sys.platform.startswith("linux") or not _kernel_at_least(_SYNCFS_MIN_KERNEL):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        syncfs = libc.syncfs
    except (OSError, AttributeError):
        return None
    syncfs.argtypes = [ctypes.c_int]
    syncfs.restype = ctypes.c_int
    return syncfs  # type: ignore[no-any-return]


_SYNCFS = _load_syncfs()


def syncfs(path: Path) -> bool:
    """Flush the whole filesystem holding ``path``; False when the platform has no usable ``syncfs``.

    An I/O error raises OSError, exactly as a failed fsync would."""
    if _SYNCFS is None:
        return False
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if _SYNCFS(fd) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"syncfs failed: {os.strerror(err)}", str(path))
    finally:
        os.close(fd)
    return True


class Publication(Protocol):
    """Giving a written file its final name, once its data is durable (LocalBlobStore: link a staged blob)."""

    def publish(self) -> None:
        """Give the name; idempotent, since it may run again after a failed flush."""
        ...

    def discard(self) -> None:
        """Give up: remove the unpublished file."""
        ...


class PendingSync:
    """Writes not yet durable, and names not yet given; thread-safe, since ingest stores from a pool.

    Three kinds of debt: files whose data must reach the disk, publications that give such a file its final
    name (run only once the data is durable, so a crash never leaves a torn file under a final name), and
    directories whose entries must reach the disk after that. ``use_syncfs=False`` forces the portable per-path
    fsyncs (tests use it to cover both ways)."""

    def __init__(self, *, use_syncfs: bool = True) -> None:
        self._lock = threading.Lock()
        self._files: set[Path] = set()
        self._dirs: set[Path] = set()
        self._publish: list[Publication] = []
        self._use_syncfs = use_syncfs

    def __len__(self) -> int:
        with self._lock:
            return len(self._files) + len(self._dirs) + len(self._publish)

    def add(self, files: Iterable[Path] = (), dirs: Iterable[Path] = (), publish: Publication | None = None) -> None:
        """Owe an fsync of each file's data, then ``publish``, then an fsync of each directory's entries."""
        with self._lock:
            self._files.update(files)
            self._dirs.update(dirs)
            if publish is not None:
                self._publish.append(publish)

    def flush(self) -> None:
        """Pay everything owed so far: data, then names, then directory entries. On an error all of it stays
        owed, so a retry pays it again."""
        with self._lock:
            files, dirs, publish = sorted(self._files), sorted(self._dirs), list(self._publish)
            self._files.clear()
            self._dirs.clear()
            self._publish.clear()
        try:
            if publish:
                _make_durable(files, [], self._use_syncfs)
                for publication in publish:
                    publication.publish()
                _make_durable([], dirs, self._use_syncfs)
            else:
                _make_durable(files, dirs, self._use_syncfs)
        except BaseException:
            self.add(files, dirs)
            with self._lock:
                self._publish[:0] = publish
            raise

    def abandon(self) -> None:
        """Drop every debt and discard what was never published: for a caller that gives the batch up after a
        failed flush (nothing of it is committed, so nothing may stay behind)."""
        with self._lock:
            publish = list(self._publish)
            self._files.clear()
            self._dirs.clear()
            self._publish.clear()
        for publication in publish:
            publication.discard()


def _make_durable(files: list[Path], dirs: list[Path], use_syncfs: bool) -> None:
    """fsync files, then directories (or one syncfs per filesystem). A path that is gone is owed nothing: a
    staged file discarded since (its record failed), or a fan-out directory its only publication never made."""
    device: dict[Path, int] = {}  # every directory involved that exists, with its filesystem
    for directory in {*dirs, *(f.parent for f in files)}:
        try:
            st = os.stat(directory)
        except FileNotFoundError:
            continue
        if stat.S_ISDIR(st.st_mode):
            device[directory] = st.st_dev
    files = [f for f in files if f.parent in device]
    dirs = [d for d in dirs if d in device]
    if use_syncfs and _SYNCFS is not None:
        synced: set[int] = set()
        for directory in sorted({*dirs, *(f.parent for f in files)}):
            if device[directory] not in synced and syncfs(directory):
                synced.add(device[directory])
        files = [f for f in files if device[f.parent] not in synced]
        dirs = [d for d in dirs if device[d] not in synced]
    for path in files:  # data first, then the entries that name it
        try:
            fsync_path(path)
        except FileNotFoundError:
            continue
    for directory in dirs:
        fsync_path(directory, directory=True)
