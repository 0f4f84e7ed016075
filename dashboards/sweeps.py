"""Read a saved experiment folder (``uptake run/compare/sweep --out DIR``) for browsing.

The folder layout is the one written by :mod:`experiments.storage`:
``manifest.json``, ``runs/<run_id>.parquet`` (monthly outcomes), and
``breakdowns/<run_id>.parquet``; figures are any ``*.png`` in the folder (e.g. from
``uptake report``). Problems (no folder, no manifest, no finished runs, bad JSON)
raise ``ValueError`` with a message naming the path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments import analysis
from experiments.manifest import counts
from experiments.storage import BREAKDOWNS, MANIFEST, RUNS, ResultStore

MAX_FIGURES = 24
#: Outcomes in the saved-results table (all written by every run).
TABLE_OUTCOMES = (
    "frac_covered_any",
    "frac_covered_pension",
    "frac_covered_medical",
    "new_breaks_real",
    "new_disputes_real",
    "n_inspections_real",
    "subsidy_spending_yuan",
)


@dataclass(frozen=True, eq=False)
class Sweep:
    """A saved experiment folder, loaded."""

    folder: Path
    manifest: dict[str, Any]
    outcomes: pd.DataFrame
    breakdowns: pd.DataFrame
    figures: tuple[Path, ...]

    @property
    def scenarios(self) -> list[str]:
        """Scenario names in the order they appear in the results."""
        return list(dict.fromkeys(self.outcomes["scenario"]))


def find_folders(root: str | Path, depth: int = 3) -> list[Path]:
    """Folders under ``root`` (down to ``depth`` levels) holding a ``manifest.json``."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = []
    for level in range(depth + 1):
        pattern = "/".join(["*"] * level + [MANIFEST])
        found.extend(p.parent for p in root.glob(pattern) if p.is_file())
    return sorted(set(found))


def load(folder: str | Path) -> Sweep:
    """Load the manifest, finished runs, breakdowns and figures of ``folder``."""
    path = Path(str(folder).strip()).expanduser()
    if not str(folder).strip():
        raise ValueError("Enter the path of a results folder (one holding manifest.json).")
    if not path.is_dir():
        raise ValueError(f"{path} is not a folder")
    store = ResultStore(path)
    manifest = store.read_manifest()
    if manifest is None:
        raise ValueError(f"{path} has no {MANIFEST}: not an `uptake` results folder")
    outcomes = store.load(RUNS)
    if outcomes.empty:
        raise ValueError(f"{path} has no finished runs yet (no {RUNS}/*.parquet parts)")
    figures = sorted(p for p in path.rglob("*.png") if not p.name.startswith("."))
    return Sweep(path, manifest, outcomes, store.load(BREAKDOWNS), tuple(figures[:MAX_FIGURES]))


def overview(sweep: Sweep) -> list[tuple[str, str]]:
    """What the folder holds, as (label, value) rows."""
    m = sweep.manifest
    exp = m.get("experiment", {})
    git = m.get("git", {})
    status = counts(m) if "runs" in m else {}
    dirty = " (uncommitted changes)" if git.get("dirty") else ""
    commit = str(git.get("commit", "?"))[:10] + dirty
    rows = [
        ("Folder", str(sweep.folder)),
        ("Kind", str(exp.get("kind", "?"))),
        ("Scenarios", ", ".join(sweep.scenarios)),
        ("Replications", str(exp.get("replications", "?"))),
        ("Months", str(exp.get("months", "?"))),
        ("Workers per run", str(exp.get("workers") or "model default")),
        ("Root seed", str(exp.get("root_seed", "?"))),
        ("Runs", ", ".join(f"{k}: {v}" for k, v in status.items())),
        ("Created", str(m.get("created", "?"))),
        ("Git commit", commit),
        ("Command", str(m.get("command", "")) or "-"),
    ]
    return rows


def final_table(sweep: Sweep) -> pd.DataFrame:
    """Per scenario: last-12-month mean of key outcomes, and the 5-95% band over replications."""
    present = [c for c in TABLE_OUTCOMES if c in sweep.outcomes.columns]
    window = analysis.final_window(sweep.outcomes)
    per_rep = window.groupby(["scenario", "replication"], sort=False)[present].mean()
    rows = []
    for name in sweep.scenarios:
        values = per_rep.loc[name]
        for outcome in present:
            v = values[outcome].to_numpy()
            rows.append(
                {
                    "scenario": name,
                    "outcome": outcome,
                    "unit": analysis.unit(outcome),
                    "replications": v.size,
                    "mean": float(v.mean()),
                    "q05": float(np.quantile(v, 0.05)),
                    "q95": float(np.quantile(v, 0.95)),
                }
            )
    return pd.DataFrame(rows)
