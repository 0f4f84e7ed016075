"""The ``uptake`` CLI: listings, runs, clear errors with exit code 2, the demo."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

from experiments import cli
from experiments.cli import common
from experiments.run.executors import EXECUTORS
from experiments.run.storage import ResultStore

SMALL = ["-r", "1", "-m", "14", "-w", "400", "-p", "burn_in_months=6", "--no-progress"]


def run(capsys, *argv) -> tuple[int, str, str]:
    """Run ``uptake argv``; return (exit code, stdout, stderr)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_every_command_module_registers_a_handler():
    import argparse

    for name in cli.COMMAND_MODULES:
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        importlib.import_module(name).register(sub)
        for command, subparser in sub.choices.items():
            handler = subparser.get_default("handler")
            assert callable(handler), f"{name}: `{command}` must set_defaults(handler=...)"
    assert common.EXECUTORS == EXECUTORS, "the CLI offers exactly the executors that exist"
    from experiments.cli import sensitivity as command
    from experiments.sweeps.indices import STATISTICS

    assert command.STATISTICS == STATISTICS, "the CLI offers exactly the statistics that exist"


def test_scenarios_lists_presets_and_levers_with_units(capsys):
    code, out, _ = run(capsys, "scenarios")
    assert code == 0, out
    for needle in ("paper-package", "worker-subsidy", "portability", "enforcement"):
        assert needle in out, f"{needle} missing from the listing"
    unit = "extra proactive inspections per supervised firm per year"
    assert unit in out, "lever units are listed"


def test_params_lists_units_ranges_and_sources(capsys):
    code, out, _ = run(capsys, "params")
    assert code == 0, out
    line = next(x for x in out.splitlines() if x.startswith("turnover_per_year"))
    assert "/year" in line, f"unit missing: {line}"
    assert "[0, " in line, f"range missing: {line}"


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["run", "baseline", "--months", "0"], ["--months", "'0'", ">= 1"]),
        (["run", "baseline", "--workers", "ten"], ["--workers", "'ten'", "whole number"]),
        (["run", "baseline", "-x", "threads"], ["--executor", "invalid choice", "'threads'"]),
        (["run", "baseline", "-p", "turnover"], ["--param", "NAME=VALUE"]),
        (["run", "baseline", "--scheduler", "tcp://h:8786"], ["--scheduler", "--executor dask"]),
        (["run", "nope"], ["'nope'", "presets", "baseline"]),
        (["run", "baseline", "-p", "turnover_per_yeer=0.3"], ["turnover_per_yeer", "did you mean"]),
        (["run", "baseline", "-p", "turnover_per_year=3"], ["turnover_per_year=3", "allowed"]),
        (["compare", "baseline", "missing.toml"], ["missing.toml", "no such scenario file"]),
        (["sweep", "missing.toml"], ["missing.toml", "no such sweep file"]),
        (["report", "no-such-folder"], ["no-such-folder", "no manifest.json"]),
        (["report", "x", "--cost-per-inspection", "-5"], ["--cost-per-inspection", "'-5'"]),
        (["validate", "--response-workers", "50"], ["--response-workers", "'50'", "100-5,000,000"]),
        (["validate", "--response-workers", "many"], ["--response-workers", "'many'", "100-"]),
        (["validate", "--response-replications", "0"], ["--response-replications", "'0'", ">= 1"]),
    ],
)
def test_bad_arguments_exit_2_with_a_message_naming_them(
    capsys, tmp_path, monkeypatch, argv, needles
):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *argv)
    assert code == 2, f"exit code {code} for {argv}; stderr: {err}"
    for needle in needles:
        assert needle in err, f"{needle!r} not in: {err}"


def test_bad_scenario_file_names_file_and_row(capsys, tmp_path):
    sheet = tmp_path / "reforms.csv"
    sheet.write_text("lever,start,strength\nenforcement,13,0.5\nsubsidy,13,0.5\n")
    code, _, err = run(capsys, "compare", "baseline", str(sheet), *SMALL, "-o", str(tmp_path))
    assert code == 2, err
    assert "reforms.csv, row 3" in err, err
    assert "unknown lever 'subsidy'" in err, err


