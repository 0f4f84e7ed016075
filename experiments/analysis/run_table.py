"""One row per run: its identity, its design inputs and one number per outcome.

The run-level table is what a statistician or an EMA Workbench user wants from a
sweep: no months, one row per (scenario, replication), ready for regression,
feature scoring or a spreadsheet. Each outcome is reduced to one number per run
by :func:`run_statistic`: the value at the last month for running totals
(``cum_*``), else the mean over the last :data:`FINAL_MONTHS` months (less noisy
than one month). Only the columns needed are read from the Parquet parts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis import FINAL_MONTHS, SUMMARY_OUTCOMES
from experiments.errors import InputError

#: Identification columns of the run table, in this order (``point`` only in sweeps).
RUN_IDS = ("run_id", "scenario", "replication", "seed", "point")


def run_statistic(values: pd.Series | np.ndarray, name: str) -> float:
    """One number for one run's monthly series (ordered by month).

    Returns:
        The last value of a ``cum_`` running total, else the mean of the last
        :data:`FINAL_MONTHS` months.
    """
    values = np.asarray(values, dtype=float)
    if name.startswith("cum_"):
        return float(values[-1])
    return float(np.mean(values[-FINAL_MONTHS:]))


def read_columns(folder: str | Path, columns: list[str]) -> pd.DataFrame:
    """Only ``columns`` of every finished run's monthly outcomes (pyarrow dataset)."""
    from experiments.run.storage import ResultStore

    runs = Path(folder) / "runs"
    if not runs.is_dir():
        raise InputError(f"{folder}: no runs/ folder; not an output folder of `uptake`")
    store = ResultStore(folder)
    names = set(store.columns())
    missing = [c for c in columns if c not in names]
    if missing and names:
        import difflib

        close = {m: difflib.get_close_matches(m, sorted(names), n=3) for m in missing}
        raise InputError(f"outcome(s) not in {folder}: {close} (closest names shown)")
    return store.load(columns=list(columns))


def run_table(folder: str | Path, outcomes: list[str] | None = None) -> pd.DataFrame:
    """The run-level table of an output folder.

    Args:
        folder: output folder of ``uptake run/compare/sweep``.
        outcomes: outcome columns (default: :data:`~experiments.analysis.SUMMARY_OUTCOMES`
            present in the results).

    Returns:
        One row per finished run: ``run_id, scenario, replication, seed`` (and
        ``point`` plus the design's input columns for sweeps), then one column per
        outcome (see :func:`run_statistic`), sorted by scenario and replication.
    """
    from experiments.run.storage import ResultStore

    folder = Path(folder)
    names = set(ResultStore(folder).columns())
    ids = [c for c in RUN_IDS if c in names]
    wanted = list(outcomes) if outcomes else [c for c in SUMMARY_OUTCOMES if c in names]
    frame = read_columns(folder, [*ids, "month", *wanted]).sort_values(["run_id", "month"])
    if frame.empty:
        raise InputError(f"{folder}: no finished runs yet")
    grouped = frame.groupby("run_id", sort=False)
    table = grouped[ids[1:]].first()
    for name in wanted:
        table[name] = grouped[name].apply(lambda s, n=name: run_statistic(s, n))
    table = table.reset_index()
    design = folder / "design.csv"
    if "point" in table.columns and design.is_file():
        inputs = pd.read_csv(design).drop(columns=["scenario"], errors="ignore")
        table = table.merge(inputs, on="point", how="left")
        order = [*ids, *[c for c in inputs.columns if c != "point"], *wanted]
        table = table[order]
    return table.sort_values(["scenario", "replication"], ignore_index=True)
