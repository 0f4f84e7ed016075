"""``uptake sweep FILE``: a factorial, Latin-hypercube, Morris or Sobol design."""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments.cli import common


def register(subparsers) -> None:
    """Add ``uptake sweep``."""
    p = subparsers.add_parser(
        "sweep",
        help="run a design over parameters and levers from a sweep file",
        description="Run the design of a TOML/YAML sweep file (see experiments/sweeps/designs.py "
        "and experiments/examples/). Options given here override the file's replications, "
        "months, workers and seed.",
    )
    p.add_argument("file", type=Path, help="sweep file (.toml, .yaml)")
    g = p.add_argument_group("runs (override the file)")
    g.add_argument("--replications", "-r", type=common.whole(1))
    g.add_argument("--months", "-m", type=common.whole(1))
    g.add_argument("--workers", "-w", type=common.whole(100))
    g.add_argument("--seed", "-s", type=common.whole(0))
    g.add_argument(
        "--param",
        "-p",
        type=common.assignment,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a fixed parameter (repeatable)",
    )
    g.add_argument("--base-params", metavar="PRESET", help="parameter preset for every point")
    g.add_argument(
        "--out", "-o", type=common.out_folder, help="output folder (default results/sweep-<name>)"
    )
    common.add_executor_options(p)
    p.set_defaults(handler=lambda a: run(a, p))


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Read the sweep file, run (or resume) it, and say what to do next."""
    from experiments.sweeps.designs import read_sweep, sweep_experiment

    common.check_executor(parser, args)
    spec = read_sweep(args.file)
    experiment = sweep_experiment(
        spec,
        replications=args.replications,
        months=args.months,
        workers=args.workers,
        seed=args.seed,
        overrides=common.overrides(args) or None,
        base_params=args.base_params,
    )
    out = args.out or Path("results") / f"sweep-{spec.name}"
    points = len(experiment.scenarios)
    print(f"{spec.method} design: {points} points x {experiment.replications} replications")
    summary = common.execute(experiment, args, out)
    code = common.report_outcome(summary, args.command)
    if summary.done + summary.skipped:
        print(f"next: uptake sensitivity {out}   and   uptake report {out}")
    return code
