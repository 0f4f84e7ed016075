"""Scenario presets, scenario files (TOML, YAML, CSV, Excel) and their error messages."""

from __future__ import annotations

import pytest

from experiments.errors import InputError
from experiments.scenarios.files import load_scenario, load_scenarios, read_scenario_file
from experiments.scenarios.library import PRESETS, RECOMMENDATIONS, Scenario, get_preset
from experiments.scenarios.writer import write_scenario
from model.policies import Enforcement, WorkerSubsidy

TOML = """
name = "mix"
description = "two reforms"
[params]
turnover_per_year = 0.4
[[reforms]]
lever = "enforcement"
strength = 0.78
start = 13
[[reforms]]
lever = "worker_subsidy"
strength = 0.5
start = 25
end = 60
cap = 200
budget = 5e9
"""


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_presets_cover_every_recommendation_and_the_package():
    expected = {
        "enforcement",
        "data-sharing",
        "key-firm-focus",
        "credit-rating",
        "worker-subsidy",
        "firm-subsidy",
        "portability",
        "points",
        "publicity",
        "unions",
    }
    assert expected <= set(RECOMMENDATIONS), f"missing: {expected - set(RECOMMENDATIONS)}"
    assert not PRESETS["baseline"].policies, "baseline has no reform"
    package = {p.lever for p in PRESETS["paper-package"].policies}
    singles = {p.lever for n in RECOMMENDATIONS for p in PRESETS[n].policies}
    assert package == singles, "paper-package must stack every single recommendation"


def test_toml_scenario_loads_every_field(tmp_path):
    s = load_scenario(write(tmp_path, "mix.toml", TOML))
    assert s.name == "mix", s
    assert s.params == {"turnover_per_year": 0.4}, s
    assert s.policies[0] == Enforcement(strength=0.78, start=13), s.policies[0]
    sub = s.policies[1]
    assert isinstance(sub, WorkerSubsidy), sub
    assert (sub.strength, sub.start, sub.end, sub.cap, sub.budget) == (0.5, 25, 60, 200, 5e9)


def test_yaml_and_extends(tmp_path):
    text = "extends: baseline\nreforms:\n  - {lever: publicity, strength: 1, start: 13}\n"
    s = load_scenario(write(tmp_path, "pub.yaml", text))
    assert s.name == "pub", "name defaults to the file name"
    assert [p.lever for p in s.policies] == ["publicity"], s.policies


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (
            '[[reforms]]\nlever = "enforcment"\nstrength = 1\nstart = 13\n',
            ["reforms[0]", "enforcment", "allowed", "enforcement"],
        ),
        (
            '[[reforms]]\nlever = "enforcement"\nstrength = 99\nstart = 13\n',
            ["reforms[0]", "strength=99", "[0, 1.0]"],
        ),
        (
            '[[reforms]]\nlever = "publicity"\nstrength = 1\nstart = 0\n',
            ["reforms[0], start=0", "whole month >= 1"],
        ),
        ('[[reforms]]\nlever = "publicity"\nstrength = 1\n', ["reforms[0]", "missing ['start']"]),
        (
            '[[reforms]]\nlever = "publicity"\nstrength = 1\nstart = 13\ncap = 5\n',
            ["cap=5", "only worker_subsidy and firm_subsidy"],
        ),
        ('colour = "red"\n', ["unknown key(s) ['colour']", "allowed"]),
        ("[params]\nturnover_per_yeer = 0.3\n", ["params", "turnover_per_yeer", "did you mean"]),
        ("[params]\nturnover_per_year = 7\n", ["turnover_per_year=7", "out of range"]),
        ("[params]\nseed = 7\n", ["'seed' is set by the experiment"]),
        ('extends = "nope"\n', ["extends='nope'", "unknown preset"]),
        ('name = "bad name!"\n', ["scenario name 'bad name!'", "letters, digits"]),
        ("reforms = [\n", ["not valid TOML"]),
    ],
)
def test_bad_toml_files_name_the_file_key_and_allowed_values(tmp_path, text, needles):
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(InputError) as err:
        load_scenario(path)
    message = str(err.value)
    assert str(path) in message, f"message must name the file: {message}"
    for needle in needles:
        assert needle in message, f"{needle!r} not in: {message}"


def test_unknown_name_lists_presets_and_missing_file_is_named(tmp_path):
    with pytest.raises(InputError, match="neither a preset nor a scenario file; presets"):
        load_scenario("no-such-preset")
    with pytest.raises(InputError, match="no such scenario file"):
        load_scenario(tmp_path / "absent.toml")
    with pytest.raises(InputError, match="used twice"):
        load_scenarios(["baseline", "baseline"])


