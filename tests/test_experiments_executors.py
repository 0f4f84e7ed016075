"""Executors give identical results; a failing run is recorded and the others complete."""

from __future__ import annotations

import pandas as pd
import pytest
from experiments_support import (
    KILL_MARKER,
    WorkerKillerPolicy,
    boom,
    expected_rows,
    experiment,
)

from experiments.run.executors import auto_chunk_size, chunked
from experiments.run.runner import run_experiment
from experiments.run.storage import ResultStore
from experiments.scenarios.library import Scenario


@pytest.fixture(scope="module")
def cluster():
    """One Dask LocalCluster (2 processes) for the module: starting one is slow."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


def _frame(folder) -> pd.DataFrame:
    return ResultStore(folder).load().sort_values(["run_id", "month"], ignore_index=True)


def test_serial_processes_and_dask_give_identical_results(tmp_path, cluster):
    exp = experiment(("baseline", "worker-subsidy"), replications=2)
    serial = run_experiment(exp, tmp_path / "serial", "serial", progress=False)
    assert serial.ok, serial.failures
    processes = run_experiment(
        exp, tmp_path / "proc", "processes", jobs=2, chunk_size=1, progress=False
    )
    assert processes.ok, processes.failures
    dask = run_experiment(
        exp, tmp_path / "dask", "dask", scheduler=cluster.scheduler_address, progress=False
    )
    assert dask.ok, dask.failures
    reference = _frame(tmp_path / "serial")
    assert len(reference) == expected_rows(exp), "one row per run and month"
    pd.testing.assert_frame_equal(reference, _frame(tmp_path / "proc"))
    pd.testing.assert_frame_equal(reference, _frame(tmp_path / "dask"))
    manifest = ResultStore(tmp_path / "dask").read_manifest()
    assert manifest["executor"]["name"] == "dask", manifest["executor"]


@pytest.mark.parametrize("executor", ["serial", "processes"])
def test_a_failing_run_is_recorded_and_the_others_complete(tmp_path, executor):
    exp = experiment(("baseline",), replications=2, extra=(boom(),))
    summary = run_experiment(exp, tmp_path, executor, jobs=2, chunk_size=3, progress=False)
    assert (summary.done, summary.failed) == (2, 2), (summary.done, summary.failed)
    assert not summary.ok, "a failed run must make the experiment not ok"
    runs = ResultStore(tmp_path).read_manifest()["runs"]
    for run_id, entry in runs.items():
        if run_id.startswith("boom"):
            assert entry["status"] == "failed", entry
            assert "injected fault" in entry["error"], f"error text kept: {entry['error'][-200:]}"
        else:
            assert (entry["status"], entry["error"]) == ("done", ""), entry
    assert ResultStore(tmp_path).finished_ids() == {"baseline__r000", "baseline__r001"}
    again = run_experiment(exp, tmp_path, "serial", progress=False)
    assert (again.skipped, again.failed) == (2, 2), "finished runs skipped, failed ones retried"


def test_a_worker_killed_once_is_retried_and_no_run_fails(tmp_path, monkeypatch):
    marker = tmp_path / "kill-once"
    marker.touch()
    monkeypatch.setenv(KILL_MARKER, str(marker))  # spawned workers inherit the environment
    killer = Scenario("killer", "", (WorkerKillerPolicy(1.0, start=2),))
    exp = experiment(("baseline",), replications=3, extra=(killer,))
    first = run_experiment(exp, tmp_path / "out", "processes", jobs=2, chunk_size=1, progress=False)
    assert not marker.exists(), "the fault was not injected: no worker died"
    assert first.ok, f"a one-off worker death must be retried: {first.failures}"
    assert first.done == 6, (first.done, first.failed)
    frame = ResultStore(tmp_path / "out").load()
    assert len(frame) == expected_rows(exp), "no lost or duplicated rows"
    assert not frame.duplicated(["run_id", "month"]).any(), "no duplicated rows"


@pytest.mark.slow
def test_a_chunk_that_kills_every_worker_fails_alone(tmp_path, monkeypatch):
    marker = tmp_path / "kill-always"
    marker.mkdir()  # a folder: os.remove fails, so every run of the killer dies
    monkeypatch.setenv(KILL_MARKER, str(marker))
    killer = Scenario("killer", "", (WorkerKillerPolicy(1.0, start=2),))
    exp = experiment(("baseline",), replications=2, extra=(killer,))
    first = run_experiment(exp, tmp_path / "out", "processes", jobs=2, chunk_size=1, progress=False)
    assert set(first.failures) == {"killer__r000", "killer__r001"}, first.failures
    assert all("died running it twice" in e for e in first.failures.values()), first.failures
    assert first.done == 2, "the baseline runs in flight with the killer must finish"
    assert ResultStore(tmp_path / "out").finished_ids() == {"baseline__r000", "baseline__r001"}


def test_chunks_cover_every_run_once():
    specs = experiment(("baseline", "enforcement"), replications=5).specs()
    size = auto_chunk_size(len(specs), 2)
    chunks = chunked(specs, size)
    flat = [s.run_id for c in chunks for s in c]
    assert sorted(flat) == sorted(s.run_id for s in specs), "each run exactly once"
    assert 1 <= size <= 8, size
    assert max(len(c) for c in chunks) == size, size
