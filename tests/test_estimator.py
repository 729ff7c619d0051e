"""The near-bed SSC estimator (output.ssc_estimator): the adaptive kernel estimate of a known Gaussian
cloud converges to its analytic concentration faster than the cell histogram, and both conserve mass
to round-off, at the grid's edge and over a sloping seabed."""
from __future__ import annotations

import numpy as np
import pytest
from helpers import make_scenario, scenario_dict, write_sloping_bathymetry
from scipy.special import erf

from plume.kernels import status as st
from plume.particles import ParticleState
from plume.scenario import scenario_from_dict
from plume.solver import Simulation

CELL_M = 10.0
SIGMA_M = 40.0
HALF_M = 200.0  # the grid spans [-200, 200] m on both axes
LAYERS_M = [0, 1, 2]


def _simulation(tmp_path, estimator: str, **changes) -> Simulation:
    return Simulation(make_scenario(
        tmp_path, grid={"resolution_m": CELL_M, "extent_m": [-HALF_M, HALF_M, -HALF_M, HALF_M],
                        "layers_above_bed_m": LAYERS_M},
        output={"directory": "out", "ssc_estimator": estimator}, **changes))


def _particles(x, y, z, mass_kg: float) -> ParticleState:
    n = x.size
    return ParticleState(x, y, z, np.full(n, mass_kg), np.zeros(n, np.int16), np.full(n, st.ACTIVE, np.int8),
                         np.zeros(n), np.arange(n, dtype=np.int32), n)


def _gaussian_cloud(n: int, seed: int, centre=(0.0, 0.0)) -> ParticleState:
    """n particles of 1/n kg each, Gaussian (SIGMA_M on each axis) around centre, 0.5 m above the
    flat 100 m deep bed (in the 0-1 m layer), those outside the grid dropped."""
    rng = np.random.default_rng(seed)
    x, y = rng.normal(centre[0], SIGMA_M, n), rng.normal(centre[1], SIGMA_M, n)
    inside = (np.abs(x) < HALF_M) & (np.abs(y) < HALF_M)
    x, y = x[inside], y[inside]
    return _particles(x, y, np.full(x.size, -99.5), 1.0 / n)


def _estimate(sim: Simulation, particles: ParticleState) -> np.ndarray:
    ssc = np.zeros((len(LAYERS_M) - 1, sim.grid.ny, sim.grid.nx))
    sim.accumulators.accumulate_step(particles, sim.environment.seabed, 0.0, ssc)
    return ssc


def _analytic_kg_m3() -> np.ndarray:
    """The cloud's exact mean concentration in each cell of the 0-1 m layer (1 kg in all)."""
    edges = np.arange(-HALF_M, HALF_M + CELL_M, CELL_M)
    share = np.diff(0.5 * (1.0 + erf(edges / (SIGMA_M * np.sqrt(2.0)))))
    return np.outer(share, share) / (CELL_M * CELL_M * 1.0)


@pytest.mark.slow
def test_the_kernel_estimate_of_a_gaussian_cloud_converges_faster_than_the_histogram(tmp_path):
    """RMS error against the analytic concentration (relative to its peak), mean of three seeds, for
    2,000 to 32,000 particles: the kernel estimate's error is below the histogram's at every count
    (about half of it at 2,000 particles: a few particles per cell) and falls about as N^-1/2 as N grows
    (docs/outputs.md); the histogram's falls as N^-1/2."""
    truth = _analytic_kg_m3()
    counts = np.array([2000, 8000, 32000])
    errors = {}
    for estimator in ("histogram", "kde"):
        sim = _simulation(tmp_path, estimator)
        errors[estimator] = np.array([
            np.mean([np.sqrt(np.mean((_estimate(sim, _gaussian_cloud(n, seed))[0] - truth) ** 2)) / truth.max()
                     for seed in range(3)]) for n in counts])
    assert np.all(errors["kde"] < errors["histogram"])
    assert errors["kde"][0] < 0.7 * errors["histogram"][0]
    slope = {k: np.polyfit(np.log(counts), np.log(e), 1)[0] for k, e in errors.items()}
    assert slope["histogram"] == pytest.approx(-0.5, abs=0.08)
    assert -0.6 < slope["kde"] < -0.3


