"""Process-level faults of the reliability audit, run through the real ``uptake`` command.

kill -9 and Ctrl-C then resume, a pool worker killed mid-sweep, the parent killed
with a process pool running, truncated and garbled result parts, the modes of the
output files, a full disk (a file-size limit), Dask's scratch folder, and concurrent
writers into one output folder. Each check returns counts of what went wrong.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

TINY = ["-w", "400", "-p", "burn_in_months=6", "--no-progress"]
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def uptake_command() -> list[str]:
    """The ``uptake`` console script next to this Python."""
    script = Path(sys.executable).parent / "uptake"
    return [str(script)] if script.exists() else [sys.executable, "-m", "experiments.cli"]


def start(
    args: list[str], cwd: Path, preexec=None, umask: int | None = None, env: dict | None = None
) -> subprocess.Popen:
    """Start ``uptake ARGS`` in ``cwd``; stdout and stderr are captured."""

    def setup() -> None:
        if umask is not None:
            os.umask(umask)
        if preexec is not None:
            preexec()

    return subprocess.Popen(
        [*uptake_command(), *args],
        cwd=cwd,
        env={**ENV, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=setup,
    )


def finish(proc: subprocess.Popen, timeout: float = 300) -> tuple[int, str, str]:
    """Wait for a started command: (exit code, stdout, stderr)."""
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def uptake(args: list[str], cwd: Path, **kw) -> tuple[int, str, str]:
    """Run ``uptake ARGS`` to the end."""
    return finish(start(args, cwd, **kw))


def parts(out: Path) -> list[Path]:
    """The finished outcome parts of a folder."""
    folder = out / "runs"
    return (
        sorted(p for p in folder.rglob("*.parquet") if not p.name.startswith("."))
        if folder.is_dir()
        else []
    )


def wait_for_parts(out: Path, n: int, proc: subprocess.Popen, timeout: float = 120) -> bool:
    """Wait until ``n`` parts exist (or the process ended)."""
    t0 = time.time()
    while time.time() - t0 < timeout and proc.poll() is None:
        if len(parts(out)) >= n:
            return True
        time.sleep(0.05)
    return False


def row_faults(out: Path, months: int, runs: int) -> Counter:
    """Lost and duplicated rows: every run must have months + 1 rows, once."""
    import pandas as pd

    c = Counter()
    frames = []
    for p in parts(out):
        try:
            frames.append(pd.read_parquet(p))
        except Exception:
            c["unreadable parts"] += 1
    frame = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["run_id", "month"])
    )
    c["duplicated rows"] += int(frame.duplicated(["run_id", "month"]).sum())
    c["lost rows"] += max(0, runs * (months + 1) - len(frame.drop_duplicates(["run_id", "month"])))
    return c


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux /proc)."""
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError):
                kids = {int(k) for k in (task / "children").read_text().split()}
                todo.extend(kids - found)
                found |= kids
    return found


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def check_kill_resume(work: Path, sig: int, executor: str) -> Counter:
    """Interrupt a run after two parts, resume it, compare with an uninterrupted run."""
    import pandas as pd

    c = Counter()
    args = ["run", "baseline", "-r", "6", "-m", "14", *TINY, "-x", executor]
    if executor == "processes":
        args += ["-j", "2", "--chunk-size", "1"]
    proc = start([*args, "-o", "cut"], work)
    wait_for_parts(work / "cut", 2, proc)
    kids = descendants(proc.pid)
    proc.send_signal(sig)
    proc.wait(timeout=60)  # not communicate(): orphans may hold the pipes open
    time.sleep(3)
    left = [k for k in kids if alive(k)]
    c["processes left after kill -9"] += len(left) if sig == signal.SIGKILL else 0
    for k in left:
        with contextlib.suppress(OSError):
            os.kill(k, signal.SIGKILL)
    _, _, err = finish(proc)
    if "Traceback" in err and sig == signal.SIGINT:
        c["interrupt tracebacks"] += 1
    code, _, err = uptake([*args, "-o", "cut"], work)
    if code != 0:
        c["resume failed"] += 1
    c.update(row_faults(work / "cut", 14, 6))
    code, _, _ = uptake([*args, "-o", "whole"], work)
    a = pd.concat([pd.read_parquet(p) for p in parts(work / "cut")]).sort_values(
        ["run_id", "month"]
    )
    b = pd.concat([pd.read_parquet(p) for p in parts(work / "whole")]).sort_values(
        ["run_id", "month"]
    )
    if not a.reset_index(drop=True).equals(b.reset_index(drop=True)):
        c["resumed results differ"] += 1
    return c


