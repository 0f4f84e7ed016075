"""Named parameter presets: TOML files in ``model/data/presets/<name>.toml``.

A preset file holds parameter overrides as top-level ``key = value`` pairs (any
field of :class:`model.params.Params`) and, optionally, a ``[meta]`` table that
says where the values came from (for ``calibrated``: the command, seeds, date and
fit quality written by ``uptake calibrate``). ``[meta]`` never reaches the model.

Files are checked when read: an unknown key, a table other than ``[meta]`` or a
value that :class:`~model.params.Params` rejects raises ``ValueError`` naming the
file and the key, so a typo cannot silently fall back to a default.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import re
import tomllib
from pathlib import Path
from typing import Any

from model.params import Params

PRESET_DIR = Path(__file__).parent / "data" / "presets"
META = "meta"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def available_presets(directory: str | Path | None = None) -> list[str]:
    """Names of the presets on file, sorted."""
    folder = Path(directory) if directory is not None else PRESET_DIR
    return sorted(p.stem for p in folder.glob("*.toml"))


def preset_path(name: str, directory: str | Path | None = None) -> Path:
    """The file of preset ``name``; ``ValueError`` listing the presets if there is none."""
    folder = Path(directory) if directory is not None else PRESET_DIR
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(
            f"preset name {name!r} is not valid: use letters, digits, '_', '-' or '.', "
            f"e.g. one of {available_presets(folder)}"
        )
    path = folder / f"{name}.toml"
    if not path.is_file():
        raise ValueError(f"no preset {name!r} ({path}); presets: {available_presets(folder)}")
    return path


def read_preset_file(path: str | Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read and validate one preset file.

    Returns:
        ``(params, meta)``: the parameter overrides and the ``[meta]`` table (or ``{}``).

    Raises:
        ValueError: naming the file and the key for bad TOML, unknown keys, stray tables
            or values outside a parameter's range.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ValueError(f"{path}: no such preset file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML: {exc}") from None
    meta = data.pop(META, {})
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: '{META}' must be a table ([{META}]), got {meta!r}")
    names = [f.name for f in dataclasses.fields(Params)]
    for key, value in data.items():
        if key not in names:
            close = difflib.get_close_matches(key, names, n=3)
            hint = f"; did you mean {close}?" if close else ""
            raise ValueError(
                f"{path}: unknown key {key!r}{hint} Allowed: fields of model.params.Params "
                f"and a [{META}] table"
            )
        if isinstance(value, dict | list):
            raise ValueError(f"{path}: key {key!r} must be a number, got {value!r}")
    try:
        Params.build(**data)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    return data, meta


def load_preset(name: str, directory: str | Path | None = None) -> dict[str, Any]:
    """Parameter overrides of preset ``name`` (without ``[meta]``), validated."""
    params, _ = read_preset_file(preset_path(name, directory))
    return params


def load_preset_meta(name: str, directory: str | Path | None = None) -> dict[str, Any]:
    """The ``[meta]`` table of preset ``name`` (``{}`` if it has none)."""
    _, meta = read_preset_file(preset_path(name, directory))
    return meta


def write_preset(
    path: str | Path, params: dict[str, Any], meta: dict[str, Any], header: str = ""
) -> Path:
    """Write a preset file, then read it back to check it.

    Args:
        path: target ``.toml`` file (its folder is created).
        params: parameter overrides, checked by :class:`~model.params.Params` first.
        meta: nested table of provenance (strings, numbers, booleans, lists, tables).
        header: comment lines put at the top of the file.

    Returns:
        The path written.
    """
    path = Path(path)
    Params.build(**params)
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    if lines:
        lines.append("")
    lines += [f"{_key(k)} = {_value(v)}" for k, v in params.items()]
    lines += _table([META], meta)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    read_preset_file(path)
    return path


def _table(prefix: list[str], table: dict[str, Any]) -> list[str]:
    lines = ["", "[" + ".".join(_key(k) for k in prefix) + "]"]
    subtables = {}
    for key, value in table.items():
        if isinstance(value, dict):
            subtables[key] = value
        else:
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in subtables.items():
        lines += _table([*prefix, key], value)
    return lines


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write the non-finite number {value!r} to a preset")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if hasattr(value, "item"):  # numpy scalar
        return _value(value.item())
    raise ValueError(f"cannot write {value!r} ({type(value).__name__}) to a preset")
