"""The environment as plain arrays that numba kernels read.

Every input form (flat seabed, bathymetry file, synthetic currents, current
file) is converted by a small adapter into one of these tuples, on regular
grids in the local x/y frame (metres), so the kernels see one convention.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np


class SeabedGrid(NamedTuple):
    """Sea-floor depth (m, positive down) on a regular x/y grid; bilinear, clamped at the edges."""

    x0_m: float  # x of column 0
    dx_m: float
    y0_m: float  # y of row 0
    dy_m: float
    depth_m: np.ndarray  # (ny, nx) float64, positive down


class CurrentGrid(NamedTuple):
    """Gridded velocity (m/s): linear in time, trilinear in x, y, z; clamped outside the levels.

    The synthetic form adds a spatially uniform part per RK4 stage (mean + tides),
    computed by the solver, and an optional logarithmic bottom layer.
    """

    time_s: np.ndarray  # (nt,) seconds since the run's start, increasing
    x0_m: float
    dx_m: float
    y0_m: float
    dy_m: float
    z_m: np.ndarray  # (nz,) elevation (m, positive up, surface 0), increasing
    u_m_s: np.ndarray  # (nt, nz, ny, nx) float32, eastward
    v_m_s: np.ndarray  # (nt, nz, ny, nx) float32, northward
    w_m_s: np.ndarray  # (nt, nz, ny, nx) float32, upward (zeros when the source has none)
    bottom_roughness_m: float  # z0 of the log layer; 0 means no log layer
    log_layer_height_m: float  # above this height the log factor is 1
    has_vertical_velocity: bool = True  # False: w is all zeros and the kernels skip it
    # True: z_m holds heights above the LOCAL seabed (m, increasing) and the kernels look
    # the velocity up at h = z + seabed depth (a moored ADCP profile); clamped below the lowest bin
    z_is_height_above_bed: bool = False
    # terrain-following flow near the bed (plume.kernels.advect): on unless the currents carry their own w
    terrain_following: bool = False
    terrain_blend_height_m: float = 1.0  # level flow at and above this height above the bed
    # synthetic currents by depth: the uniform flow is the near-bed flow below `midwater_from_m` above the
    # bed, the midwater flow above `midwater_to_m`, linear between (the clock carries both per stage)
    midwater_from_m: float = 1.0e30
    midwater_to_m: float = 2.0e30
    # ln(log_layer_height_m / bottom_roughness_m), the log factor's denominator, worked out once instead of at
    # every RK4 stage of every near-bed particle (set by with_log_layer; unused without a log layer)
    log_layer_log_ratio: float = 1.0


def with_log_layer(grid: CurrentGrid, bottom_roughness_m: float, log_layer_height_m: float) -> CurrentGrid:
    """`grid` with a log layer of roughness z0 up to height H (z0 = 0: none), its denominator ln(H / z0) with it.
    math.log is the C library's log, as the kernels' np.log is: the factor keeps its bits."""
    z0, height = float(bottom_roughness_m or 0.0), float(log_layer_height_m)
    ratio = math.log(height / z0) if z0 > 0.0 and height > z0 else 1.0
    return grid._replace(bottom_roughness_m=z0, log_layer_height_m=height, log_layer_log_ratio=ratio)


class BedStress(NamedTuple):
    """Bed shear stress from the flow at a reference height: tau = rho C_d |u(h_ref)|^2 (Pa).

    The log law tau = rho (kappa u / ln(h_ref / z0))^2 is the same with C_d = (kappa / ln(h_ref / z0))^2,
    so one drag coefficient serves both laws in the kernels.
    """

    reference_height_m: float
    drag_coefficient: float
    water_density_kg_m3: float


def flat_seabed(depth_m: float, extent_m: tuple[float, float, float, float]) -> SeabedGrid:
    """A 2x2 grid of one depth over the extent: bilinear interpolation of it is exact everywhere."""
    x_min, x_max, y_min, y_max = extent_m
    return SeabedGrid(
        float(x_min), float(x_max - x_min), float(y_min), float(y_max - y_min),
        np.full((2, 2), float(depth_m)),
    )
