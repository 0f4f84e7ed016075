"""``uptake report DIR`` (HTML + tables) and ``uptake export DIR`` (CSV/Excel tables only)."""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments.assumptions import COST_PER_INSPECTION_YUAN
from experiments.cli.common import out_folder, positive_float


def _options(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", type=Path, help="output folder of run/compare/sweep")
    p.add_argument("--out", "-o", type=out_folder, help="where to write (default: the folder)")
    p.add_argument("--baseline", help="scenario to compare with (default: the experiment's)")
    p.add_argument(
        "--cost-per-inspection",
        type=positive_float,
        default=COST_PER_INSPECTION_YUAN,
        help="yuan per extra inspection (default %(default)s, an assumption)",
    )
    p.add_argument(
        "--outcome",
        action="append",
        metavar="NAME",
        help="outcome to summarise (repeatable; default: a standard set)",
    )


def register(subparsers) -> None:
    """Add ``uptake report`` and ``uptake export``."""
    r = subparsers.add_parser(
        "report",
        help="write a self-contained HTML report (+ CSV/Excel tables)",
        description="Analyse an output folder and write report.html (figures embedded, "
        "no scripts, works offline) with summary CSV files and summary.xlsx.",
    )
    _options(r)
    r.set_defaults(handler=run_report)
    e = subparsers.add_parser(
        "export",
        help="write the summary tables as CSV and Excel",
        description="Write summary.csv, differences.csv, cost_effectiveness.csv, "
        "breakdowns.csv (and sensitivity.csv for sweeps) plus summary.xlsx, and runs.csv: "
        "one row per run (with a sweep's inputs) and one number per outcome (mean of the "
        "last 12 months; last value of cum_ totals).",
    )
    _options(e)
    e.add_argument("--no-excel", action="store_true", help="CSV files only")
    e.set_defaults(handler=run_export)


def _kwargs(args: argparse.Namespace) -> dict:
    return {
        "baseline": args.baseline,
        "cost_per_inspection": args.cost_per_inspection,
        "outcomes": args.outcome,
    }


def run_report(args: argparse.Namespace) -> int:
    """Write the report, print its findings and its path."""
    import textwrap

    from experiments.analysis.findings import headlines
    from experiments.analysis.report import make_report

    path, tables = make_report(args.folder, args.out, **_kwargs(args))
    for line in headlines(tables):
        print(textwrap.fill(line, 100, initial_indent="- ", subsequent_indent="  "))
    print(f"report: {path.resolve()}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Write the tables and list them."""
    from experiments.analysis.run_table import run_table
    from experiments.analysis.tables import analyse_folder, export
    from experiments.run.storage import atomic_write

    tables = analyse_folder(args.folder, **_kwargs(args))
    for path in export(tables, args.out, excel=not args.no_excel):
        print(path)
    runs = run_table(args.folder, args.outcome)
    path = (args.out or args.folder) / "runs.csv"
    atomic_write(path, lambda tmp: runs.to_csv(tmp, index=False))
    print(path)
    return 0
