"""What the experiments know about policy levers, read from the policy classes.

Each class in :data:`model.policies.POLICIES` describes its own lever (``label``,
``unit``, ``min_strength``/``max_strength``, ``paper``, ``moves``, ``cost`` and
``extra_fields()``). Scenario files, the scenario writer, sweep designs, the cost
analysis and the ``uptake scenarios`` listing read those descriptions here, so a new
policy class needs no change in ``experiments/``.
"""

from __future__ import annotations

from typing import Any

from model.policies import POLICIES

#: Fields every reform has, in the column order of reform sheets.
BASE_FIELDS = ("lever", "start", "end", "strength")


def extra_fields(lever: str) -> dict[str, tuple[str, float]]:
    """The lever's fields beyond strength, start and end: name -> (unit, default)."""
    return {name: (unit, default) for name, unit, default in POLICIES[lever].extra_fields()}


def all_extra_fields() -> tuple[str, ...]:
    """Every lever's extra field names, each once, in the order the policies list them."""
    names: dict[str, None] = {}
    for lever in POLICIES:
        names.update(dict.fromkeys(extra_fields(lever)))
    return tuple(names)


def levers_taking(field: str) -> list[str]:
    """The levers that have the extra ``field`` (e.g. ``cap``), in registry order."""
    return [lever for lever in POLICIES if field in extra_fields(lever)]


def is_default(lever: str, field: str, value: Any) -> bool:
    """Whether ``value`` is the lever's default for an extra ``field`` (or blank)."""
    spec = extra_fields(lever).get(field)
    return value is None or (spec is not None and value == spec[1])


def costed_levers() -> frozenset[str]:
    """Levers whose public cost the model counts (their class has a ``cost``)."""
    return frozenset(lever for lever, cls in POLICIES.items() if cls.cost is not None)


def lever_rows() -> list[dict[str, Any]]:
    """One row per lever for listings: name, label, unit, strength range, extras, source."""
    rows = []
    for lever, cls in POLICIES.items():
        extras = extra_fields(lever)
        rows.append(
            {
                "lever": lever,
                "label": cls.label,
                "policy": cls.__name__,
                "unit": cls.unit,
                "strength": f"{cls.min_strength:g}-{cls.max_strength:g}",
                "extra_fields": ", ".join(f"{name} ({unit})" for name, (unit, _) in extras.items()),
                "paper": cls.paper,
            }
        )
    return rows
