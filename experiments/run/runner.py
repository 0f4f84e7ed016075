"""Run an experiment into an output folder, resumably.

:func:`run_experiment` plans the runs, locks the output folder (one writer at a
time), skips the runs whose part already exists and matches its checksum, sends the
rest to an executor in chunks, writes each finished run as it arrives, records
failures with their error text, and appends each run's plan and outcome to the run
table (``runs.jsonl``, :mod:`.journal`) beside the header ``manifest.json``. Rerunning
the same experiment into the same folder resumes it: nothing is run twice and
nothing is lost, whether the last attempt ended normally, with failed runs, with
Ctrl-C, or with a killed process; a damaged part is recomputed.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from experiments.errors import InputError
from experiments.run import journal
from experiments.run import manifest as mf
from experiments.run.executors import (
    Executor,
    auto_chunk_size,
    check_options,
    chunked,
    make_executor,
)
from experiments.run.experiment import Experiment
from experiments.run.interrupt import Interrupts
from experiments.run.layout import location_of
from experiments.run.lock import FolderLock
from experiments.run.single import RunResult, RunSpec
from experiments.run.storage import ResultStore

#: Who writes the result parts (see :func:`run_experiment`).
WRITE_ON = ("auto", "client")


@dataclass
class RunSummary:
    """How an invocation went."""

    out: Path
    planned: int
    skipped: int
    done: int = 0
    failed: int = 0
    failures: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    run_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether every planned run is now finished."""
        return self.failed == 0 and self.skipped + self.done == self.planned


def run_experiment(
    experiment: Experiment,
    out: str | Path,
    executor: str = "serial",
    jobs: int | None = None,
    scheduler: Any = None,
    chunk_size: int | None = None,
    progress: bool = True,
    command: str = "",
    on_result: Callable[[RunResult], None] | None = None,
    wait: bool = False,
    scheduler_file: str | None = None,
    write_on: str = "auto",
) -> RunSummary:
    """Run (or resume) ``experiment`` into the folder ``out``.

    Args:
        experiment: what to run.
        out: output folder (created if needed; reused to resume).
        executor: ``serial``, ``processes`` or ``dask``.
        jobs: worker processes (default: usable cores; dask LocalCluster: 2); with a
            Dask scheduler, the worker slots the cluster is expected to reach.
        scheduler: ``--executor dask`` only: a scheduler address, a
            ``distributed.Client`` or a cluster object (``LocalCluster``,
            dask-jobqueue's ``SLURMCluster``...), adaptive or not.
        chunk_size: runs per task (default: about four chunks per worker, at most 8).
        progress: show a tqdm progress bar on stderr.
        command: the command line, recorded in the manifest.
        on_result: called after each run is recorded (tests use it to interrupt).
        wait: if another process is writing ``out``, wait for it to end instead of
            failing (see :mod:`experiments.run.lock`).
        scheduler_file: ``--executor dask`` only: a Dask scheduler file.
        write_on: ``auto``: Dask workers that see the output folder write their runs
            there and send back only status, time and checksum (:mod:`.worker_store`);
            other executors, and workers that do not see it, send the frames here.
            ``client``: always write here.

    Returns:
        Counts of skipped, done and failed runs, and each failure's error text.

    Raises:
        InputError: bad experiment or executor options; an output folder that cannot be
            made, holds different runs, a file that is not a manifest or the layout of
            an older uptake, or is in use by another writer
            (:class:`~experiments.run.lock.FolderBusyError`); a full disk while the
            manifest is written.
        KeyboardInterrupt: after saving the manifest, if interrupted.
    """
    started = time.perf_counter()
    check_options(executor, jobs, scheduler, scheduler_file)  # before the folder is touched
    if write_on not in WRITE_ON:
        raise InputError(f"write_on={write_on!r} unknown; allowed: {list(WRITE_ON)}")
    for message in experiment.late_reforms():
        warnings.warn(message, RuntimeWarning, stacklevel=2)
    store = ResultStore(out)
    specs = experiment.specs()
    fresh = mf.build(experiment.describe(), specs, command or " ".join(sys.argv))
    store.create()
    with FolderLock(store.root, wait=wait):
        old = store.read_manifest()
        if old is None and journal.path(store.root).is_file():  # the header was lost
            old = {**fresh, "runs": journal.load(store.root)}
        store.check_writable(old)
        manifest = mf.merge(old, fresh, store.root) if old else fresh
        store.remove_temporaries()
        journal.seal(store.root)  # a line cut short by a killed writer stays alone
        known = old["runs"] if old else {}
        store.write_manifest(manifest)  # the header first: the plan lines need it
        new_ids = [s.run_id for s in specs if s.run_id not in known]
        journal.append_text(store.root, journal.plan_text(manifest["runs"], new_ids))
        finished = _verified_parts(store, manifest)
        if experiment.design is not None and "points" in experiment.design:
            _write_design(store, experiment)
        todo = [s for s in specs if s.run_id not in finished]
        summary = RunSummary(store.root, planned=len(specs), skipped=len(specs) - len(todo))
        if todo:
            pool = make_executor(executor, jobs, scheduler, scheduler_file)
            manifest["executor"] = {
                "name": pool.name,
                "workers": pool.workers,
                "scheduler": _address(scheduler, scheduler_file),
                "writes": "client",
            }
            if write_on == "auto" and hasattr(pool, "write_on_workers"):
                manifest["executor"]["writes"] = pool.write_on_workers(store.root)
            size = chunk_size or auto_chunk_size(len(todo), pool.workers)
            _run_todo(store, manifest, summary, chunked(todo, size), pool, progress, on_result)
    summary.seconds = time.perf_counter() - started
    return summary


