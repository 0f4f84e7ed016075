"""Reform gains across the ensemble of calibrated parameter sets, and which rankings hold.

Each reform's gain (reform minus baseline, paired by seed, mean of the last 12
months, percentage points) is computed for every member of the ensemble
(:mod:`experiments.calibration.ensemble`) and every replication seed; every member
and scenario sees the same seeds (common random numbers). Two intervals follow:

* across seeds: the 90% t-interval of the mean gain of member 0 (the calibrated
  point) over its replications: the run-to-run noise;
* across the ensemble: the 5th-95th percentile of the members' mean gains (and the
  range): the parameter uncertainty that the targets leave open.

A ranking of two reforms is **robust** when the order of their mean gains is the same
in every member and, in every member, the 90% t-interval of the paired difference
between the two reforms excludes 0 (so one seed per member, which gives no interval,
never makes a ranking robust).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from experiments.scenarios.library import Scenario
from model.simulation import simulate

FINAL_MONTHS = 12


def _final(scenario: Scenario, params: dict[str, Any], seed: int, workers: int, months: int):
    model = simulate(
        scenario.policies,
        months,
        **{**params, **scenario.params, "n_workers": workers, "seed": seed},
    )
    frame = model.results_frame()
    window = frame[frame["month"] > months - FINAL_MONTHS]
    return window[["frac_covered_pension", "frac_covered_any"]].mean()


def member_gains(
    members: Sequence[dict[str, Any]],
    baseline: Scenario,
    reforms: Sequence[Scenario],
    seeds: Sequence[int],
    workers: int,
    months: int,
    progress: Callable[[int, int], None] | None = None,
    stopped: Callable[[], bool] | None = None,
) -> pd.DataFrame | None:
    """Gains per member, seed and reform, points.

    Args:
        members: full parameter dicts, member 0 first (the calibrated point).
        baseline: the scenario every reform is measured against.
        reforms: the reforms.
        seeds: replication seeds, the same for every member and scenario.
        workers: worker agents per run.
        months: months per run (the gain is the mean of the last 12).
        progress: called with ``(runs done, runs in all)`` after every run.
        stopped: asked before every run; when it answers True the work ends.

    Returns:
        Columns ``member, seed, scenario, gain_pension, gain_any``; None when
        ``stopped`` ended the work first (no partial table: its intervals would mislead).
    """
    total = len(members) * len(seeds) * (1 + len(reforms))
    done = 0

    def final(scenario: Scenario, params: dict[str, Any], seed: int):
        nonlocal done
        out = _final(scenario, params, seed, workers, months)
        done += 1
        if progress is not None:
            progress(done, total)
        return out

    rows = []
    for k, params in enumerate(members):
        for seed in seeds:
            if stopped is not None and stopped():
                return None
            base = final(baseline, params, seed)
            for reform in reforms:
                if stopped is not None and stopped():
                    return None
                gain = (final(reform, params, seed) - base) * 100.0
                rows.append(
                    {
                        "member": k,
                        "seed": seed,
                        "scenario": reform.name,
                        "gain_pension": gain["frac_covered_pension"],
                        "gain_any": gain["frac_covered_any"],
                    }
                )
    return pd.DataFrame(rows)


def _t_half(values: np.ndarray) -> float:
    n = len(values)
    if n < 2:
        return np.nan
    return float(stats.t.ppf(0.95, n - 1) * np.std(values, ddof=1) / np.sqrt(n))


def summarise(gains: pd.DataFrame, column: str = "gain_pension") -> pd.DataFrame:
    """Per reform: mean gain, its seed interval (member 0) and its ensemble interval."""
    rows = []
    for name, g in gains.groupby("scenario", sort=False):
        by_member = g.groupby("member")[column].mean()
        central = g[g["member"] == 0][column].to_numpy()
        half = _t_half(central)
        rows.append(
            {
                "scenario": name,
                "gain_mean": float(by_member.mean()),
                "gain_member0": float(central.mean()),
                "seed_ci90_low": float(central.mean() - half),
                "seed_ci90_high": float(central.mean() + half),
                "ensemble_q05": float(by_member.quantile(0.05)),
                "ensemble_q95": float(by_member.quantile(0.95)),
                "ensemble_min": float(by_member.min()),
                "ensemble_max": float(by_member.max()),
                "members": int(by_member.size),
                "seeds": int(g["seed"].nunique()),
            }
        )
    return pd.DataFrame(rows).sort_values("gain_mean", ascending=False, ignore_index=True)


#: How a pair of reforms ranks across the ensemble (:func:`rankings`' ``ranking``).
ROBUST = "robust"
WITHIN_NOISE = "same order in every set, within the seed noise of some"
FLIPS = "order differs between sets"


def rankings(
    gains: pd.DataFrame, column: str = "gain_pension", baseline: str | None = None
) -> pd.DataFrame:
    """Every pair of reforms: how often the first beats the second, and whether robust.

    Args:
        gains: as returned by :func:`member_gains`.
        column: ``gain_pension`` or ``gain_any``.
        baseline: when given, the baseline joins the ranking under this name with a
            gain of 0 in every member and seed, so each reform is also ranked against
            it: "reform > baseline" is robust when the gain is above 0 in every member
            and its seed interval excludes 0 in each.

    Returns:
        One row per pair, the higher mean first: ``first, second,
        share_of_members_first_higher, mean_difference, robust, ranking`` (one of
        :data:`ROBUST`, :data:`WITHIN_NOISE`, :data:`FLIPS`).
    """
    wide = gains.pivot_table(index=["member", "seed"], columns="scenario", values=column)
    if baseline is not None:
        if baseline in wide.columns:
            raise ValueError(f"baseline={baseline!r} is also one of the reforms")
        wide[baseline] = 0.0
    order = wide.mean().sort_values(ascending=False).index
    rows = []
    for a, b in combinations(order, 2):
        diff = (wide[a] - wide[b]).groupby(level="member")
        means = diff.mean()
        # One seed gives no interval: the noise cannot be ruled out, so not robust.
        separated = all(len(d) > 1 and abs(d.mean()) > _t_half(d.to_numpy()) for _, d in diff)
        same_order = bool((means > 0).all() or (means < 0).all())
        robust = same_order and separated
        rows.append(
            {
                "first": a,
                "second": b,
                "share_of_members_first_higher": float((means > 0).mean()),
                "mean_difference": float(means.mean()),
                "robust": robust,
                "ranking": ROBUST if robust else WITHIN_NOISE if same_order else FLIPS,
            }
        )
    return pd.DataFrame(rows)
