"""Bad inputs to the public Python API (``model.UptakeModel``, ``model.policies``).

Each case calls the API with one bad (or, for controls, valid but unusual) value.
A bad value must raise ``ValueError`` or ``TypeError`` whose message names the field
(``mention``); anything else is a traceback (an unhelpful error), and no error at
all is silently accepted nonsense.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ApiCase:
    """A call that must raise (``expect="error"``) or work (``"ok"``)."""

    label: str
    call: Callable[[], object]
    mention: str = ""
    expect: str = "error"


def _model(*args, **params):
    from model import UptakeModel

    params.setdefault("n_workers", 100)
    return UptakeModel(*args, **params)


def _policy(name: str, **fields):
    from model import policies

    return getattr(policies, name)(**fields)


def _make(lever: str, **fields):
    from model.policies import make_policy

    return make_policy(lever, **fields)


def _firm_cost_min() -> float:
    """The least monthly firm cost of a run with generous firm subsidies (must be >= 0)."""
    from model import UptakeModel
    from model.policies import FirmSubsidy

    worst = 0.0
    for seed in range(4):
        model = UptakeModel(
            (FirmSubsidy(strength=1.0, start=1),), n_workers=2000, seed=seed, burn_in_months=0
        )
        for _ in range(24):
            model.step()
        worst = min(worst, float(np.min(model.results_frame()["firm_cost_yuan"])))
    if worst < 0:
        raise ValueError(f"firm_cost_yuan went negative: {worst}")
    return worst


def cases() -> list[ApiCase]:
    """Every API case."""
    out = [
        ApiCase("UptakeModel(5)", lambda: _model(5), "polic"),
        ApiCase("UptakeModel('x')", lambda: _model("x"), "polic"),
        ApiCase("UptakeModel([5])", lambda: _model([5]), "polic"),
        ApiCase("UptakeModel(None)", lambda: _model(None), "polic"),
    ]
    bad_params = {
        "n_workers": [0, -1, "10", 1.5, True, 10**9, None],
        "turnover_per_year": [float("nan"), float("inf"), -1.0, "0.3"],
        "seed": [-1, "x", 1.5],
        "burn_in_months": [-1, 2.5],
        "norm_trend_end_year": [2000.0],
        "nosuch": [1],
    }
    for name, values in bad_params.items():
        for value in values:
            out.append(
                ApiCase(
                    f"UptakeModel({name}={value!r})",
                    lambda n=name, v=value: _model(**{n: v}),
                    "parameter" if name == "nosuch" else name,
                )
            )
    bad_fields = [
        {"strength": -1.0},
        {"strength": float("nan")},
        {"strength": "1"},
        {"strength": 1.0, "start": 0},
        {"strength": 1.0, "start": 1.5},
        {"strength": 1.0, "start": True},
        {"strength": 1.0, "start": 5, "end": 3},
        {"strength": 1.0, "end": 0},
        {"strength": 1.0, "start": 10**30},
    ]
    for fields in bad_fields:
        key = [k for k in fields if k != "strength"] or ["strength"]
        out.append(
            ApiCase(
                f"Enforcement({fields})",
                lambda f=fields: _policy("Enforcement", **f),
                key[-1] if key[-1] != "end" or "start" not in fields else "end",
            )
        )
    out += [
        ApiCase(
            "WorkerSubsidy(cap=-1)", lambda: _policy("WorkerSubsidy", strength=0.5, cap=-1.0), "cap"
        ),
        ApiCase("make_policy('nosuch')", lambda: _make("nosuch", strength=1.0), "nosuch"),
        ApiCase(
            "make_policy(strength=None)", lambda: _make("enforcement", strength=None), "strength"
        ),
        ApiCase("model.step() with a non-policy", lambda: _model((object(),)), "polic"),
        # controls: unusual but valid
        ApiCase(
            "Enforcement(start=np.int64(13))",
            lambda: _policy("Enforcement", strength=1.0, start=np.int64(13)),
            expect="ok",
        ),
        ApiCase(
            "Enforcement(strength=np.float64(1))",
            lambda: _policy("Enforcement", strength=np.float64(1.0)),
            expect="ok",
        ),
        ApiCase(
            "UptakeModel(n_workers=np.int64(200))",
            lambda: _model(n_workers=np.int64(200)),
            expect="ok",
        ),
        ApiCase(
            "UptakeModel(one policy)",
            lambda: _model(_policy("Enforcement", strength=1.0)),
            expect="ok",
        ),
        ApiCase("firm_cost_yuan >= 0 with firm subsidies", _firm_cost_min, expect="ok"),
    ]
    return out


def run(case: ApiCase) -> dict:
    """Call one case and classify the outcome."""
    try:
        case.call()
    except (ValueError, TypeError) as exc:
        message = str(exc)
        if case.expect == "ok":
            verdict = "refused valid"
        else:
            verdict = "clean" if case.mention.lower() in message.lower() else "traceback"
        return {"label": case.label, "verdict": verdict, "message": message[:200]}
    except Exception as exc:
        return {"label": case.label, "verdict": "traceback", "message": repr(exc)[:200]}
    verdict = "clean" if case.expect == "ok" else "accepted nonsense"
    return {"label": case.label, "verdict": verdict, "message": ""}


def audit(verbose: bool = False) -> tuple[Counter, list[dict]]:
    """Every API case; counts per verdict and the rows."""
    rows = []
    for case in cases():
        row = run(case)
        rows.append(row)
        if verbose or row["verdict"] != "clean":
            print(f"  [{row['verdict']}] {row['label']}: {row['message'][:160]}", flush=True)
    return Counter(r["verdict"] for r in rows), rows
