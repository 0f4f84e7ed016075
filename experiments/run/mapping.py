"""Map a function over items on the same executors as sweeps: serial, processes, Dask.

Calibration evaluates batches of candidate points (a differential-evolution
population, the points of a finite-difference Jacobian) and each point is a set
of model runs: :func:`open_mapper` gives an object whose :meth:`Mapper.map` runs
them in parallel, in order, on local processes or any Dask cluster
(:func:`experiments.run.cluster.open_client`). The function and the items must be
picklable (module-level functions, ``functools.partial`` of them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from experiments.errors import InputError


class Mapper:
    """Runs ``fn`` over items serially (the base case); see :func:`open_mapper`."""

    name = "serial"
    workers = 1

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        """``[fn(item) for item in items]``, in order."""
        return [fn(item) for item in items]

    def close(self) -> None:
        """Nothing to release."""

    def __enter__(self) -> Mapper:
        """Use as a context manager."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Release the workers."""
        self.close()


class ProcessMapper(Mapper):
    """Maps on a pool of local processes (spawned, one numerical thread each)."""

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        """Start the pool lazily, on the first :meth:`map`."""
        from experiments.run.executors import default_workers

        self.workers = workers or default_workers()
        self._pool = None

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        """Results in order; an exception in ``fn`` is raised here."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from experiments.run.executors import _single_threaded_children

        items = list(items)
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            with _single_threaded_children():
                self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        with _single_threaded_children():
            return list(self._pool.map(fn, items))

    def close(self) -> None:
        """Stop the processes."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


class DaskMapper(Mapper):
    """Maps on a Dask cluster (started here, or an existing one of any shape)."""

    name = "dask"

    def __init__(self, workers=None, scheduler=None, scheduler_file=None) -> None:
        """Connect as :func:`experiments.run.cluster.open_client` does."""
        from experiments.run.cluster import check_workers, open_client, slots

        self._opened = open_client(scheduler, scheduler_file, workers)
        self.client = self._opened[0]
        self.workers = max(slots(self.client), workers or 0, 1)
        if slots(self.client):
            check_workers(self.client)

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        """Results in order; an exception in ``fn`` is raised here."""
        from experiments.run.cluster import WAIT_FOR_WORKERS, wait_for_workers

        futures = self.client.map(fn, list(items), pure=False)
        if futures:
            wait_for_workers(self.client, WAIT_FOR_WORKERS)
        try:
            return self.client.gather(futures)
        finally:
            self.client.cancel(futures)

    def close(self) -> None:
        """Disconnect; stop a LocalCluster started here."""
        from experiments.run.cluster import close_client

        close_client(*self._opened)


def open_mapper(
    executor: str = "serial",
    workers: int | None = None,
    scheduler: Any = None,
    scheduler_file: str | None = None,
) -> Mapper:
    """A mapper on ``serial``, ``processes`` or ``dask`` (options as for sweeps)."""
    from experiments.run.executors import EXECUTORS

    if executor not in EXECUTORS:
        raise InputError(f"executor {executor!r} unknown; allowed: {list(EXECUTORS)}")
    if (scheduler is not None or scheduler_file is not None) and executor != "dask":
        raise InputError(f"a Dask scheduler needs --executor dask, not {executor!r}")
    if executor == "serial":
        return Mapper()
    if executor == "processes":
        return ProcessMapper(workers)
    return DaskMapper(workers, scheduler, scheduler_file)
