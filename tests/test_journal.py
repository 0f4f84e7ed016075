"""The appending manifest: one line per finished run, replayed by every reader."""

from __future__ import annotations

import json

import pytest
from experiments_support import experiment

from experiments.run import journal
from experiments.run import runner as runner_module
from experiments.run.runner import run_experiment
from experiments.run.storage import ResultStore


def test_runs_finished_after_the_last_manifest_write_are_in_the_journal(tmp_path, monkeypatch):
    store = ResultStore(tmp_path)
    real = store.write_manifest
    writes = []

    def first_only(self, manifest):
        writes.append(1)
        if len(writes) == 1:  # the plan; later full writes "never happen" (kill -9)
            real(manifest)

    monkeypatch.setattr(ResultStore, "write_manifest", first_only)
    monkeypatch.setattr(journal, "clear", lambda root: None)
    exp = experiment(("baseline",), replications=3)
    run_experiment(exp, tmp_path, chunk_size=1, progress=False)
    lines = (tmp_path / journal.JOURNAL).read_text().splitlines()
    assert len(lines) == 3, "one journal line per finished run"
    on_disk = json.loads((tmp_path / "manifest.json").read_text())
    assert {e["status"] for e in on_disk["runs"].values()} == {"pending"}, "stale on disk"
    monkeypatch.undo()
    read = ResultStore(tmp_path).read_manifest()
    statuses = {k: e["status"] for k, e in read["runs"].items()}
    assert set(statuses.values()) == {"done"}, f"readers replay the journal: {statuses}"
    assert all(e.get("checksum") for e in read["runs"].values()), "checksums come back too"
    again = run_experiment(exp, tmp_path, progress=False)
    assert again.skipped == 3, "the rerun trusts the replayed, verified parts"
    assert not (tmp_path / journal.JOURNAL).exists(), "a full manifest write empties it"


def test_a_line_cut_short_is_ignored(tmp_path):
    manifest = {"runs": {"a": {"status": "pending"}, "b": {"status": "pending"}}}
    journal.append(tmp_path, [{"run_id": "a", "status": "done", "seconds": 1.0}])
    with (tmp_path / journal.JOURNAL).open("a") as handle:
        handle.write('{"run_id": "b", "stat')  # the writer was killed mid-line
    assert journal.replay(tmp_path, manifest) == 1, "only the whole line counts"
    assert manifest["runs"]["a"]["status"] == "done"
    assert manifest["runs"]["b"]["status"] == "pending", "the cut line changes nothing"


def test_later_lines_win_and_unknown_runs_are_skipped(tmp_path):
    manifest = {"runs": {"a": {"status": "pending", "checksum": "old", "rows": 3}}}
    journal.append(
        tmp_path,
        [
            {"run_id": "a", "status": "done", "checksum": "x", "rows": 15},
            {"run_id": "zz", "status": "done"},
            {"run_id": "a", "status": "failed", "error": "boom"},
        ],
    )
    assert journal.replay(tmp_path, manifest) == 2
    entry = manifest["runs"]["a"]
    assert entry["status"] == "failed", "the last line of a run wins"
    assert "checksum" not in entry, "a failed run keeps no stale checksum"


def test_the_manifest_is_rewritten_at_most_every_minute(tmp_path, monkeypatch):
    writes = []
    real = ResultStore.write_manifest
    monkeypatch.setattr(
        ResultStore, "write_manifest", lambda self, m: (writes.append(1), real(self, m))
    )
    summary = run_experiment(experiment(replications=4), tmp_path, chunk_size=1, progress=False)
    assert summary.ok, summary.failures
    assert pytest.approx(60.0) == runner_module.MANIFEST_EVERY
    assert len(writes) <= 3, f"plan + end (+ one at most a minute in), not per run: {writes}"
