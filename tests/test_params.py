"""Parameters fail loudly at the boundary: the field, the bad value and the allowed range."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from model_support import build

from model import Params, UptakeModel
from model.params import describe

FIELDS = {f.name: f for f in dataclasses.fields(Params)}
BOUNDED = [name for name, f in FIELDS.items() if f.metadata["hi"] is not None]
DESIGN_CARD = (
    "mean_wage",
    "mean_age",
    "turnover_per_year",
    "inspection_rate_per_year",
    "worker_subsidy_share",
    "firm_subsidy_share",
    "n_workers",
    "seed",
    "scale",
)


def test_design_card_parameters_are_public_with_documented_defaults():
    rows = {row["name"]: row for row in describe()}
    for name in DESIGN_CARD:
        assert name in rows, f"design-card parameter {name} missing"
        assert rows[name]["unit"], f"{name} has no unit"
        assert rows[name]["doc"], f"{name} has no meaning"
    # A two-year average job spell (facts.md 1.12, C11), not the paper's 20% for catering.
    assert rows["turnover_per_year"]["default"] == pytest.approx(0.45), "turnover default != 0.45"
    assert rows["mean_wage"]["default"] == pytest.approx(2049), "mean wage default != NBS 2011"


def test_every_parameter_has_unit_range_source_and_meaning():
    for row in describe():
        for key in ("unit", "source", "doc"):
            assert row[key], f"parameter {row['name']} has no {key}"
        assert row["lo"] is not None, f"parameter {row['name']} has no lower bound"
        assert row["hi"] is not None, f"parameter {row['name']} has no upper bound"


def test_defaults_are_valid_and_inside_their_ranges():
    params = Params()
    for row in describe():
        value = getattr(params, row["name"])
        if value is None:
            assert row["name"] in ("seed", "scale"), f"{row['name']} defaults to None"
            continue
        assert row["lo"] <= value <= row["hi"], f"default {row['name']}={value} out of range"


@pytest.mark.parametrize("name", BOUNDED)
def test_values_above_the_range_are_rejected_naming_the_field(name):
    hi = FIELDS[name].metadata["hi"]
    bad = hi + 1 if isinstance(hi, int) else hi * 1.5 + 1
    with pytest.raises(ValueError, match=rf"^{name}=.* is out of range; allowed \["):
        Params.build(**{name: bad})


@pytest.mark.parametrize("name", BOUNDED)
def test_values_below_the_range_are_rejected_naming_the_field(name):
    lo = FIELDS[name].metadata["lo"]
    bad = lo - 1 if lo <= 0 or isinstance(lo, int) else lo / 2
    with pytest.raises(ValueError, match=rf"^{name}=.* is out of range; allowed \["):
        Params.build(**{name: bad})


@pytest.mark.parametrize("name", list(FIELDS))
@pytest.mark.parametrize(
    ("bad", "why"),
    [("3", "is not a number"), (True, "is not a number"), (math.nan, ""), (math.inf, "")],
)
def test_non_numbers_and_non_finite_values_are_rejected(name, bad, why):
    with pytest.raises(ValueError, match=rf"^{name}=.*{why}"):
        Params.build(**{name: bad})


@pytest.mark.parametrize("name", [n for n, f in FIELDS.items() if str(f.type).startswith("int")])
def test_whole_number_fields_reject_fractions(name):
    with pytest.raises(ValueError, match=rf"^{name}=.* must be a whole number"):
        Params.build(**{name: FIELDS[name].metadata["lo"] + 1.5})


def test_unknown_parameter_is_rejected_with_a_suggestion():
    with pytest.raises(ValueError, match=r"unknown parameter 'turnover_per_yr'.*turnover_per_year"):
        UptakeModel(turnover_per_yr=0.3)


def test_model_rejects_bad_values_before_building():
    with pytest.raises(ValueError, match=r"^inspection_rate_per_year=-0.1 is out of range"):
        UptakeModel(inspection_rate_per_year=-0.1)


def test_numpy_numbers_from_sweep_designs_are_accepted_as_plain_numbers():
    params = Params.build(
        n_workers=np.int64(500), burn_in_months=np.float64(6.0), mean_wage=np.float32(2100)
    )
    assert type(params.n_workers) is int, "numpy int not stored as int"
    assert type(params.burn_in_months) is int, "whole float not stored as int for an int field"
    assert type(params.mean_wage) is float, "numpy float not stored as float"
    model = build(n_workers=np.int64(300), burn_in_months=2.0, seed=np.int64(4))
    model.step()
    assert model.params.seed == 4, "numpy seed not recorded as the int 4"


def test_scale_defaults_to_the_real_migrant_population():
    model = build(seed=1, n_workers=1_000)
    assert model.scale == pytest.approx(158_630_000 / 1_000), "default scale != 外出 2011 / agents"
    assert build(seed=1, scale=10.0).scale == 10.0, "explicit scale ignored"
