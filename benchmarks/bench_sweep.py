"""Sweep throughput: serial vs local processes vs a Dask LocalCluster.

Runs the same experiment (``--runs`` replications of the baseline, ``--workers``
agents, ``--months`` months; default 200 x 10,000 x 120) with each executor,
writing Parquet parts and the manifest as a real sweep does, and prints a table:

* runs/min: finished runs per minute of wall time;
* compute s/run: mean time inside ``simulate`` (grows when processes share cores);
* overhead s/run: (wall x workers - total compute) / runs, i.e. the time a worker
  slot was not simulating (start-up, pickling, writing, waiting), per run;
* vs serial: serial wall time / this wall time (target on 2 cores: >= 1.7).

The Dask cluster is started before timing (its start-up is printed separately);
the process pool's start-up is part of its time. The machine's load average is
printed, and so is a reference: the speed-up of a trivially parallel NumPy task on
``--jobs`` processes, which is what the cores can give at that moment. Other work
on the same cores lowers every number; compare the executors with that reference.

Usage::

    python benchmarks/bench_sweep.py                       # the full benchmark
    python benchmarks/bench_sweep.py --runs 20 --workers 5000 --months 60
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from experiments.run.experiment import Experiment
from experiments.run.runner import run_experiment
from experiments.scenarios.library import get_preset


def experiment(runs: int, workers: int, months: int) -> Experiment:
    """``runs`` replications of the baseline (distinct seeds, one root)."""
    return Experiment("run", (get_preset("baseline"),), runs, months, 2024, workers=workers)


def measure(exp: Experiment, executor: str, jobs: int, scheduler: str | None, chunk: int | None):
    """Wall seconds and the run summary of one executor, in a fresh folder."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{executor}-") as out:
        start = time.perf_counter()
        summary = run_experiment(
            exp,
            Path(out),
            executor,
            jobs=jobs,
            scheduler=scheduler,
            chunk_size=chunk,
            progress=False,
            command=f"bench_sweep {executor}",
        )
        wall = time.perf_counter() - start
    if not summary.ok:
        raise RuntimeError(f"{executor}: {summary.failed} runs failed: {summary.failures}")
    return wall, summary


def _numpy_task(_: int) -> float:
    """A fixed CPU-bound NumPy task; returns its seconds."""
    import numpy as np

    x = np.random.default_rng(0).random(200_000)
    start = time.perf_counter()
    for _ in range(300):
        x = np.sort(x * 1.0001)
    return time.perf_counter() - start


def reference_speedup(jobs: int) -> float:
    """Speed-up of ``2 x jobs`` independent NumPy tasks on ``jobs`` processes vs one."""
    import multiprocessing

    start = time.perf_counter()
    for i in range(2):
        _numpy_task(i)
    one = (time.perf_counter() - start) / 2
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        pool.map(_numpy_task, range(jobs))  # start-up and warm-up
        start = time.perf_counter()
        pool.map(_numpy_task, range(2 * jobs))
        parallel = time.perf_counter() - start
    return 2 * jobs * one / parallel


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=200, help="runs per executor (default 200)")
    p.add_argument("--workers", type=int, default=10_000, help="agents per run (default 10000)")
    p.add_argument("--months", type=int, default=120, help="months per run (default 120)")
    p.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    p.add_argument("--chunk-size", type=int, help="runs per task (default: automatic)")
    p.add_argument("--executors", default="serial,processes,dask", help="comma-separated list")
    args = p.parse_args(argv)
    exp = experiment(args.runs, args.workers, args.months)
    names = [n.strip() for n in args.executors.split(",") if n.strip()]
    print(
        f"sweep benchmark: {args.runs} runs x {args.workers:,} workers x {args.months} months; "
        f"{args.jobs} jobs; cores usable {len(os.sched_getaffinity(0))}; "
        f"load average before {os.getloadavg()[0]:.2f}"
    )
    before = reference_speedup(args.jobs)
    rows = []
    for name in names:
        cluster = None
        scheduler = None
        if name == "dask":
            from distributed import LocalCluster

            t0 = time.perf_counter()
            cluster = LocalCluster(
                n_workers=args.jobs, threads_per_worker=1, processes=True, dashboard_address=None
            )
            scheduler = cluster.scheduler_address
            print(f"dask LocalCluster start-up: {time.perf_counter() - t0:.1f} s (not timed)")
        try:
            wall, summary = measure(exp, name, args.jobs, scheduler, args.chunk_size)
        finally:
            if cluster is not None:
                cluster.close()
        slots = 1 if name == "serial" else args.jobs
        rows.append(
            {
                "executor": name,
                "wall_s": wall,
                "runs_per_min": 60.0 * args.runs / wall,
                "compute_s_per_run": summary.run_seconds / args.runs,
                "overhead_s_per_run": (wall * slots - summary.run_seconds) / args.runs,
            }
        )
        print(f"  {name}: {wall:.1f} s", flush=True)
    serial = next((r["wall_s"] for r in rows if r["executor"] == "serial"), None)
    after = reference_speedup(args.jobs)
    print(f"\nload average after {os.getloadavg()[0]:.2f}")
    print(
        f"reference: a trivially parallel NumPy task ran {before:.2f}x (before) and "
        f"{after:.2f}x (after) faster on {args.jobs} processes than on one: about the most "
        "any executor could get on this machine at the time"
    )
    header = f"{'executor':<10} {'wall s':>8} {'runs/min':>9} {'compute s/run':>14} "
    header += f"{'overhead s/run':>15} {'vs serial':>10}"
    print(header)
    print("-" * len(header))
    for r in rows:
        ratio = f"{serial / r['wall_s']:.2f}x" if serial else "-"
        print(
            f"{r['executor']:<10} {r['wall_s']:>8.1f} {r['runs_per_min']:>9.1f} "
            f"{r['compute_s_per_run']:>14.3f} {r['overhead_s_per_run']:>15.3f} {ratio:>10}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
