"""``experiments.calibration.group_order``: is a published order of groups resolved?"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from experiments.calibration import group_order, validation
from experiments.calibration.targets import YEARS

ORDER = ["east", "central", "west"]


def runs(east, central, west) -> pd.DataFrame:
    return pd.DataFrame({"east": east, "central": central, "west": west})


def test_gaps_are_paired_by_run_so_shared_noise_cancels():
    shared = np.array([10.0, 20.0, 5.0, 30.0])  # run-to-run swings common to all regions
    table = group_order.order_gaps(runs(shared + 1.0, shared + 0.5, shared), ORDER)
    assert table["pair"].tolist() == ["east - central", "central - west"], table
    assert table["mean"].tolist() == pytest.approx([0.5, 0.5]), table
    assert table["sd"].tolist() == pytest.approx([0.0, 0.0]), "pairing removes shared noise"
    assert table["resolved"].all(), table
    assert group_order.verdict(table) == group_order.HOLDS


def test_gap_statistics_are_the_per_run_differences():
    east, central = np.array([3.0, 1.0, 2.5, 0.0]), np.array([1.0, 1.5, 0.5, 0.5])
    table = group_order.order_gaps(runs(east, central, central - 1.0), ORDER)
    d = east - central
    row = table.iloc[0]
    assert row["mean"] == pytest.approx(d.mean()), row
    assert row["sd"] == pytest.approx(d.std(ddof=1)), row
    assert row["se"] == pytest.approx(d.std(ddof=1) / 2.0), "se = sd / sqrt(4 runs)"
    assert row["mean_se"] == pytest.approx(d.mean() / (d.std(ddof=1) / 2.0)), row
    assert row["runs_needed"] == group_order.runs_needed(d.mean(), d.std(ddof=1)), row


def test_runs_needed_is_the_usual_sample_size_for_80_percent_power():
    z = 2.0 + 0.841621  # resolved at 2 se, plus the normal quantile of 0.8
    assert group_order.runs_needed(1.0, 2.0) == math.ceil((z * 2.0) ** 2)  # 33
    assert group_order.runs_needed(-1.0, 2.0) == 33, "the sign does not matter"
    assert group_order.runs_needed(0.7, 2.25) == math.ceil((z * 2.25 / 0.7) ** 2)
    assert group_order.runs_needed(1.0, 2.0, power=0.5) == 16, "50%: the gap's mean at 2 se"
    assert group_order.runs_needed(5.0, 0.1) == 2, "one run has no standard error"
    assert group_order.runs_needed(0.0, 1.0) == math.inf


def test_with_runs_needed_a_true_gap_is_resolved_about_80_percent_of_the_time():
    rng = np.random.default_rng(11)
    mean, sd = 0.7, 2.25
    n = int(group_order.runs_needed(mean, sd))
    gaps = rng.normal(mean, sd, size=(4000, n))
    t = gaps.mean(axis=1) / (gaps.std(axis=1, ddof=1) / math.sqrt(n))
    assert 0.77 <= (t >= 2.0).mean() <= 0.83, f"{n} runs resolve {(t >= 2.0).mean():.3f}"
    few = gaps[:, : n // 4]
    t_few = few.mean(axis=1) / (few.std(axis=1, ddof=1) / math.sqrt(n // 4))
    assert (t_few >= 2.0).mean() < 0.4, "a quarter of the runs resolve it far less often"


@pytest.mark.parametrize(
    ("mean", "sd", "power"),
    [
        (math.nan, 1.0, 0.8),
        (1.0, math.inf, 0.8),
        (1.0, -0.1, 0.8),
        (1.0, 1.0, 1.0),
        (1.0, 1.0, 0.3),
    ],
)
def test_runs_needed_refuses_bad_input(mean, sd, power):
    with pytest.raises(ValueError, match="runs_needed"):
        group_order.runs_needed(mean, sd, power)


@pytest.mark.parametrize(
    ("east", "central", "west", "expected"),
    [
        # both gaps positive and resolved
        ([3.0, 3.2, 2.9, 3.1], [2.0, 2.1, 2.0, 2.0], [1.0, 1.1, 0.9, 1.0], group_order.HOLDS),
        # east - central positive but noisy
        (
            [3.0, 1.0, 4.0, 1.5],
            [2.0, 2.1, 2.0, 2.0],
            [1.0, 1.1, 0.9, 1.0],
            group_order.IN_THE_MEANS,
        ),
        # central above east, resolved: reversed
        ([1.0, 1.1, 0.9, 1.0], [2.0, 2.1, 2.0, 2.0], [0.0, 0.1, 0.0, 0.0], group_order.REVERSED),
        # east below central in the mean but not resolved; central - west resolved
        (
            [1.0, 3.0, 0.5, 3.5],
            [2.0, 2.1, 2.0, 2.0],
            [1.0, 1.1, 0.9, 1.0],
            group_order.NOT_RESOLVED,
        ),
    ],
)
def test_verdicts(east, central, west, expected):
    table = group_order.order_gaps(runs(east, central, west), ORDER)
    assert group_order.verdict(table) == expected, table


def test_a_resolved_reversal_of_the_lower_pair_is_reversed_and_zero_is_not_positive():
    east, central = [5.0, 5.1, 4.9, 5.0], [3.0, 3.0, 3.1, 2.9]
    table = group_order.order_gaps(runs(east, central, [4.0, 4.1, 4.0, 3.9]), ORDER)
    assert group_order.verdict(table) == group_order.REVERSED, table
    flat = group_order.order_gaps(runs(east, central, [3.0, 3.0, 3.1, 2.9]), ORDER)
    assert flat["mean"].iloc[1] == 0.0, flat
    assert group_order.verdict(flat) == group_order.NOT_RESOLVED, "a gap of exactly 0, se 0"
    noisy = group_order.order_gaps(runs(east, central, [2.0, 4.0, 3.1, 2.9]), ORDER)
    assert group_order.verdict(noisy) == group_order.NOT_RESOLVED, noisy
    assert "runs of this size" not in group_order.describe(noisy).split("; ")[1], (
        "no run count is offered for a gap in the wrong direction"
    )


def test_a_gap_exactly_two_standard_errors_out_is_resolved():
    gap = np.array([1.0, 3.0])  # mean 2, sd sqrt(2), se 1: exactly 2 se
    table = group_order.order_gaps(runs(gap + 10.0, [10.0, 10.0], [0.0, 0.0]), ORDER)
    assert table["mean_se"].iloc[0] == pytest.approx(2.0)
    assert bool(table["resolved"].iloc[0]), table


@pytest.mark.parametrize(
    ("frame", "order", "match"),
    [
        (runs([1.0, 2.0], [1.0, 2.0], [0.0, 1.0]), ["east", "north"], "north"),
        (runs([1.0], [1.0], [0.0]), ORDER, "at least 2 runs"),
        (runs([1.0, 2.0], [1.0, 2.0], [0.0, 1.0]), ["east"], "at least 2 groups"),
        (runs([1.0, math.nan], [1.0, 2.0], [0.0, 1.0]), ORDER, "not finite"),
    ],
)
def test_bad_tables_are_refused(frame, order, match):
    with pytest.raises(ValueError, match=match):
        group_order.order_gaps(frame, order)


def test_describe_says_how_many_runs_would_resolve_an_unresolved_gap():
    table = group_order.order_gaps(
        runs([3.0, 1.0, 4.0, 1.5], [2.0, 2.1, 2.0, 2.0], [1.0, 1.1, 0.9, 1.0]), ORDER
    )
    text = group_order.describe(table)
    first, second = text.split("; central - west")
    needed = int(table["runs_needed"].iloc[0])
    assert f"about {needed} runs of this size give an 80% chance" in first, text
    assert "runs of this size" not in second, "a resolved gap needs no more runs"
    assert first.startswith(f"east - central {table['mean'].iloc[0]:+.2f} points"), text


def monthly_groups(coverage: dict[int, dict[str, list[float]]]) -> pd.DataFrame:
    """Monthly region rows as validation.run_replication records them (seed -> region -> months)."""
    rows = []
    for seed, regions in coverage.items():
        for region, months in regions.items():
            for m, value in enumerate(months):
                rows.append(
                    {
                        "seed": seed,
                        "month": 25 + m,
                        "year": YEARS[-1],
                        "by": "region",
                        "group": region,
                        **{f"frac_covered_{s}": value for s in ("pension", "medical", "injury")},
                    }
                )
    # an earlier year that must be ignored, with the order reversed
    rows.append({**rows[0], "year": YEARS[0], "group": "west", "frac_covered_pension": 0.99})
    return pd.DataFrame(rows)


def test_validation_judges_the_regional_order_on_seed_paired_gaps():
    coverage = {
        s: {"east": [0.20 + d, 0.22 + d], "central": [0.15 + d, 0.15 + d], "west": [0.10 + d] * 2}
        for s, d in ((1, 0.0), (2, 0.05), (3, -0.03))
    }
    per_run = [pd.DataFrame({"frac_opted_out": [0.4, 0.5]})]
    table = validation.pattern_table(per_run, monthly_groups(coverage))
    regional = table[table["pattern"].str.startswith("pension coverage by region")].iloc[0]
    assert regional["model"] == "east > central > west", regional
    assert regional["verdict"] == group_order.HOLDS, regional
    assert regional["gaps"].startswith("east - central +6.00 points (se 0.00"), regional
    per_seed = validation.region_coverage(monthly_groups(coverage), "pension", YEARS[-1])
    assert per_seed.loc[2, "east"] == pytest.approx(100 * (0.21 + 0.05)), per_seed
    assert len(table) == 4, "opt-out plus three schemes"


def noisy_east_patterns() -> pd.DataFrame:
    """Patterns of three runs in which the East leads the Centre in two of them only."""
    coverage = {
        s: {"east": [e] * 2, "central": [c] * 2, "west": [0.05] * 2}
        for s, e, c in ((1, 0.20, 0.15), (2, 0.12, 0.16), (3, 0.19, 0.15))
    }
    return validation.pattern_table(
        [pd.DataFrame({"frac_opted_out": [0.5]})], monthly_groups(coverage)
    )


def test_validation_says_when_the_regional_order_is_within_the_noise():
    table = noisy_east_patterns()
    regional = table[table["pattern"].str.startswith("injury coverage by region")].iloc[0]
    assert regional["verdict"] == group_order.IN_THE_MEANS, regional
    assert "chance of resolving a gap this large" in regional["gaps"], regional


@pytest.mark.parametrize(
    ("coverage", "word"),
    [
        ({1: {"east": [0.2], "central": [0.1], "west": [0.05]}}, "n/a: one run"),
        (
            {s: {"east": [0.2], "central": [0.1]} for s in (1, 2)},
            "n/a: a region has no employed workers",
        ),
    ],
)
def test_validation_gives_no_verdict_it_cannot_give(coverage, word):
    table = validation.pattern_table(
        [pd.DataFrame({"frac_opted_out": [0.5]})], monthly_groups(coverage)
    )
    regional = table[table["pattern"].str.startswith("pension coverage by region")].iloc[0]
    assert regional["verdict"].startswith(word), regional
    assert regional["gaps"] == "", regional


def test_the_cli_prints_each_schemes_verdict_and_one_line_per_gap():
    from experiments.cli.validate import regional_text

    text = regional_text(noisy_east_patterns(), {"replications": 3, "n_workers": 50_000})
    lines = text.strip().splitlines()
    assert lines[0].endswith("3 x 50,000 workers):"), lines[0]
    assert lines[1] == f"  pension: east > central > west: {group_order.IN_THE_MEANS}", lines
    assert lines[2].startswith("    east - central +"), lines
    assert lines[2].endswith("chance of resolving a gap this large)"), lines
    assert lines[3].startswith("    central - west +10.33 points (se 0.33"), lines
    assert lines[3].endswith(")"), lines
    assert len(lines) == 1 + 3 * 3, "a header, then a verdict and two gaps per scheme"


def test_describe_splits_back_into_one_text_per_gap():
    table = group_order.order_gaps(
        runs([3.0, 1.0, 4.0, 1.5], [2.0, 2.1, 2.0, 2.0], [1.0, 1.1, 0.9, 1.0]), ORDER
    )
    assert not table["resolved"].iloc[0], "the first gap must carry the runs-needed text"
    parts = group_order.describe(table).split(group_order.SEPARATOR)
    assert [p.split(" ")[0:3] for p in parts] == [
        ["east", "-", "central"],
        ["central", "-", "west"],
    ]
    assert all(p.endswith(")") for p in parts), parts


def test_gap_stats_of_one_run_has_no_spread_and_bad_gaps_are_refused():
    one = group_order.gap_stats(np.array([1.5]))
    assert one["mean"] == 1.5, one
    assert all(math.isnan(one[k]) for k in ("sd", "se", "mean_se", "runs_needed")), one
    assert one["resolved"] is False, one
    for bad in (np.array([]), np.array([1.0, math.nan])):
        with pytest.raises(ValueError, match="gap_stats"):
            group_order.gap_stats(bad)
