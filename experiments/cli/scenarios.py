"""``uptake scenarios``: list presets and levers, show one scenario, or write it to a file."""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments.cli.text import table


def register(subparsers) -> None:
    """Add ``uptake scenarios``."""
    p = subparsers.add_parser(
        "scenarios",
        help="list scenario presets and policy levers (with units)",
        description="List the scenario presets and the policy levers with their units. "
        "With NAME, show one scenario (a preset or a file); with --write, save it as "
        "TOML, YAML, CSV or Excel to start your own.",
    )
    p.add_argument("name", nargs="?", help="a preset name or a scenario file to show")
    p.add_argument(
        "--write",
        type=Path,
        metavar="FILE",
        help="write the scenario to FILE (.toml, .yaml, .csv, .xlsx)",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the listing (or one scenario); write it if asked."""
    from experiments.scenarios.files import load_scenario
    from experiments.scenarios.levers import lever_rows
    from experiments.scenarios.library import PRESETS, RECOMMENDATIONS
    from experiments.scenarios.writer import write_scenario

    if args.write and not args.name:
        raise_usage("--write needs a scenario NAME to write")
    if args.name:
        s = load_scenario(args.name)
        print(f"{s.name}: {s.description or '(no description)'}")
        print(f"  parameter preset: {s.base_params or 'default (calibrated if present)'}")
        print(f"  parameter overrides: {s.params or 'none'}")
        print(f"  reforms: {s.reforms_text()}")
        if args.write:
            print(f"written to {write_scenario(s, args.write)}")
        return 0
    rows = [
        {
            "preset": name,
            "recommendation": "yes" if name in RECOMMENDATIONS else "",
            "reforms": s.reforms_text(),
            "description": s.description,
        }
        for name, s in PRESETS.items()
    ]
    print("Scenario presets (reforms: lever strength @start month; '+' = no end):")
    print(table(rows, {"reforms": 48, "description": 60}))
    print("\nPolicy levers (use in scenario files: lever, start, end, strength[, cap, budget]):")
    print(table(lever_rows(), {"paper": 50}))
    print("\nMonth 1 = January 2011; presets start reforms in month 13 (January 2012).")
    return 0


def raise_usage(message: str) -> None:
    """Raise an input error (exit code 2)."""
    from experiments.errors import InputError

    raise InputError(message)
