"""Scenarios read from files: TOML, YAML, and CSV/Excel reform sheets.

Writing them back is :mod:`experiments.scenarios.writer`.

TOML/YAML (one scenario per file; every key but ``reforms`` optional)::

    name = "enforce-and-subsidise"        # default: the file name without extension
    description = "More inspections and a worker subsidy"
    extends = "baseline"                  # a preset whose reforms come first
    base_params = "calibrated"            # parameter preset ("defaults" = model defaults)
    [params]                              # parameter overrides (see `uptake params`)
    turnover_per_year = 0.45
    [[reforms]]                           # one table per reform (see `uptake scenarios`)
    lever = "enforcement"
    strength = 0.78
    start = 13                            # first month in force (1 = January 2011)
    end = 72                              # optional last month

A reform sheet (``.csv``, ``.xlsx``) has one row per reform and the columns
:data:`REFORM_COLUMNS`: ``lever, start, end, strength`` and every lever's extra
fields (today ``cap, budget`` in yuan, which only the subsidies take; ``uptake
scenarios`` lists them). ``end`` and the extra fields may be left blank.
An Excel workbook may add a sheet ``params`` with columns ``name, value``. The
scenario is named after the file. Every error names the file, the row or key, the
bad value and what is allowed.
"""

from __future__ import annotations

import math
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import yaml

from experiments.errors import InputError
from experiments.scenarios.levers import BASE_FIELDS, all_extra_fields, extra_fields, levers_taking
from experiments.scenarios.library import PRESETS, Scenario
from model.params import Params
from model.policies import POLICIES, Policy, make_policy

SCENARIO_KEYS = ("name", "description", "extends", "base_params", "params", "reforms")
#: Columns of a reform sheet and keys of a ``[[reforms]]`` table.
REFORM_COLUMNS = (*BASE_FIELDS, *all_extra_fields())
_REQUIRED = ("lever", "start", "strength")
TEXT_SUFFIXES = (".toml", ".yaml", ".yml")
SHEET_SUFFIXES = (".csv", ".xlsx")


def load_scenario(ref: str | Path) -> Scenario:
    """A preset by name, or a scenario read from a file path.

    Raises:
        InputError: unknown preset, missing or malformed file; the message says what
            is allowed.
    """
    text = str(ref)
    if text in PRESETS:
        return PRESETS[text]
    path = Path(text)
    if path.suffix.lower() in TEXT_SUFFIXES + SHEET_SUFFIXES:
        return read_scenario_file(path)
    raise InputError(
        f"scenario {text!r} is neither a preset nor a scenario file; presets: "
        f"{sorted(PRESETS)}; files: {', '.join(TEXT_SUFFIXES + SHEET_SUFFIXES)}"
    )


def load_scenarios(refs: list[str]) -> list[Scenario]:
    """Several scenarios; their names must differ (they label the output rows)."""
    scenarios = [load_scenario(r) for r in refs]
    seen: dict[str, str] = {}
    for ref, s in zip(refs, scenarios, strict=True):
        if s.name in seen:
            raise InputError(
                f"scenario name {s.name!r} is used twice ({seen[s.name]!r} and {ref!r}); "
                "give one of them another `name`"
            )
        seen[s.name] = ref
    return scenarios


