"""Which parameters matter: Morris screening of all parameters, then Sobol on the top ones.

Built on the experiments tooling: the study writes two sweep files
(:mod:`experiments.sweeps.designs`), runs them with :func:`experiments.run.runner.run_experiment`
(resumable output folders with manifests) and scores them with
:func:`experiments.sweeps.indices.analyse` (SALib). Every run starts from the
``calibrated`` preset (the model defaults if it is missing), runs 120 months
(January 2011 - December 2020) and is scored by the mean of the last 12 months of:

* ``frac_covered_pension`` and ``frac_covered_injury`` (coverage after 10 years),
* ``new_breaks`` and ``new_disputes`` (breaks in coverage and dispute cases a month
  in year 10, reported per 1,000 workers).

Factor ranges (:func:`factor_ranges`): +-1 utility unit around the base value for
parameters in utility units (propensities), otherwise 0.5-1.5 times the base value
(a parameter at 0 gets a quarter of its allowed positive range, split evenly around
0 if negative values are allowed), clipped to the parameter's allowed range.
Run controls and calendar dates are not varied (:data:`NOT_VARIED`).

Run: ``uptake sensitivity-study`` (:mod:`experiments.cli.study`); see
``docs/sensitivity.md``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from experiments import base_params
from experiments.run.runner import run_experiment
from experiments.sweeps.convergence import TOP, mu_star
from experiments.sweeps.convergence import compare as compare_sizes
from experiments.sweeps.designs import read_sweep, sweep_experiment
from experiments.sweeps.indices import analyse
from model.params import Params

OUTCOMES = (
    "frac_covered_pension",
    "frac_covered_injury",
    "new_breaks",
    "breaks_per_1000_covered",
    "new_disputes",
)
PER_1000 = ("new_breaks", "new_disputes")  # counts shown per 1,000 workers
NOT_VARIED = (
    "n_workers",
    "seed",
    "scale",
    "start_year",
    "burn_in_months",
    "norm_trend_start_year",
    "norm_trend_end_year",
    "cash_out_ban_year",
)
DEFAULT_OUTPUT = Path("results") / "sensitivity"


def factor_ranges(base: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Range of every varied parameter around its ``base`` value (see the module docstring)."""
    ranges = {}
    for f in dataclasses.fields(Params):
        if f.name in NOT_VARIED:
            continue
        meta, value = f.metadata, float(base[f.name])
        lo_ok = -np.inf if meta["lo"] is None else meta["lo"]
        hi_ok = np.inf if meta["hi"] is None else meta["hi"]
        if meta["unit"] == "utility units":
            lo, hi = value - 1.0, value + 1.0
        elif value == 0.0:  # a quarter of the allowed range on the positive side
            q = 0.25 * (hi_ok - max(lo_ok, 0.0)) / (2.0 if lo_ok < 0 else 1.0)
            lo, hi = -q, q
        else:
            lo, hi = sorted((0.5 * value, 1.5 * value))
        lo, hi = max(lo, lo_ok), min(hi, hi_ok)
        if str(f.type).startswith("int"):
            lo, hi = float(np.floor(lo)), float(np.ceil(hi))
        if hi > lo:
            ranges[f.name] = (float(lo), float(hi))
    return ranges


