"""Structural read-out of a preset: coverage by group and the magnitudes facts.md pins down.

Runs a preset (default ``calibrated``) for R replications and prints, as text tables:

* coverage of employed workers (pension, medical, injury) by industry, region of work,
  firm size (real headcount), contract and region of origin, mean of 2011-2013 months,
  with the spread over replications (so a difference can be judged against seed noise);
* labour disputes a year in real cases, and the share filed over dismissals, against
  the 1.512 million disputes handled nationally in 2012 (facts.md 3.3);
* cash-outs as a share of cross-region moves by workers with contribution years
  (退保 is banned from 2010-01-01, facts.md 2.3);
* the mean wage of employed workers by calendar year against the NBS series
  (facts.md 1.7, C8);
* the share of retirees vested (15 contribution years) by year;
* mean awareness at month 0, 12, 36 and the last month (drift without policy);
* the paired differences the validation targets name (East - Centre, Centre - West;
  the lowest industries against their neighbours): mean over replications of the
  per-seed difference, its sd, standard error and smallest value, and the runs of this
  size that would resolve it 80% of the time (``runs_80``);
* per run, each region's pension coverage beside its largest firm's share of the
  region's employed agents (end of 2013): how much one firm's choice can move a region.

``--counterfactual equal-floors`` sets every region's contribution floor to the
national one and ``equal-capacity`` every region's inspection capacity to 1, so that
the regional gaps can be split into the parts these two inputs make (the model is
unchanged otherwise; the inputs are put back on exit).

Run: ``python tools/structure_report.py [--replications 10] [--workers 50000]
[--years 10] [--seed 7] [--preset calibrated] [--counterfactual equal-floors]``.
The seeds are the validation's held-out seeds
(``experiments.run.seeds.replication_seeds(seed, R)``).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from experiments.calibration.group_order import gap_stats
from experiments.run.seeds import replication_seeds
from model import UptakeModel, structure
from model.codes import INDUSTRIES, REGIONS, SCHEMES
from model.presets import load_preset, read_preset_file

SHOWN = ("pension", "medical", "injury")
SIZE_BANDS = ((1, 7, "1-7"), (8, 19, "8-19"), (20, 99, "20-99"), (100, 10**9, "100+"))
#: NBS mean monthly income of 外出 workers (facts.md 1.7), yuan.
NBS_WAGE = {2011: 2049, 2012: 2290, 2013: 2609, 2020: 4549, 2021: 5013, 2022: 5240, 2023: 5441}
DISPUTES_2012 = 1_512_000  # disputes handled nationally in 2012 (facts.md 3.3)
#: Paired differences printed (group a minus group b, same seed).
PAIRS = (
    ("region", "east", "central"),
    ("region", "central", "west"),
    ("region", "east", "west"),
    ("industry", "hospitality", "construction"),
    ("industry", "wholesale_retail", "hospitality"),
    ("industry", "resident_services", "hospitality"),
)
#: Regional inputs a counterfactual sets to the national level (array in model.structure).
COUNTERFACTUALS = {
    "equal-floors": "REGION_AVERAGE_WAGE_RATIO",
    "equal-capacity": "REGION_INSPECTION_CAPACITY",
}


@contextlib.contextmanager
def counterfactual(name: str | None) -> Iterator[None]:
    """Set one regional input to 1 in every region (in place: every module sees it)."""
    if name is None:
        yield
        return
    array = getattr(structure, COUNTERFACTUALS[name])
    saved = array.copy()
    array[:] = 1.0
    try:
        yield
    finally:
        array[:] = saved


class Probe:
    """Counts that the model does not record: movers with years, and dismissal grievances.

    Wraps module functions the model calls by attribute, so nothing in the model changes.
    """

    def __init__(self) -> None:
        """Start the counts at 0 (nothing is patched until :meth:`install`)."""
        self.movers_with_years = 0
        self.cashouts = 0
        self._patched: list[tuple[object, str, object]] = []

    def install(self) -> None:
        """Count movers with contribution years and their cash-outs."""
        from model import accrual

        original = accrual.cash_out

        def cash_out(w, movers, *args, **kwargs):
            self.movers_with_years += int(np.count_nonzero(w.contrib_months[movers] > 0))
            lost = original(w, movers, *args, **kwargs)
            self.cashouts += int(lost)
            return lost

        self._patch(accrual, "cash_out", cash_out)

    def _patch(self, module: object, name: str, new: object) -> None:
        self._patched.append((module, name, getattr(module, name)))
        setattr(module, name, new)

    def remove(self) -> None:
        """Put the model's functions back."""
        for module, name, old in reversed(self._patched):
            setattr(module, name, old)
        self._patched.clear()


