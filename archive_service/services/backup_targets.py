"""Where backups live: a folder or an S3 bucket, behind one small interface (``services/backup.py`` uses it).

Layout, the same in both (a bucket's keys mirror the folder's paths)::

    <target>/blobs/ab/cd/<sha256>                   shared by every snapshot, so each backup copies only new blobs
    <target>/snapshots/<name>/database.sqlite3      or database.pgdump (pg_dump's custom format)
    <target>/snapshots/<name>/blobs.txt             "<sha256> <size>" per line: the blobs the database points at
    <target>/snapshots/<name>/manifest.json         written last: a snapshot without it is incomplete

The blob pool reuses the blob stores of ``archive_service/storage``: the same content addressing, the same atomic
publication (a half-copied blob never appears under its name), the same S3 client settings. Every file is
published whole: a folder target writes ``.<name>.part`` and renames it after an fsync; S3 objects appear only
when their upload completes.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from ..config import Settings
from ..storage import BlobStore
from ..storage.local import LocalBlobStore, fsync_dir

SNAPSHOTS = "snapshots"
BLOBS = "blobs"


class BackupTarget(Protocol):
    """A folder or a bucket that holds snapshots and their shared blob pool."""

    url: str

    def blob_store(self, staging_dir: Path) -> BlobStore:
        """The shared, content-addressed blob pool (``staging_dir``: where copies are staged before publishing)."""
        ...

    def staging_dir(self) -> Path:
        """Where a backup stages blob copies: inside a folder target (so publishing is a link), else locally."""
        ...

    def lock(self) -> Any:
        """Context manager held by a backup while it writes, so two backups never prune under each other."""
        ...

    def snapshot_names(self) -> list[str]:
        """Every snapshot, complete or not, oldest first (names sort by time)."""
        ...

    def read_bytes(self, snapshot: str, name: str) -> bytes | None:
        """A small file of a snapshot (the manifest), or None when it is absent."""
        ...

    def write_bytes(self, snapshot: str, name: str, data: bytes) -> None:
        """Publish a small file atomically."""
        ...

    def write_file(self, snapshot: str, name: str) -> Any:
        """Context manager yielding a local path to fill; the file is published when the block ends without error."""
        ...

    def put_file(self, snapshot: str, name: str, src: Path) -> None:
        """Publish a local file as a snapshot file."""
        ...

    def fetch_file(self, snapshot: str, name: str, dest: Path) -> bool:
        """Copy a snapshot file to ``dest``; False when it is absent."""
        ...

    def delete_snapshot(self, snapshot: str) -> None:
        """Remove a snapshot's files (never the shared blobs)."""
        ...


class TargetBusy(Exception):
    """Another backup holds the target's lock."""


def _copy(src: Path, dest: Path) -> None:
    with open(src, "rb") as fin, open(dest, "wb") as fout:
        while block := fin.read(1024 * 1024):
            fout.write(block)


class FolderTarget:
    """Backups in a local or mounted folder (an external disk, NFS, a folder rsync'd off-site)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.url = str(self.root)

    def _dir(self, snapshot: str) -> Path:
        return self.root / SNAPSHOTS / snapshot

    def blob_store(self, staging_dir: Path) -> BlobStore:
        return LocalBlobStore(self.root / BLOBS, staging_dir)

    def staging_dir(self) -> Path:
        """Copies are staged inside the target, so publishing a blob is a hard link on the same filesystem."""
        return self.root / "tmp"

    def snapshot_names(self) -> list[str]:
        base = self.root / SNAPSHOTS
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))

    def read_bytes(self, snapshot: str, name: str) -> bytes | None:
        try:
            return (self._dir(snapshot) / name).read_bytes()
        except FileNotFoundError:
            return None

    def write_bytes(self, snapshot: str, name: str, data: bytes) -> None:
        with self.write_file(snapshot, name) as path:
            path.write_bytes(data)

    @contextmanager
    def write_file(self, snapshot: str, name: str) -> Iterator[Path]:
        directory = self._dir(snapshot)
        directory.mkdir(parents=True, exist_ok=True)
        part = directory / f".{name}.part"
        part.unlink(missing_ok=True)
        try:
            yield part
            fd = os.open(part, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(part, directory / name)
            fsync_dir(directory)
        finally:
            part.unlink(missing_ok=True)

    def put_file(self, snapshot: str, name: str, src: Path) -> None:
        with self.write_file(snapshot, name) as path:
            _copy(src, path)

    @contextmanager
    def lock(self) -> Iterator[None]:
        """An ``flock`` on ``<target>/.backup.lock``: it dies with its holder, so a crash never leaves it stuck."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".backup.lock", "a+b") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise TargetBusy(self.url) from None
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def fetch_file(self, snapshot: str, name: str, dest: Path) -> bool:
        src = self._dir(snapshot) / name
        if not src.is_file():
            return False
        _copy(src, dest)
        return True

    def delete_snapshot(self, snapshot: str) -> None:
        directory = self._dir(snapshot)
        if not directory.is_dir():
            return
        for path in directory.iterdir():
            path.unlink(missing_ok=True)
        directory.rmdir()


