"""The solver against analytic solutions: settling trajectories, Gaussian spreading,
first-passage deposition, the well-mixed condition and the mass budget."""
import numpy as np
import pytest
from scipy import stats

from helpers import make_scenario
from plume.kernels import status as st
from plume.solver import Simulation, run


def only_deposited(result):
    p = result.particles
    return p.status[: p.n_released] == st.DEPOSITED


@pytest.mark.slow
@pytest.mark.parametrize("step_s", [7.0, 60.0])
def test_settling_in_uniform_current_lands_at_U_H_over_w(tmp_path, step_s):
    """No diffusion: a particle released at height H, settling at w in a uniform (u, v) lands at (u, v) H / w."""
    u, v, w, height = 0.103, -0.047, 0.01, 10.0  # lands after H / w = 1000 s
    scenario = make_scenario(
        tmp_path,
        time={"duration_h": step_s * 300 / 3600, "step_s": step_s, "output_every_s": step_s * 10},
        currents={"synthetic": {"mean_u_m_s": u, "mean_v_m_s": v}},
        sediment={"classes": [{"name": "sand", "mass_fraction": 1.0, "settling_m_s": w}]},
        sources=[{"kind": "discharge", "name": "p", "position_m": [0, 0], "height_above_bed_m": height,
                  "mass_kg": 2.0, "start_h": 0}],
        particles={"count": 3, "seed": 5},
        output={"directory": "out", "deposit_estimator": "histogram"},  # the deposit where the particles land
    )
    result = run(scenario, write=False)
    p = result.particles
    assert np.all(p.status == st.DEPOSITED)
    np.testing.assert_allclose(p.x_m, u * height / w, rtol=1e-12)
    np.testing.assert_allclose(p.y_m, v * height / w, rtol=1e-12)
    np.testing.assert_allclose(p.z_m, -100.0)
    ds = result.dataset
    assert float(ds.mass_deposited[-1]) == pytest.approx(2.0, rel=1e-15)
    # the deposit sits in the cell containing (103, -47): 2 kg over a 10 m x 10 m cell
    assert float(ds.deposit_mass[-1].sel(x=105.0, y=-45.0)) == pytest.approx(0.02, rel=1e-6)
    assert float(ds.deposit_mass[-1].sum()) == pytest.approx(0.02, rel=1e-6)


@pytest.mark.slow
def test_settling_through_a_log_layer_follows_the_integrated_profile(tmp_path):
    """With a log bottom layer the landing distance is the integral of u(h) / w over the fall."""
    u, w, z0, top, height = 0.05, 0.002, 0.01, 10.0, 10.0
    scenario = make_scenario(
        tmp_path,
        time={"duration_h": 2, "step_s": 1, "output_every_s": 600},
        currents={"synthetic": {"mean_u_m_s": u, "bottom_roughness_m": z0, "log_layer_height_m": top}},
        sediment={"classes": [{"name": "sand", "mass_fraction": 1.0, "settling_m_s": w}]},
        sources=[{"kind": "discharge", "name": "p", "position_m": [0, 0], "height_above_bed_m": height,
                  "mass_kg": 1.0, "start_h": 0}],
        particles={"count": 1, "seed": 5},
    )
    result = run(scenario, write=False)
    # x = (u / w) int_z0^H ln(h/z0)/ln(H/z0) dh = (u / w) [H ln(H/z0) - H + z0] / ln(H/z0); below z0 u = 0
    expected = u / w * (top * np.log(top / z0) - top + z0) / np.log(top / z0)
    assert result.particles.status[0] == st.DEPOSITED
    assert result.particles.x_m[0] == pytest.approx(expected, rel=2e-3)


