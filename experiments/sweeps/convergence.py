"""Convergence check of Morris screening: are the indices stable when N doubles?

The same Morris design (same factors, ranges, trajectories and replication seeds:
common random numbers) is run at ``workers`` and at ``2 x workers``. Per outcome the
check passes when

* the top :data:`TOP` factors by mu* are the same set at both sizes, up to ties at
  the boundary (:func:`boundary_ties`),
* the Spearman rank correlation of mu* over the factors that matter (mu* at least
  :data:`MATTERS` of the largest, at either size) is at least :data:`MIN_RHO`, and
* the largest change in mu* is at most :data:`MAX_CHANGE` of the largest mu*.

**Ties at the boundary** (rule set on 2026-12-02, before the study it was first
applied to): a factor that is in the top set at one size and not at the other does not
fail the check when, at *both* sizes, its own 95% interval (SALib's bootstrap
``mu_star_conf``) contains that size's fifth-largest mu*. Such a factor cannot be told
apart from the one at fifth place at either size, so no number of workers would order
them; a factor that moves across the boundary with an interval that excludes it at
either size still fails. The strict test (same set, no ties allowed) is kept in the
output as ``same_top``.

Design and thresholds: ``docs/levers.md`` section 7; results in ``docs/sensitivity.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

TOP = 5
MATTERS = 0.05
MIN_RHO = 0.8
MAX_CHANGE = 0.2


def mu_star(morris: pd.DataFrame, outcome: str) -> pd.DataFrame:
    """mu* and its 95% half-interval (0 where the table has none) per factor."""
    rows = morris[(morris["index"] == "mu_star") & (morris["outcome"] == outcome)]
    conf = rows["conf"] if "conf" in rows else pd.Series(0.0, index=rows.index)
    return pd.DataFrame(
        {"value": rows["value"].to_numpy(), "conf": conf.fillna(0.0).to_numpy()},
        index=rows["factor"].to_numpy(),
    )


def boundary_ties(a: pd.DataFrame, b: pd.DataFrame, top: int = TOP) -> tuple[list, list]:
    """Factors in one top set only, split into (tied at the boundary, not tied).

    Args:
        a: mu* (``value``) and 95% half-interval (``conf``) per factor at N.
        b: the same at 2N, on the same factors.
        top: size of the top set.
    """
    top_a = set(a["value"].nlargest(top).index)
    top_b = set(b["value"].nlargest(top).index)
    fifth_a = a["value"].nlargest(top).iloc[-1]
    fifth_b = b["value"].nlargest(top).iloc[-1]
    tied, not_tied = [], []
    for factor in sorted(top_a ^ top_b):
        within_a = abs(a.at[factor, "value"] - fifth_a) <= a.at[factor, "conf"]
        within_b = abs(b.at[factor, "value"] - fifth_b) <= b.at[factor, "conf"]
        (tied if within_a and within_b else not_tied).append(factor)
    return tied, not_tied


def compare(small: pd.DataFrame, large: pd.DataFrame) -> pd.DataFrame:
    """One row per outcome: the three criteria at N and 2N and whether all hold.

    Args:
        small: Morris indices (``outcome, factor, index, value[, conf]``) at N workers.
        large: the same at 2N workers.
    """
    rows = []
    for outcome in sorted(set(small["outcome"]) & set(large["outcome"])):
        a, b = mu_star(small, outcome), mu_star(large, outcome)
        common = a.index.intersection(b.index)
        a, b = a.loc[common], b.loc[common]
        if common.empty:
            rows.append({"outcome": outcome, "factors_that_matter": 0, "passed": False})
            continue
        top_a = list(a["value"].nlargest(TOP).index)
        top_b = list(b["value"].nlargest(TOP).index)
        tied, not_tied = boundary_ties(a, b)
        biggest = max(a["value"].max(), b["value"].max())
        matters = (a["value"] >= MATTERS * biggest) | (b["value"] >= MATTERS * biggest)
        rho = (
            float(stats.spearmanr(a["value"][matters], b["value"][matters]).statistic)
            if matters.sum() > 2
            else np.nan
        )
        change = float((a["value"] - b["value"]).abs().max() / biggest) if biggest > 0 else 0.0
        top_stable = not not_tied
        rows.append(
            {
                "outcome": outcome,
                "top_small": ", ".join(top_a),
                "top_large": ", ".join(top_b),
                "same_top": set(top_a) == set(top_b),
                "tied_at_boundary": ", ".join(tied),
                "moved_across_boundary": ", ".join(not_tied),
                "top_stable": top_stable,
                "factors_that_matter": int(matters.sum()),
                "spearman": rho,
                "max_change_share": change,
                "passed": bool(top_stable and rho >= MIN_RHO and change <= MAX_CHANGE),
            }
        )
    return pd.DataFrame(rows)
