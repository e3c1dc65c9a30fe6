"""What the rest of Arsip may assume about blob storage, whichever backend holds the bytes.

Blobs are content-addressed by their SHA-256, so identical uploads are stored once and a blob never changes
after it is written; services depend only on this protocol, never on a concrete store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO, Protocol, runtime_checkable

if TYPE_CHECKING:
    from .durability import PendingSync
    from .staging import StagedFile

_SHA256 = re.compile(r"[0-9a-f]{64}")


class BlobNotFound(Exception):
    """Raised for an unknown SHA-256 so callers can tell "missing" (fixity, 404) from I/O failures."""


class FileTooLarge(Exception):
    """Raised while staging as soon as the size limit is passed, so an oversized upload never fills the disk."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"file is larger than {limit} bytes")
        self.limit = limit


def check_sha256(sha256: str) -> str:
    """Reject anything but 64 lowercase hex digits, because the hash becomes a path or key component."""
    if not isinstance(sha256, str) or _SHA256.fullmatch(sha256) is None:
        raise ValueError(f"not a lowercase hex SHA-256: {sha256!r}")
    return sha256


def is_sha256(name: str) -> bool:
    """Listing must ignore foreign files (temp copies, editor droppings) instead of failing on them."""
    return _SHA256.fullmatch(name) is not None


@runtime_checkable
class BlobStore(Protocol):
    """Content-addressed blob storage; the local and S3 backends behave identically behind it."""

    kind: str

    def put_staged(self, staged: StagedFile, pending: PendingSync | None = None) -> bool:
        """Store under the staged hash; True if newly stored, False if already there. Consumes the temp file.

        Durable on return, except what a store adds to ``pending``: the caller flushes that before any row
        points at the blob (a store whose put is durable by itself, like S3, adds nothing)."""
        ...

    def put_stream(self, stream: BinaryIO, max_size: int | None = None) -> tuple[str, int, bool]:
        """Stage and store in one call: ``(sha256, size, created)``."""
        ...

    def open(self, sha256: str) -> BinaryIO:
        """A readable stream of the blob (use it as a context manager); BlobNotFound if absent."""
        ...

    def size(self, sha256: str) -> int:
        """The stored size in bytes; BlobNotFound if absent."""
        ...

    def exists(self, sha256: str) -> bool:
        """Whether the blob is stored."""
        ...

    def delete(self, sha256: str) -> None:
        """Remove the blob completely; a missing blob is not an error."""
        ...

    def iter_sha256(self) -> Iterator[str]:
        """Every stored blob's hash, for the sweeper and fixity checks."""
        ...
