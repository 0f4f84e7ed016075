"""``uptake discover DIR``: PRIM scenario discovery over a finished sweep."""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments.cli.common import positive_float, whole


def share(text: str) -> float:
    """An argparse type: a number in (0, 1]."""
    value = positive_float(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"{text!r} is out of range; allowed (0, 1]")
    return value


def register(subparsers) -> None:
    """Add ``uptake discover``."""
    p = subparsers.add_parser(
        "discover",
        help="scenario discovery (PRIM): which levers and parameters reach a target",
        description="Find boxes of the sweep's inputs (lever strengths, parameters) in "
        "which the mean outcome over the last 12 months reaches --threshold, with PRIM. "
        "Writes prim_boxes.csv, prim_trajectory.csv, prim_cases.csv and prim.png to "
        "DIR/discovery/; `uptake report DIR` then shows them.",
        epilog="example: uptake discover results/sweep-lhs --outcome frac_covered_pension "
        "--threshold 0.5",
    )
    p.add_argument("folder", type=Path, help="output folder of `uptake sweep`")
    p.add_argument("--outcome", required=True, metavar="NAME", help="outcome column")
    p.add_argument(
        "--threshold",
        required=True,
        type=float,
        help="cases of interest: design points whose mean outcome is >= this",
    )
    p.add_argument("--below", action="store_true", help="cases of interest are <= threshold")
    p.add_argument(
        "--min-density",
        type=share,
        default=0.8,
        help="least share of cases of interest in a reported box (default %(default)s)",
    )
    p.add_argument("--boxes", type=whole(1), default=2, help="boxes to find (default 2)")
    p.add_argument(
        "--mass-min",
        type=share,
        default=0.05,
        help="least share of the design points in a box (default %(default)s)",
    )
    p.add_argument(
        "--input",
        action="append",
        metavar="COLUMN",
        help="design column to use (repeatable; default: every varied column)",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Discover, print the boxes, save the tables and the figure."""
    from experiments.sweeps.discovery import describe, discover, write_discovery

    result = discover(
        args.folder,
        args.outcome,
        args.threshold,
        below=args.below,
        min_density=args.min_density,
        max_boxes=args.boxes,
        inputs=args.input,
        mass_min=args.mass_min,
    )
    print(describe(result))
    out = write_discovery(result, args.folder)
    print(f"saved {out}/prim_boxes.csv, prim_trajectory.csv, prim_cases.csv and prim.png")
    return 0
