"""Random streams (model/streams.py): reproducible, independent, uniform, shared by reforms."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from model.streams import Streams, below

NAMES = ("a", "b", "c")
#: Significance level of the distribution tests: each can fail by chance once in 10^4
#: runs, but their seeds are fixed, so a pass or fail is reproducible.
ALPHA = 1e-4


def test_a_generator_gives_the_same_numbers_for_the_same_stream_and_month():
    streams = Streams(5, NAMES)
    first = streams.generator("b", 40).random(8)
    streams.generator("b", 3).random(100)  # other months drawn in between
    streams.generator("a", 40).random(100)
    again = streams.generator("b", 40).random(8)
    np.testing.assert_array_equal(first, again, err_msg="stream b, month 40 not reproducible")
    fresh = Streams(5, NAMES).generator("b", 40).random(8)
    np.testing.assert_array_equal(first, fresh, err_msg="a new Streams with the same seed differs")


def test_every_stream_month_and_seed_draws_different_numbers():
    draws = {}
    for seed in (1, 2):
        streams = Streams(seed, NAMES)
        for name in NAMES:
            for month in (0, 1, 2, 37):
                draws[(seed, name, month)] = streams.generator(name, month).random(4).tobytes()
                draws[(seed, name, month, "u")] = streams.uniforms(name, month, [7]).tobytes()
    assert len(set(draws.values())) == len(draws), "two (seed, stream, month) share numbers"


def test_an_unknown_stream_is_refused_with_the_known_names():
    with pytest.raises(KeyError, match=r"no random stream 'x'.*'a', 'b', 'c'"):
        Streams(1, NAMES).uniforms("x", 0, [1])


@pytest.mark.parametrize("k", [1, 2, 5])
def test_a_rows_uniforms_do_not_depend_on_the_other_rows_listed(k):
    """The common-random-numbers property: the same worker, stream and month, same numbers."""
    streams = Streams(9, NAMES)
    many = streams.uniforms("a", 12, np.array([3, 50, 51, 900]), k)
    alone = streams.uniforms("a", 12, np.array([51]), k)
    np.testing.assert_array_equal(many[2], alone[0], err_msg=f"row 51's numbers moved (k={k})")
    assert many.shape == ((4,) if k == 1 else (4, k)), f"shape {many.shape} for k={k}"
    assert many.dtype == np.float32


@pytest.mark.parametrize("k", [1, 3, 6])
def test_row_uniforms_are_uniform_and_columns_uncorrelated(k):
    u = Streams(3, NAMES).uniforms("c", 5, np.arange(200_000), k).reshape(200_000, -1)
    assert u.min() >= 0.0, "a uniform below 0"
    assert u.max() < 1.0, "a uniform of 1 or more"
    for j in range(k):
        p = stats.kstest(u[:, j], "uniform").pvalue
        assert p > ALPHA, f"column {j} of {k} is not uniform (KS p = {p:.2g})"
    if k > 1:
        corr = np.corrcoef(u.T)[np.triu_indices(k, 1)]
        # 200k pairs: a correlation's sd is 1/sqrt(200k) = 0.0022.
        assert np.abs(corr).max() < 0.011, f"columns correlated: {corr.round(4)}"
    # Neighbouring rows (consecutive counters) must not be correlated either.
    lag = np.corrcoef(u[:-1, 0], u[1:, 0])[0, 1]
    assert abs(lag) < 0.011, f"neighbouring rows correlated: {lag:.4f}"


def test_row_uniforms_of_two_months_are_independent():
    streams = Streams(4, NAMES)
    rows = np.arange(100_000)
    a, b = streams.uniforms("a", 10, rows), streams.uniforms("a", 11, rows)
    assert abs(np.corrcoef(a, b)[0, 1]) < 0.015, "months 10 and 11 give related numbers"
    # The pairs fill the unit square evenly (chi-square over a 10 x 10 grid).
    grid = np.histogram2d(a, b, bins=10, range=[[0, 1], [0, 1]])[0].ravel()
    p = stats.chisquare(grid).pvalue
    assert p > ALPHA, f"(month 10, month 11) pairs not uniform on the square (p = {p:.2g})"


@pytest.mark.parametrize(("n", "ceiling"), [(10_000, 0.03), (5_000, 0.0004), (300, 0.9)])
def test_sparse_draws_match_one_uniform_per_row(n, ceiling):
    """``below`` has the distribution of {rows with u < ceiling} and those u's."""
    rng = np.random.default_rng(8)
    hits = np.zeros(n)
    sizes, kept = [], []
    for _ in range(400):
        rows, u = below(rng, n, ceiling)
        assert np.all(np.diff(rows) > 0), "rows not increasing (or repeated)"
        assert rows.size == 0 or (rows[0] >= 0 and rows[-1] < n), "a row outside range(n)"
        assert np.all((u >= 0) & (u < ceiling)), "a uniform outside [0, ceiling)"
        hits[rows] += 1
        sizes.append(rows.size)
        kept.append(u / ceiling)
    # Count per draw: Binomial(n, ceiling).
    mean, var = n * ceiling, n * ceiling * (1 - ceiling)
    se = np.sqrt(var / len(sizes))
    assert abs(np.mean(sizes) - mean) < 5 * se, f"mean count {np.mean(sizes):.1f} vs {mean:.1f}"
    # Every row equally likely: first and second half of the rows hit alike.
    half = n // 2
    a, b = hits[:half].sum(), hits[half : 2 * half].sum()
    assert abs(a - b) < 5 * np.sqrt(a + b), f"rows hit unevenly: {a:.0f} vs {b:.0f}"
    # The kept uniforms, rescaled, are uniform on [0, 1).
    p = stats.kstest(np.concatenate(kept), "uniform").pvalue
    assert p > ALPHA, f"kept uniforms not uniform below the ceiling (KS p = {p:.2g})"


def test_sparse_draws_at_the_edges():
    rng = np.random.default_rng(1)
    rows, u = below(rng, 50, 0.0)
    assert rows.size == 0, "a zero ceiling drew rows"
    assert u.size == 0, "a zero ceiling drew uniforms"
    rows, u = below(rng, 50, 1.0)
    np.testing.assert_array_equal(rows, np.arange(50), err_msg="a ceiling of 1 missed rows")
    rows, _ = below(rng, 0, 0.5)
    assert rows.size == 0, "rows drawn from an empty population"
