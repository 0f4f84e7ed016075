"""``uptake ensemble``: keep calibrated parameter sets that fit about equally well.

The draws and the acceptance rule are in :mod:`experiments.calibration.ensemble`;
the file it writes is read by ``uptake compare --ensemble K``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    """Add ``uptake ensemble``."""
    from experiments.calibration.ensemble import ENSEMBLE_PATH

    p = subparsers.add_parser(
        "ensemble",
        help="draw calibrated parameter sets that fit the targets about equally well",
        description="Draw parameter sets around the calibrated point (Laplace proposal) and "
        "keep those whose objective J is within chi2_0.68(k) of the best; write them to "
        "--output for `uptake compare --ensemble K`.",
    )
    p.add_argument(
        "--members", type=int, default=8, help="sets to keep, the calibrated one included (8)"
    )
    p.add_argument("--max-candidates", type=int, default=80, help="draws at most (80)")
    p.add_argument("--n-workers", type=int, default=50_000, help="workers per run (50000)")
    p.add_argument("--replications", type=int, default=4, help="seeds per evaluation (4)")
    p.add_argument("--seed", type=int, default=2011, help="root seed of the evaluations (2011)")
    p.add_argument("--draw-seed", type=int, default=1, help="seed of the draws (1)")
    p.add_argument("--output", type=Path, default=ENSEMBLE_PATH, help="ensemble file (JSON)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Build the ensemble, save it and print each member's objective and the ranges."""
    from experiments.calibration.ensemble import build, save

    for name in ("members", "n_workers", "replications"):
        if getattr(args, name) < 1:
            raise ValueError(f"--{name.replace('_', '-')}={getattr(args, name)} must be >= 1")
    data = build(
        members=args.members,
        max_candidates=args.max_candidates,
        n_workers=args.n_workers,
        replications=args.replications,
        root_seed=args.seed,
        draw_seed=args.draw_seed,
    )
    path = save(data, args.output)
    meta = data["meta"]
    print(
        f"kept {len(data['members'])} sets (J* = {meta['objective_best']:.2f}, "
        f"Delta = {meta['delta']:.2f}; {meta['accepted']} of {meta['candidates']} draws)"
    )
    for name, (lo, hi) in meta["parameter_range"].items():
        print(f"  {name}: {lo:.4g} to {hi:.4g}")
    print(f"written: {path}")
    return 0
