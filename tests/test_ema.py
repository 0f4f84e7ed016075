"""The EMA Workbench adapter: levers, uncertainties, outcomes, common random numbers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("ema_workbench", reason="EMA Workbench not installed: pip install -e '.[ema]'")

from experiments.errors import InputError
from experiments.run.experiment import run_scenario
from experiments.run.seeds import replication_seeds
from experiments.sweeps.ema import evaluate, reduce, uptake_model

ROOT = Path(__file__).resolve().parent.parent
TINY = {"months": 14, "workers": 400, "params": {"burn_in_months": 6}}


def test_model_exposes_levers_uncertainties_outcomes_and_shared_seeds():
    model = uptake_model(
        {"enforcement": (0.0, 1.0)},
        {"turnover_per_year": (0.15, 0.5), "lookback_months": (6, 36)},
        ("frac_covered_pension",),
        replications=3,
        root_seed=9,
        **TINY,
    )
    assert [p.name for p in model.levers] == ["enforcement"], "levers are policy strengths"
    names = sorted(p.name for p in model.uncertainties)
    assert names == ["lookback_months", "turnover_per_year"], names
    kinds = {p.name: type(p).__name__ for p in model.uncertainties}
    assert kinds["lookback_months"] == "IntegerParameter", "integer parameters stay integers"
    assert [o.name for o in model.outcomes] == ["frac_covered_pension"]
    seeds = [r["seed"] for r in model.replications]
    assert seeds == replication_seeds(9, 3), "replication r has seed r of the root seed (CRN)"


def test_a_zero_lever_reproduces_the_baseline_run_exactly():
    seed = replication_seeds(4, 1)[0]
    names = ("frac_covered_pension", "cum_subsidy_spending_yuan")
    got = evaluate(seed, 14, 400, "baseline", 13, {"burn_in_months": 6}, names, enforcement=0.0)
    outcomes, _ = run_scenario("baseline", seed, 14, workers=400, params={"burn_in_months": 6})
    expected = {n: reduce(outcomes, n) for n in names}
    assert got == expected, "strength 0 is the identity; the same seed gives the same run"


def test_a_lever_changes_the_outcome_under_the_same_seed():
    seed = replication_seeds(4, 1)[0]
    names = ("cum_n_inspections",)
    settings = (seed, 14, 400, "baseline", 2, {"burn_in_months": 6}, names)
    off = evaluate(*settings, enforcement=0.0)
    on = evaluate(*settings, enforcement=1.0)
    assert on["cum_n_inspections"] > off["cum_n_inspections"], "tripled inspections show"


def test_reduce_takes_the_last_total_and_the_final_window_mean():
    frac = [0.0] * 13 + [1.0] * 12
    frame = pd.DataFrame({"month": range(25), "cum_x": range(25), "frac_y": frac})
    assert reduce(frame, "cum_x") == 24.0, "running totals: the value at the last month"
    assert reduce(frame, "frac_y") == 1.0, "other outcomes: mean of the last 12 months"


@pytest.mark.parametrize(
    ("levers", "uncertainties", "outcomes", "message"),
    [
        ({"enforcment": (0, 1)}, {}, ("frac_covered_any",), "enforcment"),
        ({"worker_subsidy": (0, 2)}, {}, ("frac_covered_any",), r"allowed \[0, 1"),
        ({}, {"turnover": (0, 1)}, ("frac_covered_any",), "turnover"),
        ({}, {"turnover_per_year": (0.5, 0.1)}, ("frac_covered_any",), "lowest < highest"),
        ({}, {"turnover_per_year": (0.1, 2.0)}, ("frac_covered_any",), "0.95"),
        ({}, {"turnover_per_year": (0.1, 0.5)}, ("coverage",), "coverage"),
    ],
)
def test_bad_inputs_are_named(levers, uncertainties, outcomes, message):
    with pytest.raises(InputError, match=message):
        uptake_model(levers, uncertainties, outcomes, **TINY)


@pytest.mark.slow
def test_example_runs_experiments_and_feature_scoring(tmp_path):
    script = ROOT / "experiments" / "examples" / "ema_workbench.py"
    args = ["--scenarios", "4", "--policies", "2", "-r", "2", "-w", "400", "-m", "14"]
    done = subprocess.run(
        [sys.executable, str(script), *args, "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    experiments = pd.read_csv(tmp_path / "experiments.csv")
    assert len(experiments) == 8, "4 scenarios x 2 policies"
    assert experiments["policy"].nunique() == 2, "two lever settings"
    scores = pd.read_csv(tmp_path / "feature_scores.csv", index_col=0)
    inputs = {"enforcement", "worker_subsidy", "turnover_per_year", "inspection_rate_per_year"}
    assert set(scores.index) == inputs, scores
    assert scores.sum().round(6).eq(1.0).all(), "feature scores of each outcome sum to 1"
    outcomes = pd.read_csv(tmp_path / "outcomes.csv")
    assert outcomes["frac_covered_pension"].between(0, 1).all(), "coverage is a share"
