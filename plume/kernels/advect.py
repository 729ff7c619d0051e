"""The current at a point: gridded (file) part, uniform (synthetic) part by height above the bed,
the log layer, and the terrain-following vertical velocity near the bed.

Terrain following: a level current carried into a hill would put particles into the
seabed, which real near-bed flow cannot do (it goes over or round the hill). Within the
bottom layer the flow therefore follows the seabed, by the kinematic bed condition
w = u . grad(z_b) (z_b = -depth, the seabed's elevation), blended to level flow above a
height H tied to the relief:

    w_terrain(h) = f(h) (u dz_b/dx + v dz_b/dy),  f = 1 - 3 s^2 + 2 s^3,  s = min(h / H, 1)

f(0) = 1 and f'(0) = 0, so a particle's height above the bed is kept by the flow itself:
only settling and mixing bring it down. A current file's own w is kept where it has one.
"""
from numba import njit

from .interpolate import gridded_velocity, log_layer_factor, seabed_depth_and_slope


@njit(cache=True, inline="always")
def terrain_following_share(height_m, blend_height_m):
    """f(h): 1 at the bed, 0 at and above the blend height, smooth (zero slope) at both ends."""
    if height_m >= blend_height_m:
        return 0.0
    s = max(height_m, 0.0) / blend_height_m
    return 1.0 - s * s * (3.0 - 2.0 * s)


@njit(cache=True, inline="always")
def midwater_share(height_m, from_m, to_m):
    """Share of the midwater flow in the uniform current: 0 below `from_m`, 1 above `to_m`, linear between."""
    if height_m <= from_m:
        return 0.0
    if height_m >= to_m:
        return 1.0
    return (height_m - from_m) / (to_m - from_m)


@njit(cache=True, inline="always")
def velocity(currents, seabed, clock, stage, x, y, z):
    """Current (m/s) at a particle for one of the step's three stage times (start, middle, end).

    `clock` holds, per stage, the time index and fraction into the gridded currents and the
    spatially uniform near-bed and midwater flows (mean, tides, eddies) that the solver
    computed once for all particles.
    """
    time_index, time_fraction, bed_u, bed_v, mid_u, mid_v = clock
    depth, ddepth_dx, ddepth_dy = seabed_depth_and_slope(seabed, x, y)
    height = z + depth
    # an ADCP profile's levels are heights above the local seabed; a gridded file's are elevations
    level = height if currents.z_is_height_above_bed else z
    u, v, w = gridded_velocity(currents, time_index[stage], time_fraction[stage], x, y, level)
    share = midwater_share(height, currents.midwater_from_m, currents.midwater_to_m)
    u += bed_u[stage] + share * (mid_u[stage] - bed_u[stage])
    v += bed_v[stage] + share * (mid_v[stage] - bed_v[stage])
    if currents.bottom_roughness_m > 0.0:
        factor = log_layer_factor(height, currents.bottom_roughness_m, currents.log_layer_height_m,
                                  currents.log_layer_log_ratio)
        u *= factor
        v *= factor
    if currents.terrain_following:
        w -= terrain_following_share(height, currents.terrain_blend_height_m) * (u * ddepth_dx + v * ddepth_dy)
    return u, v, w
