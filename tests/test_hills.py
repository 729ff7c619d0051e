"""Synthetic abyssal hills: the von Karman field's statistics (height, slope, anisotropy, independence
of the grid) and the bathymetry.abyssal_hills key. None of these compiles the particle step."""
from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import make_scenario

from plume.environment.hills import (CCZ_HILLS, abyssal_hills, correlation_lengths, efolding_factor,
                                     predicted_slope_rms, slope_statistics, von_karman_correlation)
from plume.errors import ScenarioError
from plume.scenario import AbyssalHills
from plume.solver import Simulation

# The CCZ-like case of the scenario key: 100 m cells, 51.2 km square.
N, DX = 512, 100.0
ACROSS, ALONG = 4000.0, 15000.0
HILLS = {"rms_height_m": 120, "wavelength_across_m": ACROSS, "wavelength_along_m": ALONG, "azimuth_deg": 0, "seed": 7}


def predicted_efolding(wavelength_m: float, hurst: float = 0.9) -> float:
    """E-folding lag along a principal axis by the definition: a = wavelength / 2 pi, lag = efolding_factor * a."""
    return efolding_factor(hurst) * wavelength_m / (2.0 * math.pi)


def mean_lengths(azimuth_deg: float, seeds=range(4), rolloff_wavelength_m: float = 0.0) -> np.ndarray:
    """(along x, along y) e-folding lags averaged over a few realisations (no roll-off unless asked:
    the predicted lags are those of the pure von Karman autocorrelation)."""
    return np.mean([correlation_lengths(abyssal_hills(N, N, DX, DX, 120.0, ACROSS, ALONG, azimuth_deg, s,
                                                      rolloff_wavelength_m=rolloff_wavelength_m), DX, DX)
                    for s in seeds], axis=0)


def test_rms_and_zero_mean():
    for shape, rms in (((512, 512), 120.0), ((37, 201), 250.0), ((300, 64), 1.5)):
        f = abyssal_hills(shape[1], shape[0], 50.0, 80.0, rms, 2000.0, 9000.0, 25.0, seed=3)
        assert f.shape == shape
        assert abs(f.mean()) < 1e-9 * rms
        assert np.sqrt(np.mean(f ** 2)) == pytest.approx(rms, rel=1e-12)
    assert not np.any(abyssal_hills(20, 10, 100.0, 100.0, 0.0, 4000.0, 15000.0, 0.0, seed=1))


def test_seed_reproducible():
    a = abyssal_hills(128, 96, 100.0, 100.0, 120.0, ACROSS, ALONG, 0.0, seed=7)
    b = abyssal_hills(128, 96, 100.0, 100.0, 120.0, ACROSS, ALONG, 0.0, seed=7)
    c = abyssal_hills(128, 96, 100.0, 100.0, 120.0, ACROSS, ALONG, 0.0, seed=8)
    np.testing.assert_array_equal(a, b)
    assert np.max(np.abs(a - c)) > 10.0


def test_efolding_factor_matches_the_autocorrelation():
    u = efolding_factor(0.9)
    assert von_karman_correlation(u, 0.9)[0] == pytest.approx(math.exp(-1.0), abs=1e-9)
    assert 1.5 < u < 1.6  # 1.545 for H = 0.9
    # K_1/2 is elementary: H = 1/2 gives the exponential autocorrelation exp(-u)
    assert von_karman_correlation([0.5, 2.0], 0.5) == pytest.approx(np.exp([-0.5, -2.0]), rel=1e-6)
    assert efolding_factor(0.5) == pytest.approx(1.0, rel=1e-6)


# Tolerance of the correlation-length checks. The estimator is unbiased here (over 40
# seeds the mean measured lag was 0.98-1.00 of the prediction on both axes) and one
# realisation scatters by about 8% (1 sigma); the mean of 4 seeds scatters by about
# 4%, so 15% is over 3 sigma, while a wrong definition (e.g. wavelength = a, or no
# 2 pi) would be off by a factor of 2 or more.
TOL = 0.15


def test_anisotropy_azimuth_0_ridges_run_north_south():
    lx, ly = mean_lengths(0.0)
    assert lx == pytest.approx(predicted_efolding(ACROSS), rel=TOL)
    assert ly == pytest.approx(predicted_efolding(ALONG), rel=TOL)
    assert ly / lx == pytest.approx(ALONG / ACROSS, rel=TOL)


