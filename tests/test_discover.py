"""`uptake discover`: PRIM over a sweep folder, on a folder whose answer is known."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from experiments.cli import main
from experiments.run.single import RunResult
from experiments.run.storage import ResultStore
from experiments.sweeps.discovery import discover

MONTHS = 24


def known_sweep(folder, points: int = 240, replications: int = 2, seed: int = 5):
    """A sweep folder whose coverage is high exactly in a known box.

    Pension coverage is high when strength >= 1.2 and turnover <= 0.3 (plus small
    run-to-run noise); the parts are written through the result store.
    """
    rng = np.random.default_rng(seed)
    design = pd.DataFrame(
        {
            "point": range(points),
            "scenario": [f"p{i:05d}" for i in range(points)],
            "turnover_per_year": rng.uniform(0.1, 0.5, points),
            "enforcement.strength": rng.uniform(0.0, 2.0, points),
        }
    )
    folder.mkdir(parents=True)
    design.to_csv(folder / "design.csv", index=False)
    store = ResultStore(folder)
    high = (design["enforcement.strength"] >= 1.2) & (design["turnover_per_year"] <= 0.3)
    for p, row in design.iterrows():
        for r in range(replications):
            run_id = f"{row['scenario']}__r{r:03d}"
            level = 0.3 + 0.2 * high[p] + rng.normal(0, 0.01)
            outcomes = pd.DataFrame(
                {
                    "scenario": row["scenario"],
                    "replication": r,
                    "seed": 100 + r,
                    "run_id": run_id,
                    "point": p,
                    "month": np.arange(MONTHS + 1),
                    "frac_covered_pension": np.full(MONTHS + 1, level),
                }
            )
            store.write(RunResult(run_id, "done", 0.0, outcomes=outcomes))
    return design, high


def test_discover_recovers_the_known_box(tmp_path):
    folder = tmp_path / "sweep"
    _, high = known_sweep(folder)
    result = discover(folder, "frac_covered_pension", 0.45)
    assert result.cases["of_interest"].sum() == high.sum(), "cases = points in the true box"
    box = result.boxes[result.boxes["box"] == 1].set_index("input")
    assert set(box.index) == {"turnover_per_year", "enforcement.strength"}, box
    assert box.loc["enforcement.strength", "lo"] == pytest.approx(1.2, abs=0.1), box
    assert box.loc["turnover_per_year", "hi"] == pytest.approx(0.3, abs=0.03), box
    assert box["density"].iloc[0] >= 0.8, "the chosen box reaches the least density"
    assert box["coverage"].iloc[0] > 0.85, "and holds most cases of interest"


def test_below_flips_the_cases_of_interest(tmp_path):
    folder = tmp_path / "sweep"
    _, high = known_sweep(folder, points=60)
    result = discover(folder, "frac_covered_pension", 0.45, below=True)
    assert result.cases["of_interest"].sum() == (~high).sum(), "below: low-coverage points"


def test_cli_writes_tables_figure_and_settings(tmp_path, capsys):
    folder = tmp_path / "sweep"
    known_sweep(folder, points=120)
    code = main(
        ["discover", str(folder), "--outcome", "frac_covered_pension", "--threshold", "0.45"]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "box 1: coverage" in out, out
    files = {p.name for p in (folder / "discovery").iterdir()}
    expected = {"prim_boxes.csv", "prim_trajectory.csv", "prim_cases.csv", "prim.png"}
    assert expected <= files, f"missing {expected - files}"
    settings = json.loads((folder / "discovery" / "discovery.json").read_text())
    assert settings["outcome"] == "frac_covered_pension", settings
    cases = pd.read_csv(folder / "discovery" / "prim_cases.csv")
    boxes = pd.read_csv(folder / "discovery" / "prim_boxes.csv")
    in_box = cases[cases["box"] == 1]
    density = boxes.loc[boxes["box"] == 1, "density"].iloc[0]
    assert in_box["of_interest"].mean() == pytest.approx(density), "density = share in box 1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--outcome", "frac_covered_pensio", "--threshold", "0.4"], "frac_covered_pension"),
        (["--outcome", "frac_covered_pension", "--threshold", "0.9"], "none of the"),
        (["--outcome", "frac_covered_pension", "--threshold", "0.1"], "all of the"),
        (
            ["--outcome", "frac_covered_pension", "--threshold", "0.4", "--input", "x"],
            "--input",
        ),
    ],
)
def test_bad_arguments_exit_2_naming_the_problem(tmp_path, capsys, args, message):
    folder = tmp_path / "sweep"
    known_sweep(folder, points=30, replications=1)
    assert main(["discover", str(folder), *args]) == 2, "bad input exits with 2"
    assert message in capsys.readouterr().err


def test_a_folder_without_design_is_refused(tmp_path, capsys):
    (tmp_path / "runs").mkdir()
    args = ["discover", str(tmp_path), "--outcome", "frac_covered_pension", "--threshold", ".5"]
    assert main(args) == 2, "not a sweep folder"
    assert "design.csv" in capsys.readouterr().err


def test_report_section_shows_the_boxes_and_figure(tmp_path):
    from experiments.sweeps.discovery import report_section, write_discovery

    folder = tmp_path / "sweep"
    known_sweep(folder, points=120)
    assert report_section(folder) == "", "no discovery yet: no section"
    write_discovery(discover(folder, "frac_covered_pension", 0.45), folder)
    section = report_section(folder)
    assert "Scenario discovery (PRIM)" in section, section[:200]
    assert "data:image/png;base64," in section, "the figure is embedded"
    assert "enforcement.strength" in section, "the box's inputs are listed"


@pytest.mark.slow
def test_sweep_discover_report_from_the_command_line(tmp_path, capsys):
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(
        'design = "factorial"\nlevels = 4\nreplications = 1\nmonths = 14\nworkers = 400\n'
        "seed = 2\n[params]\nburn_in_months = 6\n[parameters]\n"
        "turnover_per_year = [0.1, 0.5]\n[levers]\n"
        "enforcement = { range = [0.0, 1.0], start = 2 }\n"
    )
    out = tmp_path / "out"
    assert main(["sweep", str(sweep), "-o", str(out), "--no-progress"]) == 0
    from experiments.analysis.run_table import run_table

    values = run_table(out, ["frac_covered_pension"])["frac_covered_pension"]
    threshold = str(values.median())
    args = ["discover", str(out), "--outcome", "frac_covered_pension", "--threshold", threshold]
    assert main([*args, "--min-density", "0.5"]) == 0, capsys.readouterr().err
    assert main(["report", str(out)]) == 0
    html = (out / "report.html").read_text()
    assert "Scenario discovery (PRIM)" in html, "the report shows the discovery"
