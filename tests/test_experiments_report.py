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
    from experiments.analysis.findings import summary_text
    from experiments.analysis.report import make_report

    _, tables = make_report(compare_folder)
    text = summary_text(tables)
    assert "frac_covered" not in text, f"raw column names in the terminal table:\n{text}"
    assert "Pension coverage" in text, "coverage columns carry the model's labels"
    ranked = text.split("Reforms ranked by pension coverage gain")[1].splitlines()
    row = next(line for line in ranked if "worker-subsidy" in line)
    gain = tables.cost_effectiveness.set_index(["scenario", "outcome"]).loc[
        ("worker-subsidy", "frac_covered_pension"), "gain_points"
    ]
    shown = f"{gain:+.1f}" if round(gain, 1) else "0.0"
    assert shown in row, f"the paired gain {gain} is not in {row!r}"
    assert not any(line.split()[1:2] == ["baseline"] for line in ranked[2:]), (
        "the baseline is not ranked against itself"
    )
    coverage = text.split("Breaks in coverage")[0]
    base_row = next(line for line in coverage.splitlines() if line.strip().startswith("baseline"))
    window = tables.outcomes[tables.outcomes["month"] > tables.outcomes["month"].max() - 12]
    base = window[window["scenario"] == "baseline"]["frac_covered_pension"].mean()
    assert f"{100 * base:.1f}%" in base_row, f"{100 * base:.1f}% missing from {base_row!r}"
    assert "per 1,000 covered" in text, "breaks per covered worker shown beside the raw count"
    assert "rises with coverage" in text, "the sentence on why raw breaks rise with coverage"


def test_report_opens_with_its_findings_and_ends_with_the_metadata(compare_folder):
    html = write_report(compare_folder).read_text(encoding="utf-8")
    headings = re.findall(r"<h2>([^<]+)</h2>", html)
    assert headings[0] == "Findings", f"the report must open with its findings: {headings}"
    assert headings.index("About these runs") > headings.index("Coverage"), headings
    findings = html.split("<h2>Findings</h2>")[1].split("<h2>")[0]
    assert "worker-subsidy" in findings, "the reform is ranked in the findings"
    assert "90% CI" in findings, "the ranking gives intervals"
    assert "real workers" in findings, "the note on agents x scale"
    assert "frac_covered" not in html.split("<h2>Scenarios</h2>")[0], "no raw column names"
    assert "-0.0" not in re.sub(r"data:image/png;base64,[^\"]+", "", html), "no negative zero"


def test_report_shows_ensemble_intervals_and_robust_rankings(compare_folder, tmp_path):
    import shutil

    import pandas as pd

    from experiments.analysis.report import make_report

    folder = tmp_path / "with-ensemble"
    shutil.copytree(compare_folder, folder)
    summary = pd.DataFrame(
        [{"scenario": "worker-subsidy", "gain_mean": 0.8, "ensemble_q05": 0.3, "ensemble_q95": 1.2}]
    )
    summary.to_csv(folder / "ensemble_summary.csv", index=False)
    pairs = pd.DataFrame([{"first": "worker-subsidy", "second": "points", "robust": True}])
    pairs.to_csv(folder / "ensemble_rankings.csv", index=False)
    path, tables = make_report(folder)
    text = path.read_text()
    assert "Parameter uncertainty" in text, "the ensemble section is missing"
    assert "worker-subsidy &gt; points" in text or "worker-subsidy > points" in text, (
        "the robust ranking is not listed"
    )
    assert tables.ensemble["ensemble_q95"].iloc[0] == 1.2, tables.ensemble
    assert "gain_mean" not in text, "the ensemble table has plain headers"
    assert "[+0.3, +1.2]" in text, "the range over sets is shown in signed points"


def test_uptake_report_prints_the_findings_of_a_sweep(sweep_folder, capsys):
    from experiments import cli

    assert cli.main(["report", str(sweep_folder)]) == 0, "uptake report exits 0"
    out = capsys.readouterr().out
    assert "4 design points x 2 replications" in out, f"the sweep's findings are printed:\n{out}"
    assert "report: " in out, "the path of the report is printed"
    html = (sweep_folder / "report.html").read_text(encoding="utf-8")
    assert html.index("<h2>Findings</h2>") < html.index("Sensitivity indices"), "findings first"


def test_uptake_sensitivity_prints_outcome_labels(sweep_folder, capsys):
    from experiments import cli

    assert cli.main(["sensitivity", str(sweep_folder)]) == 0, "uptake sensitivity exits 0"
    out = capsys.readouterr().out
    assert "Pension coverage" in out, f"the outcome's label is printed:\n{out}"
    assert "frac_covered_pension" not in out, "no raw column name in the printed table"
