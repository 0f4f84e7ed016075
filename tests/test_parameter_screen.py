"""Screen: every parameter, moved on its own, changes some outcome.

A parameter that changes nothing is either dead code or a mechanism that never
acts; the model keeps neither. The base run is one in which every mechanism can act:
it starts in 2009, so that cross-region moves happen before the 2010 ban on
cash-outs, runs into 2011 (past the Social Insurance Law and its norm trend), and
has every policy lever on at half its maximum strength from month 1. Each parameter
is then moved alone (:func:`moved`) with the same seed, and the test fails for any
parameter whose run has exactly the same outcomes, month by month, as the base run.
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pandas as pd
import pytest

from model import UptakeModel
from model.params import Params
from model.policies import POLICIES, make_policy

BASE: dict = {
    "n_workers": 4_000,
    "seed": 20_090,
    "start_year": 2009,
    "burn_in_months": 6,
    "norm_trend_per_year": 0.1,  # on, as calibrated (0 switches the trend off)
    # Wage arrears hit whole firms, so that some months see collective disputes.
    "arrears_per_year": 0.05,
    "dispute_propensity": 0.05,
}
MONTHS = 36
#: Moves that the generic rule (:func:`moved`) would get wrong: dates inside the run,
#: and values that must stay valid together with the others.
SPECIAL = {
    "seed": 20_091,
    "n_workers": 4_100,
    "scale": 10.0,
    "start_year": 2010,
    "burn_in_months": 7,
    "norm_trend_start_year": 2010.5,
    "norm_trend_end_year": 2011.0,
    "norm_trend_per_year": 0.2,
}


def all_policies() -> tuple:
    """Every lever at half its maximum strength, in force from month 1."""
    return tuple(
        make_policy(name, strength=0.5 * cls.max_strength) for name, cls in POLICIES.items()
    )


def moved(field: dataclasses.Field) -> float | int:
    """A value of ``field`` away from its default and inside its range."""
    if field.name in SPECIAL:
        return SPECIAL[field.name]
    default, lo, hi = field.default, field.metadata["lo"], field.metadata["hi"]
    is_int = str(field.type).startswith("int")
    if is_int:
        return default + 1 if hi is None or default + 1 <= hi else default - 1
    if default == 0:
        return lo + 0.1 * (hi - lo) if lo < 0 or lo == 0 else lo
    for factor in (1.5, 0.5, 1.1, 0.9):
        value = default * factor
        if lo <= value <= hi and value != default:
            return value
    raise AssertionError(f"no move for {field.name}")


@functools.cache
def outcomes(name: str | None, value: float | None) -> pd.DataFrame:
    params = dict(BASE)
    if name is not None:
        params[name] = value
    model = UptakeModel(policies=all_policies(), **params)
    for _ in range(MONTHS):
        model.step()
    return model.results_frame().drop(columns=["seed"])


SCREENED = list(dataclasses.fields(Params))


@pytest.mark.parametrize("field", SCREENED, ids=[f.name for f in SCREENED])
def test_parameter_changes_some_outcome(field):
    value = moved(field)
    base, run = outcomes(None, None), outcomes(field.name, value)
    same = base.shape == run.shape and all(
        np.array_equal(base[c].to_numpy(), run[c].to_numpy(), equal_nan=True) for c in base
    )
    assert not same, (
        f"{field.name}: moving it from {field.default} to {value} changes no outcome in "
        f"{MONTHS} months from {BASE['start_year']} with every lever on: remove it or make it act"
    )
