"""The appending part of the manifest: one JSON line per finished or failed run.

``manifest.json`` holds the experiment and every run's spec; rewriting it whole as
runs finish costs its full size each time (94 MB and 11 s at 100,000 runs, see
``docs/scale.md``). While an experiment runs, each run's outcome (status, seconds,
error, rows and checksum of its part) is instead appended to ``runs.jsonl`` beside
it, a few hundred bytes per run; the manifest is rewritten only every
:data:`REWRITE_EVERY` seconds and at the end, after which the journal is emptied.
:meth:`experiments.run.storage.ResultStore.read_manifest` replays the journal, so
every reader sees the latest statuses, even after the writing process was killed.

A line cut short by a crash is ignored (its run's part is then checked on resume
like any other); lines for runs the manifest does not know are ignored too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: The journal file in an output folder.
JOURNAL = "runs.jsonl"
#: Least seconds between two full rewrites of the manifest while runs finish.
REWRITE_EVERY = 60.0
#: Manifest fields of a run that the journal carries.
FIELDS = ("status", "seconds", "error", "finished", "rows", "checksum")


def path(root: str | Path) -> Path:
    """The journal of the output folder ``root``."""
    return Path(root) / JOURNAL


def line(manifest: dict[str, Any], run_id: str) -> dict[str, Any]:
    """The journal line of one run, from its (just updated) manifest entry."""
    entry = manifest["runs"][run_id]
    return {"run_id": run_id, **{k: entry[k] for k in FIELDS if k in entry}}


def append(root: str | Path, lines: list[dict[str, Any]]) -> None:
    """Append lines and flush them to the operating system (one write per batch)."""
    if not lines:
        return
    text = "".join(json.dumps(x, allow_nan=False) + "\n" for x in lines)
    with path(root).open("a", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()


def replay(root: str | Path, manifest: dict[str, Any]) -> int:
    """Apply the journal's lines to ``manifest`` (later lines win); return how many."""
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
            for key in ("rows", "checksum"):
                entry.pop(key, None)
            entry.update({k: record[k] for k in FIELDS if k in record})
            applied += 1
    return applied


def clear(root: str | Path) -> None:
    """Empty the journal (after the manifest was written with every line in it)."""
    path(root).unlink(missing_ok=True)
