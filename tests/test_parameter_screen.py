"""Screen: every parameter, moved on its own, changes some outcome.

A parameter that changes nothing is either dead code or a mechanism that never
acts; the model keeps neither. The base run is one in which every mechanism can act:
it starts in 2009, so that cross-region moves happen before the 2010 ban on
cash-outs, runs into 2011 (past the Social Insurance Law and its norm trend), and
has every policy lever on at half its maximum strength from month 1. Each parameter
is then moved alone (:func:`moved`) with the same seed, and the test fails for any
parameter whose run has exactly the same outcomes, month by month, as the base run.

Some levers set a level that a parameter sets at the status quo (a policy's targeting
share or key-firm weight replaces a lower status-quo value), so with that lever on the
parameter cannot act. Each parameter is therefore screened with every lever on except
those that move a lever the parameter feeds (:func:`masking_levers`).
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
import pandas as pd
import pytest

from model import UptakeModel
from model.levers import Levers
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
    "norm_trend_end_year": 2011.75,  # inside the run, after the trend starts (2011.5)
    "norm_trend_per_year": 0.2,
    "cash_out_ban_year": 2011.0,  # cash-outs go on through 2010, inside the run
}


def all_policies(drop: frozenset[str] = frozenset()) -> tuple:
    """Every lever but ``drop`` at half its maximum strength, in force from month 1."""
    return tuple(
        make_policy(name, strength=0.5 * cls.max_strength)
        for name, cls in POLICIES.items()
        if name not in drop
    )


def masking_levers(name: str, value: float) -> frozenset[str]:
    """Levers whose policies move a status-quo lever that parameter ``name`` sets."""
    base = Levers.status_quo(Params.build(**BASE))
    moved_ = Levers.status_quo(Params.build(**{**BASE, name: value}))
    fed = {
        f.name
        for f in dataclasses.fields(Levers)
        if getattr(base, f.name) != getattr(moved_, f.name)
    }
    return frozenset(lever for lever, cls in POLICIES.items() if fed & set(cls.moves))


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
def outcomes(
    name: str | None, value: float | None, drop: frozenset[str] = frozenset()
) -> pd.DataFrame:
    params = dict(BASE)
    if name is not None:
        params[name] = value
    model = UptakeModel(policies=all_policies(drop), **params)
    for _ in range(MONTHS):
        model.step()
    return model.results_frame().drop(columns=["seed"])


SCREENED = list(dataclasses.fields(Params))


@pytest.mark.parametrize("field", SCREENED, ids=[f.name for f in SCREENED])
def test_parameter_changes_some_outcome(field):
    value = moved(field)
    drop = masking_levers(field.name, value) if field.name not in SPECIAL else frozenset()
    same = identical(outcomes(None, None, drop), outcomes(field.name, value, drop))
    assert not same, (
        f"{field.name}: moving it from {field.default} to {value} changes no outcome in "
        f"{MONTHS} months from {BASE['start_year']} with every lever on but "
        f"{sorted(drop)}: remove it or make it act"
    )


def identical(base: pd.DataFrame, run: pd.DataFrame) -> bool:
    """Whether two runs have the same outcomes, month by month."""
    return base.shape == run.shape and all(
        np.array_equal(base[c].to_numpy(), run[c].to_numpy(), equal_nan=True) for c in base
    )


def test_the_screen_sees_a_masked_parameter():
    # Negative control: with the targeting lever on, the status-quo targeting share is
    # replaced by the policy's, so moving it changes nothing; the screen drops that lever.
    assert masking_levers("risk_targeting", 0.45) == {"targeting"}
    assert identical(outcomes(None, None), outcomes("risk_targeting", 0.45))
