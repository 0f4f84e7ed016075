"""What a run records: a choice of outcome columns, breakdowns or not, a user hook.

By default a run records every outcome column each month (134 columns, about
85 KiB per 10,000-agent, 120-month run) and the yearly coverage breakdowns. A big
sweep often needs a few columns: :class:`Outputs` keeps only those (the ids,
``month`` and ``year`` always stay), can drop the breakdowns, and can add columns
computed by a user function each month::

    # my_outputs.py, importable on every worker
    def older_workers(model):
        age = model.workers.age[: model.workers.n]        # whatever the model exposes
        return {"share_over_40": float((age > 40).mean())}

    [record]                      # in a sweep file
    columns = ["frac_covered_pension"]
    breakdowns = false
    hook = "my_outputs:older_workers"

The hook is called with the model after each month's step and returns a mapping of
new column names to numbers; month 0 (the start) has no hook values (NaN).
"""

from __future__ import annotations

import functools
import importlib
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from experiments.errors import InputError
from experiments.run.layout import PARTITION_KEYS

#: Columns every outcome row keeps, whatever is chosen.
ALWAYS = ("scenario", "replication", "seed", "run_id", "point", "month", "year")


@functools.lru_cache(maxsize=32)
def load_hook(ref: str) -> Callable[[Any], Mapping[str, float]]:
    """The function named ``module:function`` (imported once per process).

    Raises:
        InputError: not ``module:function``, the module cannot be imported, or the
            name is not a callable in it.
    """
    module_name, sep, name = ref.partition(":")
    if not sep or not module_name or not name:
        raise InputError(f"hook {ref!r}: expected 'module:function', e.g. 'my_outputs:extra'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise InputError(f"hook {ref!r}: cannot import {module_name!r} ({exc})") from None
    function = getattr(module, name, None)
    if not callable(function):
        raise InputError(f"hook {ref!r}: {module_name} has no function {name!r}")
    return function


@dataclass(frozen=True)
class Outputs:
    """A run's choice of outputs.

    Attributes:
        columns: outcome columns kept (None: all); ids, month and year always stay.
        breakdowns: record the yearly coverage by industry and region.
        hook: ``module:function`` called after each month with the model; its
            mapping of names to numbers becomes extra columns.
    """

    columns: tuple[str, ...] | None = None
    breakdowns: bool = True
    hook: str | None = None

    def __post_init__(self) -> None:
        """Check the column names and import the hook now, before anything runs."""
        from model.outcomes import all_columns

        if self.columns is not None:
            if isinstance(self.columns, str) or not all(isinstance(c, str) for c in self.columns):
                raise InputError(f"record.columns={self.columns!r}: expected a list of names")
            known = set(all_columns())
            unknown = [c for c in self.columns if c not in known]
            if unknown:
                raise InputError(
                    f"record.columns: {unknown} are not outcome columns "
                    "(see `uptake params --outcomes`)"
                )
        if not isinstance(self.breakdowns, bool):
            raise InputError(f"record.breakdowns={self.breakdowns!r}: expected true or false")
        if self.hook is not None:
            load_hook(self.hook)

    def describe(self) -> dict[str, Any]:
        """JSON-friendly form for the manifest."""
        columns = list(self.columns) if self.columns is not None else None
        return {"columns": columns, "breakdowns": self.breakdowns, "hook": self.hook}

    def monthly(self, model) -> dict[str, float]:
        """The hook's values for this month (empty without a hook)."""
        if self.hook is None:
            return {}
        values = load_hook(self.hook)(model)
        if not isinstance(values, Mapping):
            raise TypeError(f"hook {self.hook!r} returned {type(values).__name__}, not a dict")
        out = {}
        for key, value in values.items():
            if not isinstance(key, str) or isinstance(value, bool):
                raise TypeError(f"hook {self.hook!r}: {key!r}: {value!r} is not name: number")
            number = float(value)
            if not math.isfinite(number):
                raise TypeError(f"hook {self.hook!r}: {key!r} = {value!r} is not finite")
            out[key] = number
        return out

    def apply(
        self, outcomes: pd.DataFrame, breakdowns: pd.DataFrame, extra: list[dict[str, float]]
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Add the hook's columns, keep the chosen ones, drop breakdowns if not wanted."""
        if extra:
            added = pd.DataFrame(extra)
            clash = sorted(set(added.columns) - {"month"} & set(outcomes.columns))
            if clash:
                raise TypeError(f"hook {self.hook!r}: {clash} already are outcome columns")
            reserved = sorted(set(added.columns) & set(PARTITION_KEYS))
            if reserved:
                raise TypeError(
                    f"hook {self.hook!r}: {reserved} name the results' partition folders; "
                    "rename them"
                )
            outcomes = outcomes.merge(added, on="month", how="left")
        if self.columns is not None:
            hooked = [c for c in (extra[0] if extra else {}) if c != "month"]
            keep = [c for c in outcomes.columns if c in ALWAYS or c in self.columns]
            outcomes = outcomes[keep + [c for c in hooked if c not in keep]]
        if not self.breakdowns:
            breakdowns = breakdowns.iloc[0:0]
        return outcomes, breakdowns
