"""One way to run the model: build it, step it month by month, watch each month.

Every caller that runs the model (the CLI's runs and sweeps, the replication of
published figures, the calibration objective, the dashboard) goes through
:func:`simulate`, so they all build and step the model the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from model.model import UptakeModel
from model.policies import Policy
from model.threads import one_thread

#: Called after every simulated month with the model; return False to stop early.
OnMonth = Callable[[UptakeModel], bool | None]


def simulate(
    policies: Iterable[Policy] | Policy = (),
    months: int = 120,
    on_month: OnMonth | None = None,
    **params: Any,
) -> UptakeModel:
    """Build a model and run it for ``months`` months.

    Args:
        policies: policy objects in force (see :mod:`model.policies`), applied in order.
        months: months to simulate after the start (month 0); a whole number >= 0.
        on_month: called as ``on_month(model)`` after each month; if it returns
            ``False`` (not merely a falsy ``None``) the run stops after that month.
        **params: any field of :class:`model.params.Params` (flat keywords).

    Returns:
        The model after the last simulated month (``model.month`` months run).

    Raises:
        ValueError: ``months`` is not a whole number >= 0, or a parameter or policy
            is invalid (the message names the field, the bad value and the range).
    """
    if isinstance(months, bool) or not isinstance(months, int) or months < 0:
        raise ValueError(f"months={months!r} must be a whole number >= 0")
    with one_thread():  # the model pins itself too; this also covers ``on_month``
        model = UptakeModel(policies=policies, **params)
        for _ in range(months):
            model.step()
            if on_month is not None and on_month(model) is False:
                break
    return model
