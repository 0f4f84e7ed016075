"""The manifest of an output folder: what was run, with what, and how each run went.

In memory a manifest is one dict: the header (package versions, the git commit and
whether the tree had uncommitted changes, the command line, the experiment: root
seed, seeds, scenario definitions with their full parameters, the sweep design) and
``runs``, one entry per run: its spec, status (``pending``, ``done``, ``failed``),
seconds and error text, and for a finished run the row count and SHA-256 checksum
of its outcome part (verified on resume, :func:`verify_parts`). On disk the header
is ``manifest.json`` and the runs are the appending run table ``runs.jsonl``
(:mod:`experiments.run.journal`); :meth:`ResultStore.read_manifest` joins them.

Rerunning into the same folder merges with the existing manifest: runs already
finished are kept, new runs are added, and a run whose spec changed (other months,
parameters, seed...) is refused, because its old part would no longer match.
"""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from experiments.errors import InputError
from experiments.run.journal import pending as _pending
from experiments.run.single import RunSpec
from experiments.run.storage import SCHEMA, PartInfo, ResultStore, json_normal, sha256

PACKAGES = (
    "uptake",
    "mesa",
    "numpy",
    "pandas",
    "scipy",
    "pyarrow",
    "SALib",
    "dask",
    "distributed",
    "matplotlib",
)
#: The checkout this code runs from (experiments/run/manifest.py -> the repository).
REPOSITORY = Path(__file__).resolve().parents[2]


