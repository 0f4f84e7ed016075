"""Dask clusters of any shape: adaptive clusters fill, code checks, retries, connections."""

from __future__ import annotations

import json
import subprocess
import sys

import dask
import pytest
from experiments_support import KILL_MARKER, WorkerKillerPolicy, experiment

from experiments.errors import InputError
from experiments.run import cluster as cl
from experiments.run.dask_executor import DaskExecutor
from experiments.run.executors import auto_chunk_size, chunked
from experiments.scenarios.library import Scenario

distributed = pytest.importorskip("distributed")


def local_cluster(n_workers: int = 2, **kw):
    return distributed.LocalCluster(
        n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None, **kw
    )


@pytest.fixture(scope="module")
def fixed():
    """A 2-process LocalCluster shared by the tests that need a fixed cluster."""
    with local_cluster() as local:
        yield local


def run_all(executor: DaskExecutor, specs, size: int | None = None):
    size = size or auto_chunk_size(len(specs), executor.workers)
    return [r for chunk in executor.results(chunked(specs, size)) for r in chunk]


@pytest.mark.slow
def test_an_empty_adaptive_cluster_is_filled_to_its_maximum():
    # target_duration: the scheduler asks for a worker per 0.2 s of queued work, so
    # these tiny runs justify 4 workers if, and only if, enough chunks are queued
    with local_cluster(0) as local:
        local.adapt(minimum=0, maximum=4, target_duration="0.2s", interval="200ms")
        executor = DaskExecutor(scheduler=local, wait=120)
        assert executor.workers == 4, "chunks are sized for the adaptive maximum"
        specs = experiment(("baseline", "enforcement"), replications=8).specs()
        with distributed.get_task_stream(executor.client) as stream:
            results = run_all(executor, specs)
        executor.close()
    assert len(results) == 16, "every run comes back"
    assert all(r.status == "done" for r in results), [r.error for r in results][:2]
    used = {task["worker"] for task in stream.data}
    assert executor.peak_slots == 4, f"the cluster grew to {executor.peak_slots} of 4 workers"
    assert len(used) >= 3, f"tasks ran on {len(used)} worker(s); the queue must feed new ones"


def test_no_worker_joining_is_a_clear_error():
    with local_cluster(0) as empty:
        executor = DaskExecutor(scheduler=empty.scheduler_address, wait=1)
        with pytest.raises(InputError, match="no Dask worker joined"):
            run_all(executor, experiment(("baseline",), replications=1).specs())
        executor.close()


def test_workers_with_other_code_are_refused(fixed, monkeypatch):
    real = cl.environment()
    monkeypatch.setattr(cl, "environment", lambda: {**real, "fingerprint": "0" * 16})
    with pytest.raises(InputError, match="run other code"):
        DaskExecutor(scheduler=fixed.scheduler_address)


def test_a_late_worker_with_other_code_fails_its_chunks(fixed):
    executor = DaskExecutor(scheduler=fixed.scheduler_address)
    executor.fingerprint = "f" * 16  # as if the client ran other code than every worker
    results = run_all(executor, experiment(("baseline",), replications=2).specs())
    executor.close()
    assert [r.status for r in results] == ["failed", "failed"], "no result from other code"
    assert "other code" in results[0].error, results[0].error


def test_a_lost_chunk_is_retried_once(tmp_path, monkeypatch):
    marker = tmp_path / "kill-once"
    marker.touch()
    monkeypatch.setenv(KILL_MARKER, str(marker))  # worker processes inherit it
    killer = Scenario("killer", "", (WorkerKillerPolicy(1.0, start=2),))
    specs = experiment(("baseline",), replications=1, extra=(killer,)).specs()
    # no rescheduling by Dask itself: the first death is a lost task for the executor
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), local_cluster() as local:
        executor = DaskExecutor(scheduler=local)
        results = run_all(executor, specs, size=1)
        executor.close()
    assert not marker.exists(), "a worker died running the killer scenario"
    assert {r.run_id: r.status for r in results} == {s.run_id: "done" for s in specs}, [
        r.error for r in results
    ]


