"""Particles onto the output grids. Every sum into a cell is added in a fixed order (serial loops in particle order, or
the exposure kernel's coloured tiles), so the fields are bit-identical whatever
the number of threads (a parallel scatter over particles would add in a different order each run)."""
import math
from typing import NamedTuple

import numpy as np
from numba import njit, prange

from . import status as st
from .interpolate import cell_index, interval_index, seabed_depth


@njit(cache=True)
def book_boundary_events(x, y, status, mass_kg, class_index, source_index, n_released, x_min, y_min, resolution,
                         deposit_kg, deposited_by_source_kg, exited_by_source_kg):
    """Move this step's deposits into deposit_kg (source x class, ny, nx; pool = source * n_classes + class)
    and count exits; adds each source's deposited and exited kg into the two (source,) arrays.

    Returns (deposited kg, exited kg, number of particles that finished this step).
    """
    n_pools, ny, nx = deposit_kg.shape
    n_classes = n_pools // deposited_by_source_kg.size
    deposited = 0.0
    exited = 0.0
    finished = 0
    for p in range(n_released):
        s = status[p]
        if s == st.JUST_DEPOSITED:
            i = cell_index(x[p], x_min, resolution, nx)
            j = cell_index(y[p], y_min, resolution, ny)
            deposit_kg[source_index[p] * n_classes + class_index[p], j, i] += mass_kg[p]
            deposited += mass_kg[p]
            deposited_by_source_kg[source_index[p]] += mass_kg[p]
            status[p] = st.DEPOSITED
            finished += 1
        elif s == st.JUST_EXITED:
            exited += mass_kg[p]
            exited_by_source_kg[source_index[p]] += mass_kg[p]
            status[p] = st.EXITED
            finished += 1
    return deposited, exited, finished


@njit(cache=True)
def bin_suspended(
    x, y, z, status, mass_kg, n_released, seabed, x_min, y_min, resolution,
    layer_bounds_m, level_bounds_m, layer_kg, level_kg, layer_scale, level_scale,
):
    """Add suspended mass into near-bed layers (by height above bed) and midwater levels (by depth),
    each particle's mass times the layer's or level's scale (1: kg; 1 / cell volume: kg m-3).

    layer_kg is (n_layers, ny, nx), level_kg is (n_levels, ny, nx) (n_levels may be 0): rebin_suspended
    with no previous binning to clear.
    Returns the total suspended mass (kg), including particles outside every layer.
    """
    touched = np.empty(2 * n_released, dtype=np.int64)
    suspended, _ = rebin_suspended(x, y, z, status, mass_kg, n_released, seabed, x_min, y_min, resolution,
                                   layer_bounds_m, level_bounds_m, layer_kg, level_kg, layer_scale, level_scale,
                                   touched[:0], 0, touched)
    return suspended


@njit(cache=True)
def rebin_suspended(
    x, y, z, status, mass_kg, n_released, seabed, x_min, y_min, resolution,
    layer_bounds_m, level_bounds_m, layer_kg, level_kg, layer_scale, level_scale, previous, n_previous, touched,
):
    """bin_suspended into arrays that hold the previous binning, in O(particles): first zero the cells
    it touched (`previous[:n_previous]`, flat indices: layer cells, then level cells after them), then
    bin, listing every cell touched into `touched` (room for two per particle). Returns
    (suspended kg, number of cells touched). The per-step concentration then costs nothing per cell:
    zeroing the whole grid every step cost more than the binning on a large grid."""
    n_layer_cells = layer_kg.size
    flat_layer = layer_kg.reshape(-1)
    flat_level = level_kg.reshape(-1)
    for t in range(n_previous):
        f = previous[t]
        if f < n_layer_cells:
            flat_layer[f] = 0.0
        else:
            flat_level[f - n_layer_cells] = 0.0
    n_layers, ny, nx = layer_kg.shape
    n_levels = level_kg.shape[0]
    suspended = 0.0
    n_touched = 0
    for p in range(n_released):
        if status[p] != st.ACTIVE:
            continue
        m = mass_kg[p]
        suspended += m
        i = cell_index(x[p], x_min, resolution, nx)
        j = cell_index(y[p], y_min, resolution, ny)
        if n_layers > 0:  # (none: midwater only, and no seabed lookup)
            height = z[p] + seabed_depth(seabed, x[p], y[p])
            if layer_bounds_m[0] <= height < layer_bounds_m[n_layers]:
                k = interval_index(height, layer_bounds_m)
                if layer_kg[k, j, i] == 0.0:
                    touched[n_touched] = (k * ny + j) * nx + i
                    n_touched += 1
                layer_kg[k, j, i] += m * layer_scale[k]
        if n_levels > 0:
            depth = -z[p]
            if level_bounds_m[0] <= depth < level_bounds_m[n_levels]:
                k = interval_index(depth, level_bounds_m)
                if level_kg[k, j, i] == 0.0:
                    touched[n_touched] = n_layer_cells + (k * ny + j) * nx + i
                    n_touched += 1
                level_kg[k, j, i] += m * level_scale[k]
    return suspended, n_touched


