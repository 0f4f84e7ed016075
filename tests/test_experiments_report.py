"""The report builds from a small sweep: self-contained HTML, CSV and Excel tables."""

from __future__ import annotations

import base64
import re

import pandas as pd
import pytest

from experiments.analysis.report import write_report
from experiments.errors import InputError
from experiments.run.runner import run_experiment
from experiments.sweeps.designs import read_sweep, sweep_experiment

SWEEP = """design = "lhs"
samples = 4
replications = 2
months = 14
workers = 400
seed = 2
outcomes = ["frac_covered_pension"]
[params]
burn_in_months = 6
[levers]
worker_subsidy = {range = [0.0, 0.667], start = 13}
"""


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    path = root / "sweep.toml"
    path.write_text(SWEEP, encoding="utf-8")
    summary = run_experiment(sweep_experiment(read_sweep(path)), root / "out", progress=False)
    assert summary.ok, summary.failures
    report = write_report(root / "out")
    assert report == root / "out" / "report.html", report
    return root / "out"


def test_report_is_self_contained_html_with_figures(sweep_folder):
    html = (sweep_folder / "report.html").read_text(encoding="utf-8")
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(images) >= 4, f"coverage, events, breakdowns, sensitivity; got {len(images)}"
    assert all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images), "PNG data"
    assert "<script" not in html.lower(), "no JavaScript"
    assert not re.search(r'(src|href)="https?:', html), "nothing loaded from the web"
    assert "Sensitivity indices" in html, "the sweep's indices are in the report"
    assert "worker_subsidy.strength" in html, "the varied factor is named"


def test_report_exports_csv_and_excel_tables(sweep_folder):
    summary = pd.read_csv(sweep_folder / "summary.csv")
    assert {"scenario", "month", "outcome", "mean", "q05", "q95"} <= set(summary.columns)
    assert (summary["q05"] <= summary["mean"] + 1e-12).all(), "q05 <= mean"
    assert (summary["mean"] <= summary["q95"] + 1e-12).all(), "mean <= q95"
    sheets = pd.read_excel(sweep_folder / "summary.xlsx", sheet_name=None)
    assert {"summary", "breakdowns", "sensitivity", "about"} <= set(sheets), list(sheets)
    assert len(sheets["summary"]) == len(summary), "Excel and CSV hold the same summary"
    breakdowns = pd.read_csv(sweep_folder / "breakdowns.csv")
    assert set(breakdowns["by"]) == {"industry", "region"}, "industry and region breakdowns"


def test_report_of_a_folder_without_results_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match=r"no manifest\.json"):
        write_report(tmp_path)


@pytest.fixture(scope="module")
def compare_folder(tmp_path_factory):
    from experiments.run.experiment import Experiment
    from experiments.scenarios.library import get_preset

    root = tmp_path_factory.mktemp("compare")
    experiment = Experiment(
        "compare",
        (get_preset("baseline"), get_preset("worker-subsidy")),
        2,
        14,
        3,
        workers=400,
        overrides={"burn_in_months": 6},
    )
    summary = run_experiment(experiment, root / "out", progress=False)
    assert summary.ok, summary.failures
    return root / "out"


def test_charts_are_written_as_png_files_too(compare_folder):
    write_report(compare_folder)
    html = (compare_folder / "report.html").read_text(encoding="utf-8")
    embedded = {base64.b64decode(i) for i in re.findall(r'base64,([^"]+)"', html)}
    files = sorted(compare_folder.glob("*.png"))
    names = [p.stem for p in files]
    assert {"coverage", "events", "breakdowns", "differences", "cost"} <= set(names), names
    for path in files:
        assert path.read_bytes() in embedded, f"{path.name} is not the chart in the report"


def test_terminal_summary_lists_each_scenario_with_its_paired_gain(compare_folder):
    from experiments.analysis.report import make_report, summary_text

    _, tables = make_report(compare_folder)
    text = summary_text(tables)
    rows = text.splitlines()
    assert rows[2].split() == ["scenario"], text  # header, columns, index name, rows
    lines = {line.split()[0]: line for line in rows[3:]}
    assert set(lines) == {"baseline", "worker-subsidy"}, text
    gain = tables.cost_effectiveness.set_index(["scenario", "outcome"]).loc[
        ("worker-subsidy", "frac_covered_pension"), "gain_points"
    ]
    assert f"{gain:+.1f}" in lines["worker-subsidy"], text
    assert "+" not in lines["baseline"], f"the baseline has a gain over itself: {text}"
    pension = tables.summary.query("outcome == 'frac_covered_pension' and month > 2")
    base = pension[pension["scenario"] == "baseline"]["mean"].mean()
    assert f"{100 * base:.2f}" in lines["baseline"], text