def test_azimuth_90_swaps_the_axes():
    lx, ly = mean_lengths(90.0)
    assert lx == pytest.approx(predicted_efolding(ALONG), rel=TOL)
    assert ly == pytest.approx(predicted_efolding(ACROSS), rel=TOL)
    assert lx / ly == pytest.approx(ALONG / ACROSS, rel=TOL)


def test_rolloff_keeps_the_hills_correlation_lengths():
    """The roll-off removes scales far below the hills: the lags move by a few % at most."""
    plain, rolled = mean_lengths(0.0), mean_lengths(0.0, rolloff_wavelength_m=CCZ_HILLS["rolloff_wavelength_m"])
    assert rolled == pytest.approx(plain, rel=0.05)
    assert rolled[1] / rolled[0] == pytest.approx(ALONG / ACROSS, rel=TOL)


def test_isotropic_when_wavelengths_equal():
    lx, ly = np.mean([correlation_lengths(abyssal_hills(N, N, DX, DX, 1.0, 6000.0, 6000.0, 33.0, s,
                                                        rolloff_wavelength_m=0.0), DX, DX)
                      for s in range(4)], axis=0)
    assert lx == pytest.approx(predicted_efolding(6000.0), rel=TOL)
    assert ly == pytest.approx(predicted_efolding(6000.0), rel=TOL)


# ---------------------------------------------------------------- slopes: against the spectrum, and grid independence

DEFAULT = AbyssalHills()  # the scenario's defaults: the documented eastern-CCZ seabed


def default_field(extent_m: float, dx_m: float, seed: int, **changes) -> np.ndarray:
    h = {**DEFAULT.model_dump(), **changes}
    n = round(extent_m / dx_m) + 1
    return abyssal_hills(n, n, dx_m, dx_m, h["rms_height_m"], h["wavelength_across_m"], h["wavelength_along_m"],
                         h["azimuth_deg"], seed, h["hurst"], h["rolloff_wavelength_m"])


def test_scenario_defaults_are_the_generator_defaults():
    assert {k: v for k, v in DEFAULT.model_dump().items() if k != "seed"} == CCZ_HILLS


@pytest.mark.parametrize("azimuth_deg", [0.0, 30.0, 90.0])
def test_rms_slope_and_anisotropy_match_the_spectrum(azimuth_deg):
    """rms dh/dx and dh/dy of a 40 km field against the spectral prediction
    rms^2 * sum k_x^2 P / sum P; their ratio is the anisotropy (about 3:1 across:along for
    the default 4 km x 15 km hills). Measured over seeds 1-4 and the three azimuths: 0.95-1.04
    of the prediction, the ratio within 3 % (centred differences on 50 m nodes see about 98 %
    of the slope; one realisation scatters by a few %)."""
    h = DEFAULT
    predicted = np.array(predicted_slope_rms(h.rms_height_m, h.wavelength_across_m, h.wavelength_along_m,
                                             azimuth_deg, h.hurst, h.rolloff_wavelength_m))
    measured = np.mean([[s["rms_dhdx"], s["rms_dhdy"]] for s in
                        (slope_statistics(default_field(40000.0, 50.0, seed, azimuth_deg=azimuth_deg), 50.0, 50.0)
                         for seed in (1, 2))], axis=0)
    assert measured == pytest.approx(predicted, rel=0.10)
    assert measured[0] / measured[1] == pytest.approx(predicted[0] / predicted[1], rel=0.10)
    if azimuth_deg == 0.0:  # ridges north-south: steeper across (east-west) than along
        assert measured[0] / measured[1] > 2.5


def test_predicted_slope_swaps_with_the_azimuth_and_scales_with_the_height():
    a = predicted_slope_rms(30.0, 4000.0, 15000.0, 0.0, 0.9, 500.0)
    b = predicted_slope_rms(60.0, 4000.0, 15000.0, 90.0, 0.9, 500.0)
    assert b == pytest.approx((2 * a[1], 2 * a[0]), rel=1e-9)
    iso = predicted_slope_rms(35.0, 6000.0, 6000.0, 17.0, 0.9, 500.0)
    assert iso[0] == pytest.approx(iso[1], rel=1e-3)
    with pytest.raises(ValueError, match="unbounded"):
        predicted_slope_rms(35.0, 4000.0, 15000.0, 0.0, 0.9, 0.0)


