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

Time: ``timeout_s`` is the limit without progress (one OCRed page, one Office file). A task also has a budget for
its whole run that scales with what the file really holds, not with how often it reports progress (``budget``):
``timeout_s`` plus ``BUDGET_PER_MB_S`` per megabyte, ``BUDGET_PER_TEXT_PAGE_S`` per page with a text layer and
``BUDGET_PER_OCR_PAGE_S`` per page to OCR. The extractor reports the pages once it has counted them
(``progress(text_pages=…, ocr_pages=…)``). Before, every OCRed page earned another ``timeout_s`` up to 30 times
that in total, so a 355 KB PDF of 3,000 blank pages could hold a process for 2.5 hours; now a blank page is never
OCRed (``pdf.py``), the pages OCRed per file are capped (``max_ocr_pages``), and the budget follows the content.
``total_timeout_s``, when given, replaces the budget by a fixed total (tests).

Each worker gets a private temporary directory (``arsip-extract-<owner pid>-<host>-…``, under ``tmp_root``: the
data folder's ``tmp`` for the application), removed when the worker ends; the owner's pid in the name lets the
start-up clean-up (``archive_service/services/cleanup.py``) remove the folders of a process that was killed.

Tasks: besides a whole file (``op`` "file"), a worker runs the two steps of a PDF or an image (``plan``: the text
without OCR and the pages that need it; ``ocr``: OCR of some pages) and the Indonesian analyser on a text
(``analyze``). ``indexer.extract.scheduler`` uses them to share long OCR jobs out in chunks.

``ExtractionPool(workers=0)`` extracts in the calling process without any limit, for tests and debugging.

As with any "forkserver" or "spawn" multiprocessing, the program's main module must be safe to import (the
``if __name__ == "__main__":`` idiom): workers import it. Console scripts, gunicorn and pytest already are.
Do not call ``extract`` on a pool from inside a ``map_unordered`` loop over the same pool: the loop may hold every
worker, and ``extract`` would wait for one forever.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, TypeVar

from ..analysis import Analyzed
from .dispatch import TEST_HOOKS_ENV, extract_file, ocr_file, plan_file
from .model import Extraction, ExtractionFailed
from .ocr import DEFAULT_LANG, tesseract_available

K = TypeVar("K")

# The budget of a task (seconds, besides ``timeout_s``), per unit of what the file holds.
BUDGET_PER_MB_S = 2.0
BUDGET_PER_TEXT_PAGE_S = 0.25  # pdfium reads hundreds of pages a second; pdfminer's fallback a few
BUDGET_PER_OCR_PAGE_S = 20.0  # tesseract on an A4 page at 300 dpi takes 1 to 5 s on one core
TEMP_PREFIX = "arsip-extract-"  # + owner_tag() + "-": the clean-up's way to tell whose folder it is


def owner_tag() -> str:
    """``<pid>-<host>`` for the names of temp folders: the clean-up removes those whose process is gone, and judges
    folders of another machine (a data folder shared between containers) only by their age."""
    host = hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]
    return f"{os.getpid()}-{host}"


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


def _extract(
    path: Path, mime: str, options: _Options, progress: Callable[..., None] | None, params: dict[str, Any] | None = None
) -> Extraction:
    """One file, as a worker (or the in-process mode) runs it: extract, then analyse when asked to."""
    params = params or {}
    result = extract_file(
        path,
        mime,
        ocr=options.ocr,
        ocr_lang=options.ocr_lang,
        max_ocr_pages=params.get("max_ocr_pages", options.max_ocr_pages),
        ocr_timeout_s=options.ocr_timeout_s,
        progress=progress,
    )
    if options.analyze:  # analysed here, in parallel, instead of in the indexing process
        result = dataclasses.replace(result, analyzed=Analyzed.of(result.text))
    return result


