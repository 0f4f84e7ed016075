"""``uptake run`` and ``uptake compare``: scenarios x replications with common seeds."""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments.assumptions import COST_PER_INSPECTION_YUAN
from experiments.cli import common


def register(subparsers) -> None:
    """Add ``uptake run`` and ``uptake compare``."""
    p = subparsers.add_parser(
        "run",
        help="run one scenario for several replications",
        description="Run SCENARIO (a preset, see `uptake scenarios`, or a .toml/.yaml/.csv/"
        ".xlsx file) for N replications and write the monthly outcomes to --out.",
    )
    p.add_argument("scenario", help="preset name or scenario file")
    common.add_run_options(p)
    p.add_argument("--report", action="store_true", help="also write report.html")
    p.set_defaults(handler=lambda a: run(a, p, compare=False))
    c = subparsers.add_parser(
        "compare",
        help="compare reforms with a baseline (common random numbers)",
        description="Run BASELINE and each REFORM with the same replication seeds, then "
        "print reform-minus-baseline differences with 90%% intervals.",
    )
    c.add_argument("baseline", help="baseline scenario (preset or file), e.g. baseline")
    c.add_argument("reforms", nargs="+", metavar="REFORM", help="reform scenarios")
    common.add_run_options(c)
    c.add_argument("--report", action="store_true", help="also write report.html")
    c.add_argument(
        "--cost-per-inspection",
        type=common.positive_float,
        default=COST_PER_INSPECTION_YUAN,
        help="yuan per extra inspection in cost-effectiveness (default %(default)s, an assumption)",
    )
    c.set_defaults(handler=lambda a: run(a, c, compare=True))


def default_out(names: list[str], compare: bool) -> Path:
    """``results/run-<scenario>`` or ``results/compare-<baseline>-vs-<reform>[-and-N-more]``."""
    if not compare:
        return Path("results") / f"run-{names[0]}"
    more = f"-and-{len(names) - 2}-more" if len(names) > 2 else ""
    return Path("results") / f"compare-{names[0]}-vs-{names[1]}{more}"


def run(args: argparse.Namespace, parser: argparse.ArgumentParser, compare: bool) -> int:
    """Plan, run (or resume), print a summary; optionally write the report."""
    from experiments.run.experiment import Experiment
    from experiments.run.storage import ResultStore
    from experiments.scenarios.files import load_scenarios

    common.check_executor(parser, args)
    refs = [args.baseline, *args.reforms] if compare else [args.scenario]
    scenarios = load_scenarios(refs)
    experiment = Experiment(
        "compare" if compare else "run",
        tuple(scenarios),
        args.replications,
        args.months,
        args.seed,
        workers=common.workers(args, scenarios),
        overrides=common.overrides(args),
        base_params=args.base_params,
    )
    out = args.out or default_out([s.name for s in scenarios], compare)
    summary = common.execute(experiment, args, out)
    code = common.report_outcome(summary, args.command)
    frame = ResultStore(out).load()
    if frame.empty:
        return code
    from experiments.analysis.findings import summary_text
    from experiments.analysis.tables import analyse_folder

    cost = getattr(args, "cost_per_inspection", COST_PER_INSPECTION_YUAN)
    print()
    print(summary_text(analyse_folder(out, cost_per_inspection=cost)))
    if args.report:
        from experiments.analysis.report import write_report

        print(f"report: {write_report(out, cost_per_inspection=cost)}")
    else:
        print(f"write the report with: uptake report {out}")
    return code
