"""Resumable state, time budget and progress lines for ``uptake calibrate``.

Every evaluation of the objective is appended to a JSON-lines file as soon as it is
done: the stage, the point (free parameters scaled to [0, 1]), the residuals and
the model values. The objective is deterministic (fixed seeds, common random
numbers) and so is the optimiser, so a rerun of the same command replays the
cached evaluations instantly and continues where the interrupted run stopped.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import numpy as np


class BudgetExhaustedError(Exception):
    """Raised inside the objective when the time budget is spent."""


class Budget:
    """Wall-clock budget for new (not cached) evaluations, in seconds."""

    def __init__(self, seconds: float) -> None:
        """Start the clock with ``seconds`` available (``inf`` for no limit)."""
        if not seconds > 0:
            raise ValueError(f"time budget {seconds!r} s must be positive")
        self.seconds = float(seconds)
        self.start = time.monotonic()

    def elapsed(self) -> float:
        """Seconds since the start."""
        return time.monotonic() - self.start

    def left(self, deadline_share: float = 1.0) -> float:
        """Seconds left until ``deadline_share`` of the budget is used."""
        return self.seconds * deadline_share - self.elapsed()


def point_key(stage: str, x: np.ndarray) -> str:
    """Cache key of a point: the stage label and the coordinates to 12 decimals."""
    return stage + ":" + ",".join(f"{v:.12f}" for v in np.asarray(x, dtype=float))


class StateFile:
    """Append-only JSON-lines cache of evaluations, keyed by :func:`point_key`."""

    def __init__(self, path: str | Path, fresh: bool = False) -> None:
        """Open (and, unless ``fresh``, load) the state file at ``path``."""
        self.path = Path(path)
        self.records: dict[str, dict[str, Any]] = {}
        if fresh and self.path.exists():
            self.path.unlink()
        if self.path.exists():
            for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    self.records[point_key(record["stage"], record["x"])] = record
                except (json.JSONDecodeError, KeyError) as exc:
                    raise ValueError(
                        f"{self.path}, line {number}: not a calibration record ({exc}); "
                        "delete the file or run with --fresh"
                    ) from None
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def get(self, stage: str, x: np.ndarray) -> dict[str, Any] | None:
        """The cached record of a point, or ``None``."""
        return self.records.get(point_key(stage, x))

    def add(self, record: dict[str, Any]) -> None:
        """Store a record (needs ``stage`` and ``x``) and append it to the file."""
        self.records[point_key(record["stage"], record["x"])] = record
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")

    def best(self, stage: str | None = None) -> dict[str, Any] | None:
        """The record with the lowest objective (in one stage, or overall)."""
        rows = [r for r in self.records.values() if stage is None or r["stage"] == stage]
        return min(rows, key=lambda r: r["objective"]) if rows else None


class Progress:
    """One line per new evaluation: stage, count, objective, best so far, time used."""

    def __init__(self, budget: Budget, stream: TextIO | None = None) -> None:
        """Write to ``stream`` (standard error by default)."""
        self.budget = budget
        self.stream = stream if stream is not None else sys.stderr
        self.new = 0
        self.cached = 0

    def line(self, stage: str, objective: float, best: float, seconds: float) -> None:
        """Report one new evaluation."""
        self.new += 1
        used, total = self.budget.elapsed(), self.budget.seconds
        self.stream.write(
            f"[calibrate {stage}] eval {self.new:4d} ({self.cached} cached)  "
            f"objective {objective:10.4f}  best {best:10.4f}  "
            f"{seconds:5.1f} s/eval  {used / 60:5.1f} of {total / 60:.1f} min\n"
        )
        self.stream.flush()
