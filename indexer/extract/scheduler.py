"""Fair extraction: short work first, long OCR shared out in chunks, no file holding the queue, no idle process.

The finding this answers: a 355 KB PDF of 3,000 pages each holding a drawn rectangle had every page OCRed, 26
minutes, and a normal record uploaded a minute later became searchable 25 minutes later while the second
extraction process sat idle. The blank pages are no longer OCRed (``pdf.py``), but a real 3,000-page scan must
not hold the queue either. So a file is not one task any more:

- **PDFs and images run in steps.** ``plan`` reads the text layer and lists the pages that need OCR (a fraction of
  a second for most files); the pages to OCR are then handed out in chunks of ``ocr_chunk_pages``
  (``dispatch.ocr_file``) and merged (``model.merge_ocr``); the merged text is analysed by one more short task.
  Other types are one ``file`` task.
- **Two lanes.** Short tasks (plans, small files, analyses) wait in a heap ordered by submission time plus an
  estimate from the size (``SHORT_BYTES_PER_S``): small files overtake big ones submitted a little earlier, and
  nothing starves. Long work waits in the long lane: OCR chunks round-robin between files (every file advances,
  in the order they came), and ``file`` tasks of files above ``LONG_FILE_BYTES``.
- **Every idle process takes work**: a free process takes the next short task, else the oldest long work. A short
  task therefore never waits for more than one chunk (a few pages), and a long file's chunks run on every process
  that has nothing better to do (the 3,000-page scan uses both cores, not one). Only unsplittable long ``file``
  tasks are kept to ``workers - 1`` processes, so one process always comes free for short work.
- **Bounded by content.** A job's budget is the pool's ``budget`` for its size, its text pages and the pages it
  will OCR; at most ``max_ocr_pages`` pages are OCRed per job. Pages beyond the cap, pages of a chunk that timed
  out or crashed, and pages left when the budget is spent stay in ``ocr_todo`` and the result is ``partial``: a
  later job submitted with ``resume=`` that result OCRs exactly those pages (an administrator's retry).

Submitters each hold a ``JobQueue`` (the index worker one, ``arsip extract retry`` another) and read their own
results from it; the scheduler's thread does all the talking to the pool's processes. It uses the pool's
worker management (checkout, check-in, deadlines, kills), so it shares the processes with ``map_unordered``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import heapq
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Pipe
from pathlib import Path
from typing import Any

from .dispatch import PAGED_TYPES
from .model import Extraction, ExtractionFailed, merge_ocr
from .pool import BUDGET_PER_OCR_PAGE_S, ExtractionPool, _extract, _Task, _Worker, classify

log = logging.getLogger(__name__)

OCR_CHUNK_PAGES = 4  # pages per OCR task: about 4 to 20 s of one core, the most a short task waits for a process
LONG_FILE_BYTES = 32 * 1024 * 1024  # an unsplittable file above this goes to the long lane
SHORT_BYTES_PER_S = 2_000_000  # the estimate that orders short tasks: a 20 MB file counts as submitted 10 s later

Result = Extraction | ExtractionFailed


@dataclass(eq=False)
class _Job:
    queue: JobQueue
    key: Any
    path: Path
    mime: str
    size: int
    cap: int | None
    submitted: float
    base: Extraction | None = None  # the plan, or the partial result being resumed
    todo: deque[int] = field(default_factory=deque)  # pages still to hand out in chunks
    left: list[int] = field(default_factory=list)  # pages that will wait for a later run
    texts: dict[int, str | None] = field(default_factory=dict)
    merged: Extraction | None = None  # the OCR merged in, waiting for its analysis
    inflight: int = 0
    spent: float = 0.0
    budget: float = 0.0
    stopped: bool = False  # no more chunks (budget spent, a chunk timed out, OCR unavailable)
    ocr_missing: bool = False
    cancelled: bool = False
    done: bool = False


@dataclass(eq=False)
class _Spec:
    """A task waiting for a process."""

    job: _Job
    op: str
    params: dict[str, Any]
    long: bool = False


class JobQueue:
    """One submitter's jobs: ``submit`` files, read ``results`` as they finish. Thread-safe."""

    def __init__(self, scheduler: ExtractionScheduler) -> None:
        self._scheduler = scheduler
        self._results: deque[tuple[Any, Result]] = deque()
        self._cond = threading.Condition()
        self._jobs: set[_Job] = set()
        self._listeners: list[Callable[[], None]] = []

    def submit(
        self,
        key: Any,
        path: Path,
        mime: str,
        *,
        size: int = 0,
        max_ocr_pages: int | None = None,
        resume: Extraction | None = None,
    ) -> None:
        """Queue one file. ``resume``: an earlier ``partial`` result of the same file; only its ``ocr_todo``
        pages are OCRed (up to ``max_ocr_pages``) and merged into it."""
        pool_cap = self._scheduler.pool.max_ocr_pages
        caps = [cap for cap in (max_ocr_pages, pool_cap) if cap is not None]
        job = _Job(
            queue=self,
            key=key,
            path=Path(path),
            mime=mime.split(";", 1)[0].strip().lower(),
            size=size,
            cap=min(caps) if caps else None,  # the pool's own cap, when it has one, is an upper bound
            submitted=time.monotonic(),
        )
        with self._cond:
            self._jobs.add(job)
        self._scheduler._submit(job, resume)

    @property
    def scheduler(self) -> ExtractionScheduler:
        return self._scheduler

    @property
    def outstanding(self) -> int:
        """Jobs submitted whose result has not been delivered yet."""
        with self._cond:
            return len(self._jobs)

    def results(self, timeout: float | None = 0.0) -> list[tuple[Any, Result]]:
        """The results delivered since the last call; waits up to ``timeout`` seconds (None: for ever) for one
        when there is none yet and jobs are outstanding."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while not self._results and self._jobs:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                self._cond.wait(left)
            out = list(self._results)
            self._results.clear()
        return out

    def add_listener(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (from the scheduler's thread) whenever a result is delivered."""
        self._listeners.append(callback)

    def close(self) -> None:
        """Forget every outstanding job: queued ones never start, running ones are stopped."""
        with self._cond:
            jobs = list(self._jobs)
            self._jobs.clear()
            self._results.clear()
            self._cond.notify_all()
        self._scheduler._cancel(jobs)

    def _deliver(self, job: _Job, result: Result) -> None:
        with self._cond:
            if job not in self._jobs:
                return  # cancelled meanwhile
            self._jobs.discard(job)
            self._results.append((job.key, result))
            self._cond.notify_all()
        for callback in list(self._listeners):
            try:
                callback()
            except Exception:  # a listener must never stop the scheduler
                log.exception("extraction result listener failed")