@pytest.mark.slow
@pytest.mark.parametrize("estimator", ["kde", "histogram"])
def test_the_estimators_conserve_mass_to_round_off_at_the_grid_edge(tmp_path, estimator):
    """A cloud centred on the grid's corner: the kernels cut at the edge give their mass to the cells
    inside, so the mass on the grid is the particles' mass to round-off."""
    sim = _simulation(tmp_path, estimator)
    particles = _gaussian_cloud(5000, 1, centre=(HALF_M - 5.0, HALF_M - 5.0))
    volume = sim.grid.layer_cell_volume_m3
    assert (_estimate(sim, particles) * volume).sum() == pytest.approx(particles.mass_kg.sum(), rel=1e-12)


@pytest.mark.slow
def test_the_kernel_estimate_conserves_mass_over_a_sloping_bed(tmp_path):
    """Over a bed that falls 73 m across the grid, particles 0.5 m above the local bed are all in the
    0-1 m layer (layers are heights above the bed where each particle is), and its mass is theirs."""
    write_sloping_bathymetry(tmp_path / "bathy.nc", 4000.0, 20000.0)
    d = scenario_dict(grid={"resolution_m": CELL_M, "extent_m": [-HALF_M, HALF_M, -HALF_M, HALF_M],
                            "layers_above_bed_m": LAYERS_M},
                      output={"directory": "out", "ssc_estimator": "kde"})
    d["bathymetry"] = {"file": "bathy.nc"}
    sim = Simulation(scenario_from_dict(d, tmp_path))
    rng = np.random.default_rng(2)
    x, y = rng.uniform(-HALF_M, HALF_M, 3000), rng.normal(0.0, SIGMA_M, 3000)
    keep = np.abs(y) < HALF_M
    x, y = x[keep], y[keep]
    depth = sim.environment.depth_at(x, y)
    assert np.ptp(depth) > 50.0  # the bed really slopes
    particles = _particles(x, y, 0.5 - depth, 1e-3)
    ssc = _estimate(sim, particles)
    assert (ssc[0] * sim.grid.layer_cell_volume_m3[0]).sum() == pytest.approx(particles.mass_kg.sum(), rel=1e-12)
    assert ssc[1].max() == 0.0


@pytest.mark.parametrize("estimator", ["kde", "histogram"])
def test_the_exposure_is_bit_identical_on_one_thread_or_several(tmp_path, estimator):
    """The exposure kernel runs in parallel over tiles of the grid, one colour of tiles at a time, and
    no two tiles of a colour reach the same cell, so every cell adds its particles in the same order:
    the estimate, the maxima and the exceedance times, in all and without each group, are the same bits
    on one thread as on several."""
    import numba

    rng = np.random.default_rng(12)
    n = 40000
    x, y = rng.normal(0.0, 80.0, n), rng.normal(30.0, 120.0, n)  # across many tiles, some beyond the grid
    z = -100.0 + rng.uniform(0.0, 2.5, n)  # in both layers and above them
    cloud = _particles(x, y, z, 1.0 / n)
    cloud.mass_kg[:] = rng.uniform(0.5, 1.5, n) / n
    results = []
    for threads in (1, numba.config.NUMBA_NUM_THREADS):
        numba.set_num_threads(threads)
        sim = _simulation(tmp_path, estimator, thresholds={"ssc_mg_l": [1, 10], "deposit_mm": [0.01]})
        acc = sim.accumulators
        moved = _particles(cloud.x_m + 7.0, cloud.y_m, cloud.z_m, 0.0)
        moved.mass_kg[:] = cloud.mass_kg
        # a second step elsewhere: the scratch arrays were cleared after the first
        snapshots = [_estimate(sim, cloud), _estimate(sim, moved)]
        results.append([*snapshots, acc.ssc_max_kg_m3.copy(), acc.exceedance_s.copy(),
                        acc.ssc_max_without_group_kg_m3.copy(), acc.exceedance_without_group_s.copy()])
        assert not acc._total.any() and not acc._by_group.any()
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    for one, many in zip(*results):
        np.testing.assert_array_equal(one, many)
    assert results[0][0].sum() > 0


