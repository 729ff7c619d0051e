"""The CCZ synthetic-current preset, the bed shear stress from the running flow, and the
bottom-boundary-layer diffusivity driven by that flow."""
import numpy as np
import pytest

from helpers import make_scenario, scenario_dict
from plume.environment.boundary_layer import VON_KARMAN, boundary_layer_diffusivity
from plume.environment.currents import uniform_flow_from_spec
from plume.kernels import status as st
from plume.processes.vertical_mixing import layer_diffusivity
from plume.scenario import scenario_from_dict
from plume.scenario.presets import CCZ_SYNTHETIC_CURRENTS
from plume.output import build_dataset
from plume.solver import Simulation
from test_physics import relative_concentration

HOUR = 3600.0


def ccz_flow(tmp_path, **synthetic):
    data = scenario_dict()
    data["currents"] = {"synthetic": {"preset": "ccz", **synthetic}}  # replaced, not merged with the base's
    scenario = scenario_from_dict(data, tmp_path)
    return scenario.currents.synthetic, uniform_flow_from_spec(scenario.currents.synthetic)


def test_ccz_preset_matches_published_near_bed_statistics(tmp_path):
    """Mean a few cm/s, peaks 10-20 cm/s, toward the SSW, semidiurnal tides dominant."""
    _, flow = ccz_flow(tmp_path)
    t = np.arange(0.0, 60 * 24 * HOUR, 600.0)  # 60 days, every 10 minutes
    u, v = flow.at(t)
    speed = np.hypot(u, v)
    assert 0.036 <= speed.mean() <= 0.065  # Munoz-Royo et al. 2022: 3.6-6.5 cm/s
    assert 0.10 <= speed.max() <= 0.20
    direction = np.degrees(np.arctan2(u.mean(), v.mean())) % 360.0  # compass: toward
    assert 180.0 <= direction <= 247.5  # south to south-west
    # spectrum of the tidal part: semidiurnal band against diurnal band
    power = np.abs(np.fft.rfft(u - u.mean())) ** 2 + np.abs(np.fft.rfft(v - v.mean())) ** 2
    cycles_per_day = np.fft.rfftfreq(t.size, d=600.0) * 86400.0
    semidiurnal = power[(cycles_per_day > 1.8) & (cycles_per_day < 2.1)].sum()
    diurnal = power[(cycles_per_day > 0.85) & (cycles_per_day < 1.15)].sum()
    assert semidiurnal > 4.0 * diurnal
    assert semidiurnal + diurnal > 0.95 * power.sum()


def test_an_eddy_episode_lifts_the_ccz_peaks_to_15_20_cm_s(tmp_path):
    _, flow = ccz_flow(tmp_path, eddies=[{"start_h": 0, "duration_h": 20 * 24, "energy_gain": 4}])
    u, v = flow.at(np.arange(0.0, 20 * 24 * HOUR, 600.0))
    assert 0.15 <= np.hypot(u, v).max() <= 0.20


def test_keys_given_with_the_preset_win_and_the_rest_is_filled(tmp_path):
    spec, _ = ccz_flow(tmp_path, mean_u_m_s=0.05)
    assert spec.mean_u_m_s == 0.05
    assert spec.mean_v_m_s == CCZ_SYNTHETIC_CURRENTS["mean_v_m_s"]
    assert [t.constituent for t in spec.tides] == ["M2", "S2", "K1", "O1"]
    assert spec.bottom_roughness_m == CCZ_SYNTHETIC_CURRENTS["bottom_roughness_m"]
    plain = make_scenario(tmp_path).currents.synthetic
    assert plain.tides == [] and plain.mean_v_m_s == 0.0  # no preset: nothing filled in


def stress_simulation(tmp_path, currents, duration_h=1):
    return Simulation(make_scenario(
        tmp_path, time={"duration_h": duration_h, "step_s": 60, "output_every_s": 1800},
        currents=currents, grid={"resolution_m": 100, "extent_m": [-1000, 1000, -1000, 1000]}))


@pytest.mark.slow
@pytest.mark.parametrize("reference_height_m", [0.5, 1.0, 3.0])
def test_log_law_bed_stress_in_a_log_layer_is_rho_kappa_u_over_ln_H_z0_squared(tmp_path, reference_height_m):
    """In the synthetic log layer u(h) = U ln(h/z0)/ln(H/z0), so tau = rho (kappa U / ln(H/z0))^2
    whatever the reference height."""
    speed, z0, top = 0.06, 0.002, 10.0
    sim = stress_simulation(tmp_path, {
        "synthetic": {"mean_u_m_s": 0.6 * speed, "mean_v_m_s": -0.8 * speed, "bottom_roughness_m": z0,
                      "log_layer_height_m": top},
        "bed_stress": {"law": "log", "reference_height_m": reference_height_m}})
    tau = sim.bed_shear_stress(0.0)
    expected = 1045.0 * (VON_KARMAN * speed / np.log(top / z0)) ** 2
    assert np.allclose(tau, expected, rtol=1e-5)  # float32 currents


