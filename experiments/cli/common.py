"""Options shared by the commands that run experiments, and their checks.

Argument types raise ``argparse.ArgumentTypeError`` so that argparse reports
``argument --months: 'x' is not a whole number >= 1`` and exits with code 2.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from experiments.errors import InputError
from model.params import DEFAULT_POPULATION  # cheap: no Mesa, pandas or NumPy

if TYPE_CHECKING:
    from experiments.run.runner import RunSummary

#: Same as ``experiments.run.executors.EXECUTORS`` (not imported: it loads the model).
EXECUTORS = ("serial", "processes", "dask")
DEFAULTS = {"replications": 5, "months": 60, "seed": 1}


def whole(lo: int):
    """An argparse type: a whole number >= ``lo``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number >= {lo}") from None
        if value < lo:
            raise argparse.ArgumentTypeError(f"{text!r} is out of range; allowed >= {lo}")
        return value

    parse.__name__ = f"whole number >= {lo}"
    return parse


def positive_float(text: str) -> float:
    """An argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number > 0") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is out of range; allowed a finite number > 0")
    return value


#: Longest ``--param`` value read (a number needs far fewer characters).
MAX_VALUE_CHARS = 100


def assignment(text: str) -> tuple[str, object]:
    """An argparse type: ``NAME=VALUE`` with a number (or True/False/None) value."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(
            f"{text[:60]!r} is not NAME=VALUE (e.g. turnover_per_year=0.4)"
        )
    if len(raw.strip()) > MAX_VALUE_CHARS:
        raise argparse.ArgumentTypeError(
            f"{name.strip()[:60]}: value of {len(raw.strip()):,} characters is not a number "
            f"(at most {MAX_VALUE_CHARS}); e.g. turnover_per_year=0.4"
        )
    try:
        value = ast.literal_eval(raw.strip())
    except (ValueError, SyntaxError, RecursionError, MemoryError):
        raise argparse.ArgumentTypeError(
            f"{text!r}: value {raw!r} is not a number; e.g. turnover_per_year=0.4"
        ) from None
    return name.strip(), value


def out_folder(text: str) -> Path:
    """An argparse type: an output folder path (not empty)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "an empty name is not a folder; give a path, e.g. results/x"
        )
    return Path(text)


def add_run_options(parser: argparse.ArgumentParser, defaults: dict | None = None) -> None:
    """Replications, months, workers, seed, output folder, executor and overrides."""
    d = {**DEFAULTS, **(defaults or {})}
    g = parser.add_argument_group("runs")
    g.add_argument(
        "--replications",
        "-r",
        type=whole(1),
        default=d["replications"],
        help="replications per scenario (default %(default)s)",
    )
    g.add_argument(
        "--months",
        "-m",
        type=whole(1),
        default=d["months"],
        help="months to simulate; month 1 = January 2011 (default %(default)s)",
    )
    g.add_argument(
        "--workers",
        "-w",
        type=whole(100),
        default=d.get("workers"),
        help=f"worker agents per run (default {DEFAULT_POPULATION}, unless a scenario or "
        "--param sets n_workers; each agent stands for ~158.6 M / WORKERS real workers)",
    )
    g.add_argument(
        "--seed",
        "-s",
        type=whole(0),
        default=d["seed"],
        help="root seed; replication seeds come from it (default %(default)s)",
    )
    g.add_argument(
        "--param",
        "-p",
        type=assignment,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter in every run (repeatable; see `uptake params`)",
    )
    g.add_argument(
        "--base-params",
        metavar="PRESET",
        help="parameter preset for every scenario ('defaults' = model defaults; "
        "default: 'calibrated' if present)",
    )
    g.add_argument("--out", "-o", type=out_folder, help="output folder (rerun to resume)")
    add_executor_options(parser)


def add_executor_options(parser: argparse.ArgumentParser) -> None:
    """Executor, jobs, scheduler, chunk size, progress bar."""
    g = parser.add_argument_group("execution")
    g.add_argument(
        "--executor",
        "-x",
        choices=EXECUTORS,
        default="serial",
        help="where runs execute (default %(default)s)",
    )
    g.add_argument(
        "--jobs",
        "-j",
        type=whole(1),
        help="worker processes (default: usable cores; dask LocalCluster: 2); with "
        "--scheduler, the workers the cluster is expected to reach (sizes the queue)",
    )
    g.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="address of a running Dask scheduler, e.g. tcp://host:8786 "
        "(with --executor dask; default: start a LocalCluster)",
    )
    g.add_argument(
        "--scheduler-file",
        metavar="FILE",
        help="Dask scheduler file, as written by `dask scheduler --scheduler-file` "
        "or an HPC launcher (with --executor dask)",
    )
    g.add_argument(
        "--chunk-size",
        type=whole(1),
        help="runs per task (default: ~4 chunks per worker, at most 8)",
    )
    g.add_argument(
        "--client-writes",
        action="store_true",
        help="Dask: this process writes every result (default: workers that see the "
        "output folder write their own runs)",
    )
    g.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    g.add_argument(
        "--wait",
        action="store_true",
        help="if another uptake process is writing the output folder, wait for it to end "
        "(default: fail at once)",
    )


def check_executor(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Reject option combinations argparse cannot see (exit 2)."""
    for option in ("scheduler", "scheduler_file"):
        value = getattr(args, option, None)
        flag = "--" + option.replace("_", "-")
        if value and args.executor != "dask":
            parser.error(f"argument {flag}: {value!r} needs --executor dask, not {args.executor!r}")
    if getattr(args, "scheduler", None) and getattr(args, "scheduler_file", None):
        parser.error("argument --scheduler-file: give --scheduler or --scheduler-file, not both")


