"""Exposure (ssc_max, time above a threshold) is resolved on the model step: a cloud carried through a
row of cells is above the threshold in each for exactly the time it takes to cross it."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from helpers import make_scenario

from plume import accumulators
from plume.kernels import status as st
from plume.kernels.interpolate import seabed_depth_many
from plume.solver import Simulation

SPEED_M_S = 0.5
CELL_M = 50.0
EXPOSURE_FIELDS = ("ssc_max_kg_m3", "exceedance_s", "ssc_integral_kg_s_m3", "ssc_max_without_group_kg_m3",
                   "exceedance_without_group_s", "ssc_integral_without_group_kg_s_m3")


def particles_at(rng, x, y, z):
    """Particles at (x, y, z): nine in ten in the water, the rest deposited, of random mass."""
    n = x.size
    status = np.where(rng.random(n) < 0.9, st.ACTIVE, st.DEPOSITED).astype(np.int8)
    return SimpleNamespace(x_m=x, y_m=y, z_m=z, status=status, mass_kg=rng.uniform(0.5, 1.5, n),
                           particle_id=np.arange(n, dtype=np.int32), n_released=n)


def exposure_step(sim, particles, seabed):
    """(cells touched, the near-bed SSC estimate) of one exposure step of `sim` on `particles`."""
    acc = sim.accumulators
    snapshot, cells = np.zeros_like(acc._total), np.zeros(acc._total.size, np.int64)
    touched, _ = acc.accumulate_step(particles, seabed, 60.0, snapshot, cells)
    return touched, snapshot


def assert_same_step(one, other):
    assert one[0] == other[0] > 0
    np.testing.assert_array_equal(one[1], other[1])


def assert_same_exposure(one, other):
    for name in EXPOSURE_FIELDS:
        np.testing.assert_array_equal(getattr(one.accumulators, name), getattr(other.accumulators, name))


@pytest.mark.slow
def test_exceedance_time_of_a_moving_cloud_is_the_cell_crossing_time(tmp_path):
    """A point cloud (no mixing, no settling) drifts east at 0.5 m/s: each 50 m cell on its path holds
    it for 100 s, so its time above a threshold far below the cloud's concentration is 100 s (to one
    step), although outputs are an hour apart; cells off the path never exceed."""
    scenario = make_scenario(
        tmp_path, time={"duration_h": 1, "step_s": 10, "output_every_s": 3600},
        currents={"synthetic": {"mean_u_m_s": SPEED_M_S, "mean_v_m_s": 0.0}},
        sources=[{"kind": "discharge", "name": "cloud", "position_m": [-975.0, 25.0], "height_above_bed_m": 0.5,
                  "mass_kg": 1.0, "start_h": 0}],
        grid={"resolution_m": CELL_M, "extent_m": [-1000, 1000, -500, 500], "layers_above_bed_m": [0, 1, 2, 5]},
        thresholds={"deposit_mm": [0.001], "ssc_mg_l": [0.1, 1]},
        particles={"count": 100, "seed": 1},
        output={"directory": "out", "ssc_estimator": "histogram"})  # each particle in its own cell
    sim = Simulation(scenario)
    sim.run()
    acc = sim.accumulators
    row = 10  # y from 0 to 50 m
    crossed = acc.exceedance_s[0, 0, row, 1:36]  # whole cells crossed (the first holds the release point)
    assert np.allclose(crossed, CELL_M / SPEED_M_S, atol=10.0 + 1e-6)
    assert np.all(acc.exceedance_s[:, :, :row] == 0) and np.all(acc.exceedance_s[:, :, row + 1:] == 0)
    # the maximum is the cloud's whole mass in one 50 m x 50 m x 1 m cell, seen although no snapshot caught it
    assert acc.ssc_max_kg_m3[0, row, 1:36] == pytest.approx(np.full(35, 1.0 / (CELL_M * CELL_M * 1.0)), rel=1e-6)


def test_rebinning_clears_only_the_cells_of_the_last_binning_and_equals_a_fresh_binning(tmp_path):
    """The per-step concentration the processes read is re-binned into the same arrays, cleared only where
    the previous step's particles were: after the particles move it equals binning into zeroed arrays."""
    from plume.kernels import status as st
    from plume.kernels.accumulate import bin_suspended, rebin_suspended
    from plume.solver import Simulation

    sim = Simulation(make_scenario(tmp_path, grid={"resolution_m": 50, "extent_m": [-500, 500, -500, 500],
                                                   "layers_above_bed_m": [0, 1, 2, 5],
                                                   "depth_levels_m": [10, 30, 60]}))
    g = sim.grid
    rng = np.random.default_rng(4)
    n = 3000
    layer, level = sim.accumulators.empty_bins()
    previous, n_previous = np.empty(0, np.int64), 0
    for _ in range(3):
        x, y = rng.uniform(-600, 600, n), rng.uniform(-600, 600, n)  # some outside: clamped to edge cells
        z = -rng.uniform(0, 100, n)  # near the bed and in the midwater levels
        status = np.where(rng.random(n) < 0.9, st.ACTIVE, st.DEPOSITED).astype(np.int8)
        mass = rng.uniform(0.5, 1.5, n)
        touched = np.empty(2 * n, np.int64)
        args = (x, y, z, status, mass, n, sim.environment.seabed, g.x_min_m, g.y_min_m, g.resolution_m,
                g.layer_bounds_m, sim.level_bounds_m)
        suspended, n_previous = rebin_suspended(*args, layer, level, *sim.per_volume, previous, n_previous, touched)
        previous = touched
        fresh_layer, fresh_level = sim.accumulators.empty_bins()
        expected = bin_suspended(*args, fresh_layer, fresh_level, *sim.per_volume)
        assert suspended == expected
        np.testing.assert_array_equal(layer, fresh_layer)
        np.testing.assert_array_equal(level, fresh_level)
        assert n_previous == np.count_nonzero(fresh_layer) + np.count_nonzero(fresh_level)


