"""CPU seconds against wall seconds of one model run, with numpy's default BLAS threads.

Runs ``model.simulation.simulate`` once (default: 1M workers, 12 months after the
burn-in) in this process *without* ``OMP_NUM_THREADS``/``OPENBLAS_NUM_THREADS`` limits,
so numpy's BLAS starts one thread per core, and prints the wall time, the CPU time of
all this process's threads (``time.process_time``) and their ratio, together with the
BLAS thread counts seen before and during the run. A ratio near 1 means one busy
thread; near the number of cores means BLAS threads spinning beside the model.

Usage (the same command before and after a change; point ``PYTHONPATH`` at another
checkout to measure its code)::

    env -u OMP_NUM_THREADS -u OPENBLAS_NUM_THREADS python benchmarks/bench_threads.py
    python benchmarks/bench_threads.py --workers 100000 --months 24

This is a benchmark, not a test: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import time


def main() -> None:
    """Measure one run and print wall s, CPU s and threads."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    limited = [k for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS") if k in os.environ]
    if limited:
        print(f"note: {limited} set in the environment; unset them to see numpy's default")
    from threadpoolctl import threadpool_info

    from model.simulation import simulate

    seen: list[int] = []

    def watch(model) -> None:
        seen.append(max((p["num_threads"] for p in threadpool_info()), default=1))

    before = max((p["num_threads"] for p in threadpool_info()), default=1)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    simulate(months=args.months, n_workers=args.workers, seed=args.seed, on_month=watch)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    print(
        f"{args.workers:,} workers x {args.months} months: wall {wall:.1f} s, "
        f"CPU {cpu:.1f} s, CPU/wall {cpu / wall:.2f}; BLAS threads outside the run "
        f"{before}, during the run {max(seen, default=before)} "
        f"({len(os.sched_getaffinity(0))} usable cores)"
    )


if __name__ == "__main__":
    main()
