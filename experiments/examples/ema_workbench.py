"""Exploratory modelling of Uptake with EMA Workbench: experiments and feature scoring.

Samples lever strengths (policies) and uncertain parameters (scenarios) with Latin
hypercubes, runs every policy in every scenario with common random numbers across
replications, then ranks the inputs by how much they drive each outcome (extra
trees feature scoring) and finds, with EMA's PRIM, the region where pension
coverage is highest. Needs ``pip install -e '.[ema]'``.

    python experiments/examples/ema_workbench.py --out results/ema
    python experiments/examples/ema_workbench.py --scenarios 4 --policies 2 -r 1 -w 400 -m 18

Writes ``experiments.csv`` (inputs of every experiment), ``outcomes.csv`` (their
outcomes, mean over replications), ``feature_scores.csv`` and ``prim_box.csv`` to
the output folder.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

#: Policies (lever strength ranges) and uncertainties (parameter ranges) explored.
LEVERS = {"enforcement": (0.0, 1.0), "worker_subsidy": (0.0, 0.667)}
UNCERTAINTIES = {"turnover_per_year": (0.15, 0.5), "inspection_rate_per_year": (0.02, 0.15)}
OUTCOMES = ("frac_covered_pension", "frac_covered_any", "cum_subsidy_spending_yuan")


def parse(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options (sizes small enough for a laptop by default)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenarios", type=int, default=8, help="sampled uncertainty sets")
    p.add_argument("--policies", type=int, default=4, help="sampled lever settings")
    p.add_argument("--replications", "-r", type=int, default=2)
    p.add_argument("--workers", "-w", type=int, default=2000, help="worker agents per run")
    p.add_argument("--months", "-m", type=int, default=36)
    p.add_argument("--seed", type=int, default=1, help="root seed of the replications")
    p.add_argument("--jobs", "-j", type=int, default=1, help="processes (EMA evaluator)")
    p.add_argument("--out", "-o", type=Path, default=Path("results/ema"))
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the experiments, score the features, find a PRIM box, save the tables."""
    for key in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(key, "1")  # one thread per model run
    args = parse(argv)
    # Run as a script, this file's folder comes first on sys.path and this file
    # (ema_workbench.py) would shadow the package of the same name.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    import warnings

    # EMA warns at import that its optional ipyparallel evaluator is missing; unused here.
    warnings.filterwarnings("ignore", message="ipyparallel not installed")
    from ema_workbench import MultiprocessingEvaluator, SequentialEvaluator, perform_experiments
    from ema_workbench.analysis import feature_scoring, prim

    from experiments.sweeps.ema import uptake_model

    model = uptake_model(
        LEVERS,
        UNCERTAINTIES,
        OUTCOMES,
        replications=args.replications,
        months=args.months,
        workers=args.workers,
        root_seed=args.seed,
    )
    evaluator = (
        MultiprocessingEvaluator(model, n_processes=args.jobs)
        if args.jobs > 1
        else SequentialEvaluator(model)
    )
    with evaluator:
        experiments, outcomes = perform_experiments(
            model, scenarios=args.scenarios, policies=args.policies, evaluator=evaluator
        )
    import pandas as pd

    inputs = [*LEVERS, *UNCERTAINTIES]
    outcome_frame = pd.DataFrame(outcomes)
    scores = feature_scoring.get_feature_scores_all(experiments[inputs], outcomes)
    pension = outcome_frame["frac_covered_pension"].to_numpy()
    target = pension >= pd.Series(pension).quantile(0.75)  # the top quarter of coverage
    box = prim.Prim(experiments[inputs], target, threshold=0.8).find_box()
    args.out.mkdir(parents=True, exist_ok=True)
    experiments.to_csv(args.out / "experiments.csv", index=False)
    outcome_frame.to_csv(args.out / "outcomes.csv", index=False)
    scores.to_csv(args.out / "feature_scores.csv")
    box.box_lims[-1].to_csv(args.out / "prim_box.csv", index=False)
    print(f"{len(experiments)} experiments x {args.replications} replications")
    print("feature scores (extra trees; higher = drives the outcome more):")
    print(scores.round(3).to_string())
    print("PRIM box for the top quarter of pension coverage:")
    print(box.box_lims[-1].to_string())
    print(f"saved to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