def test_a_chunk_lost_twice_fails_with_the_reason(tmp_path, monkeypatch):
    monkeypatch.setenv(KILL_MARKER, str(tmp_path / "kill"))
    (tmp_path / "kill").touch()
    killer = Scenario("killer", "", (WorkerKillerPolicy(1.0, start=2),))
    specs = experiment((), replications=1, extra=(killer,)).specs()
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), local_cluster() as local:
        executor = DaskExecutor(scheduler=local, retries=0)
        results = run_all(executor, specs, size=1)
        executor.close()
    assert [r.status for r in results] == ["failed"], "without a retry the lost run fails"
    assert "lost 1 time" in results[0].error, results[0].error


def test_scheduler_file_and_client_objects_connect(fixed, tmp_path):
    path = tmp_path / "scheduler.json"
    path.write_text(json.dumps({"address": fixed.scheduler_address}))
    by_file = DaskExecutor(scheduler_file=str(path))
    assert by_file.workers == 2, "two workers in the fixed cluster"
    by_file.close()
    with distributed.Client(fixed) as client:
        given = DaskExecutor(scheduler=client)
        results = run_all(given, experiment(("baseline",), replications=2).specs())
        given.close()
        assert client.status == "running", "a Client passed in is left open"
    assert [r.status for r in results] == ["done", "done"]


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), ("{}", "not a Dask scheduler file"), ("[1", "not a Dask")],
)
def test_bad_scheduler_files_are_named(tmp_path, content, message):
    path = tmp_path / "scheduler.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError, match=message):
        cl.read_scheduler_file(path)


def test_scheduler_and_scheduler_file_together_are_refused(tmp_path):
    with pytest.raises(InputError, match="not both"):
        cl.open_client("tcp://127.0.0.1:1", tmp_path / "s.json")


