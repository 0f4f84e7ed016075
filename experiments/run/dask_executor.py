"""Run chunks of runs on a Dask cluster of any shape, filling it as it grows.

A fixed cluster, a LocalCluster started here, or an adaptive cluster that starts
empty and adds workers as work queues up (``cluster.adapt(maximum=...)``,
dask-jobqueue, dask-kubernetes) are all handled the same way:

* the executor queues the first chunks, then waits for the first worker
  (:func:`experiments.run.cluster.wait_for_workers`; an adaptive cluster scales up on
  queued work);
* it re-reads the number of worker slots each time a chunk finishes and keeps
  ``4 x max(slots now, expected slots)`` chunks in flight, so the queue is deep
  enough for an adaptive cluster to scale up and for new workers to find work
  (the expected slots are the ``workers`` hint, or the cluster's adaptive maximum);
* every worker's code is checked against the client's before the first task and
  inside every task (:func:`experiments.run.cluster.checked_chunk`), so a worker that
  joins later with other code fails its chunk with a clear message;
* a chunk whose task is lost (its worker died, the connection dropped) is
  submitted once more; if it is lost again its runs come back failed with the
  reason, and rerunning the experiment retries them.

Tasks hold only run specs until they run, and each result is released as soon as
it is yielded, so a deep queue costs little memory. With :meth:`write_on_workers`,
workers that see the output folder write their runs' parts themselves and send back
only status and time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from experiments.errors import InputError
from experiments.run.cluster import (
    WAIT_FOR_WORKERS,
    CodeMismatchError,
    check_workers,
    checked_chunk,
    close_client,
    code_fingerprint,
    open_client,
    slots,
    wait_for_workers,
)
from experiments.run.single import RunResult, RunSpec
from experiments.run.worker_store import run_and_store

Chunk = list[RunSpec]
#: Times a lost chunk is submitted again before its runs are recorded as failed.
RETRIES = 1


def _failed(chunk: Chunk, reason: str) -> list[RunResult]:
    return [RunResult(s.run_id, "failed", 0.0, reason) for s in chunk]


def adaptive_maximum(cluster: Any) -> int | None:
    """The worker maximum of a cluster object's adaptive scaler, if it has one."""
    adaptive = getattr(cluster, "_adaptive", None)
    maximum = getattr(adaptive, "maximum", None)
    if isinstance(maximum, int | float) and 0 < maximum < float("inf"):
        return int(maximum)
    return None


class DaskExecutor:
    """Runs chunks on a Dask cluster: an existing one, or a LocalCluster started here.

    Without a scheduler, starts ``LocalCluster(n_workers=workers, processes=True,
    threads_per_worker=1)`` (the model holds the GIL, so one thread per process).
    """

    name = "dask"

    def __init__(
        self,
        workers: int | None = None,
        scheduler: Any = None,
        scheduler_file: str | None = None,
        wait: float = WAIT_FOR_WORKERS,
        check_code: bool = True,
        retries: int = RETRIES,
    ) -> None:
        """Connect (or start a LocalCluster), wait for a worker and check its code.

        Args:
            workers: LocalCluster processes; with a scheduler, the number of slots
                the cluster is expected to reach (sizes chunks and the queue).
            scheduler: address, ``distributed.Client`` or cluster object.
            scheduler_file: path of a Dask scheduler file.
            wait: seconds to wait for the first worker.
            check_code: compare the workers' code and packages with this process's.
            retries: times a lost chunk is submitted again.

        Raises:
            InputError: cannot connect, no worker joined, or workers run other code.
        """
        self._opened = open_client(scheduler, scheduler_file, workers)
        self.client, self._cluster = self._opened[:2]
        now = slots(self.client)
        try:
            if check_code and now:
                check_workers(self.client)  # workers that join later are checked per task
        except CodeMismatchError as exc:
            self.close()
            raise InputError(str(exc)) from None
        except BaseException:
            self.close()
            raise
        cluster = getattr(scheduler, "cluster", scheduler)  # a Client knows its cluster
        remote_hint = workers if self._cluster is None else None  # jobs = expected slots
        self.expected = max(now, adaptive_maximum(cluster) or 0, remote_hint or 0)
        self.workers = self.expected
        self.peak_slots = now
        self.retries = retries
        self.wait = wait
        self.fingerprint = code_fingerprint()
        self._store: tuple[str, str] | None = None

    def write_on_workers(self, root) -> str:
        """Let workers that see ``root`` write their results there (see :mod:`.worker_store`).

        Returns:
            Who writes, for the manifest: ``workers``, ``client`` (no connected worker
            sees the folder) or ``workers and client`` (some do).
        """
        from pathlib import Path

        from experiments.run.worker_store import sees_folder, write_marker

        root = Path(root).resolve()  # workers may run in another working folder
        token = write_marker(root)
        self._store = (str(root), token)
        seen = list(self.client.run(sees_folder, str(root), token).values())
        if seen and not any(seen):
            return "client"
        return "workers" if all(seen) else "workers and client"

    def _in_flight(self) -> int:
        now = slots(self.client)
        self.peak_slots = max(self.peak_slots, now)
        return 4 * max(now, self.expected, 1)

    def results(self, chunks: list[Chunk]) -> Iterator[list[RunResult]]:
        """Yield each chunk's results as it finishes, in any order."""
        from distributed import as_completed

        queue = [(chunk, 0) for chunk in reversed(chunks)]
        running: dict[str, tuple[Chunk, int]] = {}
        pending = as_completed(with_results=False)

        def submit(chunk: Chunk, attempt: int) -> None:
            if self._store is None:
                future = self.client.submit(checked_chunk, chunk, self.fingerprint, pure=False)
            else:
                future = self.client.submit(
                    run_and_store, chunk, self.fingerprint, *self._store, pure=False
                )
            running[future.key] = (chunk, attempt)
            pending.add(future)

        def top_up() -> None:
            target = self._in_flight()
            while queue and len(running) < target:
                submit(*queue.pop())

        top_up()
        if queue or running:
            # an adaptive cluster may start empty: it scales up once tasks are queued
            wait_for_workers(self.client, self.wait)
        for future in pending:
            chunk, attempt = running.pop(future.key)
            try:
                yield future.result()
            except CodeMismatchError as exc:
                yield _failed(chunk, f"dask worker runs other code: {exc}")
            except Exception as exc:  # KilledWorker, lost connection, cancelled...
                if attempt < self.retries:
                    queue.append((chunk, attempt + 1))
                else:
                    yield _failed(chunk, f"dask task lost {attempt + 1} time(s): {exc!r}")
            finally:
                future.release()
            top_up()

    def close(self, abort: bool = False) -> None:
        """Disconnect (cancelling queued chunks); stop a LocalCluster started here."""
        close_client(*self._opened)
