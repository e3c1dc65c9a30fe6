"""Run extractors in child processes, each file under a wall-clock limit and an address-space limit.

Parsers of PDF and Office files are large C and Python code bases fed with files from the public; a decompression
bomb or a PDF whose objects refer to each other in a loop can eat all memory or never return. The indexer must
survive both and move on, so every file is extracted in a worker process that the caller can kill.

Why not ``concurrent.futures.ProcessPoolExecutor``: it cannot time one task out. A future's ``result(timeout)``
only stops waiting; the worker keeps running, and killing it breaks the whole executor, failing every other
in-flight file. So each worker here is a process with its own pipe, given one file at a time. The parent knows
when each file started, kills exactly the worker that overran (SIGKILL: a parser stuck in C code never sees a
Python exception), starts a replacement, and the other workers carry on undisturbed.

Why ``RLIMIT_AS``: it caps the worker's address space, so an allocation beyond it fails inside the worker
(``MemoryError`` in Python, a NULL from malloc in C) instead of the kernel's OOM killer choosing a victim, which
may be the web server or the database. The limit is set in the worker itself and is inherited by tesseract,
which it starts. pdfium, pdfminer and tesseract all run comfortably in 1 GB. A worker that hit the limit is
retired after reporting, since its heap may be left fragmented.

Why "forkserver": workers are forked from a small clean server process, not from the caller (whose threads and
open connections must not be duplicated) and without the import cost of "spawn" at each replacement.

Time: ``timeout_s`` is the limit without progress. Each OCRed page reports progress and so earns another
``timeout_s``, because a 300-page scan legitimately takes many minutes; ``total_timeout_s`` (default 30 times
``timeout_s``) caps the file as a whole. Each worker gets a private temporary directory, removed when the worker
ends, so files a killed worker was writing (page images for OCR) do not pile up in /tmp.

``ExtractionPool(workers=0)`` extracts in the calling process without any limit, for tests and debugging.

As with any "forkserver" or "spawn" multiprocessing, the program's main module must be safe to import (the
``if __name__ == "__main__":`` idiom): workers import it. Console scripts, gunicorn and pytest already are.
Do not call ``extract`` on a pool from inside a ``map_unordered`` loop over the same pool: the loop may hold every
worker, and ``extract`` would wait for one forever.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, TypeVar

from ..analysis import Analyzed
from .dispatch import TEST_HOOKS_ENV, extract_file
from .model import Extraction, ExtractionFailed
from .ocr import DEFAULT_LANG

K = TypeVar("K")

try:
    import resource
except ImportError:  # not on Windows: workers then run without a memory limit
    resource = None  # type: ignore[assignment]


@dataclass(frozen=True)
class _Options:
    ocr: bool
    ocr_lang: str
    max_ocr_pages: int | None
    ocr_timeout_s: float
    memory_bytes: int
    test_hooks: bool
    tmpdir: str
    analyze: bool = False


def classify(exc: BaseException) -> ExtractionFailed:
    """The ExtractionFailed an extractor's exception stands for."""
    if isinstance(exc, ExtractionFailed):
        return exc
    if isinstance(exc, MemoryError):
        return ExtractionFailed("memory", "out of memory (the file needs more than the worker's memory limit)")
    if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
        return ExtractionFailed("io", f"cannot open the file: {exc}")
    if isinstance(exc, RecursionError):
        return ExtractionFailed("corrupt", "structure nested too deeply")
    return ExtractionFailed("corrupt", f"{type(exc).__name__}: {exc}"[:500])


def _extract(path: Path, mime: str, options: _Options, progress: Callable[[], None] | None) -> Extraction:
    """One file, as a worker (or the in-process mode) runs it: extract, then analyse when asked to."""
    result = extract_file(
        path,
        mime,
        ocr=options.ocr,
        ocr_lang=options.ocr_lang,
        max_ocr_pages=options.max_ocr_pages,
        ocr_timeout_s=options.ocr_timeout_s,
        progress=progress,
    )
    if options.analyze:  # analysed here, in parallel, instead of in the indexing process
        result = dataclasses.replace(result, analyzed=Analyzed.of(result.text))
    return result


# -- the worker process ----------------------------------------------------------------------------------------


