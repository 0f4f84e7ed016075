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
        "print reform-minus-baseline differences with 90% intervals.",
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
    c.add_argument(
        "--ensemble",
        type=int,
        default=0,
        metavar="K",
        help="also run every scenario on the first K calibrated parameter sets of the "
        "ensemble (`uptake ensemble`) and show each gain's interval across them (0: off)",
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
    if not ResultStore(out).finished_ids():
        return code
    from experiments.analysis.findings import summary_text
    from experiments.analysis.tables import analyse_folder

    cost = getattr(args, "cost_per_inspection", COST_PER_INSPECTION_YUAN)
    print()
    print(summary_text(analyse_folder(out, cost_per_inspection=cost)))
    if compare and getattr(args, "ensemble", 0):
        _ensemble(scenarios, args, out)
    if args.report:
        from experiments.analysis.report import write_report

        print(f"report: {write_report(out, cost_per_inspection=cost)}")
    else:
        print(f"write the report with: uptake report {out}")
    return code


def _ensemble(scenarios: list, args: argparse.Namespace, out: Path) -> None:
    """Gains across the ensemble and across seeds; which rankings hold in every member."""
    import pandas as pd

    from experiments.analysis import ensemble_gains
    from experiments.calibration.ensemble import load_ensemble, member_params
    from experiments.run.seeds import replication_seeds

    if args.ensemble < 1:
        raise ValueError(f"--ensemble={args.ensemble} must be >= 1")
    data = load_ensemble()
    members = [{**m, **common.overrides(args)} for m in member_params(data, args.ensemble)]
    seeds = replication_seeds(args.seed, args.replications)
    gains = ensemble_gains.member_gains(
        members, scenarios[0], scenarios[1:], seeds, common.workers(args, scenarios), args.months
    )
    table = ensemble_gains.summarise(gains)
    pairs = ensemble_gains.rankings(gains)
    out.mkdir(parents=True, exist_ok=True)
    gains.to_csv(out / "ensemble_gains.csv", index=False)
    table.to_csv(out / "ensemble_summary.csv", index=False)
    pairs.to_csv(out / "ensemble_rankings.csv", index=False)
    print(
        f"\nPension gain, points, over {len(members)} calibrated parameter sets x "
        f"{len(seeds)} seeds (last 12 months):"
    )
    shown = pd.DataFrame(
        {
            "reform": table["scenario"],
            "mean over sets": table["gain_mean"].map("{:+.2f}".format),
            "set 0 (calibrated) [90% CI over seeds]": [
                f"{m:+.2f} [{lo:+.2f}, {hi:+.2f}]"
                for m, lo, hi in zip(
                    table["gain_member0"],
                    table["seed_ci90_low"],
                    table["seed_ci90_high"],
                    strict=True,
                )
            ],
            "5-95% over sets": [
                f"[{lo:+.2f}, {hi:+.2f}]"
                for lo, hi in zip(table["ensemble_q05"], table["ensemble_q95"], strict=True)
            ],
        }
    )
    print(shown.to_string(index=False))
    robust = pairs[pairs["robust"]]
    fragile = pairs[~pairs["robust"]]
    print(
        f"robust rankings ({len(robust)} of {len(pairs)} pairs: the same order in every set, "
        "and the seeds' 90% interval of the difference excludes 0 in each):"
    )
    for r in robust.itertuples():
        print(f"  {r.first} > {r.second}")
    ordered = fragile[fragile["ranking"] == ensemble_gains.WITHIN_NOISE]
    if not ordered.empty:
        print(
            "same order in every set, but within the seed noise of some set: "
            + "; ".join(f"{r.first} > {r.second}" for r in ordered.itertuples())
        )
    flips = fragile[fragile["ranking"] == ensemble_gains.FLIPS]
    if not flips.empty:
        print(
            "order differs between sets: "
            + "; ".join(
                f"{r.first} vs {r.second} ({r.share_of_members_first_higher:.0%})"
                for r in flips.itertuples()
            )
        )
    print(f"tables: {out / 'ensemble_summary.csv'}, {out / 'ensemble_rankings.csv'}")
