"""Executors: run chunks of run specs serially, on local processes or on a Dask cluster.

Each executor's :meth:`results` takes a list of chunks (lists of
:class:`~experiments.run.single.RunSpec`) and yields the list of
:class:`~experiments.run.single.RunResult` of each chunk as it completes, in any order.
At most ``2 x workers`` chunks are in flight, so memory stays bounded and a crash
loses little. Results come back to the calling process, which alone writes the
output folder (so a remote cluster needs no shared disk).

Worker loss. A dead process-pool worker (killed, out of memory) breaks the whole
``ProcessPoolExecutor``, and it cannot say which chunk the dead worker held; so
every chunk then in flight is retried once, alone in a fresh pool, one after
another. A chunk whose worker dies again when alone is the cause, and its runs come
back as failed with the reason; the others finish normally. Dask retries lost tasks
itself, and :mod:`experiments.run.dask_executor` submits a lost chunk once more; a
chunk lost again fails. Rerunning the experiment retries failed runs.

Lifetimes. Pool workers ask Linux to kill them when the process that started them
dies (``prctl(PR_SET_PDEATHSIG)``), so kill -9 of the main process leaves no worker
(and so no resource tracker) behind. A local Dask cluster keeps its scratch files in
a temporary folder that is deleted when the executor closes
(:func:`experiments.run.cluster.open_client`).
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import re
import signal
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from experiments.errors import InputError
from experiments.run.dask_executor import DaskExecutor
from experiments.run.single import RunResult, RunSpec, execute_chunk

EXECUTORS = ("serial", "processes", "dask")
Chunk = list[RunSpec]


def chunked(specs: list[RunSpec], size: int) -> list[Chunk]:
    """Split specs into chunks of ``size`` (the last may be shorter)."""
    return [specs[i : i + size] for i in range(0, len(specs), size)]


def auto_chunk_size(n_runs: int, workers: int) -> int:
    """About four chunks per worker, at most 8 runs a chunk (keeps progress visible)."""
    return max(1, min(8, math.ceil(n_runs / max(1, 4 * workers))))


def default_workers() -> int:
    """Worker processes when none is given: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


#: Worker processes use one thread in numerical libraries (as Dask's nanny sets), so
#: that N workers use N cores; spawned children inherit these from the environment.
SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@contextlib.contextmanager
def _single_threaded_children():
    """Set :data:`SINGLE_THREAD_ENV` while child processes are spawned, then restore."""
    saved = {k: os.environ.get(k) for k in SINGLE_THREAD_ENV}
    os.environ.update(SINGLE_THREAD_ENV)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _failed(chunk: Chunk, reason: str) -> list[RunResult]:
    return [RunResult(s.run_id, "failed", 0.0, reason) for s in chunk]


#: ``prctl`` option: the signal the kernel sends this process when its parent dies.
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Pool worker initializer: get SIGKILL when ``parent`` dies (Linux; elsewhere a no-op).

    Exits at once if the parent already died before the request took effect.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent:
        os._exit(1)


class SerialExecutor:
    """Runs every chunk in this process, one after another."""

    name = "serial"
    workers = 1

    def results(self, chunks: list[Chunk]) -> Iterator[list[RunResult]]:
        """Yield each chunk's results in order."""
        for chunk in chunks:
            yield execute_chunk(chunk)

    def close(self, abort: bool = False) -> None:
        """Nothing to release."""