def test_same_seed_same_hills_on_25_and_50_m_grids():
    """The modes and their noise do not depend on the spacing once the grid resolves the
    roll-off: the 25 m seabed passes through the 50 m one (measured over four seeds: within
    4-14 cm, for an rms of 30 m)."""
    coarse, fine = default_field(10000.0, 50.0, 7), default_field(10000.0, 25.0, 7)
    assert np.max(np.abs(fine[::2, ::2] - coarse)) < 0.01 * DEFAULT.rms_height_m


def test_slopes_do_not_steepen_when_the_grid_is_refined():
    """rms and 90th/99th-percentile slopes on 50 m and 25 m grids agree within 10 % (measured:
    1-2 %); without the roll-off the same refinement steepens the seabed by more than 10 %
    (measured 17-18 %: the von Karman slope spectrum only falls as k^-2H), which is what the
    roll-off is for."""
    keys = ("rms_slope", "p90_slope_deg", "p99_slope_deg")
    for seed in (7, 8):
        s50, s25 = (slope_statistics(default_field(10000.0, dx, seed), dx, dx) for dx in (50.0, 25.0))
        for key in keys:
            assert s25[key] == pytest.approx(s50[key], rel=0.10), key
    rough50, rough25 = (slope_statistics(default_field(10000.0, dx, 7, rolloff_wavelength_m=0.0), dx, dx)
                        for dx in (50.0, 25.0))
    assert rough25["rms_slope"] > 1.1 * rough50["rms_slope"]


def test_default_seabed_has_ccz_slopes_and_relief():
    """The default hills on the default grid (10 km at 50 m) against the documented CCZ
    statistics (docs/environment.md): an rms slope of a few degrees, 90 % of the seabed
    below 10 degrees and 99 % below 15, and 100-300 m of relief in 10 km. Measured over
    seeds 0-5: rms slope 3.7-5.0 deg, 90th percentile 5.8-7.9 deg, 99th 8.6-13.1 deg,
    relief 151-181 m."""
    stats = [slope_statistics(f, 50.0, 50.0) | {"relief_m": float(np.ptp(f))}
             for f in (default_field(10000.0, 50.0, seed) for seed in range(6))]
    for s in stats:
        assert s["rms_height_m"] == pytest.approx(DEFAULT.rms_height_m, rel=1e-9)
        assert 2.0 < s["rms_slope_deg"] < 7.0
        assert s["p90_slope_deg"] < 10.0
        assert s["p99_slope_deg"] < 15.0
        assert 100.0 < s["relief_m"] < 300.0
    mean = {k: np.mean([s[k] for s in stats]) for k in stats[0]}
    assert 3.0 < mean["rms_slope_deg"] < 6.0
    assert 120.0 < mean["relief_m"] < 250.0


def test_slope_statistics_of_a_plane():
    """A plane of slope 0.1 east and 0.05 north: every node has |grad h| = sqrt(0.0125)."""
    y, x = np.mgrid[0:40, 0:50] * 25.0
    s = slope_statistics(0.1 * x + 0.05 * y, 25.0, 25.0)
    assert s["rms_dhdx"] == pytest.approx(0.1) and s["rms_dhdy"] == pytest.approx(0.05)
    assert s["rms_slope_deg"] == pytest.approx(math.degrees(math.atan(math.sqrt(0.0125))))
    assert s["p90_slope_deg"] == pytest.approx(s["rms_slope_deg"])


# ---------------------------------------------------------------- scenario key and environment


def test_scenario_hills_roughen_a_flat_seabed(tmp_path):
    scenario = make_scenario(tmp_path, bathymetry={"flat_depth_m": 4000, "abyssal_hills": HILLS},
                             grid={"resolution_m": 100, "extent_m": [-10000, 10000, -10000, 10000]})
    assert scenario.bathymetry.abyssal_hills.seed == 7
    seabed = Simulation(scenario).environment.seabed
    assert (seabed.x0_m, seabed.dx_m, seabed.y0_m, seabed.dy_m) == (-10000.0, 100.0, -10000.0, 100.0)
    assert seabed.depth_m.shape == (201, 201)  # nodes of the 200 x 200 output cells
    assert seabed.depth_m.dtype == np.float64 and seabed.depth_m.flags.c_contiguous
    assert seabed.depth_m.mean() == pytest.approx(4000.0, abs=1.0)
    assert seabed.depth_m.std() == pytest.approx(120.0, rel=0.10)
    # the same scenario gives the same seabed
    again = Simulation(make_scenario(tmp_path, bathymetry={"flat_depth_m": 4000, "abyssal_hills": HILLS},
                                     grid={"resolution_m": 100, "extent_m": [-10000, 10000, -10000, 10000]}))
    np.testing.assert_array_equal(again.environment.seabed.depth_m, seabed.depth_m)