def write_sweep(
    path: Path,
    method: str,
    ranges: dict[str, tuple[float, float]],
    samples: int,
    workers: int,
    months: int,
    replications: int,
    seed: int,
    preset: str,
) -> Path:
    """Write a sweep file (TOML) for :func:`experiments.sweeps.designs.read_sweep`."""
    lines = [
        f'name = "{path.stem}"',
        f'design = "{method}"',
        f"samples = {samples}",
        "levels = 4",
        f"replications = {replications}",
        f"months = {months}",
        f"workers = {workers}",
        f"seed = {seed}",
        'scenario = "baseline"',
        f'base_params = "{preset}"',
        "outcomes = " + json.dumps(list(OUTCOMES)),
        "",
        "[parameters]",
        *(f"{name} = [{lo!r}, {hi!r}]" for name, (lo, hi) in ranges.items()),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_design(
    sweep: Path, folder: Path, executor: str, jobs: int | None, **execution: Any
) -> pd.DataFrame:
    """Run (or resume) a sweep into ``folder`` and return its sensitivity indices.

    ``execution`` goes to :func:`~experiments.run.runner.run_experiment` (``scheduler``,
    ``scheduler_file``, ``chunk_size``, ``progress``): the design points run in
    parallel on the same executors as any sweep.
    """
    experiment = sweep_experiment(read_sweep(sweep))
    run_experiment(
        experiment, folder, executor=executor, jobs=jobs, command=f"sweep {sweep}", **execution
    )
    return analyse(str(folder), list(OUTCOMES))


def top_factors(morris: pd.DataFrame, k: int) -> list[str]:
    """The ``k`` factors with the largest mu* relative to each outcome's largest, any outcome."""
    mu = morris[morris["index"] == "mu_star"].copy()
    mu["relative"] = mu["value"] / mu.groupby("outcome")["value"].transform("max")
    return mu.groupby("factor")["relative"].max().sort_values(ascending=False).index[:k].tolist()


def _per_worker(indices: pd.DataFrame, workers: int) -> pd.DataFrame:
    """Indices with counts (breaks, disputes) per 1,000 workers, comparable across sizes."""
    out = indices.copy()
    counts = out["outcome"].isin(PER_1000)
    columns = [c for c in ("value", "conf") if c in out]
    out.loc[counts, columns] *= 1000.0 / workers
    return out


def _scale(outcome: str, workers: int) -> float:
    if outcome.startswith("frac_"):
        return 100.0
    return 1000.0 / workers if outcome in PER_1000 else 1.0


def _label(outcome: str) -> str:
    if outcome.startswith("frac_"):
        return f"{outcome} (pp)"
    return f"{outcome} per 1,000 workers/month" if outcome in PER_1000 else outcome


def plot_morris(morris: pd.DataFrame, workers: int, path: Path, shown: int = 12) -> None:
    """mu* with its confidence interval, the top ``shown`` factors per outcome."""
    fig, axes = plt.subplots(1, len(OUTCOMES), figsize=(18, 5))
    for ax, outcome in zip(axes, OUTCOMES, strict=True):
        rows = morris[(morris["outcome"] == outcome) & (morris["index"] == "mu_star")]
        rows = rows.sort_values("value", ascending=False).head(shown)[::-1]
        s = _scale(outcome, workers)
        ax.barh(rows["factor"], s * rows["value"], xerr=s * rows["conf"], color="#1f77b4")
        ax.set_title(_label(outcome), fontsize=9)
        ax.tick_params(axis="y", labelsize=7)
        ax.set_xlabel("Morris mu* (mean |elementary effect| over the range)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_convergence(
    small: pd.DataFrame, large: pd.DataFrame, workers: int, path: Path, shown: int = 10
) -> None:
    """mu* at N and 2N workers side by side, per outcome: the convergence check drawn.

    Args:
        small: Morris indices at ``workers``.
        large: the same design at ``2 x workers``.
        workers: N.
        path: PNG to write.
        shown: factors per outcome (the largest at 2N).

    The dotted lines mark the fifth-largest mu* at each size (the top-5 boundary, in
    the colour of its size); counts are per 1,000 workers at both sizes.
    """
    small, large = _per_worker(small, workers), _per_worker(large, 2 * workers)
    fig, axes = plt.subplots(1, len(OUTCOMES), figsize=(18, 5))
    for ax, outcome in zip(axes, OUTCOMES, strict=True):
        rows = {"N": mu_star(small, outcome), "2N": mu_star(large, outcome)}
        factors = list(rows["2N"]["value"].nlargest(shown).index)[::-1]
        y = np.arange(len(factors))
        scale = 100.0 if outcome.startswith("frac_") else 1.0
        for offset, name, colour in ((-0.2, "N", "#9ecae1"), (0.2, "2N", "#08519c")):
            part = rows[name].reindex(factors)
            label = f"{workers:,} workers" if name == "N" else f"{2 * workers:,} workers"
            ax.barh(
                y + offset,
                scale * part["value"],
                0.4,
                xerr=scale * part["conf"].fillna(0.0),  # a factor absent at N
                color=colour,
                label=label,
            )
            fifth = rows[name]["value"].nlargest(TOP).iloc[-1]
            ax.axvline(scale * fifth, color=colour, ls=":", lw=1.2)
        ax.set_yticks(y, factors, fontsize=7)
        ax.set_title(_label(outcome), fontsize=9)
        ax.set_xlabel("Morris mu* (dotted: fifth place)")
    axes[0].legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_sobol(sobol: pd.DataFrame, path: Path) -> None:
    """First-order (S1) and total (ST) Sobol indices with confidence intervals."""
    fig, axes = plt.subplots(1, len(OUTCOMES), figsize=(18, 4.5), sharey=True)
    for ax, outcome in zip(axes, OUTCOMES, strict=True):
        rows = sobol[sobol["outcome"] == outcome]
        factors = list(dict.fromkeys(rows["factor"]))
        y = np.arange(len(factors))
        for offset, index, colour in ((-0.2, "S1", "#9ecae1"), (0.2, "ST", "#08519c")):
            part = rows[rows["index"] == index].set_index("factor").loc[factors]
            ax.barh(y + offset, part["value"], 0.4, xerr=part["conf"], color=colour, label=index)
        ax.set_yticks(y, factors, fontsize=8)
        ax.set_title(outcome, fontsize=9)
        ax.axvline(0, color="black", lw=0.6)
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def study(
    output: str | Path = DEFAULT_OUTPUT,
    *,
    preset: str = "calibrated",
    workers: int = 20_000,
    months: int = 120,
    trajectories: int = 8,
    top: int = 6,
    sobol_n: int = 64,
    seed: int = 1,
    replications: int = 3,
    convergence: bool = True,
    executor: str = "serial",
    jobs: int | None = None,
    **execution: Any,
) -> dict[str, Any]:
    """Morris over all parameters, then Sobol over the top ones; tables, plots, summary.

    Args:
        output: folder of the study (sweep files, run folders, tables, plots).
        preset: base parameters: ``calibrated`` (the model defaults if it is missing)
            or another parameter preset.
        workers: agents per run.
        months: months per run (from January 2011).
        trajectories: Morris trajectories.
        top: factors taken from the Morris screening to Sobol.
        sobol_n: Sobol base sample size.
        seed: root seed of both sweeps.
        replications: runs per design point, averaged; replication r has the same seed
            at every point (common random numbers).
        convergence: also run the Morris design at ``2 x workers`` and check that the
            indices are stable (:mod:`experiments.sweeps.convergence`).
        executor: ``serial``, ``processes`` or ``dask``.
        jobs: worker processes (None: the executor's default).
        **execution: ``scheduler``, ``scheduler_file``, ``chunk_size``, ``progress``
            for :func:`~experiments.run.runner.run_experiment`.

    Returns:
        ``morris`` and ``sobol`` index tables, ``convergence`` (empty if not run) and the
        ``sizes`` written to ``study.json``.
    """
    out = Path(output)
    values, source = base_params.resolve(None if preset == "calibrated" else preset)
    base = {**Params().to_dict(), **values}
    base_name = "calibrated" if source.startswith("preset 'calibrated'") else "defaults"
    ranges = factor_ranges(base)
    morris_file = write_sweep(
        out / "morris.toml",
        "morris",
        ranges,
        trajectories,
        workers,
        months,
        replications,
        seed,
        base_name,
    )
    morris = run_design(morris_file, out / "morris", executor, jobs, **execution)
    check = pd.DataFrame()
    if convergence:
        double_file = write_sweep(
            out / "morris_2n.toml",
            "morris",
            ranges,
            trajectories,
            2 * workers,
            months,
            replications,
            seed,
            base_name,
        )
        double = run_design(double_file, out / "morris_2n", executor, jobs, **execution)
        double.to_csv(out / "morris_2n_indices.csv", index=False)
        check = compare_sizes(_per_worker(morris, workers), _per_worker(double, 2 * workers))
        check.to_csv(out / "convergence.csv", index=False)
        plot_convergence(morris, double, workers, out / "convergence.png")
    chosen = top_factors(morris, top)
    sobol_file = write_sweep(
        out / "sobol.toml",
        "sobol",
        {k: ranges[k] for k in chosen},
        sobol_n,
        workers,
        months,
        replications,
        seed,
        base_name,
    )
    sobol = run_design(sobol_file, out / "sobol", executor, jobs, **execution)
    morris.to_csv(out / "morris_indices.csv", index=False)
    sobol.to_csv(out / "sobol_indices.csv", index=False)
    pd.DataFrame(
        [{"factor": k, "lo": lo, "hi": hi, "base": base[k]} for k, (lo, hi) in ranges.items()]
    ).to_csv(out / "ranges.csv", index=False)
    plot_morris(morris, workers, out / "morris.png")
    plot_sobol(sobol, out / "sobol.png")
    sizes = {
        "base": source,
        "workers": workers,
        "months": months,
        "morris_factors": len(ranges),
        "morris_trajectories": trajectories,
        "morris_runs": trajectories * (len(ranges) + 1) * replications,
        "sobol_factors": chosen,
        "sobol_base_n": sobol_n,
        "sobol_runs": sobol_n * (len(chosen) + 2) * replications,
        "replications_per_point": replications,
        "common_random_numbers": True,
        "seed": seed,
        "convergence_workers": [workers, 2 * workers] if convergence else None,
        "convergence_passed": bool(check["passed"].all()) if not check.empty else None,
    }
    (out / "study.json").write_text(json.dumps(sizes, indent=2) + "\n", encoding="utf-8")
    return {"morris": morris, "sobol": sobol, "convergence": check, "sizes": sizes}
