"""Uptake: social-insurance coverage of China's migrant workers as a Mesa 3 model.

The public names below are resolved on first use (a module ``__getattr__``), so that
``import model`` and ``import model.params`` stay cheap: Mesa, pandas and SciPy are
loaded only when the model class or a simulation is first needed. ``from model import
UptakeModel`` works as usual.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and IDEs only; nothing is imported at run time
    from model.codes import INDUSTRIES, REGIONS, SCHEMES, Industry, Region, Scheme
    from model.model import SUBSTEPS, UptakeModel
    from model.params import Params
    from model.policies import POLICIES, Cost, Policy, make_policy
    from model.simulation import simulate

#: Public name -> the module that defines it.
_EXPORTS = {
    "INDUSTRIES": "model.codes",
    "REGIONS": "model.codes",
    "SCHEMES": "model.codes",
    "Industry": "model.codes",
    "Region": "model.codes",
    "Scheme": "model.codes",
    "SUBSTEPS": "model.model",
    "UptakeModel": "model.model",
    "Params": "model.params",
    "POLICIES": "model.policies",
    "Cost": "model.policies",
    "Policy": "model.policies",
    "make_policy": "model.policies",
    "simulate": "model.simulation",
}

__all__ = [
    "INDUSTRIES",
    "POLICIES",
    "REGIONS",
    "SCHEMES",
    "SUBSTEPS",
    "Cost",
    "Industry",
    "Params",
    "Policy",
    "Region",
    "Scheme",
    "UptakeModel",
    "make_policy",
    "simulate",
]


def __getattr__(name: str) -> Any:
    """Import an exported name on first use and cache it in the package namespace."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'model' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, for ``dir(model)`` and tab completion."""
    return sorted(set(globals()) | set(_EXPORTS))