def now() -> str:
    """The current time, ISO 8601 in UTC."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def versions() -> dict[str, str]:
    """Python and package versions."""
    out = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_state(repo: Path | None = None) -> dict[str, Any]:
    """The commit of the code that ran and whether it had uncommitted changes."""
    repo = repo or REPOSITORY

    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=10
        )
        if done.returncode != 0:
            raise OSError(done.stderr.strip())
        return done.stdout.strip()

    try:
        return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}
    except (OSError, subprocess.SubprocessError) as exc:
        return {"commit": "unknown", "dirty": None, "error": str(exc)[:200]}


def build(experiment_info: dict[str, Any], specs: list[RunSpec], command: str) -> dict[str, Any]:
    """A fresh manifest with every run pending."""
    return {
        "schema": SCHEMA,
        "created": now(),
        "updated": now(),
        "command": command,
        "versions": versions(),
        "git": git_state(),
        "experiment": json_normal(experiment_info),
        "runs": _pending_runs(specs),
    }


#: Spec fields that differ between the replications of a scenario.
_PER_RUN = ("scenario", "replication", "seed", "months", "point")


def _pending_runs(specs: list[RunSpec]) -> dict[str, Any]:
    """``{run_id: {"spec": spec.describe() as JSON reads it back, ...pending}}``, fast.

    The replications of a scenario share one parameter dict and one policy tuple, so
    their JSON form is made once per scenario (not once per run: planning 100,000
    runs of a few scenarios took about 9 s in ``json_normal`` alone).
    """
    shared: dict[tuple[int, int, int], dict[str, Any]] = {}
    runs = {}
    for s in specs:
        key = (id(s.params), id(s.policies), id(s.outputs))
        if key not in shared:
            full = json_normal(s.describe())
            shared[key] = {k: v for k, v in full.items() if k not in _PER_RUN}
        spec = {
            "scenario": s.scenario,
            "replication": s.replication,
            "seed": s.seed,
            "months": s.months,
            "point": s.point,
            **shared[key],
        }
        runs[s.run_id] = {"spec": spec, **_pending()}
    return runs


def merge(old: dict[str, Any], new: dict[str, Any], where: Path) -> dict[str, Any]:
    """Combine an existing manifest with a new one for a resumed or extended experiment.

    Raises:
        InputError: a run id present in both has a different spec, or the
            experiment kind differs.
    """
    old_kind = old.get("experiment", {}).get("kind")
    new_kind = new["experiment"]["kind"]
    if old_kind != new_kind:
        raise InputError(
            f"{where} holds a {old_kind!r} experiment, not a {new_kind!r} one; "
            "choose another --out folder"
        )
    runs = dict(old.get("runs", {}))
    for run_id, entry in new["runs"].items():
        if run_id in runs and runs[run_id].get("spec") != entry["spec"]:
            field = _first_difference(runs[run_id].get("spec", {}), entry["spec"])
            raise InputError(
                f"{where} already holds run {run_id!r} with different settings "
                f"({field}); choose another --out folder or delete this one"
            )
        runs.setdefault(run_id, entry)
    history = [*old.get("history", []), {"time": now(), "command": old.get("command")}]
    merged = {**new, "created": old.get("created", new["created"]), "runs": runs}
    merged["history"] = history[-20:]
    names = list(old.get("experiment", {}).get("scenario_names", []))
    for name in new["experiment"].get("scenario_names", []):
        if name not in names:
            names.append(name)
    merged["experiment"]["scenario_names"] = names
    old_defs = {s["name"]: s for s in old.get("experiment", {}).get("scenarios", [])}
    old_defs.update({s["name"]: s for s in new["experiment"].get("scenarios", [])})
    merged["experiment"]["scenarios"] = list(old_defs.values())
    return merged


def _first_difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            return f"{key}: {_short(old.get(key))} before, {_short(new.get(key))} now"
    return "spec changed"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 80 else text[:77] + "..."


def reconcile(manifest: dict[str, Any], finished: dict[str, PartInfo]) -> list[str]:
    """Mark runs whose (verified) part exists as done, the others as not done.

    The parts are the record of progress: ``finished`` maps each run id whose outcome
    part passed :func:`verify_parts` to its rows and checksum.

    Returns:
        The run ids whose entry changed (their new state must be appended to the
        run table).
    """
    changed = []
    for run_id, entry in manifest["runs"].items():
        if run_id in finished:
            part = finished[run_id]
            before = (entry["status"], entry.get("rows"), entry.get("checksum"))
            if entry["status"] != "done":
                entry.update(status="done", error="")
            entry.update(rows=part.rows, checksum=part.checksum)
            if before != ("done", part.rows, part.checksum):
                changed.append(run_id)
        elif entry["status"] == "done":
            entry.update(status="pending", error="part missing or damaged; will rerun")
            entry.pop("rows", None)
            entry.pop("checksum", None)
            changed.append(run_id)
    return changed


def verify_parts(
    store: ResultStore, manifest: dict[str, Any], present: dict[str, Path]
) -> tuple[dict[str, PartInfo], dict[str, str]]:
    """Check every present outcome part (run id -> path) of a run in ``manifest``.

    A part recorded as done is compared with the checksum in the run table; a part
    not recorded yet (written just before a crash) must be a readable Parquet file
    of ``months + 1`` rows, and its checksum is taken now.

    Returns:
        ``(good, damaged)``: run id -> :class:`PartInfo` for the parts to keep, and
        run id -> the reason for the parts that must be recomputed.
    """
    good: dict[str, PartInfo] = {}
    damaged: dict[str, str] = {}
    for run_id in sorted(present.keys() & manifest["runs"].keys()):
        entry = manifest["runs"][run_id]
        rows = int(entry["spec"].get("months", 0)) + 1
        recorded = entry.get("checksum") if entry.get("status") == "done" else None
        reason = store.check_part(present[run_id], rows, recorded)
        if reason:
            damaged[run_id] = reason
        else:
            good[run_id] = PartInfo(rows, recorded or sha256(present[run_id]))
    return good, damaged


def record(
    manifest: dict[str, Any],
    run_id: str,
    status: str,
    seconds: float,
    error: str,
    part: PartInfo | None = None,
) -> None:
    """Record how one run went (with its part's rows and checksum if it finished)."""
    entry = manifest["runs"][run_id]
    entry.update(status=status, seconds=round(seconds, 3), error=error, finished=now())
    if part is not None:
        entry.update(rows=part.rows, checksum=part.checksum)
    else:
        entry.pop("rows", None)
        entry.pop("checksum", None)


def counts(manifest: dict[str, Any]) -> dict[str, int]:
    """How many runs are done, failed and pending."""
    out = {"done": 0, "failed": 0, "pending": 0}
    for entry in manifest["runs"].values():
        out[entry["status"]] = out.get(entry["status"], 0) + 1
    return out
