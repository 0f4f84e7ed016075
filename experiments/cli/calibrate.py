"""``uptake calibrate``: fit the free behavioural parameters to the national targets.

The fit itself is :func:`experiments.calibration.fit.calibrate`; see ``docs/calibration.md``.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from experiments.calibration.fit import (
    DEFAULT_BUDGET_MINUTES,
    DEFAULT_OUTPUT,
    DEFAULT_SEED,
    DEFAULT_STAGES,
    DEFAULT_STATE,
    START,
    Stage,
    calibrate,
)
from experiments.calibration.objective import METHODS
from experiments.calibration.output import ordering_by_year, write_calibrated
from experiments.calibration.targets import TARGETS_PATH, load_targets
from experiments.cli.common import EXECUTORS, whole
from experiments.errors import InputError
from model.presets import load_preset, read_preset_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``uptake calibrate``."""
    parser.add_argument(
        "--stages",
        nargs="+",
        default=[s.label for s in DEFAULT_STAGES],
        metavar="WORKERSxREPS[:METHOD]",
        help=f"stages, smallest first; METHOD one of {', '.join(METHODS)} (default: %(default)s)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help="root seed of the replication seeds (default: %(default)s)",
    )
    parser.add_argument(
        "--budget-minutes",
        type=float,
        default=DEFAULT_BUDGET_MINUTES,
        help="time budget for new evaluations (default: %(default)s)",
    )
    parser.add_argument(
        "--max-evals",
        type=int,
        default=1500,
        help="new evaluations per stage at most (default: %(default)s)",
    )
    parser.add_argument(
        "--prior-weight",
        type=float,
        default=0.3,
        help="weight of the ridge term toward the defaults (default: %(default)s)",
    )
    parser.add_argument(
        "--start",
        default="built-in",
        help="starting values: 'built-in' (START), 'defaults' (model defaults), a preset "
        "name (e.g. calibrated, to warm-start) or a preset .toml file (default: %(default)s)",
    )
    parser.add_argument(
        "--state",
        type=Path,
        default=DEFAULT_STATE,
        help="evaluation cache; rerun to resume (default: %(default)s)",
    )
    parser.add_argument("--fresh", action="store_true", help="delete the cache first")
    parser.add_argument("--targets", type=Path, default=TARGETS_PATH, help="targets CSV")
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="preset file to write (default: %(default)s)",
    )
    g = parser.add_argument_group(
        "execution (batches of candidate points: differential-evolution populations and "
        "least-squares Jacobians run in parallel; Nelder-Mead stays serial)"
    )
    g.add_argument("--executor", "-x", choices=EXECUTORS, default="serial")
    g.add_argument("--jobs", "-j", type=whole(1), help="worker processes (default: cores)")
    g.add_argument("--scheduler", metavar="ADDRESS", help="a running Dask scheduler")
    g.add_argument("--scheduler-file", metavar="FILE", help="a Dask scheduler file")


def run(args: argparse.Namespace, argv: list[str] | None = None) -> int:
    """Run ``uptake calibrate`` with parsed ``args``; print the fit; write the preset."""
    try:  # bad input -> InputError: the CLI prints the message and exits with code 2
        stages = tuple(Stage.parse(text) for text in args.stages)
        if args.start == "built-in":
            start = START
        elif args.start == "defaults":
            start = None
        elif args.start.endswith(".toml"):
            start = read_preset_file(args.start)[0]
        else:
            start = load_preset(args.start)
        load_targets(args.targets)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    if (args.scheduler or args.scheduler_file) and args.executor != "dask":
        raise InputError(
            f"--scheduler/--scheduler-file need --executor dask, not {args.executor!r}"
        )
    from experiments.run.mapping import open_mapper

    with open_mapper(args.executor, args.jobs, args.scheduler, args.scheduler_file) as mapper:
        result = _calibrate(args, stages, start, None if args.executor == "serial" else mapper)
    words = ["uptake", "calibrate", *(argv if argv is not None else sys.argv[1:])]
    if words[2:3] == ["calibrate"]:
        words = words[:2] + words[3:]
    command = shlex.join(words)
    path = write_calibrated(result, args.output, command, args.seed)
    result.fit.to_csv(Path(args.state).with_name("fit.csv"), index=False)
    shown = result.fit[["target", "data", "model", "model_min", "model_max", "gap_pp"]]
    print(shown.to_string(index=False, float_format=lambda v: f"{v:.4f}"))
    print(
        f"status {result.status}; objective {result.objective:.4f}; "
        f"{result.evaluations} evaluations in {result.seconds / 60:.1f} min"
    )
    print(f"ordering holds: {ordering_by_year(result.fit)}")
    print(f"wrote {path}")
    return 0


def _calibrate(args: argparse.Namespace, stages, start, mapper):
    return calibrate(
        stages=stages,
        root_seed=args.seed,
        budget_minutes=args.budget_minutes,
        state_path=args.state,
        fresh=args.fresh,
        start=start,
        prior_weight=args.prior_weight,
        max_evals=args.max_evals,
        targets_path=args.targets,
        mapper=mapper,
    )


def register(subparsers: Any) -> None:
    """Add ``calibrate`` to the ``uptake`` command line."""
    parser = subparsers.add_parser(
        "calibrate",
        help="fit the free parameters to the national targets",
        description="Fit the free behavioural parameters to the national targets.",
    )
    add_arguments(parser)
    parser.set_defaults(handler=run)
