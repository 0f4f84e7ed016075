"""``uptake validate``: the calibrated baseline against the national figures.

The runs are :func:`experiments.calibration.validation.validate`, the report
:func:`experiments.calibration.validation_report.write_report`.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from experiments.calibration import group_order
from experiments.calibration.policy_validation import EXPERIMENTS, run_all
from experiments.calibration.targets import TARGETS_PATH, YEARS
from experiments.calibration.validation import DEFAULT_OUTPUT, DEFAULT_SEED, validate
from experiments.cli.common import whole
from model.params import Params


def worker_count(text: str) -> int:
    """An argparse type: worker agents per run, inside ``Params.n_workers``'s range."""
    meta = next(f.metadata for f in dataclasses.fields(Params) if f.name == "n_workers")
    lo, hi = int(meta["lo"]), int(meta["hi"])
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a whole number; allowed {lo:,}-{hi:,}"
        ) from None
    if not lo <= value <= hi:
        raise argparse.ArgumentTypeError(f"{text!r} is out of range; allowed {lo:,}-{hi:,}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``uptake validate``."""
    parser.add_argument(
        "--preset", default="calibrated", help="preset name or .toml file (calibrated)"
    )
    parser.add_argument("--replications", type=whole(1), default=10, help="replications (10)")
    parser.add_argument(
        "--n-workers", type=worker_count, default=50_000, help="workers per run (50000)"
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"root seed ({DEFAULT_SEED}; held out)"
    )
    parser.add_argument("--targets", type=Path, default=TARGETS_PATH, help="targets CSV")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="report folder")
    parser.add_argument(
        "--response-workers",
        type=worker_count,
        default=50_000,
        help="workers per run of the published-response experiments (50000)",
    )
    parser.add_argument(
        "--response-replications",
        type=whole(1),
        default=10,
        help="replications of the published-response experiments (10)",
    )
    parser.add_argument(
        "--only",
        nargs="*",
        default=None,
        choices=list(EXPERIMENTS),
        help="published-response experiments to run (all); none with --only and no names",
    )


def run(args: argparse.Namespace) -> int:
    """Run ``uptake validate`` with parsed ``args`` and write the report."""
    from experiments.calibration.targets import ORDERING
    from experiments.calibration.validation_report import write_report  # Matplotlib: slow
    from experiments.run.seeds import replication_seeds

    result = validate(args.preset, args.replications, args.n_workers, args.seed, args.targets)
    if args.only is None or args.only:
        seeds = replication_seeds(args.seed, args.response_replications)
        result["responses"] = run_all(
            result["info"]["preset_params"],
            seeds,
            args.response_workers,
            args.only or (),
            root_seed=args.seed,
        )
        result["info"].update(
            response_replications=args.response_replications,
            response_workers=args.response_workers,
            response_root_seed=args.seed,
            response_seeds=seeds,
        )
    folder = write_report(result, args.output)
    print(targets_text(result["targets"], args.targets))
    ordering = result["ordering"][["year", "model_order", "holds_for_mean"]]
    print("\nScheme ordering of the model means (published: " + " > ".join(ORDERING) + "):")
    renamed = ordering.rename(columns={"model_order": "model order", "holds_for_mean": "holds"})
    print(renamed.to_string(index=False))
    print(regional_text(result["patterns"], result["info"]))
    if "responses" in result:
        r = result["responses"]
        print("\nPublished responses to policy changes (docs/levers.md section 5):")
        shown = r[
            ["key", "model_mean", "model_p05", "model_p95", "pass_direction", "pass_size", "pass"]
        ]
        shown = shown.rename(
            columns={
                "key": "experiment",
                "model_mean": "model mean",
                "model_p05": "5%",
                "model_p95": "95%",
                "pass_direction": "direction",
                "pass_size": "size",
            }
        )
        print(shown.to_string(index=False, float_format=lambda v: f"{v:.3g}"))
        for row in r.itertuples():
            print(f"  {row.key}: {row.measure}; published: {row.published}; {row.note}")
            print(f"    pass if {row.criterion}")
            print(f"    source: {row.source}")
    print(f"report: {folder / 'report.md'} and {folder / 'report.html'}")
    return 0


def regional_text(patterns: Any, info: dict[str, Any]) -> str:
    """The regional order per scheme: the model's order, the verdict and the paired gaps."""
    regional = patterns[patterns["pattern"].str.contains("by region of work")]
    lines = [
        f"\nCoverage by region of work, {YEARS[-1]} (published: east > central > west; gaps "
        f"paired by seed over {info['replications']} x {info['n_workers']:,} workers):"
    ]
    for row in regional.itertuples():
        lines.append(f"  {row.pattern.split()[0]}: {row.model}: {row.verdict}")
        lines += [f"    {gap}" for gap in row.gaps.split(group_order.SEPARATOR) if gap]
    return "\n".join(lines)


def targets_text(table: Any, targets_path: Path) -> str:
    """Targets against the model in the table's units: shares in %, gaps in points."""
    import math

    from experiments.analysis import formatting as fmt
    from experiments.calibration.targets import load_targets

    units = {t.key: t.unit for t in load_targets(targets_path)}

    def shown(key: str, v: float) -> str:
        if v is None or math.isnan(v):
            return "n/a"
        return fmt.share(v) if units.get(key, "").startswith("share") else f"{v:.3g}"

    rows = [
        {
            "target": r.target,
            "role": r.role,
            "data": shown(r.key, r.data),
            "model mean [5%, 95%]": f"{shown(r.key, r.model_mean)} "
            f"[{shown(r.key, r.model_p05)}, {shown(r.key, r.model_p95)}]"
            if not math.isnan(r.model_mean)
            else r.model_quantity,
            "gap, points": fmt.points(r.gap_pp, 2)
            if units.get(r.key, "").startswith("share") and not math.isnan(r.model_mean)
            else "",
        }
        for r in table.itertuples(index=False)
    ]
    from experiments.cli.text import table as text_table

    return (
        "Targets (shares in % of the group named by the source) against the model, "
        f"mean over runs [5%, 95%]:\n{text_table(rows)}"
    )


def register(subparsers: Any) -> None:
    """Add ``validate`` to the ``uptake`` command line."""
    parser = subparsers.add_parser(
        "validate", help="compare the calibrated baseline with the national figures"
    )
    add_arguments(parser)
    parser.set_defaults(handler=run)
