"""Staging hashes exactly what it writes, stops at the size limit, and never holds a file in memory."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
from pathlib import Path

import pytest
from werkzeug.formparser import parse_form_data
from werkzeug.test import EnvironBuilder

from archive_service.storage import FileTooLarge, HashingFileWriter, StagedFile, stage_stream

MiB = 1024 * 1024


class GeneratedStream(io.RawIOBase):
    """``total`` pseudo-random bytes produced on demand, so a huge input needs no memory of its own."""

    def __init__(self, total: int, block: bytes) -> None:
        super().__init__()
        self.remaining = total
        self.block = block
        self.offset = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        n = self.remaining if size is None or size < 0 else min(size, self.remaining)
        n = min(n, len(self.block) - self.offset)
        out = self.block[self.offset : self.offset + n]
        self.offset = (self.offset + n) % len(self.block)
        self.remaining -= n
        return out


def files_in(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file())


@pytest.mark.parametrize("size", [0, 11, 20 * MiB], ids=["empty", "small", "20MB"])
def test_hash_size_and_head_match_hashlib(staging_dir: Path, size: int) -> None:
    data = os.urandom(size)
    staged = stage_stream(io.BytesIO(data), staging_dir, chunk_size=256 * 1024)
    assert staged.sha256 == hashlib.sha256(data).hexdigest()
    assert staged.size == size
    assert staged.head == data[:8192]
    assert staged.path.parent == staging_dir
    assert staged.path.read_bytes() == data


def test_head_is_first_8_kib(staging_dir: Path) -> None:
    data = os.urandom(20_000)
    staged = stage_stream(io.BytesIO(data), staging_dir, chunk_size=1000)
    assert staged.head == data[:8192]
    assert len(staged.head) == 8192


def test_exactly_max_size_is_accepted(staging_dir: Path) -> None:
    staged = stage_stream(io.BytesIO(b"x" * 1000), staging_dir, max_size=1000, chunk_size=64)
    assert staged.size == 1000


def test_one_byte_over_max_size_raises_and_removes_temp_file(staging_dir: Path) -> None:
    with pytest.raises(FileTooLarge) as info:
        stage_stream(io.BytesIO(b"x" * 1001), staging_dir, max_size=1000, chunk_size=64)
    assert info.value.limit == 1000
    assert files_in(staging_dir) == []


def test_staging_a_200_mb_stream_keeps_memory_flat(staging_dir: Path) -> None:
    block = os.urandom(3 * MiB + 17)  # not a multiple of the chunk size, so offsets wander
    total = 200 * MiB
    expected = hashlib.sha256()
    check = GeneratedStream(total, block)
    while chunk := check.read(MiB):
        expected.update(chunk)

    tracemalloc.start()
    try:
        staged = stage_stream(GeneratedStream(total, block), staging_dir)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    try:
        assert staged.size == total
        assert staged.sha256 == expected.hexdigest()
        assert peak < 10 * MiB, f"peak {peak / MiB:.1f} MiB"
    finally:
        staged.discard()


def test_failed_source_leaves_no_temp_file(staging_dir: Path) -> None:
    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def read(self, size: int | None = -1) -> bytes:
            raise OSError("connection reset")

    with pytest.raises(OSError, match="connection reset"):
        stage_stream(Broken(), staging_dir)
    assert files_in(staging_dir) == []


def test_staged_file_discard_is_idempotent(staging_dir: Path) -> None:
    staged = stage_stream(io.BytesIO(b"abc"), staging_dir)
    staged.discard()
    staged.discard()
    assert not staged.path.exists()


def test_writer_behaves_like_a_file(staging_dir: Path) -> None:
    writer = HashingFileWriter(staging_dir)
    assert writer.writable() and writer.readable() and writer.seekable()
    assert writer.write(b"hello ") == 6
    assert writer.write(memoryview(b"world")) == 5
    assert writer.tell() == 11
    writer.flush()
    assert writer.seek(0) == 0
    assert writer.read(5) == b"hello"
    assert writer.read() == b" world"
    staged = writer.finish()
    assert writer.closed
    assert isinstance(staged, StagedFile)
    assert staged.sha256 == hashlib.sha256(b"hello world").hexdigest()
    assert writer.finish() is staged
    writer.close()  # werkzeug closes request files after the view has finished them
    assert staged.path.read_bytes() == b"hello world"


def test_writer_refuses_to_overwrite_what_it_hashed(staging_dir: Path) -> None:
    writer = HashingFileWriter(staging_dir)
    writer.write(b"abcdef")
    writer.seek(0)
    with pytest.raises(io.UnsupportedOperation):
        writer.write(b"X")
    writer.seek(0, io.SEEK_END)
    writer.write(b"g")
    assert writer.finish().sha256 == hashlib.sha256(b"abcdefg").hexdigest()


def test_writer_over_limit_removes_its_file(staging_dir: Path) -> None:
    writer = HashingFileWriter(staging_dir, max_size=10)
    writer.write(b"0123456789")
    with pytest.raises(FileTooLarge):
        writer.write(b"!")
    assert not writer.path.exists()
    assert writer.closed


def test_writer_discard_is_idempotent_and_blocks_finish(staging_dir: Path) -> None:
    writer = HashingFileWriter(staging_dir)
    writer.write(b"abc")
    writer.discard()
    writer.discard()
    assert files_in(staging_dir) == []
    with pytest.raises(ValueError):
        writer.finish()


def test_writer_discard_after_finish_removes_unconsumed_file(staging_dir: Path) -> None:
    writer = HashingFileWriter(staging_dir)
    writer.write(b"abc")
    staged = writer.finish()
    writer.discard()  # request teardown: nobody stored it
    assert not staged.path.exists()


def test_werkzeug_multipart_parser_streams_into_writers(staging_dir: Path) -> None:
    payload = os.urandom(300_000)
    builder = EnvironBuilder(
        method="POST", data={"files": [(io.BytesIO(payload), "a.bin"), (io.BytesIO(b"second"), "b.txt")]}
    )
    writers: list[HashingFileWriter] = []

    def factory(*_args: object, **_kwargs: object) -> HashingFileWriter:
        writers.append(HashingFileWriter(staging_dir, max_size=1_000_000))
        return writers[-1]

    _, _form, files = parse_form_data(builder.get_environ(), stream_factory=factory)
    parts = files.getlist("files")
    assert [p.stream for p in parts] == writers
    assert parts[0].read(10) == payload[:10]  # werkzeug rewound it; reading must work
    staged = [w.finish() for w in writers]
    assert staged[0].sha256 == hashlib.sha256(payload).hexdigest()
    assert staged[1].sha256 == hashlib.sha256(b"second").hexdigest()
    assert staged[0].head == payload[:8192]


def test_werkzeug_upload_over_limit_raises_file_too_large(staging_dir: Path) -> None:
    builder = EnvironBuilder(method="POST", data={"files": (io.BytesIO(b"y" * 5000), "big.bin")})

    def factory(*_args: object, **_kwargs: object) -> HashingFileWriter:
        return HashingFileWriter(staging_dir, max_size=4096)

    with pytest.raises(FileTooLarge):
        parse_form_data(builder.get_environ(), stream_factory=factory)
    assert files_in(staging_dir) == []
