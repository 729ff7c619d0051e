"""The suspended concentration around a particle: the output grid's cells, estimated from the
particles before the step, for the processes that depend on it (flocculation, hindered
settling, density damping): the cell histogram, or near the bed the SSC estimator's field with
particles.local_concentration: estimator (docs/outputs.md)."""
from typing import NamedTuple

import numpy as np
from numba import njit

from .interpolate import interval_index


class LocalConcentration(NamedTuple):
    """Suspended concentration (kg/m3) on the output grid's cells, refreshed each step when needed."""

    active: bool
    x_min_m: float
    y_min_m: float
    resolution_m: float
    layer_bounds_m: np.ndarray  # (nl + 1,) heights above bed
    level_bounds_m: np.ndarray  # (nlev + 1,) depths, or (1,) without midwater cells
    layer_kg_m3: np.ndarray  # (nl, ny, nx)
    level_kg_m3: np.ndarray  # (nlev, ny, nx), nlev may be 0


@njit(cache=True, inline="always")
def _column(conc, x, y):
    """(i, j) of the grid column holding the point, or (-1, -1) outside the grid."""
    _, ny, nx = conc.layer_kg_m3.shape
    i = int(np.floor((x - conc.x_min_m) / conc.resolution_m))
    j = int(np.floor((y - conc.y_min_m) / conc.resolution_m))
    if i < 0 or j < 0 or i >= nx or j >= ny:
        return -1, -1
    return i, j


@njit(cache=True, inline="always")
def concentration_at(conc, x, y, height_above_bed_m, depth_m):
    """C (kg/m3) in the cell holding the point, 0 outside the grid's layers and levels."""
    if not conc.active:
        return 0.0
    i, j = _column(conc, x, y)
    if i < 0:
        return 0.0
    n_layers = conc.layer_kg_m3.shape[0]
    bounds = conc.layer_bounds_m
    if bounds[0] <= height_above_bed_m < bounds[n_layers]:
        k = interval_index(height_above_bed_m, bounds)
        return conc.layer_kg_m3[k, j, i]
    n_levels = conc.level_kg_m3.shape[0]
    levels = conc.level_bounds_m
    if n_levels > 0 and levels[0] <= depth_m < levels[n_levels]:
        k = interval_index(depth_m, levels)
        return conc.level_kg_m3[k, j, i]
    return 0.0


@njit(cache=True, inline="always")
def concentration_gradient(conc, x, y, height_above_bed_m):
    """dC/dz (kg m-4) between the near-bed layer holding the point and the one above it
    (centre to centre); 0 outside the layers or in the top layer."""
    if not conc.active:
        return 0.0
    i, j = _column(conc, x, y)
    n_layers = conc.layer_kg_m3.shape[0]
    bounds = conc.layer_bounds_m
    if i < 0 or not bounds[0] <= height_above_bed_m < bounds[n_layers - 1]:
        return 0.0
    k = interval_index(height_above_bed_m, bounds)
    k0 = np.uint64(k)
    k1 = np.uint64(k + 1)
    k2 = np.uint64(k + 2)
    ju = np.uint64(j)
    iu = np.uint64(i)
    lower_mid = 0.5 * (bounds[k0] + bounds[k1])
    upper_mid = 0.5 * (bounds[k1] + bounds[k2])
    return (conc.layer_kg_m3[k1, ju, iu] - conc.layer_kg_m3[k0, ju, iu]) / (upper_mid - lower_mid)
