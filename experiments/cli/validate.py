"""``uptake validate``: the calibrated baseline against the national figures.

The runs are :func:`experiments.calibration.validation.validate`, the report
:func:`experiments.calibration.validation_report.write_report`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from experiments.calibration.targets import TARGETS_PATH
from experiments.calibration.validation import DEFAULT_OUTPUT, DEFAULT_SEED, validate
from experiments.calibration.validation_report import write_report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``uptake validate``."""
    parser.add_argument(
        "--preset", default="calibrated", help="preset name or .toml file (calibrated)"
    )
    parser.add_argument("--replications", type=int, default=10, help="replications (10)")
    parser.add_argument("--n-workers", type=int, default=50_000, help="workers per run (50000)")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"root seed ({DEFAULT_SEED}; held out)"
    )
    parser.add_argument("--targets", type=Path, default=TARGETS_PATH, help="targets CSV")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="report folder")


def run(args: argparse.Namespace) -> int:
    """Run ``uptake validate`` with parsed ``args`` and write the report."""
    result = validate(args.preset, args.replications, args.n_workers, args.seed, args.targets)
    folder = write_report(result, args.output)
    table = result["targets"]
    shown = table[["target", "role", "data", "model_mean", "model_p05", "model_p95", "gap_pp"]]
    print(shown.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    print(result["ordering"][["year", "model_order", "holds_for_mean"]].to_string(index=False))
    print(f"report: {folder / 'report.md'} and {folder / 'report.html'}")
    return 0


def register(subparsers: Any) -> None:
    """Add ``validate`` to the ``uptake`` command line."""
    parser = subparsers.add_parser(
        "validate", help="compare the calibrated baseline with the national figures"
    )
    add_arguments(parser)
    parser.set_defaults(handler=run)
