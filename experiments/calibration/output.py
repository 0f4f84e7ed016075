"""What ``uptake calibrate`` writes: the fit table and the ``calibrated`` preset.

The preset holds the fitted values (exact floats, so the recorded fit is reproduced
bit for bit) and a ``[meta]`` table: command, root seed, replication seeds, size,
date, git commit, model fingerprint, optimiser status, objective and the fit per
target (data, model mean, min and max over replications, gap in percentage points).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.targets import FIT_SIGMA, ORDERING, YEARS, Target, ordering_holds
from experiments.run.manifest import git_state
from model.presets import write_preset

#: Behavioural parameters marked free in ``model/params.py`` that are not fitted, and why.
NOT_FITTED = {
    "cost_sensitivity": "firms' response to cost and penalties; its level effect is absorbed "
    "by the propensities and the targets hold no variation in cost or enforcement",
    "present_bias": "enters only through the opt-out rate, which enrol_propensity sets",
    "pension_value_ratio": "enters only through the opt-out rate, which enrol_propensity sets",
}


def _commit() -> str:
    """The current commit, with ``+dirty`` if the tree had uncommitted changes."""
    state = git_state()
    return state["commit"] + ("+dirty" if state.get("dirty") else "")


def fit_table(targets: list[Target], values: np.ndarray) -> pd.DataFrame:
    """One row per target: data, model mean, min and max over replications, gap in pp."""
    rows = []
    for k, t in enumerate(targets):
        col = values[:, k]
        rows.append(
            {
                "target": t.label,
                "key": t.key,
                "year": t.year,
                "data": t.value,
                "model": float(col.mean()),
                "model_min": float(col.min()),
                "model_max": float(col.max()),
                "gap_pp": 100 * float(col.mean() - t.value),
                "sigma_pp": 100 * FIT_SIGMA[t.key],
            }
        )
    return pd.DataFrame(rows)


def ordering_by_year(fit: pd.DataFrame) -> dict[int, bool]:
    """Whether the model's mean coverage follows the published ordering, per year."""
    out = {}
    for year in YEARS:
        rows = fit[(fit["year"] == year) & fit["key"].str.startswith("coverage_")]
        coverage = {r.key.removeprefix("coverage_"): r.model for r in rows.itertuples()}
        if set(coverage) >= set(ORDERING):
            out[year] = ordering_holds(coverage)
    return out


def write_calibrated(result: Any, path: Path, command: str, seed: int) -> Path:
    """Write the fitted parameters and their provenance as a preset file."""
    fit = result.fit
    ordering = ordering_by_year(fit)
    meta: dict[str, Any] = {
        "command": command,
        "seed": seed,
        "seeds": result.seeds,
        "n_workers": result.stage.n_workers,
        "replications": result.stage.replications,
        "months": 36,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "git_commit": _commit(),
        "model_fingerprint": result.extra["fingerprint"],
        "status": result.status,
        "objective": result.objective,
        "prior_weight": result.extra["prior_weight"],
        "evaluations": result.evaluations,
        "compute_minutes": round(result.seconds / 60.0, 2),
        "free_parameters": list(result.params),
        "not_fitted": list(NOT_FITTED),
        "max_abs_coverage_gap_pp": float(
            fit.loc[fit["key"].str.startswith("coverage_"), "gap_pp"].abs().max()
        ),
        "ordering_holds": {str(y): ok for y, ok in ordering.items()},
        "fit": {
            r.target: {
                "data": r.data,
                "model": r.model,
                "model_min": r.model_min,
                "model_max": r.model_max,
                "gap_pp": r.gap_pp,
                "sigma_pp": r.sigma_pp,
            }
            for r in fit.itertuples()
        },
    }
    header = (
        "Calibrated parameters of the Uptake model, written by `uptake calibrate`.\n"
        "Do not edit by hand: rerun the command in [meta] (see docs/calibration.md).\n"
        "Only the fitted parameters are listed; all others keep the model defaults."
    )
    return write_preset(path, result.params, meta, header)
