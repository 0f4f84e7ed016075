"""Sensitivity indices of a finished sweep, per chosen outcome.

Each run is scored by one number (``statistic``): the outcome averaged over the
last 12 months (``last12``, the default) or its value in the last month
(``final``); replications of a design point are averaged. Then:

* Morris designs: SALib ``morris.analyze`` (``mu``, ``mu_star``, ``sigma``, with
  ``mu_star_conf``);
* Sobol designs: SALib ``sobol.analyze`` (first-order ``S1`` and total ``ST`` with
  confidence half-widths);
* factorial and Latin-hypercube designs: Spearman rank correlation of each factor
  with the score (``rho``, with its p-value as ``conf``): a screening measure, not
  a variance decomposition.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from experiments.analysis.summaries import FINAL_MONTHS
from experiments.errors import InputError
from experiments.run.storage import ResultStore

STATISTICS = ("last12", "final")
#: The index plotted for each method (and listed first).
MAIN_INDEX = {"morris": "mu_star", "sobol": "ST", "lhs": "rho", "factorial": "rho"}


def scores(outcomes: pd.DataFrame, outcome: str, statistic: str = "last12") -> pd.Series:
    """One number per design point: the run statistic averaged over replications."""
    if statistic not in STATISTICS:
        raise InputError(f"--statistic {statistic!r} unknown; allowed: {list(STATISTICS)}")
    if outcome not in outcomes.columns:
        raise InputError(f"--outcome {outcome!r} is not an outcome column; see `uptake params`")
    last = outcomes.groupby("run_id")["month"].transform("max")
    first = last - (FINAL_MONTHS - 1 if statistic == "last12" else 0)
    window = outcomes[(outcomes["month"] >= first.clip(lower=1)) & (outcomes["month"] <= last)]
    per_run = window.groupby(["point", "run_id"])[outcome].mean()
    return per_run.groupby("point").mean()


def analyse(
    folder: str, outcomes_wanted: list[str] | None = None, statistic: str = "last12"
) -> pd.DataFrame:
    """Sensitivity indices for each outcome of the sweep in ``folder``.

    Returns:
        Long frame: ``outcome, factor, method, index, value, conf``.

    Raises:
        InputError: not a sweep, or Morris/Sobol points missing (rerun to finish).
    """
    store = ResultStore(folder)
    manifest = store.read_manifest()
    design = (manifest or {}).get("experiment", {}).get("design")
    if not design:
        raise InputError(f"{folder}: not a sweep folder (no design in manifest.json)")
    method = design["method"]
    wanted = outcomes_wanted or design.get("outcomes") or ["frac_covered_pension"]
    available = store.columns()
    read = [c for c in available if c in {"run_id", "point", "month", *wanted}]
    outcomes = store.load(columns=read) if available else pd.DataFrame()
    if outcomes.empty:
        raise InputError(f"{folder}: no finished runs yet")
    problem = design["problem"]
    matrix = np.asarray(design["matrix"], dtype=float)
    rows = []
    for outcome in wanted:
        y = scores(outcomes, outcome, statistic)
        if method in ("morris", "sobol") and len(y) < len(matrix):
            raise InputError(
                f"{folder}: {len(matrix) - len(y)} of {len(matrix)} design points have no "
                f"finished run; {method} needs them all (rerun the sweep to finish them)"
            )
        rows.extend(indices(method, problem, matrix, y, outcome))
    return pd.DataFrame(rows)


def indices(
    method: str, problem: dict, matrix: np.ndarray, y: pd.Series, outcome: str
) -> list[dict[str, Any]]:
    """Indices of one outcome from the design ``matrix`` and scores ``y`` (indexed by point).

    Returns:
        Rows ``outcome, factor, method, index, value, conf``.
    """
    names = problem["names"]
    out: list[dict[str, Any]] = []

    def add(factor: str, index: str, value: float, conf: float) -> None:
        out.append(
            {
                "outcome": outcome,
                "factor": factor,
                "method": method,
                "index": index,
                "value": float(value),
                "conf": float(conf),
            }
        )

    if method == "morris":
        from SALib.analyze import morris

        res = morris.analyze(problem, matrix, y.sort_index().to_numpy(), seed=0)
        for i, name in enumerate(names):
            add(name, "mu_star", res["mu_star"][i], res["mu_star_conf"][i])
            add(name, "mu", res["mu"][i], np.nan)
            add(name, "sigma", res["sigma"][i], np.nan)
    elif method == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(problem, y.sort_index().to_numpy(), calc_second_order=False, seed=0)
        for i, name in enumerate(names):
            add(name, "ST", res["ST"][i], res["ST_conf"][i])
            add(name, "S1", res["S1"][i], res["S1_conf"][i])
    else:
        x = matrix[y.index.to_numpy()]
        for i, name in enumerate(names):
            if np.ptp(x[:, i]) == 0 or np.ptp(y.to_numpy()) == 0:
                add(name, "rho", np.nan, np.nan)
                continue
            rho, p = stats.spearmanr(x[:, i], y.to_numpy())
            add(name, "rho", rho, p)
    return out
