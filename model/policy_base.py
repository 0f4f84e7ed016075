"""The base of every policy: a dated lever with a strength, and how it describes itself.

A policy changes the month's :class:`~model.levers.Levers` (the inputs to the
agents' decisions), never agents or outcomes. Every policy is the identity at
strength 0, so a zero-strength reform reproduces the baseline exactly. Policies
are applied in the order given; several may be stacked.

Each class is the one place that describes its lever, as class variables read by
the CLI, the experiment designs, the cost analysis and the dashboard:

- ``lever``: the name used in scenario files and the CLI;
- ``label``: a short human label for charts and controls;
- ``unit``, ``max_strength`` (``min_strength`` is 0 for every policy): the strength;
- ``paper``: the paper recommendation it implements;
- ``moves``: the :class:`~model.levers.Levers` fields it may change (the first is the
  main one: strength raises it, except ``rate_cut``, which lowers it);
- ``cost``: ``None`` when the model does not count the policy's public cost, else a
  :class:`Cost` naming who pays and the outcome that measures it;
- :meth:`Policy.extra_fields`: fields beyond strength, start and end (a subsidy's cap
  and budget), as (name, unit, default).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass
from typing import ClassVar

from model.levers import Levers


@dataclass(frozen=True)
class Cost:
    """How the model counts a policy's public cost.

    Attributes:
        payer: who pays (e.g. ``"government"``).
        basis: the outcome column(s) the cost is computed from, and how.
    """

    payer: str
    basis: str


#: Inspections cost ``cum_n_inspections_real`` x a cost per inspection (experiments).
INSPECTION_COST = Cost(
    payer="government (labour inspection)",
    basis="cum_n_inspections_real x cost per inspection (yuan)",
)
#: Subsidies cost what they pay out.
SUBSIDY_COST = Cost(payer="government (special funds)", basis="cum_subsidy_spending_yuan")


def toward(value: float, target: float, strength: float) -> float:
    """Move ``value`` a share ``strength`` of the way to ``target``."""
    return value + strength * (target - value)


#: Latest month a policy may start: 100 years after January 2011.
MAX_MONTH = 1200


def _month(value: object) -> int | None:
    """``value`` as a plain int if it is a whole-number integer type (not bool), else None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        return None
    return int(value)


@dataclass(frozen=True)
class Policy:
    """A dated policy.

    Attributes:
        strength: how strongly the lever is moved; unit and range per class.
        start: first month in force (1 = the first simulated month).
        end: last month in force (inclusive), or None for no end.
    """

    strength: float = 1.0
    start: int = 1
    end: int | None = None

    lever: ClassVar[str] = ""
    label: ClassVar[str] = ""
    unit: ClassVar[str] = "share of the gap to the maximum, 0-1"
    min_strength: ClassVar[float] = 0.0
    max_strength: ClassVar[float] = 1.0
    paper: ClassVar[str] = ""
    moves: ClassVar[tuple[str, ...]] = ()
    cost: ClassVar[Cost | None] = None

    def __post_init__(self) -> None:
        """Validate strength and dates, naming the field and the allowed range."""
        name = type(self).__name__
        s = self.strength
        if isinstance(s, bool) or not isinstance(s, int | float) or not math.isfinite(s):
            raise ValueError(f"{name}.strength={s!r} is not a finite number")
        if not self.min_strength <= s <= self.max_strength:
            raise ValueError(
                f"{name}.strength={s!r} is out of range; allowed "
                f"[{self.min_strength:g}, {self.max_strength}] "
                f"({self.unit})"
            )
        start = _month(self.start)
        if start is None or not 1 <= start <= MAX_MONTH:
            raise ValueError(
                f"{name}.start={self.start!r} must be a whole month >= 1 and <= {MAX_MONTH} "
                "(1 = the first simulated month)"
            )
        object.__setattr__(self, "start", start)  # numpy integers become plain ints
        if self.end is not None:
            end = _month(self.end)
            if end is None or end < start:
                raise ValueError(
                    f"{name}.end={self.end!r} must be a whole month >= start ({start}) or None"
                )
            object.__setattr__(self, "end", end)

    @classmethod
    def extra_fields(cls) -> tuple[tuple[str, str, float], ...]:
        """Fields beyond strength, start and end, as (name, unit, default); none here."""
        return ()

    def active(self, month: int) -> bool:
        """Whether the policy is in force in ``month`` (1-based)."""
        return self.start <= month and (self.end is None or month <= self.end)

    def apply(self, levers: Levers) -> Levers:
        """Return the levers with this policy in force."""
        raise NotImplementedError

    def to_dict(self) -> dict:
        """Plain description: lever name, strength, dates and any extra fields."""
        out = {"lever": self.lever}
        out.update(dataclasses.asdict(self))
        return out
