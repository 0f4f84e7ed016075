"""Golden check for refactors: a digest of everything a refactor must not change.

Writes one JSON file of SHA-256 digests and the calibration objective's value:

- every scenario preset x 2 seeds on the calibrated parameters, and the baseline and
  the paper package on the model defaults: the monthly outcomes, the workers table and
  the firms table at the end of the run;
- a ``uptake compare`` folder: every Parquet row it wrote (read as one table, sorted,
  so the digest does not depend on the folder's layout or file names);
- the calibration objective J at the default point (2 seeds, small population).

Run it before a refactor and after, then compare::

    python tools/golden.py /tmp/before.json
    python tools/golden.py /tmp/after.json
    python tools/golden.py --diff /tmp/before.json /tmp/after.json

``--diff`` exits 1 and lists the entries that differ (a negative control: perturb one
parameter with ``--perturb`` and the diff must fail).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

N_WORKERS = 3_000
MONTHS = 36
SEEDS = (11, 12)


def digest(frame: pd.DataFrame) -> str:
    """SHA-256 of a frame's column names, dtypes and values (row order kept)."""
    h = hashlib.sha256()
    h.update(repr(list(frame.columns)).encode())
    for col in frame.columns:
        values = frame[col]
        h.update(str(values.dtype).encode())
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(str)
        h.update(pd.util.hash_pandas_object(values, index=False).to_numpy().tobytes())
    return h.hexdigest()


def _scenarios():
    try:
        from experiments.scenarios.library import PRESETS
    except ImportError:  # pragma: no cover - the flat layout before the refactor
        from experiments.scenarios import PRESETS
    return PRESETS


def model_digests(perturb: dict) -> dict[str, str]:
    """Digests of every preset x seed on calibrated parameters, plus two on defaults."""
    from model import UptakeModel
    from model.presets import load_preset

    out = {}
    calibrated = load_preset("calibrated")
    for name, scenario in sorted(_scenarios().items()):
        for base_name, base in (("calibrated", calibrated), ("defaults", {})):
            if base_name == "defaults" and name not in ("baseline", "paper-package"):
                continue
            for seed in SEEDS:
                params = {**base, **scenario.params, **perturb}
                params.update(n_workers=N_WORKERS, seed=seed)
                model = UptakeModel(policies=scenario.policies, **params)
                for _ in range(MONTHS):
                    model.step()
                key = f"{name}/{base_name}/{seed}"
                out[f"{key}/outcomes"] = digest(model.results_frame())
                out[f"{key}/workers"] = digest(model.workers_frame())
                out[f"{key}/firms"] = digest(model.firms_frame())
    return out


def compare_digest(perturb: dict) -> str:
    """Digest of every row a small ``uptake compare`` writes."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable, "-m", "experiments.cli", "compare", "baseline", "paper-package",
            "enforcement", "-r", "2", "-m", "24", "-w", "2000", "-o", tmp, "--no-progress",
        ]  # fmt: skip
        for k, v in perturb.items():
            cmd += ["-p", f"{k}={v}"]
        subprocess.run(cmd, check=True, capture_output=True)
        frames = []
        for path in sorted(Path(tmp).rglob("*.parquet")):
            frame = pd.read_parquet(path)
            frame.insert(0, "_kind", "breakdowns" if "by" in frame else "outcomes")
            frames.append(frame)
        table = pd.concat(frames, ignore_index=True)
        order = ("_kind", "scenario", "replication", "month", "by", "group")
        keys = [c for c in order if c in table]
        table = table.sort_values(keys, kind="stable").reset_index(drop=True)
        table = table.drop(columns=[c for c in ("seconds",) if c in table])
        return digest(table)


def objective_value(perturb: dict) -> float:
    """The calibration objective J at its default point (2 seeds x 2,000 workers)."""
    try:
        from experiments.calibration import objective as obj
        from experiments.calibration.fit import FREE_PARAMS as FREE
        from experiments.calibration.targets import fitted, load_targets
    except ImportError:  # pragma: no cover - the flat layout before the refactor
        from experiments.targets import fitted, load_targets

        from experiments import objective as obj
        from experiments.calibration import FREE_PARAMS as FREE
    targets = fitted(load_targets())
    sim = obj.model_simulator(targets, (101, 102), 2_000, fixed=perturb or None)
    x0 = obj.default_point(FREE)
    return obj.Objective(targets, FREE, sim, x0)(x0)


def main() -> int:
    """Write the digests, or compare two digest files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--diff", action="store_true", help="compare two digest files")
    parser.add_argument("--perturb", default="", help="NAME=VALUE: a negative control")
    args = parser.parse_args()
    if args.diff:
        a, b = (json.loads(Path(p).read_text()) for p in args.paths)
        bad = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
        for k in bad:
            print(f"DIFFERS {k}: {a.get(k)} != {b.get(k)}")
        print(f"{len(a)} entries, {len(bad)} differ")
        return 1 if bad else 0
    perturb = {}
    if args.perturb:
        k, v = args.perturb.split("=")
        perturb[k] = float(v)
    out = model_digests(perturb)
    out["compare"] = compare_digest(perturb)
    out["objective"] = repr(objective_value(perturb))
    Path(args.paths[0]).write_text(json.dumps(out, indent=1, sort_keys=True))
    print(f"{len(out)} entries -> {args.paths[0]}; J = {out['objective']}")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
