"""Fault injection, bad input: each must end in exit 2 and one line naming the problem.

Covers nonsense that used to be accepted silently (reforms that never start, empty
scenario files, duplicate design points, misspelt outcomes, foreign manifests, an
inverted norm trend), inputs that used to end in a traceback (unusable output
folders, malformed manifests, scheduler addresses, deeply nested values), names
that would build paths outside the output folder, and small message faults.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from faults_support import TINY, cli

TOML_REFORM = '[[reforms]]\nlever = "enforcement"\nstrength = 1.0\nstart = {start}\n'
LHS = (
    'design = "lhs"\nsamples = 2\nreplications = 1\nmonths = 2\nworkers = 300\n'
    "[parameters]\nturnover_per_year = [0.2, 0.4]\n"
)


def run_tiny(tmp_path: Path, scenario: str, *extra: str):
    """``uptake run SCENARIO`` with 2 months into ``out`` (extra options win)."""
    return cli("run", scenario, "-r", "1", "-m", "2", *TINY, "-o", "out", *extra, cwd=tmp_path)


def write(path: Path, text: str) -> Path:
    """Write a file (and its folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- nonsense accepted silently ---------------------------------------------------------


@pytest.mark.parametrize("start", ["500", "1e20"])
def test_reform_starting_after_the_last_month_is_refused(tmp_path, start):
    write(tmp_path / "late.toml", TOML_REFORM.format(start=start))
    result = cli("run", "late.toml", "-r", "1", "-m", "3", *TINY, "-o", "out", cwd=tmp_path)
    result.assert_clean_error("start")
    assert not (tmp_path / "out" / "runs").exists(), "a refused experiment must write no runs"


def test_empty_toml_is_not_a_no_reform_scenario(tmp_path):
    write(tmp_path / "empty.toml", "")
    run_tiny(tmp_path, "empty.toml").assert_clean_error("empty.toml", "no reforms")


def test_header_only_csv_is_not_a_no_reform_scenario(tmp_path):
    write(tmp_path / "h.csv", "lever,start,strength\n")
    run_tiny(tmp_path, "h.csv").assert_clean_error("h.csv", "no reform")


def test_params_only_toml_is_still_a_scenario(tmp_path):
    write(tmp_path / "p.toml", "[params]\nturnover_per_year = 0.3\n")
    result = run_tiny(tmp_path, "p.toml")
    assert result.code == 0, f"a scenario of parameters only must run: {result.err[-500:]}"


def test_factorial_values_that_round_to_one_integer_are_refused(tmp_path):
    body = LHS.replace('"lhs"', '"factorial"').replace(
        "turnover_per_year = [0.2, 0.4]", "burn_in_months = {values = [1.5, 2.5]}"
    )
    write(tmp_path / "sw.toml", 'name = "s"\n' + body)
    result = cli("sweep", "sw.toml", "--no-progress", cwd=tmp_path)
    result.assert_clean_error("burn_in_months", "whole")


def test_misspelt_outcome_in_a_sweep_file_is_refused_before_running(tmp_path):
    write(tmp_path / "sw.toml", 'name = "s"\noutcomes = ["frac_coverd_pension"]\n' + LHS)
    result = cli("sweep", "sw.toml", "--no-progress", cwd=tmp_path)
    result.assert_clean_error("frac_coverd_pension", "frac_covered_pension")
    assert not (tmp_path / "results").exists(), "nothing may run before the file is checked"


@pytest.mark.parametrize("content", ["[]", "null", '"text"', "{}"])
def test_a_foreign_manifest_is_not_overwritten(tmp_path, content):
    manifest = write(tmp_path / "out" / "manifest.json", content)
    run_tiny(tmp_path, "baseline").assert_clean_error("manifest")
    assert manifest.read_text() == content, "a file that is not our manifest must be kept"


def test_norm_trend_ending_before_it_starts_is_refused(tmp_path):
    run_tiny(tmp_path, "baseline", "-p", "norm_trend_end_year=2000").assert_clean_error(
        "norm_trend_end_year"
    )


# --- tracebacks --------------------------------------------------------------------------


def test_output_folder_that_cannot_be_made(tmp_path):
    run_tiny(tmp_path, "baseline", "-o", "/proc/uptake-test").assert_clean_error("/proc")


def test_output_folder_under_a_file(tmp_path):
    write(tmp_path / "f", "a file")
    run_tiny(tmp_path, "baseline", "-o", "f/sub").assert_clean_error("f/sub")


@pytest.mark.parametrize(
    "manifest",
    [{"runs": 5}, {"experiment": 3, "runs": {}}, {"runs": {"x": 1}}],
    ids=["runs-number", "experiment-number", "run-entry-number"],
)
def test_malformed_manifest(tmp_path, manifest):
    write(tmp_path / "out" / "manifest.json", json.dumps(manifest))
    run_tiny(tmp_path, "baseline").assert_clean_error("manifest")


def test_binary_manifest(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "manifest.json").write_bytes(b"\xff\xfe\x00")
    run_tiny(tmp_path, "baseline").assert_clean_error("manifest")


@pytest.mark.parametrize("address", ["not a url", "://", "tcp://"])
def test_scheduler_address_that_is_not_an_address(tmp_path, address):
    result = run_tiny(tmp_path, "baseline", "-x", "dask", "--scheduler", address)
    result.assert_clean_error("--scheduler")


def test_deeply_nested_parameter_value(tmp_path):
    result = run_tiny(tmp_path, "baseline", "-p", "turnover_per_year=" + "-" * 100_000 + "1")
    result.assert_clean_error("turnover_per_year")


def test_yaml_error_is_one_line(tmp_path):
    write(tmp_path / "b.yaml", "name: !!python/object/apply:os.system ['touch pwned']\n")
    run_tiny(tmp_path, "b.yaml").assert_clean_error("b.yaml")
    assert not (tmp_path / "pwned").exists(), "YAML tags must never run code"


def test_scenario_written_where_it_cannot_be(tmp_path):
    result = cli("scenarios", "baseline", "--write", "/proc/x.toml", cwd=tmp_path)
    result.assert_clean_error("/proc/x.toml")


# --- names that become paths ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["../../../../X", "/tmp/uptake-escape", "", "a/b", ".."])
def test_sweep_name_cannot_leave_the_results_folder(tmp_path, name):
    work = tmp_path / "deep" / "work"
    write(work / "sw.toml", f"name = {json.dumps(name)}\n" + LHS)
    result = cli("sweep", "sw.toml", "--no-progress", cwd=work)
    result.assert_clean_error("name")
    outside = [p for p in tmp_path.rglob("*") if work not in p.parents and p != work]
    assert [p for p in outside if p.name != "deep"] == [], f"wrote outside: {outside}"
    assert not Path("/tmp/uptake-escape").exists()


def test_empty_output_folder_name_is_refused(tmp_path):
    run_tiny(tmp_path, "baseline", "-o", "").assert_clean_error("--out")
    assert not (tmp_path / "manifest.json").exists(), "'' must not mean the working folder"


# --- small ones --------------------------------------------------------------------------


def test_compare_help_shows_a_single_percent_sign():
    result = cli("compare", "--help")
    assert result.code == 0, result.err
    assert "90%" in result.out, result.out
    assert "%%" not in result.out, result.out


def test_csv_row_with_extra_cells_names_the_row(tmp_path):
    write(tmp_path / "c.csv", "lever,start,strength\npublicity,13,0.5\nenforcement,13,0.5,9,9\n")
    result = run_tiny(tmp_path, "c.csv")
    result.assert_clean_error("row 3", "5 cells")
    assert "publicity" not in result.message, f"blames another row: {result.message}"


def test_blank_rows_of_an_excel_params_sheet_are_skipped(tmp_path):
    import pandas as pd

    path = tmp_path / "p.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        pd.DataFrame([["enforcement", 1, 1.0]], columns=["lever", "start", "strength"]).to_excel(
            xl, sheet_name="reforms", index=False
        )
        pd.DataFrame(
            [["turnover_per_year", 0.3], [None, None], ["risk_targeting", 0.4]],
            columns=["name", "value"],
        ).to_excel(xl, sheet_name="params", index=False)
    result = cli("scenarios", "p.xlsx", cwd=tmp_path)
    assert result.code == 0, f"a blank row must be skipped: {result.err[-500:]}"
    assert "nan" not in result.err.lower()