def test_balanced_slots_give_every_task_once_and_the_busiest_first():
    """Longest processing time first: each task lands in exactly one slot, no slot holds more than the
    mean load plus (1 - 1/slots) of the largest task (Graham's bound for greedy list scheduling, 1969),
    and a task as heavy as all the rest together gets a slot to itself."""
    from plume.kernels.accumulate import _balanced_slots

    rng = np.random.default_rng(3)
    for n_slots in (1, 2, 3, 8):
        for n_tasks in (1, 5, 40):
            work = rng.pareto(1.5, 60) + 0.1
            tasks = np.sort(rng.choice(60, n_tasks, replace=False)).astype(np.int64)
            first = np.zeros(n_slots + 1, dtype=np.int64)
            slots = np.full(60, -1, dtype=np.int64)
            _balanced_slots(work, tasks, n_slots, first, slots)
            assert first[-1] == n_tasks
            assert sorted(slots[:n_tasks]) == sorted(tasks)
            loads = [work[slots[first[s]:first[s + 1]]].sum() for s in range(n_slots)]
            bound = work[tasks].sum() / n_slots + (1.0 - 1.0 / n_slots) * work[tasks].max()
            assert max(loads) <= bound + 1e-12
    work = np.array([10.0, 4.0, 3.0, 2.0, 1.0])
    first = np.zeros(3, dtype=np.int64)
    slots = np.empty(5, dtype=np.int64)
    _balanced_slots(work, np.arange(5, dtype=np.int64), 2, first, slots)
    assert list(slots[first[0]:first[1]]) == [0] and sorted(slots[first[1]:first[2]]) == [1, 2, 3, 4]


def test_the_tiled_kernel_estimate_is_the_sum_of_every_particle_s_kernel(tmp_path):
    """Against a plain loop over particles (each particle's biweight weights, from the bandwidth rule
    at its cell's particle count, added into the cells): the same field to round-off, on a cloud that
    spans every tile colour and the grid's edge, with particles of two masses in two layers."""
    from plume.accumulators import KDE_MAX_CELLS, KDE_MIN_CELLS, KDE_TARGET_COUNT
    from plume.kernels.accumulate import _axis_weights, kde_bandwidth_m

    rng = np.random.default_rng(5)
    n = 6000
    x, y = rng.normal(60.0, 90.0, n), rng.normal(-40.0, 110.0, n)
    inside = (np.abs(x) < HALF_M) & (np.abs(y) < HALF_M)
    x, y = x[inside], y[inside]
    z = -100.0 + rng.uniform(0.0, 2.0, x.size)
    cloud = _particles(x, y, z, 1e-3)
    cloud.mass_kg[::3] = 2e-3
    sim = _simulation(tmp_path, "kde")
    estimate = _estimate(sim, cloud)

    grid = sim.grid
    layer = np.floor(z + 100.0).astype(int)
    ci = np.floor((x - grid.x_min_m) / CELL_M).astype(int)
    cj = np.floor((y - grid.y_min_m) / CELL_M).astype(int)
    pilot = np.zeros((2, grid.ny, grid.nx))
    np.add.at(pilot, (layer, cj, ci), cloud.mass_kg)
    expected = np.zeros_like(estimate)
    wx, wy = np.zeros(64), np.zeros(64)
    for p in range(x.size):
        h = kde_bandwidth_m(pilot[layer[p], cj[p], ci[p]] / cloud.mass_kg[p], CELL_M, KDE_TARGET_COUNT,
                            KDE_MIN_CELLS, KDE_MAX_CELLS)
        i0, ni = _axis_weights(x[p], grid.x_min_m, CELL_M, grid.nx, h, wx)
        j0, nj = _axis_weights(y[p], grid.y_min_m, CELL_M, grid.ny, h, wy)
        expected[layer[p], j0:j0 + nj, i0:i0 + ni] += (cloud.mass_kg[p] / (CELL_M * CELL_M)
                                                       * np.outer(wy[:nj], wx[:ni]))
    np.testing.assert_allclose(estimate, expected, rtol=1e-12, atol=1e-12 * expected.max())
    assert (estimate > 0).sum() > 1000  # many cells, across tiles


# the deposit estimator (output.deposit_estimator)


def _deposit_simulation(tmp_path, estimator: str) -> Simulation:
    return Simulation(make_scenario(
        tmp_path, grid={"resolution_m": CELL_M, "extent_m": [-HALF_M, HALF_M, -HALF_M, HALF_M],
                        "layers_above_bed_m": LAYERS_M},
        output={"directory": "out", "deposit_estimator": estimator}))