def check_dead_worker(work: Path) -> Counter:
    """Kill one pool worker mid-run: only its runs may fail, and they should be retried."""
    c = Counter()
    proc = start(
        [
            "run",
            "baseline",
            "-r",
            "12",
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
            "o",
        ],
        work,
    )
    wait_for_parts(work / "o", 1, proc)
    workers = [k for k in descendants(proc.pid) if "resource_tracker" not in _cmdline(k)]
    if workers:
        os.kill(max(workers), signal.SIGKILL)
    _, out, err = finish(proc)
    failed = _failed_count(out)
    c["runs failed by one dead worker"] += failed
    if "Traceback" in err:
        c["dead-worker tracebacks"] += 1
    return c


def _cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


def _failed_count(stdout: str) -> int:
    import re

    m = re.search(r"(\d+) failed", stdout)
    return int(m.group(1)) if m else 0


def check_corrupt(work: Path) -> Counter:
    """Truncate and garble finished parts; the rerun must recompute them, report must work."""
    c = Counter()
    args = ["run", "baseline", "-r", "3", "-m", "14", *TINY, "-o", "o"]
    uptake(args, work)
    first, second = parts(work / "o")[:2]
    data = first.read_bytes()
    first.write_bytes(data[: len(data) // 2])
    garbled = bytearray(second.read_bytes())
    garbled[len(garbled) // 2] ^= 0xFF
    second.write_bytes(bytes(garbled))
    _, _, err = uptake(args, work)
    if "Traceback" in err:
        c["corrupt-part tracebacks"] += 1
    c.update(row_faults(work / "o", 14, 3))
    code, _, err = uptake(["report", "o"], work)
    if code != 0:
        c["report fails after corrupt part"] += 1
    if first.read_bytes() == data[: len(data) // 2]:
        c["truncated part kept"] += 1
    if second.read_bytes() == bytes(garbled):
        c["garbled part kept"] += 1
    return c


def check_modes(work: Path) -> Counter:
    """Files follow the umask: 0644 under umask 022, 0600 under 077."""
    c = Counter()
    for umask, want in ((0o022, 0o644), (0o077, 0o600)):
        out = f"m{umask:o}"
        uptake(
            ["run", "baseline", "-r", "1", "-m", "3", *TINY, "-o", out, "--report"],
            work,
            umask=umask,
        )
        uptake(["export", out], work, umask=umask)
        files = [p for p in (work / out).rglob("*") if p.is_file()]
        wrong = [p for p in files if p.stat().st_mode & 0o777 != want]
        c[f"files not {want:o} under umask {umask:03o}"] += len(wrong)
    return c


def check_disk_full(work: Path) -> Counter:
    """A file-size limit makes every write fail, like a full disk: no traceback."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4000, 4000))

    _, _, err = uptake(
        ["run", "baseline", "-r", "1", "-m", "3", *TINY, "-o", "o"], work, preexec=limit
    )
    return Counter({"disk-full tracebacks": int("Traceback" in err)})


def check_dask_scratch(work: Path) -> Counter:
    """A Dask LocalCluster run leaves no scratch folder behind (temp folder: ``work/tmp``)."""
    tmp = work / "tmp"
    tmp.mkdir()
    args = ["run", "baseline", "-r", "1", "-m", "3", *TINY, "-x", "dask", "-j", "1", "-o", "o"]
    code, _, _ = uptake(args, work, env={"TMPDIR": str(tmp)})
    c = Counter({"dask run failed": int(code != 0)})
    c["dask scratch folders left"] = len(list(work.rglob("dask-scratch-space*")))
    return c


def audit_faults(verbose: bool = False) -> dict:
    """Every process-level check; counts per fault."""
    counts: Counter = Counter()
    checks = [
        ("kill -9 serial", lambda w: check_kill_resume(w, signal.SIGKILL, "serial")),
        ("Ctrl-C serial", lambda w: check_kill_resume(w, signal.SIGINT, "serial")),
        ("kill -9 processes", lambda w: check_kill_resume(w, signal.SIGKILL, "processes")),
        ("dead worker", check_dead_worker),
        ("corrupt parts", check_corrupt),
        ("file modes", check_modes),
        ("disk full", check_disk_full),
        ("dask scratch", check_dask_scratch),
    ]
    rows = {}
    for name, check in checks:
        with tempfile.TemporaryDirectory(prefix="uptake-audit-") as tmp:
            t0 = time.time()
            try:
                found = check(Path(tmp))
            except Exception as exc:
                found = Counter({f"audit check crashed ({name})": 1})
                print(f"  {name}: {exc!r}", flush=True)
            rows[name] = dict(found)
            counts.update(found)
            print(f"  {name} ({time.time() - t0:.0f} s): {dict(+found) or 'ok'}", flush=True)
    for key in list(counts):
        counts[key] += 0
    return {"counts": dict(counts), "rows": rows}


def audit_concurrent(trials: int, verbose: bool = False) -> dict:
    """Two writers into one folder at once, ``trials`` times; what the folder holds after."""
    import pandas as pd

    from experiments.run.storage import ResultStore

    c: Counter = Counter()
    rows = []
    for trial in range(trials):
        with tempfile.TemporaryDirectory(prefix="uptake-audit-") as tmp:
            work = Path(tmp)
            if trial % 2 == 0:
                a = ["run", "baseline", "-r", "3", "-m", "12", *TINY, "-o", "o"]
                b = ["run", "baseline", "-r", "3", "-m", "24", *TINY, "-o", "o"]
            else:
                a = ["compare", "baseline", "enforcement", "-r", "3", "-m", "14", *TINY, "-o", "o"]
                b = ["compare", "baseline", "publicity", "-r", "3", "-m", "14", *TINY, "-o", "o"]
            procs = [start(a, work), start(b, work)]
            results = [finish(p) for p in procs]
            trial_faults = Counter()
            for code, _, err in results:
                if "Traceback" in err:
                    trial_faults["concurrent crashes"] += 1
                elif code not in (0, 2):
                    trial_faults["concurrent writers with failed runs"] += 1
            refused = sum(code == 2 for code, _, _ in results)
            trial_faults["writers that both finished (in turn)"] += int(refused == 0)
            manifest = {}
            with contextlib.suppress(OSError, ValueError):  # header + run table (runs.jsonl)
                manifest = ResultStore(work / "o").read_manifest() or {}
            specs = (
                {k: v.get("spec", {}) for k, v in manifest.get("runs", {}).items()}
                if isinstance(manifest, dict)
                else {}
            )
            months = set()
            for p in parts(work / "o"):
                try:
                    n = len(pd.read_parquet(p)) - 1
                except Exception:
                    trial_faults["unreadable parts"] += 1
                    continue
                months.add(n)
                want = specs.get(p.stem, {}).get("months")
                if want is not None and want != n:
                    trial_faults["parts disagree with manifest"] += 1
                status = manifest.get("runs", {}).get(p.stem, {}).get("status") if specs else None
                if status != "done":
                    trial_faults["finished runs not done in manifest"] += 1
            trial_faults["mixed folders"] += int(len(months) > 1)
            c.update(trial_faults)
            rows.append(dict(trial_faults))
            if verbose or +trial_faults:
                print(
                    f"  trial {trial}: {dict(+trial_faults) or 'ok'}",
                    f"exits {[r[0] for r in results]}",
                    flush=True,
                )
    for key in (
        "concurrent crashes",
        "mixed folders",
        "parts disagree with manifest",
        "finished runs not done in manifest",
        "writers that both finished (in turn)",
    ):
        c[key] += 0
    return {"counts": {**dict(c), "concurrent trials": trials}, "rows": rows}
