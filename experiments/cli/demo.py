"""``uptake demo``: the baseline against the paper's package and each recommendation.

What ``make demo`` runs: ``baseline``, ``paper-package`` and every single
recommendation (:data:`experiments.scenarios.library.RECOMMENDATIONS`), with replications
and common random numbers, on local processes; then the HTML report. The default
size (20,000 workers, ``model.params.DEFAULT_POPULATION``, x 120 months, January 2011
to December 2020, x 10 replications x 12 scenarios = 120 runs) needs about 45 CPU
seconds: 29 s on the 2-core machine at light load, 2.6 minutes at load 10 (README,
"Times").
Rerunning resumes. It prints the findings tables (:func:`experiments.analysis.findings.
summary_text`) and writes the charts as PNG beside the report.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments.cli import common

DEMO = {"replications": 10, "months": 120, "seed": 2024}


def register(subparsers) -> None:
    """Add ``uptake demo``."""
    p = subparsers.add_parser(
        "demo",
        help="baseline vs paper-package and each recommendation, with a report",
        description="Compare the baseline with the paper's package and with each single "
        "recommendation (common random numbers), then write report.html.",
    )
    common.add_run_options(p, DEMO)
    p.set_defaults(out=Path("results/demo"), executor="processes")
    p.set_defaults(handler=lambda a: run(a, p))


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run the comparison and write the report."""
    from experiments.analysis.findings import summary_text
    from experiments.analysis.report import make_report
    from experiments.run.experiment import Experiment
    from experiments.scenarios.library import RECOMMENDATIONS, get_preset

    common.check_executor(parser, args)
    scenarios = tuple(get_preset(n) for n in ["baseline", "paper-package", *RECOMMENDATIONS])
    experiment = Experiment(
        "compare",
        scenarios,
        args.replications,
        args.months,
        args.seed,
        workers=common.workers(args, scenarios),
        overrides=common.overrides(args),
        base_params=args.base_params,
    )
    summary = common.execute(experiment, args, args.out)
    code = common.report_outcome(summary, args.command)
    if summary.done + summary.skipped:
        path, tables = make_report(args.out)
        print(summary_text(tables))
        charts = sorted(p.name for p in args.out.glob("*.png"))
        print(f"charts: {', '.join(charts)} in {args.out}")
        print(f"report: {path.resolve()}")
    return code
