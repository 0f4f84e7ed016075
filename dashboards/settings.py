"""What the user chose: preset, seed, population, parameter overrides and lever settings.

A :class:`Settings` is an immutable value; every change makes a new one, and
:meth:`Settings.validate` raises ``ValueError`` with the model's own message
(field, bad value, allowed range) before anything is built. Lever metadata
(unit, range, paper reference, docstring) and parameter metadata (unit, range,
source, meaning) come from the model, so controls and tooltips never drift from it.
"""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass, field
from typing import Any

from experiments import base_params
from experiments.scenarios import PRESETS, get_preset, scenario_title
from model import POLICIES, Params, Policy, make_policy
from model.params import DEFAULT_POPULATION, describe

#: One population for Explore and Compare: enough agents that monthly counts of
#: common events (breaks, inspections) rest on hundreds of agents, while a month
#: still takes milliseconds.
DEFAULT_WORKERS = DEFAULT_POPULATION  # one default population everywhere (model.params)
#: Longest run the dashboard steps or plays (months); lever dates stay within it.
MAX_MONTHS = 600
#: Largest population the dashboard builds; bigger runs belong to the CLI and sweeps.
MAX_WORKERS = 200_000
DEFAULT_SEED = 42
CUSTOM = "custom"

#: Lever names in the model's order.
LEVERS: tuple[str, ...] = tuple(POLICIES)
#: Parameter rows from the model: name, default, unit, lo, hi, source, doc.
PARAMS: dict[str, dict[str, Any]] = {row["name"]: row for row in describe()}
#: Set through their own controls, not the parameter editor.
OWN_CONTROLS = ("seed", "n_workers")
#: The design card's headline parameters, shown as direct inputs.
KEY_PARAMS = (
    "mean_wage",
    "mean_age",
    "turnover_per_year",
    "inspection_rate_per_year",
    "detection_power",
    "worker_subsidy_share",
    "firm_subsidy_share",
)


def lever_info(lever: str) -> dict[str, Any]:
    """Unit, maximum strength, paper reference and first docstring paragraph of a lever."""
    if lever not in POLICIES:
        raise ValueError(f"unknown lever {lever!r}; allowed: {sorted(POLICIES)}")
    cls = POLICIES[lever]
    doc = inspect.cleandoc(cls.__doc__ or "").split("\n\n")[0].replace("\n", " ")
    return {
        "lever": lever,
        "title": cls.label or lever,
        "unit": cls.unit,
        "min": float(cls.min_strength),
        "max": float(cls.max_strength),
        "paper": cls.paper,
        "doc": doc,
        "extra": cls.extra_fields(),
    }


def extra_defaults(lever: str) -> dict[str, float]:
    """The lever's fields beyond strength and dates (e.g. a subsidy's cap), at their defaults."""
    return {name: default for name, _unit, default in POLICIES[lever].extra_fields()}


def param_tooltip(name: str) -> str:
    """One-line description of a parameter: meaning, unit, range, default, source."""
    row = PARAMS[name]
    return (
        f"{row['doc']} ({row['unit']}; allowed {row['lo']} to {row['hi']}; "
        f"default {row['default']}; source: {row['source']})"
    )


@dataclass(frozen=True)
class LeverSetting:
    """One lever as the user set it; strength 0 means the lever is not used.

    Attributes:
        extra: the policy's own further fields (``Policy.extra_fields()``, e.g. cap, budget).
    """

    strength: float = 0.0
    start: int = 1
    end: int | None = None
    extra: dict[str, float] = field(default_factory=dict)

    def policy(self, lever: str) -> Policy | None:
        """The policy object, or None at strength 0; raises ValueError if invalid."""
        policy = make_policy(
            lever, strength=self.strength, start=self.start, end=self.end, **self.extra
        )
        return None if self.strength == 0 else policy


def _no_levers() -> dict[str, LeverSetting]:
    return {name: LeverSetting(extra=extra_defaults(name)) for name in LEVERS}


