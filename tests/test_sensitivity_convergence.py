"""The Morris convergence check passes stable indices and fails unstable ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.sweeps.convergence import compare


def _morris(values: dict[str, float], outcome: str = "y") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"outcome": outcome, "factor": k, "index": "mu_star", "value": v}
            for k, v in values.items()
        ]
    )


def test_stable_indices_pass() -> None:
    rng = np.random.default_rng(0)
    base = {f"f{i}": float(v) for i, v in enumerate(np.linspace(10, 0.1, 20))}
    noisy = {k: v * (1 + 0.02 * rng.standard_normal()) for k, v in base.items()}
    row = compare(_morris(base), _morris(noisy)).iloc[0]
    assert row["passed"], f"2% noise on well-separated indices must pass: {row.to_dict()}"
    assert row["spearman"] > 0.95, f"rank correlation should be near 1, got {row['spearman']}"


def test_reordered_top_fails() -> None:
    base = {f"f{i}": float(v) for i, v in enumerate(np.linspace(10, 0.1, 20))}
    swapped = dict(base)
    swapped["f0"], swapped["f19"] = base["f19"], base["f0"]  # the leader drops to the bottom
    row = compare(_morris(base), _morris(swapped)).iloc[0]
    assert not row["passed"], f"a leader that drops out must fail the check: {row.to_dict()}"
    assert not row["same_top"], "the top set changed, so same_top must be False"
    assert row["max_change_share"] > 0.9, f"change should be ~0.99, got {row['max_change_share']}"


def test_the_study_replicates_points_and_checks_convergence(tmp_path, monkeypatch):
    """A tiny study: replications per point, a rerun at 2N workers and its check on file."""
    import json

    from experiments.sweeps import study as study_module

    few = {"turnover_per_year": (0.1, 0.3), "propensity_pension": (-1.0, 0.0)}
    monkeypatch.setattr(study_module, "factor_ranges", lambda base: dict(few))
    out = tmp_path / "study"
    result = study_module.study(
        out, workers=1000, months=6, trajectories=2, top=2, sobol_n=2, replications=2
    )
    sizes = json.loads((out / "study.json").read_text())
    assert sizes["replications_per_point"] == 2, sizes
    assert sizes["convergence_workers"] == [1000, 2000], sizes
    check = result["convergence"]
    assert set(check["outcome"]) == set(study_module.OUTCOMES), check
    assert (out / "convergence.csv").exists(), "the convergence table is written"
    assert (out / "convergence.png").stat().st_size > 10_000, "the convergence plot is drawn"
    assert sizes["convergence_passed"] == bool(check["passed"].all()), sizes
    runs = {p.name for p in (out / "morris_2n").glob("**/*.parquet")}
    assert runs, "the 2N Morris sweep wrote no runs"


def test_counts_are_compared_per_worker_across_sizes():
    """Breaks at 2N workers are twice as many: per 1,000 workers they must agree."""
    from experiments.sweeps.study import _per_worker

    values = {f"f{i}": float(v) for i, v in enumerate(np.linspace(10, 0.1, 20))}
    small = _morris(values, "new_breaks")
    large = _morris({k: 2 * v for k, v in values.items()}, "new_breaks")
    raw = compare(small, large).iloc[0]
    assert not raw["passed"], "raw counts at 2N differ by half their size: must not pass"
    scaled = compare(_per_worker(small, 1000), _per_worker(large, 2000)).iloc[0]
    assert scaled["passed"], f"per 1,000 workers the indices agree: {scaled.to_dict()}"
    assert scaled["max_change_share"] == 0.0, scaled


def _morris_conf(values: dict[str, tuple[float, float]], outcome: str = "y") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"outcome": outcome, "factor": k, "index": "mu_star", "value": v, "conf": c}
            for k, (v, c) in values.items()
        ]
    )


def _ladder(conf: float) -> dict[str, tuple[float, float]]:
    """Twenty factors 10, 9.5, ... with the same half-interval ``conf``."""
    return {f"f{i}": (10.0 - 0.5 * i, conf) for i in range(20)}


def test_a_tie_at_fifth_place_within_the_intervals_passes() -> None:
    small = _ladder(1.0)
    large = dict(small)
    large["f4"], large["f5"] = small["f5"], small["f4"]  # 5th and 6th swap, 0.5 apart
    row = compare(_morris_conf(small), _morris_conf(large)).iloc[0]
    assert not row["same_top"], "the strict sets differ: f4 left, f5 came in"
    assert row["tied_at_boundary"] == "f4, f5", row.to_dict()
    assert row["top_stable"], f"a swap inside +-1.0 is a tie: {row.to_dict()}"
    assert row["passed"], row.to_dict()


def test_a_swap_the_intervals_can_tell_apart_fails() -> None:
    small = _ladder(0.1)  # intervals of +-0.1 separate factors 0.5 apart
    large = dict(small)
    large["f4"], large["f5"] = small["f5"], small["f4"]
    row = compare(_morris_conf(small), _morris_conf(large)).iloc[0]
    assert row["moved_across_boundary"] == "f4, f5", row.to_dict()
    assert not row["top_stable"], row.to_dict()
    assert not row["passed"], row.to_dict()


@pytest.mark.parametrize("wide_at", ["N", "2N"])
def test_a_tie_must_hold_at_both_sizes(wide_at: str) -> None:
    """f5 passes f4 at 2N; its interval covers fifth place at one size only: it fails.

    Only the tie fails: the change (0.75 of a largest 10) and the ranks pass.
    """
    tight, wide = _ladder(0.1), _ladder(3.0)
    small, large = (wide, dict(tight)) if wide_at == "N" else (tight, dict(wide))
    large["f5"] = (8.25, large["f5"][1])  # 7.5 at N, past f4 (8.0) at 2N
    row = compare(_morris_conf(small), _morris_conf(large)).iloc[0]
    assert row["max_change_share"] <= 0.2, row.to_dict()
    assert row["spearman"] >= 0.8, row.to_dict()
    # Wide at N: f4 (tight at 2N, 0.25 below fifth) fails; wide at 2N: f5 (tight at N).
    assert row["moved_across_boundary"] == ("f4" if wide_at == "N" else "f5"), row.to_dict()
    assert not row["passed"], row.to_dict()


def _crossing(conf_f5_small: float) -> tuple[dict, dict]:
    """f4 and f5 cross fifth place; fifth place is 8.0 at N and 7.875 at 2N.

    Each factor's own interval, against its own size's fifth place, reaches the boundary
    exactly (f5 at N: 0.5 from 8.0; f4 at 2N: 0.25 from 7.875), while the fifth-placed
    factor's interval is narrower and the other size's fifth place is farther away.
    """
    small = _ladder(0.1)
    small["f5"] = (7.5, conf_f5_small)
    large = _ladder(0.1)
    large["f5"] = (7.875, 0.1)
    large["f4"] = (7.625, 0.25)
    return small, large


def test_a_tie_is_judged_by_the_factors_own_interval_at_each_sizes_fifth_place() -> None:
    small, large = _crossing(0.5)
    row = compare(_morris_conf(small), _morris_conf(large)).iloc[0]
    assert row["tied_at_boundary"] == "f4, f5", row.to_dict()
    assert row["passed"], row.to_dict()


def test_a_crossing_just_outside_the_interval_fails() -> None:
    small, large = _crossing(0.49)
    row = compare(_morris_conf(small), _morris_conf(large)).iloc[0]
    assert row["moved_across_boundary"] == "f5", row.to_dict()
    assert not row["passed"], row.to_dict()


def test_no_common_factors_fails_without_error() -> None:
    row = compare(_morris_conf({"a": (1.0, 0.1)}), _morris_conf({"b": (1.0, 0.1)})).iloc[0]
    assert not row["passed"], row.to_dict()


def test_without_intervals_the_check_is_the_strict_one() -> None:
    base = {f"f{i}": float(v) for i, v in enumerate(np.linspace(10, 0.1, 20))}
    swapped = dict(base)
    swapped["f4"], swapped["f5"] = base["f5"], base["f4"]
    row = compare(_morris(base), _morris(swapped)).iloc[0]
    assert not row["top_stable"], row.to_dict()
    assert not row["passed"], row.to_dict()
