"""Report charts: every scenario shown and told apart, dates on the axis, no label pile-ups."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd

from experiments.analysis import plots

matplotlib.use("Agg")

NAMES = ["baseline", *(f"reform-{i}" for i in range(11))]


def summary_frame(months: int = 24) -> pd.DataFrame:
    rows = []
    for k, name in enumerate(NAMES):
        for m in range(months + 1):
            for outcome in plots.COVERAGE + list(plots.EVENTS):
                mean = 0.2 + 0.01 * k if outcome.startswith("frac_") else 1000.0 + k
                rows.append(
                    {
                        "scenario": name,
                        "month": m,
                        "year": 2011,
                        "outcome": outcome,
                        "mean": mean,
                        "q05": 0.9 * mean,
                        "q95": 1.1 * mean,
                    }
                )
    return pd.DataFrame(rows)


def test_coverage_chart_shows_all_twelve_scenarios_with_the_baseline_on_top():
    fig = plots.coverage_figure(summary_frame())
    legend = fig.legends[0]
    shown = [t.get_text() for t in legend.get_texts()]
    assert shown == NAMES, f"the legend must list every scenario once, in order: {shown}"
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    base = lines["baseline"]
    assert all(base.get_zorder() > v.get_zorder() for k, v in lines.items() if k != "baseline")
    looks = {(line.get_color(), line.get_linestyle()) for line in lines.values()}
    assert len(looks) == len(NAMES), "each scenario has its own colour/line style"
    assert len(ax.collections) == 1, "one band (the baseline's), not 12 pale bands"
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0] == "start", f"month 0 is labelled 'start': {ticks}"
    assert "2012-01" in ticks, f"months are calendar months: {ticks}"
    assert "2011-01" not in ticks, "no '2011-01' tick squeezed beside 'start'"
    matplotlib.pyplot.close(fig)


def test_cost_chart_draws_only_costed_reforms_without_text_labels():
    ce = pd.DataFrame(
        {
            "scenario": ["a", "b", "c", "d"],
            "outcome": ["frac_covered_pension"] * 4,
            "gain_points": [1.0, 0.5, 0.8, 0.2],
            "gain_ci90_low": [0.5, 0.1, 0.6, -0.1],
            "gain_ci90_high": [1.5, 0.9, 1.0, 0.5],
            "public_cost_yuan": [2e9, 5e10, np.nan, 0.0],
            "points_per_100m_yuan": [0.05, 0.001, np.nan, np.nan],
        }
    )
    fig = plots.cost_figure(ce)
    ax = fig.axes[0]
    assert not ax.texts, "no annotations that could overlap at the same point"
    shown = [t.get_text().split(":")[0] for t in ax.get_legend().get_texts()]
    assert shown == ["a", "b"], f"only reforms with a cost > 0 are drawn: {shown}"
    matplotlib.pyplot.close(fig)


def test_event_chart_skips_month_zero_and_flags_counts_of_few_agents():
    summary = summary_frame(months=24)
    fig = plots.events_figure(summary, scale=100.0)  # 1,000 persons = 10 agents: noisy
    titles = [ax.get_title() for ax in fig.axes if ax.get_visible() and ax.get_title()]
    assert any("noisy" in t for t in titles if t.startswith("New breaks")), titles
    per_1000 = next(t for t in titles if t.startswith("Breaks per 1,000"))
    assert "noisy" not in per_1000, "a rate is not a count: no noise flag"
    months = {x for line in fig.axes[0].get_lines() for x in line.get_xdata()}
    assert 0 not in months, "flows have no value at the start (month 0)"
    matplotlib.pyplot.close(fig)
    quiet = plots.events_figure(summary, scale=1.0)  # 1,000 agents
    assert not any("noisy" in ax.get_title() for ax in quiet.axes), "enough agents: no flag"
    matplotlib.pyplot.close(quiet)
