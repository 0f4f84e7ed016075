"""Ensemble of calibrated sets: intervals across members and seeds, robust rankings."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from experiments.analysis import ensemble_gains
from experiments.calibration import ensemble


def gains_frame(effects: dict[str, list[float]], noise: float, seeds: int = 4) -> pd.DataFrame:
    """Synthetic gains: reform -> mean gain per member, plus seed noise."""
    rng = np.random.default_rng(0)
    rows = []
    for name, per_member in effects.items():
        for k, mean in enumerate(per_member):
            for s in range(seeds):
                value = mean + noise * rng.standard_normal()
                rows.append({"member": k, "seed": s, "scenario": name, "gain_pension": value})
    return pd.DataFrame(rows)


def test_a_ranking_that_holds_in_every_member_is_robust():
    g = gains_frame({"a": [5.0, 6.0, 7.0], "b": [1.0, 1.5, 2.0]}, noise=0.1)
    pairs = ensemble_gains.rankings(g).set_index(["first", "second"])
    assert pairs.loc[("a", "b"), "robust"], pairs
    assert pairs.loc[("a", "b"), "share_of_members_first_higher"] == 1.0, pairs
    assert pairs.loc[("a", "b"), "ranking"] == ensemble_gains.ROBUST, pairs


def test_a_ranking_that_flips_between_members_is_not_robust():
    g = gains_frame({"a": [5.0, 1.0, 6.0], "b": [2.0, 3.0, 2.0]}, noise=0.1)
    pairs = ensemble_gains.rankings(g)
    row = pairs.iloc[0]
    assert not row["robust"], f"order flips in member 1, yet called robust: {row.to_dict()}"
    assert row["share_of_members_first_higher"] == pytest.approx(2 / 3), row
    assert row["ranking"] == ensemble_gains.FLIPS, row


def test_noise_larger_than_the_difference_is_not_robust():
    swings = [3.0, -3.0, 3.0, -2.5]  # paired differences swing around +0.1 within members
    rows = []
    for k in range(2):
        for s, swing in enumerate(swings):
            rows.append({"member": k, "seed": s, "scenario": "a", "gain_pension": 1.1 + swing})
            rows.append({"member": k, "seed": s, "scenario": "b", "gain_pension": 1.0})
    pairs = ensemble_gains.rankings(pd.DataFrame(rows))
    assert not pairs["robust"].any(), f"seed noise swamps the difference: {pairs}"
    assert (pairs["ranking"] == ensemble_gains.WITHIN_NOISE).all(), pairs


def test_summary_separates_seed_and_ensemble_spread():
    g = gains_frame({"a": [2.0, 4.0, 6.0, 8.0]}, noise=0.0)
    row = ensemble_gains.summarise(g).iloc[0]
    assert row["seed_ci90_low"] == pytest.approx(2.0), "no seed noise: a zero-width interval"
    assert row["seed_ci90_high"] == pytest.approx(2.0), row
    assert row["ensemble_min"] == 2.0, row
    assert row["ensemble_max"] == 8.0, row
    assert row["gain_mean"] == pytest.approx(5.0), row


def test_an_ensemble_from_another_calibration_is_refused(tmp_path):
    path = tmp_path / "ensemble.json"
    meta = {"preset": "calibrated", "preset_digest": "not-this-one"}
    path.write_text(json.dumps({"members": [], "meta": meta}))
    with pytest.raises(ValueError, match="another version of preset"):
        ensemble.load_ensemble(path)
    assert ensemble.load_ensemble(path, check=False)["meta"] == meta


def test_jacobian_of_a_linear_residual_is_its_matrix():
    a = np.array([[1.0, 2.0], [0.5, -1.0], [3.0, 0.0]])

    class Linear:
        def residuals(self, x):
            return a @ x

    x = np.array([0.3, 0.99])  # the second step must turn back at the upper bound
    jac = ensemble.jacobian(Linear(), x, a @ x)
    assert np.allclose(jac, a), jac


def test_one_seed_per_member_gives_no_robust_ranking():
    g = gains_frame({"a": [5.0, 6.0], "b": [1.0, 1.5]}, noise=0.1, seeds=1)
    pairs = ensemble_gains.rankings(g)
    assert not pairs["robust"].any(), f"no seed interval with one seed, yet robust: {pairs}"


def test_the_baseline_joins_the_ranking_with_a_gain_of_zero():
    g = gains_frame({"a": [2.0, 3.0, 2.5], "b": [0.5, -0.4, 0.2]}, noise=0.05)
    pairs = ensemble_gains.rankings(g, baseline="base").set_index(["first", "second"])
    assert len(pairs) == 3, f"two reforms and the baseline make three pairs: {pairs}"
    assert pairs.loc[("a", "base"), "robust"], f"a gains 2-3 points in every member: {pairs}"
    row = pairs.loc[("b", "base")] if ("b", "base") in pairs.index else pairs.loc[("base", "b")]
    assert not row["robust"], f"b's gain changes sign between members: {pairs}"
    with pytest.raises(ValueError, match="baseline='a' is also one of the reforms"):
        ensemble_gains.rankings(g, baseline="a")


def test_member_gains_reports_progress_and_stops_when_asked():
    from experiments.scenarios import PRESETS

    members = [{"burn_in_months": 6}, {"burn_in_months": 6, "awareness_mean": 0.3}]
    base, reforms = PRESETS["baseline"], [PRESETS["points"]]
    seen: list[tuple[int, int]] = []
    gains = ensemble_gains.member_gains(
        members, base, reforms, [1, 2], 300, 13, progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(d, 8) for d in range(1, 9)], f"2 members x 2 seeds x 2 runs: {seen}"
    assert len(gains) == 4, f"one row per member, seed and reform: {gains}"
    assert set(gains["member"]) == {0, 1}, gains
    asked = []

    def stop_after_three() -> bool:
        asked.append(1)
        return len(asked) > 3

    cut = ensemble_gains.member_gains(
        members, base, reforms, [1, 2], 300, 13, stopped=stop_after_three
    )
    assert cut is None, f"a stopped run must not return a partial table: {cut}"
    assert len(asked) == 4, f"the stop flag is asked before every run: {len(asked)} times"


def _bowl(x):
    """A synthetic objective: J = 100 * |x - 0.5|^2 (accepted when J <= 1: radius 0.1)."""
    return 100.0 * float(np.sum((np.asarray(x) - 0.5) ** 2))


def test_a_too_narrow_proposal_is_widened_and_its_points_are_not_kept():
    from experiments.calibration.ensemble import BATCH, draw_members

    x_star = np.full(2, 0.5)
    rng = np.random.default_rng(3)
    # A proposal sd of 0.001: every draw fits, so the first batches only tune the scale.
    out = draw_members(_bowl, x_star, np.eye(2), 1.0, 5, 200, rng, inflate=0.001)
    assert out["tuning_accepted"] >= BATCH, f"the first batch should be tuning: {out}"
    assert out["scales"][0] == 0.002, f"an all-accepted batch doubles the scale: {out['scales']}"
    kept_scales = {m["scale"] for m in out["kept"]}
    assert min(kept_scales) > 0.01, f"narrow tuning batches' points were kept: {kept_scales}"
    assert len(out["kept"]) == 5, f"five members were asked for: {len(out['kept'])}"
    assert all(_bowl(m["x"]) <= 1.0 for m in out["kept"]), "a kept point does not fit"


def test_a_too_wide_proposal_is_narrowed_and_stops_at_the_candidate_limit():
    from experiments.calibration.ensemble import BATCH, draw_members

    rng = np.random.default_rng(4)
    out = draw_members(_bowl, np.full(2, 0.5), np.eye(2), 1.0, 50, 3 * BATCH, rng, inflate=10.0)
    assert out["tried"] == 3 * BATCH, f"must stop at max_candidates: {out['tried']}"
    assert out["scales"][0] == 5.0, f"a batch with almost nothing kept halves the scale: {out}"
    assert len(out["kept"]) < 50, "cannot keep 50 from 30 candidates"