@njit(cache=True, inline="always")
def particle_group(particle_id, n_groups):
    """The independent group (0 .. n_groups - 1) of a particle: its id through the splitmix64 finaliser
    (Steele, Lea and Flood 2014), modulo n_groups. Not the id modulo n_groups: ids follow the release
    order, where classes and positions repeat with short periods (a 0.5/0.3/0.2 class split repeats
    every 10 particles), and id % 8 would give some groups more of one class than others."""
    z = np.uint64(particle_id) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    z = z ^ (z >> np.uint64(31))
    return int(z % np.uint64(n_groups))


@njit(cache=True)
def book_group_deposits(x, y, status, mass_kg, particle_id, source_index, class_index, n_released, x_min, y_min,
                        resolution, deposit_kg, deposit_count):
    """Add this step's deposits (status JUST_DEPOSITED, before book_boundary_events marks them done) into
    deposit_kg (group, source, class, ny, nx) by particle group (particle_group), and count them in
    deposit_count (ny, nx; the deposit estimator's pilot); a source or class axis of length 1 takes every
    source or class. Serial, in particle order."""
    n_groups, n_sources, n_classes, ny, nx = deposit_kg.shape
    for p in range(n_released):
        if status[p] == st.JUST_DEPOSITED:
            i = cell_index(x[p], x_min, resolution, nx)
            j = cell_index(y[p], y_min, resolution, ny)
            s = source_index[p] if n_sources > 1 else 0
            c = class_index[p] if n_classes > 1 else 0
            deposit_kg[particle_group(particle_id[p], n_groups), s, c, j, i] += mass_kg[p]
            deposit_count[j, i] += 1.0


@njit(cache=True, inline="always")  # inlined into the exposure kernel's cell loop: 5-6 % of it
def _expose(c, thresholds_kg_m3, dt, ssc_max_kg_m3, exceedance_s, k, j, i):
    """One cell's running maximum and time at or above each threshold (exceedance_s: threshold, layer, y, x)."""
    if c <= 0.0:
        return
    if c > ssc_max_kg_m3[k, j, i]:
        ssc_max_kg_m3[k, j, i] = c
    for n in range(thresholds_kg_m3.size):
        if c >= thresholds_kg_m3[n]:
            exceedance_s[n, k, j, i] += dt


# near-bed SSC estimators (output.ssc_estimator)
HISTOGRAM = 0
KDE = 1


BIWEIGHT_HALF_WIDTH = math.sqrt(7.0)  # the biweight kernel's half-width in standard deviations


@njit(cache=True, inline="always")
def kernel_reach_cells(h, spacing):
    """How many cells of width `spacing` a biweight kernel of standard deviation h reaches on either
    side of its centre's cell."""
    return int(math.ceil(BIWEIGHT_HALF_WIDTH * h / spacing))


@njit(cache=True, inline="always")
def _biweight_cdf(u):
    """Cumulative distribution of the biweight (quartic) kernel 15/16 (1 - u^2)^2 on [-1, 1]."""
    if u <= -1.0:
        return 0.0
    if u >= 1.0:
        return 1.0
    u2 = u * u
    return 0.5 + 0.9375 * u * (1.0 - u2 * (2.0 / 3.0 - u2 / 5.0))


