"""One convention for numbers, labels and months in every table and chart."""

from __future__ import annotations

import math

import pytest

from experiments.analysis import formatting as fmt
from experiments.analysis.plots import PALETTE, scenario_styles


@pytest.mark.parametrize(
    ("month", "expected"),
    [(0, "start"), (1, "2011-01"), (12, "2011-12"), (13, "2012-01"), (120, "2020-12")],
)
def test_month_labels_put_month_one_in_january_2011_and_month_zero_at_the_start(month, expected):
    assert fmt.month_label(month) == expected, f"month {month} -> {fmt.month_label(month)}"


def test_labels_and_units_come_from_the_model_outcome_table():
    from model import outcomes

    assert fmt.label("frac_covered_pension") == outcomes.label("frac_covered_pension")
    assert fmt.label("new_breaks_real") == "New breaks in coverage", "no ', real' suffix"
    assert fmt.unit("frac_covered_any") == "%", "shares are shown in %"
    assert fmt.unit("new_breaks_real") == "persons", "real counts are persons"
    assert fmt.unit("subsidy_spending_yuan") == "yuan"
    assert fmt.heading("n_inspections_real") == "Inspections (firms)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (fmt.share(0.307), "30.7%"),
        (fmt.share(-0.00001), "0.0%"),
        (fmt.points(-0.0004), "0.0"),
        (fmt.points(1.26), "+1.3"),
        (fmt.count(4_230_815), "4,230,815"),
        (fmt.count(42_308_154), "42.3 M"),
        (fmt.count(-0.3), "0"),
        (fmt.yuan(4_230_815_469), "4.23 bn yuan"),
        (fmt.yuan(270e9), "270.0 bn yuan"),
        (fmt.yuan(12_345_678), "12.3 M yuan"),
        (fmt.yuan(5_400), "5,400 yuan"),
        (fmt.value("frac_covered_any", 0.5), "50.0%"),
        (fmt.value("frac_covered_any", 0.012, signed=True), "+1.2"),
        (fmt.value("cum_subsidy_spending_yuan", 2.5e9), "2.50 bn yuan"),
        (fmt.interval("frac_covered_pension", 0.18, 0.158, 0.21), "18.0% [15.8, 21.0]"),
    ],
)
def test_numbers_follow_one_convention_and_never_print_negative_zero(text, expected):
    assert text == expected, f"got {text!r}, want {expected!r}"


def test_missing_values_print_as_n_a():
    assert fmt.share(math.nan) == "n/a"
    assert fmt.yuan(math.nan) == "n/a"


def test_noise_flag_counts_agents_behind_a_real_count():
    scale = 7_932.0  # real workers per agent with 20,000 agents
    assert fmt.noisy(29 * scale, scale), "29 agents a month is below the threshold"
    assert not fmt.noisy(31 * scale, scale), "31 agents is enough"
    assert not fmt.noisy(5.0, 0.0), "no scale, no flag"
    assert "7,932" in fmt.noise_note(scale), "the note says what one agent stands for"


def test_twelve_scenarios_get_distinct_styles_with_the_baseline_bold_on_top():
    names = ["baseline", *(f"reform-{i}" for i in range(11))]
    styles = scenario_styles(names)
    looks = {(s["color"], s["ls"]) for s in styles.values()}
    assert len(looks) == 12, f"12 scenarios need 12 distinct looks: {styles}"
    base = styles["baseline"]
    assert base["color"] == "#000000", "the baseline is black"
    others = [s for n, s in styles.items() if n != "baseline"]
    assert all(base["lw"] > s["lw"] and base["zorder"] > s["zorder"] for s in others), (
        "the baseline is drawn bold and on top"
    )
    assert "#000000" not in PALETTE, "no reform is drawn in the baseline's black"