def _estimated_deposit_kg_m2(sim: Simulation, landed: ParticleState) -> np.ndarray:
    """The deposit estimate of particles that land on this step (booked as the solver books them)."""
    landed.status[:] = st.JUST_DEPOSITED
    acc = sim.accumulators
    acc.book_group_deposits(landed)
    pools_kg = acc.deposit_group_kg.sum(axis=0)  # (source, class, y, x): nothing eroded
    estimate = acc.estimate_deposit(pools_kg / sim.grid.cell_area_m2, pools_kg.sum(axis=(0, 1)))
    return estimate.sum(axis=(0, 1))


def _area_above(deposit_kg_m2: np.ndarray, fraction_of_peak: float) -> float:
    truth = _analytic_kg_m3()  # kg m-2 of a 1 kg deposit (the layer is 1 m thick)
    return float((deposit_kg_m2 >= fraction_of_peak * truth.max()).sum() * CELL_M * CELL_M)


@pytest.mark.slow
def test_the_deposit_estimate_of_a_gaussian_deposit_converges_faster_than_the_histogram(tmp_path):
    """A Gaussian deposit of 1 kg (SIGMA_M on each axis): the kernel estimate's RMS error against the
    analytic deposit is below the histogram's at 1,000 to 16,000 particles, and its area above a tenth
    of the peak (the edge of a deposit, where a cell holds a particle or two at 1,000 particles and one
    particle alone is above the threshold) is within 8 % of the analytic area while the histogram's is
    more than 20 % too large; mean of three seeds."""
    truth = _analytic_kg_m3()
    true_area = float((truth >= 0.1 * truth.max()).sum() * CELL_M * CELL_M)
    errors, areas = {}, {}
    for estimator in ("histogram", "kde"):
        errs, area = [], []
        for n in (1000, 4000, 16000):
            runs = [_estimated_deposit_kg_m2(_deposit_simulation(tmp_path, estimator), _gaussian_cloud(n, seed))
                    for seed in range(3)]
            errs.append(np.mean([np.sqrt(np.mean((d - truth) ** 2)) / truth.max() for d in runs]))
            area.append(np.mean([_area_above(d, 0.1) for d in runs]))
        errors[estimator], areas[estimator] = np.array(errs), np.array(area)
    assert np.all(errors["kde"] < errors["histogram"])
    assert abs(areas["kde"][0] / true_area - 1.0) < 0.08
    assert areas["histogram"][0] / true_area > 1.2
    assert np.all(np.abs(areas["kde"] / true_area - 1.0) < 0.08)


@pytest.mark.parametrize("estimator", ["kde", "histogram"])
def test_the_deposit_estimators_conserve_mass_to_round_off_at_the_grid_edge(tmp_path, estimator):
    """A deposit centred on the grid's corner: the kernels cut at the edge give their mass to the cells
    inside, so the deposit on the grid is the landed mass to round-off; the delete-a-group estimates,
    smoothed alike, each hold what they held before smoothing and average to the deposit."""
    sim = _deposit_simulation(tmp_path, estimator)
    landed = _gaussian_cloud(5000, 1, centre=(HALF_M - 5.0, HALF_M - 5.0))
    deposit = _estimated_deposit_kg_m2(sim, landed)
    assert deposit.sum() * sim.grid.cell_area_m2 == pytest.approx(landed.mass_kg.sum(), rel=1e-12)
    acc = sim.accumulators
    pools_kg = acc.deposit_group_kg.sum(axis=0)
    binned = acc.deposit_without_group(pools_kg)
    without = acc.estimate_deposit(binned, pools_kg.sum(axis=(0, 1)))
    np.testing.assert_allclose(without.sum(axis=(1, 2, 3, 4)), binned.sum(axis=(1, 2, 3, 4)), rtol=1e-12)
    np.testing.assert_allclose(without.mean(axis=0).sum(axis=(0, 1)), deposit, rtol=1e-9, atol=1e-18)