@pytest.mark.slow
def test_diffusion_variance_grows_as_2Kt(tmp_path):
    k_h, k_v, n = 0.5, 2e-3, 20000
    duration_s = 7200.0
    scenario = make_scenario(
        tmp_path,
        time={"duration_h": 2, "step_s": 120, "output_every_s": 3600},
        bathymetry={"flat_depth_m": 1000},
        turbulence={"horizontal_m2_s": k_h, "vertical": {"profile": "constant", "value_m2_s": k_v}},
        sources=[{"kind": "discharge", "name": "p", "position_m": [0, 0], "height_above_bed_m": 500,
                  "mass_kg": 1.0, "start_h": 0}],
        particles={"count": n, "seed": 3},
    )
    result = run(scenario, write=False)
    p = result.particles
    assert np.all(p.status == st.ACTIVE)
    tolerance = 5 * np.sqrt(2.0 / n)  # five standard errors of a sample variance
    for values, k in ((p.x_m, k_h), (p.y_m, k_h), (p.z_m + 500.0, k_v)):
        expected = 2 * k * duration_s
        assert values.var() == pytest.approx(expected, rel=tolerance)
        assert abs(values.mean()) < 5 * np.sqrt(expected / n)
        assert abs(stats.kurtosis(values)) < 0.2  # Gaussian, not uniform or peaked


def first_passage_cdf(t, height, w, k):
    """P(a particle released at height H, settling at w with diffusivity K, has reached the bed by t).

    The inverse Gaussian law of a drifted Brownian motion hitting an absorbing barrier.
    """
    s = np.sqrt(2 * k * t)
    return stats.norm.cdf((w * t - height) / s) + np.exp(w * height / k) * stats.norm.cdf(-(w * t + height) / s)


@pytest.mark.slow
def test_deposition_follows_the_first_passage_law(tmp_path):
    height, w, k, n = 1.0, 1e-3, 1e-3, 20000
    scenario = make_scenario(
        tmp_path,
        time={"duration_h": 1, "step_s": 0.5, "output_every_s": 300},
        turbulence={"vertical": {"profile": "constant", "value_m2_s": k}},
        sediment={"deposition": {"condition": "absorbing"},  # every contact deposits: first passage
                  "classes": [{"name": "silt", "mass_fraction": 1.0, "settling_m_s": w}]},
        sources=[{"kind": "discharge", "name": "p", "position_m": [0, 0], "height_above_bed_m": height,
                  "mass_kg": 1.0, "start_h": 0}],
        particles={"count": n, "seed": 11},
    )
    ds = run(scenario, write=False).dataset
    t = np.arange(ds.sizes["time"]) * 300.0
    fraction = (ds.mass_deposited / ds.mass_released).values
    expected = first_passage_cdf(np.maximum(t, 1e-9), height, w, k)
    # 3 sigma of a binomial fraction plus the O(sqrt(dt)) bias of checking the bed at step ends
    allowed = 3 * np.sqrt(expected * (1 - expected) / n) + 0.01
    assert np.all(np.abs(fraction - expected) <= allowed), np.c_[t, fraction, expected]
    assert fraction[-1] > 0.8


def column_scenario(tmp_path, heights, values, n):
    from conftest import NEUTRAL_REFLECTING

    return make_scenario(
        tmp_path,
        # 3 h: the naive walk's deviation has saturated by then in every bin (3.56 at 3 h, 3.58 at 6 h in the
        # bed bin, the others within 0.02), so an error of the scheme shows as fully as in a longer run
        time={"duration_h": 3, "step_s": 5, "output_every_s": 3600},
        bathymetry={"flat_depth_m": 10},
        turbulence={"vertical": {"profile": "table", "height_above_bed_m": list(heights),
                                 "value_m2_s": list(values)}},
        sediment=NEUTRAL_REFLECTING,
        sources=[{"kind": "discharge", "name": "p", "position_m": [0, 0], "height_above_bed_m": 5,
                  "mass_kg": 1.0, "start_h": 0}],
        particles={"count": n, "seed": 7},
    )


def strongly_varying_profile(depth_m=10.0):
    """K(h) from 1e-5 at the bed and surface to 1e-2 m2/s mid-column: a factor of 1000."""
    heights = np.linspace(0.0, depth_m, 41)
    values = 1e-5 + 1e-2 * np.sin(np.pi * heights / depth_m) ** 2
    return heights, values


def relative_concentration(heights, depth_m=10.0, bins=10):
    """Particle count per height bin over the count a uniform cloud would have."""
    counts, _ = np.histogram(heights, bins=bins, range=(0.0, depth_m))
    return counts / (heights.size / bins)


