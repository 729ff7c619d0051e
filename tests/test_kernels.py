"""Kernels against closed forms: interpolation of linear fields, the log layer, tides, random numbers."""
import numpy as np
import pytest
from numba import njit

from plume.environment.currents import UniformFlow, empty_current_grid, time_index_and_fraction
from plume.environment.fields import CurrentGrid, SeabedGrid
from plume.kernels.interpolate import gridded_velocity, log_layer_factor, seabed_depth, seabed_depth_many
from plume.processes.vertical_mixing import Params as VerticalMixingParams
from plume.processes.vertical_mixing import table_diffusivity
from plume.kernels.random import draw_bits, gaussian, particle_stream, seed_key, two_uniforms
from plume.sediment import stokes_settling_m_s


def linear_current_grid():
    """u = 0.1 + 1e-4 x - 2e-4 y + 1e-3 z + 1e-5 t on an irregular z axis; v = -u; w = 1e-6 t."""
    t = np.array([0.0, 1000.0, 3000.0])
    z = np.array([-4000.0, -3990.0, -3900.0, -3000.0])
    x0, dx, nx = -500.0, 100.0, 11
    y0, dy, ny = -300.0, 50.0, 13
    x = x0 + dx * np.arange(nx)
    y = y0 + dy * np.arange(ny)
    T, Z, Y, X = np.meshgrid(t, z, y, x, indexing="ij")
    u = 0.1 + 1e-4 * X - 2e-4 * Y + 1e-3 * (Z + 4000) + 1e-5 * T
    return CurrentGrid(t, x0, dx, y0, dy, z, u.astype(np.float64), (-u).astype(np.float64),
                       (1e-6 * T).astype(np.float64), 0.0, 0.0, True)


def test_gridded_velocity_is_exact_for_fields_linear_in_space_and_time():
    g = linear_current_grid()
    rng = np.random.default_rng(0)
    for _ in range(200):
        x, y = rng.uniform(-500, 500), rng.uniform(-300, 300)
        z, t = rng.uniform(-4000, -3000), rng.uniform(0, 3000)
        i, f = time_index_and_fraction(g.time_s, t)
        u, v, w = gridded_velocity(g, i, f, x, y, z)
        expected = 0.1 + 1e-4 * x - 2e-4 * y + 1e-3 * (z + 4000) + 1e-5 * t
        assert u == pytest.approx(expected, abs=1e-12)
        assert v == pytest.approx(-expected, abs=1e-12)
        assert w == pytest.approx(1e-6 * t, abs=1e-15)


def test_gridded_velocity_clamps_outside_levels_and_times():
    g = linear_current_grid()
    i, f = time_index_and_fraction(g.time_s, 5000.0)  # after the last snapshot: held
    u_deep, _, _ = gridded_velocity(g, i, f, 0.0, 0.0, -4500.0)
    u_bottom, _, _ = gridded_velocity(g, i, f, 0.0, 0.0, -4000.0)
    assert (i, f) == (1, 1.0)
    assert u_deep == pytest.approx(u_bottom)


def test_seabed_bilinear_reproduces_a_plane():
    xs = np.linspace(-1000, 1000, 21)
    ys = np.linspace(-500, 500, 11)
    X, Y = np.meshgrid(xs, ys)
    grid = SeabedGrid(-1000.0, 100.0, -500.0, 100.0, 4000.0 + 0.01 * X - 0.02 * Y)
    px = np.array([-999.0, 0.0, 123.4, 999.9])
    py = np.array([-499.0, 0.0, -77.7, 499.0])
    assert np.allclose(seabed_depth_many(grid, px, py), 4000.0 + 0.01 * px - 0.02 * py, atol=1e-9)
    assert seabed_depth(grid, 5000.0, 0.0) == pytest.approx(4000.0 + 0.01 * 1000)  # clamped at the edge


def test_log_layer_gives_the_law_of_the_wall_ratio():
    z0, top = 0.001, 10.0
    ln_ratio = empty_current_grid(z0, top).log_layer_log_ratio
    assert ln_ratio == pytest.approx(np.log(top / z0), rel=1e-15)
    kappa_u_star = 0.1 / np.log(top / z0)  # u(H) = 0.1 m/s
    for h1, h2 in [(0.5, 2.0), (1.0, 8.0), (0.01, 0.1)]:
        ratio = log_layer_factor(h1, z0, top, ln_ratio) / log_layer_factor(h2, z0, top, ln_ratio)
        assert ratio == pytest.approx(np.log(h1 / z0) / np.log(h2 / z0), rel=1e-12)
        assert 0.1 * log_layer_factor(h1, z0, top, ln_ratio) == pytest.approx(kappa_u_star * np.log(h1 / z0))
    assert log_layer_factor(20.0, z0, top, ln_ratio) == 1.0
    assert log_layer_factor(z0 / 2, z0, top, ln_ratio) == 0.0
    assert log_layer_factor(0.5, 0.0, top, 1.0) == 1.0  # no roughness: no layer


