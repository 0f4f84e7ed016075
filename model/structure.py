"""Structural inputs by industry and region, read from ``industries.csv`` and ``regions.csv``.

Both files have the columns of ``inputs.csv`` (key, year, value, unit, source, note;
:func:`model.facts.read_facts` rejects a row without a source); a key is
``<trait>.<industry>`` or ``<trait>.<region>``. Every array here is indexed by the
codes of :mod:`model.codes`. What is sourced and what is an assumption is said in
each row's source and note, and in ``docs/structure.md``.
"""

from __future__ import annotations

import functools

import numpy as np

from model.codes import INDUSTRIES, REGIONS, Industry
from model.facts import DATA_DIR, Fact, read_facts

#: Chance that a formal firm (contracts, ledger, payroll) gives a hire a written contract,
#: and that an informal one does (assumptions; they turn contract shares into formality).
CONTRACT_IF_FORMAL = 0.8
CONTRACT_IF_INFORMAL = 0.1


@functools.cache
def _table(name: str) -> dict[tuple[str, int], Fact]:
    return read_facts(DATA_DIR / name)


def value(name: str, key: str, year: int | None = None) -> float:
    """The value of ``key`` in file ``name``; with no year, the only or earliest year.

    Raises:
        KeyError: naming the file, the key and the year when it is missing.
    """
    rows = sorted((y, f) for (k, y), f in _table(name).items() if k == key)
    if year is not None:
        rows = [(y, f) for y, f in rows if y == year]
    if not rows:
        raise KeyError(f"no row {key!r} (year {year}) in {DATA_DIR / name}")
    return rows[0][1].value


def by_industry(trait: str) -> np.ndarray:
    """``<trait>.<industry>`` for every industry, in code order (float64)."""
    return np.array([value("industries.csv", f"{trait}.{name}") for name in INDUSTRIES])


def by_region(trait: str, year: int | None = None) -> np.ndarray:
    """``<trait>.<region>`` for every region, in code order (float64)."""
    return np.array([value("regions.csv", f"{trait}.{name}", year) for name in REGIONS])


def formal_share(no_contract: np.ndarray) -> np.ndarray:
    """Share of formal firms that reproduces each industry's contract share.

    A formal firm signs with ``CONTRACT_IF_FORMAL`` of its hires, an informal one with
    ``CONTRACT_IF_INFORMAL``, so the contract share ``c`` of an industry needs a formal
    share ``(c - CONTRACT_IF_INFORMAL) / (CONTRACT_IF_FORMAL - CONTRACT_IF_INFORMAL)``.
    """
    contract = 1.0 - no_contract
    share = (contract - CONTRACT_IF_INFORMAL) / (CONTRACT_IF_FORMAL - CONTRACT_IF_INFORMAL)
    return np.clip(share, 0.0, 1.0)


def ipf(seed: np.ndarray, rows: np.ndarray, cols: np.ndarray, sweeps: int = 200) -> np.ndarray:
    """Iterative proportional fitting: the table nearest ``seed`` with the given margins.

    Args:
        seed: non-negative table (rows x cols) whose odds ratios are kept.
        rows: target row sums.
        cols: target column sums (summing to the same total as ``rows``).
        sweeps: rounds of row and column scaling.

    Returns:
        A table with row sums ``rows`` and column sums ``cols`` (to 1e-12 when
        feasible; the last row scaling is exact).
    """
    table = np.asarray(seed, dtype=np.float64).copy()
    for _ in range(sweeps):
        table *= (cols / np.maximum(table.sum(axis=0), 1e-300))[None, :]
        table *= (rows / np.maximum(table.sum(axis=1), 1e-300))[:, None]
    return table


#: Share of firms that are formal, by industry (from the 2012 contract shares, facts.md 1.9).
INDUSTRY_FORMAL_SHARE = formal_share(by_industry("no_contract"))

#: Wage arrears per worker-year by industry relative to all industries (2016, facts.md 1.11).
INDUSTRY_ARREARS_RATIO = by_industry("arrears") / value("industries.csv", "arrears.all")

#: Mean firm size by industry, multiple of ``mean_firm_size`` (assumption; notes in the file).
INDUSTRY_SIZE_RATIO = by_industry("size_ratio")

#: Odds of being outside the supervision system, by industry (paper section 1.1).
INDUSTRY_UNSUPERVISED_WEIGHT = by_industry("unsupervised_weight")

#: Separation hazard multiplier by industry (assumption; paper: garment and catering high).
INDUSTRY_TURNOVER = by_industry("turnover")

#: Work injuries per worker-year by industry (assumption, order of magnitude only).
INDUSTRY_INJURY_RISK = by_industry("injury_risk")

#: Local average wage by region relative to the national one. A year's contribution floor
#: rests on the previous year's average wage, so the 2010 averages set the 2011 floors.
REGION_AVERAGE_WAGE_RATIO = by_region("average_wage", 2010) / value(
    "regions.csv", "average_wage.national", 2010
)

#: Inspection capacity by region, relative to the mean over migrant employment: proportional
#: to GDP per capita (poorer regions, fewer agency staff; ``regions.csv``).
REGION_INSPECTION_CAPACITY = by_region("inspection_capacity")


def region_industry_odds() -> np.ndarray:
    """Seed odds of the region x industry table (1 where the files say nothing)."""
    odds = np.ones((len(REGIONS), len(INDUSTRIES)))
    for r, region in enumerate(REGIONS):
        for i, industry in enumerate(INDUSTRIES):
            key = f"mix_odds.{region}.{industry}"
            if any(k == key for (k, _y) in _table("regions.csv")):
                odds[r, i] = value("regions.csv", key)
    return odds


def origin_work_seed() -> np.ndarray:
    """Seed of the origin x region-of-work table from the cross-province shares.

    A worker from the Centre or the West who crosses a provincial border goes to the
    East with the published share, otherwise stays in her region (a cross-province
    move inside it); workers from the East stay in the East. Cells the sources leave
    at 0 get a small weight (0.02) so that both margins can be met.
    """
    seed = np.full((len(REGIONS), len(REGIONS)), 0.02)
    for o, origin in enumerate(REGIONS):
        if origin == "east":
            seed[o, o] = 1.0
            continue
        to_east = value("regions.csv", f"cross_province.{origin}") * value(
            "regions.csv", f"cross_province_to_east.{origin}"
        )
        seed[o, REGIONS.index("east")] = to_east
        seed[o, o] = 1.0 - to_east
    return seed


assert INDUSTRY_FORMAL_SHARE.size == len(Industry)
