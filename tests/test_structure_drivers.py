"""The validation's reasons: drivers by group come from the agents and explain the gaps."""

from __future__ import annotations

import pandas as pd

from experiments.calibration import structure_drivers as sd
from model import UptakeModel


def test_drivers_by_group_are_shares_and_name_the_construction_crews():
    model = UptakeModel(n_workers=8_000, seed=5, burn_in_months=12)
    frames = []
    for _ in range(3):
        model.step()
        frames.append(sd.worker_drivers(model))
    table = sd.group_drivers(pd.concat(frames))
    shares = table[list(sd.DIRECTION)]
    assert ((shares >= 0) & (shares <= 1)).all().all(), "a driver share outside [0, 1]"
    for by in sd.GROUPINGS:
        part = table[table["by"] == by]
        assert part["n_employed"].sum() == table.loc[table["by"] == "all", "n_employed"].iloc[0], by
    construction = table[(table["by"] == "industry") & (table["group"] == "construction")].iloc[0]
    overall = table[table["by"] == "all"].iloc[0]
    assert construction["crew"] > overall["crew"], "construction has the labour crews"
    texts = sd.reasons(table)
    named = texts[(table["by"] == "industry").to_numpy()]
    assert all(t.startswith(("above average", "below average")) for t in named), list(named)
    row = int(
        ((table["by"] == "industry") & (table["group"] == "construction")).to_numpy().argmax()
    )
    assert "no employer status" in texts.iloc[row], f"pension reason: {texts.iloc[row]}"
    injury = sd.reasons(table, scheme="injury")
    assert not injury.str.contains("employer pays pension").any(), "pension offered explains injury"
    assert not injury.str.contains("no employer status").any(), "crew label wrong for injury"
