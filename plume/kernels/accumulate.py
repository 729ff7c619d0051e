"""Particles onto the output grids. Serial loops in particle order, so sums are
bit-identical whatever the number of threads (a parallel scatter would add in
a different order each run)."""
from numba import njit

from . import status as st
from .interpolate import cell_index, irregular_index, seabed_depth


@njit(cache=True)
def book_boundary_events(x, y, status, mass_kg, class_index, n_released, x_min, y_min, resolution, deposit_kg):
    """Move this step's deposits into deposit_kg (class, ny, nx) and count exits.

    Returns (deposited kg, exited kg, number of particles that finished this step).
    """
    _, ny, nx = deposit_kg.shape
    deposited = 0.0
    exited = 0.0
    finished = 0
    for p in range(n_released):
        s = status[p]
        if s == st.JUST_DEPOSITED:
            i = cell_index(x[p], x_min, resolution, nx)
            j = cell_index(y[p], y_min, resolution, ny)
            deposit_kg[class_index[p], j, i] += mass_kg[p]
            deposited += mass_kg[p]
            status[p] = st.DEPOSITED
            finished += 1
        elif s == st.JUST_EXITED:
            exited += mass_kg[p]
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

    layer_kg is (n_layers, ny, nx), level_kg is (n_levels, ny, nx) (n_levels may be 0).
    Returns the total suspended mass (kg), including particles outside every layer.
    """
    n_layers, ny, nx = layer_kg.shape
    n_levels = level_kg.shape[0]
    suspended = 0.0
    for p in range(n_released):
        if status[p] != st.ACTIVE:
            continue
        m = mass_kg[p]
        suspended += m
        i = cell_index(x[p], x_min, resolution, nx)
        j = cell_index(y[p], y_min, resolution, ny)
        height = z[p] + seabed_depth(seabed, x[p], y[p])
        if layer_bounds_m[0] <= height < layer_bounds_m[n_layers]:
            k, _ = irregular_index(height, layer_bounds_m)
            layer_kg[k, j, i] += m * layer_scale[k]
        if n_levels > 0:
            depth = -z[p]
            if level_bounds_m[0] <= depth < level_bounds_m[n_levels]:
                k, _ = irregular_index(depth, level_bounds_m)
                level_kg[k, j, i] += m * level_scale[k]
    return suspended


@njit(cache=True)
def book_group_deposits(x, y, status, mass_kg, particle_id, n_released, x_min, y_min, resolution, deposit_kg):
    """Add this step's deposits (status JUST_DEPOSITED, before book_boundary_events marks them done) into
    deposit_kg (group, ny, nx) by particle group (particle_id % groups). Serial, in particle order."""
    n_groups, ny, nx = deposit_kg.shape
    for p in range(n_released):
        if status[p] == st.JUST_DEPOSITED:
            i = cell_index(x[p], x_min, resolution, nx)
            j = cell_index(y[p], y_min, resolution, ny)
            deposit_kg[particle_id[p] % n_groups, j, i] += mass_kg[p]


@njit(cache=True)
def _expose(c, thresholds_kg_m3, dt, ssc_max_kg_m3, exceedance_s, k, j, i):
    """One cell's running maximum and time at or above each threshold (exceedance_s: threshold, layer, y, x)."""
    if c <= 0.0:
        return
    if c > ssc_max_kg_m3[k, j, i]:
        ssc_max_kg_m3[k, j, i] = c
    for n in range(thresholds_kg_m3.size):
        if c >= thresholds_kg_m3[n]:
            exceedance_s[n, k, j, i] += dt


@njit(cache=True)
def accumulate_exposure_sparse(
    x, y, z, status, mass_kg, particle_id, n_released, seabed, x_min, y_min, resolution, layer_bounds_m,
    inv_volume_m3, thresholds_kg_m3, dt, total, by_group, touched, ssc_max_kg_m3, exceedance_s,
    ssc_max_without_kg_m3, exceedance_without_s,
):
    """One model step of near-bed exposure, in O(particles): bin the suspended particles (total and per
    group, particle_id % groups) into the scratch arrays total (layer, y, x) and by_group (group, layer, y,
    x), which must be zero on entry; then, in the cells they touched only (listed in `touched`, in particle
    order), update the running maximum and the time at or above each threshold of the full estimate and
    of each delete-a-group estimate (the concentration without group g, scaled by G / (G - 1)), and zero
    the scratch cells again. Serial loops, so the result is bit-identical whatever the thread count.

    ssc_max_without (group, layer, y, x), exceedance_without (group, threshold, layer, y, x).
    Returns the number of cells touched."""
    n_layers, ny, nx = total.shape
    n_groups = by_group.shape[0]
    n_touched = 0
    for p in range(n_released):
        if status[p] != st.ACTIVE:
            continue
        height = z[p] + seabed_depth(seabed, x[p], y[p])
        if not (layer_bounds_m[0] <= height < layer_bounds_m[n_layers]):
            continue
        k, _ = irregular_index(height, layer_bounds_m)
        i = cell_index(x[p], x_min, resolution, nx)
        j = cell_index(y[p], y_min, resolution, ny)
        c = mass_kg[p] * inv_volume_m3[k]
        if total[k, j, i] == 0.0:
            touched[n_touched] = (k * ny + j) * nx + i
            n_touched += 1
        total[k, j, i] += c
        by_group[particle_id[p] % n_groups, k, j, i] += c
    scale = n_groups / (n_groups - 1.0)
    for t in range(n_touched):
        flat = touched[t]
        k = flat // (ny * nx)
        j = (flat // nx) % ny
        i = flat % nx
        c = total[k, j, i]
        _expose(c, thresholds_kg_m3, dt, ssc_max_kg_m3, exceedance_s, k, j, i)
        for g in range(n_groups):
            _expose((c - by_group[g, k, j, i]) * scale, thresholds_kg_m3, dt, ssc_max_without_kg_m3[g],
                    exceedance_without_s[g], k, j, i)
            by_group[g, k, j, i] = 0.0
        total[k, j, i] = 0.0
    return n_touched
