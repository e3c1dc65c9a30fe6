"""Content-addressed blob storage (local disk or S3) and streaming upload staging.

The concrete stores live in ``.local`` and ``.s3``; callers get one from ``open_blob_store``.
"""

from .base import BlobNotFound, BlobStore, FileTooLarge
from .durability import PendingSync
from .factory import open_blob_store
from .staging import HashingFileWriter, StagedFile, stage_stream

__all__ = [
    "BlobNotFound",
    "BlobStore",
    "FileTooLarge",
    "HashingFileWriter",
    "PendingSync",
    "StagedFile",
    "open_blob_store",
    "stage_stream",
]
