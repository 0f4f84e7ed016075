"""Sweeps: a design over parameters and lever strengths, read from a TOML/YAML file.

A sweep file names the design, the base scenario and the factors with ranges::

    design = "lhs"            # factorial | lhs | morris | sobol
    samples = 16              # lhs: points; morris: trajectories; sobol: base N (2^k)
    levels = 3                # factorial: levels of a range; morris: grid levels (4)
    replications = 2
    months = 60
    workers = 5000
    seed = 1
    scenario = "baseline"     # preset or scenario file (path relative to this file)
    outcomes = ["frac_covered_pension", "frac_covered_any"]   # for `uptake sensitivity`
    [params]                  # fixed overrides for every run
    burn_in_months = 24
    [parameters]              # varied parameters: [lo, hi] or {values = [...]}
    turnover_per_year = [0.1, 0.5]
    [levers]                  # varied lever strengths (+ start, end, cap, budget)
    enforcement = {range = [0.0, 2.0], start = 13}
    [record]                  # optional: what each run records (experiments.run.outputs)
    columns = ["frac_covered_pension"]   # + the outcomes above; default: every column
    breakdowns = false        # default true
    hook = "my_outputs:extra" # module:function(model) -> {name: number}, each month

Design points become scenarios ``p00000, p00001, ...`` (the base scenario's reforms
plus the point's levers and parameters); every point uses the same replication
seeds (common random numbers). Samplers: ``itertools.product`` (factorial),
``scipy.stats.qmc.LatinHypercube`` (lhs), SALib ``morris.sample`` and
``sobol.sample`` (first and total order; ``calc_second_order=False``).
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from experiments.errors import InputError
from experiments.run.experiment import Experiment
from experiments.scenarios.files import load_scenario, read_mapping
from experiments.scenarios.levers import all_extra_fields
from experiments.scenarios.library import NAME_PATTERN, Scenario
from experiments.sweeps.checks import check_size, check_whole_levels, outcome_names
from model.params import Params
from model.policies import POLICIES, make_policy

METHODS = ("factorial", "lhs", "morris", "sobol")
SWEEP_KEYS = (
    "name",
    "design",
    "samples",
    "levels",
    "replications",
    "months",
    "workers",
    "seed",
    "scenario",
    "base_params",
    "outcomes",
    "params",
    "parameters",
    "levers",
    "record",
)
#: Keys of a ``[levers]`` entry: the range, the dates and every lever's extra fields.
LEVER_KEYS = ("range", "values", "start", "end", *all_extra_fields())
DEFAULT_OUTCOMES = ("frac_covered_pension", "frac_covered_any")


@dataclass(frozen=True)
class Factor:
    """One varied input: a parameter or a lever's strength."""

    kind: str  # "param" or "lever"
    name: str  # parameter or lever name
    lo: float
    hi: float
    values: tuple[float, ...] | None = None  # factorial levels, if listed
    integer: bool = False
    fixed: dict[str, Any] = field(default_factory=dict)  # lever: dates and extra fields

    @property
    def label(self) -> str:
        """Column name in the design: the parameter, or ``<lever>.strength``."""
        return self.name if self.kind == "param" else f"{self.name}.strength"


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep file."""

    path: Path
    name: str
    method: str
    samples: int
    levels: int
    factors: tuple[Factor, ...]
    base: Scenario
    fixed_params: dict[str, Any]
    outcomes: tuple[str, ...]
    run: dict[str, Any]  # replications, months, workers, seed, base_params (may be absent)
    outputs: Any = None  # experiments.run.outputs.Outputs, from the [record] table


def read_sweep(path: str | Path) -> SweepSpec:
    """Read and validate a sweep file; errors name the file and the key."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such sweep file")
    if path.suffix.lower() not in (".toml", ".yaml", ".yml"):
        raise InputError(f"{path}: a sweep file must be .toml, .yaml or .yml")
    data = read_mapping(path)
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a table of keys {list(SWEEP_KEYS)}")
    unknown = [k for k in data if k not in SWEEP_KEYS]
    if unknown:
        raise InputError(f"{path}: unknown key(s) {unknown}; allowed: {list(SWEEP_KEYS)}")
    method = data.get("design", "lhs")
    if method not in METHODS:
        raise InputError(f"{path}, design={method!r}: unknown; allowed: {list(METHODS)}")
    samples = _whole(data.get("samples", 8), f"{path}, samples", 1)
    levels = _whole(data.get("levels", 4 if method == "morris" else 3), f"{path}, levels", 2)
    if method == "sobol" and samples & (samples - 1):
        raise InputError(f"{path}, samples={samples}: Sobol needs a power of 2 (e.g. 8, 16, 64)")
    factors = _factors(data, path, method)
    base = _base_scenario(data.get("scenario", "baseline"), path)
    fixed = data.get("params", {})
    if not isinstance(fixed, dict):
        raise InputError(f"{path}, params: expected a table of name = value")
    clash = sorted(set(fixed) & {f.name for f in factors if f.kind == "param"})
    if clash:
        raise InputError(f"{path}, params: {clash} are both fixed and varied; keep one")
    try:
        Params.build(**{**base.params, **fixed})
    except (ValueError, TypeError) as exc:
        raise InputError(f"{path}, params: {exc}") from exc
    outcomes = outcome_names(data.get("outcomes", list(DEFAULT_OUTCOMES)), path)
    run = {k: data[k] for k in ("replications", "months", "workers", "seed") if k in data}
    for k, v in run.items():
        _whole(v, f"{path}, {k}", 0 if k == "seed" else 1)
    if "base_params" in data:
        run["base_params"] = data["base_params"]
    name = data.get("name", path.stem)
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise InputError(
            f"{path}, name={name!r}: not allowed; it names the output folder, so use 1-64 "
            "letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    check_size(path, method, samples, levels, factors)
    outputs = _outputs(data.get("record"), path, outcomes)
    return SweepSpec(
        path, name, method, samples, levels, factors, base, fixed, outcomes, run, outputs
    )


def _outputs(table: Any, path: Path, outcomes: tuple[str, ...]):
    """The ``[record]`` table: ``columns``, ``breakdowns``, ``hook`` (all optional)."""
    if table is None:
        return None
    from experiments.run.outputs import Outputs

    allowed = ("columns", "breakdowns", "hook")
    if not isinstance(table, dict) or set(table) - set(allowed):
        raise InputError(f"{path}, record: expected a table with keys {list(allowed)}")
    columns = table.get("columns")
    if columns is not None:
        if isinstance(columns, str) or not isinstance(columns, list):
            raise InputError(f"{path}, record.columns={columns!r}: expected a list of names")
        columns = tuple(dict.fromkeys([*columns, *outcomes]))  # the sweep's outcomes stay
    try:
        return Outputs(columns, table.get("breakdowns", True), table.get("hook"))
    except InputError as exc:
        raise InputError(f"{path}, {exc}") from None


def _whole(value: Any, where: str, lo: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < lo:
        raise InputError(f"{where}={value!r}: expected a whole number >= {lo}")
    return value


def _base_scenario(ref: Any, path: Path) -> Scenario:
    if not isinstance(ref, str):
        raise InputError(f"{path}, scenario={ref!r}: expected a preset name or a file path")
    candidate = path.parent / ref
    try:
        return load_scenario(candidate if candidate.is_file() else ref)
    except InputError as exc:
        raise InputError(f"{path}, scenario: {exc}") from exc


def _factors(data: dict[str, Any], path: Path, method: str) -> tuple[Factor, ...]:
    factors = []
    params = data.get("parameters", {})
    levers = data.get("levers", {})
    for key, table in (("parameters", params), ("levers", levers)):
        if not isinstance(table, dict):
            raise InputError(f"{path}, {key}: expected a table of name = range")
    meta = {f.name: f for f in dataclasses.fields(Params)}
    for name, spec in params.items():
        where = f"{path}, parameters.{name}"
        if name not in meta or name == "seed":
            import difflib

            close = difflib.get_close_matches(name, sorted(meta), n=3)
            raise InputError(f"{where}: unknown parameter; did you mean {close}? (`uptake params`)")
        m = meta[name].metadata
        lo, hi, values = _range(spec, where, method, ("range", "values"))
        if (m["lo"] is not None and lo < m["lo"]) or (m["hi"] is not None and hi > m["hi"]):
            raise InputError(
                f"{where}: range [{lo}, {hi}] leaves the allowed [{m['lo']}, {m['hi']}] "
                f"({m['unit']})"
            )
        integer = str(meta[name].type).startswith("int")
        if integer and method == "factorial":
            check_whole_levels(name, lo, hi, values, data.get("levels", 3), where)
        factors.append(Factor("param", name, lo, hi, values, integer))
    for lever, spec in levers.items():
        where = f"{path}, levers.{lever}"
        if lever not in POLICIES:
            raise InputError(f"{where}: unknown lever; allowed: {sorted(POLICIES)}")
        lo, hi, values = _range(spec, where, method, LEVER_KEYS)
        fixed = {k: spec[k] for k in LEVER_KEYS[2:] if isinstance(spec, dict) and k in spec}
        fixed.setdefault("start", 13)
        for strength in (lo, hi):
            try:
                make_policy(lever, strength=strength, **fixed)
            except (ValueError, TypeError) as exc:
                raise InputError(f"{where}: {exc}") from exc
        factors.append(Factor("lever", lever, lo, hi, values, False, fixed))
    if not factors:
        raise InputError(f"{path}: no factors; add [parameters] or [levers] with ranges")
    return tuple(factors)


def _range(spec: Any, where: str, method: str, keys: tuple[str, ...]) -> tuple:
    """``(lo, hi, values)`` from ``[lo, hi]``, ``{range = [lo, hi]}`` or ``{values = [...]}``."""
    values = None
    if isinstance(spec, dict):
        unknown = [k for k in spec if k not in keys]
        if unknown:
            raise InputError(f"{where}: unknown key(s) {unknown}; allowed: {list(keys)}")
        if "values" in spec:
            values = spec["values"]
            if method != "factorial":
                raise InputError(f"{where}: 'values' is for factorial designs; give a range")
            if not isinstance(values, list) or not values or not all(_num(v) for v in values):
                raise InputError(f"{where}, values={values!r}: expected a list of numbers")
            return float(min(values)), float(max(values)), tuple(float(v) for v in values)
        spec = spec.get("range")
    if not (isinstance(spec, list) and len(spec) == 2 and all(_num(v) for v in spec)):
        raise InputError(f"{where}: expected a range [lo, hi] of two numbers; got {spec!r}")
    lo, hi = float(spec[0]), float(spec[1])
    if not lo < hi:
        raise InputError(f"{where}: range [{lo}, {hi}] needs lo < hi")
    return lo, hi, values


def _num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and np.isfinite(v)


def problem(spec: SweepSpec) -> dict[str, Any]:
    """The SALib problem: names and bounds of the factors."""
    return {
        "num_vars": len(spec.factors),
        "names": [f.label for f in spec.factors],
        "bounds": [[f.lo, f.hi] for f in spec.factors],
    }


def sample(spec: SweepSpec, seed: int) -> np.ndarray:
    """The design matrix, one row per point, one column per factor (unrounded)."""
    d = len(spec.factors)
    rng_seed = seed % (2**32)
    if spec.method == "factorial":
        axes = [
            f.values if f.values is not None else tuple(np.linspace(f.lo, f.hi, spec.levels))
            for f in spec.factors
        ]
        matrix = np.array(list(itertools.product(*axes)), dtype=float)
    elif spec.method == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=d, seed=np.random.default_rng(rng_seed)).random(spec.samples)
        matrix = qmc.scale(unit, [f.lo for f in spec.factors], [f.hi for f in spec.factors])
    elif spec.method == "morris":
        from SALib.sample import morris

        matrix = morris.sample(problem(spec), spec.samples, num_levels=spec.levels, seed=rng_seed)
    else:
        from SALib.sample import sobol

        matrix = sobol.sample(problem(spec), spec.samples, calc_second_order=False, seed=rng_seed)
    return np.asarray(matrix, dtype=float)


def sweep_experiment(spec: SweepSpec, **options: Any) -> Experiment:
    """The experiment of a sweep.

    ``options`` (replications, months, workers, seed, overrides, base_params)
    override the file's values when not None.
    """
    run = {**spec.run, **{k: v for k, v in options.items() if v is not None}}
    seed = run.get("seed", 1)
    overrides = dict(run.get("overrides") or {})
    varied = {f.name for f in spec.factors if f.kind == "param"}
    if varied & set(overrides):
        raise InputError(f"--param {sorted(varied & set(overrides))}: varied by the sweep")
    if "n_workers" in varied and run.get("workers") is not None:
        raise InputError(
            f"{spec.path}: n_workers is varied by the sweep; drop `workers` (or --workers)"
        )
    matrix = sample(spec, seed)
    scenarios, points = [], []
    for i, row in enumerate(matrix):
        params, policies, point = dict(spec.base.params), list(spec.base.policies), {}
        params.update(spec.fixed_params)
        for f, x in zip(spec.factors, row, strict=True):
            value = int(np.rint(x)) if f.integer else float(x)
            point[f.label] = value
            if f.kind == "param":
                params[f.name] = value
            else:
                policies.append(make_policy(f.name, strength=value, **f.fixed))
        scenarios.append(Scenario(f"p{i:05d}", "", tuple(policies), params, spec.base.base_params))
        points.append(point)
    design = {
        "file": str(spec.path),
        "name": spec.name,
        "method": spec.method,
        "samples": spec.samples,
        "levels": spec.levels,
        "outcomes": list(spec.outcomes),
        "factors": [dataclasses.asdict(f) for f in spec.factors],
        "problem": problem(spec),
        "matrix": matrix.tolist(),
        "points": points,
        "base_scenario": spec.base.to_dict(),
    }
    return Experiment(
        "sweep",
        tuple(scenarios),
        run.get("replications", 1),
        run.get("months", 60),
        seed,
        workers=run.get("workers"),
        overrides=overrides,
        base_params=run.get("base_params"),
        design=design,
        outputs=spec.outputs,
    )
