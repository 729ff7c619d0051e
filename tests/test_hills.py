"""Synthetic abyssal hills: the von Karman field's statistics and the bathymetry.abyssal_hills key."""
from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import make_scenario

from plume.environment.hills import abyssal_hills, correlation_lengths, efolding_factor, von_karman_correlation
from plume.errors import ScenarioError
from plume.solver import Simulation

# The CCZ-like case of the scenario key: 100 m cells, 51.2 km square.
N, DX = 512, 100.0
ACROSS, ALONG = 4000.0, 15000.0
HILLS = {"rms_height_m": 120, "wavelength_across_m": ACROSS, "wavelength_along_m": ALONG, "azimuth_deg": 0, "seed": 7}


def predicted_efolding(wavelength_m: float, hurst: float = 0.9) -> float:
    """E-folding lag along a principal axis by the definition: a = wavelength / 2 pi, lag = efolding_factor * a."""
    return efolding_factor(hurst) * wavelength_m / (2.0 * math.pi)


def mean_lengths(azimuth_deg: float, seeds=range(4)) -> np.ndarray:
    """(along x, along y) e-folding lags averaged over a few realisations."""
    return np.mean([correlation_lengths(abyssal_hills(N, N, DX, DX, 120.0, ACROSS, ALONG, azimuth_deg, s), DX, DX)
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


def test_isotropic_when_wavelengths_equal():
    lx, ly = np.mean([correlation_lengths(abyssal_hills(N, N, DX, DX, 1.0, 6000.0, 6000.0, 33.0, s), DX, DX)
                      for s in range(4)], axis=0)
    assert lx == pytest.approx(predicted_efolding(6000.0), rel=TOL)
    assert ly == pytest.approx(predicted_efolding(6000.0), rel=TOL)


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