@pytest.mark.slow
def test_well_mixed_condition_holds_in_a_closed_column(tmp_path):
    """A uniform cloud in a closed column with strongly varying K(z) stays uniform (Visser 1997)."""
    heights, values = strongly_varying_profile()
    n = 40000
    sim = Simulation(column_scenario(tmp_path, heights, values, n))
    rng = np.random.default_rng(0)
    sim.release_due(0.0)
    sim.particles.z_m[:] = -10.0 + 10.0 * rng.uniform(size=n)  # start uniform over the column
    for step in range(sim.n_steps):
        sim.step(step)
    z = sim.particles.z_m
    assert np.all(sim.particles.status == st.ACTIVE)
    assert z.min() >= -10.0 and z.max() <= 0.0
    # 4000 particles a bin: 1.6 % sampling noise; 6 % allows the O(dt) error of the scheme
    assert np.max(np.abs(relative_concentration(z + 10.0) - 1.0)) < 0.06


def test_well_mixed_check_detects_a_walk_without_the_drift_term():
    """The same check fails for the naive walk (no dK/dz drift), so it can tell a wrong scheme apart (same
    particles, step and duration as the column above)."""
    heights, values = strongly_varying_profile()
    rng = np.random.default_rng(1)
    h = 10.0 * rng.uniform(size=40000)
    dt = 5.0
    for _ in range(2160):
        k = np.interp(h, heights, values)
        h = h + np.sqrt(2 * k * dt) * rng.standard_normal(h.size)
        h = np.abs(h)
        h = np.where(h > 10.0, 20.0 - h, h)
    assert np.max(np.abs(relative_concentration(h) - 1.0)) > 0.3


def budget_scenario(tmp_path):
    return make_scenario(
        tmp_path,
        time={"duration_h": 3, "step_s": 30, "output_every_s": 900},
        currents={"synthetic": {"mean_u_m_s": 0.08, "mean_v_m_s": 0.01,
                                "tides": [{"constituent": "M2", "u_amplitude_m_s": 0.05,
                                           "v_amplitude_m_s": 0.03}]}},
        turbulence={"horizontal_m2_s": 0.5, "vertical": {"profile": "constant", "value_m2_s": 1e-3}},
        sediment={"classes": [{"name": "fine", "mass_fraction": 0.6, "settling_m_s": 1e-4},
                              {"name": "coarse", "mass_fraction": 0.4, "diameter_um": 63}]},
        sources=[
            {"kind": "collector", "name": "c", "start_h": 0, "stop_h": 2, "rate_kg_s": 3.0,
             "release_height_m": 2, "release_width_m": 10,
             "track": {"origin_m": [-200, -200], "lanes": 3, "lane_length_m": 300, "lane_spacing_m": 30,
                       "speed_m_s": 0.5}},
            {"kind": "discharge", "name": "d", "position_m": [0, 0], "depth_m": 60, "rate_kg_s": 1.0,
             "start_h": 0.5, "stop_h": 2.5},
        ],
        particles={"count": 5000, "seed": 2},
        grid={"extent_m": [-500, 500, -500, 500]},
    )


@pytest.mark.slow
def test_mass_budget_closes_at_every_output_time(tmp_path):
    ds = run(budget_scenario(tmp_path), write=False).dataset
    released = ds.mass_released.values
    residual = released - (ds.mass_suspended + ds.mass_deposited + ds.mass_exited).values
    assert np.all(np.abs(residual) <= 1e-13 * np.maximum(released, 1.0))
    total = 3.0 * 2 * 3600 + 1.0 * 2 * 3600
    assert released[-1] == pytest.approx(total, rel=1e-12)
    # every sink is exercised: something deposits, something leaves, something stays up
    assert ds.mass_deposited[-1] > 0 and ds.mass_exited[-1] > 0 and ds.mass_suspended[-1] > 0
    # the deposit grid holds exactly the deposited mass
    cell_area = 10.0 * 10.0
    assert float(ds.deposit_mass[-1].sum()) * cell_area == pytest.approx(float(ds.mass_deposited[-1]), rel=1e-6)
    # release is continuous at the stated rates: by t = 1 h, 3 kg/s for 1 h + 1 kg/s for 0.5 h
    assert float(ds.mass_released.sel(time=ds.time[4])) == pytest.approx(3.0 * 3600 + 1.0 * 1800, rel=0.01)


