"""The output folder: one Parquet part per finished run, written atomically.

Layout of an output folder ``DIR`` (partition folders: :mod:`experiments.run.layout`)::

    DIR/manifest.json              versions, git commit, seeds, scenarios (the header)
    DIR/runs.jsonl                 the run table: each run's spec, then its outcomes
    DIR/runs/block=<b>/chunk=<k>/<run_id>.parquet         monthly outcomes of one run
    DIR/breakdowns/block=<b>/chunk=<k>/<run_id>.parquet   coverage by industry, region
    DIR/design.csv                 sweeps: one row per design point

Every file is written to a temporary name in the same folder and moved into place
with ``os.replace``, so a part is either complete or absent, even after Ctrl-C or a
killed process. A run counts as finished when its ``runs/`` part exists (the
breakdown part is written first), so the folder itself is the record of progress.

Files get the mode ``0666`` less the umask (``0644`` under the usual umask 022), as
files made with ``open`` do, so colleagues and other tools on a shared disk can read
them. Each outcome part's row count and SHA-256 checksum (:class:`PartInfo`) go into
the run table; :meth:`ResultStore.check_part` compares a part with them on resume, so
a truncated or damaged part is recomputed instead of counting as finished.

Only one process writes a folder at a time (:mod:`experiments.run.lock`); readers
need no lock, because every file is replaced atomically and the run table only grows.

Folders written before the partitioned layout (every run's spec in ``manifest.json``,
parts directly in ``runs/``) are still read by every reader here; adding runs to one
is refused (:meth:`ResultStore.check_writable`).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.errors import InputError
from experiments.run import layout
from experiments.run.reading import damaged
from experiments.run.single import RunResult

RUNS = "runs"
BREAKDOWNS = "breakdowns"
MANIFEST = "manifest.json"
_TMP_PREFIX = layout.TMP_PREFIX


_UMASK_LOCK = threading.Lock()


def file_mode() -> int:
    """The mode a new file gets from ``open``: ``0o666`` less the process umask."""
    try:  # Linux >= 4.7 shows the umask without changing it
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:  # elsewhere: set and restore (not thread-safe, hence the lock)
        umask = os.umask(0o022)
        os.umask(umask)
    return 0o666 & ~umask


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file next to ``path``, then move it into place.

    The file gets :func:`file_mode` (``mkstemp`` alone would leave it owner-only).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=_TMP_PREFIX + path.name + ".", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256(path: Path) -> str:
    """``"sha256:<hex>"`` of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