class ProcessExecutor:
    """Runs chunks on a pool of local worker processes (``concurrent.futures``)."""

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        """Start no process yet; ``workers`` defaults to the usable cores."""
        self.workers = workers or default_workers()
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        # "spawn": safe with the threads of tqdm and Dask in this process; importing
        # mesa (its batchrunner) sets it as the global default anyway.
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=die_with_parent,
            initargs=(os.getpid(),),
        )
        return self._pool

    def results(self, chunks: list[Chunk]) -> Iterator[list[RunResult]]:
        """Yield results as chunks finish; a dead worker fails only its own chunk.

        When the pool breaks, the chunks in flight become suspects: each is retried
        once, alone in the pool, so the one that kills its worker again is found and
        failed while the others finish.
        """
        pool = self._pool or self._new_pool()
        queue = list(reversed(chunks))
        suspects: list[Chunk] = []
        running: dict[Future, tuple[Chunk, bool]] = {}  # future -> (chunk, alone)
        while queue or suspects or running:
            broken = False
            try:
                if suspects and not running:
                    self._submit(pool, running, suspects, alone=True)
                while not suspects and queue and len(running) < 2 * self.workers:
                    self._submit(pool, running, queue, alone=False)
            except BrokenProcessPool:  # broke since the last wait; the chunk stays queued
                broken = True
            if not broken:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    chunk, alone = running.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool as exc:
                        broken = True
                        if alone:
                            yield _failed(chunk, f"worker process died running it twice: {exc!r}")
                        else:
                            suspects.append(chunk)
            if broken:
                suspects.extend(chunk for chunk, _ in running.values())
                running.clear()
                pool = self._new_pool()

    @staticmethod
    def _submit(pool: ProcessPoolExecutor, running: dict, source: list[Chunk], alone: bool):
        with _single_threaded_children():  # workers are spawned on submit
            running[pool.submit(execute_chunk, source[-1])] = (source[-1], alone)
        source.pop()

    def close(self, abort: bool = False) -> None:
        """Stop the worker processes; ``abort`` kills running chunks (after Ctrl-C)."""
        if self._pool is None:
            return
        if abort:
            # ProcessPoolExecutor has no public way to stop running tasks; their
            # results would be discarded anyway, and nothing partial is on disk.
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.terminate()
        self._pool.shutdown(wait=not abort, cancel_futures=True)
        self._pool = None


#: A Dask scheduler address: ``[scheme://]host:port`` (host a name, IPv4 or [IPv6]).
_ADDRESS = re.compile(r"^((tcp|tls|ws|wss|ucx)://)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):\d{1,5}$")


def check_scheduler(address: str) -> None:
    """Refuse a scheduler address that is not ``[tcp://]host:port`` (before connecting)."""
    if not isinstance(address, str) or not _ADDRESS.match(address.strip()):
        raise InputError(
            f"--scheduler {address!r} is not a scheduler address; expected "
            "[tcp://]HOST:PORT, e.g. tcp://10.0.0.5:8786"
        )


def check_options(
    name: str, workers: int | None = None, scheduler: Any = None, scheduler_file: Any = None
) -> None:
    """Validate executor options without starting anything.

    ``scheduler`` may be an address (checked here), a ``distributed.Client`` or a
    cluster object (checked when connecting).
    """
    if name not in EXECUTORS:
        raise InputError(f"executor {name!r} unknown; allowed: {list(EXECUTORS)}")
    if scheduler is not None and name != "dask":
        raise InputError(f"--scheduler {scheduler!r} needs --executor dask, not {name!r}")
    if scheduler_file is not None and name != "dask":
        raise InputError(f"--scheduler-file {scheduler_file!r} needs --executor dask, not {name!r}")
    if scheduler is not None and scheduler_file is not None:
        raise InputError("give --scheduler or --scheduler-file, not both")
    if isinstance(scheduler, str):
        check_scheduler(scheduler)
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise InputError(f"jobs={workers!r} must be a whole number >= 1")


Executor = SerialExecutor | ProcessExecutor | DaskExecutor


def make_executor(
    name: str,
    workers: int | None = None,
    scheduler: Any = None,
    scheduler_file: str | None = None,
):
    """An executor by name (``serial``, ``processes``, ``dask``).

    Args:
        name: ``serial``, ``processes`` or ``dask``.
        workers: processes (local pool or LocalCluster); with a Dask scheduler, the
            worker slots the cluster is expected to reach.
        scheduler: Dask only: an address, a ``distributed.Client`` or a cluster object
            (see :class:`experiments.run.dask_executor.DaskExecutor`).
        scheduler_file: Dask only: a scheduler file.
    """
    check_options(name, workers, scheduler, scheduler_file)
    if name == "serial":
        return SerialExecutor()
    if name == "processes":
        return ProcessExecutor(workers)
    return DaskExecutor(workers, scheduler, scheduler_file)