@dataclass(frozen=True)
class Settings:
    """A scenario as chosen in the dashboard (parameters rebuild, levers act live)."""

    preset: str = "baseline"
    seed: int = DEFAULT_SEED
    n_workers: int = DEFAULT_WORKERS
    params: dict[str, Any] = field(default_factory=dict)
    levers: dict[str, LeverSetting] = field(default_factory=_no_levers)
    base: str = "model defaults"  # where the preset's base parameters came from

    def policies(self) -> tuple[Policy, ...]:
        """Policies of the levers in use, in the model's lever order."""
        out = (self.levers[name].policy(name) for name in LEVERS if name in self.levers)
        return tuple(p for p in out if p is not None)

    def model_kwargs(self) -> dict[str, Any]:
        """Flat keyword arguments for :class:`model.UptakeModel`."""
        return {**self.params, "seed": self.seed, "n_workers": self.n_workers}

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first invalid field."""
        if isinstance(self.n_workers, int) and self.n_workers > MAX_WORKERS:
            raise ValueError(
                f"n_workers={self.n_workers} is more than the dashboard runs "
                f"(at most {MAX_WORKERS:,}); use `uptake run` for larger populations"
            )
        Params.build(**self.model_kwargs())
        self.policies()

    def with_lever(self, lever: str, **changes: Any) -> Settings:
        """A copy with one lever changed; raises ``ValueError`` if the result is invalid."""
        if lever not in POLICIES:
            raise ValueError(f"unknown lever {lever!r}; allowed: {sorted(POLICIES)}")
        old = self.levers.get(lever) or LeverSetting(extra=extra_defaults(lever))
        extra = {k: changes.pop(k) for k in list(changes) if k in old.extra}
        unknown = set(changes) - {"strength", "start", "end"}
        if unknown:
            allowed = ["strength", "start", "end", *old.extra]
            raise ValueError(f"{lever} has no field {sorted(unknown)}; allowed: {allowed}")
        setting = dataclasses.replace(old, extra={**old.extra, **extra}, **changes)
        for name in ("start", "end"):
            month = getattr(setting, name)
            if isinstance(month, int) and not isinstance(month, bool) and month > MAX_MONTHS:
                raise ValueError(
                    f"{lever}.{name}={month} is past the last month the dashboard runs; "
                    f"allowed 1 to {MAX_MONTHS}"
                )
        setting.policy(lever)
        return dataclasses.replace(self, levers={**self.levers, lever: setting})

    def with_param(self, name: str, value: Any) -> Settings:
        """A copy with one parameter set (None restores the default); validated."""
        if name == "seed":
            new = dataclasses.replace(self, seed=value)
        elif name == "n_workers":
            new = dataclasses.replace(self, n_workers=value)
        else:
            value = _as_declared_type(name, value)
            params = dict(self.params)
            if value is None:
                params.pop(name, None)
            else:
                params[name] = value
            new = dataclasses.replace(self, params=params)
        new.validate()
        return new

    def is_preset(self) -> bool:
        """Whether parameters and levers are exactly those of ``preset``."""
        if self.preset not in PRESETS:
            return False
        same = from_preset(self.preset, self.seed, self.n_workers)
        return same.params == self.params and same.policies() == self.policies()

    def label(self) -> str:
        """The preset name, marked when the user changed it."""
        return self.preset if self.is_preset() else f"{self.preset} (modified)"

    def title(self) -> str:
        """The preset's human name, marked when the user changed it (for the page)."""
        name = scenario_title(self.preset)
        return name if self.is_preset() else f"{name} (modified)"


def _as_declared_type(name: str, value: Any) -> Any:
    """Whole-number floats for integer parameters become ints (inputs give floats)."""
    if name not in PARAMS:
        return value  # Params.build names the unknown parameter
    default = PARAMS[name]["default"]
    whole = isinstance(value, float) and value.is_integer()
    if isinstance(default, int) and not isinstance(default, bool) and whole:
        return int(value)
    return value


def from_preset(name: str, seed: int = DEFAULT_SEED, n_workers: int = DEFAULT_WORKERS) -> Settings:
    """Settings reproducing a named preset (``experiments.scenarios.PRESETS``).

    Parameters are layered as in :class:`experiments.run.experiment.Experiment`: the scenario's
    base parameter preset (the calibrated one when it exists), then its own overrides.
    Seed and population come from the dashboard's own controls.
    """
    scenario = get_preset(name)
    values, source = base_params.resolve(scenario.base_params)
    params = {**values, **scenario.params}
    for key in OWN_CONTROLS:
        params.pop(key, None)
    levers = _no_levers()
    for policy in scenario.policies:
        if levers[policy.lever].strength != 0:
            raise ValueError(f"preset {name!r} sets lever {policy.lever!r} twice")
        extra = {name: getattr(policy, name) for name in extra_defaults(policy.lever)}
        levers[policy.lever] = LeverSetting(policy.strength, policy.start, policy.end, extra)
    return Settings(name, seed, n_workers, params, levers, source)