@njit
def _log_of_ratio_in_a_kernel(a, b):
    return np.log(a / b)


@pytest.mark.parametrize("z0, top", [(0.002, 10.0), (0.001, 10.0), (0.0005, 37.5), (0.01, 100.0)])
def test_log_layer_denominator_has_the_kernels_bits(z0, top):
    """The denominator worked out once in Python is the one the kernel's own np.log gave (the same C library
    log), so taking it out of the step left every result as it was."""
    assert empty_current_grid(z0, top).log_layer_log_ratio == _log_of_ratio_in_a_kernel(top, z0)


def test_vertical_diffusivity_profile_is_interpolated_with_its_slope():
    turb = VerticalMixingParams(False, False, 0.0, 0.0, 0.0, False, np.array([0.0, 10.0, 30.0]),
                                np.array([1e-4, 1e-3, 5e-4]))
    k, slope = table_diffusivity(turb, 2.5)
    assert k == pytest.approx(1e-4 + 0.25 * 9e-4)
    assert slope == pytest.approx(9e-5)
    k, slope = table_diffusivity(turb, 20.0)
    assert k == pytest.approx(7.5e-4) and slope == pytest.approx(-2.5e-5)
    assert table_diffusivity(turb, 50.0) == (5e-4, 0.0)


def test_tidal_constituent_has_its_amplitude_and_period():
    m2_period_s = 12.4206012 * 3600.0
    flow = UniformFlow(0.02, -0.01, np.array([2 * np.pi / m2_period_s]), np.array([0.03]),
                       np.radians([30.0]), np.array([0.02]), np.radians([-60.0]))
    t = np.linspace(0.0, 10 * m2_period_s, 200001)
    u, v = flow.at(t)
    assert u.mean() == pytest.approx(0.02, abs=1e-6)
    assert (u.max() - u.min()) / 2 == pytest.approx(0.03, rel=1e-6)
    assert (v.max() - v.min()) / 2 == pytest.approx(0.02, rel=1e-6)
    u_shift, _ = flow.at(t + m2_period_s)
    assert np.allclose(u_shift, u, atol=1e-12)
    # the dominant period from the spectrum is M2's
    spectrum = np.abs(np.fft.rfft(u - u.mean()))
    freq = np.fft.rfftfreq(t.size, t[1] - t[0])
    assert 1 / freq[np.argmax(spectrum)] == pytest.approx(m2_period_s, rel=1e-3)


def test_empty_current_grid_is_zero_everywhere():
    g = empty_current_grid()
    assert gridded_velocity(g, 0, 0.0, 1e4, -3e3, -4000.0) == (0.0, 0.0, 0.0)


@njit
def _draws(key, n_particles, n_counters):
    """Uniform and Gaussian pairs for particles 0..n-1 and counters 0..m-1 (numba keeps uint64 intact)."""
    uniforms = np.empty((n_particles, n_counters, 2))
    gaussians = np.empty((n_particles, n_counters, 2))
    for p in range(n_particles):
        stream = particle_stream(key, p)
        for c in range(n_counters):
            bits = draw_bits(stream, c)
            uniforms[p, c, 0], uniforms[p, c, 1] = two_uniforms(bits)
            gaussians[p, c, 0], gaussians[p, c, 1] = gaussian(stream, 2 * c), gaussian(stream, 2 * c + 1)
    return uniforms, gaussians