def _verified_parts(store: ResultStore, manifest: dict) -> set[str]:
    """Runs whose outcome part is intact; damaged parts are deleted (to be recomputed).

    Runs whose state changed (a part found without its outcome line, a recorded
    part gone or damaged) get an outcome line, so the run table matches the disk.
    """
    present = store.parts()
    good, damaged = mf.verify_parts(store, manifest, present)
    for run_id, reason in damaged.items():
        print(
            f"{present[run_id]}: damaged result file ({reason}); recomputing run {run_id}",
            file=sys.stderr,
        )
        store.discard(present[run_id])
    changed = mf.reconcile(manifest, good)
    journal.append(store.root, [journal.line(manifest, run_id) for run_id in changed])
    return set(good)


def _run_todo(
    store: ResultStore,
    manifest: dict,
    summary: RunSummary,
    chunks: list[list[RunSpec]],
    pool: Executor,
    progress: bool,
    on_result: Callable[[RunResult], None] | None,
) -> None:
    """Send the chunks to ``pool``, record each run as it arrives in the run table."""
    bar = _progress_bar(sum(len(c) for c in chunks), summary.skipped, progress)
    aborted = False
    try:
        with Interrupts() as interrupts:  # a Ctrl-C swallowed somewhere still stops the sweep
            for results in pool.results(chunks):
                lines = []
                try:
                    for result in results:
                        _record(store, manifest, summary, result)
                        lines.append(journal.line(manifest, result.run_id))
                        bar.update(1)
                        bar.set_postfix(done=summary.done, failed=summary.failed, refresh=False)
                        if on_result is not None:
                            on_result(result)
                finally:
                    journal.append(store.root, lines)  # a few hundred bytes per run
                interrupts.check()  # after the chunk: its finished runs are all saved
    except BaseException:
        aborted = True
        raise
    finally:
        bar.close()
        if hasattr(pool, "peak_slots"):  # Dask: how far an adaptive cluster grew
            manifest["executor"]["peak_workers"] = pool.peak_slots
        pool.close(abort=aborted)
        manifest["updated"] = mf.now()
        store.write_manifest(manifest)  # the header: when, and on which executor


def _address(scheduler: Any, scheduler_file: str | None) -> str | None:
    """The scheduler as the manifest records it (an address, not an object)."""
    if scheduler_file is not None:
        return f"file:{scheduler_file}"
    if scheduler is None or isinstance(scheduler, str):
        return scheduler
    address = getattr(scheduler, "scheduler_address", None)  # a cluster object
    if address is None:  # a Client
        address = getattr(getattr(scheduler, "scheduler", None), "address", None)
    return str(address) if address else type(scheduler).__name__


def _record(store: ResultStore, manifest: dict, summary: RunSummary, result: RunResult) -> None:
    part = result.part  # written by a Dask worker (or None)
    if result.status == "done" and not result.stored:
        try:
            part = store.write(result, location_of(manifest["runs"][result.run_id]["spec"]))
        except Exception as exc:  # a disk error fails this run only
            result.status, result.error = "failed", f"could not write results: {exc!r}"
    if result.status == "done":
        summary.done += 1
    else:
        summary.failed += 1
        summary.failures[result.run_id] = result.error
    summary.run_seconds += result.seconds
    mf.record(manifest, result.run_id, result.status, result.seconds, result.error, part)


def _write_design(store: ResultStore, experiment: Experiment) -> None:
    import pandas as pd

    from experiments.run.storage import atomic_write

    frame = pd.DataFrame(experiment.design["points"])
    frame.insert(0, "scenario", [s.name for s in experiment.scenarios])
    frame.insert(0, "point", range(len(frame)))
    atomic_write(store.root / "design.csv", lambda tmp: frame.to_csv(tmp, index=False))


def _progress_bar(total: int, skipped: int, enabled: bool):
    from tqdm import tqdm

    desc = f"runs ({skipped} already done)" if skipped else "runs"
    return tqdm(total=total, desc=desc, unit="run", disable=not enabled, file=sys.stderr)
