"""Figures for the 100k-run plan (docs/scale.md): overhead, store, planning, analysis, fill.

Each section prints one table and returns its numbers (``--json FILE`` saves them):

* ``overhead``: many tiny runs (``--tiny-runs`` of 100 agents x 1 month, no burn-in)
  serially and on a Dask LocalCluster of ``--jobs`` processes (workers writing their
  results, then the client writing them all): runs per second and the per-run
  overhead (wall time x slots - compute, per run) that bounds a sweep of small runs;
* ``store``: one writer storing the result of a 10,000-agent, 120-month run again and
  again: milliseconds and bytes per run, the pickled result the client receives,
  hence the client's ceiling in runs per second;
* ``plan``: planning ``--plan-runs`` runs (run specs, the manifest header, the run
  table's plan lines): seconds, bytes per run, and reading the run table back;
* ``bookkeeping``: the caller's side of ``--plan-runs`` runs whose results workers
  already wrote (an executor that returns them at once): planning, recording each
  run and appending it to the run table, in runs per second;
* ``analysis``: reading one outcome of every run of a folder of ``--analysis-runs``
  runs, with only that column (pyarrow dataset) against every column
  (``ResultStore.load()`` without ``columns``): seconds and memory per run;
* ``fill``: an adaptive LocalCluster (``adapt(maximum=4)``, starting empty) running
  ``--fill-runs`` runs of 10,000 agents x 60 months: how many workers it reached.

Usage::

    python benchmarks/bench_scale.py                     # every section
    python benchmarks/bench_scale.py --sections store,plan --json scale.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pickle
import tempfile
import time
from pathlib import Path

from experiments.run.experiment import Experiment
from experiments.run.runner import run_experiment
from experiments.run.single import execute
from experiments.run.storage import ResultStore
from experiments.scenarios.library import get_preset

SECTIONS = ("overhead", "store", "plan", "bookkeeping", "analysis", "fill")


def tiny(runs: int, workers: int = 100, months: int = 1) -> Experiment:
    """``runs`` replications of the baseline, as small as the model allows."""
    overrides = {"burn_in_months": 0}
    baseline = (get_preset("baseline"),)
    return Experiment("run", baseline, runs, months, 7, workers=workers, overrides=overrides)


def overhead(args) -> dict:
    """Runs/s and per-run overhead of tiny runs, serial and on a LocalCluster."""
    from distributed import LocalCluster

    exp = tiny(args.tiny_runs)
    out = {}
    for name in ("serial", "dask", "dask-client-writes"):
        cluster = None
        if name.startswith("dask"):
            cluster = LocalCluster(
                n_workers=args.jobs, threads_per_worker=1, processes=True, dashboard_address=None
            )
        try:
            with tempfile.TemporaryDirectory() as folder:
                start = time.perf_counter()
                summary = run_experiment(
                    exp,
                    folder,
                    name.split("-")[0],
                    scheduler=cluster,
                    progress=False,
                    command="bench",
                    write_on="client" if name.endswith("writes") else "auto",
                )
                wall = time.perf_counter() - start
        finally:
            if cluster is not None:
                cluster.close()
        slots = args.jobs if name.startswith("dask") else 1
        out[name] = {
            "runs": args.tiny_runs,
            "wall_s": round(wall, 2),
            "runs_per_s": round(args.tiny_runs / wall, 1),
            "compute_ms_per_run": round(1000 * summary.run_seconds / args.tiny_runs, 1),
            "overhead_ms_per_run": round(
                1000 * (wall * slots - summary.run_seconds) / args.tiny_runs, 1
            ),
        }
    return out


def store(args) -> dict:
    """One writer: ms and bytes per stored 10,000-agent, 120-month run."""
    exp = Experiment("run", (get_preset("baseline"),), 1, 120, 7, workers=10_000)
    result = execute(exp.specs()[0])
    shipped = len(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    with tempfile.TemporaryDirectory() as folder:
        target = ResultStore(folder)
        start = time.perf_counter()
        for i in range(args.store_runs):
            target.write(dataclasses.replace(result, run_id=f"r{i:06d}"))
        seconds = (time.perf_counter() - start) / args.store_runs
        size = sum(p.stat().st_size for p in Path(folder).rglob("*.parquet")) / args.store_runs
        files = sum(1 for _ in Path(folder).rglob("*.parquet")) / args.store_runs
    return {
        "runs_written": args.store_runs,
        "ms_per_run": round(1000 * seconds, 1),
        "runs_per_s_one_writer": round(1 / seconds, 1),
        "kib_on_disk_per_run": round(size / 1024, 1),
        "files_per_run": files,
        "kib_sent_to_client_per_run": round(shipped / 1024, 1),
        "gb_sent_for_100k_runs": round(shipped * 100_000 / 1e9, 1),
    }


def plan(args) -> dict:
    """Seconds to plan ``--plan-runs`` runs, as the runner does, and the files' sizes."""
    from experiments.run import journal
    from experiments.run import manifest as mf

    out = {}
    for n in args.plan_runs:
        exp = tiny(n, workers=1000, months=60)
        with tempfile.TemporaryDirectory() as folder:
            target = ResultStore(folder)
            start = time.perf_counter()
            specs = exp.specs()
            t_build = time.perf_counter()
            built = mf.build(exp.describe(), specs, "bench")
            t_write = time.perf_counter()
            target.write_manifest(built)
            journal.append_text(folder, journal.plan_text(built["runs"], list(built["runs"])))
            done = time.perf_counter()
            header = target.manifest_path.stat().st_size
            table = journal.path(folder).stat().st_size
            t_read = time.perf_counter()
            again = target.read_manifest()
            read = time.perf_counter() - t_read
            assert len(again["runs"]) == n, "every run planned"
        out[str(n)] = {
            "plan_s": round(done - start, 2),
            "specs_s": round(t_build - start, 2),
            "build_s": round(t_write - t_build, 2),
            "write_s": round(done - t_write, 2),
            "read_back_s": round(read, 2),
            "header_bytes": header,
            "run_table_bytes_per_run": round(table / n),
        }
    return out