def test_random_streams_are_reproducible_uniform_and_gaussian():
    key = seed_key(42)
    assert key == seed_key(42) and key != seed_key(43)
    u1, g1 = _draws(key, 500, 100)
    u2, g2 = _draws(seed_key(42), 500, 100)
    assert np.array_equal(u1, u2) and np.array_equal(g1, g2)
    u3, _ = _draws(seed_key(43), 500, 100)
    assert not np.any(u1 == u3)
    u = u1.ravel()
    assert 0.0 < u.min() and u.max() < 1.0
    assert u.mean() == pytest.approx(0.5, abs=0.003)
    assert u.var() == pytest.approx(1 / 12, rel=0.01)
    g = g1.ravel()
    assert g.mean() == pytest.approx(0.0, abs=0.01)
    assert g.var() == pytest.approx(1.0, rel=0.015)
    assert np.mean(g**4) == pytest.approx(3.0, rel=0.05)  # Gaussian kurtosis
    # no correlation between neighbouring particles or successive steps
    assert abs(np.corrcoef(g1[:-1, :, 0].ravel(), g1[1:, :, 0].ravel())[0, 1]) < 0.015
    assert abs(np.corrcoef(g1[:, :-1, 0].ravel(), g1[:, 1:, 0].ravel())[0, 1]) < 0.015


def test_stokes_settling_speed():
    # 63 um quartz grain in deep seawater: (2650-1045) 9.81 (63e-6)^2 / (18 1.8e-3) = 1.93 mm/s
    w = stokes_settling_m_s(63e-6, 2650.0, 1045.0, 1.8e-3)
    assert w == pytest.approx(1605 * 9.81 * 63e-6**2 / (18 * 1.8e-3), rel=1e-12)
    assert w == pytest.approx(1.93e-3, rel=0.01)
    assert stokes_settling_m_s(2 * 63e-6, 2650.0, 1045.0, 1.8e-3) == pytest.approx(4 * w)


@njit
def _ziggurat_sample(key, n):
    out = np.empty(n)
    for p in range(n):
        out[p] = gaussian(particle_stream(key, p), 5)
    return out


def test_ziggurat_gaussians_have_the_normal_distribution_and_tails():
    from scipy import stats

    g = _ziggurat_sample(seed_key(9), 2_000_000)
    assert np.array_equal(g[:1000], _ziggurat_sample(seed_key(9), 1000))  # a function of the counter
    assert g.mean() == pytest.approx(0.0, abs=0.003)
    assert g.var() == pytest.approx(1.0, rel=0.003)
    assert stats.kstest(g, "norm").pvalue > 1e-3
    for a in (1.0, 2.0, 3.0, 3.5, 4.0):  # the wedges and the tail beyond r = 3.44 are sampled right
        expected = 2 * stats.norm.sf(a)
        observed = np.mean(np.abs(g) > a)
        assert observed == pytest.approx(expected, rel=5 / np.sqrt(expected * g.size) + 0.01), a


def test_blending_snapshots_to_stage_times_is_linear_in_time():
    from plume.kernels.interpolate import blend_snapshots

    snapshots = np.stack([np.full((2, 3, 4), float(k) ** 2, np.float32) for k in range(5)])
    out = np.empty((3, 2, 3, 4), np.float32)
    blend_snapshots(snapshots, np.array([1, 1, 3]), np.array([0.25, 0.75, 1.0]), out)
    np.testing.assert_allclose(out[:, 0, 0, 0], [1 + 0.25 * 3, 1 + 0.75 * 3, 16.0])


def test_eddy_episode_multiplies_flow_energy_smoothly():
    day = 86400.0
    flow = UniformFlow(0.03, -0.02, episode_start_s=np.array([10 * day]),
                       episode_duration_s=np.array([20 * day]), episode_energy_gain=np.array([4.0]))
    u0, v0 = flow.at(5 * day)
    assert (u0, v0) == pytest.approx((0.03, -0.02))
    u, v = flow.at(20 * day)  # the episode's peak: energy x4, speed x2
    assert (u, v) == pytest.approx((0.06, -0.04))
    assert flow.energy_factor(np.array([10 * day, 15 * day, 30 * day, 31 * day])) == pytest.approx([1, 2.5, 1, 1])


def test_interval_index_is_the_bisections_node_inside_the_axis():
    """The branch-free interval index equals irregular_index's lower node for every coord in [b0, b_last),
    the bounds themselves included, on the layer axes of the configs and an irregular one."""
    from plume.kernels.interpolate import interval_index, irregular_index

    rng = np.random.default_rng(5)
    for bounds in ([0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0], [0.0, 50.0], [1000.0, 1100.0, 1200.0, 1300.0, 1400.0],
                   np.cumsum(rng.uniform(0.1, 3.0, 12))):
        bounds = np.asarray(bounds, dtype=float)
        coords = np.concatenate([bounds[:-1], np.nextafter(bounds[1:], -np.inf),
                                 rng.uniform(bounds[0], bounds[-1], 500)])
        for c in coords:
            assert interval_index(c, bounds) == irregular_index(c, bounds)[0], (c, bounds)
