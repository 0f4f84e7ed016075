"""One numerical thread while the model runs.

numpy's BLAS (OpenBLAS) starts one thread per core by default. The model's vector
operations are small and memory-bound, so extra BLAS threads mostly spin: a
1M-worker run burned about twice the CPU time for the same wall time, and on a
machine shared by several runs (a process pool, a Dask cluster, a busy laptop) the
spinning threads slow every run down. :func:`one_thread` limits every loaded
BLAS/OpenMP library to one thread for the duration of a ``with`` block, through
threadpoolctl; :class:`model.model.UptakeModel` uses it while it builds and steps,
so the Python API, the dashboard and every executor get the same behaviour. The
limit is restored when the block ends, so code around the model is not affected.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

_CONTROLLER = None


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Limit BLAS/OpenMP thread pools to one thread inside the block (about 6 us)."""
    global _CONTROLLER
    if _CONTROLLER is None:  # made lazily, once the numerical libraries are loaded
        from threadpoolctl import ThreadpoolController

        _CONTROLLER = ThreadpoolController()
    with _CONTROLLER.limit(limits=1):
        yield
