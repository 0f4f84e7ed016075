"""The output folder: one Parquet part per finished run, written atomically.

Layout of an output folder ``DIR``::

    DIR/manifest.json              versions, git commit, seeds, scenarios, per-run status
    DIR/runs/<run_id>.parquet      monthly outcomes of one finished run
    DIR/breakdowns/<run_id>.parquet  coverage by industry and region, yearly
    DIR/design.csv                 sweeps: one row per design point

Every file is written to a temporary name in the same folder and moved into place
with ``os.replace``, so a part is either complete or absent, even after Ctrl-C or a
killed process. A run counts as finished when its ``runs/`` part exists (the
breakdown part is written first), so the folder itself is the record of progress.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.run.single import RunResult

RUNS = "runs"
BREAKDOWNS = "breakdowns"
MANIFEST = "manifest.json"
_TMP_PREFIX = ".tmp-"


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file next to ``path``, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX + path.name + ".", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write text atomically (UTF-8)."""
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _json_safe(value: Any) -> Any:
    """Replace non-finite floats by strings so that the manifest is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def write_json(path: Path, data: Any) -> None:
    """Write strict JSON atomically (``inf`` becomes ``"inf"``)."""
    atomic_write_text(path, json.dumps(_json_safe(data), indent=1, allow_nan=False) + "\n")


def json_normal(data: Any) -> Any:
    """``data`` as it reads back from the manifest (for comparing specs)."""
    return json.loads(json.dumps(_json_safe(data), allow_nan=False))


class ResultStore:
    """Reads and writes the result parts of one output folder."""

    def __init__(self, root: str | Path) -> None:
        """Use (and create on first write) the folder ``root``."""
        self.root = Path(root)
        if self.root.exists() and not self.root.is_dir():
            from experiments.errors import InputError

            raise InputError(f"output folder {self.root} exists and is not a folder")

    @property
    def manifest_path(self) -> Path:
        """Where the manifest lives."""
        return self.root / MANIFEST

    def part(self, kind: str, run_id: str) -> Path:
        """Path of one run's part (``kind`` is ``runs`` or ``breakdowns``)."""
        return self.root / kind / f"{run_id}.parquet"

    def finished_ids(self) -> set[str]:
        """Run ids whose outcome part exists (finished runs)."""
        folder = self.root / RUNS
        if not folder.is_dir():
            return set()
        return {p.stem for p in folder.glob("*.parquet") if not p.name.startswith(_TMP_PREFIX)}

    def remove_temporaries(self) -> int:
        """Delete temporary files left by an interrupted write; returns how many."""
        count = 0
        for kind in (RUNS, BREAKDOWNS, "."):
            folder = self.root / kind
            if folder.is_dir():
                for tmp in folder.glob(_TMP_PREFIX + "*"):
                    tmp.unlink(missing_ok=True)
                    count += 1
        return count

    def write(self, result: RunResult) -> None:
        """Write a finished run: breakdowns first, then the outcome part that marks it done."""
        if result.status != "done" or result.outcomes is None:
            raise ValueError(f"run {result.run_id!r} did not finish; nothing to write")
        breakdowns = result.breakdowns if result.breakdowns is not None else pd.DataFrame()
        atomic_write(
            self.part(BREAKDOWNS, result.run_id),
            lambda tmp: breakdowns.to_parquet(tmp, index=False),
        )
        atomic_write(
            self.part(RUNS, result.run_id),
            lambda tmp: result.outcomes.to_parquet(tmp, index=False),
        )

    def load(self, kind: str = RUNS, run_ids: set[str] | None = None) -> pd.DataFrame:
        """All parts of one kind as one frame (``run_ids`` limits which)."""
        ids = sorted(self.finished_ids() if run_ids is None else run_ids & self.finished_ids())
        paths = [self.part(kind, i) for i in ids if self.part(kind, i).exists()]
        if not paths:
            return pd.DataFrame()
        return pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)

    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, or None if the folder has none yet."""
        if not self.manifest_path.exists():
            return None
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            from experiments.errors import InputError

            raise InputError(f"{self.manifest_path}: not valid JSON ({exc})") from exc

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write the manifest atomically."""
        write_json(self.manifest_path, manifest)