@njit(cache=True, inline="always")  # inlined into the exposure kernel's scatter: 3-4 % of it
def _axis_weights(coord, origin, spacing, n, h, w):
    """Cell integrals of a biweight kernel of standard deviation h (half-width sqrt(7) h, Silverman 1986)
    centred at coord over the cells it reaches inside the grid, normalised to sum to 1 (the kernel cut
    at the grid's edge gives its mass to the cells inside). Writes w[0:count]; returns (first cell,
    count)."""
    c = cell_index(coord, origin, spacing, n)
    half_width = BIWEIGHT_HALF_WIDTH * h
    reach = kernel_reach_cells(h, spacing)
    i0 = max(c - reach, 0)
    i1 = min(c + reach, n - 1)
    inv = 1.0 / half_width
    lower = _biweight_cdf((origin + i0 * spacing - coord) * inv)
    total = 0.0
    for i in range(i0, i1 + 1):
        upper = _biweight_cdf((origin + (i + 1) * spacing - coord) * inv)
        w[i - i0] = upper - lower
        total += w[i - i0]
        lower = upper
    if total <= 0.0:  # a particle beyond the grid's edge (an exit not yet booked): its edge cell takes it
        for i in range(i1 - i0 + 1):
            w[i] = 0.0
        w[c - i0] = 1.0
        return i0, i1 - i0 + 1
    for i in range(i1 - i0 + 1):
        w[i] /= total
    return i0, i1 - i0 + 1


@njit(cache=True)
def kde_bandwidth_m(count_in_cell, resolution, target_count, h_min_cells, h_max_cells):
    """Sample-point adaptive bandwidth (Abramson 1982; Pedretti and Fernandez-Garcia 2013): wide where
    particles are few, narrow where they are many. The kernel's standard deviation h is chosen so that
    a disc of radius h holds about target_count particles at the density of the particle's own cell
    (count_in_cell particles of its mass), h = resolution sqrt(target / (pi count)), within
    [h_min, h_max] cells."""
    h = resolution * math.sqrt(target_count / (math.pi * max(count_in_cell, 1.0)))
    return min(max(h, h_min_cells * resolution), h_max_cells * resolution)


@njit(cache=True)
def smooth_deposit(fields, count, x_min, y_min, resolution, kde_params, out):
    """The adaptive kernel estimate of a deposit from its histogram: every cell's value of each field
    (fields: n, ny, nx) spread over the cells around the cell's centre with the biweight kernel of
    _axis_weights, of the bandwidth kde_bandwidth_m from the number of particles deposited in that cell
    (count: ny, nx; the pilot), added into out (n, ny, nx; zeros on entry). A binned kernel estimate
    (Wand and Jones 1995, ch. 5; the particle's position within its cell is not kept, which widens the
    kernel by at most half a cell). Every cell's weights sum to 1 (cut at the grid's edge and
    renormalised), so each field's total is conserved to round-off. Serial: the sums are added in cell
    order, so the result does not depend on the threads."""
    n_fields, ny, nx = fields.shape
    target, h_min, h_max = kde_params[0], kde_params[1], kde_params[2]
    reach_max = kernel_reach_cells(h_max, 1.0) + 1
    wx = np.zeros(2 * reach_max + 1)
    wy = np.zeros(2 * reach_max + 1)
    for j in range(ny):
        y_centre = y_min + (j + 0.5) * resolution
        for i in range(nx):
            occupied = False
            for f in range(n_fields):
                if fields[f, j, i] != 0.0:
                    occupied = True
                    break
            if not occupied:
                continue
            h = kde_bandwidth_m(count[j, i], resolution, target, h_min, h_max)
            i0, ni = _axis_weights(x_min + (i + 0.5) * resolution, x_min, resolution, nx, h, wx)
            j0, nj = _axis_weights(y_centre, y_min, resolution, ny, h, wy)
            for f in range(n_fields):
                v = fields[f, j, i]
                if v == 0.0:
                    continue
                for jj in range(nj):
                    vy = v * wy[jj]
                    for ii in range(ni):
                        out[f, j0 + jj, i0 + ii] += vy * wx[ii]


