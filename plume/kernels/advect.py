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
    if currents.z_is_height_above_bed:  # e.g. an ADCP profile: levels are heights above the local seabed
        height = z + seabed_depth(seabed, x, y)
        u, v, w = gridded_velocity(currents, time_index[stage], time_fraction[stage], x, y, height)
    else:
        height = 0.0
        u, v, w = gridded_velocity(currents, time_index[stage], time_fraction[stage], x, y, z)
    u += uniform_u[stage]
    v += uniform_v[stage]
    if currents.bottom_roughness_m > 0.0:
        if not currents.z_is_height_above_bed:
            height = z + seabed_depth(seabed, x, y)
        factor = log_layer_factor(height, currents.bottom_roughness_m, currents.log_layer_height_m)
        u *= factor
        v *= factor
    return u, v, w


@njit(cache=True, inline="always")
def rk4_displacement(currents, seabed, clock, x, y, z, dt):
    """Displacement (m) over one step dt (s) by RK4; stages 0, 1, 2 are t, t + dt/2, t + dt."""
    u1, v1, w1 = velocity(currents, seabed, clock, 0, x, y, z)
    h = 0.5 * dt
    u2, v2, w2 = velocity(currents, seabed, clock, 1, x + h * u1, y + h * v1, z + h * w1)
    u3, v3, w3 = velocity(currents, seabed, clock, 1, x + h * u2, y + h * v2, z + h * w2)
    u4, v4, w4 = velocity(currents, seabed, clock, 2, x + dt * u3, y + dt * v3, z + dt * w3)
    sixth = dt / 6.0
    return (
        sixth * (u1 + 2.0 * u2 + 2.0 * u3 + u4),
        sixth * (v1 + 2.0 * v2 + 2.0 * v3 + v4),
        sixth * (w1 + 2.0 * w2 + 2.0 * w3 + w4),
    )
