"""The nominal wage path: the NBS mean income of 外出 migrant workers, year by year.

The published means (facts.md 1.7, C8; ``mean_wage`` rows of ``inputs.csv``: 2008-2013
and 2020-2023) are placed at mid-year and joined log-linearly, with the knots adjusted so that
the mean of a published year's twelve months is exactly its figure; before the
first and after the last published year the path continues at the growth of the
first and the last pair of published years. The 外出 series is not published for
2014-2019 (the NBS headline then covers all migrant workers), so those years are
interpolated between 2013 and 2020: an approximation, stated in docs/ODD.md.

The model's wages and contribution floor are ``index(year)`` times their 2011 levels
(:func:`index`: its 2011 mean is 1).
"""

from __future__ import annotations

import functools

import numpy as np

from model.facts import inputs

ANCHOR_YEAR = 2011  # the year whose mean wage is the parameter ``mean_wage``


@functools.cache
def series() -> tuple[np.ndarray, np.ndarray]:
    """(years, yuan/month) of the published 外出 mean income, sorted by year."""
    rows = sorted((y, f.value) for (k, y), f in inputs().items() if k == "mean_wage")
    years = np.array([y for y, _ in rows], dtype=np.float64)
    values = np.array([v for _, v in rows], dtype=np.float64)
    if years.size < 2:
        raise ValueError("inputs.csv needs at least two years of mean_wage for the wage path")
    return years, values


def _path(knots: np.ndarray, logs: np.ndarray, year: float) -> float:
    if year <= knots[0]:
        slope = (logs[1] - logs[0]) / (knots[1] - knots[0])
        return float(np.exp(logs[0] + slope * (year - knots[0])))
    if year >= knots[-1]:
        slope = (logs[-1] - logs[-2]) / (knots[-1] - knots[-2])
        return float(np.exp(logs[-1] + slope * (year - knots[-1])))
    return float(np.exp(np.interp(year, knots, logs)))


def _yearly_mean(knots: np.ndarray, logs: np.ndarray, year: int) -> float:
    return float(np.mean([_path(knots, logs, month_year(year, m)) for m in range(1, 13)]))


@functools.cache
def _knots() -> tuple[np.ndarray, np.ndarray]:
    """Mid-year knots whose path has each published year's mean exactly (fixed point)."""
    years, values = series()
    knots = years + 0.5
    logs = np.log(values)
    for _ in range(50):
        means = np.array([_yearly_mean(knots, logs, int(y)) for y in years])
        logs = logs + np.log(values / means)
    return knots, logs


def level(year: float) -> float:
    """Mean monthly wage (yuan) at decimal calendar ``year`` on the published path."""
    knots, logs = _knots()
    return _path(knots, logs, year)


def index(year: float) -> float:
    """Wage level at decimal calendar ``year`` relative to the published mean of ``ANCHOR_YEAR``.

    The mean of the index over the twelve months of ``ANCHOR_YEAR`` is exactly 1.
    """
    years, values = series()
    return level(year) / float(values[years == ANCHOR_YEAR][0])


def month_year(start_year: int, month: int) -> float:
    """Decimal calendar year at the middle of simulated ``month`` (1 = January of start_year).

    Months before 1 (the burn-in, month 0) count back from the start year.
    """
    return start_year + (month - 1) / 12.0 + 1.0 / 24.0
