"""The command line and the output contract (DESIGN sections 4-6): names, units, paths, and bad input."""
import copy
import csv
import re
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from typer.testing import CliRunner

from helpers import scenario_dict, write_scenario
from plume.cli import app

runner = CliRunner()

SMALL = dict(
    time={"duration_h": 1, "step_s": 60, "output_every_s": 900},
    currents={"synthetic": {"mean_u_m_s": 0.05, "mean_v_m_s": -0.02}},
    turbulence={"horizontal_m2_s": 0.1, "vertical": {"profile": "constant", "value_m2_s": 1e-4}},
    sediment={"classes": [{"name": "fine", "mass_fraction": 0.5, "settling_m_s": 1e-4},
                          {"name": "coarse", "mass_fraction": 0.5, "diameter_um": 63}]},
    sources=[{"kind": "collector", "name": "c", "start_h": 0, "stop_h": 1, "rate_kg_s": 2.0,
              "release_height_m": 2, "release_width_m": 10,
              "track": {"origin_m": [-100, -100], "lanes": 2, "lane_length_m": 200, "lane_spacing_m": 20,
                        "speed_m_s": 0.5}},
             {"kind": "discharge", "name": "d", "position_m": [0, 0], "depth_m": 50, "rate_kg_s": 1.0,
              "start_h": 0, "stop_h": 1}],
    particles={"count": 2000, "seed": 4},
    grid={"resolution_m": 20, "extent_m": [-400, 400, -400, 400], "layers_above_bed_m": [0, 1, 2, 5, 10],
          "depth_levels_m": [40, 45, 50, 55, 60]},
)

# DESIGN section 5: variable -> (dims, units)
CONTRACT = {
    "x": (("x",), "m"), "y": (("y",), "m"), "lon": (("y", "x"), "degrees_east"),
    "lat": (("y", "x"), "degrees_north"), "layer": (("layer",), "m"), "depth": (("y", "x"), "m"),
    "ssc": (("time", "layer", "y", "x"), "kg m-3"), "ssc_max": (("layer", "y", "x"), "kg m-3"),
    "ssc_midwater": (("time", "depth_level", "y", "x"), "kg m-3"),
    "ssc_exceedance_time": (("ssc_threshold", "layer", "y", "x"), "s"),
    "deposit_mass": (("time", "y", "x"), "kg m-2"), "deposit_thickness": (("time", "y", "x"), "m"),
    "deposit_area": (("time", "deposit_threshold"), "m2"),
    "mass_released": (("time",), "kg"), "mass_suspended": (("time",), "kg"),
    "mass_deposited": (("time",), "kg"), "mass_exited": (("time",), "kg"),
    "deposit_threshold": (("deposit_threshold",), "m"), "ssc_threshold": (("ssc_threshold",), "kg m-3"),
}


def small(**replacements):
    """The small scenario with whole top-level blocks replaced."""
    return {**scenario_dict(**SMALL), **replacements}


def write(tmp_path, **replacements):
    return write_scenario(tmp_path / "scenario.yaml", small(**replacements))


