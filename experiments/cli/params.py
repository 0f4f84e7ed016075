"""``uptake params``: every model parameter with unit, range and source; or the outcomes."""

from __future__ import annotations

import argparse

from experiments.cli.text import table


def register(subparsers) -> None:
    """Add ``uptake params``."""
    p = subparsers.add_parser(
        "params",
        help="table of all model parameters with unit, range and source",
        description="List every model parameter (name, default, unit, allowed range, "
        "source, meaning). Use the names with --param NAME=VALUE and in scenario files.",
    )
    p.add_argument("--outcomes", action="store_true", help="list the outcome columns instead")
    p.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the table."""
    import pandas as pd

    from model.outcomes import OUTCOMES
    from model.params import describe

    if args.outcomes:
        rows = [{"outcome": k, "unit": u, "meaning": m} for k, (u, m) in OUTCOMES.items()]
    else:
        rows = [
            {
                "name": r["name"],
                "default": r["default"],
                "unit": r["unit"],
                "range": f"[{_num(r['lo'])}, {_num(r['hi'])}]",
                "source": r["source"],
                "meaning": r["doc"],
            }
            for r in describe()
        ]
    if args.csv:
        print(pd.DataFrame(rows).to_csv(index=False), end="")
    else:
        print(table(rows, {"source": 45, "meaning": 70, "unit": 28}))
    return 0


def _num(value: object) -> str:
    return "-" if value is None else f"{value:g}"
