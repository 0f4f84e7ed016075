"""The sensitivity study's factor ranges and its choice of factors for Sobol."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from experiments.sweeps.designs import read_sweep
from experiments.sweeps.study import NOT_VARIED, factor_ranges, top_factors, write_sweep
from model.params import Params


def _base(**changes):
    return {**Params().to_dict(), **changes}


def test_ranges_cover_every_parameter_but_run_controls_and_bracket_the_base():
    base = _base(detection_power=0.06, norm_trend_per_year=0.09)
    ranges = factor_ranges(base)
    names = {f.name for f in dataclasses.fields(Params)}
    assert set(ranges) <= names - set(NOT_VARIED), "run controls and dates must not vary"
    assert len(ranges) >= len(names) - len(NOT_VARIED) - 3, "almost every parameter varies"
    for name, (lo, hi) in ranges.items():
        assert lo <= base[name] <= hi, f"{name}: base {base[name]} outside [{lo}, {hi}]"
        meta = Params.__dataclass_fields__[name].metadata
        assert meta["lo"] is None or lo >= meta["lo"], f"{name}: below the allowed range"
        assert meta["hi"] is None or hi <= meta["hi"], f"{name}: above the allowed range"


def test_range_rules_by_unit():
    ranges = factor_ranges(
        _base(propensity_injury=-1.0, norm_trend_per_year=0.1, enrol_propensity=0.0)
    )
    assert ranges["propensity_injury"] == pytest.approx((-2.0, 0.0)), "utility units: +-1"
    assert ranges["norm_trend_per_year"] == pytest.approx((0.05, 0.15)), "a rate: x0.5-1.5"
    assert ranges["worker_subsidy_share"] == pytest.approx((0.0, 0.25)), "zero: first quarter"
    assert ranges["detection_power"][1] <= 1.0, "a share stays within [0, 1]"
    assert ranges["enrol_propensity"] == pytest.approx((-0.25, 0.25)), "zero, signed: +-1/8"


def test_top_factors_rank_by_relative_mu_star_over_outcomes():
    rows = [
        ("a", "y1", 10.0),
        ("b", "y1", 5.0),
        ("c", "y1", 1.0),
        ("a", "y2", 0.1),
        ("b", "y2", 0.2),
        ("c", "y2", 1.0),
    ]
    morris = pd.DataFrame(
        [
            {"factor": f, "outcome": o, "index": "mu_star", "value": v, "conf": 0.0}
            for f, o, v in rows
        ]
    )
    assert top_factors(morris, 2) == ["a", "c"], "c leads y2, a leads y1; b is second in both"


def test_written_sweep_file_is_read_by_the_experiments_tooling(tmp_path):
    ranges = {"detection_power": (0.03, 0.09), "propensity_injury": (-2.0, 0.0)}
    path = write_sweep(tmp_path / "m.toml", "morris", ranges, 2, 1000, 12, 1, 5, "defaults")
    spec = read_sweep(path)
    assert spec.method == "morris", "design"
    assert [f.name for f in spec.factors] == list(ranges), "factors in order"
    assert (spec.factors[0].lo, spec.factors[0].hi) == ranges["detection_power"], "range"
    assert spec.run["months"] == 12, "months recorded"
    assert spec.run["workers"] == 1000, "workers recorded"
