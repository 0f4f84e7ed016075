"""Parameter presets: loading, validation of bad files, writing, and the model hook."""

from __future__ import annotations

import pytest

from model import UptakeModel
from model.presets import (
    available_presets,
    load_preset,
    load_preset_meta,
    read_preset_file,
    write_preset,
)


def _write(folder, name, text):
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_preset_returns_params_without_meta(tmp_path):
    _write(
        tmp_path,
        "mine",
        'detection_power = 0.2\nn_workers = 3000\n\n[meta]\ncommand = "x"\nseed = 5\n',
    )
    params = load_preset("mine", tmp_path)
    assert params == {"detection_power": 0.2, "n_workers": 3000}, f"params were {params}"
    meta = load_preset_meta("mine", tmp_path)
    assert meta == {"command": "x", "seed": 5}, f"meta was {meta}"


def test_unknown_key_is_rejected_naming_file_and_key(tmp_path):
    path = _write(tmp_path, "typo", "detection_powr = 0.2\n")
    with pytest.raises(ValueError, match="unknown key 'detection_powr'") as info:
        load_preset("typo", tmp_path)
    assert str(path) in str(info.value), f"message does not name the file: {info.value}"
    assert "detection_power" in str(info.value), "message should suggest the close name"


def test_out_of_range_value_is_rejected_with_the_range(tmp_path):
    path = _write(tmp_path, "bad", "detection_power = 1.5\n")
    with pytest.raises(ValueError, match=r"detection_power=1\.5 is out of range") as info:
        load_preset("bad", tmp_path)
    assert str(path) in str(info.value), f"message does not name the file: {info.value}"


def test_non_numeric_value_and_stray_table_are_rejected(tmp_path):
    _write(tmp_path, "text", 'detection_power = "high"\n')
    with pytest.raises(ValueError, match="detection_power='high' is not a number"):
        load_preset("text", tmp_path)
    _write(tmp_path, "table", "[other]\ndetection_power = 0.2\n")
    with pytest.raises(ValueError, match="unknown key 'other'"):
        load_preset("table", tmp_path)


def test_bad_toml_and_missing_preset_are_reported(tmp_path):
    path = _write(tmp_path, "broken", "detection_power = = 2\n")
    with pytest.raises(ValueError, match="not valid TOML") as info:
        load_preset("broken", tmp_path)
    assert str(path) in str(info.value), "message does not name the file"
    with pytest.raises(ValueError, match=r"no preset 'absent'.*broken"):
        load_preset("absent", tmp_path)
    with pytest.raises(ValueError, match="not valid"):
        load_preset("../etc/passwd", tmp_path)


def test_write_then_read_round_trips_exactly(tmp_path):
    params = {"detection_power": 0.123456789012345, "propensity_injury": -1.0 / 3.0}
    meta = {"command": 'uptake calibrate --x "q"', "seeds": [1, 2], "fit": {"a_2011": {"gap": 0.5}}}
    path = write_preset(tmp_path / "out.toml", params, meta, header="line one\nline two")
    read_params, read_meta = read_preset_file(path)
    assert read_params == params, "floats must survive the round trip bit for bit"
    assert read_meta == meta, f"meta changed on the round trip: {read_meta}"
    assert path.read_text().startswith("# line one\n# line two\n"), "header comment missing"
    assert available_presets(tmp_path) == ["out"], "written preset not listed"


def test_write_rejects_invalid_params_before_writing(tmp_path):
    with pytest.raises(ValueError, match="detection_power"):
        write_preset(tmp_path / "x.toml", {"detection_power": -1.0}, {})
    assert not (tmp_path / "x.toml").exists(), "an invalid preset must not be written"


def test_from_preset_builds_the_model_with_overrides(tmp_path, monkeypatch):
    _write(tmp_path, "small", "detection_power = 0.2\nn_workers = 2000\n")
    import model.presets as presets

    monkeypatch.setattr(presets, "PRESET_DIR", tmp_path)
    m = UptakeModel.from_preset("small", seed=7, n_workers=1500)
    assert m.params.detection_power == 0.2, "preset value not applied"
    assert m.params.n_workers == 1500, "an override must win over the preset"
    assert m.params.seed == 7, "seed override not applied"


def test_committed_calibrated_preset_loads_and_runs():
    assert "calibrated" in available_presets(), "model/data/presets/calibrated.toml is missing"
    params = load_preset("calibrated")
    meta = load_preset_meta("calibrated")
    assert "meta" not in params, "the [meta] table leaked into the params"
    assert "command" not in params, "meta keys leaked into the params"
    for key in ("command", "seed", "seeds", "date", "objective", "fit"):
        assert key in meta, f"calibrated preset lacks meta.{key}"
    m = UptakeModel.from_preset("calibrated", n_workers=2000, seed=1)
    m.step()
    assert m.date() == "2011-01", f"month 1 must be January 2011, got {m.date()}"