def group_rows(model: UptakeModel) -> list[dict]:
    """Coverage counts of employed workers by each grouping, this month."""
    w, f = model.workers, model.firms
    emp = np.flatnonzero(w.employer >= 0)
    covered = w.covered[emp]
    size = f.headcount[w.employer[emp]]
    size_code = np.zeros(emp.size, dtype=np.int64)
    for k, (lo, _hi, _label) in enumerate(SIZE_BANDS):
        size_code[size >= lo] = k
    groupings = {
        "industry": (w.industry[emp].astype(np.int64), INDUSTRIES),
        "region": (w.region[emp].astype(np.int64), REGIONS),
        "origin": (w.origin[emp].astype(np.int64), REGIONS),
        "firm_size": (size_code, tuple(b[2] for b in SIZE_BANDS)),
        "contract": (w.contract[emp].astype(np.int64), ("no contract", "contract")),
    }
    rows = []
    for by, (codes, names) in groupings.items():
        n = np.bincount(codes, minlength=len(names))
        for s, scheme in enumerate(SCHEMES):
            if scheme not in SHOWN:
                continue
            paid = np.bincount(codes, weights=(covered >> s) & 1, minlength=len(names))
            for g, name in enumerate(names):
                rows.append({"by": by, "group": name, "scheme": scheme, "n": n[g], "paid": paid[g]})
    return rows


def run_one(params: dict, seed: int, n_workers: int, months: int) -> dict:
    """One run: coverage by group each month of 2011-2013, wages, yearly flows, awareness."""
    probe = Probe()
    probe.install()
    try:
        model = UptakeModel(**{**params, "n_workers": n_workers, "seed": seed})
        groups, wages, awareness = [], [], {0: float(model.workers.awareness.mean())}
        largest = largest_firm_share(model)  # replaced at the end of 2013
        moves_by_year: dict[int, list[int]] = {}
        for _ in range(months):
            before = (probe.movers_with_years, probe.cashouts)
            model.step()
            year = model.params.start_year + (model.month - 1) // 12
            acc = moves_by_year.setdefault(year, [0, 0])
            acc[0] += probe.movers_with_years - before[0]
            acc[1] += probe.cashouts - before[1]
            w = model.workers
            employed = w.employer >= 0
            wages.append({"year": year, "wage": float(w.wage[employed].mean())})
            if year <= 2013:
                for row in group_rows(model):
                    row["year"] = year
                    groups.append(row)
            if model.month in (12, 36, months):
                awareness[model.month] = float(w.awareness.mean())
            if model.month == min(36, months):  # the end of 2013, or of a shorter run
                largest = largest_firm_share(model)
        frame = model.results_frame()
    finally:
        probe.remove()
    frame = frame[frame["month"] >= 1]
    yearly = frame.groupby("year").agg(
        disputes=("new_disputes_real", "sum"),
        disputants=("new_disputants_real", "sum"),
        dismissals=("new_dismissals_real", "sum"),
        aggrieved=("n_aggrieved_real", "sum"),
        retirements=("new_retirements", "sum"),
        vested=("new_retirements_vested", "sum"),
        moves=("new_cross_region_moves", "sum"),
        cashouts=("new_cashouts", "sum"),
    )
    yearly["movers_with_years"] = [moves_by_year.get(y, [0, 0])[0] for y in yearly.index]
    return {
        "groups": pd.DataFrame(groups),
        "wages": pd.DataFrame(wages).groupby("year")["wage"].mean(),
        "yearly": yearly,
        "awareness": awareness,
        "largest_firm_share": largest,
    }


def largest_firm_share(model: UptakeModel) -> dict[str, float]:
    """Share of each region's employed agents at its largest firm (0-1), at this month.

    One firm's decision to pay or not moves its region's coverage by up to this share:
    the lumpiness behind the regional seed noise (``docs/structure.md`` section 11).
    """
    w, f = model.workers, model.firms
    employer = w.employer[w.employer >= 0]
    size = np.bincount(employer, minlength=f.n)
    out = {}
    for r, name in enumerate(REGIONS):
        in_region = f.region == r
        total = size[in_region].sum()
        out[name] = float(size[in_region].max() / total) if total else 0.0
    return out


def lumpiness_table(runs: list[dict]) -> pd.DataFrame:
    """Per run: pension coverage by region (2011-2013) and its largest firm's share, %."""
    shares = per_run_shares(runs)
    pension = shares[(shares["by"] == "region") & (shares["scheme"] == "pension")]
    table = pension.pivot(index="run", columns="group", values="share")[list(REGIONS)]
    table.columns = [f"pension_{c}" for c in table.columns]
    largest = pd.DataFrame([r["largest_firm_share"] for r in runs])[list(REGIONS)]
    largest.columns = [f"largest_firm_{c}" for c in largest.columns]
    return 100 * pd.concat([table, largest], axis=1)


def per_run_shares(runs: list[dict]) -> pd.DataFrame:
    """Coverage share of each group and scheme in each run (2011-2013 months pooled)."""
    per_run = []
    for r, run in enumerate(runs):
        g = run["groups"].groupby(["by", "group", "scheme"], sort=False)[["n", "paid"]].sum()
        g["share"] = g["paid"] / g["n"].clip(lower=1)
        g["run"] = r
        per_run.append(g.reset_index())
    return pd.concat(per_run)