def read_scenario_file(path: Path) -> Scenario:
    """Read one scenario from a TOML, YAML, CSV or Excel file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such scenario file")
    suffix = path.suffix.lower()
    if suffix in SHEET_SUFFIXES:
        rows, params = _read_sheet(path)
        if not rows and not params:
            raise InputError(
                f"{path}: no reform rows below the header (and no params): an empty sheet "
                "would silently be the status quo; for that use the preset 'baseline'"
            )
        policies = tuple(_reform(row, f"{path}, row {n}") for n, row in rows)
        _check_params(params, f"{path}, sheet 'params'")
        return _scenario(path.stem, "", policies, params, None, path)
    data = read_mapping(path)
    if data == {}:
        raise InputError(
            f"{path}: the file is empty: it has no reforms, params or extends, and would "
            "silently be the status quo; for that use the preset 'baseline'"
        )
    return scenario_from_mapping(data, str(path), default_name=path.stem)


def scenario_from_mapping(data: Any, where: str, default_name: str) -> Scenario:
    """Build a scenario from a parsed TOML/YAML mapping; ``where`` prefixes errors."""
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a table of keys {list(SCENARIO_KEYS)}")
    unknown = [k for k in data if k not in SCENARIO_KEYS]
    if unknown:
        raise InputError(f"{where}: unknown key(s) {unknown}; allowed: {list(SCENARIO_KEYS)}")
    name = data.get("name", default_name)
    description = data.get("description", "")
    for key, value in (("name", name), ("description", description)):
        if not isinstance(value, str):
            raise InputError(f"{where}, {key}={value!r}: expected text")
    base: tuple[Policy, ...] = ()
    base_params = data.get("base_params")
    if base_params is not None and not isinstance(base_params, str):
        raise InputError(f"{where}, base_params={base_params!r}: expected a preset name")
    params: dict[str, Any] = {}
    if "extends" in data:
        parent = data["extends"]
        if parent not in PRESETS:
            raise InputError(
                f"{where}, extends={parent!r}: unknown preset; allowed: {sorted(PRESETS)}"
            )
        base, params = PRESETS[parent].policies, dict(PRESETS[parent].params)
    own = data.get("params", {})
    if not isinstance(own, dict):
        raise InputError(f"{where}, params={own!r}: expected a table of name = value")
    params.update(own)
    _check_params(params, f"{where}, params")
    reforms = data.get("reforms", [])
    if not isinstance(reforms, list):
        raise InputError(f"{where}, reforms: expected a list of reform tables ([[reforms]])")
    policies = tuple(_reform(r, f"{where}, reforms[{i}]") for i, r in enumerate(reforms))
    return _scenario(name, description, base + policies, params, base_params, where)


def _scenario(name, description, policies, params, base_params, where) -> Scenario:
    try:
        return Scenario(name, description, policies, params, base_params)
    except ValueError as exc:
        raise InputError(f"{where}: {exc}") from exc


def read_mapping(path: Path) -> Any:
    """The parsed contents of a TOML or YAML file; a parse error names the file."""
    try:
        if path.suffix.lower() == ".toml":
            with path.open("rb") as fh:
                return tomllib.load(fh)
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except (tomllib.TOMLDecodeError, yaml.YAMLError, UnicodeDecodeError) as exc:
        kind = "TOML" if path.suffix.lower() == ".toml" else "YAML"
        detail = " ".join(str(exc).split())  # YAML errors span several lines
        raise InputError(f"{path}: not valid {kind}: {detail}") from exc


def _read_sheet(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], dict[str, Any]]:
    """Rows ``(spreadsheet row number, {column: value})`` and the params sheet."""
    import pandas as pd

    params: dict[str, Any] = {}
    try:
        if path.suffix.lower() == ".csv":
            _check_csv_cells(path)
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
        else:
            sheets = pd.read_excel(path, sheet_name=None, dtype=object)
            names = list(sheets)
            frame = sheets[names[0]]
            if "params" in sheets and names[0] != "params":
                params = _params_sheet(sheets["params"], path)
    except (ValueError, OSError, KeyError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path}: cannot read the reform sheet: {exc}") from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    unknown = [c for c in frame.columns if c not in REFORM_COLUMNS]
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if unknown or missing:
        raise InputError(
            f"{path}: header row: unknown column(s) {unknown}, missing {missing}; "
            f"allowed columns: {list(REFORM_COLUMNS)} (required: {list(_REQUIRED)})"
        )
    rows = []
    for i, record in enumerate(frame.to_dict("records")):
        cleaned = {k: v for k, v in record.items() if not _blank(v)}
        if cleaned:
            rows.append((i + 2, cleaned))  # row 1 is the header
    return rows, params


def _check_csv_cells(path: Path) -> None:
    """Refuse a row with more cells than the header (pandas would shift its columns)."""
    import csv

    try:
        with path.open(encoding="utf-8", newline="") as fh:
            lines = list(csv.reader(fh, skipinitialspace=True))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: cannot read the reform sheet: {exc}") from exc
    if not lines:
        return
    width = len(lines[0])
    for number, cells in enumerate(lines[1:], start=2):
        extra = [c for c in cells[width:] if c.strip()]
        if extra:
            raise InputError(
                f"{path}, row {number}: {len(cells)} cells, but the header has {width} "
                f"({', '.join(lines[0])}); remove the extra cells {extra}"
            )


def _params_sheet(frame: Any, path: Path) -> dict[str, Any]:
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if list(frame.columns[:2]) != ["name", "value"]:
        raise InputError(f"{path}, sheet 'params': columns must be name, value")
    params = {}
    for number, row in enumerate(frame.to_dict("records"), start=2):
        if _blank(row["name"]) and _blank(row["value"]):
            continue  # a blank row
        if _blank(row["name"]):
            raise InputError(f"{path}, sheet 'params', row {number}: value without a name")
        params[str(row["name"]).strip()] = row["value"]
    return params


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _reform(entry: Any, where: str) -> Policy:
    """One reform (a mapping with lever, start, strength, ...) as a policy object."""
    if not isinstance(entry, dict):
        raise InputError(f"{where}: expected a table with keys {list(REFORM_COLUMNS)}")
    unknown = [k for k in entry if k not in REFORM_COLUMNS]
    if unknown:
        raise InputError(f"{where}: unknown key(s) {unknown}; allowed: {list(REFORM_COLUMNS)}")
    missing = [k for k in _REQUIRED if k not in entry]
    if missing:
        raise InputError(f"{where}: missing {missing}; each reform needs {list(_REQUIRED)}")
    lever = str(entry["lever"]).strip()
    if lever not in POLICIES:
        raise InputError(f"{where}: unknown lever {lever!r}; allowed: {sorted(POLICIES)}")
    fields: dict[str, Any] = {
        "strength": _number(entry["strength"], f"{where}, strength"),
        "start": _month(entry["start"], f"{where}, start"),
    }
    if entry.get("end") is not None:
        fields["end"] = _month(entry["end"], f"{where}, end")
    for key in REFORM_COLUMNS[len(BASE_FIELDS) :]:
        if entry.get(key) is None:
            continue
        if key not in extra_fields(lever):
            raise InputError(
                f"{where}, {key}={entry[key]!r}: only {' and '.join(levers_taking(key))} "
                f"take {key}; leave it blank for {lever!r}"
            )
        fields[key] = _number(entry[key], f"{where}, {key}")
    try:
        return make_policy(lever, **fields)
    except ValueError as exc:
        raise InputError(f"{where}: {exc}") from exc


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool):
        raise InputError(f"{where}={value!r}: expected a number")
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}={value!r}: expected a number") from None
    if math.isnan(number):
        raise InputError(f"{where}={value!r}: expected a number, got NaN")
    return number


def _month(value: Any, where: str) -> int:
    number = _number(value, where)
    if not number.is_integer() or number < 1:
        raise InputError(f"{where}={value!r}: expected a whole month >= 1 (1 = January 2011)")
    return int(number)


def _check_params(params: dict[str, Any], where: str) -> None:
    if "seed" in params:
        raise InputError(f"{where}: 'seed' is set by the experiment (use --seed), not a scenario")
    try:
        Params.build(**params)
    except (ValueError, TypeError) as exc:
        raise InputError(f"{where}: {exc}") from exc
