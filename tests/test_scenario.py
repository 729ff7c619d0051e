"""The scenario file contract (DESIGN.md section 4): valid files load in SI units,
and every mistake is one ScenarioError line naming the key, the value and the rule."""
import copy
import math
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plume.errors import ScenarioError
from plume.scenario import TIDAL_PERIODS_H, Collector, Discharge, Scenario, load_scenario, scenario_from_dict


def base() -> dict:
    """A small valid scenario: flat seabed, synthetic currents, 80 x 80 cells."""
    return {
        "name": "demo",
        "title": "Pilot collector, flat seabed",
        "site": {"lon": -116.9, "lat": 10.4},
        "time": {"start": "2026-04-01T00:00:00Z", "duration_h": 48, "step_s": 60, "output_every_s": 3600},
        "bathymetry": {"flat_depth_m": 4300},
        "currents": {"synthetic": {
            "mean_u_m_s": 0.02, "mean_v_m_s": -0.03, "bottom_roughness_m": None,
            "tides": [{"constituent": "M2", "u_amplitude_m_s": 0.03, "v_amplitude_m_s": 0.02, "phase_deg": 0}],
        }},
        "turbulence": {"horizontal_m2_s": 0.1, "vertical": {"profile": "constant", "value_m2_s": 1.0e-4}},
        "sediment": {
            "grain_density_kg_m3": 2650, "deposit_dry_density_kg_m3": 300, "resuspension": None,
            "classes": [{"name": "fine", "mass_fraction": 0.5, "settling_m_s": 1.0e-4},
                        {"name": "coarse", "mass_fraction": 0.5, "diameter_um": 63}],
        },
        "sources": [
            {"kind": "collector", "name": "pilot", "start_h": 0, "stop_h": 24, "rate_kg_s": 5,
             "release_height_m": 2, "release_width_m": 10,
             "track": {"origin_m": [0, 0], "heading_deg": 0, "lanes": 10, "lane_length_m": 1000,
                       "lane_spacing_m": 20, "speed_m_s": 0.5}},
            {"kind": "discharge", "name": "return-water", "position_m": [0, 0], "depth_m": 1200,
             "rate_kg_s": 3, "start_h": 0, "stop_h": 24},
        ],
        "particles": {"count": 2000, "seed": 1},
        "grid": {"resolution_m": 50, "extent_m": [-2000, 2000, -2000, 2000],
                 "layers_above_bed_m": [0, 1, 2, 5, 10, 20, 50]},
        "thresholds": {"deposit_mm": [0.1, 1, 10], "ssc_mg_l": [1, 10]},
        "output": {"directory": "outputs/demo", "trajectories": False, "maps": True},
    }


