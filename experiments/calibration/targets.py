"""National calibration targets (facts.md section 5) and the model moments they match.

``model/data/targets.csv`` holds every figure with its year, value, unit and source
URL (same columns as ``inputs.csv``: ``key, year, value, unit, source, note``).
:func:`load_targets` rejects a malformed file naming the file, row, field, value and
what is allowed. :data:`FIT_SIGMA` says which targets ``uptake calibrate`` fits and
with what tolerance; the others are only compared in ``uptake validate``.

A model moment is the mean over the 12 months of a calendar year of one column of
``UptakeModel.results_frame()``; figures dated after the simulated window
(2011-2013) are compared with the window's last year.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from model.codes import SCHEMES
from model.facts import DATA_DIR, read_facts

TARGETS_PATH = DATA_DIR / "targets.csv"
#: Calendar years the calibration simulates (months 1-36 from January 2011).
YEARS = (2011, 2012, 2013)
MONTHS = 12 * len(YEARS)

#: Target key -> column of ``results_frame()`` whose yearly mean is compared with it.
MOMENT_COLUMN: dict[str, str] = {
    **{f"coverage_{s}": f"frac_covered_{s}" for s in SCHEMES},
    "contract_share": "frac_contract",
    "firms_min_base_share": "frac_firms_min_base",
    "firms_noncompliant_base_share": "frac_firms_min_base",
}
#: Keys compared by ``uptake validate`` from quantities outside ``results_frame()``.
CHECK_ONLY = ("effective_rate_employer", "audit_underreported_share", "inspection_rate")
KNOWN_KEYS = (*MOMENT_COLUMN, *CHECK_ONLY)

#: Fitted targets and their tolerance (one standard unit of the objective), share units.
#: Coverage (C1-C4) counts most: 1 percentage point. The contract share (C6) is a
#: different survey question, 2 pp. The minimum-base share (C13) is for all enterprises
#: in 2015, not migrants' employers in 2011-2013, so it only pins down the one
#: parameter nothing else identifies (``full_base_propensity``): 5 pp.
FIT_SIGMA: dict[str, float] = {
    **{f"coverage_{s}": 0.01 for s in SCHEMES},
    "contract_share": 0.02,
    "firms_min_base_share": 0.05,
}

#: The published ordering of coverage (C5), highest first.
ORDERING = ("injury", "medical", "pension", "unemployment", "maternity")


@dataclass(frozen=True)
class Target:
    """One sourced figure to compare with the model."""

    key: str
    year: int
    value: float
    unit: str
    source: str
    note: str
    row: int  # row in the CSV file (header = row 1)

    @property
    def label(self) -> str:
        """``<key>_<year>``, the name used in tables and in the preset's fit table."""
        return f"{self.key}_{self.year}"

    @property
    def model_year(self) -> int:
        """The simulated year compared with this figure (clamped to 2011-2013)."""
        return min(max(self.year, YEARS[0]), YEARS[-1])


def load_targets(path: str | Path = TARGETS_PATH) -> list[Target]:
    """Read and validate a targets CSV.

    Checks, beyond the column checks of :func:`model.facts.read_facts`: every key is
    one the model can be compared with, every share lies in [0, 1], every source is a
    URL, and each fitted coverage series has all of 2011-2013.

    Raises:
        ValueError: naming the file, row, field, bad value and what is allowed.
    """
    path = Path(path)
    facts = read_facts(path)
    targets = []
    # read_facts keeps file order, so the n-th entry is on row n + 2 (row 1 = header).
    for row, fact in enumerate(facts.values(), start=2):
        where = f"{path}, row {row}"
        if fact.key not in KNOWN_KEYS:
            raise ValueError(
                f"{where}: key={fact.key!r} is not a known target; allowed: {KNOWN_KEYS}"
            )
        if "share" in fact.unit and not 0.0 <= fact.value <= 1.0:
            raise ValueError(
                f"{where}: value={fact.value!r} for {fact.key!r} is a share ({fact.unit}); "
                "allowed [0, 1] (write 13.9% as 0.139)"
            )
        if not fact.source.startswith(("http://", "https://")):
            raise ValueError(f"{where}: source={fact.source!r} must be a URL (http:// or https://)")
        targets.append(
            Target(fact.key, fact.year, fact.value, fact.unit, fact.source, fact.note, row)
        )
    have = {(t.key, t.year) for t in targets}
    for key in FIT_SIGMA:
        if key.startswith("coverage_"):
            missing = [y for y in YEARS if (key, y) not in have]
            if missing:
                raise ValueError(f"{path}: fitted target {key!r} lacks year(s) {missing}")
        elif not any(k == key for k, _ in have):
            raise ValueError(f"{path}: fitted target {key!r} has no row")
    return targets


def fitted(targets: list[Target]) -> list[Target]:
    """The targets ``uptake calibrate`` fits, in file order."""
    return [t for t in targets if t.key in FIT_SIGMA]


def yearly_means(frame: pd.DataFrame) -> pd.DataFrame:
    """Yearly means of the moment columns of one run (months >= 1), indexed by year."""
    columns = sorted(set(MOMENT_COLUMN.values()))
    recorded = frame[frame["month"] >= 1]
    return recorded.groupby("year")[columns].mean()


def moment(means: pd.DataFrame, target: Target) -> float:
    """The model value compared with ``target`` from one run's :func:`yearly_means`."""
    column = MOMENT_COLUMN[target.key]
    if target.model_year not in means.index:
        raise ValueError(f"the run does not cover {target.model_year} (needed by {target.label})")
    return float(means.loc[target.model_year, column])


def moments(frames: list[pd.DataFrame], targets: list[Target]) -> np.ndarray:
    """Model values for ``targets``, shape (len(frames), len(targets)): one row per run."""
    out = np.empty((len(frames), len(targets)))
    for i, frame in enumerate(frames):
        means = yearly_means(frame)
        out[i] = [moment(means, t) for t in targets]
    return out


def ordering_holds(coverage: dict[str, float]) -> bool:
    """Whether coverage by scheme (name -> share) is in the published order (C5)."""
    values = [coverage[s] for s in ORDERING]
    return all(a > b for a, b in itertools.pairwise(values))
