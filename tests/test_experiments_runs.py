"""Runs as functions of (scenario, seed): seeds, common random numbers, tidy output."""

from __future__ import annotations

import pandas as pd
import pytest
from experiments_support import MONTHS, experiment

from experiments.errors import InputError
from experiments.run.experiment import run_scenario
from experiments.run.seeds import replication_seeds
from experiments.run.single import ID_COLUMNS, execute
from experiments.scenarios.library import Scenario
from model.policies import Enforcement


def test_replication_seeds_come_from_one_root_and_are_prefix_stable():
    five = replication_seeds(42, 5)
    assert five == replication_seeds(42, 5), "same root seed must give the same seeds"
    assert len(set(five)) == 5, f"replications need distinct seeds: {five}"
    assert replication_seeds(42, 3) == five[:3], "adding replications must keep earlier seeds"
    assert replication_seeds(43, 5) != five, "another root seed gives other seeds"
    with pytest.raises(InputError, match="root seed -1"):
        replication_seeds(-1, 2)


def test_every_scenario_gets_the_same_seed_for_each_replication():
    specs = experiment(("baseline", "enforcement", "publicity"), replications=3).specs()
    by_rep: dict[int, set[int]] = {}
    for s in specs:
        by_rep.setdefault(s.replication, set()).add(s.seed)
    assert all(len(seeds) == 1 for seeds in by_rep.values()), f"seeds differ: {by_rep}"
    assert len({next(iter(v)) for v in by_rep.values()}) == 3, "replications share a seed"


def test_a_run_returns_tidy_labelled_frames():
    spec = experiment(("baseline",), replications=1).specs()[0]
    result = execute(spec)
    assert result.status == "done", result.error
    out = result.outcomes
    assert list(out.columns[:4]) == list(ID_COLUMNS), list(out.columns[:6])
    assert list(out["month"]) == list(range(MONTHS + 1)), "one row per month from 0"
    assert (out["seed"] == spec.seed).all(), "the seed on every row"
    assert (out["run_id"] == spec.run_id).all(), "the run id on every row"
    months = sorted(result.breakdowns["month"].unique())
    assert months == [12, MONTHS], f"breakdowns at each year end and the last month: {months}"
    assert set(result.breakdowns["by"]) == {"industry", "region"}, "industry and region"


def test_same_spec_gives_identical_results_and_replications_differ():
    specs = experiment(("baseline",), replications=2).specs()
    first, again, other = execute(specs[0]), execute(specs[0]), execute(specs[1])
    pd.testing.assert_frame_equal(first.outcomes, again.outcomes)
    cols = ["frac_covered_pension", "new_separations", "n_employed"]
    assert not first.outcomes[cols].equals(other.outcomes[cols]), "replications must differ"


def test_common_random_numbers_make_reform_and_baseline_equal_before_the_reform():
    specs = experiment(("baseline", "worker-subsidy"), replications=1).specs()
    base, reform = (execute(s).outcomes.set_index("month") for s in specs)
    before = [m for m in base.index if m < 13]
    numbers = base.columns.drop(list(ID_COLUMNS))
    pd.testing.assert_frame_equal(base.loc[before, numbers], reform.loc[before, numbers])
    spending = reform.loc[13:, "subsidy_spending_yuan"]
    assert (spending > 0).all(), f"the subsidy is paid from month 13: {spending.tolist()}"
    assert (base.loc[13:, "subsidy_spending_yuan"] == 0).all(), "no subsidy in the baseline"


def test_zero_strength_reform_reproduces_the_baseline_exactly():
    zero = Scenario("zero", "", (Enforcement(strength=0.0, start=1),))
    specs = experiment(("baseline",), replications=1, extra=(zero,)).specs()
    base, same = (execute(s).outcomes for s in specs)
    numbers = base.columns.drop(list(ID_COLUMNS))
    pd.testing.assert_frame_equal(base[numbers], same[numbers])


def test_run_scenario_api_matches_the_experiment_runs():
    exp = experiment(("publicity",), replications=1)
    spec = exp.specs()[0]
    outcomes, breakdowns = run_scenario(
        "publicity", spec.seed, MONTHS, workers=exp.workers, params=exp.overrides
    )
    pd.testing.assert_frame_equal(outcomes, execute(spec).outcomes)
    assert len(breakdowns) > 0, "breakdowns come back too"


def test_parameter_presets_resolve_with_recorded_source(tmp_path, monkeypatch):
    import model.presets
    from experiments import base_params

    assert base_params.resolve("defaults") == ({}, "model defaults"), "explicit defaults"
    monkeypatch.setattr(base_params, "default_preset_path", lambda: tmp_path / "none.toml")
    values, source = base_params.resolve(None)
    assert values == {}, values
    assert "no calibrated preset" in source, f"the fallback is recorded: {source}"
    (tmp_path / "calibrated.toml").write_text("turnover_per_year = 0.33\n", encoding="utf-8")
    monkeypatch.setattr(model.presets, "PRESET_DIR", tmp_path)
    monkeypatch.setattr(base_params, "default_preset_path", lambda: tmp_path / "calibrated.toml")
    values, source = base_params.resolve(None)
    assert values == {"turnover_per_year": 0.33}, values
    assert source == "preset 'calibrated'", source
    described = experiment(("baseline",), replications=1).describe()["scenarios"][0]
    assert described["params_source"] == "preset 'calibrated'", described["params_source"]
    assert described["resolved_params"]["turnover_per_year"] == 0.33, "preset values applied"
    with pytest.raises(InputError, match="base_params='nope'"):
        base_params.resolve("nope")
