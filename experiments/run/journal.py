"""The run table of an output folder: ``runs.jsonl``, one JSON line per event, appended.

``manifest.json`` holds only the experiment-level header; every run's spec and
outcome are lines of ``runs.jsonl`` beside it, so nothing grows by rewriting:

* a **plan line** ``{"run_id", "spec"}`` when a run is first planned into the folder
  (planning 100,000 runs appends about 90 MB once, instead of rewriting a 94 MB
  manifest whenever statuses change);
* an **outcome line** ``{"run_id", "status", "seconds", "error", "finished", "rows",
  "checksum"}`` when a run finishes or fails, and when a resume finds its part
  missing, damaged or present without a line.

:func:`load` replays the file into ``{run_id: {"spec": ..., "status": ...}}``: a run
is pending until an outcome line says otherwise, later lines win. A line cut short
by a crash is ignored (its run is then pending, or checked on disk like any other);
:func:`seal` ends such a line before the next writer appends, so it cannot swallow
the next line. Outcome lines of runs without a plan line are ignored.

Folders written before the run table kept every run in ``manifest.json`` and only
the outcomes here, emptied at each full rewrite; :func:`replay` applies those.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

#: The run table file in an output folder.
JOURNAL = "runs.jsonl"
#: Fields of a run that outcome lines carry.
FIELDS = ("status", "seconds", "error", "finished", "rows", "checksum")


def path(root: str | Path) -> Path:
    """The run table of the output folder ``root``."""
    return Path(root) / JOURNAL


def pending() -> dict[str, Any]:
    """The status fields of a run that has not run yet."""
    return {"status": "pending", "seconds": None, "error": "", "finished": None}


def line(manifest: dict[str, Any], run_id: str) -> dict[str, Any]:
    """The outcome line of one run, from its (just updated) entry."""
    entry = manifest["runs"][run_id]
    return {"run_id": run_id, **{k: entry[k] for k in FIELDS if k in entry}}


def plan_text(runs: dict[str, Any], run_ids: list[str]) -> str:
    """The plan lines of ``run_ids`` (their specs), as one string to append.

    The replications of a scenario share their parameter and policy objects
    (:func:`experiments.run.manifest.build`), so each shared value is encoded once
    (about 4 times faster for 100,000 replications); the text is what ``json.dumps``
    writes for ``{"run_id": ..., "spec": ...}``.
    """
    encode = json.JSONEncoder(allow_nan=False).encode
    shared: dict[int, str] = {}

    def value(v: Any) -> str:
        if not isinstance(v, dict | list):
            return encode(v)
        text = shared.get(id(v))
        if text is None:
            text = shared[id(v)] = encode(v)
        return text

    lines = []
    for run_id in run_ids:
        spec = runs[run_id]["spec"]
        body = ", ".join(encode(k) + ": " + value(v) for k, v in spec.items())
        lines.append('{"run_id": ' + encode(run_id) + ', "spec": {' + body + "}}\n")
    return "".join(lines)


def append(root: str | Path, lines: list[dict[str, Any]]) -> None:
    """Append outcome lines and flush them to the operating system (one write)."""
    if lines:
        append_text(root, "".join(json.dumps(x, allow_nan=False) + "\n" for x in lines))


def append_text(root: str | Path, text: str) -> None:
    """Append ready-made lines (each ending in a newline) and flush them."""
    if not text:
        return
    with path(root).open("a", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()


def seal(root: str | Path) -> bool:
    """End a line cut short by a killed writer, so the next append starts a new line.

    Returns:
        Whether a newline had to be added.
    """
    journal = path(root)
    try:
        with journal.open("rb+") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() == 0:
                return False
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) == b"\n":
                return False
            handle.write(b"\n")
            return True
    except FileNotFoundError:
        return False


def load(root: str | Path) -> dict[str, Any]:
    """The run table: ``{run_id: {"spec": ..., status fields}}`` in planning order."""
    runs: dict[str, Any] = {}
    journal = path(root)
    if not journal.is_file():
        return runs
    loads = json.JSONDecoder().decode
    with journal.open(encoding="utf-8", errors="replace") as handle:
        for text in handle:
            try:
                record = loads(text)
                run_id = record["run_id"]
                if "spec" in record:
                    if not isinstance(record["spec"], dict):
                        continue
                    entry = runs.get(run_id)
                    if entry is None:
                        runs[run_id] = {"spec": record["spec"], **pending()}
                    else:
                        entry["spec"] = record["spec"]
                    continue
                entry = runs[run_id]
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a crash, or a run never planned here
            _apply(entry, record)
    return runs


def _apply(entry: dict[str, Any], record: dict[str, Any]) -> None:
    if record.get("status") not in ("pending", "done", "failed"):
        return
    for key in ("rows", "checksum"):
        entry.pop(key, None)
    entry.update({k: record[k] for k in FIELDS if k in record})


def replay(root: str | Path, manifest: dict[str, Any]) -> int:
    """Apply outcome lines to a manifest that holds its runs itself (the older layout).

    Returns:
        How many lines applied (later lines win).
    """
    journal = path(root)
    if not journal.is_file():
        return 0
    runs = manifest.get("runs", {})
    applied = 0
    with journal.open(encoding="utf-8", errors="replace") as handle:
        for text in handle:
            try:
                record = json.loads(text)
                entry = runs[record["run_id"]]
            except (ValueError, KeyError, TypeError):
                continue  # a line cut short by a crash, or a run not in this manifest
            _apply(entry, record)
            applied += 1
    return applied