class ExtractionScheduler:
    """Runs the jobs of its ``JobQueue``s on ``pool``'s processes (see the module docstring)."""

    def __init__(
        self,
        pool: ExtractionPool,
        *,
        ocr_chunk_pages: int = OCR_CHUNK_PAGES,
        long_file_bytes: int = LONG_FILE_BYTES,
    ) -> None:
        self.pool = pool
        self.ocr_chunk_pages = max(1, ocr_chunk_pages)
        self.long_file_bytes = long_file_bytes
        self._lock = threading.Lock()
        self._short: list[tuple[float, int, _Spec]] = []
        self._long_files: deque[_Spec] = deque()
        self._ocr_jobs: deque[_Job] = deque()  # jobs with chunks to hand out, in round-robin order
        self._running: dict[_Worker, tuple[_Task, _Spec]] = {}
        self._seq = itertools.count()
        self._wake_r, self._wake_w = Pipe(duplex=False)
        self._closed = False
        self._reap = False  # some job was cancelled: take its tasks off the queues
        self._thread: threading.Thread | None = None
        pool.add_listener(self._wake)

    def queue(self) -> JobQueue:
        return JobQueue(self)

    def close(self) -> None:
        """Stop the scheduler's thread and the tasks it runs; the pool stays open."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self.pool.remove_listener(self._wake)
        self._wake()
        if self._thread is not None:
            self._thread.join(10)
        with self._lock:
            running, self._running = self._running, {}
        for worker in running:
            self.pool._discard(worker)
        self._wake_r.close()
        self._wake_w.close()

    def snapshot(self) -> dict[str, int]:
        """Tasks waiting in each lane and running now (for logs and tests)."""
        with self._lock:
            return {
                "short": len(self._short),
                "long_files": len(self._long_files),
                "ocr_jobs": len(self._ocr_jobs),
                "running": len(self._running),
            }

    # -- submitting ----------------------------------------------------------------------------------------------

    def _submit(self, job: _Job, resume: Extraction | None) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("ExtractionScheduler is closed")
            if self.pool.workers == 0:
                pass  # in-process mode: the job runs below, in the caller's thread
            elif resume is not None and resume.ocr_todo and job.mime in PAGED_TYPES:
                job.base = resume
                self._plan_ocr(job, list(resume.ocr_todo))
            elif job.mime in PAGED_TYPES:
                self._push_short(_Spec(job, "plan", {"analyze": True}))
            elif job.size > self.long_file_bytes:
                self._long_files.append(_Spec(job, "file", {"max_ocr_pages": job.cap}, long=True))
            else:
                self._push_short(_Spec(job, "file", {"max_ocr_pages": job.cap}))
            if self.pool.workers and self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="arsip-extract-scheduler", daemon=True)
                self._thread.start()
        if self.pool.workers == 0:
            self._run_in_process(job, resume)
        else:
            self._wake()

    def _run_in_process(self, job: _Job, resume: Extraction | None) -> None:
        """``ExtractionPool(workers=0)``: no processes, no limits (tests and debugging); the job runs now."""
        try:
            if resume is not None and resume.ocr_todo and job.mime in PAGED_TYPES:
                from .dispatch import ocr_file

                pages = list(resume.ocr_todo)
                limit = len(pages) if job.cap is None else job.cap
                texts = ocr_file(job.path, job.mime, pages[:limit], ocr_lang=self.pool.ocr_lang)
                result: Result = merge_ocr(resume, texts, left=pages[limit:])
            else:
                result = _extract(job.path, job.mime, self.pool._options(tmpdir=""), None, {"max_ocr_pages": job.cap})
        except Exception as exc:
            result = classify(exc)
        job.queue._deliver(job, result)

    def _cancel(self, jobs: list[_Job]) -> None:
        with self._lock:
            for job in jobs:
                job.cancelled = True
            self._reap = True
        self._wake()

    def _wake(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._wake_w.send_bytes(b".")

    def _push_short(self, spec: _Spec) -> None:
        key = spec.job.submitted + spec.job.size / SHORT_BYTES_PER_S
        heapq.heappush(self._short, (key, next(self._seq), spec))

    # -- the scheduler's thread ----------------------------------------------------------------------------------

    def _loop(self) -> None:
        while True:
            try:
                if not self._step():
                    return
            except Exception:  # never let the thread die: every queued job would wait for ever
                log.exception("extraction scheduler step failed")
                time.sleep(0.1)

    def _step(self) -> bool:
        """Start what can start, wait for something to happen, handle what finished; False once closed."""
        with self._lock:
            if self._closed:
                return False
            if self._reap:
                self._reap_cancelled()
            try:
                self._dispatch()
            except RuntimeError:  # the pool was closed under us
                log.warning("extraction pool closed; the scheduler stops")
                self._closed = True
                return False
            running = {worker: task for worker, (task, _spec) in self._running.items()}
        finished = self.pool._collect(running, wake=self._wake_r)
        with contextlib.suppress(OSError, EOFError):
            while self._wake_r.poll():
                self._wake_r.recv_bytes()
        with self._lock:
            for task, result in finished:
                for worker, (held, _spec) in list(self._running.items()):
                    if held is task:
                        del self._running[worker]
                        break
                else:
                    continue  # reaped meanwhile
                spec = task.key
                spec.job.spent += time.monotonic() - task.started
                if not spec.job.cancelled:
                    try:
                        self._finished(spec, result)
                    except Exception as exc:  # a bug here must fail the job, not the scheduler
                        log.exception("extraction job %s failed in the scheduler", spec.job.key)
                        self._finish(spec.job, classify(exc))
        return True

    def _reap_cancelled(self) -> None:
        self._reap = False
        for worker, (_task, spec) in list(self._running.items()):
            if spec.job.cancelled:
                del self._running[worker]
                self.pool._discard(worker)
        self._short = [entry for entry in self._short if not entry[2].job.cancelled]
        heapq.heapify(self._short)
        self._long_files = deque(spec for spec in self._long_files if not spec.job.cancelled)
        self._ocr_jobs = deque(job for job in self._ocr_jobs if not job.cancelled)

    def _long_running(self) -> int:
        return sum(1 for _task, spec in self._running.values() if spec.long and spec.op == "file")

    def _next(self) -> tuple[_Spec | None, Callable[[], _Spec] | None]:
        """The task a free process should take next, and how to take it off its queue."""
        if self._short:
            return self._short[0][2], lambda: heapq.heappop(self._short)[2]
        chunk_job = self._ocr_jobs[0] if self._ocr_jobs else None
        long_file = self._long_files[0] if self._long_files else None
        if long_file is not None and self.pool.workers > 1 and self._long_running() >= self.pool.workers - 1:
            long_file = None  # one process stays free for short work
        if long_file is not None and (chunk_job is None or long_file.job.submitted <= chunk_job.submitted):
            return long_file, self._long_files.popleft
        if chunk_job is not None:
            return _Spec(chunk_job, "ocr", {}, long=True), self._take_chunk
        return None, None

    def _take_chunk(self) -> _Spec:
        job = self._ocr_jobs.popleft()
        pages = [job.todo.popleft() for _ in range(min(self.ocr_chunk_pages, len(job.todo)))]
        if job.todo:
            self._ocr_jobs.append(job)  # round robin: the next file's chunk goes first
        job.inflight += 1
        return _Spec(job, "ocr", {"pages": pages}, long=True)

    def _dispatch(self) -> None:
        while True:
            peek, take = self._next()
            if peek is None or take is None:
                return
            worker = self.pool._checkout(block=False)
            if worker is None:
                return
            spec = take()
            job = spec.job
            hard_s = None
            if spec.op == "ocr":
                hard_s = self.pool.timeout_s + len(spec.params["pages"]) * BUDGET_PER_OCR_PAGE_S
            task = _Task(key=spec, path=job.path, mime=job.mime, op=spec.op, params=spec.params, size=job.size)
            task.hard_s = hard_s
            self._running[worker] = (self.pool._start(worker, task), spec)

    # -- results -------------------------------------------------------------------------------------------------

    def _finished(self, spec: _Spec, result: Any) -> None:
        job = spec.job
        if spec.op == "plan":
            if isinstance(result, ExtractionFailed):
                return self._finish(job, result)
            plan, can_ocr = result
            job.base = plan
            if not plan.ocr_todo or not can_ocr:
                return self._finish(job, plan)
            return self._plan_ocr(job, list(plan.ocr_todo))
        if spec.op == "ocr":
            job.inflight -= 1
            pages = spec.params["pages"]
            if isinstance(result, ExtractionFailed):
                if result.reason in ("corrupt", "io", "encrypted"):
                    return self._finish(job, result)  # the file itself is unreadable
                log.warning("OCR of pages %s of %s stopped: %s", pages, job.key, result)
                job.left.extend(pages)
                if result.reason == "ocr":
                    job.ocr_missing = True
                if result.reason in ("timeout", "ocr"):
                    self._stop(job)
            else:
                job.texts.update(result)
            if job.spent >= job.budget and job.todo:
                log.warning("extraction of %s spent its budget of %.0f s; the rest waits", job.key, job.budget)
                self._stop(job)
            if not job.todo and not job.inflight:
                self._merged(job)
            return None
        if spec.op == "analyze":
            assert job.merged is not None
            if isinstance(result, ExtractionFailed):  # the text is fine; the indexer analyses it itself
                return self._finish(job, job.merged)
            return self._finish(job, dataclasses.replace(job.merged, analyzed=result))
        return self._finish(job, result)  # "file"

    def _plan_ocr(self, job: _Job, candidates: list[int]) -> None:
        """Hand the OCR of ``candidates`` out in chunks, at most ``job.cap`` pages; the rest wait."""
        assert job.base is not None
        limit = len(candidates) if job.cap is None else max(0, job.cap)
        job.todo = deque(candidates[:limit])
        job.left = list(candidates[limit:])
        job.budget = self.pool.budget(job.size, len(job.base.pages), len(job.todo))
        if not job.todo:
            self._merged(job)
        else:
            self._ocr_jobs.append(job)

    def _stop(self, job: _Job) -> None:
        job.stopped = True
        job.left.extend(job.todo)
        job.todo.clear()
        with contextlib.suppress(ValueError):
            self._ocr_jobs.remove(job)

    def _merged(self, job: _Job) -> None:
        assert job.base is not None
        merged = merge_ocr(job.base, job.texts, left=job.left)
        if job.ocr_missing and not job.texts:
            merged = dataclasses.replace(merged, partial=False)  # OCR could not run: a retry starts over
        if self.pool.analyze:
            job.merged = merged
            self._push_short(_Spec(job, "analyze", {"text": merged.text}))
        else:
            self._finish(job, merged)

    def _finish(self, job: _Job, result: Result) -> None:
        if job.done:
            return
        job.done = True
        with contextlib.suppress(ValueError):
            self._ocr_jobs.remove(job)
        job.queue._deliver(job, result)