def test_run_writes_results_and_a_rerun_skips_them(capsys, tmp_path):
    out = tmp_path / "out"
    code, text, err = run(capsys, "run", "publicity", *SMALL, "-o", str(out))
    assert code == 0, err
    assert "1 run(s) done" in text, text
    assert ResultStore(out).finished_ids() == {"publicity__r000"}, "one part per run"
    code, text, _ = run(capsys, "run", "publicity", *SMALL, "-o", str(out))
    assert code == 0, text
    assert "0 run(s) done, 1 already done" in text, text


def test_failed_runs_give_exit_code_1_and_say_how_to_retry(capsys, tmp_path, monkeypatch):
    import experiments.run.single

    real = experiments.run.single.simulate

    def faulty(policies, *args):
        if any(p.lever == "publicity" for p in policies):
            raise RuntimeError("injected fault")
        return real(policies, *args)

    monkeypatch.setattr(experiments.run.single, "simulate", faulty)  # serial runs in this process
    out = tmp_path / "o"
    code, text, err = run(capsys, "compare", "baseline", "publicity", *SMALL, "-o", str(out))
    assert code == 1, f"failed runs must give exit code 1; got {code}"
    assert "publicity__r000: RuntimeError: injected fault" in err, err
    assert "rerun the same command" in err, err
    assert "1 run(s) done" in text, "the baseline still ran"


def test_demo_compares_every_recommendation_and_writes_the_report(capsys, tmp_path):
    out = tmp_path / "demo"
    args = [
        "demo",
        "-r",
        "2",
        "-m",
        "13",
        "-w",
        "300",
        "-p",
        "burn_in_months=3",
        "-x",
        "serial",
        "--no-progress",
        "-o",
        str(out),
    ]
    code, text, err = run(capsys, *args)
    assert code == 0, err
    assert f"report: {(out / 'report.html').resolve()}" in text, text
    frame = ResultStore(out).load()
    assert frame["scenario"].nunique() == 12, "baseline, paper-package and 10 recommendations"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Cost-effectiveness" in html, "a compare report has the cost-effectiveness section"
    assert (out / "cost_effectiveness.csv").exists(), "tables exported next to the report"
    code, text, err = run(capsys, "export", str(out), "-o", str(tmp_path / "x"), "--no-excel")
    assert code == 0, err
    differences = pd.read_csv(tmp_path / "x" / "differences.csv")
    assert "baseline" not in set(differences["scenario"]), "differences are reform - baseline"
    assert differences["scenario"].nunique() == 11, "one per reform"


def test_validate_rejects_bad_response_options_before_any_run(capsys, monkeypatch):
    from experiments.cli import validate as command

    def no_run(*args, **kwargs):
        raise AssertionError("the targets ran before the options were checked")

    monkeypatch.setattr(command, "validate", no_run)
    code, _, err = run(capsys, "validate", "--response-workers", "6000000")
    assert code == 2, f"exit code {code}; stderr: {err}"
    assert "--response-workers: '6000000' is out of range; allowed 100-5,000,000" in err, err


def test_validate_records_the_size_and_seeds_of_the_response_runs(capsys, tmp_path):
    import json

    out = tmp_path / "validation"
    argv = ["validate", "--replications", "1", "--n-workers", "400", "--seed", "3"]
    argv += ["--response-replications", "2", "--response-workers", "300"]
    code, text, err = run(capsys, *argv, "--only", "chengdu-2011", "--output", str(out))
    assert code == 0, err
    pointer = "see published responses: audit-yield"
    assert pointer in text, "the C14 target row must say where its model value is"
    assert pointer in (out / "report.md").read_text(), "report.md: C14 row points nowhere"
    assert "Coverage by region of work, 2013" in text, "the regional order is not printed"
    assert "pension: " in text, text
    assert "n/a: one run has no standard error" in text, text
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["response_replications"] == 2, manifest
    assert manifest["response_workers"] == 300, manifest
    assert manifest["response_root_seed"] == 3, manifest
    assert len(manifest["response_seeds"]) == 2, "one seed per response replication"
    responses = pd.read_csv(out / "responses.csv")
    row = responses.iloc[0]
    assert (row["n_runs"], row["workers"], row["seed_root"]) == (2, 300, 3), row.to_dict()
