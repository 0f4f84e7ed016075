"""Interrupted experiments resume with exactly the expected rows; writes are atomic."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from experiments_support import expected_rows, experiment

from experiments.errors import InputError
from experiments.run.runner import run_experiment
from experiments.run.storage import ResultStore
from experiments.sweeps.designs import read_sweep, sweep_experiment

UPTAKE = [sys.executable, "-c", "import sys; from experiments.cli import main; sys.exit(main())"]


def _check_complete(folder: Path, exp) -> pd.DataFrame:
    frame = ResultStore(folder).load()
    assert len(frame) == expected_rows(exp), f"{len(frame)} rows, want {expected_rows(exp)}"
    assert not frame.duplicated(["run_id", "month"]).any(), "no duplicated rows"
    assert set(frame["run_id"]) == {s.run_id for s in exp.specs()}, "every run present"
    return frame.sort_values(["run_id", "month"], ignore_index=True)


def test_keyboard_interrupt_after_k_runs_then_resume(tmp_path):
    exp = experiment(("baseline", "enforcement"), replications=3)
    seen = []

    def interrupt_after_two(result):
        seen.append(result.run_id)
        if len(seen) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_experiment(exp, tmp_path / "a", progress=False, on_result=interrupt_after_two)
    store = ResultStore(tmp_path / "a")
    assert store.finished_ids() == set(seen), "exactly the runs finished before Ctrl-C are kept"
    statuses = [e["status"] for e in store.read_manifest()["runs"].values()]
    assert (statuses.count("done"), statuses.count("pending")) == (2, 4), statuses
    resumed = run_experiment(exp, tmp_path / "a", progress=False)
    assert (resumed.skipped, resumed.done) == (2, 4), (resumed.skipped, resumed.done)
    whole = run_experiment(exp, tmp_path / "b", progress=False)
    assert whole.ok, whole.failures
    pd.testing.assert_frame_equal(
        _check_complete(tmp_path / "a", exp), _check_complete(tmp_path / "b", exp)
    )


def test_a_ctrl_c_swallowed_inside_a_run_still_stops_the_sweep(tmp_path):
    # SIGINT raises KeyboardInterrupt wherever the main thread is; code that swallows
    # every exception (here the hook, standing in for a __del__ or a C extension's
    # attribute lookup) would drop it. The runner notes the signal and stops after the
    # chunk, with that chunk's finished runs saved.
    exp = experiment(("baseline", "enforcement"), replications=3)
    seen = []
    # Python's own handler, whatever an imported library set (dask-jobqueue's runner
    # module makes SIGINT call sys.exit()).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)

    def ctrl_c_swallowed_at_the_second(result):
        seen.append(result.run_id)
        if len(seen) == 2:
            try:
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(1)  # the handler runs here, in this thread
            except KeyboardInterrupt:
                pass

    try:
        with pytest.raises(KeyboardInterrupt):
            run_experiment(
                exp,
                tmp_path,
                progress=False,
                chunk_size=2,
                on_result=ctrl_c_swallowed_at_the_second,
            )
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler, "not restored"
    finally:
        signal.signal(signal.SIGINT, previous)
    store = ResultStore(tmp_path)
    assert store.finished_ids() == set(seen), "the interrupted chunk's runs are saved"
    assert len(seen) == 2, f"the sweep went on after the swallowed Ctrl-C: {seen}"


def test_an_ignored_sigint_stays_ignored_during_a_sweep(tmp_path):
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        seen = []

        def look(result):
            seen.append(signal.getsignal(signal.SIGINT))

        run_experiment(
            experiment(("baseline",), replications=1), tmp_path, progress=False, on_result=look
        )
        assert seen == [signal.SIG_IGN], f"SIGINT during the sweep: {seen}"
    finally:
        signal.signal(signal.SIGINT, previous)


def test_deleted_parts_are_rerun_and_nothing_else(tmp_path):
    exp = experiment(("baseline", "publicity"), replications=2)
    run_experiment(exp, tmp_path, progress=False)
    store = ResultStore(tmp_path)
    for run_id in ("publicity__r000", "baseline__r001"):
        store.parts()[run_id].unlink()
    stale = tmp_path / "runs" / "block=baseline" / "chunk=0" / ".tmp-stale.parquet.x"
    stale.write_bytes(b"half a file")
    again = run_experiment(exp, tmp_path, progress=False)
    assert (again.skipped, again.done) == (2, 2), (again.skipped, again.done)
    assert not list((tmp_path / "runs").rglob(".tmp-*")), "stale temporary files removed"
    _check_complete(tmp_path, exp)
    statuses = {k: e["status"] for k, e in store.read_manifest()["runs"].items()}
    assert set(statuses.values()) == {"done"}, f"the run table agrees with the disk: {statuses}"


def test_changed_settings_in_the_same_folder_are_refused(tmp_path):
    run_experiment(experiment(("baseline",), replications=1), tmp_path, progress=False)
    changed = experiment(("baseline",), replications=1, overrides={"burn_in_months": 8})
    with pytest.raises(InputError, match=r"baseline__r000.*params"):
        run_experiment(changed, tmp_path, progress=False)
    more = run_experiment(experiment(("baseline",), replications=2), tmp_path, progress=False)
    assert (more.skipped, more.done) == (1, 1), "extra replications extend the folder"


def test_killed_sweep_process_resumes_with_exact_rows(tmp_path):
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(
        'design = "lhs"\nsamples = 12\nreplications = 1\nmonths = 14\nworkers = 400\n'
        "seed = 5\n[params]\nburn_in_months = 6\n[parameters]\nturnover_per_year = [0.1, 0.5]\n"
    )
    out = tmp_path / "out"
    args = [
        *UPTAKE,
        "sweep",
        str(sweep),
        "--out",
        str(out),
        "--no-progress",
        "-x",
        "processes",
        "-j",
        "2",
        "--chunk-size",
        "1",
    ]
    proc = subprocess.Popen(
        args, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 60
    while time.time() < deadline and len(list((out / "runs").rglob("*.parquet"))) < 3:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole session: driver and worker processes
    proc.wait()
    killed_with = len(list((out / "runs").rglob("*.parquet")))
    assert 3 <= killed_with < 12, f"kill should land mid-sweep; had {killed_with} parts"
    exp = sweep_experiment(read_sweep(sweep))  # what the same command runs, in-process
    again = run_experiment(exp, out, progress=False)
    assert again.ok, again.failures
    assert again.skipped == killed_with, "runs finished before the kill are kept"
    frame = ResultStore(out).load()
    assert len(frame) == 12 * 15, f"{len(frame)} rows; want 12 points x 15 months"
    assert not frame.duplicated(["run_id", "month"]).any(), "no duplicated rows after resume"
    manifest = ResultStore(out).read_manifest()
    assert all(e["status"] == "done" for e in manifest["runs"].values()), "all runs done"


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_on_the_cli_saves_progress_and_exits_130(tmp_path):
    out = tmp_path / "out"
    args = [
        *UPTAKE,
        "run",
        "baseline",
        "-r",
        "400",  # many more runs than finish before the interrupt arrives, even when fast
        "-m",
        "24",
        "-w",
        "400",
        "-p",
        "burn_in_months=6",
        "--no-progress",
        "-o",
        str(out),
    ]
    # The CLI gets SIGINT's default disposition, as a terminal gives it, whatever this
    # process has: a child inherits an ignored SIGINT, and Python then keeps ignoring it.
    proc = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
    )
    deadline = time.time() + 60
    while time.time() < deadline and len(list((out / "runs").rglob("*.parquet"))) < 2:
        time.sleep(0.05)
    parts_at_signal = len(list((out / "runs").rglob("*.parquet")))
    signalled = time.time()
    proc.send_signal(signal.SIGINT)
    out_text, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (
        f"exit code {proc.returncode} {time.time() - signalled:.1f} s after SIGINT, sent "
        f"with {parts_at_signal} runs written; stderr: {err[-500:]}; stdout: {out_text[-300:]}"
    )
    assert "Rerun the same command to resume" in err, err[-500:]
    manifest = ResultStore(out).read_manifest()
    done = {k for k, v in manifest["runs"].items() if v["status"] == "done"}
    assert done == ResultStore(out).finished_ids(), "the manifest matches the parts on disk"
    assert 2 <= len(done) < 400, f"interrupted mid-way: {len(done)} done"