def paired_differences(runs: list[dict]) -> pd.DataFrame:
    """Group a minus group b per run, points: mean, sd, standard error, smallest value.

    ``runs_80``: the runs of this size that would resolve (2 se from zero) a true gap of
    this mean and sd with an 80% chance
    (:func:`experiments.calibration.group_order.runs_needed`).
    """
    shares = per_run_shares(runs).set_index(["by", "group", "scheme", "run"])["share"]
    shares = shares.sort_index()
    rows = []
    for by, a, b in PAIRS:
        for scheme in SHOWN:
            d = 100 * (shares.loc[(by, a, scheme)] - shares.loc[(by, b, scheme)]).to_numpy()
            s = gap_stats(d)
            rows.append(
                {
                    "pair": f"{a} - {b}",
                    "scheme": scheme,
                    **{k: s[k] for k in ("mean", "sd", "se")},
                    "min": d.min(),
                    "mean/se": s["mean_se"],
                    "runs_80": s["runs_needed"],
                }
            )
    return pd.DataFrame(rows)


def coverage_table(runs: list[dict]) -> pd.DataFrame:
    """Coverage by group, mean over 2011-2013 months per run, then mean and sd over runs."""
    allruns = per_run_shares(runs)
    stats = allruns.groupby(["by", "group", "scheme"], sort=False)["share"].agg(["mean", "std"])
    wide = stats.unstack("scheme")
    wide.columns = [f"{s}_{stat}" for stat, s in wide.columns]
    employed = allruns[allruns["scheme"] == "pension"].groupby(["by", "group"], sort=False)["n"]
    wide["employed_share"] = employed.mean() / employed.mean().groupby(level=0).transform("sum")
    order = [f"{s}_{stat}" for s in SHOWN for stat in ("mean", "std")] + ["employed_share"]
    return wide[order]


def main(argv: list[str] | None = None) -> int:
    """Run the replications and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="calibrated", help="preset name or .toml file")
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--workers", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=10, help="years simulated from 2011")
    parser.add_argument("--seed", type=int, default=7, help="root seed (7 = validation's)")
    parser.add_argument(
        "--counterfactual",
        choices=sorted(COUNTERFACTUALS),
        help="set one regional input to the national level (equal-floors, equal-capacity)",
    )
    args = parser.parse_args(argv)
    if args.preset.endswith(".toml"):
        params = read_preset_file(args.preset)[0]
    else:
        params = load_preset(args.preset)
    seeds = replication_seeds(args.seed, args.replications)
    started = time.perf_counter()
    with counterfactual(args.counterfactual):
        runs = [run_one(params, s, args.workers, 12 * args.years) for s in seeds]
    pd.set_option("display.width", 200)
    pd.set_option("display.max_rows", 200)
    print(
        f"preset {args.preset}; {args.replications} x {args.workers} workers; root seed "
        f"{args.seed}; counterfactual {args.counterfactual or 'none'}; "
        f"{time.perf_counter() - started:.0f} s"
    )
    print("\n== Coverage of employed workers, 2011-2013 (mean and sd over replications, %)")
    print((coverage_table(runs) * 100).round(2).to_string())
    print(
        "\n== Paired differences, 2011-2013, points (same seed; se = sd / sqrt(runs); "
        "runs_80 = runs of this size that resolve a gap like this 80% of the time)"
    )
    print(paired_differences(runs).round(2).to_string(index=False))
    print(
        "\n== Per run: pension coverage by region (2011-2013, %) and the largest firm's "
        "share of the region's employed agents (end of 2013, %)"
    )
    print(lumpiness_table(runs).round(1).to_string())
    yearly = sum(r["yearly"] for r in runs) / len(runs)
    print("\n== Disputes, retirements and moves a year (mean over replications)")
    out = pd.DataFrame(
        {
            "disputes_real_M": yearly["disputes"] / 1e6,
            "share_of_2012_national": yearly["disputes"] / DISPUTES_2012,
            "disputants_real_M": yearly["disputants"] / 1e6,
            "dismissals_real_M": yearly["dismissals"] / 1e6,
            "aggrieved_worker_months_real_M": yearly["aggrieved"] / 1e6,
            "cashouts_per_mover_with_years": yearly["cashouts"]
            / yearly["movers_with_years"].clip(lower=1),
            "vested_share_of_retirees": yearly["vested"] / yearly["retirements"].clip(lower=1),
        }
    )
    print(out.round(3).to_string())
    wages = sum(r["wages"] for r in runs) / len(runs)
    print("\n== Mean wage of employed workers (yuan/month) vs NBS 外出 series")
    print(pd.DataFrame({"model": wages.round(0), "nbs": pd.Series(NBS_WAGE)}).to_string())
    print("\n== Mean awareness by month (no policy)")
    keys = sorted(runs[0]["awareness"])
    print({k: round(float(np.mean([r["awareness"][k] for r in runs])), 3) for k in keys})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
