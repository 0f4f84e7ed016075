"""The committed ``calibrated`` preset still reproduces the national targets.

Re-runs the preset at the size and seeds recorded in its ``[meta]`` table. If the
model's code changed since the calibration, these tests say so: rerun
``uptake calibrate --start calibrated`` (see docs/calibration.md).
"""

from __future__ import annotations

import pytest

from experiments.calibration.objective import model_simulator
from experiments.calibration.targets import ORDERING, fitted, load_targets, ordering_holds
from model.presets import available_presets, load_preset, load_preset_meta

pytestmark = pytest.mark.slow

# The committed preset is part of the product: if it is missing, every test here fails.
assert "calibrated" in available_presets(), "model/data/presets/calibrated.toml is missing"

TARGETS = fitted(load_targets())
COVERAGE = [t for t in TARGETS if t.key.startswith("coverage_")]


@pytest.fixture(scope="module")
def values():
    """Model values of the calibrated preset at the recorded seeds: (targets,) mean."""
    meta = load_preset_meta("calibrated")
    simulate = model_simulator(TARGETS, meta["seeds"], meta["n_workers"])
    means = simulate(load_preset("calibrated")).mean(axis=0)
    return dict(zip([t.label for t in TARGETS], means, strict=True))


def test_every_coverage_target_is_within_two_points(values):
    for t in COVERAGE:
        gap = 100 * (values[t.label] - t.value)
        assert abs(gap) <= 2.0, (
            f"{t.label}: model {values[t.label]:.4f} vs {t.value} ({gap:+.2f} pp)"
        )


def test_scheme_ordering_holds_every_year(values):
    for year in (2011, 2012, 2013):
        coverage = {s: values[f"coverage_{s}_{year}"] for s in ORDERING}
        assert ordering_holds(coverage), f"ordering broken in {year}: {coverage}"


def test_recorded_fit_is_reproduced_exactly(values):
    """Same code, preset and seeds give the fit written in [meta] (a changed model fails)."""
    fit = load_preset_meta("calibrated")["fit"]
    for label, value in values.items():
        assert value == pytest.approx(fit[label]["model"], abs=1e-9), (
            f"{label}: {value} now vs {fit[label]['model']} at calibration; the model changed "
            "since `uptake calibrate` ran"
        )


def test_negative_control_a_perturbed_preset_misses_the_targets():
    """Moving one fitted propensity by one utility unit must break the 2 pp criterion."""
    meta = load_preset_meta("calibrated")
    params = load_preset("calibrated")
    params["propensity_injury"] += 1.0
    simulate = model_simulator(COVERAGE, meta["seeds"][:1], 20_000)
    got = simulate(params)[0]
    worst = max(abs(v - t.value) for v, t in zip(got, COVERAGE, strict=True))
    assert worst > 0.02, f"a +1 shift of propensity_injury left every gap within 2 pp ({worst})"
