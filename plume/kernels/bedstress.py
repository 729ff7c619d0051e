"""Bed shear stress from the near-bed flow: tau = rho C_d |u(h_ref)|^2, and u* = sqrt(tau / rho).

The flow is taken `reference_height_m` above the local seabed with the same
interpolation (and log layer) that advects the particles, so the stress
follows tides, eddies and current files at each step.
"""
import numpy as np
from numba import njit, prange

from .advect import velocity
from .interpolate import seabed_depth


@njit(cache=True, inline="always")
def near_bed_speed_squared(currents, seabed, clock, stage, bed, x, y):
    """|u|^2 (m2/s2) of the horizontal flow at the reference height above the bed at (x, y)."""
    z = bed.reference_height_m - seabed_depth(seabed, x, y)
    u, v, _ = velocity(currents, seabed, clock, stage, x, y, z)
    return u * u + v * v


# Not inlined: each inlined copy of the velocity lookup adds minutes to the step kernel's
# compilation (measured: inlining friction_velocity took it from about 4.5 to 7 minutes on
# 2 cores) and gained nothing at run time.
@njit(cache=True)
def bed_shear_stress(currents, seabed, clock, stage, bed, x, y):
    """tau (Pa) at (x, y) for one of the step's stage times."""
    return bed.water_density_kg_m3 * bed.drag_coefficient * near_bed_speed_squared(
        currents, seabed, clock, stage, bed, x, y)


@njit(cache=True)
def friction_velocity(currents, seabed, clock, stage, bed, x, y):
    """u* (m/s) = sqrt(C_d) |u(h_ref)| at (x, y)."""
    return np.sqrt(bed.drag_coefficient * near_bed_speed_squared(currents, seabed, clock, stage, bed, x, y))


@njit(cache=True, parallel=True)
def bed_shear_stress_field(currents, seabed, clock, stage, bed, x_centres, y_centres, out):
    """tau (Pa) at every cell centre of the output grid: out is (ny, nx)."""
    ny, nx = out.shape
    for j in prange(ny):
        for i in range(nx):
            out[j, i] = bed_shear_stress(currents, seabed, clock, stage, bed, x_centres[i], y_centres[j])