@dataclass(frozen=True)
class PartInfo:
    """What the manifest records of a written outcome part, to verify it later."""

    rows: int
    checksum: str


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
            raise InputError(f"output folder {self.root} exists and is not a folder")

    def create(self) -> None:
        """Make the folder (and its parents); an unusable path is an input error."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"output folder {self.root}: cannot create it ({exc})") from exc
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise InputError(f"output folder {self.root}: not writable by this user")

    @property
    def manifest_path(self) -> Path:
        """Where the manifest lives."""
        return self.root / MANIFEST

    def part(self, kind: str, run_id: str, where: str) -> Path:
        """Path of one run's part.

        ``kind`` is ``runs`` or ``breakdowns``; ``where`` the run's partition folder
        (:func:`experiments.run.layout.location`).
        """
        return self.root / kind / where / f"{run_id}.parquet"

    def parts(self, kind: str = RUNS) -> dict[str, Path]:
        """Every part of one kind on disk: run id -> path (flat or partitioned).

        Raises:
            InputError: a run has two parts (a folder mixed by hand).
        """
        try:
            return layout.scan(self.root / kind)
        except ValueError as exc:
            raise InputError(f"{self.root}: {exc}") from exc

    def finished_ids(self) -> set[str]:
        """Run ids whose outcome part exists (finished runs)."""
        return set(self.parts(RUNS))

    def breakdown_part(self, outcome_part: Path) -> Path:
        """The breakdown part beside an outcome part (same partition folder and name)."""
        return self.root / BREAKDOWNS / outcome_part.relative_to(self.root / RUNS)

    def check_writable(self, manifest: dict[str, Any] | None) -> None:
        """Refuse (InputError, naming the fix) to add runs to a folder of the older layout."""
        old = manifest is not None and manifest.get("schema", 1) < SCHEMA
        if old or layout.is_flat(self.root / RUNS) or layout.is_flat(self.root / BREAKDOWNS):
            raise InputError(
                f"{self.root} was written by an older uptake (flat runs/ folder, every run "
                "in manifest.json): `uptake report`/`export` still read it, but it cannot "
                "be resumed or extended; choose a new --out folder, or delete this one to "
                f"rerun it (rm -r {self.root})"
            )

    def remove_temporaries(self) -> int:
        """Delete temporary files left by an interrupted write; returns how many."""
        count = 0
        stale = [*layout.temporaries(self.root / RUNS), *layout.temporaries(self.root / BREAKDOWNS)]
        stale += [p for p in self.root.glob(_TMP_PREFIX + "*") if p.is_file()]
        for tmp in stale:
            tmp.unlink(missing_ok=True)
            count += 1
        return count

    def write(self, result: RunResult, where: str | None = None) -> PartInfo:
        """Write a finished run: breakdowns first, then the outcome part that marks it done.

        Args:
            result: a finished run with its frames.
            where: its partition folder (default: from the scenario, replication
                and point on its outcome rows).

        Returns:
            The outcome part's rows and checksum (computed on the temporary file, so
            they describe exactly the bytes moved into place).
        """
        if result.status != "done" or result.outcomes is None:
            raise ValueError(f"run {result.run_id!r} did not finish; nothing to write")
        if where is None:
            where = layout.location_of_frame(result.outcomes)
        breakdowns = result.breakdowns if result.breakdowns is not None else pd.DataFrame()
        atomic_write(
            self.part(BREAKDOWNS, result.run_id, where),
            lambda tmp: breakdowns.to_parquet(tmp, index=False),
        )
        checksum: list[str] = []

        def write_outcomes(tmp: Path) -> None:
            result.outcomes.to_parquet(tmp, index=False)
            checksum.append(sha256(tmp))

        atomic_write(self.part(RUNS, result.run_id, where), write_outcomes)
        return PartInfo(len(result.outcomes), checksum[0])

    @staticmethod
    def check_part(path: Path, rows: int, checksum: str | None) -> str:
        """Why the outcome part at ``path`` cannot be trusted ('' if it can).

        With a ``checksum`` (from the run table) the file's bytes must match it;
        without one (a part written just before a crash, not yet recorded) its
        Parquet footer must be readable and hold ``rows`` rows.
        """
        if checksum:
            try:
                actual = sha256(path)
            except OSError as exc:
                return f"cannot read it ({exc.strerror})"
            return "" if actual == checksum else "its checksum differs from the run table's"
        import pyarrow.parquet as pq

        try:
            found = pq.read_metadata(path).num_rows
        except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
            return f"not a readable Parquet file ({str(exc)[:80]})"
        return "" if found == rows else f"{found} rows, not {rows}"

    def discard(self, outcome_part: Path) -> None:
        """Delete a run's outcome part and its breakdown part (to be recomputed)."""
        self.breakdown_part(outcome_part).unlink(missing_ok=True)
        outcome_part.unlink(missing_ok=True)

    def columns(self, kind: str = RUNS) -> list[str]:
        """The column names of one kind's parts (read from one part's footer)."""
        paths = self.parts(kind)
        if not paths:
            return []
        import pyarrow.parquet as pq

        path = paths[min(paths)]
        try:
            return list(pq.read_schema(path).names)
        except (OSError, ValueError) as exc:
            raise damaged(path, exc) from exc

    def load(
        self,
        kind: str = RUNS,
        run_ids: set[str] | None = None,
        columns: list[str] | None = None,
        where: Any = None,
    ) -> pd.DataFrame:
        """Parts of one kind as one frame, runs in run-id order (``run_ids`` limits which).

        Only ``columns`` (default: all) are read from disk, and ``where`` (a
        ``pyarrow.dataset`` expression, e.g. ``ds.field("month") > 108``) filters rows
        while reading, a few parts at a time (:func:`experiments.run.reading.read_parts`).

        Raises:
            InputError: a part cannot be read (damaged) or lacks a column asked for;
                rerunning the experiment into this folder recomputes a damaged part.
        """
        found = self.parts(kind)
        ids = sorted(found if run_ids is None else run_ids & set(found))
        if not ids:
            return pd.DataFrame()
        from experiments.run.reading import read_parts

        return read_parts([found[i] for i in ids], columns, where)

    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest with its run table (``runs``), or None if the folder has none yet.

        The header comes from ``manifest.json``, each run's spec and latest status
        from ``runs.jsonl`` (:mod:`experiments.run.journal`); a folder written before
        the run table had it all in ``manifest.json`` and is read as before.

        Raises:
            InputError: the file is not an uptake manifest (not JSON, not an object
                with an ``experiment``); it is left untouched.
        """
        if not self.manifest_path.exists():
            return None
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(
                f"{self.manifest_path}: not valid JSON ({exc}); not an uptake manifest. "
                "Choose another --out folder or move the file away"
            ) from exc
        except OSError as exc:
            raise InputError(f"{self.manifest_path}: cannot read it ({exc})") from exc
        problem = manifest_problem(data)
        if problem:
            raise InputError(
                f"{self.manifest_path}: not an uptake manifest ({problem}); choose another "
                "--out folder or move the file away"
            )
        from experiments.run import journal

        if "runs" in data:  # the layout before the run table
            journal.replay(self.root, data)  # runs finished since its last full write
        else:
            data["runs"] = journal.load(self.root)
        return data

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write the manifest's header atomically (the run table is in ``runs.jsonl``).

        Raises:
            InputError: the disk is full or the folder not writable (the old manifest,
                if any, is unchanged).
        """
        header = {k: v for k, v in manifest.items() if k != "runs"}
        try:
            write_json(self.manifest_path, header)
        except OSError as exc:
            raise InputError(f"{self.manifest_path}: cannot write it ({exc})") from exc


#: Manifest schema: 1 had every run in manifest.json and flat part folders.
SCHEMA = 2


def manifest_problem(data: Any) -> str:
    """Why ``data`` is not a manifest's content ('' if it has the expected shape)."""
    if not isinstance(data, dict):
        return f"a JSON {type(data).__name__}, not an object"
    experiment = data.get("experiment")
    if not isinstance(experiment, dict):
        return f"'experiment' is {_short(experiment)}, not an object"
    if "runs" not in data and isinstance(data.get("schema"), int) and data["schema"] >= SCHEMA:
        return ""  # the run table is in runs.jsonl
    runs = data.get("runs")
    if not isinstance(runs, dict):
        return f"'runs' is {_short(runs)}, not a table of runs"
    for run_id, entry in runs.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("spec"), dict):
            return f"run {run_id!r} is {_short(entry)}, not a run entry"
        if entry.get("status") not in ("pending", "done", "failed"):
            return f"run {run_id!r} has status {_short(entry.get('status'))}"
    return ""


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