def test_empty_hills_key_gives_the_ccz_defaults(tmp_path):
    grid = {"resolution_m": 50, "extent_m": [-5000, 5000, -5000, 5000]}
    scenario = make_scenario(tmp_path, bathymetry={"flat_depth_m": 4000, "abyssal_hills": {"seed": 7}}, grid=grid)
    assert scenario.bathymetry.abyssal_hills == AbyssalHills(seed=7)
    depth = Simulation(scenario).environment.seabed.depth_m
    np.testing.assert_allclose(4000.0 - depth, default_field(10000.0, 50.0, 7), rtol=0, atol=1e-9)


def test_no_hills_keeps_the_flat_seabed(tmp_path):
    scenario = make_scenario(tmp_path, bathymetry={"flat_depth_m": 4000})
    assert scenario.bathymetry.abyssal_hills is None
    assert Simulation(scenario).environment.seabed.depth_m.shape == (2, 2)


@pytest.mark.parametrize("change, message", [
    ({"wavelength_along_m": 3000}, r"bathymetry\.abyssal_hills\.wavelength_along_m: must be >= wavelength_across_m"),
    ({"wavelength_across_m": 0}, r"bathymetry\.abyssal_hills\.wavelength_across_m"),
    ({"rms_height_m": -1}, r"bathymetry\.abyssal_hills\.rms_height_m"),
    ({"rms_height_m": 2500}, r"bathymetry\.abyssal_hills\.rms_height_m"),
    ({"azimuth_deg": 400}, r"bathymetry\.abyssal_hills\.azimuth_deg"),
    ({"seed": -1}, r"bathymetry\.abyssal_hills\.seed"),
    ({"seed": 1.5}, r"bathymetry\.abyssal_hills\.seed"),
    ({"height_m": 100}, r"bathymetry\.abyssal_hills\.height_m"),
    ({"hurst": 0}, r"bathymetry\.abyssal_hills\.hurst"),
    ({"hurst": 1.5}, r"bathymetry\.abyssal_hills\.hurst"),
    ({"rolloff_wavelength_m": 0}, r"bathymetry\.abyssal_hills\.rolloff_wavelength_m"),
    ({"rolloff_wavelength_m": 4000}, r"bathymetry\.abyssal_hills\.rolloff_wavelength_m: must be < wavelength_across_m"),
])
def test_bad_hills_keys(tmp_path, change, message):
    with pytest.raises(ScenarioError, match=message):
        make_scenario(tmp_path, bathymetry={"flat_depth_m": 4000, "abyssal_hills": {**HILLS, **change}})


def test_hills_too_tall_for_the_water_depth(tmp_path):
    scenario = make_scenario(tmp_path, bathymetry={"flat_depth_m": 100, "abyssal_hills": HILLS},
                             grid={"resolution_m": 100, "extent_m": [-5000, 5000, -5000, 5000]})
    with pytest.raises(ScenarioError, match=r"bathymetry\.abyssal_hills\.rms_height_m: .*deeper than 10 m"):
        Simulation(scenario)


def test_hills_on_a_bathymetry_file(tmp_path):
    from helpers import write_sloping_bathymetry

    path = write_sloping_bathymetry(tmp_path / "bathy.nc", 4000.0, 0.0)
    grid = {"resolution_m": 100, "extent_m": [-5000, 5000, -5000, 5000]}
    from_file = {"flat_depth_m": None, "file": str(path)}
    plain = Simulation(make_scenario(tmp_path, bathymetry=from_file, grid=grid)).environment.seabed
    hilly = Simulation(make_scenario(tmp_path, bathymetry={**from_file, "abyssal_hills": HILLS},
                                     grid=grid)).environment.seabed
    assert hilly[:4] == plain[:4] and hilly.depth_m.shape == plain.depth_m.shape == (101, 101)
    relief = plain.depth_m - hilly.depth_m  # positive up
    assert relief.mean() == pytest.approx(0.0, abs=1e-6)
    assert relief.std() == pytest.approx(120.0, rel=1e-9)
