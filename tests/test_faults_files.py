"""Fault injection, files: modes, corrupt parts, a full disk.

Output files follow the umask, corrupt parts are recomputed on resume, and a full
disk is reported in one line.
"""

from __future__ import annotations

import json
import os
import resource
import stat

import pandas as pd
import pytest
from faults_support import TINY, cli, finish, parts, read_run_table, rows_by_run, start

from experiments.run.storage import ResultStore

MONTHS = 4


def tiny_run(tmp_path, *extra: str, reps: int = 2):
    """``uptake run baseline`` with ``reps`` replications of 4 months into ``out``."""
    return cli(
        "run",
        "baseline",
        "-r",
        str(reps),
        "-m",
        str(MONTHS),
        *TINY,
        "-o",
        "out",
        *extra,
        cwd=tmp_path,
    )


@pytest.fixture
def umask():
    """Set the process umask for one test, then restore it."""
    saved = os.umask(0o022)
    os.umask(saved)
    yield lambda value: os.umask(value)
    os.umask(saved)


@pytest.mark.parametrize(
    ("mask", "mode"),
    [
        pytest.param(0o022, 0o644, id="umask-022"),
        pytest.param(0o027, 0o640, id="umask-027"),
        pytest.param(0o077, 0o600, id="umask-077"),
    ],
)
def test_output_files_follow_the_umask(tmp_path, umask, mask, mode):
    umask(mask)
    assert tiny_run(tmp_path, reps=1).code == 0
    assert cli("export", "out", cwd=tmp_path).code == 0
    files = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    kinds = {p.suffix for p in files}
    assert {".parquet", ".json", ".csv", ".xlsx"} <= kinds, f"missing kinds of output: {kinds}"
    wrong = {
        str(p.relative_to(tmp_path)): oct(stat.S_IMODE(p.stat().st_mode))
        for p in files
        if stat.S_IMODE(p.stat().st_mode) != mode
    }
    assert wrong == {}, f"want {oct(mode)} under umask {oct(mask)}; got {wrong}"


def test_manifest_records_rows_and_checksum_of_each_part(tmp_path):
    assert tiny_run(tmp_path).code == 0
    header = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert "runs" not in header, "manifest.json is the header only; runs are in runs.jsonl"
    lines = [json.loads(t) for t in (tmp_path / "out" / "runs.jsonl").read_text().splitlines()]
    assert [x["run_id"] for x in lines if "spec" in x] == ["baseline__r000", "baseline__r001"]
    manifest = ResultStore(tmp_path / "out").read_manifest()
    for run_id, entry in manifest["runs"].items():
        assert entry.get("rows") == MONTHS + 1, f"{run_id}: rows {entry.get('rows')!r}"
        checksum = entry.get("checksum", "")
        assert checksum.startswith("sha256:"), checksum
        assert len(checksum) == len("sha256:") + 64, checksum


@pytest.mark.parametrize("damage", ["truncate", "flip-a-byte", "empty"])
def test_a_corrupt_part_is_recomputed_on_resume(tmp_path, damage):
    assert tiny_run(tmp_path).code == 0
    victim = parts(tmp_path / "out")[0]
    good = pd.read_parquet(victim)
    data = bytearray(victim.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip-a-byte":
        data[len(data) // 2] ^= 0xFF
    else:
        data = bytearray()
    victim.write_bytes(bytes(data))
    result = tiny_run(tmp_path)
    assert result.code == 0, result.err[-1000:]
    assert "1 run(s) done" in result.out, f"the damaged part must be redone: {result.out}"
    assert victim.stem in result.err, f"the rerun must name the damaged part: {result.err}"
    assert pd.read_parquet(victim).equals(good), "the recomputed part must equal the original"
    assert rows_by_run(tmp_path / "out") == {p.stem: MONTHS + 1 for p in parts(tmp_path / "out")}


def test_report_on_a_corrupt_part_is_one_line(tmp_path):
    assert tiny_run(tmp_path).code == 0
    victim = parts(tmp_path / "out")[0]
    victim.write_bytes(victim.read_bytes()[:100])
    result = cli("report", "out", cwd=tmp_path)
    result.assert_clean_error(victim.stem, "rerun")


def test_full_disk_is_one_line(tmp_path):
    """A 4 kB file-size limit makes writes fail (EFBIG) as a full disk does (ENOSPC)."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4000, 4000))

    proc = start(
        "run", "baseline", "-r", "1", "-m", "3", *TINY, "-o", "out", cwd=tmp_path, preexec_fn=limit
    )
    result = finish(proc)
    result.assert_clean_error("out")


@pytest.mark.parametrize("lost", ["manifest.json", "runs.jsonl"])
def test_a_lost_header_or_run_table_is_rebuilt_without_rerunning(tmp_path, lost):
    assert tiny_run(tmp_path).code == 0
    (tmp_path / "out" / lost).unlink()
    result = tiny_run(tmp_path)
    assert result.code == 0, result.err[-1000:]
    assert "2 already done" in result.out, f"the parts on disk are kept: {result.out}"
    manifest = read_run_table(tmp_path / "out")
    assert {e["status"] for e in manifest["runs"].values()} == {"done"}, manifest["runs"]


def test_garbage_in_the_run_table_is_skipped(tmp_path):
    assert tiny_run(tmp_path).code == 0
    with (tmp_path / "out" / "runs.jsonl").open("ab") as handle:
        handle.write(b'\x00\xff not json\n[1, 2]\n{"run_id": 5}\n{"run_id"')
    result = tiny_run(tmp_path, reps=3)
    assert result.code == 0, result.err[-1000:]
    assert "1 run(s) done, 2 already done" in result.out, result.out
    manifest = read_run_table(tmp_path / "out")
    assert len(manifest["runs"]) == 3, list(manifest["runs"])
