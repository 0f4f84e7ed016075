"""An experiment: scenarios x replications, with one root seed, turned into run specs.

Parameters of a run are layered, later layers winning: the scenario's parameter
preset (``base_params``), the scenario's own ``params``, the experiment-wide
``overrides`` (``--param``), then ``workers`` (``n_workers``). Every layer is
validated here, before anything runs, so a bad value fails at once with its name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from experiments import base_params
from experiments.errors import InputError
from experiments.run.seeds import check_root_seed, replication_seeds
from experiments.run.single import RunSpec
from experiments.scenarios.library import Scenario
from model.params import Params

KINDS = ("run", "compare", "sweep")
#: Longest run: 100 years from January 2011 (the model's inputs end well before).
MAX_MONTHS = 1200
#: Default most runs in one experiment (scenarios x replications); the environment
#: variable ``UPTAKE_MAX_RUNS`` raises it. Checked before any run spec is built.
MAX_RUNS = 1_000_000


def max_runs() -> int:
    """The run limit: ``UPTAKE_MAX_RUNS`` if set (a whole number >= 1), else :data:`MAX_RUNS`."""
    text = os.environ.get("UPTAKE_MAX_RUNS", "").strip()
    if not text:
        return MAX_RUNS
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"UPTAKE_MAX_RUNS={text!r}: expected a whole number >= 1")
    return int(text)


@dataclass(frozen=True)
class Experiment:
    """Scenarios run for the same replications (common random numbers).

    Attributes:
        kind: ``run``, ``compare`` (first scenario is the baseline) or ``sweep``.
        scenarios: the scenarios (sweep: one per design point).
        replications: replications per scenario.
        months: months simulated per run.
        root_seed: the one seed every replication seed derives from.
        workers: ``n_workers`` of every run (None: preset/model default).
        overrides: parameter overrides applied to every scenario.
        base_params: parameter preset for every scenario (None: each scenario's own).
        design: sweep only: the design description (see :mod:`experiments.sweeps.designs`).
        outputs: what every run records (:class:`experiments.run.outputs.Outputs`;
            None: every outcome column and the breakdowns).
    """

    kind: str
    scenarios: tuple[Scenario, ...]
    replications: int
    months: int
    root_seed: int
    workers: int | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    base_params: str | None = None
    design: dict[str, Any] | None = None
    outputs: Any = None

    def __post_init__(self) -> None:
        """Validate counts and names before anything runs."""
        if self.kind not in KINDS:
            raise InputError(f"experiment kind {self.kind!r} unknown; allowed: {list(KINDS)}")
        if not self.scenarios:
            raise InputError("an experiment needs at least one scenario")
        names = [s.name for s in self.scenarios]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise InputError(f"scenario names must differ; repeated: {dupes}")
        for key, value, lo in (("replications", self.replications, 1), ("months", self.months, 1)):
            if isinstance(value, bool) or not isinstance(value, int) or value < lo:
                raise InputError(f"{key}={value!r} must be a whole number >= {lo}")
        if self.months > MAX_MONTHS:
            raise InputError(
                f"months={self.months} is too many; at most {MAX_MONTHS} months "
                "(100 years from January 2011)"
            )
        runs, limit = len(self.scenarios) * self.replications, max_runs()
        if runs > limit:
            raise InputError(
                f"the experiment has {runs:,} runs ({len(self.scenarios):,} scenarios x "
                f"{self.replications:,} replications); at most {limit:,} "
                "(set the environment variable UPTAKE_MAX_RUNS to raise the limit)"
            )
        check_root_seed(self.root_seed)
        if "seed" in self.overrides:
            raise InputError("parameter 'seed' is set by the experiment; use the root seed")

    def late_reforms(self) -> list[str]:
        """One message per reform that starts after the last simulated month (never acts).

        The command line refuses such an experiment; :func:`run_experiment` warns.
        """
        late = []
        for scenario in self.scenarios:
            for policy in scenario.policies:
                if policy.start > self.months:
                    lever = policy.lever or type(policy).__name__
                    late.append(
                        f"scenario {scenario.name!r}: reform {lever!r} starts in month "
                        f"{policy.start}, after the last simulated month ({self.months}); "
                        f"lower its start or raise --months to at least {policy.start}"
                    )
        return late

    def scenario_params(self, scenario: Scenario) -> tuple[dict[str, Any], str]:
        """The layered parameter overrides of one scenario and where the base came from."""
        preset = self.base_params if self.base_params is not None else scenario.base_params
        values, source = base_params.resolve(preset)
        values = {**values, **scenario.params, **self.overrides}
        if self.workers is not None:
            values["n_workers"] = self.workers
        try:
            Params.build(**values)
        except (ValueError, TypeError) as exc:
            raise InputError(f"scenario {scenario.name!r}: {exc}") from exc
        return values, source

    def specs(self) -> list[RunSpec]:
        """One spec per (scenario, replication); replication r has the same seed everywhere."""
        seeds = replication_seeds(self.root_seed, self.replications)
        points = (self.design or {}).get("points")
        out = []
        for i, scenario in enumerate(self.scenarios):
            params, _ = self.scenario_params(scenario)
            point = i if points is not None else None
            for r, seed in enumerate(seeds):
                out.append(
                    RunSpec(
                        run_id=f"{scenario.name}__r{r:03d}",
                        scenario=scenario.name,
                        replication=r,
                        seed=seed,
                        months=self.months,
                        params=params,
                        policies=scenario.policies,
                        point=point,
                        outputs=self.outputs,
                    )
                )
        return out

    def describe(self) -> dict[str, Any]:
        """JSON-friendly description for the manifest, with each scenario's full parameters."""
        scenarios = []
        for s in self.scenarios if self.kind != "sweep" else self.scenarios[:1]:
            values, source = self.scenario_params(s)
            scenarios.append(
                {
                    **s.to_dict(),
                    "params_source": source,
                    "resolved_params": Params.build(**values).to_dict(),
                }
            )
        return {
            "kind": self.kind,
            "root_seed": self.root_seed,
            "replications": self.replications,
            "seeds": replication_seeds(self.root_seed, self.replications),
            "months": self.months,
            "workers": self.workers,
            "overrides": dict(self.overrides),
            "base_params": self.base_params,
            "baseline": self.scenarios[0].name if self.kind == "compare" else None,
            "scenario_names": [s.name for s in self.scenarios],
            "scenarios": scenarios,
            "design": self.design,
            **({"outputs": self.outputs.describe()} if self.outputs is not None else {}),
        }


def run_scenario(
    scenario: Scenario | str,
    seed: int,
    months: int,
    workers: int | None = None,
    params: dict[str, Any] | None = None,
    replication: int = 0,
):
    """One run as a function of (scenario, seed, months, workers, params), in this process.

    Args:
        scenario: a :class:`Scenario`, a preset name or a scenario file path.
        seed: the model seed (use :func:`experiments.run.seeds.replication_seeds` for
            common random numbers across scenarios).
        months: months to simulate.
        workers: worker agents (None: the preset/model default).
        params: parameter overrides on top of the scenario's.
        replication: written on every row.

    Returns:
        ``(outcomes, breakdowns)``: the tidy monthly outcomes and the yearly coverage
        by industry and region, every row labelled with scenario, replication, seed
        and run id.

    Raises:
        InputError: bad scenario or parameters. RuntimeError: the run failed.
    """
    from experiments.run.single import execute
    from experiments.scenarios.files import load_scenario

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    exp = Experiment("run", (scenario,), 1, months, 0, workers=workers, overrides=params or {})
    values, _ = exp.scenario_params(scenario)
    spec = RunSpec(
        f"{scenario.name}__r{replication:03d}",
        scenario.name,
        replication,
        int(seed),
        months,
        values,
        scenario.policies,
    )
    result = execute(spec)
    if result.status != "done":
        raise RuntimeError(f"run {spec.run_id} failed:\n{result.error}")
    return result.outcomes, result.breakdowns
