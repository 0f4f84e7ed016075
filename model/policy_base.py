"""The policy base class and the description of a policy's public cost.

A policy changes the month's :class:`~model.levers.Levers` (the inputs to the
agents' decisions), never agents or outcomes. Its main field ``strength`` is in the
unit a policymaker sets (inspections per firm per year, a share of contributions, a
pass mark in months, ...); strength 0 switches a policy off whatever its other
fields, so a zero-strength reform reproduces the baseline exactly. Units, ranges, sources,
mechanisms and costs of every lever: ``docs/levers.md``.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass
from typing import ClassVar

from model.levers import Levers

#: How a cost is counted: from a measured outcome, from the policy's own plan (contacts
#: x a cost per contact), zero by construction (capacity reallocated), or not counted.
COST_KINDS = ("measured", "planned", "zero", "not costed")


@dataclass(frozen=True)
class Cost:
    """Who pays for a policy and how the model counts it.

    Attributes:
        payer: who pays: government, firms or workers, and which budget.
        basis: how the figure is computed (or, if not costed, what is missing and why).
        kind: one of :data:`COST_KINDS`.
        column: for ``measured``: the cumulative outcome whose reform-minus-baseline
            change at the end of the run is the cost, times ``sign``.
        sign: +1 when a rise in ``column`` is a cost, -1 when a fall is (revenue forgone).
        source: where the unit cost comes from, or ``"assumption"``.
    """

    payer: str
    basis: str
    kind: str = "measured"
    column: str = ""
    sign: float = 1.0
    source: str = ""

    def __post_init__(self) -> None:
        """Check the kind and that a measured cost names its column."""
        if self.kind not in COST_KINDS:
            raise ValueError(f"Cost.kind={self.kind!r}; allowed: {COST_KINDS}")
        if self.kind == "measured" and not self.column:
            raise ValueError("a measured Cost must name its outcome column")

    @property
    def costed(self) -> bool:
        """Whether the model counts this cost (zero by construction counts)."""
        return self.kind != "not costed"


def check_number(owner: str, name: str, value: object, lo: float, hi: float, unit: str) -> None:
    """Raise ``ValueError`` naming the field unless ``value`` is a finite number in [lo, hi]."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{owner}.{name}={value!r} is not a finite number ({unit})")
    if not lo <= value <= hi:
        raise ValueError(
            f"{owner}.{name}={value!r} is out of range; allowed [{lo:g}, {hi}] ({unit})"
        )


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
        strength: the policy's main field, in the class's ``unit``; 0 = no change.
        start: first month in force (1 = the first simulated month).
        end: last month in force (inclusive), or None for no end.
    """

    strength: float = 1.0
    start: int = 1
    end: int | None = None

    lever: ClassVar[str] = ""
    label: ClassVar[str] = ""
    unit: ClassVar[str] = ""
    min_strength: ClassVar[float] = 0.0
    max_strength: ClassVar[float] = 1.0
    paper: ClassVar[str] = ""
    source: ClassVar[str] = ""  # where the unit's range comes from (facts.md section)
    moves: ClassVar[tuple[str, ...]] = ()
    cost: ClassVar[Cost | None] = None
    #: Extra fields beyond strength, start and end: (name, unit, default, lo, hi).
    extras: ClassVar[tuple[tuple[str, str, float, float, float], ...]] = ()

    def __post_init__(self) -> None:
        """Validate strength, extra fields and dates, naming the field and the range."""
        name = type(self).__name__
        check_number(
            name, "strength", self.strength, self.min_strength, self.max_strength, self.unit
        )
        for field, unit, _, lo, hi in self.extras:
            value = getattr(self, field)
            if not (isinstance(value, float) and math.isinf(value) and hi == math.inf):
                check_number(name, field, value, lo, hi, unit)
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
        """Fields beyond strength, start and end, as (name, unit, default)."""
        return tuple((name, unit, default) for name, unit, default, _, _ in cls.extras)

    def active(self, month: int) -> bool:
        """Whether the policy is in force in ``month`` (1-based)."""
        return self.start <= month and (self.end is None or month <= self.end)

    def months_active(self, first: int, last: int) -> int:
        """Months in force between ``first`` and ``last`` (inclusive)."""
        lo, hi = max(first, self.start), min(last, self.end if self.end is not None else last)
        return max(hi - lo + 1, 0)

    def apply(self, levers: Levers) -> Levers:
        """Return the levers with this policy in force; strength 0 switches it off."""
        if self.strength == 0:
            return levers
        return self.change(levers)

    def change(self, levers: Levers) -> Levers:
        """The change this policy makes at a non-zero strength (one per class)."""
        raise NotImplementedError

    def planned_cost_yuan(self, worker_months_real: float) -> float:
        """Public cost of a ``planned`` policy, yuan; 0 for other kinds.

        Args:
            worker_months_real: migrant worker-months (real units) employed while the
                policy is in force.
        """
        return 0.0

    def to_dict(self) -> dict:
        """Plain description: lever name, strength, dates and any extra fields."""
        out = {"lever": self.lever}
        out.update(dataclasses.asdict(self))
        return out
