"""Checks of a sweep file that need no sampling: design size, outcome names, whole levels.

The design's size is computed from its settings (:func:`design_points`) and compared
with the limit (:func:`max_points`) before any point is drawn, so a file asking for
``samples = 200000000`` fails at once instead of filling memory.
"""

from __future__ import annotations

import difflib
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from experiments.errors import InputError

#: Default most design points; the environment variable ``UPTAKE_MAX_POINTS`` raises it.
MAX_POINTS = 100_000


def max_points() -> int:
    """The point limit: ``UPTAKE_MAX_POINTS`` if set (a whole number >= 1), else the default."""
    text = os.environ.get("UPTAKE_MAX_POINTS", "").strip()
    if not text:
        return MAX_POINTS
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"UPTAKE_MAX_POINTS={text!r}: expected a whole number >= 1")
    return int(text)


def design_points(method: str, samples: int, levels: int, factors: tuple) -> int:
    """How many points a design will have, from its settings alone.

    Factorial: the product of each factor's levels (or listed values); Morris:
    samples x (factors + 1); Sobol: samples x (factors + 2); LHS: samples.
    """
    d = len(factors)
    if method == "factorial":
        return math.prod(len(f.values) if f.values else levels for f in factors)
    if method == "morris":
        return samples * (d + 1)
    if method == "sobol":
        return samples * (d + 2)
    return samples


def check_size(path: Path, method: str, samples: int, levels: int, factors: tuple) -> None:
    """Refuse a design larger than :func:`max_points`, naming the limit and how to raise it."""
    points, limit = design_points(method, samples, levels, factors), max_points()
    if points > limit:
        raise InputError(
            f"{path}: the {method} design has {points:,} points; at most {limit:,} "
            "(lower samples or levels, or set the environment variable UPTAKE_MAX_POINTS)"
        )


def outcome_names(value: Any, path: Path) -> tuple[str, ...]:
    """The ``outcomes`` of a sweep file, each a column of the results (else an error)."""
    from model.outcomes import all_columns

    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise InputError(f"{path}, outcomes={value!r}: expected a list of outcome names")
    known = all_columns()
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=3)
            raise InputError(
                f"{path}, outcomes: unknown outcome {name!r}; did you mean {close}? "
                "(`uptake params --outcomes` lists them)"
            )
    return tuple(names)


def check_whole_levels(name: str, lo: float, hi: float, values, levels: Any, where: str) -> None:
    """A factorial's levels of a whole-number parameter must be distinct whole numbers."""
    if values is not None:
        fractional = [v for v in values if not float(v).is_integer()]
        if fractional:
            raise InputError(
                f"{where}, values={list(values)}: {name} takes whole numbers; "
                f"{fractional} would be rounded (and may repeat another point)"
            )
        if len(set(values)) < len(values):
            raise InputError(f"{where}, values={list(values)}: repeated values")
        return
    if isinstance(levels, int) and not isinstance(levels, bool) and levels >= 2:
        rounded = [int(x) for x in np.rint(np.linspace(lo, hi, levels))]
        if len(set(rounded)) < len(rounded):
            raise InputError(
                f"{where}: levels={levels} on the whole-number range [{lo:g}, {hi:g}] gives "
                f"repeated points {rounded}; use at most {int(hi - lo) + 1} levels"
            )
