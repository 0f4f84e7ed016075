"""Random numbers: one stream per sub-step, positioned by month, shared by reform and baseline.

Common random numbers need a draw to depend on *who* and *when*, not on what else
happened in the run. Three kinds of draws give that:

* :meth:`Streams.generator` returns the numpy ``Generator`` of one sub-step in one
  month. Each sub-step has its own PCG64DXSM bit generator, seeded once from
  ``SeedSequence(seed, spawn_key=(stream id,))``; month ``t`` draws from position
  ``t * 2**64`` of it (``advance``), so its numbers do not depend on how many
  earlier months drew. (PCG64DXSM rather than PCG64: NumPy recommends its stronger
  output function where streams of one generator sit at large regular distances.)
  Used for one number per firm and for draws whose count no policy changes.
* :meth:`Streams.uniforms` gives ``k`` uniforms for each listed worker row that
  depend only on (seed, stream, month, row): fields of the elements of a SplitMix64
  sequence (Steele, Lea & Flood 2014), started at a key for the stream and month,
  that belong to that row. Used where only a few rows need numbers (job seekers,
  hires, aggrieved workers): the cost follows the subset, and a worker gets the same
  numbers in a reform as in its baseline even when the subset differs between them.
* :func:`below` gives, for events with a small chance per row, the rows
  whose uniform falls below a ceiling and those uniforms, without drawing one
  number for every row: the gaps between such rows are Geometric(ceiling), and
  each one's uniform is uniform below the ceiling. That is the same joint
  distribution as one uniform per row kept where it is below the ceiling; as
  neither depends on the state, reform and baseline share it.

:meth:`Streams.uniforms` gives float32 numbers with 24 random bits on [0, 1), as
``Generator.random(dtype=np.float32)`` makes them; :func:`below` gives float64.
"""

from __future__ import annotations

import numpy as np

MASK64 = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15  # SplitMix64 increment (odd; 2^64 / golden ratio)
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB
_U24 = np.float32(2.0**-24)


def mix64(x: int) -> int:
    """SplitMix64 output function of one 64-bit integer (Python int arithmetic)."""
    x &= MASK64
    x = ((x ^ (x >> 30)) * MIX1) & MASK64
    x = ((x ^ (x >> 27)) * MIX2) & MASK64
    return x ^ (x >> 31)


_SHIFTS = (np.uint64(30), np.uint64(27), np.uint64(31))
_MIX1, _MIX2, _GAMMA = np.uint64(MIX1), np.uint64(MIX2), np.uint64(GAMMA)


def _mix_array(x: np.ndarray) -> np.ndarray:
    """SplitMix64 output function, in place on a uint64 array (wraps modulo 2^64)."""
    s30, s27, s31 = _SHIFTS
    x ^= x >> s30
    x *= _MIX1
    x ^= x >> s27
    x *= _MIX2
    x ^= x >> s31
    return x


class Streams:
    """The random streams of one run, by name (sub-steps plus ``init``).

    Args:
        seed: the run's root seed.
        names: stream names, in a fixed order (a name's position is its stream id, so
            appending a name keeps the numbers of the others).
    """

    def __init__(self, seed: int, names: tuple[str, ...]) -> None:
        """Seed one PCG64DXSM and one SplitMix64 key per stream."""
        self.names = tuple(names)
        self._generators: dict[str, tuple[np.random.Generator, dict]] = {}
        self._keys: dict[str, int] = {}
        for i, name in enumerate(self.names):
            seq = np.random.SeedSequence(seed, spawn_key=(i,))
            bits = np.random.PCG64DXSM(seq)
            self._generators[name] = (np.random.Generator(bits), bits.state)
            self._keys[name] = int(seq.generate_state(1, np.uint64)[0])

    def _check(self, name: str) -> None:
        if name not in self._keys:
            raise KeyError(f"no random stream {name!r}; streams: {list(self.names)}")

    def generator(self, name: str, month: int) -> np.random.Generator:
        """Stream ``name`` positioned at month ``month`` (the same numbers every time).

        The returned generator is shared: draw from it before asking for another month.
        """
        self._check(name)
        rng, start = self._generators[name]
        rng.bit_generator.state = start
        rng.bit_generator.advance(month << 64)
        return rng

    def uniforms(self, name: str, month: int, rows: np.ndarray, k: int = 1) -> np.ndarray:
        """``k`` uniforms on [0, 1) for each worker row in ``rows``, float32.

        Returns shape ``(len(rows),)`` for ``k == 1``, else ``(len(rows), k)``. Row r's
        numbers depend only on (seed, ``name``, ``month``, r, column), never on the
        other rows listed. Each 64-bit hash gives two numbers (the top 24 bits of each
        32-bit half), so row r uses elements ``r * h`` to ``r * h + h - 1`` of the
        stream's SplitMix64 sequence, ``h = ceil(k / 2)``.
        """
        self._check(name)
        key = mix64(self._keys[name] ^ mix64(month + 1))
        h = (k + 1) // 2
        x = np.asarray(rows).astype(np.uint64)  # a copy: the counters, then the hashes
        if h > 1:
            x = x[:, None] * np.uint64(h) + np.arange(h, dtype=np.uint64)
        x *= _GAMMA
        x += np.uint64((key + GAMMA) & MASK64)
        _mix_array(x)
        if k == 1:
            x >>= np.uint64(40)
            u = x.astype(np.float32)
            u *= _U24
            return u
        # The two 32-bit halves of each hash, top 24 bits of each as a float32 uniform.
        halves = x.reshape(len(rows), h).view(np.uint32) >> np.uint32(8)
        u = halves.astype(np.float32)
        u *= _U24
        return u[:, :k]


def below(rng: np.random.Generator, n: int, ceiling: float) -> tuple[np.ndarray, np.ndarray]:
    """Rows of ``range(n)`` whose uniform falls below ``ceiling``, and those uniforms.

    Those rows are the successes of ``n`` Bernoulli(ceiling) trials, so the gaps between
    them are Geometric(ceiling): they are drawn from ``rng`` (a sub-step's
    :meth:`Streams.generator`) and summed, then a uniform below the ceiling is drawn
    for each row found. Same joint distribution as one uniform per row, at the cost of
    the rows found.

    Returns:
        Increasing row numbers and their uniforms (float64, each in [0, ceiling)).
    """
    ceiling = min(max(float(ceiling), 0.0), 1.0)
    if ceiling == 0.0 or n <= 0:
        return np.empty(0, dtype=np.intp), np.empty(0)
    # Enough gaps to pass row n - 1 almost always; draw more in the rare other case.
    batch = int(n * ceiling + 6.0 * (n * ceiling * (1.0 - ceiling)) ** 0.5) + 16
    # A gap beyond n + 1 lands past the last row anyway: capping it keeps the sums from
    # overflowing when the ceiling is tiny, and changes nothing else.
    rows = np.cumsum(np.minimum(rng.geometric(ceiling, batch), n + 1)) - 1
    while rows[-1] < n:
        gaps = np.minimum(rng.geometric(ceiling, batch), n + 1)
        rows = np.concatenate([rows, rows[-1] + np.cumsum(gaps)])
    rows = rows[: rows.searchsorted(n)]
    return rows, ceiling * rng.random(rows.size)
