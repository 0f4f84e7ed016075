"""``uptake run`` and ``uptake compare``: scenarios x replications with common seeds."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from experiments.assumptions import COST_PER_INSPECTION_YUAN
from experiments.cli import common

if TYPE_CHECKING:
    import pandas as pd


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
        workers=args.workers,
        overrides=common.overrides(args),
        base_params=args.base_params,
    )
    out = args.out or default_out([s.name for s in scenarios], compare)
    summary = common.execute(experiment, args, out)
    code = common.report_outcome(summary, args.command)
    frame = ResultStore(out).load()
    if not frame.empty:
        _print_results(frame, scenarios, compare, args)
    if args.report and not frame.empty:
        from experiments.analysis.report import write_report

        cost = getattr(args, "cost_per_inspection", COST_PER_INSPECTION_YUAN)
        print(f"report: {write_report(out, cost_per_inspection=cost)}")
    elif not frame.empty:
        print(f"write the report with: uptake report {out}")
    return code


def _print_results(frame: pd.DataFrame, scenarios: list, compare: bool, args) -> None:
    import pandas as pd

    from experiments.analysis import summaries

    window = summaries.final_window(frame)
    cols = ["frac_covered_pension", "frac_covered_medical", "frac_covered_any"]
    table = (
        window.groupby(["scenario", "replication"])[cols]
        .mean()
        .groupby("scenario")
        .agg(["mean", lambda s: s.quantile(0.05), lambda s: s.quantile(0.95)])
    )
    order = [s.name for s in scenarios if s.name in table.index]
    rows = []
    for name, r in table.loc[order].iterrows():
        row = {"scenario": name}
        for c in cols:
            m, lo, hi = (100 * r[c].iloc[k] for k in range(3))
            row[c.removeprefix("frac_covered_") + " %"] = f"{m:.1f} [{lo:.1f}, {hi:.1f}]"
        rows.append(row)
    print(
        "\nCoverage of employed migrant workers, mean of the last 12 months "
        "[5%, 95% across replications]:"
    )
    print(pd.DataFrame(rows).to_string(index=False))
    if not compare or frame["scenario"].nunique() < 2:
        return
    baseline = scenarios[0].name
    levers = {s.name: [p.lever for p in s.policies] for s in scenarios}
    ce = summaries.cost_effectiveness(frame, baseline, args.cost_per_inspection, levers=levers)
    rows = []
    ce = ce.set_index("scenario").loc[
        [s.name for s in scenarios[1:] if s.name in set(ce["scenario"])]
    ]
    for name, g in ce.reset_index().groupby("scenario", sort=False):
        row = {"reform": name}
        for _, r in g.iterrows():
            label = r["outcome"].removeprefix("frac_covered_")
            row[f"{label} gain, points [90% CI]"] = (
                f"{r['gain_points']:+.2f} [{r['gain_ci90_low']:+.2f}, {r['gain_ci90_high']:+.2f}]"
            )
        row["public cost, M yuan"] = f"{g['public_cost_yuan'].iloc[0] / 1e6:,.1f}"
        per = g["points_per_100m_yuan"].iloc[0]
        partial = " (partial cost)" if g["costs_not_modelled"].iloc[0] else ""
        row["pension points per 100M yuan"] = (
            "no extra modelled cost" if pd.isna(per) else f"{per:.4f}{partial}"
        )
        rows.append(row)
    print(f"\nReform minus {baseline}, paired by seed (last 12 months):")
    print(pd.DataFrame(rows).to_string(index=False))
