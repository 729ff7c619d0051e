"""Currents by depth, scale-dependent horizontal spreading (Okubo 1971) and the damping of vertical
mixing by the plume's own density (Munk & Anderson 1948)."""
from __future__ import annotations

import numpy as np
import pytest

from plume.processes.density_damping import munk_anderson_factor, params_from_scenario, richardson_number
from plume.processes.horizontal_mixing import HorizontalMixingParams, variance_increment_m2
from plume.scenario import load_scenario, scenario_from_dict
from plume.solver import Simulation

from helpers import make_scenario, scenario_dict
from test_terrain import REPO

STILL = {"horizontal_m2_s": 0.0, "vertical": {"profile": "constant", "value_m2_s": 0.0}}


def test_okubo_variance_increments_add_up_to_the_law_at_any_step():
    a, m = 0.0108e-4, 2.34
    params = HorizontalMixingParams(0.0, True, a, m)
    for dt in (1.0, 60.0, 600.0):
        ages = np.arange(0.0, 86400.0, dt)
        total = sum(variance_increment_m2(params, age, dt) for age in ages)
        assert total == pytest.approx(0.5 * a * (ages[-1] + dt) ** m, rel=1e-9)
    # the apparent diffusivity d(sigma_x^2)/dt / 2 after 1 day: a few m2/s, as Okubo's diagram gives at 10 km
    k_day = variance_increment_m2(params, 86400.0, 1.0) / 2.0
    assert 1.0 < k_day < 5.0


@pytest.mark.slow
def test_point_release_spreads_as_okubos_law(tmp_path):
    scenario = make_scenario(
        tmp_path, time={"duration_h": 12, "step_s": 300, "output_every_s": 3600},
        turbulence={"horizontal_m2_s": 0.0, "horizontal_scale_dependent": {"law": "okubo"},
                    "vertical": {"profile": "constant", "value_m2_s": 0.0}},
        grid={"resolution_m": 2000, "extent_m": [-20000, 20000, -20000, 20000], "layers_above_bed_m": [0, 1, 2, 5]},
        particles={"count": 20000, "seed": 2})  # coarse cells: the test reads the particles, not the fields
    sim = Simulation(scenario)
    sim.run()
    p = sim.particles
    expected = 0.5 * 0.0108e-4 * (12 * 3600.0) ** 2.34  # sigma_x^2 = sigma_rc^2 / 2 (m2)
    for coordinate in (p.x_m, p.y_m):
        # the sample variance of 20,000 Gaussian values is within 4 % (4 standard errors of 1 %)
        assert np.var(coordinate) == pytest.approx(expected, rel=0.04)


@pytest.mark.slow
def test_neutral_discharge_at_1200_m_drifts_with_the_midwater_flow(tmp_path):
    """The default scenario's return water at 1,200 m depth moves with the preset's midwater flow
    (3 cm/s westward plus tides), not with the near-bed flow (4.5 cm/s toward the SSW)."""
    default = load_scenario(REPO / "configs" / "default.yaml")
    data = scenario_dict(
        time={"duration_h": 6, "step_s": 60, "output_every_s": 3600},
        bathymetry={"flat_depth_m": 4300}, turbulence=STILL,
        sources=[{"kind": "discharge", "name": "return-water", "position_m": [0, 0], "depth_m": 1200,
                  "mass_kg": 1.0, "start_h": 0}],
        grid={"resolution_m": 100, "extent_m": [-5000, 5000, -5000, 5000], "layers_above_bed_m": [0, 1, 2, 5]},
        particles={"count": 10, "seed": 1})
    data["currents"] = {"synthetic": {"preset": "ccz"}}  # the preset's own near-bed and midwater flows
    sim = Simulation(scenario_from_dict(data, tmp_path))
    sim.run()
    flow = sim.environment.uniform_flow
    times = np.linspace(0.0, 6 * 3600.0, 6 * 3600 + 1)
    u_mid, v_mid = flow.midwater_at(times)
    expected_x = np.trapezoid(u_mid, times)
    expected_y = np.trapezoid(v_mid, times)
    p = sim.particles
    assert np.allclose(p.x_m, expected_x, atol=0.5) and np.allclose(p.y_m, expected_y, atol=0.5)
    u_bed, v_bed = flow.at(times)
    assert abs(np.trapezoid(v_bed, times) - expected_y) > 500.0  # the near-bed flow would have gone elsewhere
    assert default.currents.synthetic.midwater.mean_u_m_s == pytest.approx(-0.03)


def test_munk_anderson_damping_follows_the_law_on_a_prescribed_profile(tmp_path):
    scenario = make_scenario(tmp_path, turbulence={"density_damping": {}},
                             sediment={"classes": [{"name": "c", "mass_fraction": 1.0, "settling_m_s": 1e-4}]})
    params = params_from_scenario(scenario)
    rho_w, rho_s, g = 1045.0, 2650.0, 9.81
    u_star, height = 0.003, 0.5
    # C falling from 0.1 to 0 kg/m3 over a metre: N^2 = (g / rho_w)(1 - rho_w / rho_s) 0.1
    gradient = -0.1
    n2 = g / rho_w * (1 - rho_w / rho_s) * 0.1
    shear = u_star / (0.41 * height)
    ri = richardson_number(params, gradient, height, u_star)
    assert ri == pytest.approx(n2 / shear**2, rel=1e-12)
    assert munk_anderson_factor(ri) == pytest.approx((1 + 3.33 * ri) ** -1.5, rel=1e-12)
    assert richardson_number(params, +0.1, height, u_star) == 0.0  # unstable: no damping
    assert munk_anderson_factor(0.0) == 1.0
