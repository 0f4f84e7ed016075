"""Convergence check of Morris screening: are the indices stable when N doubles?

The same Morris design (same factors, ranges, trajectories and replication seeds:
common random numbers) is run at ``workers`` and at ``2 x workers``. Per outcome the
check passes when

* the top :data:`TOP` factors by mu* are the same set at both sizes,
* the Spearman rank correlation of mu* over the factors that matter (mu* at least
  :data:`MATTERS` of the largest, at either size) is at least :data:`MIN_RHO`, and
* the largest change in mu* is at most :data:`MAX_CHANGE` of the largest mu*.

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


def _mu_star(morris: pd.DataFrame, outcome: str) -> pd.Series:
    rows = morris[(morris["index"] == "mu_star") & (morris["outcome"] == outcome)]
    return rows.set_index("factor")["value"]


def compare(small: pd.DataFrame, large: pd.DataFrame) -> pd.DataFrame:
    """One row per outcome: the three criteria at N and 2N and whether all hold.

    Args:
        small: Morris indices (``outcome, factor, index, value``) at N workers.
        large: the same at 2N workers.
    """
    rows = []
    for outcome in sorted(set(small["outcome"]) & set(large["outcome"])):
        a, b = _mu_star(small, outcome), _mu_star(large, outcome)
        a, b = a.align(b, join="inner")
        top_a = set(a.nlargest(TOP).index)
        top_b = set(b.nlargest(TOP).index)
        biggest = max(a.max(), b.max())
        matters = (a >= MATTERS * biggest) | (b >= MATTERS * biggest)
        rho = (
            float(stats.spearmanr(a[matters], b[matters]).statistic)
            if matters.sum() > 2
            else np.nan
        )
        change = float((a - b).abs().max() / biggest) if biggest > 0 else 0.0
        rows.append(
            {
                "outcome": outcome,
                "top_small": ", ".join(a.nlargest(TOP).index),
                "top_large": ", ".join(b.nlargest(TOP).index),
                "same_top": top_a == top_b,
                "factors_that_matter": int(matters.sum()),
                "spearman": rho,
                "max_change_share": change,
                "passed": bool(top_a == top_b and rho >= MIN_RHO and change <= MAX_CHANGE),
            }
        )
    return pd.DataFrame(rows)
