"""Advection: classical fourth-order Runge-Kutta in the time-varying 3-D current."""
from numba import njit

from .interpolate import gridded_velocity, log_layer_factor, seabed_depth


@njit(cache=True, inline="always")
def velocity(currents, seabed, clock, stage, x, y, z):
    """Current (m/s) at a particle for one of the step's three stage times (start, middle, end).

    `clock` holds, per stage, the time index and fraction into the gridded
    currents and the spatially uniform part (mean flow and tides) that the
    solver computed once for all particles.
    """
    time_index, time_fraction, uniform_u, uniform_v = clock
    needs_height = currents.z_is_height_above_bed or currents.bottom_roughness_m > 0.0
    height = z + seabed_depth(seabed, x, y) if needs_height else 0.0
    # an ADCP profile's levels are heights above the local seabed; a gridded file's are elevations
    level = height if currents.z_is_height_above_bed else z
    u, v, w = gridded_velocity(currents, time_index[stage], time_fraction[stage], x, y, level)
    u += uniform_u[stage]
    v += uniform_v[stage]
    if currents.bottom_roughness_m > 0.0:
        factor = log_layer_factor(height, currents.bottom_roughness_m, currents.log_layer_height_m)
        u *= factor
        v *= factor
    return u, v, w


@njit(cache=True, inline="always")
def rk4_displacement(currents, seabed, clock, x, y, z, dt):
    """Displacement (m) over one step dt (s) by classical RK4; stages 0, 1, 2 are t, t + dt/2, t + dt.

    A loop over the four evaluations (one inlined copy of the velocity lookup, not four):
    evaluation s is taken at stage (s + 1) // 2, from the previous slope times 0, dt/2,
    dt/2, dt, and weighted 1, 2, 2, 1.
    """
    sum_u = 0.0
    sum_v = 0.0
    sum_w = 0.0
    u = 0.0
    v = 0.0
    w = 0.0
    for s in range(4):
        lead = 0.0 if s == 0 else (0.5 * dt if s < 3 else dt)
        u, v, w = velocity(currents, seabed, clock, (s + 1) // 2, x + lead * u, y + lead * v, z + lead * w)
        weight = 2.0 if (s == 1 or s == 2) else 1.0
        sum_u += weight * u
        sum_v += weight * v
        sum_w += weight * w
    sixth = dt / 6.0
    return sixth * sum_u, sixth * sum_v, sixth * sum_w