def _run(op: str, path: Path, mime: str, params: dict[str, Any], options: _Options, progress: Any) -> Any:
    """One task of any kind (see the module docstring); what it returns travels back to the parent."""
    if op == "file":
        return _extract(path, mime, options, progress, params)
    if op == "plan":  # (extraction without OCR, whether this worker can OCR)
        plan = plan_file(path, mime, progress=progress)
        can_ocr = options.ocr and tesseract_available(options.ocr_lang)
        if options.analyze and params.get("analyze") and not (plan.ocr_todo and can_ocr):
            plan = dataclasses.replace(plan, analyzed=Analyzed.of(plan.text))  # it is final: analyse it here
        return plan, can_ocr
    if op == "ocr":
        pages = params["pages"]
        return ocr_file(
            path, mime, pages, ocr_lang=options.ocr_lang, ocr_timeout_s=options.ocr_timeout_s, progress=progress
        )
    if op == "analyze":
        return Analyzed.of(params["text"])
    raise ValueError(f"unknown extraction task {op!r}")


# -- the worker process ----------------------------------------------------------------------------------------


def _worker_main(conn: Connection, options: _Options) -> None:
    """Loop in the child: receive (op, path, mime, params), send back ("ok", result) or ("failed", reason, message);
    meanwhile ("progress",) after each page and ("content", text pages, OCR pages) once the work is known."""
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

    def progress(text_pages: int | None = None, ocr_pages: int | None = None) -> None:
        if text_pages is None and ocr_pages is None:
            conn.send(("progress",))  # one more page done
        else:
            conn.send(("content", text_pages or 0, ocr_pages or 0))  # what the file holds: sets the budget

    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if task is None:
            return
        op, path, mime, params = task if len(task) == 4 else ("file", *task, {})
        with contextlib.suppress(OSError):
            os.makedirs(options.tmpdir, exist_ok=True)  # a clean-up may have judged an idle worker's folder stale
        message: tuple[Any, ...]
        try:
            result = _run(op, Path(path), mime, params, options, progress)
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

