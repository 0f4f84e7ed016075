"""Every agent column is written only by its owning sub-step (``Column.owner``).

Each sub-step is run with every column compared before and after it: a column that
changed must be owned by the sub-step, or name it in ``Column.also``. The replacement
of retirees (``age_and_replace``) rebuilds whole rows, so it may change any worker
column on the rows it replaced, and only there. The check wraps the sub-steps in the
test only: normal runs pay nothing for it.
"""

from __future__ import annotations

import numpy as np
import pytest
from model_support import build

from model import SUBSTEPS
from model.policies import (
    Enforcement,
    PortableAccounts,
    ProjectInjuryInsurance,
    Publicity,
    WorkerSubsidy,
)
from model.population import FIRM_COLUMNS, WORKER_COLUMNS
from model.table import BUILT

REBUILDS_ROWS = "age_and_replace"
TABLES = {"workers": WORKER_COLUMNS, "firms": FIRM_COLUMNS}


def _snapshot(model) -> dict[tuple[str, str], np.ndarray]:
    return {
        (table, name): getattr(getattr(model, table), name).copy()
        for table, columns in TABLES.items()
        for name in columns
    }


def _violations(substep: str, before: dict, model) -> list[str]:
    replaced = model.workers.age < before[("workers", "age")]
    out = []
    for (table, name), old in before.items():
        column = TABLES[table][name]
        changed = getattr(getattr(model, table), name) != old
        if not changed.any() or substep == column.owner or substep in column.also:
            continue
        if table == "workers" and substep == REBUILDS_ROWS and not (changed & ~replaced).any():
            continue
        out.append(f"{substep} wrote {table}.{name} ({int(changed.sum())} rows)")
    return out


def _checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Wrap every sub-step so that writes outside its columns are collected."""
    found: list[str] = []
    for name, step in list(SUBSTEPS.items()):

        def checked(model, month, _name=name, _run=step.run):
            before = _snapshot(model)
            _run(model, month)
            found.extend(_violations(_name, before, model))

        monkeypatch.setitem(SUBSTEPS, name, step._replace(run=checked))
    return found


def test_every_column_names_one_owning_substep():
    for table, columns in TABLES.items():
        for name, column in columns.items():
            assert column.owner == BUILT or column.owner in SUBSTEPS, (
                f"{table}.{name}: owner {column.owner!r} is not a sub-step"
            )
            for other, why in column.also.items():
                assert other in SUBSTEPS, f"{table}.{name}: also {other!r} is not a sub-step"
                assert other != column.owner, f"{table}.{name}: the owner is listed in also"
                assert why, f"{table}.{name}: no reason given for {other}"


POLICIES = (
    Enforcement(strength=3.0, start=2),
    WorkerSubsidy(strength=0.8, start=2),
    PortableAccounts(strength=1.0, start=2),
    Publicity(strength=2.0, start=2),
    ProjectInjuryInsurance(strength=1.0, start=2),
)


@pytest.mark.parametrize("policies", [(), POLICIES], ids=["baseline", "reforms"])
def test_no_substep_writes_a_column_it_does_not_own(monkeypatch, policies):
    found = _checked(monkeypatch)
    # An old population and a short burn-in: retirements, hires, disputes every month.
    model = build(policies, seed=61, burn_in_months=3, mean_age=45.0, dispute_propensity=0.3)
    for _ in range(12):
        model.step()
    assert model.current["new_retirements"] > 0, "no retirement: the rebuild rule is untested"
    assert not found, "writes outside the owner:\n" + "\n".join(sorted(set(found)))


def test_every_declared_writer_does_write(monkeypatch):
    """The declarations are not stale: each owner and each ``also`` changes its column."""
    seen: set[tuple[str, str, str]] = set()
    for name, step in list(SUBSTEPS.items()):

        def spying(model, month, _name=name, _run=step.run):
            before = _snapshot(model)
            _run(model, month)
            for (table, col), old in before.items():
                if (getattr(getattr(model, table), col) != old).any():
                    seen.add((_name, table, col))

        monkeypatch.setitem(SUBSTEPS, name, step._replace(run=spying))
    # From 2009, so that movers can still cash out before the 2010 ban (change_jobs).
    model = build(POLICIES, seed=62, mean_age=45.0, dispute_propensity=0.3, start_year=2009)
    for _ in range(24):
        model.step()
    for table, columns in TABLES.items():
        for col, column in columns.items():
            writers = [] if column.owner == BUILT else [column.owner]
            for writer in [*writers, *column.also]:
                assert (writer, table, col) in seen, f"{writer} never wrote {table}.{col}"


def test_a_write_outside_the_owner_is_caught(monkeypatch):
    """Negative control: a sub-step that edits a column it does not own fails the check."""
    learn = SUBSTEPS["learn"]

    def rogue(model, month):
        learn.run(model, month)
        model.workers.wage[:5] += 1.0

    monkeypatch.setitem(SUBSTEPS, "learn", learn._replace(run=rogue))
    found = _checked(monkeypatch)
    model = build(seed=63, burn_in_months=0)
    model.step()
    assert any("learn wrote workers.wage" in v for v in found), f"not caught: {found}"
