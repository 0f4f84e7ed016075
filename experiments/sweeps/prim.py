"""PRIM (Patient Rule Induction Method) for scenario discovery, in numpy.

Given the inputs of many runs (levers and uncertainties, one row per case) and a
boolean "case of interest" per row (say, pension coverage reaches 50%), PRIM finds
a box (one interval per numeric input, a set of values per categorical input)
that holds mostly cases of interest (high *density*) and most of them (high
*coverage*). It peels: step by step it cuts the ``peel_alpha`` share of points at
one end of one input, choosing the cut that raises the share of cases of interest
most per point removed (the "lenient 1" objective of EMA Workbench, the default
there), until the box would hold less than ``mass_min`` of the data. It then
pastes: widens a limit again while that raises the density. Every box on the way
is a point on the peeling trajectory, a trade-off between coverage and density;
:func:`select_step` picks the box with the highest coverage whose density reaches
``min_density``.

Several boxes are found by covering: the cases in the chosen box are set aside
and PRIM runs again on the rest (Friedman and Fisher 1999, "Bump hunting in
high-dimensional data", Statistics and Computing 9:123-143; Bryant and Lempert
2010, "Thinking inside the box", Technological Forecasting and Social Change
77:34-49).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Least share of the data in a box (smaller boxes describe too few runs).
MASS_MIN = 0.05
#: Share of the box's points cut at each peel and added back at each paste.
PEEL_ALPHA = 0.05
PASTE_ALPHA = 0.05
#: Least density of a reported box (share of its runs that are cases of interest).
MIN_DENSITY = 0.8


@dataclass(frozen=True)
class Step:
    """One box on the peeling trajectory.

    Attributes:
        limits: per input, ``(lo, hi)`` for numeric inputs, a frozenset of values
            for categorical ones.
        inside: which rows of the data the box holds (boolean, over all rows).
        coverage: cases of interest inside / all cases of interest in the data.
        density: cases of interest inside / rows inside.
        mass: rows inside / rows of all the data.
        restricted: inputs whose limits are narrower than the data's.
    """

    limits: dict
    inside: np.ndarray
    coverage: float
    density: float
    mass: float
    restricted: tuple[str, ...]


def _check(x: pd.DataFrame, y: np.ndarray) -> None:
    if len(x) != len(y):
        raise ValueError(f"PRIM: {len(x)} rows of inputs but {len(y)} outcomes")
    if len(x) == 0 or x.shape[1] == 0:
        raise ValueError("PRIM needs at least one row and one input column")
    bad = [c for c in x.columns if x[c].isna().any()]
    if bad:
        raise ValueError(f"PRIM: input column(s) {bad} have missing values")
    if not y.any():
        raise ValueError("PRIM: no case of interest in the data; change the threshold")


def _is_numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _full_limits(x: pd.DataFrame) -> dict:
    return {
        c: (float(x[c].min()), float(x[c].max())) if _is_numeric(x[c]) else frozenset(x[c])
        for c in x.columns
    }


def _restricted(limits: dict, full: dict) -> tuple[str, ...]:
    return tuple(c for c in limits if limits[c] != full[c])


def _lenient1(y_old: np.ndarray, y_new: np.ndarray) -> float:
    """Gain in the share of cases of interest per point removed (or added)."""
    if len(y_new) == 0 or len(y_new) == len(y_old):
        return 0.0
    return (y_new.mean() - y_old.mean()) / abs(len(y_old) - len(y_new))


class _Search:
    """One PRIM box search on the rows ``alive`` of the data."""

    def __init__(self, x, y, alive, peel_alpha, paste_alpha, mass_min) -> None:
        self.x, self.y, self.alive = x, y, alive
        self.n_all = len(y)
        self.coi = max(1, int(y.sum()))
        self.peel_alpha, self.paste_alpha, self.mass_min = peel_alpha, paste_alpha, mass_min
        self.values = {c: x[c].to_numpy() for c in x.columns}
        self.full = _full_limits(x[alive])

    def step(self, limits: dict, inside: np.ndarray) -> Step:
        n = int(inside.sum())
        hits = int(self.y[inside].sum())
        return Step(
            limits=dict(limits),
            inside=inside,
            coverage=hits / self.coi,
            density=hits / n if n else 0.0,
            mass=n / self.n_all,
            restricted=_restricted(limits, self.full),
        )

    def within(self, limits: dict, skip: str | None = None) -> np.ndarray:
        """Rows of ``alive`` inside ``limits`` (ignoring the input ``skip``)."""
        mask = self.alive.copy()
        for c, lim in limits.items():
            if c == skip:
                continue
            v = self.values[c]
            mask &= (
                (v >= lim[0]) & (v <= lim[1]) if isinstance(lim, tuple) else np.isin(v, list(lim))
            )
        return mask

    def _peels(self, limits: dict, inside: np.ndarray):
        for c, lim in limits.items():
            v = self.values[c][inside]
            if isinstance(lim, tuple):
                lo = float(np.quantile(v, self.peel_alpha, method="higher"))
                hi = float(np.quantile(v, 1 - self.peel_alpha, method="lower"))
                # ties at the edge: cut past the tied value so that the peel removes points
                new_lo = lo if lo > v.min() else float(np.min(v[v > lo], initial=np.inf))
                new_hi = hi if hi < v.max() else float(np.max(v[v < hi], initial=-np.inf))
                if np.isfinite(new_lo):
                    yield c, (new_lo, lim[1])
                if np.isfinite(new_hi):
                    yield c, (lim[0], new_hi)
            elif len(lim) > 1:
                for value in lim:
                    yield c, lim - {value}

    def _pastes(self, limits: dict, inside: np.ndarray):
        k = max(1, math.ceil(self.paste_alpha * inside.sum()))
        for c, lim in limits.items():
            if lim == self.full[c]:
                continue
            others = self.within(limits, skip=c)
            v = self.values[c][others]
            if isinstance(lim, tuple):
                below = np.sort(v[v < lim[0]])
                above = np.sort(v[v > lim[1]])
                if below.size:
                    yield c, (float(below[-min(k, below.size)]), lim[1])
                if above.size:
                    yield c, (lim[0], float(above[min(k, above.size) - 1]))
            else:
                for value in self.full[c] - lim:
                    yield c, lim | {value}

    def _best(self, limits, inside, candidates, grow: bool):
        y_old = self.y[inside]
        best = None
        for c, lim in candidates:
            trial = {**limits, c: lim}
            mask = self.within(trial)
            n = int(mask.sum())
            if n / self.n_all < self.mass_min or (n >= inside.sum()) != grow or n == inside.sum():
                continue
            y_new = self.y[mask]
            if grow and y_new.mean() <= y_old.mean():
                continue
            score = (_lenient1(y_old, y_new), -len(_restricted(trial, self.full)))
            if score[0] > 0 and (best is None or score > best[0]):
                best = (score, trial, mask)
        return best

    def run(self) -> list[Step]:
        """Peel, then paste; return every box on the way (the first is the whole data)."""
        limits, inside = dict(self.full), self.alive.copy()
        steps = [self.step(limits, inside)]
        for candidates, grow in ((self._peels, False), (self._pastes, True)):
            while (
                best := self._best(limits, inside, candidates(limits, inside), grow)
            ) is not None:
                _, limits, inside = best
                steps.append(self.step(limits, inside))
        return steps


def peeling_trajectory(
    x: pd.DataFrame,
    y: np.ndarray,
    alive: np.ndarray | None = None,
    peel_alpha: float = PEEL_ALPHA,
    paste_alpha: float = PASTE_ALPHA,
    mass_min: float = MASS_MIN,
) -> list[Step]:
    """Every box of one PRIM search, from the whole data to the last paste.

    Args:
        x: inputs, one row per case; numeric or categorical columns, no missing values.
        y: whether each case is of interest (boolean).
        alive: rows to search (default all; covering sets found boxes aside).
        peel_alpha: share of the box cut at each peel, in (0, 0.5).
        paste_alpha: share added back at each paste, in (0, 0.5).
        mass_min: least share of all rows in a box, in (0, 1).
    """
    y = np.asarray(y, dtype=bool)
    _check(x, y)
    for name, value, hi in (
        ("peel_alpha", peel_alpha, 0.5),
        ("paste_alpha", paste_alpha, 0.5),
        ("mass_min", mass_min, 1.0),
    ):
        if not 0 < value < hi:
            raise ValueError(f"PRIM: {name}={value!r} out of range; allowed (0, {hi})")
    alive = np.ones(len(y), dtype=bool) if alive is None else np.asarray(alive, dtype=bool)
    x = x.reset_index(drop=True)
    return _Search(x, y, alive, peel_alpha, paste_alpha, mass_min).run()


def select_step(steps: list[Step], min_density: float = MIN_DENSITY) -> int | None:
    """Index of the box with the highest coverage whose density reaches ``min_density``.

    Ties go to fewer restricted inputs, then to the higher density. None if no box
    is dense enough.
    """
    dense = [i for i, s in enumerate(steps) if s.density >= min_density]
    if not dense:
        return None
    return max(
        dense, key=lambda i: (steps[i].coverage, -len(steps[i].restricted), steps[i].density)
    )


def find_boxes(
    x: pd.DataFrame,
    y: np.ndarray,
    max_boxes: int = 2,
    min_density: float = MIN_DENSITY,
    **options: float,
) -> list[tuple[list[Step], int | None]]:
    """Covering: search, set aside the chosen box's rows, search the rest again.

    Returns:
        For each search, its trajectory and the index of the chosen box (None when
        no box reaches ``min_density``; the search then stops).
    """
    y = np.asarray(y, dtype=bool)
    alive = np.ones(len(y), dtype=bool)
    out = []
    for _ in range(max_boxes):
        if not y[alive].any():
            break
        steps = peeling_trajectory(x, y, alive, **options)
        chosen = select_step(steps, min_density)
        out.append((steps, chosen))
        if chosen is None:
            break
        alive &= ~steps[chosen].inside
    return out