def test_the_deposit_kernel_narrows_where_particles_are_many(tmp_path):
    """One particle alone spreads over a kernel of standard deviation sqrt(10 / pi) = 1.78 cells (ten
    particles within a disc of that radius at its cell's density: an 11 x 11 cell footprint); a
    hundred in one cell stay within its neighbours; and erosion that leaves a hundredth of the cell's
    mass widens its kernel to that of one particle."""
    sim = _deposit_simulation(tmp_path, "kde")
    acc = sim.accumulators
    one = _estimated_deposit_kg_m2(sim, _particles(np.array([2.0]), np.array([3.0]), np.array([-100.0]), 1.0))
    assert np.count_nonzero(one) == 11 * 11
    crowd = _deposit_simulation(tmp_path, "kde")
    many = _estimated_deposit_kg_m2(crowd, _particles(np.full(100, 2.0), np.full(100, 3.0), np.full(100, -100.0), 0.01))
    assert np.count_nonzero(many) <= 3 * 3
    pools_kg = crowd.accumulators.deposit_group_kg.sum(axis=0)
    eroded = crowd.accumulators.estimate_deposit(0.01 * pools_kg / crowd.grid.cell_area_m2,
                                                 0.01 * pools_kg.sum(axis=(0, 1)))
    assert np.count_nonzero(eroded.sum(axis=(0, 1))) == 11 * 11
    assert acc.deposit_count.sum() == 1.0


def test_the_processes_read_the_kernel_estimate_near_the_bed_and_nothing_stale(tmp_path):
    """With particles.local_concentration: estimator, the near-bed concentration that hindered settling
    (and density damping, flocculation) reads before a step is the estimator's field of the particles at
    that moment; after the cloud moves, the cells it left are zero again (the array is reused and
    cleared cell by cell). Without it (the default) they read the histogram."""
    hindered = {"hindered_settling": {"exponent": 4.65},
                "classes": [{"name": "only", "mass_fraction": 1.0, "settling_m_s": 1e-4}]}
    sim = _simulation(tmp_path, "kde", sediment=hindered,
                      particles={"count": 1000, "local_concentration": "estimator"})
    assert sim.near_bed_from_estimate
    cloud = _gaussian_cloud(4000, 3)
    moved = _particles(cloud.x_m + 120.0, cloud.y_m - 60.0, cloud.z_m, 1.0 / 4000)
    reads = []
    for particles in (cloud, moved):
        sim.particles = particles
        reads.append(sim.step_environment(0.0).concentration.layer_kg_m3.copy())
        np.testing.assert_array_equal(reads[-1], _estimate(_simulation(tmp_path, "kde"), particles))
    assert np.any((reads[0] > 0) & (reads[1] == 0))  # cells the first cloud had and the moved one has not
    assert not _simulation(tmp_path, "kde", sediment=hindered).near_bed_from_estimate  # the default: histogram


@pytest.mark.parametrize("ssc_estimator", ["kde", "histogram"])
def test_by_default_the_processes_read_the_cell_histogram_from_the_exposure_pass(tmp_path, ssc_estimator):
    """The default (particles.local_concentration: histogram): the near-bed concentration the processes read
    is each cell's suspended mass over its volume, as bin_suspended gives it, whichever SSC estimator the
    output uses; the exposure kernel writes it in the same pass, and the cells a moved cloud left are zero."""
    hindered = {"hindered_settling": {"exponent": 4.65},
                "classes": [{"name": "only", "mass_fraction": 1.0, "settling_m_s": 1e-4}]}
    sim = _simulation(tmp_path, ssc_estimator, sediment=hindered, particles={"count": 1000})
    assert sim.concentration_needed and not sim.near_bed_from_estimate
    cloud = _gaussian_cloud(4000, 4)
    cloud.z_m[::2] = -98.5  # half of them in the 1-2 m layer
    moved = _particles(cloud.x_m - 90.0, cloud.y_m + 150.0, cloud.z_m, 1.0 / 4000)
    reads = []
    for particles in (cloud, moved):
        sim.particles = particles
        reads.append(sim.step_environment(0.0).concentration.layer_kg_m3.copy())
        binned, _, _ = sim.bin_suspended(per_volume=True)
        np.testing.assert_allclose(reads[-1], binned, rtol=1e-12, atol=0.0)
    assert reads[0][1].sum() > 0 and np.any((reads[0] > 0) & (reads[1] == 0))
