"""Reliability audit: bad inputs, kills, concurrent writers and corrupt files, counted.

Usage::

    .venv/bin/python tools/audit.py                 # everything, 26 concurrent trials
    .venv/bin/python tools/audit.py --trials 4 --only cli,api
    .venv/bin/python tools/audit.py --json audit.json

Bad CLI inputs run through the ``uptake`` console-script entry point, each in a forked
child (imports are paid once) with its own working folder, a memory limit
(``--memory-gb``) and a time limit; a child that dies, runs out of memory or time on
a size that should have been refused counts as an unchecked size. The process-level
faults (kill -9, Ctrl-C, concurrent writers, corrupt parts, file modes, a dead pool
worker) start the real ``uptake`` command (``tools/audit_faults.py``).

Printed counts per class: tracebacks, silently accepted nonsense, unchecked sizes,
refused valid input, mixed folders, lost and duplicated rows, crashes of concurrent
writers, owner-only files, and the rest the fault checks report. The exit status is
0 when every fault count is 0 (the numbers of cases and trials, and writers that ran
one after the other, are not faults).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import audit_api
import audit_cases
import audit_faults

for _key in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_key, "1")


def uptake_main():
    """The function behind the ``uptake`` console script (wherever the code puts it)."""
    from importlib.metadata import entry_points

    (entry,) = entry_points(group="console_scripts", name="uptake")
    return entry.load()


def _write_files(root: Path, files: dict) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _child(main, argv: list[str], out_path: Path, err_path: Path, memory_gb: float) -> None:
    limit = int(memory_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
    code = 1
    try:
        code = int(main(argv) or 0)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def run_case(main, case, memory_gb: float, timeout: float) -> dict:
    """Run one CLI case in a forked child; classify what happened."""
    with tempfile.TemporaryDirectory(prefix="uptake-audit-") as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        _write_files(work, case.files)
        out_path, err_path = Path(tmp) / "stdout", Path(tmp) / "stderr"
        sys.stdout.flush()
        sys.stderr.flush()
        started = time.perf_counter()
        pid = os.fork()
        if pid == 0:  # child
            os.chdir(work)
            _child(main, case.argv, out_path, err_path, memory_gb)
        status = None
        while time.perf_counter() - started < timeout:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.05)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        seconds = time.perf_counter() - started
        stderr = err_path.read_text(errors="replace") if err_path.exists() else ""
        stdout = out_path.read_text(errors="replace") if out_path.exists() else ""
        escaped = _escapes(Path(tmp))
    code = None
    if status is not None and os.WIFEXITED(status):
        code = os.WEXITSTATUS(status)
    verdict = classify(case, code, stdout, stderr, seconds >= timeout)
    if escaped:
        verdict = "path escape"
    last = [line for line in stderr.strip().splitlines() if line.strip()]
    return {
        "label": case.label,
        "verdict": verdict,
        "code": code,
        "seconds": round(seconds, 2),
        "message": (last[-1] if last else "")[:300],
    }


def _escapes(tmp: Path) -> bool:
    """Whether a case wrote outside its working folder (next to it, or at a fixed path)."""
    found = any(p.name not in ("work", "stdout", "stderr") for p in tmp.iterdir())
    for target in (Path("/tmp/uptake-audit-X"), Path("/X"), Path("/tmp/X")):
        if target.exists():
            found = True
            with contextlib.suppress(OSError):
                shutil.rmtree(target) if target.is_dir() else target.unlink()
    return found


def classify(case, code: int | None, stdout: str, stderr: str, timed_out: bool) -> str:
    """``clean``, ``traceback``, ``accepted nonsense``, ``unchecked size``, ``refused valid``..."""
    if case.expect == "help":
        return "clean" if code == 0 and "%%" not in stdout else "help text wrong"
    if timed_out or code is None or "MemoryError" in stderr:
        return "unchecked size" if case.size or timed_out or code is None else "traceback"
    if "Traceback (most recent call last)" in stderr:
        return "unchecked size" if case.size and "MemoryError" in stderr else "traceback"
    if case.expect == "ok":
        return "clean" if code == 0 else "refused valid"
    if code == 0:
        return "accepted nonsense"
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    if code == 2 and lines and "error:" in lines[-1]:
        return "clean"
    return f"exit {code}"


def audit_cli(memory_gb: float, timeout: float, verbose: bool) -> tuple[Counter, list[dict]]:
    """Every CLI case; counts per verdict and the rows."""
    main = uptake_main()
    from experiments.cli import build_parser  # noqa: F401  (pre-import the command modules)

    rows = []
    for case in audit_cases.all_cases():
        row = run_case(main, case, memory_gb, timeout)
        rows.append(row)
        if verbose or row["verdict"] != "clean":
            print(f"  [{row['verdict']}] {row['label']}: {row['message'][:160]}", flush=True)
    return Counter(r["verdict"] for r in rows), rows


def main(argv: list[str] | None = None) -> int:
    """Run the audit and print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=26, help="concurrent-writer trials")
    parser.add_argument("--only", default="cli,api,faults,concurrent", help="sections to run")
    parser.add_argument("--memory-gb", type=float, default=3.0, help="memory limit per case")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds per CLI case")
    parser.add_argument("--json", type=Path, help="write every row to this file")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    sections = set(args.only.split(","))
    totals: dict[str, dict] = {}
    started = time.perf_counter()
    if "cli" in sections:
        print("== bad CLI inputs", flush=True)
        counts, rows = audit_cli(args.memory_gb, args.timeout, args.verbose)
        totals["cli"] = {"counts": dict(counts), "cases": len(rows), "rows": rows}
    if "api" in sections:
        print("== bad API inputs", flush=True)
        counts, rows = audit_api.audit(args.verbose)
        totals["api"] = {"counts": dict(counts), "cases": len(rows), "rows": rows}
    if "faults" in sections:
        print("== kill, interrupt, corrupt files, file modes, dead workers", flush=True)
        totals["faults"] = audit_faults.audit_faults(args.verbose)
    if "concurrent" in sections:
        print(f"== concurrent writers ({args.trials} trials)", flush=True)
        totals["concurrent"] = audit_faults.audit_concurrent(args.trials, args.verbose)
    summary = summarise(totals)
    print("\n== counts")
    for key, value in summary.items():
        print(f"{key:>34}: {value}")
    print(f"({time.perf_counter() - started:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, **totals}, indent=1, default=str))
    info = ("cases", "trials", "(in turn)")  # sizes of the audit, and not faults
    bad = {k: v for k, v in summary.items() if not k.endswith(info)}
    return 0 if not any(bad.values()) else 1


def summarise(totals: dict) -> dict[str, int]:
    """The headline counts per fault class."""
    out: dict[str, int] = {}
    if "cli" in totals:
        c = totals["cli"]["counts"]
        out["bad CLI cases"] = totals["cli"]["cases"]
        out["CLI tracebacks"] = c.get("traceback", 0)
        out["CLI accepted nonsense"] = c.get("accepted nonsense", 0)
        out["CLI unchecked sizes"] = c.get("unchecked size", 0)
        out["CLI path escapes"] = c.get("path escape", 0)
        out["CLI refused valid input"] = c.get("refused valid", 0)
        out["CLI other (wrong exit/help)"] = sum(
            v
            for k, v in c.items()
            if k
            not in (
                "clean",
                "traceback",
                "accepted nonsense",
                "unchecked size",
                "path escape",
                "refused valid",
            )
        )
    if "api" in totals:
        c = totals["api"]["counts"]
        out["bad API cases"] = totals["api"]["cases"]
        out["API tracebacks (unhelpful errors)"] = c.get("traceback", 0)
        out["API accepted nonsense"] = c.get("accepted nonsense", 0)
        out["API refused valid input"] = c.get("refused valid", 0)
    if "faults" in totals:
        out.update(totals["faults"]["counts"])
    if "concurrent" in totals:
        out.update(totals["concurrent"]["counts"])
    return out


if __name__ == "__main__":
    sys.exit(main())
