"""Bed shear stress from the near-bed flow: tau = rho C_d |u(h_ref)|^2, and u* = sqrt(tau / rho).

The flow is taken `reference_height_m` above the local seabed with the same
interpolation (and log layer) that advects the particles, so the stress
follows tides, eddies and current files at each step. The solver evaluates it
once per step on the output grid's cell centres; the particle kernels read that
field (a particle's cell), which costs one array read instead of a velocity
lookup per particle.
"""
from typing import NamedTuple

import numpy as np
from numba import njit, prange

from .advect import velocity
from .interpolate import cell_index, seabed_depth


class BedStressField(NamedTuple):
    """tau (Pa) on the output grid's cells at the start of the step; `active` False: not computed."""

    active: bool
    x_min_m: float
    y_min_m: float
    resolution_m: float
    tau_pa: np.ndarray  # (ny, nx)
    water_density_kg_m3: float


@njit(cache=True, inline="always")
def stress_at(field, x, y):
    """tau (Pa) of the cell holding (x, y), clamped to the grid's edge cells."""
    ny, nx = field.tau_pa.shape
    return field.tau_pa[np.uint64(cell_index(y, field.y_min_m, field.resolution_m, ny)),
                        np.uint64(cell_index(x, field.x_min_m, field.resolution_m, nx))]



@njit(cache=True, inline="always")
def near_bed_speed_squared(currents, seabed, clock, stage, bed, x, y):
    """|u|^2 (m2/s2) of the horizontal flow at the reference height above the bed at (x, y)."""
    z = bed.reference_height_m - seabed_depth(seabed, x, y)
    u, v, _ = velocity(currents, seabed, clock, stage, x, y, z)
    return u * u + v * v


@njit(cache=True, inline="always")
def bed_shear_stress(currents, seabed, clock, stage, bed, x, y):
    """tau (Pa) at (x, y) for one of the step's stage times."""
    return bed.water_density_kg_m3 * bed.drag_coefficient * near_bed_speed_squared(
        currents, seabed, clock, stage, bed, x, y)


def bed_shear_stress_field(currents, seabed, clock, stage, bed, x_centres, y_centres, out):
    """tau (Pa) at every cell centre of the output grid: out is (ny, nx).

    Currents with one horizontal node (synthetic currents, an ADCP profile) give the same flow at the
    reference height above the bed everywhere, so tau is evaluated once and filled in, by a serial
    kernel of its own: each kernel inlines the whole velocity lookup, and the parallel one takes 6 s to
    compile against 4 (2026-12-08, docs/performance.md, "Cold start"), which a first run of such
    currents no longer pays.
    """
    if currents.u_m_s.shape[2] == 1 and currents.u_m_s.shape[3] == 1:
        _uniform_bed_shear_stress(currents, seabed, clock, stage, bed, x_centres[0], y_centres[0], out)
    else:
        _gridded_bed_shear_stress(currents, seabed, clock, stage, bed, x_centres, y_centres, out)


@njit(cache=True)
def _uniform_bed_shear_stress(currents, seabed, clock, stage, bed, x, y, out):
    """out[:, :] = tau at (x, y): the flow of currents with one horizontal node."""
    out[:, :] = bed_shear_stress(currents, seabed, clock, stage, bed, x, y)


@njit(cache=True, parallel=True)
def _gridded_bed_shear_stress(currents, seabed, clock, stage, bed, x_centres, y_centres, out):
    """tau (Pa) at every cell centre (out is (ny, nx)), in parallel over rows."""
    ny, nx = out.shape
    for j in prange(ny):
        for i in range(nx):
            out[j, i] = bed_shear_stress(currents, seabed, clock, stage, bed, x_centres[i], y_centres[j])
