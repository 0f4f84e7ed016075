"""Two scenarios run side by side over replications with the same seeds.

Replication ``r`` of both scenarios uses seed ``base_seed + r``; the model keeps
one random stream per sub-step and month, so the pair shares random numbers
(common random numbers) and the paired difference isolates the reform. Bands are
the 10th-90th percentiles over replications.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from dashboards.settings import CUSTOM, Settings, from_preset
from experiments.scenarios import PRESETS
from model import Policy, UptakeModel

#: Outcomes offered in the comparison: column -> label.
METRICS: dict[str, str] = {
    "frac_covered_any": "coverage, any scheme (share of employed)",
    "frac_covered_pension": "pension coverage (share of employed)",
    "frac_covered_medical": "medical coverage (share of employed)",
    "frac_covered_injury": "work-injury coverage (share of employed)",
    "new_breaks_real": "breaks in coverage (workers per month)",
    "new_disputes_real": "dispute cases per month",
    "new_collective_disputes_real": "collective dispute cases per month",
    "n_inspections_real": "inspections per month (firms)",
    "fines_yuan": "fines (yuan per month)",
    "subsidy_spending_yuan": "subsidy spending (yuan per month)",
    "contribution_income_yuan": "contribution income (yuan per month)",
}
BAND = (0.1, 0.9)
MAX_REPS = 20
MAX_COMPARE_WORKERS = 50_000


@dataclass(frozen=True)
class Arm:
    """One side of a comparison: a name, policies and parameter overrides."""

    name: str
    policies: tuple[Policy, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)


def arm_for(choice: str, custom: Settings) -> Arm:
    """A preset by name, or the Explore tab's settings when ``choice`` is ``custom``."""
    if choice == CUSTOM:
        return Arm(f"custom ({custom.label()})", custom.policies(), dict(custom.params))
    if choice not in PRESETS:
        raise ValueError(f"unknown scenario {choice!r}; choose a preset or {CUSTOM!r}")
    s = from_preset(choice)
    return Arm(choice, s.policies(), dict(s.params))


@dataclass(frozen=True)
class PairSpec:
    """How to run the comparison."""

    reps: int = 3
    months: int = 60
    n_workers: int = 3_000
    base_seed: int = 42

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first bad field and its allowed range."""
        checks = (
            ("replications", self.reps, 1, MAX_REPS),
            ("months", self.months, 1, 600),
            ("n_workers", self.n_workers, 100, MAX_COMPARE_WORKERS),
            ("seed", self.base_seed, 0, 2**62),
        )
        for name, value, lo, hi in checks:
            if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
                raise ValueError(f"{name}={value!r} is not allowed; use a whole number {lo}-{hi:,}")

    def seeds(self) -> list[int]:
        """The seeds shared by both arms."""
        return [self.base_seed + r for r in range(self.reps)]


def run_pair(
    arms: tuple[Arm, Arm],
    spec: PairSpec,
    progress: Callable[[float, str], None] = lambda f, s: None,
    stopped: Callable[[], bool] = lambda: False,
) -> pd.DataFrame | None:
    """Run both arms for every seed; tidy frame (arm, rep, seed, month, outcomes...).

    Returns None if ``stopped()`` became true before the end.
    """
    spec.validate()
    if arms[0].name == arms[1].name:
        arms = (arms[0], Arm(arms[1].name + " (B)", arms[1].policies, arms[1].params))
    frames = []
    total = len(arms) * spec.reps
    for rep, seed in enumerate(spec.seeds()):
        for arm in arms:
            model = UptakeModel(
                arm.policies, **{**arm.params, "seed": seed, "n_workers": spec.n_workers}
            )
            for _ in range(spec.months):
                if stopped():
                    return None
                model.step()
            frame = model.results_frame()
            frame.insert(0, "rep", rep)
            frame.insert(0, "arm", arm.name)
            frames.append(frame)
            progress(len(frames) / total, f"{arm.name}, replication {rep + 1} of {spec.reps}")
    return pd.concat(frames, ignore_index=True)


def bands(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Per arm and month: mean, and the 10th and 90th percentiles over replications."""
    _check_metric(frame, metric)
    grouped = frame.groupby(["arm", "month"], sort=False)[metric]
    out = grouped.agg(
        mean="mean", lo=lambda v: np.quantile(v, BAND[0]), hi=lambda v: np.quantile(v, BAND[1])
    )
    return out.reset_index()


def difference(frame: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Second arm minus first, paired by seed: per month mean and 10-90% band."""
    _check_metric(frame, metric)
    names = list(dict.fromkeys(frame["arm"]))
    wide = frame.pivot_table(index=["seed", "month"], columns="arm", values=metric)
    diff = (wide[names[1]] - wide[names[0]]).rename("d").reset_index()
    grouped = diff.groupby("month")["d"]
    out = grouped.agg(
        mean="mean", lo=lambda v: np.quantile(v, BAND[0]), hi=lambda v: np.quantile(v, BAND[1])
    )
    return out.reset_index()


def summary(frame: pd.DataFrame, last: int = 12) -> pd.DataFrame:
    """Mean of the last ``last`` months per replication, then across replications.

    One row per metric: each arm's mean and the paired difference with its band.
    """
    names = list(dict.fromkeys(frame["arm"]))
    tail = frame[frame["month"] > frame["month"].max() - last]
    per_rep = tail.groupby(["arm", "seed"], sort=False)[list(METRICS)].mean()
    rows = []
    for metric, label in METRICS.items():
        a = per_rep.loc[names[0], metric]
        b = per_rep.loc[names[1], metric]
        d = (b - a.reindex(b.index)).to_numpy()
        rows.append(
            {
                "outcome": label,
                names[0]: float(a.mean()),
                names[1]: float(b.mean()),
                "difference": float(d.mean()),
                "band 10%": float(np.quantile(d, BAND[0])),
                "band 90%": float(np.quantile(d, BAND[1])),
            }
        )
    return pd.DataFrame(rows)


def _check_metric(frame: pd.DataFrame, metric: str) -> None:
    if metric not in frame.columns:
        known = [m for m in METRICS if m in frame.columns]
        raise ValueError(f"metric {metric!r} is not in the comparison; choose one of {known}")
