"""``uptake sensitivity DIR``: print and plot sensitivity indices of a finished sweep."""

from __future__ import annotations

import argparse
from pathlib import Path

STATISTICS = ("last12", "final")  # experiments.sweeps.indices.STATISTICS, without its imports


def register(subparsers) -> None:
    """Add ``uptake sensitivity``."""
    p = subparsers.add_parser(
        "sensitivity",
        help="sensitivity indices (Morris, Sobol; rank correlation for LHS/factorial)",
        description="Compute sensitivity indices for chosen outcomes of a sweep folder, "
        "print them, and save sensitivity.csv and sensitivity.png in the folder.",
    )
    p.add_argument("folder", type=Path, help="output folder of `uptake sweep`")
    p.add_argument(
        "--outcome",
        action="append",
        metavar="NAME",
        help="outcome column (repeatable; default: the sweep file's `outcomes`)",
    )
    p.add_argument(
        "--statistic",
        choices=STATISTICS,
        default="last12",
        help="score of a run: mean of the last 12 months or the last month",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Compute, print, save."""
    import pandas as pd

    from experiments.analysis import plots
    from experiments.run.storage import atomic_write
    from experiments.sweeps.indices import analyse

    indices = analyse(str(args.folder), args.outcome, args.statistic)
    with pd.option_context("display.width", 200, "display.max_rows", None):
        print(indices.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    csv = args.folder / "sensitivity.csv"
    atomic_write(csv, lambda tmp: indices.to_csv(tmp, index=False))
    png = args.folder / "sensitivity.png"
    data = plots.to_png(plots.sensitivity_figure(indices))
    atomic_write(png, lambda tmp: tmp.write_bytes(data))
    print(f"saved {csv} and {png}")
    return 0