def write(folder: Path, data, name: str = "scenario.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return path


def error_of(data: dict, base_dir: Path = Path(".")) -> str:
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(data, base_dir)
    message = str(info.value)
    assert len(message.splitlines()) == 1, message
    return message


# ---------------------------------------------------------------- valid files


def test_valid_file_loads_in_si_units(tmp_path):
    path = write(tmp_path / "configs", base())
    s = load_scenario(path)
    assert isinstance(s, Scenario)
    assert s.display_title == "Pilot collector, flat seabed"
    assert s.time.start == datetime(2026, 4, 1, tzinfo=timezone.utc)
    assert s.time.duration_s == 48 * 3600
    assert (s.time.n_steps, s.time.steps_per_output, s.time.n_outputs) == (2880, 60, 49)
    assert s.thresholds.deposit_m == pytest.approx([1e-4, 1e-3, 1e-2])
    assert s.thresholds.ssc_kg_m3 == pytest.approx([1e-3, 1e-2])
    assert s.output.directory == tmp_path / "configs" / "outputs" / "demo"
    assert (s.grid.nx, s.grid.ny, s.grid.n_layers) == (80, 80, 6)
    collector, discharge = s.sources
    assert isinstance(collector, Collector) and isinstance(discharge, Discharge)
    assert collector.stop_s == 24 * 3600 and collector.total_mass_kg == 5 * 24 * 3600
    tide = s.currents.synthetic.tides[0]
    assert tide.period_s == TIDAL_PERIODS_H["M2"] * 3600 and tide.v_phase == -90
    assert s.sediment.water_density_kg_m3 == 1045 and s.sediment.deposition.condition == "flux"
    assert s.sediment.deposition.efficiency == 1.0 and s.sediment.resuspension is None
    assert s.source_text == path.read_text() and s.source_path == path


def test_defaults_and_yaml_niceties(tmp_path):
    data = base()
    for key in ("title", "turbulence", "thresholds", "output"):
        del data[key]
    data["time"]["start"] = "START"
    text = yaml.safe_dump(data).replace("0.0001", "1e-4")  # YAML 1.1 would read 1e-4 as text
    s = load_scenario(write(tmp_path, text.replace("START", "2026-04-01T06:00:00+02:00")))
    assert s.display_title == "demo"
    assert s.time.start == datetime(2026, 4, 1, 4, tzinfo=timezone.utc)
    naive = load_scenario(write(tmp_path, text.replace("START", "2026-04-01 06:00:00"), "naive.yaml"))
    assert naive.time.start == datetime(2026, 4, 1, 6, tzinfo=timezone.utc)  # naive means UTC
    assert s.sediment.classes[0].settling_m_s == 1e-4
    assert s.turbulence.vertical.profile == "constant" and s.turbulence.vertical.value_m2_s == 0
    assert s.thresholds.deposit_mm == [0.1, 1, 10]
    assert s.output.directory == tmp_path / "outputs"


def test_relative_file_paths_resolve_against_the_scenario_folder(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "ccz.nc").write_bytes(b"")
    data = base()
    data["bathymetry"] = {"file": "../data/ccz.nc", "variable": "elevation"}
    s = load_scenario(write(tmp_path / "configs", data))
    assert s.bathymetry.file.resolve() == (tmp_path / "data" / "ccz.nc").resolve()


def test_instantaneous_discharge_and_table_profile():
    data = base()
    data["sources"][1] = {"kind": "discharge", "name": "puff", "position_m": [100, -100],
                          "height_above_bed_m": 5, "mass_kg": 10, "start_h": 2}
    data["turbulence"]["vertical"] = {"profile": "table", "height_above_bed_m": [0, 10, 100],
                                      "value_m2_s": [1e-5, 1e-3, 1e-4]}
    s = scenario_from_dict(data, Path("."))
    assert s.sources[1].stop_h == 2 and s.sources[1].instantaneous and s.sources[1].total_mass_kg == 10
    assert s.turbulence.vertical.profile == "table"
    data["turbulence"]["vertical"]["value_m2_s"] = ["1e-5", 1e-3, 1e-4]  # yaml.safe_load's "1e-5"
    assert scenario_from_dict(data, Path(".")).turbulence.vertical.value_m2_s[0] == 1e-5
    assert "name: demo" in s.source_text


def test_with_overrides(tmp_path):
    s = load_scenario(write(tmp_path, base()))
    t = s.with_overrides(particles=500, seed=9, output_directory=tmp_path / "elsewhere")
    assert (t.particles.count, t.particles.seed) == (500, 9)
    assert t.output.directory == tmp_path / "elsewhere"
    assert s.particles.count == 2000 and "count: 500" in t.source_text
    with pytest.raises(ScenarioError, match=r"particles.count: must be >= 1, got 0"):
        s.with_overrides(particles=0)


# ---------------------------------------------------------------- one rule, one clear line


def _set(path, value):
    def mutate(d):
        *parents, last = path
        for key in parents:
            d = d[key]
        if value is _DELETE:
            del d[last]
        else:
            d[last] = value
    return mutate


_DELETE = object()

CASES = [
    (_set(["turbulance"], {}), ["turbulance: unknown key; did you mean 'turbulence'?"]),
    (_set(["grid", "zzz"], 1), ["grid.zzz: unknown key; allowed keys: resolution_m, extent_m"]),
    (_set(["sources", 1, "rate_kg_s"], -3), ["sources[1].rate_kg_s: must be > 0, got -3"]),
    (_set(["sources", 0, "rate_kg_s"], True), ["sources[0].rate_kg_s: must be a number, got true"]),
    (_set(["sources", 0, "rate_kg_s"], "five"), ["sources[0].rate_kg_s: must be a number, got 'five'"]),
    (_set(["turbulence", "vertical", "value_m2_s"], math.nan),
     ["turbulence.vertical.value_m2_s: must be a finite number", "got nan"]),
    (_set(["site", "lat"], math.inf), ["site.lat: must be a finite number", "got inf"]),
    (_set(["site", "lat"], 85), ["site.lat: must be <= 80, got 85"]),
    (_set(["sources", 0, "kind"], "colector"),
     ["sources[0].kind: must be 'collector' or 'discharge', got 'colector'"]),
    (_set(["sources", 0, "kind"], _DELETE), ["sources[0].kind: required key missing"]),
    (_set(["turbulence", "vertical", "profile"], "tabel"),
     ["turbulence.vertical.profile: must be one of 'constant', 'table', 'boundary_layer', got 'tabel'"]),
    (_set(["currents", "synthetic", "tides", 0, "constituent"], "X2"),
     ["currents.synthetic.tides[0].constituent: must be one of 'M2', 'S2'", "got 'X2'"]),
    (_set(["sediment", "classes", 0, "mass_fraction"], 0.3),
     ["sediment.classes: mass_fraction values must sum to 1, got 0.8"]),
    (_set(["sediment", "resuspension"], {"fluff_critical_stress_pa": 0.02}),
     ["sediment.resuspension.critical_stress_pa: required key missing"]),
    (_set(["sediment", "fluff_critical_shear_stress_pa"], 0.02),
     ["sediment.fluff_critical_shear_stress_pa: this key moved into a block; "
      "write resuspension: {fluff_critical_stress_pa: TAU}"]),
    (_set(["sources", 0, "stop_h"], 60), ["sources[0].stop_h: must be <= time.duration_h (48), got 60"]),
    (_set(["sources", 1, "position_m"], [3000, 0]),
     ["sources[1].position_m: must lie inside grid.extent_m [-2000, 2000, -2000, 2000], got [3000, 0]"]),
    (_set(["sources", 0, "track", "lane_length_m"], 2500), ["sources[0].track: the track", "inside grid.extent_m"]),
    (_set(["time", "output_every_s"], 90),
     ["time.output_every_s: must be a whole multiple of step_s (60 s), got 90"]),
    (_set(["time", "step_s"], 7000), ["time.step_s:", "whole multiple of step_s, got 7000"]),
    (_set(["time", "step_s"], 0.001), ["time.step_s:", "more than 10,000,000 steps"]),
    (_set(["time", "start"], "yesterday"), ["time.start: must be a date and time", "got 'yesterday'"]),
    (_set(["bathymetry", "file"], __file__), ["bathymetry: give either flat_depth_m or file, not both"]),
    (_set(["bathymetry"], {"file": "missing.nc"}), ["bathymetry.file: no such file: ", "missing.nc"]),
    (_set(["bathymetry", "flat_depth_m"], _DELETE), ["bathymetry: give one of flat_depth_m or file"]),
    (_set(["sources", 1, "mass_kg"], 10), ["sources[1]: give either rate_kg_s or mass_kg, not both"]),
    (_set(["sources", 1, "rate_kg_s"], _DELETE),
     ["sources[1]: give one of rate_kg_s or mass_kg"]),
    (_set(["sources", 1], {"kind": "discharge", "name": "p", "position_m": [0, 0], "depth_m": 10,
                           "mass_kg": 1, "start_h": 0, "stop_h": 1}),
     ["sources[1].stop_h: mass_kg is an instantaneous release: stop_h must equal start_h (0), got 1"]),
    (_set(["sources", 1, "name"], "pilot"), ["sources[1].name: duplicate source name 'pilot'"]),
    (_set(["sources"], []), ["sources: must have at least 1 item, got []"]),
    (_set(["particles", "count"], 0), ["particles.count: must be >= 1, got 0"]),
    (_set(["particles", "count"], 2.5), ["particles.count: must be an integer, got 2.5"]),
    (_set(["name"], "my run"), ["name: must start with a letter or digit", "got 'my run'"]),
    (_set(["name"], _DELETE), ["name: required key missing"]),
    (_set(["grid"], 5), ["grid: must be a mapping of keys, got 5"]),
    (_set(["grid", "resolution_m"], 30), ["grid.extent_m: x span (4000 m) must be a whole multiple"]),
    (_set(["grid", "layers_above_bed_m"], [0, 5, 2]), ["grid.layers_above_bed_m: must be strictly increasing"]),
    (_set(["output", "maps"], "yes"), ["output.maps: must be true or false, got 'yes'"]),
    (_set(["thresholds", "ssc_mg_l"], [10, 1]), ["thresholds.ssc_mg_l: must be strictly increasing, got [10, 1]"]),
    (_set(["currents", "synthetic", "bottom_roughness_m"], 0.01), []),  # valid: a log layer
    (_set(["currents", "synthetic", "log_layer_height_m"], 0), ["log_layer_height_m: must be > 0, got 0"]),
    (_set(["sediment", "classes", 1, "name"], "fine"), ["sediment.classes[1].name: duplicate class name 'fine'"]),
    (_set(["sediment", "grain_density_kg_m3"], 1000),
     ["sediment.grain_density_kg_m3: must be > water_density_kg_m3 (1045) when a class gives diameter_um"]),
    (_set(["sediment", "classes", 0, "diameter_um"], 10),
     ["sediment.classes[0]: give either settling_m_s or diameter_um, not both"]),
    (_set(["sources", 1, "depth_m"], 5000), ["sources[1].depth_m: must be < bathymetry.flat_depth_m (4300)"]),
]


@pytest.mark.parametrize("mutate, expected", CASES)
def test_each_rule_gives_one_clear_line(mutate, expected, tmp_path):
    data = base()
    mutate(data)
    if not expected:
        assert isinstance(scenario_from_dict(data, tmp_path), Scenario)
        return
    message = error_of(data, tmp_path)
    assert message.startswith("<scenario>: ")
    for part in expected:
        assert part in message


def test_several_errors_are_joined_and_capped():
    data = base()
    for key in ("site", "time", "bathymetry", "currents", "sediment", "particles", "grid"):
        data[key] = -1
    message = error_of(data)
    assert message.count("; ") == 4 and message.endswith("(and 2 more)")
    assert "site: must be a mapping of keys, got -1" in message


def test_output_size_guard():
    data = base()
    data["grid"].update(resolution_m=1, extent_m=[-2000, 2000, -2000, 2000])  # 16 M cells x 6 layers
    data["time"].update(output_every_s=600)  # x 289 records x 4 B: 104 GiB on disk, over the 64 GiB guard
    message = error_of(data)
    assert "GiB" in message and "time.output_every_s" in message and "grid.resolution_m" in message


# ---------------------------------------------------------------- the file itself


@pytest.mark.parametrize("text, expected", [
    ("", "the file is empty"),
    ("# only a comment\n", "the file is empty"),
    ("- a\n- b\n", "top level must be a mapping"),
    ("name: demo\n  site: [1, 2\n", "not valid YAML at line 2"),
    ("name: a\nname: b\n", "duplicate key 'name'"),
    ("time: {start: 2026-02-30}\n", "not valid YAML"),
    ("x: !!python/object:os.system {}\n", "not valid YAML"),
])
def test_bad_files(tmp_path, text, expected):
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and expected in message and "\n" not in message


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match=r"nope\.yaml: no such file$"):
        load_scenario(tmp_path / "nope.yaml")


