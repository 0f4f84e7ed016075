"""Parameter presets that scenarios build on (``Scenario.base_params``).

``None`` means the project default: the ``calibrated`` preset once
``model/data/presets/calibrated.toml`` exists (written by ``uptake calibrate``), and
the model defaults until then; which one was used is returned as text and recorded
in every manifest. A preset named explicitly must exist: asking for a missing one is
an error, never a silent fallback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import model
from experiments.errors import InputError

DEFAULT_PRESET = "calibrated"
MODEL_DEFAULTS = "defaults"
#: Keys an experiment sets itself, never taken from a preset.
_EXPERIMENT_KEYS = ("seed",)


def default_preset_path() -> Path:
    """Where the calibrated preset is expected."""
    return Path(model.__file__).parent / "data" / "presets" / f"{DEFAULT_PRESET}.toml"


def resolve(name: str | None) -> tuple[dict[str, Any], str]:
    """The parameter values of a preset and a description of where they came from.

    Args:
        name: ``None`` (project default), ``"defaults"`` (model defaults) or a preset name.

    Returns:
        ``(values, source)``: parameter overrides (without ``seed``) and a text such as
        ``"preset 'calibrated'"`` or ``"model defaults (no calibrated preset: ...)"``.
    """
    if name == MODEL_DEFAULTS:
        return {}, "model defaults"
    if name is None:
        path = default_preset_path()
        if not path.exists():
            return {}, f"model defaults (no calibrated preset at {path})"
        name = DEFAULT_PRESET
    if not isinstance(name, str) or not name:
        raise InputError(f"base_params={name!r} must be a preset name or 'defaults'")
    try:
        from model.presets import load_preset
    except ImportError as exc:
        raise InputError(
            f"base_params={name!r}: parameter presets are not available ({exc}); "
            f"allowed: '{MODEL_DEFAULTS}' or leave it out"
        ) from exc
    try:
        values = dict(load_preset(name))
    except (ValueError, KeyError, FileNotFoundError, OSError) as exc:
        raise InputError(f"base_params={name!r}: {exc}") from exc
    for key in _EXPERIMENT_KEYS:
        values.pop(key, None)
    return values, f"preset {name!r}" + _meta_text(name)


def _meta_text(name: str) -> str:
    """Where a preset came from (its ``[meta]`` command and date), for the manifest."""
    try:
        from model.presets import load_preset_meta

        meta = load_preset_meta(name)
    except (ImportError, ValueError, OSError):
        return ""
    parts = [str(meta[k]) for k in ("command", "date") if meta.get(k)]
    return f" ({'; '.join(parts)})" if parts else ""
