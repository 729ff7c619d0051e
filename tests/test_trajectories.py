"""The optional trajectory file: CF DSG trajectories, thinned, keyed by particle id (issue 6)."""
import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from helpers import make_scenario, scenario_dict, write_scenario
from plume.cli import app

runner = CliRunner()

DRIFT = dict(
    currents={"synthetic": {"mean_u_m_s": 0.1, "mean_v_m_s": 0.0}},
    particles={"count": 200, "seed": 1},
    output={"directory": "out", "trajectories": True, "trajectory_particles": 20, "trajectory_every_s": 1200},
)


@pytest.mark.slow
def test_a_uniform_drift_is_recorded_exactly(tmp_path):
    path = write_scenario(tmp_path / "s.yaml", scenario_dict(**DRIFT))
    result = runner.invoke(app, ["run", str(path), "-q"])
    assert result.exit_code == 0, result.output
    main = xr.open_dataset(tmp_path / "out" / "case.nc", decode_times=False)
    ds = xr.open_dataset(tmp_path / "out" / "case_trajectories.nc", decode_times=False)
    assert ds.attrs["featureType"] == "trajectory"
    assert ds.trajectory_id.attrs["cf_role"] == "trajectory_id"
    assert ds.sizes == {"trajectory": 20, "obs": 4}  # every second output time of 600 s over 1 h
    ids = ds.trajectory_id.values
    assert ids[0] == 0 and ids[-1] == 199 and np.all(np.diff(ids) > 0)  # spread over the release order
    # one instantaneous release at (0, 0), 50 m above a 100 m seabed, no diffusion: x = u t exactly
    np.testing.assert_allclose(ds.time.values, np.broadcast_to([0.0, 1200.0, 2400.0, 3600.0], (20, 4)))
    np.testing.assert_allclose(ds.x.values, np.broadcast_to(0.1 * ds.time.values, (20, 4)), atol=1e-3)
    np.testing.assert_allclose(ds.y.values, 0.0, atol=1e-9)
    np.testing.assert_allclose(ds.height_above_bed.values, 50.0, atol=1e-4)
    np.testing.assert_allclose(ds.depth.values, 50.0, atol=1e-4)
    assert ds.time.attrs["units"] == main.time.attrs["units"]
    assert float(ds.lon[0, 0]) == pytest.approx(-116.9, abs=1e-9)
    assert float(ds.lat[0, 0]) == pytest.approx(10.4, abs=1e-9)
    assert np.all(np.diff(ds.lon.values, axis=1) > 0)  # drifting east
    np.testing.assert_allclose(ds.particle_mass.values, 1.0 / 200)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "case.nc", "case_metrics.csv", "case_metrics.json", "case_trajectories.nc"]


@pytest.mark.slow
def test_rows_follow_particle_ids_through_compaction(tmp_path):
    from plume.solver import Simulation

    scenario = make_scenario(
        tmp_path, time={"start": "2026-04-01T00:00:00Z", "duration_h": 1, "step_s": 60, "output_every_s": 300},
        sources=[{"kind": "discharge", "name": "p", "position_m": [0, 0], "height_above_bed_m": 50,
                  "rate_kg_s": 1.0, "start_h": 0, "stop_h": 1}],
        currents={"synthetic": {"mean_u_m_s": 0.2, "mean_v_m_s": 0.0}},  # 1000 s to the domain's edge
        grid={"resolution_m": 10, "extent_m": [-200, 200, -200, 200], "layers_above_bed_m": [0, 1, 2, 5]},
        particles={"count": 600, "seed": 1},
        output={"directory": "out", "trajectories": True, "trajectory_particles": 60},
    )
    sim = Simulation(scenario)
    sim.compact_after_finished = 1  # compact as soon as half the released particles have left
    sim.run()
    assert sim.particles.x_m.size < 600  # compaction did happen
    rec = sim.trajectories
    seen = np.isfinite(rec.x_m)
    assert seen.sum() > 60 and seen.any(axis=1).sum() > 40
    # each particle starts moving at the first step at or after its release time, then drifts at 0.2 m/s
    start = np.ceil(rec.release_s / 60.0 - 1e-9) * 60.0
    expected = 0.2 * (rec.time_s - start[:, None])
    np.testing.assert_allclose(rec.x_m[seen], expected[seen], atol=1e-3)
    assert np.all(rec.x_m[seen] < 200.0)  # exited particles are not recorded


def test_a_trajectory_interval_that_is_not_a_multiple_of_the_output_interval_is_refused(tmp_path):
    data = scenario_dict(**DRIFT)
    data["output"]["trajectory_every_s"] = 900
    path = write_scenario(tmp_path / "s.yaml", data)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "output.trajectory_every_s" in lines[0] and "600" in lines[0]