class S3Target:
    """Backups in an S3 bucket (another bucket, site or provider than the live blobs, preferably)."""

    def __init__(self, bucket: str, prefix: str, client: Any, multipart_threshold: int, local_tmp: Path) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client
        self.multipart_threshold = multipart_threshold
        self.local_tmp = Path(local_tmp)
        self.url = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"

    def _key(self, *parts: str) -> str:
        return "/".join(p for p in (self.prefix, *parts) if p)

    def blob_store(self, staging_dir: Path) -> BlobStore:
        from ..storage.s3 import S3BlobStore

        return S3BlobStore(
            self.bucket, self._key(BLOBS), self.client, self.multipart_threshold, staging_dir=staging_dir
        )

    def staging_dir(self) -> Path:
        return self.local_tmp

    def snapshot_names(self) -> list[str]:
        names: list[str] = []
        base = self._key(SNAPSHOTS) + "/"
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=base, Delimiter="/"):
            for common in page.get("CommonPrefixes", []):
                names.append(common["Prefix"][len(base) :].rstrip("/"))
        return sorted(names)

    def read_bytes(self, snapshot: str, name: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(SNAPSHOTS, snapshot, name))
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code", "")) in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        with response["Body"] as body:
            return bytes(body.read())

    def write_bytes(self, snapshot: str, name: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(SNAPSHOTS, snapshot, name), Body=data)

    @contextmanager
    def write_file(self, snapshot: str, name: str) -> Iterator[Path]:
        self.local_tmp.mkdir(parents=True, exist_ok=True)
        fd, raw = tempfile.mkstemp(dir=self.local_tmp, prefix="backup-", suffix=".part")
        os.close(fd)
        path = Path(raw)
        try:
            yield path
            self.client.upload_file(str(path), self.bucket, self._key(SNAPSHOTS, snapshot, name))
        finally:
            path.unlink(missing_ok=True)

    def put_file(self, snapshot: str, name: str, src: Path) -> None:
        self.client.upload_file(str(src), self.bucket, self._key(SNAPSHOTS, snapshot, name))

    @contextmanager
    def lock(self) -> Iterator[None]:
        """S3 has no lock that dies with its holder: running one backup at a time per target is the operator's
        part (one timer, docs/deployment.md)."""
        yield

    def fetch_file(self, snapshot: str, name: str, dest: Path) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.download_file(self.bucket, self._key(SNAPSHOTS, snapshot, name), str(dest))
        except ClientError as exc:
            if str(exc.response.get("Error", {}).get("Code", "")) in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def delete_snapshot(self, snapshot: str) -> None:
        paginator = self.client.get_paginator("list_objects_v2")
        keys = [
            {"Key": obj["Key"]}
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self._key(SNAPSHOTS, snapshot) + "/")
            for obj in page.get("Contents", [])
        ]
        for start in range(0, len(keys), 1000):
            self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": keys[start : start + 1000], "Quiet": True}
            )


def open_target(url: str, settings: Settings) -> FolderTarget | S3Target:
    """``s3://bucket/prefix`` (with the ``ARSIP_S3_*`` endpoint and keys), ``file:///path`` or a plain path."""
    parts = urlsplit(url)
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ValueError(f"backup URL needs a bucket: {url!r}")
        from ..storage.factory import make_s3_client

        client = make_s3_client(
            settings.s3_endpoint_url, settings.s3_region, settings.s3_access_key, settings.s3_secret_key
        )
        return S3Target(
            parts.netloc, unquote(parts.path), client, settings.s3_multipart_threshold, settings.staging_dir
        )
    if parts.scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"file URLs must be local (file:///path): {url!r}")
        return FolderTarget(Path(unquote(parts.path)))
    if parts.scheme == "" and url:
        return FolderTarget(Path(url))
    raise ValueError(f"unsupported backup location {url!r}; use a folder path, file:///path or s3://bucket/prefix")