def assert_one_line_error(result):
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("plume: error: ")
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.slow
def test_run_writes_the_contract_file(tmp_path):
    path = write(tmp_path)
    result = runner.invoke(app, ["run", str(path), "-q"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out" / "case.nc"  # <output.directory>/<name>.nc, relative to the scenario file
    assert out.exists()
    assert "mass released" in result.output and str(out) in result.output
    # every threshold area with its standard error from the particle groups: "area >= 1 mg/L ...: 0.01 ± 0.002 km2"
    areas = [line for line in result.output.splitlines() if line.strip().startswith("area >=")]
    assert len(areas) == 4 and all(re.search(r": [0-9.e+-]+ ± [0-9.e+-]+ km2", line) for line in areas), areas
    # no temporary file left
    assert sorted(p.name for p in out.parent.iterdir()) == ["case.nc", "case_metrics.csv", "case_metrics.json"]
    ds = xr.open_dataset(out, decode_times=False)
    for name, (dims, units) in CONTRACT.items():
        assert ds[name].dims == dims, name
        assert ds[name].attrs["units"] == units, name
        assert ds[name].attrs.get("long_name"), name
    assert ds.ssc.attrs["standard_name"] == "mass_concentration_of_suspended_matter_in_sea_water"
    assert ds.depth.attrs["standard_name"] == "sea_floor_depth_below_sea_surface"
    assert ds.crs.attrs["grid_mapping_name"] == "azimuthal_equidistant"
    assert ds.attrs["Conventions"].startswith("CF-1.10")
    for attr in ("title", "summary", "history", "plume_version", "scenario", "date_created",
                 "time_coverage_start", "geospatial_lat_min"):
        assert ds.attrs[attr], attr
    assert yaml.safe_load(ds.attrs["scenario"])["name"] == "case"
    # the footprint metrics in the file and in the CSV agree, and the collector's swept ground is in them
    # (2 lanes of 200 m and their 20 m turn, 10 m wide: about 4,200 m2; the file once had 0)
    metrics_csv = {row["name"]: row for row in csv.DictReader(open(out.parent / "case_metrics.csv"))}
    assert float(ds.footprint_area) == pytest.approx(4200.0, rel=0.1)
    assert float(metrics_csv["footprint_area_m2"]["value"]) == float(ds.footprint_area)
    assert ds.time.attrs["units"] == "seconds since 2026-04-01 00:00:00"
    np.testing.assert_allclose(ds.time.values, np.arange(5) * 900.0)
    np.testing.assert_allclose(ds.layer.values, [0.5, 1.5, 3.5, 7.5])
    np.testing.assert_allclose(ds.deposit_threshold.values, [1e-6, 1e-5])
    np.testing.assert_allclose(ds.ssc_threshold.values, [1e-4, 1e-3])
    assert float(ds.lon.sel(x=10.0, y=10.0)) == pytest.approx(-116.9, abs=1e-3)
    np.testing.assert_allclose(ds.depth.values, 100.0)
    np.testing.assert_allclose(ds.deposit_thickness.values, ds.deposit_mass.values / 300.0, rtol=1e-6)
    # SSC integrates back to the suspended mass in the layers: the cell-mean definition
    volume = 20.0 * 20.0 * np.diff([0, 1, 2, 5, 10])[None, :, None, None]
    in_layers = float((ds.ssc * volume).sum(("layer", "y", "x"))[-1])
    assert 0 < in_layers <= float(ds.mass_suspended[-1]) * (1 + 1e-6)
    released = ds.mass_released.values
    assert released[-1] == pytest.approx(3.0 * 3600, rel=1e-12)


@pytest.mark.slow
def test_output_option_overrides_the_directory_and_cli_overrides_particles_and_seed(tmp_path):
    path = write(tmp_path)
    target = tmp_path / "elsewhere"
    result = runner.invoke(app, ["run", str(path), "-q", "-o", str(target), "--particles", "500", "--seed", "9"])
    assert result.exit_code == 0, result.output
    assert (target / "case.nc").exists() and not (tmp_path / "out").exists()
    ds = xr.open_dataset(target / "case.nc")
    assert ds.attrs["particles_released"] == 500 and ds.attrs["particle_seed"] == 9


def test_check_validates_without_writing(tmp_path):
    path = write(tmp_path)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_warmup_compiles_the_step_and_writes_nothing(tmp_path):
    path = write(tmp_path)
    result = runner.invoke(app, ["warmup", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{path}: ready" in result.output
    assert not (tmp_path / "out").exists()
    again = runner.invoke(app, ["warmup", str(path)])  # cached now: no compiling notice
    assert again.exit_code == 0 and "compiling" not in again.output
    bad = runner.invoke(app, ["warmup", str(tmp_path / "missing.yaml")])
    assert bad.exit_code == 2 and "missing.yaml" in bad.output


def run_in_process(path, threads):
    from plume.scenario import load_scenario
    from plume.solver import run

    return run(load_scenario(path), write=False, threads=threads)


@pytest.mark.slow
def test_same_seed_gives_identical_results_with_one_thread_or_two(tmp_path):
    import numba

    path = write(tmp_path)
    a = run_in_process(path, threads=1)
    b = run_in_process(path, threads=min(2, numba.config.NUMBA_NUM_THREADS))
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    for name in a.dataset.data_vars:
        values = a.dataset[name].values  # NaN marks a threshold never reached: equal when both are NaN
        assert np.array_equal(values, b.dataset[name].values, equal_nan=values.dtype.kind == "f"), name
    assert np.array_equal(a.particles.x_m, b.particles.x_m)
    assert np.array_equal(a.particles.z_m, b.particles.z_m)
    other = write_scenario(tmp_path / "other.yaml", small(particles={"count": 2000, "seed": 5}))
    c = run_in_process(other, threads=None)
    assert not np.array_equal(a.particles.x_m, c.particles.x_m)


@pytest.mark.slow
def test_same_seed_gives_bit_identical_files_with_one_thread_or_all(tmp_path, monkeypatch):
    import numba

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # fixes date_created and history
    path = write(tmp_path)
    files = []
    for threads in (1, numba.config.NUMBA_NUM_THREADS):
        assert runner.invoke(app, ["run", str(path), "-q", "--threads", str(threads)]).exit_code == 0
        files.append((tmp_path / "out" / "case.nc").read_bytes())
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    assert files[0] == files[1]
    assert xr.open_dataset(tmp_path / "out" / "case.nc").attrs["date_created"] == "2026-01-01T00:00:00+00:00"


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"turbulance": {}}, "did you mean 'turbulence'"),
        ({"sources": [{**SMALL["sources"][1], "kind": "colector"}]}, "sources[0].kind"),
        ({"particles": {"count": "many", "seed": 1}}, "particles.count"),
        ({"sources": [{**SMALL["sources"][1], "rate_kg_s": -3}]}, "sources[0].rate_kg_s"),
        ({"bathymetry": {"file": "missing.nc"}}, "bathymetry.file"),
        ({"time": {"start": "2026-04-01", "duration_h": 1, "step_s": 60, "output_every_s": 90}}, "output_every_s"),
    ],
)
def test_bad_scenarios_fail_with_one_line_and_write_nothing(tmp_path, changes, expected):
    path = write_scenario(tmp_path / "bad.yaml", small(**changes))
    result = runner.invoke(app, ["run", str(path), "-q"])
    line = assert_one_line_error(result)
    assert expected in line
    assert not (tmp_path / "out").exists()


