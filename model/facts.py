"""Load the sourced figures in ``model/data/*.csv`` that defaults and targets are read from.

Every row carries ``key, year, value, unit, source, note``. A file with a missing
column, a non-numeric value or an empty source is rejected with the file, the row
and the field named, so that no default enters the model without its source.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
COLUMNS = ("key", "year", "value", "unit", "source", "note")


@dataclass(frozen=True)
class Fact:
    """One sourced figure."""

    key: str
    year: int
    value: float
    unit: str
    source: str
    note: str


def read_facts(path: str | Path) -> dict[tuple[str, int], Fact]:
    """Read and validate a facts CSV.

    Args:
        path: CSV file with the columns ``key, year, value, unit, source, note``.

    Returns:
        Facts keyed by ``(key, year)``.

    Raises:
        ValueError: naming the file, row and field for any malformed entry.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such facts file")
    facts: dict[tuple[str, int], Fact] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {missing}; expected {list(COLUMNS)}")
        for row_number, row in enumerate(reader, start=2):
            where = f"{path}, row {row_number}"
            try:
                year = int(row["year"])
            except (TypeError, ValueError):
                raise ValueError(f"{where}: year={row['year']!r} is not a whole number") from None
            try:
                value = float(row["value"])
            except (TypeError, ValueError):
                raise ValueError(f"{where}: value={row['value']!r} is not a number") from None
            if not (row["key"] or "").strip():
                raise ValueError(f"{where}: key is empty")
            if not (row["source"] or "").strip():
                raise ValueError(f"{where}: source is empty for key {row['key']!r}")
            key = (row["key"].strip(), year)
            if key in facts:
                raise ValueError(f"{where}: duplicate entry for key {key[0]!r}, year {year}")
            facts[key] = Fact(key[0], year, value, row["unit"], row["source"], row["note"] or "")
    return facts


@functools.cache
def inputs() -> dict[tuple[str, int], Fact]:
    """The model's input figures (``model/data/inputs.csv``)."""
    return read_facts(DATA_DIR / "inputs.csv")


def fact(key: str, year: int | None = None) -> float:
    """Value of an input figure; with no year, the earliest year on file.

    Raises:
        KeyError: if the key (or key and year) is not on file.
    """
    table = inputs()
    years = sorted(y for (k, y) in table if k == key)
    if not years:
        raise KeyError(f"no input figure named {key!r} in {DATA_DIR / 'inputs.csv'}")
    chosen = years[0] if year is None else year
    if (key, chosen) not in table:
        raise KeyError(f"input figure {key!r} has no year {chosen}; years on file: {years}")
    return table[(key, chosen)].value


def source(key: str) -> str:
    """Source URL (or ``assumption``) of an input figure's earliest entry."""
    table = inputs()
    years = sorted(y for (k, y) in table if k == key)
    return table[(key, years[0])].source