@njit(cache=True)
def deposit_and_without_group(net_kg, group_kg, gross_kg, cell_area_m2, out):
    """The deposit and its delete-a-group estimates (kg m-2) in one pass, into out (1 + group, source, class,
    y, x): out[0] = net / area; out[1 + g] = net x (the other groups' share of the gross deposit) x G / (G - 1)
    / area, the share (G - 1) / G where nothing landed. net_kg (source, class, y, x): the deposit on the bed;
    group_kg (group, source, class, y, x): each group's gross deposit; gross_kg: its sum over the groups.
    The same operations in the same order as the numpy expression it replaces, without its full-grid
    temporaries (27 ms and tens of MB at every record of the default scenario)."""
    n_groups, n_sources, n_classes, ny, nx = group_kg.shape
    scale = n_groups / (n_groups - 1.0)
    empty_share = (n_groups - 1.0) / n_groups
    for s in range(n_sources):
        for c in range(n_classes):
            for j in range(ny):
                for i in range(nx):
                    out[0, s, c, j, i] = net_kg[s, c, j, i] / cell_area_m2
    for g in range(n_groups):
        for s in range(n_sources):
            for c in range(n_classes):
                for j in range(ny):
                    for i in range(nx):
                        gross = gross_kg[s, c, j, i]
                        share = (gross - group_kg[g, s, c, j, i]) / gross if gross > 0 else empty_share
                        out[1 + g, s, c, j, i] = net_kg[s, c, j, i] * share * scale / cell_area_m2


@njit(cache=True)
def column_maxima(values, out):
    """out[k] = the largest of values[:, k] (values: rows, k; C order): a reduction over the rows in memory
    order. numpy's max over the cells of a groups-innermost field took 24 ms a record (the default
    scenario), adding 16 values at a time."""
    for k in range(values.shape[1]):
        out[k] = values[0, k]
    for r in range(1, values.shape[0]):
        for k in range(values.shape[1]):
            if values[r, k] > out[k]:
                out[k] = values[r, k]


# The exposure kernel splits the grid into square tiles, TILE_CELLS or more on a side and at least twice a
# kernel's reach, and adds each particle's kernel in the pass of its centre's tile. Tiles are coloured by
# the parity of their row and column; the four colours run one after another. Within a colour, every
# (tile, layer) pair is a task of its own: two tiles of a colour are a tile apart and two layers never
# share a cell, so no cell takes mass from two tasks at once, and every cell's sum is added in the same
# order (colour by colour, then particle order) whatever the number of threads. Each particle's kernel
# weights are computed once.
TILE_CELLS = 8


@njit(cache=True, inline="always")
def exposure_tiling(ny, nx, n_layers, estimator, h_max_cells):
    """The exposure kernel's tiling of an (n_layers, ny, nx) grid: (widest kernel reach in cells, tile side in
    cells, tiles along y, tiles along x, (tile, layer) tasks, the most cells a task's kernels can touch). A tile
    is at least twice the widest kernel's reach on a side, with one cell of margin over that reach, so that
    round-off in a bandwidth at h_max cannot reach past it."""
    reach_max = kernel_reach_cells(h_max_cells, 1.0) + 1 if estimator == KDE else 0
    side = max(TILE_CELLS, 2 * reach_max)
    tiles_y = (ny + side - 1) // side
    tiles_x = (nx + side - 1) // side
    reached = side + 2 * reach_max
    return reach_max, side, tiles_y, tiles_x, tiles_y * tiles_x * n_layers, min(reached, ny) * min(reached, nx)


