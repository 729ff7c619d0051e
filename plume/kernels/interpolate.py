"""Interpolation on the environment's regular grids (see plume.environment.fields).

All functions clamp at the grid edges: the solver checks beforehand that the
fields cover the model domain, so clamping only ever acts on the last
fraction of a cell or on a dimension of size one.
"""
import numpy as np
from numba import njit, prange


@njit(cache=True, inline="always")
def regular_index(coord, origin, spacing, n):
    """Lower node index and fractional position on a regular axis of n nodes, clamped."""
    if n == 1:
        return 0, 0.0
    s = (coord - origin) / spacing
    if s <= 0.0:
        return 0, 0.0
    if s >= n - 1:
        return n - 2, 1.0
    i = int(s)
    return i, s - i


@njit(cache=True, inline="always")
def cell_index(coord, origin, spacing, n):
    """Index of the cell of width `spacing` holding coord on an axis of n cells from origin, clamped."""
    i = int(np.floor((coord - origin) / spacing))
    return min(max(i, 0), n - 1)


@njit(cache=True, inline="always")
def irregular_index(coord, nodes):
    """Lower node index and fraction on an increasing, possibly irregular axis, clamped (bisection)."""
    n = nodes.size
    if n == 1 or coord <= nodes[0]:
        return 0, 0.0
    if coord >= nodes[n - 1]:
        return max(n - 2, 0), 1.0
    lo = 0
    hi = n - 1
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if nodes[mid] <= coord:
            lo = mid
        else:
            hi = mid
    return lo, (coord - nodes[lo]) / (nodes[lo + 1] - nodes[lo])


@njit(cache=True, inline="always")
def seabed_depth(seabed, x, y):
    """Sea-floor depth (m, positive down) at (x, y), bilinear."""
    ny, nx = seabed.depth_m.shape
    i, fx = regular_index(x, seabed.x0_m, seabed.dx_m, nx)
    j, fy = regular_index(y, seabed.y0_m, seabed.dy_m, ny)
    d = seabed.depth_m
    i1 = min(i + 1, nx - 1)
    j1 = min(j + 1, ny - 1)
    return (1.0 - fy) * ((1.0 - fx) * d[j, i] + fx * d[j, i1]) + fy * (
        (1.0 - fx) * d[j1, i] + fx * d[j1, i1]
    )


@njit(cache=True, inline="always")
def _bilinear(a, t, k, j, j1, fy, i, i1, fx):
    return (1.0 - fy) * ((1.0 - fx) * a[t, k, j, i] + fx * a[t, k, j, i1]) + fy * (
        (1.0 - fx) * a[t, k, j1, i] + fx * a[t, k, j1, i1]
    )


@njit(cache=True, inline="always")
def _spatial(a, t, k, k1, fz, j, j1, fy, i, i1, fx):
    """Trilinear, or bilinear when the field has a single level (2-D currents, synthetic grids)."""
    lower = _bilinear(a, t, k, j, j1, fy, i, i1, fx)
    if k1 == k:
        return lower
    return (1.0 - fz) * lower + fz * _bilinear(a, t, k1, j, j1, fy, i, i1, fx)


@njit(cache=True, inline="always")
def _space_time(a, t0, t1, ft, k, k1, fz, j, j1, fy, i, i1, fx):
    value = _spatial(a, t0, k, k1, fz, j, j1, fy, i, i1, fx)
    if ft > 0.0:
        value += ft * (_spatial(a, t1, k, k1, fz, j, j1, fy, i, i1, fx) - value)
    return value


@njit(cache=True, inline="always")
def gridded_velocity(currents, time_index, time_fraction, x, y, z):
    """(u, v, w) in m/s from the gridded currents: linear in time, trilinear in x, y, z."""
    nt, nz, ny, nx = currents.u_m_s.shape
    i, fx = regular_index(x, currents.x0_m, currents.dx_m, nx)
    j, fy = regular_index(y, currents.y0_m, currents.dy_m, ny)
    k, fz = irregular_index(z, currents.z_m)
    i1 = min(i + 1, nx - 1)
    j1 = min(j + 1, ny - 1)
    k1 = min(k + 1, nz - 1)
    t0 = time_index
    t1 = min(time_index + 1, nt - 1)
    ft = time_fraction
    u = _space_time(currents.u_m_s, t0, t1, ft, k, k1, fz, j, j1, fy, i, i1, fx)
    v = _space_time(currents.v_m_s, t0, t1, ft, k, k1, fz, j, j1, fy, i, i1, fx)
    w = 0.0
    if currents.has_vertical_velocity:
        w = _space_time(currents.w_m_s, t0, t1, ft, k, k1, fz, j, j1, fy, i, i1, fx)
    return u, v, w


@njit(cache=True, inline="always")
def log_layer_factor(height_above_bed_m, roughness_m, layer_height_m):
    """Law-of-the-wall speed ratio u(h)/u(H) = ln(h/z0)/ln(H/z0); 1 above H, 0 at or below z0."""
    if roughness_m <= 0.0 or height_above_bed_m >= layer_height_m:
        return 1.0
    if height_above_bed_m <= roughness_m:
        return 0.0
    return np.log(height_above_bed_m / roughness_m) / np.log(layer_height_m / roughness_m)


@njit(cache=True, inline="always")
def vertical_diffusivity(turbulence, height_above_bed_m):
    """K (m2/s) and dK/dz (1/s) of the piecewise-linear profile at a height above the bed."""
    heights = turbulence.height_above_bed_m
    values = turbulence.vertical_m2_s
    n = heights.size
    if n == 1 or height_above_bed_m <= heights[0]:
        return values[0], 0.0
    if height_above_bed_m >= heights[n - 1]:
        return values[n - 1], 0.0
    k, f = irregular_index(height_above_bed_m, heights)
    slope = (values[k + 1] - values[k]) / (heights[k + 1] - heights[k])
    return values[k] + f * (values[k + 1] - values[k]), slope


@njit(cache=True)
def seabed_depth_many(seabed, x, y):
    """Sea-floor depth at many positions (for setup and analysis, outside the step)."""
    out = np.empty(x.size)
    for p in range(x.size):
        out[p] = seabed_depth(seabed, x[p], y[p])
    return out


@njit(cache=True, parallel=True)
def blend_snapshots(snapshots, stage_index, stage_fraction, out):
    """out[s] = snapshots at stage s's time, linear between the bracketing snapshots (nt, ...) -> (3, ...)."""
    nt = snapshots.shape[0]
    flat_in = snapshots.reshape(nt, -1)
    flat_out = out.reshape(out.shape[0], -1)
    n = flat_in.shape[1]
    for s in range(out.shape[0]):
        i0 = stage_index[s]
        i1 = min(i0 + 1, nt - 1)
        f = np.float32(stage_fraction[s])
        for c in prange(n):
            a = flat_in[i0, c]
            flat_out[s, c] = a + f * (flat_in[i1, c] - a)
