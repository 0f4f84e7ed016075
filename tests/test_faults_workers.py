"""Fault injection, worker processes: a dead pool worker, a killed parent, Dask scratch.

A worker killed mid-run fails at most its own runs, which are retried once (so a
one-off death loses nothing); killing the main process takes the pool down with it;
a Dask LocalCluster leaves no scratch folder behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import pytest
from faults_support import TINY, finish, parts, start, wait_for


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux /proc)."""
    found, todo = set(), [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            with contextlib.suppress(OSError):
                kids = {int(k) for k in (task / "children").read_text().split()} - found
                found |= kids
                todo.extend(kids)
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def cmdline(pid: int) -> str:
    """A process's command line ('' if gone)."""
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


def pool_args(reps: int) -> list[str]:
    """A run on a pool of two processes, one run per task."""
    return [
        "run",
        "baseline",
        "-r",
        str(reps),
        "-m",
        "14",
        *TINY,
        "-x",
        "processes",
        "-j",
        "2",
        "--chunk-size",
        "1",
        "-o",
        "out",
    ]


@pytest.mark.slow
def test_one_dead_worker_loses_no_run(tmp_path):
    proc = start(*pool_args(6), cwd=tmp_path)
    assert wait_for(lambda: len(parts(tmp_path / "out")) >= 1, proc), "the pool never started"
    workers = [p for p in descendants(proc.pid) if "resource_tracker" not in cmdline(p)]
    assert workers, "no pool worker found"
    os.kill(workers[-1], signal.SIGKILL)
    result = finish(proc)
    assert result.code == 0, f"a one-off worker death must be retried: {result.out}{result.err}"
    assert "0 failed" in result.out, result.out
    assert len(parts(tmp_path / "out")) == 6


@pytest.mark.slow
def test_killing_the_parent_takes_the_pool_down(tmp_path):
    proc = start(*pool_args(40), cwd=tmp_path)
    assert wait_for(lambda: len(parts(tmp_path / "out")) >= 1, proc), "the pool never started"
    children = descendants(proc.pid)
    assert children, "no pool processes found"
    proc.kill()
    finish(proc)
    try:
        gone = wait_for(lambda: not any(alive(p) for p in children), timeout=15)
        left = {p: cmdline(p)[:80] for p in children if alive(p)}
        assert gone, f"processes outlived their parent: {left}"
    finally:
        for p in children:
            if alive(p):
                with contextlib.suppress(OSError):
                    os.kill(p, signal.SIGKILL)


@pytest.mark.slow
def test_dask_local_cluster_leaves_no_scratch_folder(tmp_path):
    scratch_root = tmp_path / "tmp"
    scratch_root.mkdir()
    proc = start(
        "run",
        "baseline",
        "-r",
        "1",
        "-m",
        "3",
        *TINY,
        "-x",
        "dask",
        "-j",
        "1",
        "-o",
        "out",
        cwd=tmp_path,
        env={"TMPDIR": str(scratch_root)},
    )
    result = finish(proc, timeout=180)
    assert result.code == 0, result.err[-2000:]
    time.sleep(0.5)
    left = [str(p) for p in tmp_path.rglob("dask-scratch-space*")]
    assert left == [], f"Dask scratch left behind: {left}"
