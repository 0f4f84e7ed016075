"""The structural inputs and their helpers: sourced rows, fitted tables, wage path, rollout."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from model import firm_traits, hometown, sectors, structure, wage_path
from model.codes import INDUSTRIES, Industry
from model.facts import DATA_DIR, read_facts


@pytest.mark.parametrize("name", ["industries.csv", "regions.csv"])
def test_every_structural_row_has_a_source(name):
    rows = read_facts(DATA_DIR / name)
    assert rows, f"{name} is empty"
    for (key, year), row in rows.items():
        assert row.source.startswith(("http", "assumption", "../shared")), (name, key, year)


def test_formal_share_reproduces_the_contract_share_of_each_industry():
    no_contract = structure.by_industry("no_contract")
    formal = structure.INDUSTRY_FORMAL_SHARE
    contract = formal * structure.CONTRACT_IF_FORMAL + (1 - formal) * structure.CONTRACT_IF_INFORMAL
    np.testing.assert_allclose(contract, 1 - no_contract, atol=1e-12, err_msg="contract shares")
    assert formal[Industry.CONSTRUCTION] == formal.min(), f"construction least formal: {formal}"


def test_ipf_meets_both_margins_and_keeps_the_seed_odds():
    seed = structure.region_industry_odds()
    table = firm_traits.employment_table()
    np.testing.assert_allclose(table.sum(axis=1), sectors.WORK_SHARE, atol=1e-9)
    np.testing.assert_allclose(table.sum(axis=0), sectors.INDUSTRY_SHARE, atol=1e-9)
    # Odds ratios of the fitted table equal the seed's (IPF keeps them).
    ratio = (table[0, 0] * table[2, 1]) / (table[0, 1] * table[2, 0])
    expected = (seed[0, 0] * seed[2, 1]) / (seed[0, 1] * seed[2, 0])
    assert ratio == pytest.approx(expected, rel=1e-6), "IPF changed the seed's odds ratio"
    manuf = table[:, Industry.MANUFACTURING] / table.sum(axis=1)
    constr = table[:, Industry.CONSTRUCTION] / table.sum(axis=1)
    assert manuf[0] > manuf[2], f"the East is more manufacturing than the West: {manuf}"
    assert constr[2] > constr[0], f"the West is more construction than the East: {constr}"


def test_supervision_rank_takes_exactly_the_share_and_the_named_firms_first():
    rng = np.random.default_rng(3)
    n = 20_000
    industry = rng.integers(0, len(INDUSTRIES), n)
    region = rng.integers(0, 3, n)
    size = rng.lognormal(np.log(20), 1.0, n)
    formal = rng.random(n) < 0.5
    rank = firm_traits.supervision_rank(industry, region, size, formal, rng.random(n))
    assert np.count_nonzero(rank < 0.3) == pytest.approx(0.3 * n, abs=1), "share of firms"
    out = rank < 0.3
    crews = (industry == Industry.CONSTRUCTION) & ~formal
    manuf = industry == Industry.MANUFACTURING
    workshop = manuf & (size < firm_traits.SMALL_WORKSHOP)
    assert out[crews].mean() > out[manuf].mean() + 0.1, "crews are outside more often"
    assert out[workshop].mean() > out[manuf & ~workshop].mean() + 0.1, "small workshops too"


@pytest.mark.parametrize("year", [2011, 2012, 2013])
def test_wage_path_yearly_mean_is_the_published_figure(year):
    years, values = wage_path.series()
    published = dict(zip(years.astype(int).tolist(), values.tolist(), strict=True))
    months = [wage_path.month_year(year, m) for m in range(1, 13)]
    mean = np.mean([wage_path.level(y) for y in months])
    assert mean == pytest.approx(published[year], rel=1e-6), f"{year}: {mean} vs {published}"
    index_2011 = np.mean([wage_path.index(wage_path.month_year(2011, m)) for m in range(1, 13)])
    assert index_2011 == pytest.approx(1.0, rel=1e-9), "the index's 2011 mean is 1"


def test_hometown_rollout_follows_its_dates():
    assert hometown.rollout(2009.0) == 0.0, "nothing before the pilots"
    assert hometown.rollout(2011.5) == pytest.approx(0.6), "60% by July 2011"
    assert hometown.rollout(2013.5) == 1.0, "everywhere from 2013"
    shares = [hometown.rollout(y) for y in np.linspace(2009, 2014, 21)]
    assert all(b >= a for a, b in itertools.pairwise(shares)), "rollout only grows"
    rank = np.linspace(0, 1, 1001, endpoint=False)
    before = hometown.enrolled(rank, 0.673, 2011.0)
    after = hometown.enrolled(rank, 0.673, 2013.5)
    assert np.all(after[before]), "the enrolled stay enrolled as the scheme spreads"
    assert after.mean() == pytest.approx(0.673, abs=2e-3), "enrolment once everywhere"


def test_inspection_capacity_follows_gdp_per_capita_with_a_mean_of_one_over_employment():
    """regions.csv: capacity proportional to 2008 GDP per capita (US$ 4,790 / 2,820 / 2,500)."""
    from model import sectors, structure

    gdp = np.array([4790.0, 2820.0, 2500.0])  # East, Centre, West (the note in regions.csv)
    share = np.asarray(sectors.WORK_SHARE)
    expected = gdp / (share @ gdp)
    capacity = structure.REGION_INSPECTION_CAPACITY
    assert np.allclose(capacity, expected, atol=6e-4), f"{capacity} vs {expected}"
    assert abs(share @ capacity - 1.0) < 1e-3, f"mean over employment {share @ capacity}"
    assert capacity[0] > capacity[1] > capacity[2], "poorer regions must have fewer inspectors"