def _worker_main(conn: Connection, options: _Options) -> None:
    """Loop in the child: receive (path, mime), send back ("ok", Extraction) or ("failed", reason, message)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group; the parent decides
    tempfile.tempdir = options.tmpdir
    if options.test_hooks:
        os.environ[TEST_HOOKS_ENV] = "1"
    else:
        os.environ.pop(TEST_HOOKS_ENV, None)
    if resource is not None:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crashing parser must not write gigabytes
        if options.memory_bytes:
            _, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = options.memory_bytes if hard == resource.RLIM_INFINITY else min(hard, options.memory_bytes)
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def progress() -> None:
        conn.send(("progress",))

    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if task is None:
            return
        path, mime = task
        message: tuple[Any, ...]
        try:
            result = _extract(Path(path), mime, options, progress)
            message = ("ok", result)
        except BaseException as exc:  # everything is reported; the parent decides what it means
            failure = classify(exc)
            message = ("failed", failure.reason, failure.message)
        try:
            conn.send(message)
        except MemoryError:
            conn.send(("failed", "memory", "the extracted text is too large to hand back"))
        except (OSError, EOFError):
            return


# -- the parent side -------------------------------------------------------------------------------------------


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Connection
    tmpdir: str
    done: int = 0

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join(5)
        self.conn.close()
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.send(None)
        self.process.join(2)
        if self.process.is_alive():
            self.kill()
        else:
            self.conn.close()
            shutil.rmtree(self.tmpdir, ignore_errors=True)


@dataclass(eq=False)
class _Task:
    key: Any
    path: Path
    mime: str
    started: float
    deadline: float = field(default=0.0)


class ExtractionPool:
    """Extract files in up to ``workers`` child processes, each file limited to ``timeout_s`` seconds without
    progress and ``memory_mb`` megabytes of address space.

    ``extract`` raises ``ExtractionFailed`` (reason "timeout", "memory", "crashed", "corrupt", ...);
    ``map_unordered`` yields failures as values instead, so one bad file never stops a batch. Safe to share
    between threads: workers are checked out one task at a time.
    """

    def __init__(
        self,
        workers: int = 2,
        timeout_s: float = 120.0,
        memory_mb: int = 1024,
        ocr: bool = True,
        ocr_lang: str = DEFAULT_LANG,
        *,
        max_ocr_pages: int | None = None,
        total_timeout_s: float | None = None,
        max_tasks_per_worker: int = 200,
        start_method: str | None = None,
        analyze: bool = False,
    ) -> None:
        if workers < 0:
            raise ValueError("workers must be >= 0")
        self.workers = workers
        self.timeout_s = timeout_s
        self.total_timeout_s = total_timeout_s if total_timeout_s is not None else 30 * timeout_s
        self.memory_mb = memory_mb
        self.ocr = ocr
        self.ocr_lang = ocr_lang
        self.max_ocr_pages = max_ocr_pages
        self.max_tasks_per_worker = max_tasks_per_worker
        self.analyze = analyze  # also run the Indonesian analyser on the text in the worker (Extraction.analyzed)
        if start_method is None:
            start_method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        self._ctx = multiprocessing.get_context(start_method)
        self._idle: list[_Worker] = []
        self._count = 0
        self._cond = threading.Condition()
        self._closed = False

    # -- public --------------------------------------------------------------------------------------------------

    def extract(self, path: Path, mime: str) -> Extraction:
        """Extract one file; raise ``ExtractionFailed`` when it cannot be."""
        for _, result in self.map_unordered([(None, Path(path), mime)]):
            if isinstance(result, ExtractionFailed):
                raise result
            return result
        raise AssertionError("unreachable: one item in, one result out")

    def map_unordered(self, items: Iterable[tuple[K, Path, str]]) -> Iterator[tuple[K, Extraction | ExtractionFailed]]:
        """Yield ``(key, Extraction or ExtractionFailed)`` for each ``(key, path, mime)`` as files finish.

        Items are read from ``items`` only as workers become free (at most ``workers`` files in flight), so an
        endless generator of files streams through in constant memory. Leaving the loop early kills the workers
        still busy with this call's files.
        """
        if self._closed:
            raise RuntimeError("ExtractionPool is closed")
        if self.workers == 0:
            yield from self._map_in_process(items)
            return
        source = iter(items)
        running: dict[_Worker, _Task] = {}
        exhausted = False
        try:
            while True:
                while not exhausted and len(running) < self.workers:
                    worker = self._checkout(block=not running)
                    if worker is None:
                        break
                    item = next(source, None)
                    if item is None:
                        exhausted = True
                        self._checkin(worker)
                        break
                    key, path, mime = item
                    running[worker] = self._start(worker, key, Path(path), mime)
                if not running:
                    return
                for key, result in self._collect(running):
                    yield key, result
        finally:
            for worker in list(running):  # abandoned mid-way: nobody wants these results
                running.pop(worker)
                self._discard(worker)

    def close(self) -> None:
        """Stop the idle workers; workers busy in another thread's call stop when their file is done."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._cond.notify_all()
        for worker in idle:
            worker.stop()

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _options(self, tmpdir: str) -> _Options:
        return _Options(
            ocr=self.ocr,
            ocr_lang=self.ocr_lang,
            max_ocr_pages=self.max_ocr_pages,
            ocr_timeout_s=self.timeout_s,
            memory_bytes=self.memory_mb * 1024 * 1024 if self.memory_mb else 0,
            test_hooks=os.environ.get(TEST_HOOKS_ENV) == "1",
            tmpdir=tmpdir,
            analyze=self.analyze,
        )

    # -- in-process mode -----------------------------------------------------------------------------------------

    def _map_in_process(
        self, items: Iterable[tuple[K, Path, str]]
    ) -> Iterator[tuple[K, Extraction | ExtractionFailed]]:
        for key, path, mime in items:
            result: Extraction | ExtractionFailed
            try:
                result = _extract(Path(path), mime, self._options(tmpdir=""), None)
            except Exception as exc:
                result = classify(exc)
            yield key, result

    # -- workers -------------------------------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        tmpdir = tempfile.mkdtemp(prefix="arsip-extract-")
        options = self._options(tmpdir)
        parent_conn, child_conn = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=_worker_main, args=(child_conn, options), name="arsip-extract", daemon=True)
        try:
            process.start()
        except BaseException:
            parent_conn.close()
            shutil.rmtree(tmpdir, ignore_errors=True)
            raise
        finally:
            child_conn.close()
        return _Worker(process=process, conn=parent_conn, tmpdir=tmpdir)

    def _checkout(self, block: bool) -> _Worker | None:
        with self._cond:
            while True:
                if self._closed:
                    raise RuntimeError("ExtractionPool is closed")
                if self._idle:
                    return self._idle.pop()
                if self._count < self.workers:
                    self._count += 1
                    break
                if not block:
                    return None
                self._cond.wait()
        try:
            return self._spawn()
        except BaseException:
            with self._cond:
                self._count -= 1
                self._cond.notify()
            raise

    def _checkin(self, worker: _Worker) -> None:
        """Return a worker after a task; a worker that served its quota is replaced by a fresh one later."""
        if worker.done >= self.max_tasks_per_worker or not worker.process.is_alive():
            self._discard(worker, gently=True)
            return
        with self._cond:
            if not self._closed:
                self._idle.append(worker)
                self._cond.notify()
                return
            self._count -= 1
        worker.stop()

    def _discard(self, worker: _Worker, gently: bool = False) -> None:
        if gently:
            worker.stop()
        else:
            worker.kill()
        with self._cond:
            self._count -= 1
            self._cond.notify()

    # -- tasks ---------------------------------------------------------------------------------------------------

    def _start(self, worker: _Worker, key: Any, path: Path, mime: str) -> _Task:
        now = time.monotonic()
        task = _Task(key=key, path=path, mime=mime, started=now, deadline=now + self.timeout_s)
        # If the worker died while idle, the send fails and _collect then sees the closed pipe and reports it.
        with contextlib.suppress(OSError, EOFError):
            worker.conn.send((str(path), mime))
        return task

    def _collect(self, running: dict[_Worker, _Task]) -> Iterator[tuple[Any, Extraction | ExtractionFailed]]:
        """Wait until at least one task finishes or times out; yield what finished."""
        now = time.monotonic()
        timeout = max(0.0, min(task.deadline for task in running.values()) - now)
        by_handle: dict[Any, _Worker] = {}
        for worker in running:
            by_handle[worker.conn] = worker
            by_handle[worker.process.sentinel] = worker
        ready = wait(list(by_handle), timeout=timeout)
        finished: list[tuple[Any, Extraction | ExtractionFailed]] = []
        for worker in {by_handle[handle] for handle in ready}:
            result = self._receive(worker, running[worker])
            if result is not None:  # None: it only reported progress
                running.pop(worker)
                finished.append(result)
        now = time.monotonic()
        for worker, task in list(running.items()):
            if now >= task.deadline:
                running.pop(worker)
                self._discard(worker)
                limit = "without progress" if task.deadline - task.started < self.total_timeout_s else "in total"
                seconds = self.timeout_s if limit == "without progress" else self.total_timeout_s
                finished.append((task.key, ExtractionFailed("timeout", f"took longer than {seconds:g} s {limit}")))
        yield from finished

    def _receive(self, worker: _Worker, task: _Task) -> tuple[Any, Extraction | ExtractionFailed] | None:
        """Read the worker's messages; the task's result, or None if it only reported progress."""
        while True:
            try:
                if not worker.conn.poll():
                    if worker.process.is_alive():
                        return None
                    raise EOFError
                message = worker.conn.recv()
            except (EOFError, OSError):
                return task.key, self._crashed(worker)
            if message[0] == "progress":
                task.deadline = min(time.monotonic() + self.timeout_s, task.started + self.total_timeout_s)
                continue
            worker.done += 1
            if message[0] == "ok":
                self._checkin(worker)
                return task.key, message[1]
            failure = ExtractionFailed(message[1], message[2])
            if failure.reason == "memory":
                self._discard(worker, gently=True)  # its heap may be fragmented beyond use
            else:
                self._checkin(worker)
            return task.key, failure

    def _crashed(self, worker: _Worker) -> ExtractionFailed:
        worker.process.join(5)
        code = worker.process.exitcode
        self._discard(worker)
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            hint = " (killed from outside, perhaps by the kernel's out-of-memory killer)" if code == -9 else ""
            return ExtractionFailed("crashed", f"the extraction worker died of {name}{hint}")
        return ExtractionFailed("crashed", f"the extraction worker exited with status {code}")