# ---------------------------------------------------------------- anything in, ScenarioError out

_leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=10**300),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12))
_values = st.recursive(_leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=3)), max_leaves=8)
_keys = st.one_of(st.text(max_size=10), st.sampled_from(["kind", "profile", "file", "mass_kg", "stop_h",
                                                         "synthetic", "variables", "diameter_um"]))


def _slots(node, out):
    """Every (container, key) pair in the tree."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        out.append((node, key))
        _slots(child, out)
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_mutation_gives_a_scenario_or_one_scenario_error(data):
    scenario = base()
    for _ in range(data.draw(st.integers(1, 3))):
        op = data.draw(st.sampled_from(["delete", "replace", "add"]))
        slots = _slots(scenario, [])
        if op == "add":
            dicts = [scenario] + [c[k] for c, k in slots if isinstance(c[k], dict)]
            data.draw(st.sampled_from(dicts))[data.draw(_keys)] = data.draw(_values)
        elif slots:
            container, key = data.draw(st.sampled_from(slots))
            if op == "delete":
                del container[key]
            else:
                container[key] = data.draw(_values)
    try:
        result = scenario_from_dict(copy.deepcopy(scenario), Path(__file__).parent)
    except ScenarioError as exc:
        message = str(exc)
        assert message.startswith("<scenario>: ") and len(message.splitlines()) == 1, message
    else:
        assert isinstance(result, Scenario)
