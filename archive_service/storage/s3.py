"""Blobs as objects in an S3 (or S3-compatible) bucket, for installations without reliable local disks.

Keys mirror the local layout, ``<prefix>/ab/cd/<sha256>``, so a bucket can be listed and audited by hand.
Large files go up in parts (boto3's transfer manager) straight from the staged file, never through memory.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from .base import BlobNotFound, check_sha256, is_sha256
from .durability import PendingSync
from .staging import StagedFile, StagedPutMixin

MIN_PART_SIZE = 5 * 1024 * 1024  # S3 rejects smaller parts (except the last one)
READ_BUFFER = 256 * 1024
_MISSING = {"404", "NoSuchKey", "NotFound"}
_NO_VERSIONING_API = {"NotImplemented", "MethodNotAllowed", "XNotImplemented"}


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class _BodyReader(io.RawIOBase):
    """Gives botocore's StreamingBody the full file-object interface (buffering, ``with``, iteration)."""

    def __init__(self, body: Any) -> None:
        super().__init__()
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        view = memoryview(b).cast("B")
        data = self._body.read(view.nbytes)
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            try:
                self._body.close()
            finally:
                super().close()


class S3BlobStore(StagedPutMixin):
    """Blob storage in an S3 bucket; deletion removes every version so a versioned bucket keeps nothing."""

    kind = "s3"

    def __init__(
        self,
        bucket: str,
        prefix: str,
        client: Any,
        multipart_threshold: int = 64 * 1024 * 1024,
        *,
        staging_dir: Path,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client
        self.staging_dir = Path(staging_dir)
        self.transfer_config = TransferConfig(
            multipart_threshold=multipart_threshold,
            multipart_chunksize=max(multipart_threshold, MIN_PART_SIZE),
        )

    def __repr__(self) -> str:
        return f"S3BlobStore({self.bucket!r}, {self.prefix!r})"

    def key(self, sha256: str) -> str:
        """The object key; the hash is validated first so no caller can address another key."""
        check_sha256(sha256)
        tail = f"{sha256[:2]}/{sha256[2:4]}/{sha256}"
        return f"{self.prefix}/{tail}" if self.prefix else tail

    def _head(self, sha256: str) -> dict[str, Any] | None:
        try:
            return dict(self.client.head_object(Bucket=self.bucket, Key=self.key(sha256)))
        except ClientError as exc:
            if _error_code(exc) in _MISSING:
                return None
            raise

    def put_staged(self, staged: StagedFile, pending: PendingSync | None = None) -> bool:
        """Upload once per content (multipart above the threshold); the staged temp file is gone afterwards.

        A completed upload is durable, so nothing is ever added to ``pending``."""
        try:
            key = self.key(staged.sha256)
            if self._head(staged.sha256) is not None:
                return False
            self.client.upload_file(
                str(staged.path),
                self.bucket,
                key,
                ExtraArgs={"ContentType": "application/octet-stream", "Metadata": {"sha256": staged.sha256}},
                Config=self.transfer_config,
            )
            return True
        finally:
            staged.discard()

    def open(self, sha256: str) -> BinaryIO:
        """A buffered stream over the object's body; the download proceeds as it is read."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as exc:
            if _error_code(exc) in _MISSING:
                raise BlobNotFound(sha256) from None
            raise
        return io.BufferedReader(_BodyReader(response["Body"]), buffer_size=READ_BUFFER)

    def size(self, sha256: str) -> int:
        """Size from the object's metadata, without downloading it."""
        head = self._head(sha256)
        if head is None:
            raise BlobNotFound(sha256)
        return int(head["ContentLength"])

    def exists(self, sha256: str) -> bool:
        """Presence check used to confirm a deduplicated blob is still there."""
        return self._head(sha256) is not None

    def _versions(self, key: str) -> list[dict[str, str]]:
        found: list[dict[str, str]] = []
        paginator = self.client.get_paginator("list_object_versions")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=key):
            for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                if item["Key"] == key:
                    entry = {"Key": key}
                    if item.get("VersionId"):
                        entry["VersionId"] = item["VersionId"]
                    found.append(entry)
        return found

    def delete(self, sha256: str) -> None:
        """Remove every version and delete marker, because a deleted record's content must really be gone."""
        key = self.key(sha256)
        try:
            targets = self._versions(key)
        except ClientError as exc:
            if _error_code(exc) not in _NO_VERSIONING_API:
                raise
            self.client.delete_object(Bucket=self.bucket, Key=key)
            return
        if not targets and self._head(sha256) is not None:  # a store that lists no versions at all
            targets = [{"Key": key}]
        for start in range(0, len(targets), 1000):
            response = self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": targets[start : start + 1000], "Quiet": True}
            )
            if response.get("Errors"):
                raise OSError(f"could not delete s3://{self.bucket}/{key}: {response['Errors']}")

    def iter_sha256(self) -> Iterator[str]:
        """Every blob under the prefix, page by page, skipping foreign keys."""
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=f"{self.prefix}/" if self.prefix else ""):
            for obj in page.get("Contents", []):
                name = obj["Key"].rsplit("/", 1)[-1]
                if is_sha256(name) and obj["Key"] == self.key(name):
                    yield name
