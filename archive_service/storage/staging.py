"""Uploads go to a temp file once, hashed on the way, so no file is ever held in memory or read twice.

The staging directory sits on the same filesystem as a local store's root, which makes storing a staged file
a rename. An unfinished or rejected upload is removed by ``discard``; anything a crash leaves behind is old
enough for the sweeper to delete.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .base import FileTooLarge

HEAD_SIZE = 8192
DEFAULT_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StagedFile:
    """A complete upload on disk with its hash already known, so checks and storing never re-read it."""

    path: Path
    sha256: str
    size: int
    head: bytes

    def discard(self) -> None:
        """Remove the temp file unless a store already took it; safe to call any number of times."""
        self.path.unlink(missing_ok=True)


def _temp_file(staging_dir: Path) -> Any:
    """A new temp file that outlives this call on purpose: ``finish`` or ``discard`` closes it."""
    return tempfile.NamedTemporaryFile(dir=staging_dir, prefix="stage-", suffix=".part", delete=False)


class HashingFileWriter(io.RawIOBase):
    """A file object for werkzeug's multipart parser that hashes, counts and size-limits while it writes.

    Writes are append-only (werkzeug only appends, then seeks to 0 and may read), because writing anywhere
    else would make the running hash wrong.
    """

    def __init__(self, staging_dir: Path, max_size: int | None = None) -> None:
        super().__init__()
        self._file: Any = None
        self._staged: StagedFile | None = None
        self._discarded = False
        staging_dir = Path(staging_dir)
        try:
            self._file = _temp_file(staging_dir)
        except FileNotFoundError:  # created on first use only: a mkdir per upload costs more than it seems
            staging_dir.mkdir(parents=True, exist_ok=True)
            self._file = _temp_file(staging_dir)
        self.path = Path(self._file.name)
        self.max_size = max_size
        self._hash = hashlib.sha256()
        self._size = 0
        self._head = bytearray()
        self._at_end = True

    @property
    def size(self) -> int:
        """Bytes written so far; lets a caller report progress without touching the file."""
        return self._size

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed HashingFileWriter")

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def fileno(self) -> int:
        self._check_open()
        return int(self._file.fileno())

    def write(self, b: Any) -> int:
        """Hash and count the bytes before they land, and refuse the byte that passes ``max_size``."""
        self._check_open()
        if not self._at_end:
            if self._file.tell() != self._size:
                raise io.UnsupportedOperation("HashingFileWriter only appends")
            self._at_end = True
        view = memoryview(b).cast("B")
        n = view.nbytes
        if self.max_size is not None and self._size + n > self.max_size:
            self.discard()
            raise FileTooLarge(self.max_size)
        if len(self._head) < HEAD_SIZE:
            self._head += view[: HEAD_SIZE - len(self._head)]
        self._file.write(view)
        self._hash.update(view)
        self._size += n
        return n

    def read(self, size: int | None = -1) -> bytes:
        self._check_open()
        self._at_end = False
        return bytes(self._file.read(-1 if size is None else size))

    def readinto(self, b: Any) -> int:
        self._check_open()
        self._at_end = False
        return int(self._file.readinto(b))

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._check_open()
        self._at_end = False
        return int(self._file.seek(offset, whence))

    def tell(self) -> int:
        self._check_open()
        return int(self._file.tell())

    def flush(self) -> None:
        self._check_open()
        self._file.flush()

    def close(self) -> None:
        """Close the handle but keep the temp file: ``finish`` or ``discard`` decides its fate."""
        if self.closed:
            return
        try:
            super().close()
        finally:
            if self._file is not None:
                self._file.close()

    def finish(self) -> StagedFile:
        """Close the temp file and hand it over as a StagedFile (the same one if called again).

        No fsync here: a staged file is not yet archive data. The store makes it durable when it publishes it
        (local: fsync before the link; S3: the upload), so syncing here too would cost a second flush per file.
        """
        if self._discarded:
            raise ValueError("HashingFileWriter was discarded")
        if self._staged is not None:
            return self._staged
        if not self.closed:
            self._file.flush()
            self.close()
        self._staged = StagedFile(self.path, self._hash.hexdigest(), self._size, bytes(self._head))
        return self._staged

    def discard(self) -> None:
        """Close and delete the temp file (also after ``finish``, when nobody consumed it); idempotent."""
        self._discarded = True
        if self._file is None:
            return
        self.close()
        self.path.unlink(missing_ok=True)


def stage_stream(
    stream: BinaryIO, staging_dir: Path, max_size: int | None = None, chunk_size: int = DEFAULT_CHUNK
) -> StagedFile:
    """Copy any readable stream to a staged file chunk by chunk, so memory stays flat whatever its size."""
    writer = HashingFileWriter(staging_dir, max_size)
    try:
        while chunk := stream.read(chunk_size):
            writer.write(chunk)
        return writer.finish()
    except BaseException:
        writer.discard()
        raise


class StagedPutMixin:
    """``put_stream`` for any store that implements ``put_staged``: the key (the hash) is only known once the
    whole stream has been read, so every store stages first and then publishes."""

    staging_dir: Path

    def put_staged(self, staged: StagedFile, pending: Any = None) -> bool:  # pragma: no cover - provided by the store
        raise NotImplementedError

    def put_stream(self, stream: BinaryIO, max_size: int | None = None) -> tuple[str, int, bool]:
        staged = stage_stream(stream, self.staging_dir, max_size)
        return staged.sha256, staged.size, self.put_staged(staged)