def test_building_a_slurm_cluster_keeps_ctrl_c_an_interrupt():
    # dask-jobqueue's runner module makes SIGINT call sys.exit() when imported (Ctrl-C
    # would end a sweep with exit code 0); a fresh interpreter shows both sides.
    pytest.importorskip("dask_jobqueue")
    probe = (
        "import signal; {load}; "
        "print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)"
    )
    ours = "from experiments.run.cluster import _import_slurm_cluster; _import_slurm_cluster()"
    theirs = "import dask_jobqueue"
    for load, expected in ((ours, "True"), (theirs, "False")):
        out = subprocess.run(
            [sys.executable, "-c", probe.format(load=load)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert out == expected, f"after {load!r}: SIGINT default handler? {out}"


def test_slurm_job_script_runs_single_threaded_workers_in_this_environment():
    jobqueue = pytest.importorskip("dask_jobqueue")
    slurm = cl.slurm_cluster(
        cores=8,
        memory="16GB",
        walltime="01:30:00",
        queue="compute",
        account="uptake",
        python="/opt/uptake/.venv/bin/python",
        scheduler_options={"host": "127.0.0.1", "dashboard_address": None},
    )
    try:
        assert isinstance(slurm, jobqueue.SLURMCluster)
        script = slurm.job_script()
    finally:
        slurm.close()
    for line in (
        "#SBATCH -p compute",
        "#SBATCH -A uptake",
        "#SBATCH --cpus-per-task=8",
        "#SBATCH -t 01:30:00",
        "export OMP_NUM_THREADS=1",
        "export OPENBLAS_NUM_THREADS=1",
        "export MKL_NUM_THREADS=1",
    ):
        assert line in script, f"{line!r} missing from the job script:\n{script}"
    worker = next(line for line in script.splitlines() if "distributed.cli.dask_worker" in line)
    assert worker.startswith("/opt/uptake/.venv/bin/python"), worker
    assert "--nworkers 8" in worker, f"one process per core: {worker}"
    assert "--nthreads 1" in worker, f"one thread per process: {worker}"
    assert "tcp://127.0.0.1:" in worker, "workers dial the scheduler started here"


@pytest.mark.slow
def test_cli_sweep_on_a_cluster_started_from_a_scheduler_file(tmp_path):
    import shutil
    import subprocess
    import sys
    import time
    from pathlib import Path

    from experiments.cli import main
    from experiments.run.storage import ResultStore

    dask_cli = shutil.which("dask", path=str(Path(sys.executable).parent))
    assert dask_cli, "the dask command comes with distributed"
    file = tmp_path / "scheduler.json"
    common = ["--scheduler-file", str(file)]
    scheduler = subprocess.Popen(
        [dask_cli, "scheduler", "--host", "127.0.0.1", "--no-dashboard", *common],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers = []
    try:
        deadline = time.monotonic() + 60
        while not file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert file.exists(), "the scheduler wrote its file"
        workers = [
            subprocess.Popen(
                [dask_cli, "worker", "--nthreads", "1", "--no-dashboard", *common],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=tmp_path,
            )
            for _ in range(2)
        ]
        sweep = tmp_path / "sweep.toml"
        sweep.write_text(
            'design = "factorial"\nlevels = 3\nreplications = 2\nmonths = 14\nworkers = 400\n'
            "seed = 2\n[params]\nburn_in_months = 6\n[levers]\n"
            "enforcement = { range = [0.0, 1.0], start = 2 }\n"
        )
        out = tmp_path / "out"
        args = ["sweep", str(sweep), "-x", "dask", *common, "-j", "2", "-o", str(out)]
        assert main([*args, "--no-progress"]) == 0, "the sweep ran on the cluster"
    finally:
        for proc in [*workers, scheduler]:
            proc.terminate()
        for proc in [*workers, scheduler]:
            proc.wait(timeout=30)
    manifest = ResultStore(out).read_manifest()
    assert manifest["executor"]["scheduler"] == f"file:{file}", manifest["executor"]
    assert len(ResultStore(out).finished_ids()) == 6, "3 points x 2 replications"


def test_sensitivity_study_passes_the_executor_options_on(monkeypatch, tmp_path):
    import pandas as pd

    from experiments.cli import main
    from experiments.sweeps import study as study_module

    seen = {}

    def fake_study(output, **options):
        seen.update(options)
        empty = pd.DataFrame({"index": [], "outcome": [], "factor": [], "value": []})
        return {
            "morris": empty.astype({"value": float}),
            "sobol": empty,
            "convergence": pd.DataFrame(),
            "sizes": {},
        }

    monkeypatch.setattr(study_module, "study", fake_study)
    file = tmp_path / "scheduler.json"
    args = ["sensitivity-study", "-x", "dask", "--scheduler-file", str(file), "-j", "16"]
    main([*args, "--chunk-size", "2", "--output", str(tmp_path)])
    expected = {"executor": "dask", "scheduler_file": str(file), "jobs": 16, "chunk_size": 2}
    assert expected.items() <= seen.items(), f"design points run on the executor: {seen}"


def test_workers_write_their_results_and_send_back_none(fixed, tmp_path):
    import pandas as pd

    from experiments.run.runner import run_experiment
    from experiments.run.storage import ResultStore

    exp = experiment(("baseline", "enforcement"), replications=2)
    seen = []
    summary = run_experiment(
        exp, tmp_path / "dask", "dask", scheduler=fixed, progress=False, on_result=seen.append
    )
    assert summary.ok, summary.failures
    assert all(r.stored and r.outcomes is None for r in seen), "only status and time came back"
    manifest = ResultStore(tmp_path / "dask").read_manifest()
    assert manifest["executor"]["writes"] == "workers", manifest["executor"]
    run_experiment(exp, tmp_path / "serial", "serial", progress=False)
    frames = [
        ResultStore(tmp_path / k).load().sort_values(["run_id", "month"])
        for k in ("serial", "dask")
    ]
    pd.testing.assert_frame_equal(*(f.reset_index(drop=True) for f in frames))
    client = run_experiment(
        exp, tmp_path / "client", "dask", scheduler=fixed, progress=False, write_on="client"
    )
    assert client.ok, client.failures
    assert ResultStore(tmp_path / "client").read_manifest()["executor"]["writes"] == "client"


def test_a_worker_that_does_not_see_the_folder_sends_its_frames(tmp_path):
    from experiments.run.single import execute
    from experiments.run.worker_store import store_results, write_marker

    spec = experiment(("baseline",), replications=1).specs()[0]
    result = execute(spec)
    token = write_marker(tmp_path)
    kept = store_results([result], str(tmp_path / "elsewhere"), token)
    assert kept[0].outcomes is not None, "no marker seen: the frames go to the caller"
    assert not kept[0].stored, "and the caller writes them"
    stored = store_results([result], str(tmp_path), token, {spec.run_id: spec.location})
    assert stored[0].stored, "the marker is seen: the worker writes"
    assert stored[0].outcomes is None, "and sends no frames"
    part = tmp_path / "runs" / "block=baseline" / "chunk=0" / f"{result.run_id}.parquet"
    assert part.exists(), "the part is on disk, in its partition folder"