def currents_file(path, start, hours, lon=(-117.0, -116.8), lat=(10.3, 10.5)):
    times = np.array([np.datetime64(start) + np.timedelta64(h, "h") for h in range(hours + 1)])
    lons = np.linspace(*lon, 5)
    lats = np.linspace(*lat, 5)
    depth = np.array([0.0, 50.0, 100.0])
    shape = (times.size, depth.size, lats.size, lons.size)
    ds = xr.Dataset(
        {"uo": (("time", "depth", "latitude", "longitude"), np.full(shape, 0.05, np.float32)),
         "vo": (("time", "depth", "latitude", "longitude"), np.full(shape, -0.02, np.float32))},
        coords={"time": times, "depth": ("depth", depth, {"positive": "down", "units": "m"}),
                "latitude": ("latitude", lats, {"units": "degrees_north"}),
                "longitude": ("longitude", lons, {"units": "degrees_east"})},
    )
    ds.to_netcdf(path)
    return path


@pytest.mark.slow
def test_current_file_drives_the_run(tmp_path):
    currents_file(tmp_path / "currents.nc", "2026-04-01T00:00", 2)
    path = write(tmp_path, currents={"file": "currents.nc"})
    result = runner.invoke(app, ["run", str(path), "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "case.nc").exists()


@pytest.mark.parametrize(
    "start, hours, lon, expected",
    [("2026-04-01T00:30", 3, (-117.0, -116.8), "time"),   # starts after the run starts
     ("2026-03-31T23:00", 1, (-117.0, -116.8), "time"),   # ends before the run ends
     ("2026-04-01T00:00", 2, (-116.9, -116.8), "lon")],   # misses the west of the domain
)
def test_currents_not_covering_the_run_fail_before_anything_is_written(tmp_path, start, hours, lon, expected):
    currents_file(tmp_path / "currents.nc", start, hours, lon=lon)
    path = write(tmp_path, currents={"file": "currents.nc"})
    line = assert_one_line_error(runner.invoke(app, ["run", str(path), "-q"]))
    assert "currents.nc" in line and expected in line
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_existing_output_is_kept_when_a_run_fails(tmp_path):
    path = write(tmp_path)
    assert runner.invoke(app, ["run", str(path), "-q"]).exit_code == 0
    before = (tmp_path / "out" / "case.nc").read_bytes()
    bad = small(currents={"file": "nowhere.nc"})
    write_scenario(path, bad)
    assert_one_line_error(runner.invoke(app, ["run", str(path), "-q"]))
    assert (tmp_path / "out" / "case.nc").read_bytes() == before


# -- property-based: mutated scenario files never produce a traceback --

leaf_values = hs.one_of(
    hs.none(), hs.booleans(), hs.integers(-10**6, 10**6), hs.floats(allow_nan=True, allow_infinity=True),
    hs.text(max_size=8), hs.lists(hs.integers(-5, 5), max_size=3),
    hs.dictionaries(hs.text(max_size=4), hs.integers(), max_size=2),
)


def paths_of(tree, prefix=()):
    yield prefix
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield from paths_of(v, prefix + (k,))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            yield from paths_of(v, prefix + (i,))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=hs.data())
def test_mutated_scenarios_never_give_a_traceback(tmp_path, data):
    tree = copy.deepcopy(scenario_dict(**SMALL))
    paths = [p for p in paths_of(tree) if p]
    for _ in range(data.draw(hs.integers(1, 3))):
        path = data.draw(hs.sampled_from(paths))
        parent = tree
        try:
            for key in path[:-1]:
                parent = parent[key]
            action = data.draw(hs.sampled_from(["delete", "replace", "add"]))
            if action == "delete":
                del parent[path[-1]]
            elif action == "replace":
                parent[path[-1]] = data.draw(leaf_values)
            elif isinstance(parent, dict):
                parent[data.draw(hs.text(min_size=1, max_size=10))] = data.draw(leaf_values)
        except (KeyError, IndexError, TypeError):
            pass  # an earlier mutation removed or replaced this branch
    target = tmp_path / "mutated.yaml"
    target.write_text(yaml.safe_dump(tree, sort_keys=False))
    result = runner.invoke(app, ["check", str(target)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert_one_line_error(result)


def test_unwritable_output_fails_before_the_run(tmp_path):
    path = write(tmp_path)
    (tmp_path / "blocker").write_text("a file where a folder should be")
    line = assert_one_line_error(runner.invoke(app, ["run", str(path), "-q", "-o", str(tmp_path / "blocker" / "x")]))
    assert "output.directory" in line


@pytest.mark.slow
@pytest.mark.parametrize("config", sorted((Path(__file__).resolve().parents[1] / "configs").glob("*.yaml")),
                         ids=lambda p: p.name)
def test_every_shipped_scenario_validates_and_steps(config):
    from plume.scenario import load_scenario
    from plume.solver import Simulation

    sim = Simulation(load_scenario(config).with_overrides(particles=2000))
    for step in range(5):
        sim.release_due(step * sim.dt_s)
        sim.step(step)
    sim.record(0)
    budget = sim.budget
    assert budget.series_kg["released"][0] > 0
    assert abs(budget.residual_kg[0]) <= 1e-12 * budget.series_kg["released"][0]
