"""Near the bed the flow follows the seabed: a level current must not carry particles into hills."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from plume.kernels.advect import terrain_following_share
from plume.scenario import load_scenario, scenario_from_dict
from plume.solver import Simulation

from helpers import scenario_dict, write_sloping_bathymetry

REPO = Path(__file__).resolve().parents[1]

NEUTRAL = {"classes": [{"name": "neutral", "mass_fraction": 1.0, "settling_m_s": 0.0}]}
STILL = {"horizontal_m2_s": 0.0, "vertical": {"profile": "constant", "value_m2_s": 0.0}}


def test_terrain_share_is_one_at_the_bed_and_smooth_to_level_flow():
    assert terrain_following_share(0.0, 100.0) == 1.0
    assert terrain_following_share(100.0, 100.0) == 0.0 and terrain_following_share(500.0, 100.0) == 0.0
    # zero slope at the bed: a particle 1 m up keeps 1 - 3e-4 of the bed's vertical velocity
    assert terrain_following_share(1.0, 100.0) == pytest.approx(1.0 - 3e-4 + 2e-6, rel=1e-12)
    assert terrain_following_share(50.0, 100.0) == pytest.approx(0.5)


@pytest.mark.slow
def test_neutral_particles_do_not_fly_into_the_default_hills(tmp_path):
    """The issue's case: a neutral, non-diffusing class released by the default collector 2 m above
    the bed for 24 h in the default currents deposited 90 % over the hills with level flow; with the
    flow following the seabed it must deposit less than 0.1 %."""
    scenario = load_scenario(REPO / "configs" / "default.yaml")
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["time"]["duration_h"] = 24
    data["sediment"]["classes"] = NEUTRAL["classes"]
    data["turbulence"] = STILL
    # an absorbing bed, so that every particle the flow carries into a hill shows as deposited
    data["sediment"]["deposition"] = {"condition": "absorbing"}
    data["sources"] = [s for s in data["sources"] if s["kind"] == "collector"]
    data["particles"]["count"] = 20000
    data["output"] = {"directory": str(tmp_path)}
    data["bathymetry"]["file"] = str(scenario.bathymetry.file)
    sim = Simulation(scenario_from_dict(data, tmp_path))
    relief = sim.environment.seabed.depth_m
    assert relief.max() - relief.min() > 100.0  # the hills are there
    sim.run()
    assert sim.budget.deposited_kg <= 1e-3 * sim.budget.released_kg


def plane_slope_scenario(tmp_path, settling_m_s: float, terrain: dict | None, condition: str = "flux"):
    bathymetry = write_sloping_bathymetry(tmp_path / "slope.nc", depth_at_site_m=1000.0,
                                          slope_per_degree_lon_m=2000.0)  # ~1.8 % rising westward
    data = scenario_dict(
        time={"duration_h": 2, "step_s": 30, "output_every_s": 3600},
        bathymetry={"file": str(bathymetry)},
        currents={"synthetic": {"mean_u_m_s": -0.1, "mean_v_m_s": 0.0}, "terrain_following": terrain},
        turbulence=STILL,
        sediment={"classes": [{"name": "c", "mass_fraction": 1.0, "settling_m_s": settling_m_s}],
                  "deposition": {"condition": condition}},
        sources=[{"kind": "discharge", "name": "p", "position_m": [0, 0], "height_above_bed_m": 5.0,
                  "mass_kg": 1.0, "start_h": 0}],
        particles={"count": 50, "seed": 1},
        grid={"resolution_m": 50, "extent_m": [-2000, 1000, -500, 500], "layers_above_bed_m": [0, 1, 2, 5, 10]},
    )
    del data["bathymetry"]["flat_depth_m"]
    return scenario_from_dict(data, tmp_path)


@pytest.mark.slow
def test_flow_up_a_plane_slope_keeps_the_height_above_bed(tmp_path):
    """A level 10 cm/s current up a 1.8 % slope would bring a particle 5 m above the bed into the
    seabed within 30 minutes; following the terrain it keeps its height for the whole run."""
    # an absorbing bed, so that a particle carried into the seabed shows as deposited
    level = Simulation(plane_slope_scenario(tmp_path, 0.0, None, "absorbing"))
    level.run()
    assert level.budget.deposited_kg == pytest.approx(1.0)  # the artefact the issue measured
    # the default blend (20 m over a plane): f < 1 at 5 m lets it sink towards the bed, but never into it
    sim = Simulation(plane_slope_scenario(tmp_path, 0.0, {}, "absorbing"))
    sim.run()
    assert sim.budget.deposited_kg == 0.0
    # following the terrain fully (blend height far above): the height above the bed is kept
    sim = Simulation(plane_slope_scenario(tmp_path, 0.0, {"blend_height_m": 1000.0}, "absorbing"))
    sim.run()
    assert sim.budget.deposited_kg == 0.0
    p = sim.particles
    height = p.z_m + sim.environment.depth_at(p.x_m, p.y_m)
    assert np.all(np.abs(height - 5.0) < 0.05)


@pytest.mark.slow
def test_settling_particle_over_a_slope_lands_where_the_terrain_following_path_says(tmp_path):
    """Following the terrain fully (blend height far above), height above the bed falls at exactly w: a
    particle from 5 m lands after 5 / w seconds, 0.1 m/s x 5 / w metres up-slope (the level-flow path
    would land much earlier)."""
    w = 1.0e-3
    sim = Simulation(plane_slope_scenario(tmp_path, w, {"blend_height_m": 1000.0}))
    sim.run()
    p = sim.particles
    assert sim.budget.deposited_kg == pytest.approx(1.0)
    expected_x = -0.1 * 5.0 / w
    assert np.allclose(p.x_m[: p.n_released], expected_x, atol=0.5)