@pytest.mark.slow
def test_quadratic_bed_stress_follows_the_tide_in_the_output(tmp_path):
    """tau = rho C_d u^2 with the M2 tide: the output's bed_shear_stress follows u(t)^2 at each output time."""
    currents = {"synthetic": {"mean_u_m_s": 0.03,
                              "tides": [{"constituent": "M2", "u_amplitude_m_s": 0.05, "v_amplitude_m_s": 0.0}]},
                "bed_stress": {"law": "quadratic", "drag_coefficient": 3e-3}}
    sim = stress_simulation(tmp_path, currents, duration_h=6)
    sim.run()
    stress = build_dataset(sim)["bed_shear_stress"].values  # (time, y, x), as the run's records wrote it
    t = np.arange(sim.accumulators.n_outputs) * 1800.0
    u = 0.03 + 0.05 * np.cos(2 * np.pi * t / (12.4206012 * HOUR))
    expected = 1045.0 * 3e-3 * u**2
    got = stress[:, 5, 5]
    assert np.allclose(got, expected, rtol=1e-5)
    assert np.all(stress == got[:, None, None])  # uniform flow, flat bed


def test_bed_stress_keys_are_checked(tmp_path):
    from plume.errors import ScenarioError

    with pytest.raises(ScenarioError, match=r"currents.bed_stress.reference_height_m: must be > the bed roughness"):
        make_scenario(tmp_path, currents={"synthetic": {"bottom_roughness_m": 0.5},
                                          "bed_stress": {"reference_height_m": 0.2}})
    with pytest.raises(ScenarioError, match=r"currents.bed_stress.law"):
        make_scenario(tmp_path, currents={"synthetic": {}, "bed_stress": {"law": "cubic"}})


@pytest.mark.parametrize("shape", ["parabolic", "law_of_the_wall"])
def test_flow_driven_layer_diffusivity_matches_the_tabulated_profile(shape):
    """The kernel's K(h; u*) against the 401-node table built from the same u* (piecewise linear,
    so the two agree to the table's interpolation error)."""
    u_star, delta, background = 0.004, 20.0, 1e-5
    nodes = delta * np.linspace(0.0, 1.0, 401) ** 2
    heights, values = boundary_layer_diffusivity(u_star, delta, background, shape, heights_m=nodes)
    for h in np.linspace(0.05, 18.9, 60):
        k_table = np.interp(h, heights, values)
        k_kernel, slope, _ = layer_diffusivity(u_star, h, delta, background, shape == "law_of_the_wall")
        assert k_kernel == pytest.approx(k_table, rel=2e-3, abs=2e-7)
        eps = 1e-6
        k_up, _, _ = layer_diffusivity(u_star, h + eps, delta, background, shape == "law_of_the_wall")
        assert slope == pytest.approx((k_up - k_kernel) / eps, rel=1e-3, abs=1e-9)
    assert layer_diffusivity(u_star, 25.0, delta, background, False)[:2] == (background, 0.0)


@pytest.mark.slow
def test_flow_driven_boundary_layer_keeps_a_column_mixed_and_follows_u_star(tmp_path, closed_column_data):
    """u* from the flow: K peaks at kappa u* delta / 4 mid-layer, and a well-mixed closed
    column under it stays well mixed (the dK/dz drift at work with a flow-derived K)."""
    speed, z0, top = 0.05, 0.002, 10.0
    data = closed_column_data(
        20,
        time={"duration_h": 3, "step_s": 5, "output_every_s": 3600},
        currents={"synthetic": {"mean_u_m_s": speed, "bottom_roughness_m": z0, "log_layer_height_m": top}},
        sources=[{"kind": "discharge", "name": "p", "position_m": [-900, 0], "height_above_bed_m": 5,
                  "mass_kg": 1.0, "start_h": 0}],
        particles={"count": 20000, "seed": 3},
        grid={"resolution_m": 100, "extent_m": [-1000, 1000, -1000, 1000], "layers_above_bed_m": [0, 1, 2, 5]},
    )
    data["turbulence"] = {"vertical": {"profile": "boundary_layer", "thickness_m": 20, "background_m2_s": 1e-5}}
    sim = Simulation(scenario_from_dict(data, tmp_path))
    u_star = VON_KARMAN * speed / np.log(top / z0)
    assert sim.processes.vertical_mixing.thickness_m == 20.0
    sim.release_due(0.0)
    sim.particles.z_m[:] = -20.0 + 20.0 * np.random.default_rng(5).uniform(size=20000)
    start = sim.particles.z_m.copy()
    for step in range(sim.n_steps):
        sim.step(step)
    assert np.all(sim.particles.status == st.ACTIVE)
    concentration = relative_concentration(sim.particles.z_m + 20.0, depth_m=20.0)
    assert np.max(np.abs(concentration - 1.0)) < 0.08  # 2000 a bin: 2.2 % noise
    # the particles really mixed: mid-column ones moved about sqrt(2 K t) with K = kappa u* delta / 4
    k_peak = VON_KARMAN * u_star * 20.0 / 4.0
    middle = np.abs(start + 10.0) < 2.0
    spread = np.std(sim.particles.z_m[middle] - start[middle])
    assert spread > 0.3 * np.sqrt(2 * k_peak * 3 * HOUR)  # well beyond the background's 0.46 m
