"""``model.simulation.simulate`` and the outcome labels: the shared run path and names."""

from __future__ import annotations

import pandas as pd
import pytest
from model_support import SMALL, run

from model import outcomes
from model.policies import Enforcement
from model.simulation import simulate


def test_simulate_matches_stepping_the_model_by_hand():
    policy = Enforcement(strength=1.0, start=3)
    by_hand = run(8, (policy,), seed=41)
    simulated = simulate((policy,), months=8, seed=41, **SMALL)
    assert simulated.month == 8, f"simulate ran {simulated.month} months, not 8"
    pd.testing.assert_frame_equal(
        by_hand.results_frame(), simulated.results_frame(), check_exact=True
    )


def test_on_month_sees_every_month_and_can_stop_the_run():
    seen = []

    def watch(model):
        seen.append(model.month)
        return model.month < 3

    model = simulate(months=10, on_month=watch, seed=42, **SMALL)
    assert seen == [1, 2, 3], f"on_month saw months {seen}"
    assert model.month == 3, f"the run went on to month {model.month} after a False"
    none_returned = simulate(months=2, on_month=lambda m: None, seed=42, **SMALL)
    assert none_returned.month == 2, "a callback returning None must not stop the run"


@pytest.mark.parametrize("months", [-1, 2.5, True, "3"])
def test_bad_months_are_rejected(months):
    with pytest.raises(ValueError, match=r"months=.* must be a whole number >= 0"):
        simulate(months=months, seed=1, **SMALL)


def test_every_results_column_has_a_label_and_a_unit():
    frame = run(2, seed=43).results_frame()
    for column in frame.columns:
        assert outcomes.label(column), f"{column} has no label"
        assert outcomes.unit(column), f"{column} has no unit"
    labels = [outcomes.label(c) for c in frame.columns]
    assert len(set(labels)) == len(labels), "two columns share a label"


def test_derived_columns_are_labelled_from_their_outcome():
    assert outcomes.label("frac_covered_pension") == "Pension coverage"
    assert outcomes.label("cum_breaks") == "New breaks in coverage, to date"
    assert outcomes.label("new_breaks_real") == "New breaks in coverage, real"
    assert outcomes.unit("new_breaks") == "agents"
    assert outcomes.unit("cum_breaks_real") == "persons"
    assert outcomes.unit("n_inspections_real") == "firms"
    assert outcomes.unit("cum_fines_yuan") == "yuan"
    with pytest.raises(ValueError, match="column='coverage' is not an outcome column"):
        outcomes.label("coverage")
