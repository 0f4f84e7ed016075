"""The Morris convergence check passes stable indices and fails unstable ones."""

from __future__ import annotations

import numpy as np
import pandas as pd

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


def test_a_tie_must_hold_at_both_sizes() -> None:
    """A factor far from fifth place at N (tight interval) that jumps in at 2N fails."""
    small = _ladder(0.1)
    large = {k: (v, 3.0) for k, (v, _) in small.items()}  # wide intervals at 2N only
    large["f9"] = (small["f4"][0] + 0.1, 3.0)  # f9 (5.5 at N) jumps past fifth at 2N
    row = compare(_morris_conf(small), _morris_conf(large)).iloc[0]
    assert "f9" in row["moved_across_boundary"], row.to_dict()
    assert not row["passed"], row.to_dict()


def test_without_intervals_the_check_is_the_strict_one() -> None:
    base = {f"f{i}": float(v) for i, v in enumerate(np.linspace(10, 0.1, 20))}
    swapped = dict(base)
    swapped["f4"], swapped["f5"] = base["f5"], base["f4"]
    row = compare(_morris(base), _morris(swapped)).iloc[0]
    assert not row["top_stable"], row.to_dict()
    assert not row["passed"], row.to_dict()
