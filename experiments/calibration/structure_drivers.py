"""Coverage by group with the mechanisms behind it: the reason for each difference.

For the employed workers of each group (industry, region of work, firm size, contract)
this measures coverage and the drivers the model's mechanisms act through, each as a
share (or mean) of the group's employed workers:

* ``registered``: the employer is on the agency's roll (inside the supervision system
  or put on it by a detection); firms off it pay nothing (docs/structure.md 2);
* ``formal``: the employer keeps contracts, ledger and payroll (2012 contract shares);
* ``crew``: the employer is a construction labour crew (project-based, arrears; it can
  register its workers for injury only);
* ``offers_pension``: the employer pays pension for some of its workers;
* ``declared``: the worker is inside her employer's declared share of headcount;
* ``floor_above_wage``: the local contribution floor is above her wage;
* ``contract``, ``away`` (working outside her region of origin), ``opted_out``;
* ``firm_size``: her employer's real headcount (mean).

:func:`reasons` turns the drivers into one sentence per group: the drivers that
differ most from all employed workers, in the direction of the group's coverage gap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.codes import INDUSTRIES, REGIONS, SCHEMES
from model.projects import crews

SIZE_BANDS = ((1, "1-7"), (8, "8-19"), (20, "20-99"), (100, "100+"))
GROUPINGS = ("industry", "region", "firm_size", "contract")
#: Driver -> +1 if more of it means more coverage, -1 if less.
DIRECTION = {
    "registered": +1,
    "formal": +1,
    "offers_pension": +1,
    "declared": +1,
    "contract": +1,
    "crew": -1,
    "floor_above_wage": -1,
    "away": -1,
    "opted_out": -1,
}
LABEL = {
    "registered": "employer on the agency's roll",
    "formal": "formal employer",
    "offers_pension": "employer pays pension",
    "declared": "declared by the employer",
    "contract": "written contract",
    "crew": "labour crew",
    "floor_above_wage": "contribution floor above the wage",
    "away": "away from home region",
    "opted_out": "opted out",
}


#: Labels that depend on the scheme explained: a crew cannot register for any scheme but
#: injury, which is its reason for low cover there and not for low injury cover.
SCHEME_LABEL = {("crew", "pension"): "labour crew (no employer status: injury only)"}


def worker_drivers(model) -> pd.DataFrame:
    """One row per employed worker: her groups, coverage bits and drivers."""
    w, f, lev = model.workers, model.firms, model.levers
    emp = np.flatnonzero(w.employer >= 0)
    firm = w.employer[emp]
    registered = (f.unsupervised_rank >= lev.share_unsupervised_firms) | f.flagged
    size = f.headcount[firm]
    band = np.zeros(emp.size, dtype=np.int64)
    for k, (lo, _label) in enumerate(SIZE_BANDS):
        band[size >= lo] = k
    floor = model.floor_of_region().take(w.region[emp])
    out = pd.DataFrame(
        {
            "industry": np.array(INDUSTRIES)[w.industry[emp]],
            "region": np.array(REGIONS)[w.region[emp]],
            "firm_size": np.array([b[1] for b in SIZE_BANDS])[band],
            "contract_group": np.where(w.contract[emp], "contract", "no contract"),
            "registered": registered[firm],
            "formal": f.formal[firm],
            "crew": crews(f)[firm],
            "offers_pension": (f.offers[firm] & 1) != 0,
            "declared": w.declare_rank[emp] < f.declared_share[firm],
            "floor_above_wage": floor > w.wage[emp],
            "contract": w.contract[emp],
            "away": w.region[emp] != w.origin[emp],
            "opted_out": w.opted_out[emp],
            "size": size.astype(np.float64),
        }
    )
    for s, name in enumerate(SCHEMES):
        out[f"covered_{name}"] = (w.covered[emp] >> s) & 1
    return out


def group_drivers(frame: pd.DataFrame) -> pd.DataFrame:
    """Means of coverage and drivers by group, for every grouping, plus an 'all' row."""
    columns = [c for c in frame if c.startswith("covered_")] + [*DIRECTION, "size"]
    tables = []
    for by in GROUPINGS:
        key = "contract_group" if by == "contract" else by
        table = frame.groupby(key)[columns].mean()
        table["n_employed"] = frame.groupby(key).size()
        table.index.name = "group"
        tables.append(table.reset_index().assign(by=by))
    every = frame[columns].mean().to_frame().T.assign(group="all", by="all")
    every["n_employed"] = len(frame)
    return pd.concat([*tables, every], ignore_index=True)


def reasons(table: pd.DataFrame, scheme: str = "pension", top: int = 2) -> pd.Series:
    """One sentence per row: the drivers that most explain its gap in ``scheme`` coverage."""
    overall = table[table["by"] == "all"].iloc[0]
    texts = []
    for _, row in table.iterrows():
        if row["by"] == "all":
            texts.append("")
            continue
        gap = row[f"covered_{scheme}"] - overall[f"covered_{scheme}"]
        sign = 1 if gap >= 0 else -1
        # "employer pays pension" explains pension only.
        drivers = [d for d in DIRECTION if d != "offers_pension" or scheme == "pension"]
        pushes = {
            d: DIRECTION[d] * (row[d] - overall[d]) * sign
            for d in drivers
            if DIRECTION[d] * (row[d] - overall[d]) * sign > 0.01
        }
        chosen = sorted(pushes, key=pushes.get, reverse=True)[:top]
        word = "above" if sign > 0 else "below"
        if not chosen:
            texts.append(f"{word} average; no single driver stands out")
            continue
        parts = [
            f"{SCHEME_LABEL.get((d, scheme), LABEL[d])} {100 * row[d]:.0f}% vs "
            f"{100 * overall[d]:.0f}%"
            for d in chosen
        ]
        texts.append(f"{word} average: " + "; ".join(parts))
    return pd.Series(texts, index=table.index)
