"""``uptake sensitivity-study``: Morris screening of all parameters, then Sobol on the top ones.

The study itself is :func:`experiments.sweeps.study.study`; see ``docs/sensitivity.md``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from experiments.cli import common
from experiments.sweeps.study import DEFAULT_OUTPUT, OUTCOMES


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the sensitivity study."""
    parser.add_argument("--preset", default="calibrated", help="base parameters (calibrated)")
    parser.add_argument("--workers", type=int, default=20_000, help="workers per run (20000)")
    parser.add_argument("--months", type=int, default=120, help="months per run (120)")
    parser.add_argument("--trajectories", type=int, default=8, help="Morris trajectories (8)")
    parser.add_argument(
        "--replications", type=int, default=3, help="runs per design point, averaged (3)"
    )
    parser.add_argument(
        "--no-convergence",
        action="store_true",
        help="skip the Morris rerun at twice the workers (the convergence check)",
    )
    parser.add_argument("--top", type=int, default=6, help="factors taken to Sobol (6)")
    parser.add_argument("--sobol-n", type=int, default=64, help="Sobol base sample (64)")
    parser.add_argument("--seed", type=int, default=1, help="root seed (1)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="output folder")
    common.add_executor_options(parser)


def run(args: argparse.Namespace) -> int:
    """Run the study and print the headline indices."""
    from experiments.sweeps.study import study

    result = study(
        args.output,
        preset=args.preset,
        workers=args.workers,
        months=args.months,
        trajectories=args.trajectories,
        top=args.top,
        sobol_n=args.sobol_n,
        seed=args.seed,
        replications=args.replications,
        convergence=not args.no_convergence,
        executor=args.executor,
        jobs=args.jobs,
        scheduler=args.scheduler,
        scheduler_file=args.scheduler_file,
        chunk_size=args.chunk_size,
        progress=not args.no_progress,
    )
    mu = result["morris"][result["morris"]["index"] == "mu_star"]
    for outcome in OUTCOMES:
        rows = mu[mu["outcome"] == outcome].nlargest(5, "value")
        print(f"{outcome}: top Morris mu*: " + ", ".join(rows["factor"]))
    st = result["sobol"][result["sobol"]["index"] == "ST"]
    print(st.pivot(index="factor", columns="outcome", values="value").round(3).to_string())
    check = result["convergence"]
    if not check.empty:
        print("convergence (Morris at N and 2N workers):")
        print(
            check[
                ["outcome", "same_top", "top_stable", "spearman", "max_change_share", "passed"]
            ].to_string()
        )
        for row in check.itertuples():
            if row.tied_at_boundary or row.moved_across_boundary:
                print(
                    f"  {row.outcome}: tied at fifth place: {row.tied_at_boundary or '-'}; "
                    f"moved across it: {row.moved_across_boundary or '-'}"
                )
    print(f"sizes: {result['sizes']}; outputs in {args.output}")
    return 0


def register(subparsers: Any) -> None:
    """Add ``sensitivity-study`` to the ``uptake`` command line."""
    parser = subparsers.add_parser(
        "sensitivity-study", help="Morris screening of all parameters, then Sobol on the top ones"
    )
    add_arguments(parser)
    parser.set_defaults(handler=lambda args: _checked(args, parser))


def _checked(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    common.check_executor(parser, args)
    return run(args)
