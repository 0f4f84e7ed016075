"""The ODD description matches the code: sections, sub-step order, generated tables."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from model import POLICIES, SUBSTEPS
from model.outcomes import OUTCOMES
from model.params import describe

DOCS = Path(__file__).resolve().parents[1] / "docs"
ODD = DOCS / "ODD.md"


def _tables_module():
    spec = importlib.util.spec_from_file_location("make_odd_tables", DOCS / "make_odd_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def text() -> str:
    return ODD.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "section",
    [
        "Purpose",
        "Entities, state variables and scales",
        "Process overview and scheduling",
        "Design concepts",
        "Initialisation",
        "Input data",
        "Submodels",
        "Parameters",
    ],
)
def test_odd_has_every_section(text, section):
    assert re.search(rf"^## \d+\. {re.escape(section)}", text, flags=re.M), f"no '{section}'"


def test_odd_schedule_lists_the_substeps_in_run_order(text):
    listed = re.findall(r"^\| \d+ \| `(\w+)` \|", text, flags=re.M)
    assert listed == list(SUBSTEPS), f"ODD schedule {listed} != SUBSTEPS {list(SUBSTEPS)}"


def test_generated_tables_are_up_to_date(text):
    fresh = _tables_module().render(text)
    assert fresh == text, "docs/ODD.md tables are stale: run python docs/make_odd_tables.py"


def test_parameter_table_has_every_parameter_with_unit_default_and_source(text):
    table = text.split("<!-- begin parameters -->")[1].split("<!-- end parameters -->")[0]
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `(\w+)` \|.*$", table, flags=re.M)}
    for param in describe():
        row = rows.get(param["name"])
        assert row, f"parameter {param['name']} missing from the ODD table"
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[2] == param["unit"].replace("|", "\\|"), f"{param['name']}: unit differs"
        assert cells[4], f"{param['name']}: no source in the ODD table"


def test_every_outcome_and_policy_is_documented(text):
    for name in OUTCOMES:
        assert f"| `{name}` |" in text, f"outcome {name} not in the ODD"
    for lever, cls in POLICIES.items():
        assert f"| `{lever}` | `{cls.__name__}` |" in text, f"policy {lever} not in the ODD"
        assert f"`{cls.__name__}`" in text.split("## 8.")[0], f"{cls.__name__} has no equation"
