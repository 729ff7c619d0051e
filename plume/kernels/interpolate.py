"""Interpolation on the environment's regular grids (see plume.environment.fields).

All functions clamp at the grid edges: the solver checks beforehand that the
fields cover the model domain, so clamping only ever acts on the last
fraction of a cell or on a dimension of size one.

The bilinear look-ups index with unsigned integers (np.uint64): for a signed index numba
adds a wrap-around for negative values (four instructions per index); the clamped
indices here are never negative. In the particle step, which calls these look-ups several
times a particle, that (with the same in the bisection, the bed stress's and the concentration's
cells and the settling speed's class) made the kernel 11 % faster at the median of 11 interleaved
pairs, with the same results (2026-12-07).
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
        if nodes[np.uint64(mid)] <= coord:
            lo = mid
        else:
            hi = mid
    below = nodes[np.uint64(lo)]
    return lo, (coord - below) / (nodes[np.uint64(lo + 1)] - below)


@njit(cache=True, inline="always")
def interval_index(coord, bounds):
    """Index k of the interval bounds[k] <= coord < bounds[k + 1] of a short increasing axis, for coord within
    [bounds[0], bounds[-1]) (the caller checks): the number of inner bounds at or below coord, counted without
    branches. It is irregular_index's node for such a coord; the bisection's unpredictable branches made the
    exposure kernel's first pass over the particles 2-3 times slower (7 layer bounds, 2026-12-08;
    docs/performance.md)."""
    k = 0
    for b in range(1, bounds.size - 1):
        k += coord >= bounds[np.uint64(b)]
    return k


@njit(cache=True, inline="always")
def corner_indices(i, j, nx, ny):
    """The bilinear cell's corner columns (i, i + 1) and rows (j, j + 1), clamped to the grid, as
    unsigned indices (the module docstring says why)."""
    return np.uint64(i), np.uint64(min(i + 1, nx - 1)), np.uint64(j), np.uint64(min(j + 1, ny - 1))


@njit(cache=True, inline="always")
def seabed_depth(seabed, x, y):
    """Sea-floor depth (m, positive down) at (x, y), bilinear."""
    ny, nx = seabed.depth_m.shape
    i, fx = regular_index(x, seabed.x0_m, seabed.dx_m, nx)
    j, fy = regular_index(y, seabed.y0_m, seabed.dy_m, ny)
    d = seabed.depth_m
    i0, i1, j0, j1 = corner_indices(i, j, nx, ny)
    return (1.0 - fy) * ((1.0 - fx) * d[j0, i0] + fx * d[j0, i1]) + fy * (
        (1.0 - fx) * d[j1, i0] + fx * d[j1, i1]
    )


@njit(cache=True, inline="always")
def seabed_depth_and_slope(seabed, x, y):
    """Sea-floor depth (m, positive down) at (x, y) and its derivatives d/dx, d/dy (bilinear)."""
    ny, nx = seabed.depth_m.shape
    i, fx = regular_index(x, seabed.x0_m, seabed.dx_m, nx)
    j, fy = regular_index(y, seabed.y0_m, seabed.dy_m, ny)
    d = seabed.depth_m
    i0, i1, j0, j1 = corner_indices(i, j, nx, ny)
    lower = (1.0 - fx) * d[j0, i0] + fx * d[j0, i1]
    upper = (1.0 - fx) * d[j1, i0] + fx * d[j1, i1]
    depth = (1.0 - fy) * lower + fy * upper
    ddx = ((1.0 - fy) * (d[j0, i1] - d[j0, i0]) + fy * (d[j1, i1] - d[j1, i0])) / seabed.dx_m
    ddy = (upper - lower) / seabed.dy_m
    return depth, ddx, ddy


@njit(cache=True, inline="always")
def gridded_velocity(currents, time_index, time_fraction, x, y, z):
    """(u, v, w) in m/s from the gridded currents: linear in time, trilinear in x, y, z.

    A loop over the up to four (time, level) planes that bracket the point, each read
    bilinearly for u, v and w together; planes of zero weight (a single level, a single
    time) are skipped. Written as one loop rather than nested helper calls so that the
    inlined step holds one copy of it, not dozens: numba's compile time grows with every
    inlined copy (see docs/performance.md, "Cold start").
    """
    nt, nz, ny, nx = currents.u_m_s.shape
    i, fx = regular_index(x, currents.x0_m, currents.dx_m, nx)
    j, fy = regular_index(y, currents.y0_m, currents.dy_m, ny)
    k, fz = irregular_index(z, currents.z_m)
    i0, i1, j0, j1 = corner_indices(i, j, nx, ny)
    w00 = (1.0 - fy) * (1.0 - fx)
    w01 = (1.0 - fy) * fx
    w10 = fy * (1.0 - fx)
    w11 = fy * fx
    u = 0.0
    v = 0.0
    w = 0.0
    for plane in range(4):
        upper_t = plane >> 1
        upper_k = plane & 1
        weight = (time_fraction if upper_t else 1.0 - time_fraction) * (fz if upper_k else 1.0 - fz)
        if weight == 0.0:
            continue
        t = np.uint64(min(time_index + upper_t, nt - 1))
        kk = np.uint64(min(k + upper_k, nz - 1))
        a = currents.u_m_s
        u += weight * (w00 * a[t, kk, j0, i0] + w01 * a[t, kk, j0, i1] + w10 * a[t, kk, j1, i0]
                       + w11 * a[t, kk, j1, i1])
        a = currents.v_m_s
        v += weight * (w00 * a[t, kk, j0, i0] + w01 * a[t, kk, j0, i1] + w10 * a[t, kk, j1, i0]
                       + w11 * a[t, kk, j1, i1])
        if currents.has_vertical_velocity:
            a = currents.w_m_s
            w += weight * (w00 * a[t, kk, j0, i0] + w01 * a[t, kk, j0, i1] + w10 * a[t, kk, j1, i0]
                           + w11 * a[t, kk, j1, i1])
    return u, v, w


@njit(cache=True, inline="always")
def log_layer_factor(height_above_bed_m, roughness_m, layer_height_m, log_ratio):
    """Law-of-the-wall speed ratio u(h)/u(H) = ln(h/z0)/ln(H/z0); 1 above H, 0 at or below z0. log_ratio is
    ln(H/z0), worked out once (CurrentGrid.log_layer_log_ratio): a second log at every RK4 stage of every
    particle in the layer cost 3-8 % of the full-physics step, whose particles all start near the bed
    (bench_step; docs/performance.md)."""
    if roughness_m <= 0.0 or height_above_bed_m >= layer_height_m:
        return 1.0
    if height_above_bed_m <= roughness_m:
        return 0.0
    return np.log(height_above_bed_m / roughness_m) / log_ratio


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