class ExposureScratch(NamedTuple):
    """The exposure kernel's working arrays, made once and reused every step (`capacity` particles; the
    touched-cell lists sized by exposure_tiling). Made afresh on every call they cost more than the work
    in them: the operating system maps each new page of a large array when it is first written (about
    4.5 us a page on the project's machine), and a 1e6-particle step's 22 MB of fresh arrays took 30-40 ms
    of this kernel's 100-120 (2026-12-07; docs/performance.md). Only the pages a run uses become resident."""

    layer: np.ndarray  # int32 (capacity,): each particle's near-bed layer, -1 if none
    cell_i: np.ndarray  # int32 (capacity,): its cell
    cell_j: np.ndarray  # int32 (capacity,)
    near: np.ndarray  # int32 (capacity,): the near-bed particles' indices, in particle order
    bandwidth_m: np.ndarray  # float64 (capacity,): each near-bed particle's kernel bandwidth
    task_of: np.ndarray  # int32 (capacity,): each near-bed particle's (tile, layer) task
    member_x: np.ndarray  # float64 (capacity,): the near-bed particles' values in task order
    member_y: np.ndarray  # float64 (capacity,)
    member_h: np.ndarray  # float64 (capacity,)
    member_mass: np.ndarray  # float64 (capacity,)
    member_i: np.ndarray  # int32 (capacity,): the histogram estimator's cells, in task order
    member_j: np.ndarray  # int32 (capacity,)
    member_group: np.ndarray  # int32 (capacity,)
    touched: np.ndarray  # int64 (tasks x cells a task can touch): each task's touched cells


def exposure_scratch(capacity, ny, nx, n_layers, estimator, h_max_cells) -> ExposureScratch:
    """Working arrays for the exposure kernel, for up to `capacity` particles (np.empty: no page is
    resident before a step writes it)."""
    *_, n_tasks, task_cells = exposure_tiling(ny, nx, n_layers, estimator, h_max_cells)

    def ints():
        return np.empty(capacity, dtype=np.int32)

    def floats():
        return np.empty(capacity)

    return ExposureScratch(
        layer=ints(), cell_i=ints(), cell_j=ints(), near=ints(), bandwidth_m=floats(), task_of=ints(),
        member_x=floats(), member_y=floats(), member_h=floats(), member_mass=floats(), member_i=ints(),
        member_j=ints(), member_group=ints(), touched=np.empty(n_tasks * task_cells, dtype=np.int64))


@njit(cache=True)
def _balanced_slots(work, tasks, n_slots, slot_first, slot_tasks):
    """Longest processing time first (Graham 1969): the tasks (indices into work), the busiest first,
    each to the slot with the least work so far; writes each slot's tasks, in that order, into
    slot_tasks[slot_first[s]:slot_first[s + 1]]. A plume fills a few tiles of a colour unevenly (one
    tile held 28 % of the default run's near-bed particles), so tiles split evenly by number among the
    threads left one thread with most of the work. Which slot runs a task does not change the result:
    the tasks of a colour write to different cells."""
    n_tasks = tasks.size
    order = np.argsort(-work[tasks], kind="mergesort")
    load = np.zeros(n_slots)
    slot_of = np.empty(n_tasks, dtype=np.int64)
    count = np.zeros(n_slots + 1, dtype=np.int64)
    for r in range(n_tasks):
        least = 0
        for sl in range(1, n_slots):
            if load[sl] < load[least]:
                least = sl
        load[least] += work[tasks[order[r]]]
        slot_of[r] = least
        count[least + 1] += 1
    for sl in range(n_slots):
        slot_first[sl + 1] = slot_first[sl] + count[sl + 1]
    filled = slot_first[:n_slots].copy()
    for r in range(n_tasks):
        slot_tasks[filled[slot_of[r]]] = tasks[order[r]]
        filled[slot_of[r]] += 1


