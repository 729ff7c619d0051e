"""The run's NetCDF passes the IOOS compliance checker's CF suite with no high-priority failure (issue 6).

The checker runs offline: the CF standard-name table ships with the package.
"""
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from helpers import scenario_dict, write_scenario
from plume.cli import app

pytest.importorskip("cf_units")
runner_module = pytest.importorskip("compliance_checker.runner")
suite_module = pytest.importorskip("compliance_checker.suite")

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the checker's own

SCENARIO = dict(
    time={"duration_h": 1, "step_s": 60, "output_every_s": 1200},
    currents={"synthetic": {"mean_u_m_s": 0.03, "mean_v_m_s": -0.01}},
    turbulence={"horizontal_m2_s": 0.05, "vertical": {"profile": "constant", "value_m2_s": 1e-4}},
    sediment={"classes": [{"name": "fine", "mass_fraction": 0.5, "settling_m_s": 1e-4},
                          {"name": "coarse", "mass_fraction": 0.5, "settling_m_s": 1e-3}]},
    sources=[{"kind": "collector", "name": "c", "start_h": 0, "stop_h": 1, "rate_kg_s": 2.0, "nodule_rate_kg_s": 8.0,
              "release_height_m": 2, "release_width_m": 10,
              "track": {"origin_m": [-100, -100], "lanes": 2, "lane_length_m": 200, "lane_spacing_m": 20,
                        "speed_m_s": 0.5}},
             {"kind": "discharge", "name": "d", "position_m": [0, 0], "depth_m": 50, "rate_kg_s": 1.0,
              "start_h": 0, "stop_h": 1}],
    particles={"count": 1000, "seed": 2},
    grid={"resolution_m": 40, "extent_m": [-400, 400, -400, 400], "layers_above_bed_m": [0, 1, 2, 5],
          "depth_levels_m": [40, 45, 50, 55, 60]},
    output={"directory": "out", "trajectories": True, "trajectory_particles": 40},
)


def check_cf(path, tmp_path):
    report = tmp_path / f"{path.stem}_cf.json"
    suite_module.CheckSuite.load_all_available_checkers()  # what the CLI does first
    runner_module.ComplianceChecker.run_checker(str(path), ["cf:1.10"], 0, "normal",
                                                output_filename=str(report), output_format="json")
    result = json.loads(report.read_text())["cf:1.10"]
    failures = [f"{item['name']}: {item['msgs']}" for item in result["high_priorities"]
                if item["value"][0] < item["value"][1]]
    return result, failures


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cf")
    path = write_scenario(folder / "scenario.yaml", scenario_dict(**SCENARIO))
    result = CliRunner().invoke(app, ["run", str(path), "-q"])
    assert result.exit_code == 0, result.output
    return folder / "out" / "case.nc", folder / "out" / "case_trajectories.nc"


@pytest.mark.slow
def test_the_result_file_passes_the_cf_checks(files, tmp_path):
    result, failures = check_cf(files[0], tmp_path)
    assert failures == []
    assert result["high_count"] == 0
    assert result["scored_points"] > 0.9 * result["possible_points"]
    import xarray as xr

    ds = xr.open_dataset(files[0])
    assert {"nodule_mass_collected", "deposit_area_per_nodule_mass", "ssc_midwater_exposure"} <= set(ds.variables)
    assert ds.nodule_mass_collected.attrs["units"] == "kg" and float(ds.nodule_mass_collected) == 8.0 * 3600


@pytest.mark.slow
def test_the_trajectory_file_passes_the_cf_checks(files, tmp_path):
    result, failures = check_cf(files[1], tmp_path)
    assert failures == []
    assert result["high_count"] == 0


@pytest.mark.slow
def test_text_is_stored_as_character_arrays_and_reads_back_as_strings(files):
    """No variable-length strings in a written file (CF 2.2 character arrays): HDF5 2.2 segfaulted reading
    a vlen string's fill value when a result was open twice in one process (tests/test_maps.py's
    plume map after a run with maps)."""
    import netCDF4
    import xarray as xr

    for path in files:
        with netCDF4.Dataset(path) as nc:
            text = [name for name, v in nc.variables.items() if v.dtype == str or v.datatype == "S1"]
            assert not [name for name, v in nc.variables.items() if v.dtype == str]
        if path == files[0]:
            assert {"source_name", "source_kind", "sediment_class_name"} <= set(text)
        with xr.open_dataset(path) as ds:
            for name in text:
                assert all(isinstance(s, str) and s for s in np.ravel(ds[name].values)), name
