"""Fault injection, sizes: too-large experiments are refused before memory is allocated.

Each case runs the ``uptake`` entry point in a child process whose address space is
capped (``RLIMIT_AS``), so a size checked only after allocation shows up as a
``MemoryError`` traceback or a killed child instead of filling the machine.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from faults_support import SINGLE_THREAD

#: Address-space cap of the child (bytes): enough to import numpy, pandas and the model.
MEMORY_CAP = 3 * 2**30

CHILD = r"""
import json, resource, sys, io, contextlib, os
from importlib.metadata import entry_points
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
(entry,) = entry_points(group="console_scripts", name="uptake")
main = entry.load()
results = {{}}
for label, folder, argv in json.loads(sys.argv[1]):
    os.chdir(folder)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
        except BaseException as exc:
            code = "exception " + repr(exc)[:300]
    results[label] = {{"code": code, "err": err.getvalue()[-2000:]}}
print(json.dumps(results))
"""

LHS_HUGE = (
    'name = "huge"\ndesign = "lhs"\nsamples = 200000000\n'
    "[parameters]\nturnover_per_year = [0.2, 0.4]\n"
)
FACTORIAL_HUGE = (
    'name = "huge"\ndesign = "factorial"\nlevels = 2000\n[parameters]\n'
    "turnover_per_year = [0.2, 0.4]\ncost_sensitivity = [0.5, 1.5]\nrisk_targeting = [0.1, 0.5]\n"
)
#: label -> (command line, sweep file or None, words the message must hold)
CASES = {
    "replications": (["run", "baseline", "-r", "100000000", "-m", "2"], None, ["runs"]),
    "months": (["run", "baseline", "-r", "1", "-m", "1000000000"], None, ["months"]),
    "lhs samples": (["sweep", "sw.toml"], LHS_HUGE, ["points"]),
    "factorial levels": (["sweep", "sw.toml"], FACTORIAL_HUGE, ["points"]),
}


@pytest.fixture(scope="module")
def capped_results(tmp_path_factory) -> dict:
    """Every case in one memory-capped child (one interpreter start for all four)."""
    import os

    jobs = []
    for label, (argv, sweep, _) in CASES.items():
        folder = tmp_path_factory.mktemp(label.replace(" ", "-"))
        if sweep:
            (folder / "sw.toml").write_text(sweep, encoding="utf-8")
        jobs.append((label, str(folder), [*argv, "-o", "out", "--no-progress"]))
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(cap=MEMORY_CAP), json.dumps(jobs)],
        env={**os.environ, **SINGLE_THREAD},
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = done.stdout.strip().splitlines()
    assert lines, f"child died (exit {done.returncode}): {done.stderr[-1000:]}"
    results = json.loads(lines[-1])
    for label, folder, _ in jobs:
        results[label]["folder"] = folder
    return results


@pytest.mark.parametrize("label", list(CASES))
def test_size_refused_before_allocation_with_the_limit(capped_results, label):
    from pathlib import Path

    result, words = capped_results[label], CASES[label][2]
    err = result["err"]
    assert result["code"] == 2, f"{label}: want exit 2, got {result['code']!r}; stderr {err}"
    last = err.strip().splitlines()[-1]
    assert "at most" in last, f"{label}: the message must state the limit: {last}"
    for word in words:
        assert word in last, f"{label}: {word!r} missing from {last!r}"
    assert not (Path(result["folder"]) / "out" / "runs").exists(), f"{label}: nothing may run"