@njit(cache=True, parallel=True)
def accumulate_exposure_sparse(
    x, y, z, status, mass_kg, particle_id, n_released, seabed, shallowest_bed_m, x_min, y_min, resolution,
    layer_bounds_m, inv_volume_m3, thresholds_kg_m3, dt, total, by_group, ssc_max_kg_m3, exceedance_s, ssc_integral,
    ssc_max_without_kg_m3, exceedance_without_s, ssc_integral_without, estimator, kde_params, pilot, pilot_touched,
    snapshot, snapshot_cells, histogram, histogram_cells, scratch, n_slots,
):
    """One model step of near-bed exposure, in O(particles): estimate the near-bed SSC of the suspended
    particles (total and per group, particle_group) into the scratch arrays total (layer, y, x) and
    by_group (group, layer, y, x), which must be zero on entry; then, in the cells they touched only,
    update the running maximum and the time at or above each threshold of the full estimate and of
    each delete-a-group estimate (the concentration without group g, scaled by G / (G - 1)), add
    c dt to the time integral ssc_integral (layer, y, x; kg m-3 s), copy the
    full estimate into `snapshot` when it has cells (listing their flat indices in `snapshot_cells`
    when that has room, so the caller can zero them before the next step), and zero the scratch cells
    again. With `histogram` (layer, y, x; zeros where the caller has not been told otherwise), the cell
    histogram of the same particles (kg m-3) goes into it, its cells listed in `histogram_cells`: the
    binned concentration the processes read near the bed, from the same pass over the particles.

    Parallel over particles where each is on its own (its layer, cell and bandwidth), and over (tile,
    layer) tasks where they add into cells (TILE_CELLS: four colours of tiles in turn, so every sum is
    added in the same order whatever the number of threads: the result is bit-identical on any thread
    count), the tasks balanced on the threads by their work (_balanced_slots).

    estimator HISTOGRAM: each particle's mass in its cell. KDE: spread over the cells around it with a
    biweight kernel (horizontal; the layer is the particle's own height above the local bed, so mass is
    conserved over a sloping bed) of the adaptive bandwidth kde_bandwidth_m from the particle count of
    its cell (a first histogram pass into `pilot`); kde_params = (target count, h_min cells, h_max cells).
    ssc_max_without (group, layer, y, x), exceedance_without (group, threshold, layer, y, x),
    ssc_integral_without (group, layer, y, x). scratch: the working arrays (exposure_scratch, for at least
    n_released particles, of this grid and estimator). n_slots: the number of threads the tasks are shared
    among (numba.get_num_threads(); given, since a kernel that calls it cannot be cached).
    shallowest_bed_m: the least depth of seabed.depth_m (m): a particle higher than the layers above it is
    above them everywhere, and its bed depth is not looked up (a third or more of a run's particles are the
    midwater discharge's).
    Returns (the number of cells touched, the number of histogram cells written)."""
    n_layers, ny, nx = total.shape
    n_groups = by_group.shape[0]
    target, h_min, h_max = kde_params[0], kde_params[1], kde_params[2]
    reach_max, side, tiles_y, tiles_x, n_tasks, task_cells = exposure_tiling(ny, nx, n_layers, estimator, h_max)
    if scratch.layer.size < n_released or scratch.touched.size < n_tasks * task_cells:
        raise ValueError("accumulate_exposure_sparse: scratch too small for these particles or this grid")
    # each particle's near-bed layer (-1: suspended above the layers, or not suspended) and cell
    layer = scratch.layer
    ci = scratch.cell_i
    cj = scratch.cell_j
    for p in prange(n_released):
        layer[p] = -1
        if status[p] != st.ACTIVE:
            continue
        # bilinear depths are never shallower than the shallowest node; 1 m covers their round-off
        if z[p] + shallowest_bed_m >= layer_bounds_m[n_layers] + 1.0:
            continue
        height = z[p] + seabed_depth(seabed, x[p], y[p])
        if layer_bounds_m[0] <= height < layer_bounds_m[n_layers]:
            layer[p] = interval_index(height, layer_bounds_m)
            ci[p] = cell_index(x[p], x_min, resolution, nx)
            cj[p] = cell_index(y[p], y_min, resolution, ny)
    # the near-bed particles, in particle order (the passes below run over them only), and the pilot: each
    # cell's suspended mass, to count the particles around each one, and the histogram (serial: a scatter)
    near = scratch.near
    n_near = 0
    n_pilot = 0
    keep_histogram = histogram.shape[0] > 0
    need_pilot = estimator == KDE or keep_histogram
    for p in range(n_released):
        k = layer[p]
        if k < 0:
            continue
        near[n_near] = p
        n_near += 1
        if need_pilot:
            if pilot[k, cj[p], ci[p]] == 0.0:
                pilot_touched[n_pilot] = (k * ny + cj[p]) * nx + ci[p]
                n_pilot += 1
            pilot[k, cj[p], ci[p]] += mass_kg[p]
    bandwidth = scratch.bandwidth_m
    if estimator == KDE:
        for q in prange(n_near):
            p = near[q]
            bandwidth[q] = kde_bandwidth_m(pilot[layer[p], cj[p], ci[p]] / mass_kg[p], resolution, target, h_min,
                                           h_max)
    n_histogram = 0
    for t in range(n_pilot):
        flat = pilot_touched[t]
        k = flat // (ny * nx)
        j = (flat // nx) % ny
        i = flat % nx
        if keep_histogram and n_histogram < histogram_cells.size:
            histogram[k, j, i] = pilot[k, j, i] * inv_volume_m3[k]
            histogram_cells[n_histogram] = flat
            n_histogram += 1
        pilot[k, j, i] = 0.0
    # each (tile, layer) task's particles in particle order (a counting sort; exposure_tiling); a task's work
    # is its particles' kernel cells. Counted and copied in n_slots contiguous blocks of the near-bed list at
    # once: block b's particles of a task go after those of the blocks before it, so the order is the serial
    # one (the copy below was serial: 41 -> 38 ms of this kernel at 1e6 particles, 2 threads; the same bits)
    n_blocks = n_slots
    block_next = np.zeros((n_blocks, n_tasks), dtype=np.int64)  # a block's count of a task, then its next slot
    block_work = np.zeros((n_blocks, n_tasks))
    task_of = scratch.task_of
    for b in prange(n_blocks):
        for q in range(n_near * b // n_blocks, n_near * (b + 1) // n_blocks):
            p = near[q]
            task = ((cj[p] // side) * tiles_x + ci[p] // side) * n_layers + layer[p]
            task_of[q] = task
            block_next[b, task] += 1
            if estimator == KDE:
                across = 2.0 * kernel_reach_cells(bandwidth[q], resolution) + 1.0
                block_work[b, task] += across * across
            else:
                block_work[b, task] += 1.0
    first = np.zeros(n_tasks + 1, dtype=np.int64)
    work = np.zeros(n_tasks)
    for task in range(n_tasks):
        slot = first[task]
        for b in range(n_blocks):
            count = block_next[b, task]
            block_next[b, task] = slot
            slot += count
            work[task] += block_work[b, task]
        first[task + 1] = slot
    # the members' positions, mass, group and bandwidth copied into task order: the scatter below then reads
    # them in sequence instead of gathering from the whole particle arrays (a cache miss per array and particle)
    # (with the near-bed list above and the inlined helpers, 30 % faster on the default run's 24 h state on 2
    # threads, the same bits)
    member_x = scratch.member_x
    member_y = scratch.member_y
    member_h = scratch.member_h
    member_ci = scratch.member_i
    member_cj = scratch.member_j
    member_mass = scratch.member_mass
    member_group = scratch.member_group
    for b in prange(n_blocks):
        for q in range(n_near * b // n_blocks, n_near * (b + 1) // n_blocks):
            p = near[q]
            task = task_of[q]
            m = block_next[b, task]
            if estimator == KDE:
                member_x[m] = x[p]
                member_y[m] = y[p]
                member_h[m] = bandwidth[q]
            else:
                member_ci[m] = ci[p]
                member_cj[m] = cj[p]
            member_mass[m] = mass_kg[p]
            member_group[m] = particle_group(particle_id[p], n_groups)
            block_next[b, task] = m + 1
    # the cells each task's particles touch first: a tile's kernels stay within its reach of the tile
    touched = scratch.touched
    n_touched = np.zeros(n_tasks, dtype=np.int64)
    slot_first = np.zeros(n_slots + 1, dtype=np.int64)
    slot_tasks = np.empty(n_tasks, dtype=np.int64)
    busy = np.empty(n_tasks, dtype=np.int64)
    for colour in range(4):
        n_busy = 0
        for task in range(n_tasks):
            b = task // n_layers
            if first[task + 1] > first[task] and (b // tiles_x) % 2 == colour // 2 and (b % tiles_x) % 2 == colour % 2:
                busy[n_busy] = task
                n_busy += 1
        if n_busy == 0:
            continue
        _balanced_slots(work, busy[:n_busy], n_slots, slot_first, slot_tasks)
        for sl in prange(n_slots):
            wx = np.zeros(2 * reach_max + 2)
            wy = np.zeros(2 * reach_max + 2)
            for r in range(slot_first[sl], slot_first[sl + 1]):
                task = slot_tasks[r]
                k = task % n_layers
                base = task * task_cells
                count = 0
                for m in range(first[task], first[task + 1]):
                    g = member_group[m]
                    c = member_mass[m] * inv_volume_m3[k]
                    if estimator == KDE:
                        i0, ni = _axis_weights(member_x[m], x_min, resolution, nx, member_h[m], wx)
                        j0, nj = _axis_weights(member_y[m], y_min, resolution, ny, member_h[m], wy)
                    else:
                        i0, ni = member_ci[m], 1
                        j0, nj = member_cj[m], 1
                        wx[0] = 1.0
                        wy[0] = 1.0
                    # unsigned indices: numba adds a negative-index wrap-around to every signed index, four
                    # instructions each, seven indices a cell (3-4 % of this kernel on 2 threads, the same bits)
                    ku = np.uint64(k)
                    gu = np.uint64(g)
                    for jj in range(nj):
                        j = j0 + jj
                        ju = np.uint64(j)
                        row = (k * ny + j) * nx
                        for ii in range(ni):
                            w = wx[ii] * wy[jj]
                            if w <= 0.0:
                                continue
                            i = i0 + ii
                            iu = np.uint64(i)
                            if total[ku, ju, iu] == 0.0:
                                touched[base + count] = row + i
                                count += 1
                            total[ku, ju, iu] += c * w
                            by_group[gu, ku, ju, iu] += c * w
                n_touched[task] = count
    # every touched cell is listed once, by the task whose particle reached it first: update its exposure
    # (tasks balanced on the threads by their number of cells)
    n_busy = 0
    for task in range(n_tasks):
        if n_touched[task] > 0:
            busy[n_busy] = task
            n_busy += 1
    cells_work = n_touched.astype(np.float64)
    _balanced_slots(cells_work, busy[:n_busy], n_slots, slot_first, slot_tasks)
    scale = n_groups / (n_groups - 1.0)
    n_thresholds = thresholds_kg_m3.size
    keep = snapshot.shape[0] > 0
    for sl in prange(n_slots):
        for r in range(slot_first[sl], slot_first[sl + 1]):
            task = slot_tasks[r]
            base = task * task_cells
            for t in range(n_touched[task]):
                flat = touched[base + t]
                k = flat // (ny * nx)
                j = (flat // nx) % ny
                i = flat % nx
                c = total[k, j, i]
                if keep:
                    snapshot[k, j, i] = c
                ssc_integral[k, j, i] += c * dt
                _expose(c, thresholds_kg_m3, dt, ssc_max_kg_m3, exceedance_s, k, j, i)
                # _expose for each group, written out: no array views made per group and cell (half the
                # kernel's time went to this loop; the group axis is innermost in memory: accumulators.py)
                for g in range(n_groups):
                    c_without = (c - by_group[g, k, j, i]) * scale
                    ssc_integral_without[g, k, j, i] += c_without * dt
                    by_group[g, k, j, i] = 0.0
                    if c_without <= 0.0:
                        continue
                    if c_without > ssc_max_without_kg_m3[g, k, j, i]:
                        ssc_max_without_kg_m3[g, k, j, i] = c_without
                    for n in range(n_thresholds):
                        if c_without >= thresholds_kg_m3[n]:
                            exceedance_without_s[g, n, k, j, i] += dt
                total[k, j, i] = 0.0
    if keep and snapshot_cells.size > 0:
        listed = 0
        for task in range(n_tasks):
            for t in range(n_touched[task]):
                snapshot_cells[listed] = touched[task * task_cells + t]
                listed += 1
    return n_touched.sum(), n_histogram