_PENDING = object()  # _receive: the worker only reported progress


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
    """One task on one worker. ``hard`` is the budget's end, ``idle`` the end of the time without progress."""

    key: Any
    path: Path
    mime: str
    op: str = "file"
    params: dict[str, Any] = field(default_factory=dict)
    size: int = 0
    hard_s: float | None = None  # a fixed total instead of the content budget
    started: float = 0.0
    hard: float = 0.0
    idle: float = 0.0

    @property
    def deadline(self) -> float:
        return min(self.hard, self.idle)


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
        tmp_root: Path | str | None = None,
    ) -> None:
        if workers < 0:
            raise ValueError("workers must be >= 0")
        self.workers = workers
        self.timeout_s = timeout_s
        self.total_timeout_s = total_timeout_s  # None: the budget of each file's content (``budget``)
        self.memory_mb = memory_mb
        self.ocr = ocr
        self.ocr_lang = ocr_lang
        self.max_ocr_pages = max_ocr_pages
        self.max_tasks_per_worker = max_tasks_per_worker
        self.analyze = analyze  # also run the Indonesian analyser on the text in the worker (Extraction.analyzed)
        self.tmp_root = Path(tmp_root) if tmp_root is not None else None  # None: the system's temp folder
        if start_method is None:
            start_method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        self._ctx = multiprocessing.get_context(start_method)
        self._idle: list[_Worker] = []
        self._count = 0
        self._cond = threading.Condition()
        self._closed = False
        self._listeners: list[Callable[[], None]] = []

    # -- public --------------------------------------------------------------------------------------------------

    def budget(self, size: int, text_pages: int = 0, ocr_pages: int = 0) -> float:
        """Seconds a file of ``size`` bytes with this many text and OCR pages may take in all."""
        return (
            self.timeout_s
            + size / 1_000_000 * BUDGET_PER_MB_S
            + text_pages * BUDGET_PER_TEXT_PAGE_S
            + ocr_pages * BUDGET_PER_OCR_PAGE_S
        )

    def add_listener(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (without arguments, from any thread) whenever a worker becomes free."""
        with self._cond:
            self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[], None]) -> None:
        with self._cond:
            if callback in self._listeners:
                self._listeners.remove(callback)

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
                    running[worker] = self._start(worker, _Task(key=key, path=Path(path), mime=mime))
                if not running:
                    return
                for task, result in self._collect(running):
                    yield task.key, result
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
        if self.tmp_root is not None:
            self.tmp_root.mkdir(parents=True, exist_ok=True)
        tmpdir = tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{owner_tag()}-", dir=self.tmp_root)
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
            kept = not self._closed
            if kept:
                self._idle.append(worker)
                self._cond.notify()
            else:
                self._count -= 1
            listeners = list(self._listeners) if kept else []
        if not kept:
            worker.stop()
        for callback in listeners:
            callback()

    def _discard(self, worker: _Worker, gently: bool = False) -> None:
        if gently:
            worker.stop()
        else:
            worker.kill()
        with self._cond:
            self._count -= 1
            self._cond.notify()
            listeners = list(self._listeners)
        for callback in listeners:
            callback()

    # -- tasks ---------------------------------------------------------------------------------------------------

    def _start(self, worker: _Worker, task: _Task) -> _Task:
        now = time.monotonic()
        if not task.size:
            with contextlib.suppress(OSError):
                task.size = task.path.stat().st_size
        task.started = now
        task.idle = now + self.timeout_s
        if task.hard_s is not None:
            task.hard = now + task.hard_s
        elif self.total_timeout_s is not None:
            task.hard = now + self.total_timeout_s
        else:
            task.hard = now + self.budget(task.size)
        # If the worker died while idle, the send fails and _collect then sees the closed pipe and reports it.
        with contextlib.suppress(OSError, EOFError):
            worker.conn.send((task.op, str(task.path), task.mime, task.params))
        return task

    def _collect(
        self, running: dict[_Worker, _Task], wake: Any = None, max_wait: float | None = None
    ) -> list[tuple[_Task, Any]]:
        """Wait until at least one task finishes or times out (or ``wake`` is readable, or ``max_wait`` passed);
        return the finished tasks with their results (``ExtractionFailed`` for failures)."""
        now = time.monotonic()
        deadlines = [task.deadline - now for task in running.values()]
        if max_wait is not None:
            deadlines.append(max_wait)
        timeout = max(0.0, min(deadlines)) if deadlines else None
        by_handle: dict[Any, _Worker | None] = {}
        for worker in running:
            by_handle[worker.conn] = worker
            by_handle[worker.process.sentinel] = worker
        if wake is not None:
            by_handle[wake] = None
        ready = wait(list(by_handle), timeout=timeout)
        finished: list[tuple[_Task, Any]] = []
        for worker in {by_handle[handle] for handle in ready} - {None}:
            assert worker is not None
            task = running[worker]
            result = self._receive(worker, task)
            if result is not _PENDING:
                running.pop(worker)
                finished.append((task, result))
        now = time.monotonic()
        for worker, task in list(running.items()):
            if now >= task.deadline:
                running.pop(worker)
                self._discard(worker)
                if task.idle <= task.hard:
                    message = f"took longer than {self.timeout_s:g} s without progress"
                else:
                    message = f"took longer than {task.hard - task.started:.0f} s in total (its budget)"
                finished.append((task, ExtractionFailed("timeout", message)))
        return finished

    def _receive(self, worker: _Worker, task: _Task) -> Any:
        """Read the worker's messages; the task's result, or ``_PENDING`` if it only reported progress."""
        while True:
            try:
                if not worker.conn.poll():
                    if worker.process.is_alive():
                        return _PENDING
                    raise EOFError
                message = worker.conn.recv()
            except (EOFError, OSError):
                return self._crashed(worker)
            if message[0] == "progress":
                task.idle = time.monotonic() + self.timeout_s
                continue
            if message[0] == "content":
                if task.hard_s is None and self.total_timeout_s is None:
                    task.hard = task.started + self.budget(task.size, message[1], message[2])
                continue
            worker.done += 1
            if message[0] == "ok":
                self._checkin(worker)
                return message[1]
            failure = ExtractionFailed(message[1], message[2])
            if failure.reason == "memory":
                self._discard(worker, gently=True)  # its heap may be fragmented beyond use
            else:
                self._checkin(worker)
            return failure

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