@pytest.mark.parametrize("estimator", ["kde", "histogram"])
def test_the_exposure_kernels_reused_working_arrays_give_what_fresh_ones_give(tmp_path, estimator):
    """The exposure kernel's working arrays (ExposureScratch) are kept from step to step: what an earlier
    step left in them (more particles, other cells and tasks) must not reach a later step's fields."""
    scenario = make_scenario(tmp_path, grid={"resolution_m": 50, "extent_m": [-1000, 1000, -1000, 1000],
                                             "layers_above_bed_m": [0, 1, 2, 5]},
                             output={"directory": "out", "ssc_estimator": estimator})
    reused, fresh = Simulation(scenario), Simulation(scenario)
    seabed = reused.environment.seabed
    rng = np.random.default_rng(7)
    for n, spread_m in ((4000, 900.0), (1500, 200.0), (2500, 600.0)):  # the second step has fewer particles
        x, y = rng.normal(0.0, spread_m, n), rng.normal(0.0, spread_m, n)
        z = -seabed_depth_many(seabed, x, y) + rng.uniform(0.0, 8.0, n)  # some above the layers
        particles = particles_at(rng, x, y, z)
        fresh.accumulators.release_scratch()
        assert_same_step(exposure_step(reused, particles, seabed), exposure_step(fresh, particles, seabed))
    assert_same_exposure(reused, fresh)
    assert reused.accumulators.ssc_max_kg_m3.max() > 0.0


def test_the_exposure_kernel_refuses_working_arrays_too_small_for_its_particles(tmp_path, monkeypatch):
    """A scratch smaller than the particles would be written past its end (numba does not check bounds):
    the kernel raises instead."""
    from types import SimpleNamespace

    from plume.kernels.accumulate import exposure_scratch

    sim = Simulation(make_scenario(tmp_path))
    acc, g = sim.accumulators, sim.grid
    n = 100
    small = exposure_scratch(n - 1, g.ny, g.nx, g.n_layers, acc._estimator, float(acc._kde_params[2]))
    monkeypatch.setattr(acc, "_scratch_for", lambda capacity: small)
    particles = SimpleNamespace(x_m=np.zeros(n), y_m=np.zeros(n), z_m=np.zeros(n), status=np.zeros(n, np.int8),
                                mass_kg=np.ones(n), particle_id=np.arange(n, dtype=np.int32), n_released=n)
    with pytest.raises(ValueError, match="scratch too small"):
        acc.accumulate_step(particles, sim.environment.seabed, 60.0)


@pytest.mark.parametrize("estimator", ["kde", "histogram"])
def test_particles_skipped_as_above_the_layers_everywhere_change_nothing(tmp_path, monkeypatch, estimator):
    """The exposure kernel skips the bed-depth lookup of a particle above the near-bed layers even over the
    shallowest seabed node; over abyssal hills, with particles near the bed, just above the layers and in
    midwater, the fields are those of a kernel that looks every particle up."""
    scenario = make_scenario(tmp_path, bathymetry={"flat_depth_m": 4000.0, "abyssal_hills": {"seed": 3}},
                             grid={"resolution_m": 50, "extent_m": [-2000, 2000, -2000, 2000],
                                   "layers_above_bed_m": [0, 1, 2, 5, 20]},
                             output={"directory": "out", "ssc_estimator": estimator})
    skipping, looking = Simulation(scenario), Simulation(scenario)
    seabed = skipping.environment.seabed
    assert np.ptp(seabed.depth_m) > 50.0  # hills higher than the layers: the bound matters
    rng = np.random.default_rng(11)
    n = 6000
    x, y = rng.uniform(-2100.0, 2100.0, n), rng.uniform(-2100.0, 2100.0, n)
    height = np.concatenate([rng.uniform(0.0, 40.0, n // 2), rng.uniform(40.0, 3000.0, n - n // 2)])
    particles = particles_at(rng, x, y, -seabed_depth_many(seabed, x, y) + height)
    assert accumulators.shallowest_bed_m(seabed) == seabed.depth_m.min()
    skipped = particles.z_m + seabed.depth_m.min() >= 20.0 + 1.0  # above the top layer even at the shallowest
    assert 0 < np.count_nonzero(skipped) < n
    skipped_step = exposure_step(skipping, particles, seabed)
    monkeypatch.setattr(accumulators, "shallowest_bed_m", lambda seabed: -np.inf)  # look every particle up
    assert_same_step(skipped_step, exposure_step(looking, particles, seabed))
    assert_same_exposure(skipping, looking)
