"""Write a scenario back to a file: TOML, YAML, or a CSV/Excel reform sheet.

The inverse of :func:`experiments.scenarios.files.read_scenario_file`: writing a
scenario and reading it back gives the same reforms (the round trip is tested).
``uptake scenarios NAME --write FILE`` uses it to give analysts a starting sheet.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

from experiments.errors import InputError
from experiments.scenarios.files import REFORM_COLUMNS, SHEET_SUFFIXES, TEXT_SUFFIXES
from experiments.scenarios.levers import is_default
from experiments.scenarios.library import Scenario
from model.policies import POLICIES


def reform_rows(scenario: Scenario) -> list[dict[str, Any]]:
    """The scenario's reforms as sheet rows (blank = ``None``)."""
    rows = []
    for p in scenario.policies:
        if p.lever not in POLICIES:
            raise InputError(f"scenario {scenario.name!r}: policy {p!r} has no lever name")
        d = p.to_dict()
        rows.append(
            {c: (None if is_default(p.lever, c, d.get(c)) else d.get(c)) for c in REFORM_COLUMNS}
        )
    return rows


def write_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write a scenario as TOML, YAML, CSV or Excel (sheets hold reforms and params only)."""
    import pandas as pd

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES + SHEET_SUFFIXES:
        raise InputError(f"{path}: unknown format; allowed: {TEXT_SUFFIXES + SHEET_SUFFIXES}")
    rows = reform_rows(scenario)
    data = _mapping(scenario, rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".toml":
        path.write_text(_toml(data), encoding="utf-8")
    elif suffix in (".yaml", ".yml"):
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    else:
        if scenario.base_params is not None or (scenario.params and suffix == ".csv"):
            raise InputError(
                f"{path}: a {suffix} reform sheet cannot hold the parameters of scenario "
                f"{scenario.name!r}; write .toml, .yaml (or .xlsx for params only)"
            )
        if not rows and not scenario.params:
            raise InputError(
                f"{path}: scenario {scenario.name!r} has no reforms; a sheet without reform "
                "rows would read as nothing; write .toml or .yaml"
            )
        frame = pd.DataFrame(rows, columns=list(REFORM_COLUMNS))
        if suffix == ".csv":
            frame.to_csv(path, index=False)
        else:
            with pd.ExcelWriter(path, engine="openpyxl") as xl:
                frame.to_excel(xl, sheet_name="reforms", index=False)
                if scenario.params:
                    items = list(scenario.params.items())
                    pd.DataFrame(items, columns=["name", "value"]).to_excel(
                        xl, sheet_name="params", index=False
                    )
    return path


def _mapping(scenario: Scenario, rows: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {"name": scenario.name, "description": scenario.description}
    if scenario.base_params is not None:
        data["base_params"] = scenario.base_params
    if scenario.params:
        data["params"] = dict(scenario.params)
    data["reforms"] = [{k: v for k, v in r.items() if v is not None} for r in rows]
    return data


def _toml(data: dict[str, Any]) -> str:
    """A small TOML writer for the scenario layout (tomllib only reads)."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, dict | list)]
    if "params" in data:
        lines += ["", "[params]"] + [f"{k} = {_toml_value(v)}" for k, v in data["params"].items()]
    for reform in data["reforms"]:
        lines += ["", "[[reforms]]"] + [f"{k} = {_toml_value(v)}" for k, v in reform.items()]
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)
