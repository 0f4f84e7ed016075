"""One model run as a pure function of (policies, seed, months, parameters).

:func:`simulate` runs the model through :func:`model.simulation.simulate` (the one
build-and-step path) and returns two tidy frames: the monthly outcomes (one row per
month, 0 = start) and the coverage breakdowns by industry and region at the end of
every simulated year (and at the last month). :func:`execute_chunk` runs a list of
:class:`RunSpec` in a worker process and turns any exception into a failed
:class:`RunResult`, so that one bad run never stops the others.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from model import UptakeModel
from model.policies import Policy
from model.simulation import simulate as run_model

#: Breakdowns recorded during a run (``model.breakdown(by)``).
BREAKDOWN_BY = ("industry", "region")
#: Identification columns on every output row, in this order.
ID_COLUMNS = ("scenario", "replication", "seed", "run_id")


@dataclass(frozen=True)
class RunSpec:
    """Everything that defines one run; equal specs give identical results.

    Attributes:
        run_id: unique within an output folder; names the result parts.
        scenario: scenario name written on every row.
        replication: replication index r (seed r of the root seed).
        seed: the model seed (shared by every scenario for the same replication).
        months: months simulated after month 0.
        params: parameter overrides for :class:`model.UptakeModel` (not ``seed``).
        policies: dated policy objects.
        point: design-point index in a sweep, else ``None``.
        outputs: what the run records (:class:`experiments.run.outputs.Outputs`;
            None: every outcome column and the breakdowns).
    """

    run_id: str
    scenario: str
    replication: int
    seed: int
    months: int
    params: dict[str, Any] = field(default_factory=dict)
    policies: tuple[Policy, ...] = ()
    point: int | None = None
    outputs: Any = None

    @property
    def location(self) -> str:
        """The partition folder of this run's parts (:mod:`experiments.run.layout`)."""
        from experiments.run.layout import location

        return location(self.scenario, self.replication, self.point)

    def describe(self) -> dict[str, Any]:
        """A JSON-friendly description for the manifest (and resume checks)."""
        out = {
            "scenario": self.scenario,
            "replication": self.replication,
            "seed": self.seed,
            "months": self.months,
            "point": self.point,
            "params": dict(sorted(self.params.items())),
            "policies": [p.to_dict() for p in self.policies],
        }
        if self.outputs is not None:  # absent by default: older manifests still match
            out["outputs"] = self.outputs.describe()
        return out


@dataclass
class RunResult:
    """What came back from one run: status, error text, time and the two frames.

    ``stored`` is True when a Dask worker already wrote the frames to the output
    folder (:mod:`experiments.run.worker_store`) and sent back none; ``part`` then
    holds the rows and checksum of the part it wrote.
    """

    run_id: str
    status: str  # "done" or "failed"
    seconds: float
    error: str = ""
    outcomes: pd.DataFrame | None = None
    breakdowns: pd.DataFrame | None = None
    stored: bool = False
    part: Any = None


def simulate(
    policies: tuple[Policy, ...],
    seed: int,
    months: int,
    params: dict[str, Any],
    monthly: Callable[[UptakeModel], dict[str, float]] | None = None,
    extra: list[dict[str, float]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the model and return (monthly outcomes, yearly breakdowns).

    Args:
        policies: dated policies in force (empty for the status quo).
        seed: model seed.
        months: months to simulate (month 1 = January of ``start_year``).
        params: parameter overrides (flat keywords of :class:`model.params.Params`).
        monthly: called with the model after each month; its values, with the
            month, are appended to ``extra`` (user-defined outputs).
        extra: the list that collects ``monthly``'s rows.

    Returns:
        Outcomes with one row per month 0..months (``model.results_frame()``), and
        breakdowns with columns ``month, year, by, group, n_workers, n_employed,
        frac_covered_<scheme>`` recorded at months 12, 24, ... and at ``months``.
    """
    tables = []

    def record(model: UptakeModel) -> None:
        m = model.month
        if monthly is not None and extra is not None:
            extra.append({"month": m, **monthly(model)})
        if m % 12 == 0 or m == months:
            tables.extend(_breakdown(model, by) for by in BREAKDOWN_BY)

    model = run_model(tuple(policies), months, record, **{**params, "seed": seed})
    outcomes = model.results_frame()
    breakdowns = pd.concat(tables, ignore_index=True) if tables else _empty_breakdowns()
    return outcomes, breakdowns


def _breakdown(model: UptakeModel, by: str) -> pd.DataFrame:
    table = model.breakdown(by).rename(columns={by: "group"})
    table["group"] = table["group"].astype(str)
    m = model.month
    table.insert(0, "by", by)
    table.insert(0, "year", model.params.start_year + (m - 1) // 12)
    table.insert(0, "month", m)
    return table


def _empty_breakdowns() -> pd.DataFrame:
    return pd.DataFrame(columns=["month", "year", "by", "group", "n_workers", "n_employed"])


def label(frame: pd.DataFrame, spec: RunSpec) -> pd.DataFrame:
    """Put the identification columns (and ``point`` in sweeps) first on every row."""
    out = frame.drop(columns=[c for c in (*ID_COLUMNS, "point") if c in frame.columns])
    ids: dict[str, Any] = {
        "scenario": spec.scenario,
        "replication": spec.replication,
        "seed": spec.seed,
        "run_id": spec.run_id,
    }
    if spec.point is not None:
        ids["point"] = spec.point
    for i, (name, value) in enumerate(ids.items()):
        out.insert(i, name, value)
    out["seed"] = out["seed"].astype("int64")
    return out


def execute(spec: RunSpec) -> RunResult:
    """Run one spec; an exception becomes a failed result with its traceback."""
    start = time.perf_counter()
    try:
        if spec.outputs is None:
            outcomes, breakdowns = simulate(spec.policies, spec.seed, spec.months, spec.params)
        else:
            extra: list[dict[str, float]] = []
            hook = spec.outputs.monthly if spec.outputs.hook else None
            outcomes, breakdowns = simulate(
                spec.policies, spec.seed, spec.months, spec.params, hook, extra
            )
            outcomes, breakdowns = spec.outputs.apply(outcomes, breakdowns, extra)
    except Exception:  # a failed run is recorded, the others go on
        return RunResult(spec.run_id, "failed", time.perf_counter() - start, traceback.format_exc())
    return RunResult(
        spec.run_id,
        "done",
        time.perf_counter() - start,
        outcomes=label(outcomes, spec),
        breakdowns=label(breakdowns, spec),
    )


def execute_chunk(specs: list[RunSpec]) -> list[RunResult]:
    """Run several specs in turn (one task for an executor: amortises overhead)."""
    return [execute(spec) for spec in specs]
