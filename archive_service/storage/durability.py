"""Durability owed, paid once per batch: directory fsyncs deferred until just before the rows that point at
the blobs commit.

A store that makes every blob durable on its own pays, besides the file's fsync, a directory fsync for each
level it touches (two or three per new blob, since almost every blob lands in a fresh ``ab/cd`` directory), and
each is a journal commit or a device cache flush. Batch ingest does not need that: a blob only has to be durable
before the database commits a row that points at it. So ``LocalBlobStore.put_staged(staged, pending)`` fsyncs the
file's data (before it gets its name, so a crash never leaves a torn blob under a hash), links it into place and
records here the directories it owes; ``flush`` pays them, and the caller commits only after ``flush`` returned.
A crash in between leaves at most blobs without rows, which is what the sweeper removes.

``flush`` pays with one ``syncfs`` per filesystem where Linux has it (the call behind ``sync -f``: all data and
metadata of that filesystem; from Linux 5.8 on it reports write-back errors as fsync does, older kernels are not
trusted with it); elsewhere it fsyncs every file and then every directory once. Either way nothing is committed
before its bytes and directory entries are on disk.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

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


class PendingSync:
    """Files and directories written but not yet made durable; thread-safe, since ingest stores from a pool.

    ``use_syncfs=False`` forces the portable per-path fsyncs (tests use it to cover both ways)."""

    def __init__(self, *, use_syncfs: bool = True) -> None:
        self._lock = threading.Lock()
        self._files: set[Path] = set()
        self._dirs: set[Path] = set()
        self._use_syncfs = use_syncfs

    def __len__(self) -> int:
        with self._lock:
            return len(self._files) + len(self._dirs)

    def add(self, files: Iterable[Path] = (), dirs: Iterable[Path] = ()) -> None:
        """Owe an fsync of each file's data and of each directory's entries."""
        with self._lock:
            self._files.update(files)
            self._dirs.update(dirs)

    def flush(self) -> None:
        """Make everything owed so far durable; on an error it stays owed, so a retry pays it again."""
        with self._lock:
            files, dirs = sorted(self._files), sorted(self._dirs)
            self._files.clear()
            self._dirs.clear()
        try:
            _make_durable(files, dirs, self._use_syncfs)
        except BaseException:
            self.add(files, dirs)
            raise


def _make_durable(files: list[Path], dirs: list[Path], use_syncfs: bool) -> None:
    if not files and not dirs:
        return
    if use_syncfs and _SYNCFS is not None:
        device = {d: os.stat(d).st_dev for d in {*dirs, *(f.parent for f in files)}}
        synced: set[int] = set()
        for directory, dev in device.items():
            if dev not in synced and syncfs(directory):
                synced.add(dev)
        files = [f for f in files if device[f.parent] not in synced]
        dirs = [d for d in dirs if device[d] not in synced]
    for path in files:  # data first, then the entries that name it
        fsync_path(path)
    for directory in dirs:
        fsync_path(directory, directory=True)
