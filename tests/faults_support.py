"""Helpers of the fault-injection tests: the ``uptake`` command in-process or as a process.

The command is reached through its console-script entry point, so the tests follow
the command wherever its code lives.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

#: Tiny runs: 300 agents, a short burn-in, no progress bar.
TINY = ["-w", "300", "-p", "burn_in_months=6", "--no-progress"]
SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass
class Outcome:
    """Exit code and output of one command."""

    code: int
    out: str
    err: str

    @property
    def message(self) -> str:
        """The last non-empty line of stderr (the error message)."""
        lines = [line for line in self.err.strip().splitlines() if line.strip()]
        return lines[-1] if lines else ""

    def assert_clean_error(self, *words: str) -> None:
        """Exit 2 with a one-line ``error:`` message that names each of ``words``."""
        assert "Traceback" not in self.err, f"traceback instead of a message:\n{self.err}"
        assert self.code == 2, f"exit {self.code}, want 2; stderr:\n{self.err[-2000:]}"
        assert "error:" in self.message, f"last line is not an error message: {self.message!r}"
        for word in words:
            assert word.lower() in self.message.lower(), f"{word!r} not in {self.message!r}"


def uptake_main():
    """The function behind the ``uptake`` console script."""
    (entry,) = entry_points(group="console_scripts", name="uptake")
    return entry.load()


def cli(*argv: str, cwd: Path | None = None) -> Outcome:
    """Run ``uptake ARGV`` in this process (in ``cwd``); exceptions propagate."""
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = int(uptake_main()(list(argv)) or 0)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        os.chdir(old)
    return Outcome(code, out.getvalue(), err.getvalue())


def uptake_command() -> list[str]:
    """The ``uptake`` script next to this Python."""
    script = Path(sys.executable).parent / "uptake"
    assert script.exists(), f"no uptake script at {script}; run `make setup`"
    return [str(script)]


def start(*argv: str, cwd: Path, **kw) -> subprocess.Popen:
    """Start ``uptake ARGV`` as a process with single-threaded BLAS."""
    env = {**os.environ, **SINGLE_THREAD, **kw.pop("env", {})}
    return subprocess.Popen(
        [*uptake_command(), *argv],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def finish(proc: subprocess.Popen, timeout: float = 120) -> Outcome:
    """Wait for a started command."""
    out, err = proc.communicate(timeout=timeout)
    return Outcome(proc.returncode, out, err)


def parts(out: Path) -> list[Path]:
    """The finished outcome parts of an output folder."""
    folder = out / "runs"
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.rglob("*.parquet") if not p.name.startswith(".")),
        key=lambda p: p.name,
    )


def wait_for(condition, proc: subprocess.Popen | None = None, timeout: float = 60) -> bool:
    """Poll ``condition()`` every 20 ms until true, the process ends or time is up."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if condition():
            return True
        if proc is not None and proc.poll() is not None:
            return condition()
        time.sleep(0.02)
    return False


def rows_by_run(out: Path) -> dict[str, int]:
    """Rows of each finished part (run id -> rows)."""
    import pandas as pd

    return {p.stem: len(pd.read_parquet(p)) for p in parts(out)}


def read_run_table(out: Path) -> dict:
    """The manifest with its runs (as every reader sees it), checking the run table.

    Every run must be planned exactly once in ``runs.jsonl`` (a resume never
    duplicates or drops a plan line). Lines cut short by a killed writer may stay
    (sealed with a newline); they must not run into the next line.
    """
    import json
    from collections import Counter

    from experiments.run.storage import ResultStore

    lines = (out / "runs.jsonl").read_text(encoding="utf-8", errors="replace").splitlines()
    records = []
    for i, text in enumerate(lines):
        try:
            records.append(json.loads(text))
        except ValueError:
            assert text.count('"run_id"') <= 1, f"line {i + 1} swallowed the next one: {text}"
    planned = Counter(r["run_id"] for r in records if isinstance(r, dict) and "spec" in r)
    twice = sorted(k for k, n in planned.items() if n > 1)
    assert not twice, f"runs planned twice in runs.jsonl: {twice}"
    manifest = ResultStore(out).read_manifest()
    assert set(planned) == set(manifest["runs"]), "every run in the manifest has a plan line"
    return manifest
