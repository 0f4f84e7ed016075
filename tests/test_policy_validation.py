"""Published-response experiments: each runs, measures what it says and judges honestly."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.calibration import policy_validation as pv
from model.presets import load_preset

SEEDS = [101, 102]
N = 3_000


@pytest.fixture(scope="module")
def params():
    return load_preset("calibrated")


def test_month_of_counts_from_january_of_the_start_year():
    assert pv.month_of(2011, 1) == 1, "January 2011 is month 1"
    assert pv.month_of(2019, 5) == 101, "May 2019 is month 101"


def test_higher_rates_lower_pension_coverage_as_in_chengdu(params):
    result = pv.chengdu(params, SEEDS, N)
    assert result.values.shape == (2,), "one paired difference per seed"
    assert result.passed == bool(result.values.mean() < 0 and np.percentile(result.values, 95) < 0)
    assert result.values.mean() < 0, f"higher employer rates raised coverage: {result.values}"


def _probe(model):
    found, audited = pv.audit_yield(model)
    return {"f": found, "a": audited}


def test_audit_yield_is_a_share_and_vanishes_without_detection(params):
    found = pv.run_months(params, [], 5, N, 12, _probe)
    share = found["f"].sum() / found["a"].sum()
    assert 0 < share < 5, f"audit yield {share} is not a plausible ratio"
    blind = pv.run_months({**params, "detection_power": 0.0}, [], 5, N, 12, _probe)
    assert blind["f"].sum() == 0, "with detection power 0 an audit can find nothing"


def test_run_all_names_unknown_experiments(params):
    with pytest.raises(ValueError, match="unknown validation experiment"):
        pv.run_all(params, SEEDS, N, only=["chengdu"])


def test_result_rows_carry_source_and_verdict(params):
    table = pv.run_all(params, SEEDS[:1], N, only=["law-2011"])
    row = table.iloc[0]
    assert row["source"], row
    assert row["criterion"], row
    assert isinstance(row["pass"], bool | np.bool_), row
    assert row["pass"] == (row["model_mean"] > 0), "law-2011 passes exactly when the share > 0"