@pytest.mark.slow
def test_tidal_excursion_follows_the_integrated_tide(tmp_path):
    """A neutral particle in a mean flow plus an M2 tide: x(t) = U t + (A / w) [sin(w t - phi) + sin(phi)]."""
    mean, amplitude, phase_deg = 0.02, 0.1, 30.0
    scenario = make_scenario(
        tmp_path,
        time={"duration_h": 24, "step_s": 300, "output_every_s": 3600},
        currents={"synthetic": {"mean_u_m_s": mean, "tides": [
            {"constituent": "M2", "u_amplitude_m_s": amplitude, "phase_deg": phase_deg}]}},
        grid={"resolution_m": 100, "extent_m": [-5000, 5000, -5000, 5000]},
        particles={"count": 1, "seed": 1},
    )
    sim = Simulation(scenario)
    sim.release_due(0.0)
    omega = 2 * np.pi / (12.4206012 * 3600)
    phi = np.radians(phase_deg)
    for step in range(sim.n_steps):
        sim.step(step)
    t = sim.n_steps * sim.dt_s
    expected = mean * t + amplitude / omega * (np.sin(omega * t - phi) + np.sin(phi))
    assert sim.particles.x_m[0] == pytest.approx(expected, abs=1e-6)  # RK4 at 300 s steps: micrometres
    assert sim.particles.y_m[0] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.slow
def test_current_file_linear_in_time_is_integrated_exactly(tmp_path):
    """u(t) = a + b t from a file: x = a t + b t^2 / 2 (linear time interpolation and RK4 are exact here)."""
    from helpers import write_currents_cmems

    a, b_per_h = 0.05, 0.01
    write_currents_cmems(tmp_path / "currents.nc", "2026-04-01T00:00", 4,
                         u=lambda h: a + b_per_h * h, v=lambda h: -a)
    from helpers import scenario_dict
    from plume.scenario import scenario_from_dict

    d = scenario_dict(time={"duration_h": 3, "step_s": 120, "output_every_s": 3600}, particles={"count": 1})
    d["currents"] = {"file": "currents.nc"}
    sim = Simulation(scenario_from_dict(d, tmp_path))
    sim.release_due(0.0)
    for step in range(sim.n_steps):
        sim.step(step)
    t = sim.n_steps * sim.dt_s
    b = b_per_h / 3600.0
    assert sim.particles.x_m[0] == pytest.approx(a * t + 0.5 * b * t * t, rel=1e-5)  # float32 fields
    assert sim.particles.y_m[0] == pytest.approx(-a * t, rel=1e-5)


@pytest.mark.slow
def test_particles_settle_onto_a_sloping_seabed_from_a_file(tmp_path):
    """Bathymetry from a NetCDF grid: a particle falling straight down lands at the local depth."""
    from helpers import scenario_dict, write_sloping_bathymetry
    from plume.scenario import scenario_from_dict

    write_sloping_bathymetry(tmp_path / "bathy.nc", 4000.0, 1000.0)  # 1 km deeper per degree east
    d = scenario_dict(
        time={"duration_h": 1, "step_s": 60, "output_every_s": 600},
        sediment={"classes": [{"name": "sand", "mass_fraction": 1.0, "settling_m_s": 0.01}]},
        sources=[{"kind": "discharge", "name": "east", "position_m": [800, 0], "height_above_bed_m": 10,
                  "mass_kg": 1.0, "start_h": 0}],
        particles={"count": 1},
    )
    d["bathymetry"] = {"file": "bathy.nc"}
    sim = Simulation(scenario_from_dict(d, tmp_path))
    lon, _ = sim.projection.to_lonlat(800.0, 0.0)
    local_depth = 4000.0 + 1000.0 * (lon + 116.9)
    assert sim.environment.depth_at(800.0, 0.0)[0] == pytest.approx(local_depth, abs=0.05)
    sim.release_due(0.0)
    for step in range(sim.n_steps):
        sim.step(step)
    assert sim.particles.status[0] == st.DEPOSITED
    assert sim.particles.z_m[0] == pytest.approx(-local_depth, abs=0.05)
    assert sim.particles.x_m[0] == pytest.approx(800.0, abs=1e-9)


