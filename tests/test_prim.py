"""PRIM on functions whose box is known, and against EMA Workbench's PRIM."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.sweeps import prim


def uniform_inputs(n: int = 1500, seed: int = 7) -> pd.DataFrame:
    """Three uniform inputs on [0, 1] and one categorical input."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "a": rng.uniform(0, 1, n),
            "b": rng.uniform(0, 1, n),
            "c": rng.uniform(0, 1, n),
            "kind": rng.choice(["p", "q", "r"], n),
        }
    )


def test_finds_a_known_two_input_box():
    x = uniform_inputs()
    y = ((x["a"] > 0.6) & (x["b"] < 0.3)).to_numpy()
    steps = prim.peeling_trajectory(x, y)
    chosen = prim.select_step(steps, min_density=0.9)
    assert chosen is not None, "a clean box of density 1 exists; PRIM must reach 0.9"
    box = steps[chosen]
    assert set(box.restricted) == {"a", "b"}, f"only a and b matter, got {box.restricted}"
    lo_a, _ = box.limits["a"]
    _, hi_b = box.limits["b"]
    assert abs(lo_a - 0.6) < 0.05, f"lower limit of a {lo_a:.3f} should be near 0.6"
    assert abs(hi_b - 0.3) < 0.05, f"upper limit of b {hi_b:.3f} should be near 0.3"
    assert box.coverage > 0.9, f"coverage {box.coverage:.3f} should be above 0.9"
    assert box.density >= 0.9, f"density {box.density:.3f} should reach 0.9"


def test_trajectory_starts_with_all_data_and_never_drops_below_mass_min():
    x = uniform_inputs()
    y = (x["c"] > 0.9).to_numpy()
    steps = prim.peeling_trajectory(x, y, mass_min=0.08)
    first = steps[0]
    assert first.mass == 1.0, "the first box holds all the data"
    assert first.coverage == 1.0, "the first box holds every case of interest"
    assert first.density == pytest.approx(y.mean()), "density of all data = share of cases"
    assert min(s.mass for s in steps) >= 0.08, "no box may hold less than mass_min"
    for s in steps:
        inside = prim._Search(x, y, np.ones(len(y), bool), 0.05, 0.05, 0.08).within(s.limits)
        assert (inside == s.inside).all(), "a step's rows must be exactly those in its limits"


def test_categorical_input_is_peeled_by_category():
    x = uniform_inputs()
    y = ((x["kind"] == "q") & (x["a"] < 0.5)).to_numpy()
    steps = prim.peeling_trajectory(x, y)
    box = steps[prim.select_step(steps, 0.9)]
    assert box.limits["kind"] == frozenset({"q"}), f"kind limits {box.limits['kind']}"
    assert box.limits["a"][1] == pytest.approx(0.5, abs=0.05), f"a limits {box.limits['a']}"


def test_covering_sets_the_first_box_aside_before_the_second_search():
    x = uniform_inputs(3000)[["a", "b", "c"]]
    y = ((x["a"] < 0.2) | ((x["a"] > 0.5) & (x["b"] > 0.8))).to_numpy()
    found = prim.find_boxes(x, y, max_boxes=2, min_density=0.85)
    assert len(found) == 2, "the first box leaves cases of interest: a second search runs"
    steps, chosen = found[0]
    first = steps[chosen]
    assert first.limits["a"][1] == pytest.approx(0.2, abs=0.03), f"box 1: {first.limits}"
    assert first.density > 0.95, f"box 1 density {first.density:.3f}"
    start = found[1][0][0]
    assert start.mass == pytest.approx(1 - first.mass), "search 2 starts without box 1's rows"
    assert start.coverage == pytest.approx(1 - first.coverage), "coverage is of all cases"
    assert not (start.inside & first.inside).any(), "no row of box 1 is searched again"


def test_no_dense_box_gives_none():
    x = uniform_inputs(500)
    rng = np.random.default_rng(3)
    y = rng.uniform(size=500) < 0.2  # unrelated to the inputs
    steps = prim.peeling_trajectory(x, y)
    assert prim.select_step(steps, min_density=0.95) is None, "noise has no box of density 0.95"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mass_min": 0.0}, "mass_min=0.0"),
        ({"peel_alpha": 0.6}, "peel_alpha=0.6"),
    ],
)
def test_bad_settings_are_named(kwargs, message):
    x = uniform_inputs(100)
    with pytest.raises(ValueError, match=message):
        prim.peeling_trajectory(x, (x["a"] > 0.5).to_numpy(), **kwargs)


def test_no_case_of_interest_is_refused():
    x = uniform_inputs(100)
    with pytest.raises(ValueError, match="no case of interest"):
        prim.peeling_trajectory(x, np.zeros(100, bool))


def test_agrees_with_ema_workbench_prim():
    ema_prim = pytest.importorskip("ema_workbench.analysis.prim")
    x = uniform_inputs(1000, seed=11)[["a", "b", "c"]]
    y = ((x["a"] > 0.4) & (x["a"] < 0.9) & (x["c"] < 0.5)).to_numpy()
    ours = prim.peeling_trajectory(x, y)
    ema = ema_prim.Prim(x, y, threshold=0.8).find_box()
    last = ema.peeling_trajectory.iloc[-1]
    theirs = ema.box_lims[-1]
    assert ours[-1].density == pytest.approx(last["density"], abs=0.05), "final densities agree"
    assert ours[-1].coverage == pytest.approx(last["coverage"], abs=0.1), "final coverages agree"
    for name in ("a", "c"):
        for k in (0, 1):
            assert ours[-1].limits[name][k] == pytest.approx(theirs[name][k], abs=0.06), (
                f"limit {k} of {name}: ours {ours[-1].limits[name][k]:.3f}, "
                f"EMA {theirs[name][k]:.3f}"
            )
