"""The run table (runs.jsonl): plan lines, outcome lines, replayed by every reader."""

from __future__ import annotations

import json

import pytest
from experiments_support import experiment
from faults_support import read_run_table

from experiments.run import journal
from experiments.run.runner import run_experiment
from experiments.run.storage import ResultStore


def test_manifest_json_is_a_header_and_runs_jsonl_the_run_table(tmp_path):
    exp = experiment(("baseline",), replications=3)
    run_experiment(exp, tmp_path, chunk_size=1, progress=False)
    header = json.loads((tmp_path / "manifest.json").read_text())
    assert "runs" not in header, "manifest.json holds no runs"
    assert header["schema"] == 2, header.get("schema")
    lines = [json.loads(t) for t in (tmp_path / journal.JOURNAL).read_text().splitlines()]
    assert [x["run_id"] for x in lines if "spec" in x] == [s.run_id for s in exp.specs()]
    assert sum("status" in x for x in lines) == 3, "one outcome line per finished run"
    read = read_run_table(tmp_path)
    assert {e["status"] for e in read["runs"].values()} == {"done"}, read["runs"]
    assert all(e["checksum"].startswith("sha256:") for e in read["runs"].values())
    assert read["experiment"]["kind"] == exp.kind, "the header joins the run table"


def test_a_rerun_appends_nothing_for_runs_already_planned_and_done(tmp_path):
    exp = experiment(("baseline",), replications=2)
    run_experiment(exp, tmp_path, progress=False)
    before = (tmp_path / journal.JOURNAL).read_text()
    again = run_experiment(exp, tmp_path, progress=False)
    assert again.skipped == 2
    assert (tmp_path / journal.JOURNAL).read_text() == before, "no new line for a no-op rerun"
    more = run_experiment(experiment(("baseline",), replications=3), tmp_path, progress=False)
    assert (more.skipped, more.done) == (2, 1), "an extended experiment adds one run"
    assert len(read_run_table(tmp_path)["runs"]) == 3, "planned once each"


def test_a_line_cut_short_is_ignored_and_sealed_before_the_next_append(tmp_path):
    journal.append_text(tmp_path, journal.plan_text({"a": {"spec": {"months": 1}}}, ["a"]))
    journal.append_text(tmp_path, journal.plan_text({"b": {"spec": {"months": 1}}}, ["b"]))
    journal.append(tmp_path, [{"run_id": "a", "status": "done", "seconds": 1.0}])
    with journal.path(tmp_path).open("a") as handle:
        handle.write('{"run_id": "b", "stat')  # the writer was killed mid-line
    runs = journal.load(tmp_path)
    assert runs["a"]["status"] == "done"
    assert runs["b"]["status"] == "pending", "the cut line changes nothing"
    assert journal.seal(tmp_path), "the cut line gets its newline"
    assert not journal.seal(tmp_path), "and only once"
    journal.append(tmp_path, [{"run_id": "b", "status": "failed", "error": "boom"}])
    assert journal.load(tmp_path)["b"]["status"] == "failed", "the next line is not swallowed"


def test_later_lines_win_and_unplanned_runs_are_skipped(tmp_path):
    journal.append_text(tmp_path, journal.plan_text({"a": {"spec": {"months": 1}}}, ["a"]))
    journal.append(
        tmp_path,
        [
            {"run_id": "a", "status": "done", "checksum": "x", "rows": 15},
            {"run_id": "zz", "status": "done"},
            {"run_id": "a", "status": "failed", "error": "boom"},
        ],
    )
    runs = journal.load(tmp_path)
    assert list(runs) == ["a"], "a run without a plan line is not invented"
    assert runs["a"]["status"] == "failed", "the last line of a run wins"
    assert "checksum" not in runs["a"], "a failed run keeps no stale checksum"


@pytest.mark.parametrize("cut", [0.0, 0.37, 0.99])
def test_a_plan_cut_short_by_a_crash_resumes_without_loss_or_duplicates(tmp_path, cut):
    """The process dies while appending the plan: the rerun plans the rest, once."""
    exp = experiment(("baseline", "publicity"), replications=3)
    real = journal.append_text

    def dies_midway(root, text):
        if '"spec"' in text:
            real(root, text[: int(len(text) * cut)])
            raise KeyboardInterrupt  # kill -9 stand-in: nothing after this line runs
        real(root, text)

    journal.append_text = dies_midway
    try:
        with pytest.raises(KeyboardInterrupt):
            run_experiment(exp, tmp_path, progress=False)
    finally:
        journal.append_text = real
    summary = run_experiment(exp, tmp_path, progress=False)
    assert summary.ok, summary.failures
    assert summary.done == 6, "every run ran once: none finished before the crash"
    manifest = read_run_table(tmp_path)
    assert len(manifest["runs"]) == 6, list(manifest["runs"])
    assert len(ResultStore(tmp_path).load()) == 6 * (exp.months + 1), "every row once"


def test_a_part_written_before_its_outcome_line_is_recorded_on_resume(tmp_path):
    """Killed between writing a part and appending its line: the resume records it."""
    exp = experiment(("baseline",), replications=2)
    real = journal.append

    def lines_lost(root, lines):
        if lines and "spec" not in lines[0]:
            return  # outcome lines never reach the disk
        real(root, lines)

    journal.append = lines_lost
    try:
        run_experiment(exp, tmp_path, progress=False)
    finally:
        journal.append = real
    assert {e["status"] for e in ResultStore(tmp_path).read_manifest()["runs"].values()} == {
        "pending"
    }, "without outcome lines the runs read as pending"
    again = run_experiment(exp, tmp_path, progress=False)
    assert again.skipped == 2, "the parts on disk count as finished"
    runs = read_run_table(tmp_path)["runs"]
    assert all(e["status"] == "done" and e["checksum"] for e in runs.values()), runs