@pytest.mark.slow
def test_compacting_finished_particles_changes_no_result(tmp_path):
    """Deposited and exited particles leave the arrays; random streams follow the particle id, so
    every output is bit-identical to a run that never compacts."""
    from plume.output import build_dataset

    datasets = []
    for compact_after in (10**9, 1):
        sim = Simulation(budget_scenario(tmp_path))
        sim.compact_after_finished = compact_after
        sim.run()
        datasets.append(build_dataset(sim))
        if compact_after == 1:
            assert sim.particles.x_m.size < 5000  # finished particles really left
            finished = np.isin(sim.particles.status, [st.DEPOSITED, st.EXITED])
            assert np.count_nonzero(finished) == sim.finished_in_arrays  # only those since the last compaction
    a, b = datasets
    for name in a.data_vars:
        values = a[name].values  # NaN marks a threshold never reached: equal when both are NaN
        assert np.array_equal(values, b[name].values, equal_nan=values.dtype.kind == "f"), name
    assert a.attrs["particles_released"] == b.attrs["particles_released"] == 5000


@pytest.mark.slow
def test_boundary_layer_profile_from_the_scenario_is_well_mixed_and_peaks_mid_layer(tmp_path, closed_column_data):
    """profile: boundary_layer gives the parabolic K(h) and a closed column under it stays mixed."""
    from plume.environment.boundary_layer import VON_KARMAN
    from plume.processes.vertical_mixing import profile_m2_s

    from plume.scenario import scenario_from_dict

    data = closed_column_data(20, time={"duration_h": 3, "step_s": 5, "output_every_s": 3600},
                              particles={"count": 20000, "seed": 3})
    data["turbulence"] = {"vertical": {"profile": "boundary_layer", "friction_velocity_m_s": 0.005,
                                       "thickness_m": 20, "background_m2_s": 1e-5}}
    sim = Simulation(scenario_from_dict(data, tmp_path))
    k_mid = profile_m2_s(sim.processes.vertical_mixing, 10.0, 0.005)[0]  # u* of the block
    assert k_mid == pytest.approx(VON_KARMAN * 0.005 * 20 / 4, rel=1e-3)
    sim.release_due(0.0)
    sim.particles.z_m[:] = -20.0 + 20.0 * np.random.default_rng(5).uniform(size=20000)
    for step in range(sim.n_steps):
        sim.step(step)
    concentration = relative_concentration(sim.particles.z_m + 20.0, depth_m=20.0)
    assert np.max(np.abs(concentration - 1.0)) < 0.08  # 2000 a bin: 2.2 % noise


@pytest.mark.slow
def test_eddy_episode_in_the_scenario_doubles_the_drift_at_its_peak(tmp_path):
    base = {"mean_u_m_s": 0.02}
    drifts = []
    for eddies in ([], [{"start_h": 0, "duration_h": 4, "energy_gain": 4}]):
        sim = Simulation(make_scenario(
            tmp_path, time={"duration_h": 2, "step_s": 60, "output_every_s": 3600},
            currents={"synthetic": {**base, "eddies": eddies}}, particles={"count": 1},
            grid={"resolution_m": 100, "extent_m": [-5000, 5000, -5000, 5000]}))
        sim.release_due(0.0)
        for step in range(sim.n_steps):
            sim.step(step)
        drifts.append(sim.particles.x_m[0])
    # speed factor sqrt(1 + 3 sin^2(pi t / 4 h)) integrated over the first 2 h
    t = np.linspace(0, 7200, 200001)
    factor = np.sqrt(1 + 3 * np.sin(np.pi * t / 14400) ** 2)
    expected = 0.02 * np.trapezoid(factor, t)
    assert drifts[0] == pytest.approx(0.02 * 7200, rel=1e-9)
    assert drifts[1] == pytest.approx(expected, rel=1e-6)
