"""Particles onto the output grids. Serial loops in particle order, so sums are
bit-identical whatever the number of threads (a parallel scatter would add in
a different order each run)."""
from numba import njit

from . import status as st
from .interpolate import cell_index, irregular_index, seabed_depth


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
def accumulate_exposure(ssc_kg_m3, thresholds_kg_m3, dt, ssc_max_kg_m3, exceedance_s):
    """One model step of exposure: the running maximum, and dt added to the time at or above each
    threshold, of every near-bed cell (layer, y, x). One serial pass, in cell order."""
    n_layers, ny, nx = ssc_kg_m3.shape
    n_thresholds = thresholds_kg_m3.size
    for k in range(n_layers):
        for j in range(ny):
            for i in range(nx):
                c = ssc_kg_m3[k, j, i]
                if c <= 0.0:
                    continue
                if c > ssc_max_kg_m3[k, j, i]:
                    ssc_max_kg_m3[k, j, i] = c
                for n in range(n_thresholds):
                    if c >= thresholds_kg_m3[n]:
                        exceedance_s[n, k, j, i] += dt
