"""The collector designs of configs/collectors/ against what the 2021 trials saw near the vehicle.

Munoz-Royo et al. (2022, Science Advances 8, eabn1219) measured 92-98 % of the suspended sediment
below 2 m above the bed near the pre-prototype collector. The two designs that discharge at the bed
(a rear discharge collapsing into a turbidity current, 5 % and 8 % lofted) must keep that much
below 2 m once released into the default boundary layer, with density damping, over the hills:
settling and mixing must not undo the near field near the vehicle. The raised diffuser puts 40 % of
its mass above 3 m by design, so it is the check that the measure sees mass up high.
"""
from pathlib import Path

import pytest

from plume.kernels import status as st
from plume.kernels.interpolate import seabed_depth_many
from plume.scenario import load_scenario
from plume.solver import Simulation

DESIGNS = Path(__file__).resolve().parents[1] / "configs" / "collectors"
NEAR_VEHICLE_S = 300.0  # released in the last 5 min: within 150 m behind a 0.5 m/s vehicle


def share_below_2m_near_vehicle(name: str) -> float:
    scenario = load_scenario(DESIGNS / f"{name}.yaml",
                             ["time.duration_h=1", "sources[0].stop_h=1", "particles.count=6000"])
    sim = Simulation(scenario)
    sim.run()
    p = sim.particles
    n = p.n_released
    live = p.status[:n] == st.ACTIVE
    x, y = p.x_m[:n][live], p.y_m[:n][live]
    height = p.z_m[:n][live] + seabed_depth_many(sim.environment.seabed, x, y)
    mass = p.mass_kg[:n][live]
    fresh = sim.n_steps * sim.dt_s - p.release_time_s[:n][live] <= NEAR_VEHICLE_S
    return float(mass[fresh & (height < 2.0)].sum() / mass[fresh].sum())


@pytest.mark.slow
@pytest.mark.parametrize("name", ["narrow_slow", "wide_fast"])
def test_bed_discharge_designs_keep_most_mass_below_2m_near_the_vehicle(name):
    # measured 0.968 and 0.920 with 6,000 particles (about 500 of them fresh): the band is the trials'
    # 92-98 % widened by three binomial standard errors of that sample (about 0.01-0.02)
    assert 0.90 <= share_below_2m_near_vehicle(name) <= 0.99


@pytest.mark.slow
def test_the_raised_diffuser_lofts_its_mass():
    assert share_below_2m_near_vehicle("raised_diffuser") < 0.6  # 40 % released above 3 m; measured 0.38