def test_csv_sheet_errors_give_the_row_number(tmp_path):
    text = "lever,start,end,strength\nenforcement,13,,0.5\nunion,13,,0.3\n"
    with pytest.raises(InputError) as err:
        load_scenario(write(tmp_path, "sheet.csv", text))
    assert "row 3" in str(err.value), str(err.value)
    assert "'union'" in str(err.value), str(err.value)
    text = "lever,start,strength,colour\nenforcement,13,0.5,red\n"
    with pytest.raises(InputError, match=r"unknown column\(s\) \['colour'\]"):
        load_scenario(write(tmp_path, "cols.csv", text))
    text = "lever,start,strength\nenforcement,soon,0.5\n"
    with pytest.raises(InputError, match=r"row 2, start='soon': expected a number"):
        load_scenario(write(tmp_path, "month.csv", text))


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".toml", ".yaml"])
def test_reform_sheet_round_trips(tmp_path, suffix):
    original = get_preset("paper-package")
    path = write_scenario(original, tmp_path / f"paper-package{suffix}")
    back = read_scenario_file(path)
    assert back.policies == original.policies, f"{suffix}: reforms changed in the round trip"
    assert back.name == "paper-package", back.name


def test_excel_round_trip_keeps_params_and_subsidy_limits(tmp_path):
    policy = WorkerSubsidy(strength=0.4, start=13, end=48, cap=150.0, budget=2e9)
    original = Scenario("capped", "", (policy,), {"turnover_per_year": 0.35})
    back = read_scenario_file(write_scenario(original, tmp_path / "capped.xlsx"))
    assert back.policies == (policy,), back.policies
    assert back.params == {"turnover_per_year": 0.35}, back.params
    csv_back = read_scenario_file(write_scenario(Scenario("c", "", (policy,)), tmp_path / "c.csv"))
    assert csv_back.policies[0].cap == 150.0, csv_back


def test_csv_cannot_silently_drop_parameters(tmp_path):
    with pytest.raises(InputError, match="cannot hold the parameters"):
        write_scenario(Scenario("p", "", (), {"turnover_per_year": 0.3}), tmp_path / "p.csv")


def test_lever_descriptions_come_from_the_policy_classes(monkeypatch):
    """A new policy class with an extra field and a cost needs no change in experiments/."""
    from dataclasses import dataclass
    from typing import ClassVar

    from experiments.scenarios import levers
    from model.policies import POLICIES, Cost, Policy

    @dataclass(frozen=True)
    class Toy(Policy):
        ceiling: float = 7.0
        lever: ClassVar[str] = "toy"
        label: ClassVar[str] = "A toy lever"
        max_strength: ClassVar[float] = 2.0
        cost: ClassVar[Cost | None] = Cost("nobody", "none", "zero")

        @classmethod
        def extra_fields(cls):
            return (("ceiling", "widgets", 7.0),)

        def apply(self, levers):
            return levers

    before = levers.all_extra_fields()
    monkeypatch.setitem(POLICIES, "toy", Toy)
    assert levers.all_extra_fields() == (*before, "ceiling"), "new extra field not listed"
    assert levers.levers_taking("ceiling") == ["toy"], "levers_taking misses the toy lever"
    assert levers.is_default("toy", "ceiling", 7.0), "the class default is not a default"
    assert not levers.is_default("toy", "ceiling", 3.0), "a set ceiling counted as default"
    assert "toy" in levers.costed_levers(), "a class with a cost is not costed"
    row = next(r for r in levers.lever_rows() if r["lever"] == "toy")
    assert row["label"] == "A toy lever", row
    assert row["strength"] == "0-2", row
    assert row["extra_fields"] == "ceiling (widgets)", row


def test_costed_levers_are_the_classes_with_a_cost():
    """The cost table's 'costs not modelled' follows the policy classes' ``cost``."""
    from experiments.analysis import COSTED_LEVERS
    from model.policies import POLICIES

    expected = {name for name, cls in POLICIES.items() if cls.cost and cls.cost.costed}
    assert expected == COSTED_LEVERS, f"{sorted(COSTED_LEVERS)} != {sorted(expected)}"
    assert {"enforcement", "worker_subsidy", "firm_subsidy"} <= COSTED_LEVERS, "costed levers lost"


def test_every_preset_has_its_own_human_name():
    from experiments.scenarios import PRESETS, scenario_title

    titles = {name: s.title for name, s in PRESETS.items()}
    unnamed = [n for n, t in titles.items() if t == n]
    assert unnamed == [], f"presets shown by their slug: {unnamed}"
    assert len(set(titles.values())) == len(titles), f"two presets share a name: {titles}"
    assert scenario_title("paper-package") == titles["paper-package"], "title lookup differs"
    assert scenario_title("my-file-scenario") == "my-file-scenario", "unknown names unchanged"
    assert "label" not in PRESETS["points"].to_dict(), "outputs are keyed by the name only"