class _InstantWorkers:
    """An executor whose workers wrote every run already: results arrive at once."""

    name, workers = "instant", 64

    def results(self, chunks):
        from experiments.run.single import RunResult

        for chunk in chunks:
            yield [RunResult(s.run_id, "done", 1.0, stored=True) for s in chunk]

    def close(self, abort: bool = False) -> None:
        """Nothing to stop."""


def bookkeeping(args) -> dict:
    """The caller's own cost per run when workers write: plan, record, manifest."""
    from experiments.run import runner

    out = {}
    real = runner.make_executor
    runner.make_executor = lambda *a, **k: _InstantWorkers()
    try:
        for n in args.plan_runs:
            with tempfile.TemporaryDirectory() as folder:
                start = time.perf_counter()
                summary = run_experiment(
                    tiny(n, workers=1000, months=60), folder, progress=False, chunk_size=8
                )
                wall = time.perf_counter() - start
            out[str(n)] = {
                "wall_s": round(wall, 1),
                "runs_per_s": round(summary.done / wall),
                "us_per_run": round(1e6 * wall / n),
            }
    finally:
        runner.make_executor = real
    return out


def analysis(args) -> dict:
    """One outcome of every run: only its column (pyarrow dataset) vs every column."""
    import resource

    import pyarrow.dataset as ds

    exp = Experiment("run", (get_preset("baseline"),), 1, 120, 7, workers=10_000)
    result = execute(exp.specs()[0])
    with tempfile.TemporaryDirectory() as folder:
        target = ResultStore(folder)
        for i in range(args.analysis_runs):
            target.write(dataclasses.replace(result, run_id=f"r{i:06d}"))
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        table = ds.dataset(Path(folder) / "runs", format="parquet").to_table(
            columns=["run_id", "month", "frac_covered_pension"]
        )
        column_s = time.perf_counter() - start
        column_mb = table.nbytes / 1e6
        start = time.perf_counter()
        frame = target.load()
        every_s = time.perf_counter() - start
        every_mb = frame.memory_usage(deep=True).sum() / 1e6
        rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    n = args.analysis_runs
    return {
        "runs": n,
        "one_column_s": round(column_s, 2),
        "one_column_kb_per_run": round(1000 * column_mb / n, 1),
        "every_column_s": round(every_s, 2),
        "every_column_kb_per_run": round(1000 * every_mb / n, 1),
        "every_column_gb_at_100k": round(every_mb / n * 100_000 / 1000, 1),
        "peak_rss_growth_mb": round((rss1 - rss0) / 1024, 1),
    }


def fill(args) -> dict:
    """How far an empty adaptive LocalCluster (maximum 4) grows during a sweep."""
    from distributed import LocalCluster

    exp = Experiment("run", (get_preset("baseline"),), args.fill_runs, 60, 7, workers=10_000)
    with LocalCluster(
        n_workers=0, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        cluster.adapt(minimum=0, maximum=4)
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            run_experiment(exp, folder, "dask", scheduler=cluster, progress=False)
            wall = time.perf_counter() - start
            manifest = ResultStore(folder).read_manifest()
    return {
        "runs": args.fill_runs,
        "wall_s": round(wall, 1),
        "peak_workers": manifest["executor"].get("peak_workers"),
        "maximum": 4,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections and print their numbers."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sections", default=",".join(SECTIONS))
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--tiny-runs", type=int, default=400)
    p.add_argument("--store-runs", type=int, default=100)
    p.add_argument("--plan-runs", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--analysis-runs", type=int, default=500)
    p.add_argument("--fill-runs", type=int, default=64)
    p.add_argument("--json", type=Path, help="also save the numbers here")
    args = p.parse_args(argv)
    for key in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(key, "1")
    results = {"load_average_before": os.getloadavg()[0], "cores": os.cpu_count()}
    for name in args.sections.split(","):
        if name not in SECTIONS:
            p.error(f"--sections: {name!r} unknown; allowed: {', '.join(SECTIONS)}")
        results[name] = globals()[name](args)
        print(name, json.dumps(results[name], indent=1), flush=True)
    results["load_average_after"] = os.getloadavg()[0]
    print(
        f"load average {results['load_average_before']:.1f} -> {results['load_average_after']:.1f}"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
