"""Summaries, paired differences and cost-effectiveness on frames with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from experiments.analysis import summaries

MONTHS = 24


def frame(
    scenario: str,
    seeds: list[int],
    pension: list[float],
    subsidy_per_month=0.0,
    inspections_per_month=0.0,
) -> pd.DataFrame:
    """A results frame: constant pension coverage per replication, flat monthly flows."""
    rows = []
    for r, (seed, level) in enumerate(zip(seeds, pension, strict=True)):
        for m in range(MONTHS + 1):
            rows.append(
                {
                    "scenario": scenario,
                    "replication": r,
                    "seed": seed,
                    "run_id": f"{scenario}__r{r:03d}",
                    "month": m,
                    "year": 2011 + max(m - 1, 0) // 12,
                    "frac_covered_pension": level,
                    "frac_covered_any": level + 0.3,
                    "cum_subsidy_spending_yuan": subsidy_per_month * m,
                    "cum_n_inspections_real": inspections_per_month * m,
                    "cum_contribution_income_yuan": 0.0,
                }
            )
    return pd.DataFrame(rows)


COLS = ["frac_covered_pension", "frac_covered_any"]


def test_summary_mean_and_quantiles_across_replications():
    levels = [0.10, 0.20, 0.30, 0.40, 0.50]
    s = summaries.summarise(frame("baseline", [1, 2, 3, 4, 5], levels), COLS)
    row = s[(s["outcome"] == "frac_covered_pension") & (s["month"] == 7)].iloc[0]
    assert row["n"] == 5, row
    assert row["mean"] == pytest.approx(0.30), row
    assert row["q05"] == pytest.approx(np.quantile(levels, 0.05)), row
    assert row["q95"] == pytest.approx(np.quantile(levels, 0.95)), row
    assert row["unit"] == "share", row


def test_paired_differences_cancel_the_shared_noise():
    seeds, base_levels = [1, 2, 3, 4], [0.10, 0.30, 0.15, 0.40]
    base = frame("baseline", seeds, base_levels)
    reform = frame("reform", seeds, [b + 0.05 for b in base_levels])
    d = summaries.differences(pd.concat([base, reform]), "baseline", COLS)
    row = d[(d["outcome"] == "frac_covered_pension") & (d["month"] == 20)].iloc[0]
    assert row["mean"] == pytest.approx(0.05), row
    assert row["ci90_high"] - row["ci90_low"] == pytest.approx(0.0, abs=1e-12), (
        "pairing by seed removes the spread that is common to both runs"
    )


def test_unpaired_seeds_are_refused():
    base = frame("baseline", [1, 2], [0.1, 0.2])
    reform = frame("reform", [1, 3], [0.1, 0.2])
    with pytest.raises(ValueError, match="different seeds"):
        summaries.differences(pd.concat([base, reform]), "baseline", COLS)


def test_cost_effectiveness_counts_subsidy_and_inspections():
    seeds = [1, 2, 3]
    base = frame("baseline", seeds, [0.1, 0.2, 0.3])
    # +2 points; subsidy 1e8 yuan in total; 50,000 extra inspections x 1,000 yuan = 5e7 yuan
    reform = frame(
        "reform",
        seeds,
        [0.12, 0.22, 0.32],
        subsidy_per_month=1e8 / MONTHS,
        inspections_per_month=50_000 / MONTHS,
    )
    free = frame("free", seeds, [0.11, 0.21, 0.31])
    ce = summaries.cost_effectiveness(pd.concat([base, reform, free]), "baseline", 1_000.0)
    row = ce[(ce["scenario"] == "reform") & (ce["outcome"] == "frac_covered_pension")].iloc[0]
    assert row["gain_points"] == pytest.approx(2.0), row
    assert row["public_cost_yuan"] == pytest.approx(1.5e8), row
    assert row["points_per_100m_yuan"] == pytest.approx(2.0 / 1.5), row
    costless = ce[(ce["scenario"] == "free") & (ce["outcome"] == "frac_covered_pension")].iloc[0]
    assert costless["gain_points"] == pytest.approx(1.0), costless
    assert np.isnan(costless["points_per_100m_yuan"]), "no modelled cost: no ratio, not infinity"
