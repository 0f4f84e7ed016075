"""Do the runs resolve a published order of groups (East > Centre > West)?

A published order ``a > b > c`` is judged on the gaps between neighbours, paired by seed
(``a - b`` and ``b - c`` within each run), so that what the groups share in a run cancels.
For each gap: the mean over runs, the sd over runs, the standard error of the mean,
``mean / se``, and the number of runs of the same size that would resolve a true gap of
this mean and sd with probability :data:`POWER`.

A gap counts as resolved at :data:`RESOLVED_SE` standard errors (a two-sided test at
about 95% for many runs; 92% at 10 runs, Student's t with 9 degrees of freedom).
Verdicts, in this order:

* ``"reversed"``: some gap is negative and resolved;
* ``"holds"``: every gap is positive and resolved;
* ``"holds in the means, within the noise"``: every mean gap is positive, some unresolved;
* ``"not resolved"``: otherwise, i.e. some mean gap is negative or zero but unresolved
  (the other gaps may be resolved). A gap of exactly zero is never resolved.

Why the number of runs matters: in a run of 50,000 workers a region has a few hundred
firms, and a firm's workers are covered or not together (the firm pays or evades), so a
region's coverage moves by a point or two from run to run (docs/structure.md 11).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd

#: A gap this many standard errors from zero is resolved (two-sided, about 95%).
RESOLVED_SE = 2.0
#: Chance of resolving a true gap that :func:`runs_needed` plans for.
POWER = 0.8

#: Between the gaps in :func:`describe`'s line (a gap's own text never holds it).
SEPARATOR = "; "

REVERSED = "reversed"
HOLDS = "holds"
IN_THE_MEANS = "holds in the means, within the noise"
NOT_RESOLVED = "not resolved"


def runs_needed(mean: float, sd: float, power: float = POWER) -> float:
    """Runs that resolve a true gap ``mean`` (sd ``sd`` per run) with chance ``power``.

    The usual normal-approximation sample size, ``ceil(((RESOLVED_SE + z_power) sd /
    mean) ** 2)`` with ``z_power`` the standard normal quantile of ``power`` (0.84 for
    80%); at least 2 (one run has no standard error); infinite for a zero mean. With
    few runs the t test needs a few more.
    """
    if not (math.isfinite(mean) and math.isfinite(sd)) or sd < 0:
        raise ValueError(f"runs_needed: mean {mean!r} and sd {sd!r} must be finite, sd >= 0")
    if not 0.5 <= power < 1:
        raise ValueError(f"runs_needed: power {power!r} is outside [0.5, 1)")
    if mean == 0:
        return math.inf
    z = RESOLVED_SE + NormalDist().inv_cdf(power)
    return float(max(2, math.ceil((z * sd / abs(mean)) ** 2)))


def gap_stats(gap: np.ndarray) -> dict[str, float | bool]:
    """``mean``, ``sd``, ``se``, ``mean_se``, ``resolved`` and ``runs_needed`` of one gap.

    ``gap`` holds the gap in each run. With one run there is no spread: ``sd``, ``se``,
    ``mean_se`` and ``runs_needed`` are NaN and the gap is not resolved.
    """
    if gap.size == 0 or not np.isfinite(gap).all():
        raise ValueError(f"gap_stats: the gap must be finite in at least one run: {gap}")
    mean = float(gap.mean())
    if gap.size < 2:
        nan = math.nan
        return {
            "mean": mean,
            "sd": nan,
            "se": nan,
            "mean_se": nan,
            "resolved": False,
            "runs_needed": nan,
        }
    sd = float(gap.std(ddof=1))
    se = sd / math.sqrt(gap.size)
    ratio = mean / se if se > 0 else math.copysign(math.inf, mean) if mean else 0.0
    return {
        "mean": mean,
        "sd": sd,
        "se": se,
        "mean_se": ratio,
        "resolved": bool(abs(ratio) >= RESOLVED_SE),
        "runs_needed": runs_needed(mean, sd),
    }


def order_gaps(per_run: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Gaps between neighbours of ``order`` paired by run.

    Args:
        per_run: one row per run, one column per group (any unit; the gaps keep it).
        order: the published order, highest first, e.g. ``["east", "central", "west"]``.

    Returns:
        One row per neighbour pair: ``pair`` and :func:`gap_stats`.
    """
    missing = [g for g in order if g not in per_run.columns]
    if missing:
        raise ValueError(
            f"order_gaps: groups {missing} are not columns of the runs "
            f"(columns: {list(per_run.columns)})"
        )
    if len(order) < 2:
        raise ValueError(f"order_gaps: an order needs at least 2 groups, got {list(order)}")
    if len(per_run) < 2:
        raise ValueError(f"order_gaps: a standard error needs at least 2 runs, got {len(per_run)}")
    rows = []
    for a, b in itertools.pairwise(order):
        gap = (per_run[a] - per_run[b]).to_numpy(dtype=float)
        if not np.isfinite(gap).all():
            raise ValueError(f"order_gaps: {a} - {b} is not finite in every run: {gap}")
        rows.append({"pair": f"{a} - {b}", **gap_stats(gap)})
    return pd.DataFrame(rows)


def verdict(gaps: pd.DataFrame) -> str:
    """One word on a table of :func:`order_gaps` (see the module docstring)."""
    positive = gaps["mean"] > 0
    if (~positive & gaps["resolved"]).any():
        return REVERSED
    if positive.all():
        return HOLDS if gaps["resolved"].all() else IN_THE_MEANS
    return NOT_RESOLVED


def describe(gaps: pd.DataFrame, unit: str = "points") -> str:
    """The gaps in one line, e.g. ``east - central +0.7 points (se 0.3, 2.3 se); ...``.

    The gaps are joined by :data:`SEPARATOR`, so a reader can split them again.
    """
    parts = []
    for row in gaps.itertuples():
        text = f"{row.pair} {row.mean:+.2f} {unit} (se {row.se:.2f}, {row.mean_se:.1f} se"
        if not row.resolved and math.isfinite(row.runs_needed) and row.mean > 0:
            text += (
                f", about {int(row.runs_needed)} runs of this size give an "
                f"{POWER:.0%} chance of resolving a gap this large"
            )
        parts.append(text + ")")
    return SEPARATOR.join(parts)