def workers(args: argparse.Namespace, scenarios=()) -> int | None:
    """Worker agents per run: ``--workers``, else the run default.

    ``None`` (let the parameters decide) when ``--param n_workers=...`` or one of
    ``scenarios`` sets ``n_workers`` itself.
    """
    if args.workers is not None:
        return args.workers
    if "n_workers" in overrides(args) or any("n_workers" in s.params for s in scenarios):
        return None
    return DEFAULT_POPULATION


def overrides(args: argparse.Namespace) -> dict[str, object]:
    """The ``--param`` assignments as a dict (the last of repeated names wins)."""
    return dict(args.param)


def execute(experiment, args: argparse.Namespace, out: Path) -> RunSummary:
    """Run the experiment with the executor options of ``args``."""
    from experiments.run.runner import run_experiment

    late = experiment.late_reforms()
    if late:
        more = f" (and {len(late) - 1} more)" if len(late) > 1 else ""
        raise InputError(late[0] + more)
    print(f"uptake {args.command}: {len(experiment.specs())} runs into {out}", file=sys.stderr)
    return run_experiment(
        experiment,
        out,
        executor=args.executor,
        jobs=args.jobs,
        scheduler=args.scheduler,
        scheduler_file=args.scheduler_file,
        write_on="client" if args.client_writes else "auto",
        chunk_size=args.chunk_size,
        progress=not args.no_progress,
        command="uptake " + " ".join(sys.argv[1:]),
        wait=args.wait,
    )


def report_outcome(summary: RunSummary, command: str) -> int:
    """Print what happened; exit code 1 if any run failed."""
    print(
        f"{summary.done} run(s) done, {summary.skipped} already done, {summary.failed} failed "
        f"in {summary.seconds:.1f} s; results in {summary.out}"
    )
    for run_id, error in list(summary.failures.items())[:5]:
        last = error.strip().splitlines()[-1] if error.strip() else "(no message)"
        print(f"  failed: {run_id}: {last}", file=sys.stderr)
    if summary.failed:
        print(
            f"uptake {command}: {summary.failed} run(s) failed (errors in "
            f"{summary.out / 'manifest.json'}); rerun the same command to retry them",
            file=sys.stderr,
        )
        return 1
    return 0
