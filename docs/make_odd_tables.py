"""Write the generated tables of ``docs/ODD.md`` from the code, so the ODD cannot drift.

The parameter table comes from :func:`model.params.describe` (unit, default, range,
source and meaning declared beside each field), the outcome table from
:data:`model.outcomes.OUTCOMES` and ``LABELS``, the policy table from
:data:`model.POLICIES`, the schedule from :data:`model.substeps.SUBSTEPS` and the
agent column tables (with each column's owning sub-step) from
``model.population.WORKER_COLUMNS`` and ``FIRM_COLUMNS``.
Each table sits between ``<!-- begin NAME -->`` and ``<!-- end NAME -->`` markers;
the text around them is written by hand. ``tests/test_model_docs.py`` fails when a
table is out of date.

Usage::

    python docs/make_odd_tables.py          # rewrite the tables in docs/ODD.md
    python docs/make_odd_tables.py --check  # exit 1 if they are out of date
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ODD = Path(__file__).with_name("ODD.md")


def _cell(value: object) -> str:
    text = str(value).replace("|", "\\|").replace("\n", " ")
    return text


def _number(value: object) -> str:
    if value is None:
        return "None"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _source(text: str) -> str:
    """Markdown link for URLs; text as is otherwise."""
    return re.sub(r"(https?://\S+)", lambda m: f"[link]({m.group(1)})", _cell(text))


def parameter_table() -> str:
    """One row per model parameter: name, default, unit, range, source, meaning."""
    from model.params import describe

    lines = [
        "| parameter | default | unit | range | source | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for row in describe():
        lines.append(
            f"| `{row['name']}` | {_number(row['default'])} | {_cell(row['unit'])} | "
            f"{_number(row['lo'])} to {_number(row['hi'])} | {_source(row['source'])} | "
            f"{_cell(row['doc'])} |"
        )
    return "\n".join(lines)


def outcome_table() -> str:
    """One row per recorded outcome: name, label, unit, meaning."""
    from model.outcomes import LABELS, OUTCOMES

    lines = ["| outcome | label | unit | meaning |", "|---|---|---|---|"]
    for name, (unit, meaning) in OUTCOMES.items():
        lines.append(f"| `{name}` | {_cell(LABELS[name])} | {_cell(unit)} | {_cell(meaning)} |")
    return "\n".join(lines)


def schedule_table() -> str:
    """One row per sub-step, in run order: name, what it does, its random streams."""
    from model.substeps import SUBSTEPS

    lines = [
        "| # | sub-step | what happens | random streams | in the burn-in |",
        "|---|---|---|---|---|",
    ]
    for i, (name, step) in enumerate(SUBSTEPS.items(), start=1):
        streams = ", ".join(f"`{s}`" for s in step.streams) or "-"
        lines.append(
            f"| {i} | `{name}` | {_cell(step.doc)} | {streams} | "
            f"{'yes' if step.burn_in else 'no'} |"
        )
    return "\n".join(lines)


def _column_table(columns: dict) -> str:
    import numpy as np

    lines = [
        "| variable | type | meaning, unit | owner | also written by |",
        "|---|---|---|---|---|",
    ]
    for name, column in columns.items():
        also = "; ".join(f"`{step}`: {_cell(why)}" for step, why in column.also.items())
        owner = "(built at the start)" if column.owner == "built" else f"`{column.owner}`"
        lines.append(
            f"| `{name}` | {np.dtype(column.dtype).name} | {_cell(column.doc)} | {owner} | "
            f"{also or '-'} |"
        )
    return "\n".join(lines)


def worker_table() -> str:
    """One row per worker column: name, dtype, meaning, owning sub-step, other writers."""
    from model.population import WORKER_COLUMNS

    return _column_table(WORKER_COLUMNS)


def firm_table() -> str:
    """One row per firm column: name, dtype, meaning, owning sub-step, other writers."""
    from model.population import FIRM_COLUMNS

    return _column_table(FIRM_COLUMNS)


def policy_table() -> str:
    """One row per policy lever: name, class, strength unit and range, paper recommendation."""
    from model import POLICIES

    lines = [
        "| lever | class | label | strength (unit) | range | extra fields | moves | "
        "public cost | paper |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for lever, cls in POLICIES.items():
        extra = [f"{name} ({unit})" for name, unit, _ in cls.extra_fields()]
        moves = ", ".join(f"`{name}`" for name in cls.moves)
        cost = f"{cls.cost.payer}: {cls.cost.basis}" if cls.cost else "not modelled"
        lines.append(
            f"| `{lever}` | `{cls.__name__}` | {_cell(cls.label)} | {_cell(cls.unit)} | "
            f"{cls.min_strength:g} to {cls.max_strength:g} | {_cell(', '.join(extra)) or '-'} | "
            f"{moves} | {_cell(cost)} | {_cell(cls.paper)} |"
        )
    return "\n".join(lines)


TABLES = {
    "parameters": parameter_table,
    "outcomes": outcome_table,
    "policies": policy_table,
    "schedule": schedule_table,
    "workers": worker_table,
    "firms": firm_table,
}


def render(text: str) -> str:
    """``text`` with every generated table replaced by its current version."""
    for name, make in TABLES.items():
        pattern = re.compile(rf"(<!-- begin {name} -->\n)(?:.*?\n)?(<!-- end {name} -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"{ODD}: markers for the {name!r} table are missing")
        text = pattern.sub(lambda m, make=make: m.group(1) + make() + "\n" + m.group(2), text)
    return text


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or, with ``--check``, verify) the generated tables of the ODD."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 if stale")
    args = parser.parse_args(argv)
    current = ODD.read_text(encoding="utf-8")
    fresh = render(current)
    if args.check:
        if fresh != current:
            print(f"{ODD} tables are out of date: run python docs/make_odd_tables.py")
            return 1
        return 0
    ODD.write_text(fresh, encoding="utf-8")
    print(f"wrote the tables of {ODD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
