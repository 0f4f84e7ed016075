"""Read a saved experiment folder (``uptake run/compare/sweep --out DIR``) for browsing.

The folder layout is the one written by :mod:`experiments.run.storage`:
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

from dashboards.format import BREAK_RATE
from dashboards.pairs import with_break_rate
from experiments import analysis
from experiments.run.manifest import counts
from experiments.run.storage import BREAKDOWNS, MANIFEST, RUNS, ResultStore

MAX_FIGURES = 24
#: Outcomes in the saved-results table (all written by every run).
TABLE_OUTCOMES = (
    "frac_covered_any",
    "frac_covered_pension",
    "frac_covered_medical",
    "new_breaks_real",
    BREAK_RATE,
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


def _within(root: Path, relative: Path) -> Path:
    """``root / relative`` if every step stays under ``root`` and none is a symbolic link.

    Raises:
        ValueError: the path leaves ``root`` or passes through a link (the message does
            not say whether anything exists there).
    """
    if relative.is_absolute() or ".." in relative.parts:
        raise ValueError(f"only folders under {root}/ can be opened (no absolute paths, no ..)")
    path = root
    for part in relative.parts:
        path = path / part
        if path.is_symlink():
            raise ValueError(f"{path} is a symbolic link: only real folders under {root}/ open")
    return path


def find_folders(root: str | Path, depth: int = 3) -> list[Path]:
    """Folders under ``root`` (down to ``depth`` levels, links not followed) with a manifest."""
    root = Path(root)
    if not root.is_dir() or root.is_symlink():
        return []
    found = []
    for level in range(depth + 1):
        pattern = "/".join(["*"] * level + [MANIFEST])
        for p in root.glob(pattern):
            try:
                _within(root, p.relative_to(root))
            except ValueError:
                continue
            if p.is_file():
                found.append(p.parent)
    return sorted(set(found))


def load(folder: str | Path, root: str | Path) -> Sweep:
    """Load a folder under ``root``: manifest, finished runs, breakdowns and figures.

    Args:
        folder: the folder, relative to ``root`` (a leading ``root/`` is accepted).
        root: the only place folders are opened from; links are never followed.
    """
    root = Path(root)
    text = str(folder).strip()
    if not text:
        raise ValueError(f"Enter a folder under {root}/ (one holding {MANIFEST}).")
    relative = Path(text)
    if relative.parts[: len(root.parts)] == root.parts:
        relative = Path(*relative.parts[len(root.parts) :])
    path = _within(root, relative)
    if not path.is_dir() or not (path / MANIFEST).is_file():
        raise ValueError(f"{path} is not a saved results folder (no {MANIFEST})")
    links = [p for p in path.rglob("*") if p.is_symlink()]
    if links:
        raise ValueError(f"{path} holds symbolic links ({links[0].name}...): not opened")
    store = ResultStore(path)
    manifest = store.read_manifest()
    if manifest is None:
        raise ValueError(f"{path} has no {MANIFEST}: not an `uptake` results folder")
    outcomes = store.load(RUNS)
    if outcomes.empty:
        raise ValueError(f"{path} has no finished runs yet (no {RUNS}/*.parquet parts)")
    if {"new_breaks", "n_covered_any"} <= set(outcomes.columns):
        outcomes = with_break_rate(outcomes)
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
                    "column": outcome,
                    "replications": v.size,
                    "mean": float(v.mean()),
                    "q05": float(np.quantile(v, 0.05)),
                    "q95": float(np.quantile(v, 0.95)),
                }
            )
    return pd.DataFrame(rows)
