"""Ocean currents from a NetCDF file (CMEMS, HYCOM, or any CF-named file) on the local x/y grid.

Reads only the snapshots bracketing the run and the lon/lat window of the
domain, fills the NaN that z-level models put below the sea floor, and
regrids bilinearly in lon/lat onto regular x/y nodes about as far apart as the
file's own cells. Velocities are not rotated: u east, v north differ from the
local x/y axes of an azimuthal-equidistant frame by well under a degree over a
model domain of tens of kilometres.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np

from plume.environment.netcdf import (
    READ_ERRORS, ascending_levels, bilinear, extent_lonlat, fail, find_lonlat, iso_time, lon180, lonlat_window,
    open_netcdf, time_dimension, time_window, to_m_s, utc64,
)
from plume.environment.fields import CurrentGrid, with_log_layer

K = "currents"
_STD = {"u": "eastward_sea_water_velocity", "v": "northward_sea_water_velocity",
        "w": "upward_sea_water_velocity"}  # exact: baroclinic_* / surface_* variants are not used
_NAMES = {"u": ("uo", "water_u", "u"), "v": ("vo", "water_v", "v"), "w": ("wo", "water_w", "w")}
_DEPTH_NAMES = ("depth", "deptht", "depthu", "depthv", "depthw", "depth_below_sea")
_UP_NAMES = ("z", "elevation", "height", "altitude")
_EARTH_RADIUS_M = 6371000.0
_MAX_SPEED_M_S = 10.0  # anything faster is an unflagged fill value, not an ocean current






def velocity_variable(path, ds, key, variables, common_names=None):
    """Name of the u, v or w variable, or None (only w may be absent): from the `variables` map,
    else the CF standard name, else the common names (CMEMS, HYCOM, generic by default)."""
    names = _NAMES if common_names is None else common_names
    present = ", ".join(map(str, ds.data_vars))
    if variables is not None and key in variables:
        name = variables[key]
        if name is not None and name not in ds.data_vars:
            fail(K, path, f"variable '{name}' given for {key} not found; variables present: {present}")
        return name
    for n, var in ds.data_vars.items():
        if str(var.attrs.get("standard_name", "")).lower() == _STD[key]:
            return str(n)
    lower = {str(n).lower(): str(n) for n in ds.data_vars}
    for n in names[key]:
        if n in lower:
            return lower[n]
    if key == "w":
        return None
    fail(K, path, f"no {key} velocity found (looked for standard_name {_STD[key]} and names "
         f"{'/'.join(names[key])}); variables present: {present}; name it with "
         f"currents.variables: {{{key}: NAME}}")




def _vertical_sign(path, ds, d):
    """+1 when the dimension's values are depths (positive down), -1 for elevations, else None."""
    if d not in ds.variables:
        return None
    a = ds[d].attrs
    positive = str(a.get("positive", "")).lower()
    std = str(a.get("standard_name", "")).lower()
    if positive in ("down", "up"):
        return 1 if positive == "down" else -1
    if std == "depth" or str(d).lower() in _DEPTH_NAMES:
        return 1
    if std in ("height", "altitude") or str(d).lower() in _UP_NAMES:
        if np.nanmax(ds[d].values) > 0:  # an elevation axis above the sea surface: really depth?
            fail(K, path, f"vertical coordinate '{d}' has values above the sea surface "
                 f"(max {float(np.nanmax(ds[d].values)):g}); expected elevation <= 0, or add the "
                 "attribute positive: down if it holds depths")
        return -1
    return None






MAX_GAP_TO_BED_M = 100.0  # a deepest level further above the seabed than this does not give the bed flow


def reach_to_bed(path, grid: CurrentGrid, deepest_seabed_m: float, extend: str | None,
                 roughness_m: float) -> CurrentGrid:
    """Refuse a file whose deepest level stops short of the seabed, unless `extend` says how the flow
    reaches the bed: ``log_layer`` (u(h) = u(H) ln(h/z0)/ln(H/z0) over the gap H) or ``uniform``."""
    if grid.z_is_height_above_bed:
        return grid
    deepest_level_m = -float(np.min(grid.z_m))
    gap_m = deepest_seabed_m - deepest_level_m
    if gap_m <= MAX_GAP_TO_BED_M:
        return grid
    if extend is None:
        where = "the surface alone" if grid.z_m.size == 1 else f"{deepest_level_m:,.0f} m"
        fail(K, path, f"the deepest level is {where} but the seabed in the model domain is {deepest_seabed_m:,.0f} m "
             f"deep: the flow at the bed would be taken from {gap_m:,.0f} m above it; give a file that reaches the "
             "bed, or set currents.extend_to_bed: log_layer (or uniform)")
    if extend == "log_layer":
        return with_log_layer(grid, roughness_m, gap_m)
    return grid


def _fill_columns(path, a, name, win, times):
    """Fill NaN down from the nearest valid level above (then up, for gaps at the top)."""
    for k in range(a.shape[1] - 2, -1, -1):  # axis 1 is z, ascending: k+1 is above k
        a[:, k] = np.where(np.isnan(a[:, k]), a[:, k + 1], a[:, k])
    for k in range(1, a.shape[1]):
        a[:, k] = np.where(np.isnan(a[:, k]), a[:, k - 1], a[:, k])
    bad = np.argwhere(np.isnan(a[:, -1]))
    if bad.size:
        t, j, i = bad[0]
        fail(K, path, f"'{name}' has no valid value in the column at lon {lon180(win.lon[i]):.4f}"
             f" lat {win.lat[j]:.4f} at {iso_time(times[t])}; land or missing data is not "
             "supported inside the model domain")
    if np.nanmax(np.abs(a)) > _MAX_SPEED_M_S:
        fail(K, path, f"'{name}' reaches {float(np.nanmax(np.abs(a))):g} m/s in the window; "
             f"expected currents below {_MAX_SPEED_M_S:g} m/s (an unflagged fill value?)")
    return a






def currents_from_file(path, projection, extent_m, start: datetime, duration_s: float,
                       variables: dict | None = None) -> CurrentGrid:
    """Currents over the run and the domain as a CurrentGrid (time_s since `start`)."""
    t_start = utc64(start)
    t_end = utc64(start + timedelta(seconds=float(duration_s)))
    x_min, x_max, y_min, y_max = map(float, extent_m)
    ds = open_netcdf(K, path, decode_times=False)  # times decoded below, with a clear error
    try:
        with ds:
            names = {k: velocity_variable(path, ds, k, variables) for k in ("u", "v", "w")}
            u = ds[names["u"]]
            for k in ("v", "w"):
                if names[k] is not None and dict(ds[names[k]].sizes) != dict(u.sizes):
                    fail(K, path, f"{k} '{names[k]}' has dimensions {dict(ds[names[k]].sizes)} "
                         f"but u '{names['u']}' has {dict(u.sizes)}; expected one common grid")
            lon_name, lat_name = find_lonlat(K, path, ds, dims=u.dims)
            lon_dim, lat_dim = ds[lon_name].dims[0], ds[lat_name].dims[0]
            tdim = time_dimension(ds, [d for d in u.dims if d not in (lon_dim, lat_dim)])
            if tdim is None:
                fail(K, path, f"'{names['u']}' has dimensions {u.dims} but no time dimension; "
                     "expected a time axis with CF units covering the run")
            zdim, zsign, squeeze = None, None, {}
            for d in u.dims:
                if d in (lon_dim, lat_dim, tdim):
                    continue
                sign = _vertical_sign(path, ds, d)
                if sign is not None and zdim is None:
                    zdim, zsign = d, sign
                elif u.sizes[d] == 1:
                    squeeze[d] = 0
                else:
                    fail(K, path, f"'{names['u']}' has an unexpected dimension '{d}' of length "
                         f"{u.sizes[d]}; expected time, depth (positive: down) or z "
                         "(positive: up), latitude, longitude")

            times, i0, i1 = time_window(K, path, ds, tdim, t_start, t_end, "snapshots")

            # node spacing about the file's own, at the site latitude
            dlon = float(np.median(np.abs(np.diff(np.unwrap(ds[lon_name].values, period=360.0)))))
            dlat = float(np.median(np.abs(np.diff(ds[lat_name].values))))
            native_x = math.radians(dlon) * _EARTH_RADIUS_M * math.cos(math.radians(projection.lat0))
            native_y = math.radians(dlat) * _EARTH_RADIUS_M
            nx = max(2, int(round((x_max - x_min) / native_x)) + 1)
            ny = max(2, int(round((y_max - y_min) / native_y)) + 1)
            xs, ys = np.linspace(x_min, x_max, nx), np.linspace(y_min, y_max, ny)
            blon, blat = extent_lonlat(projection, xs, ys)
            win = lonlat_window(K, path, ds, lon_name, lat_name, blon, blat, margin=1)

            order = [tdim] + ([zdim] if zdim else []) + [lat_dim, lon_dim]
            arrays = {}
            for k, name in names.items():
                if name is None:
                    continue
                var = ds[name].isel(squeeze).transpose(*order)
                a = np.asarray(win.read(var, **{tdim: slice(i0, i1 + 1)}), dtype=np.float64)
                arrays[k] = to_m_s(K, path, name, var.attrs.get("units"), a)
            z_vals = np.asarray(ds[zdim].values, dtype=float) if zdim else np.zeros(1)
    except READ_ERRORS as e:
        fail(K, path, f"could not be read ({type(e).__name__}: {str(e).splitlines()[0][:200]})")

    if zdim is None:  # 2-D currents: one level, uniform in the vertical (the kernel clamps)
        arrays = {k: a[:, None] for k, a in arrays.items()}
        z = np.zeros(1)
    else:
        z, arrays = ascending_levels(K, path, f"vertical coordinate '{zdim}'", -zsign * z_vals, arrays,
                                     "distinct levels in order")  # elevation, positive up
    arrays = {k: _fill_columns(path, np.array(a), names[k], win, times[i0:i1 + 1]) for k, a in arrays.items()}

    gx, gy = np.meshgrid(xs, ys)
    qlon, qlat = projection.to_lonlat(gx.ravel(), gy.ravel())
    qlon = win.branch(qlon)
    out = {}
    for k in ("u", "v", "w"):
        if k in arrays:
            g = bilinear(win.lat, win.lon, arrays[k], qlat, qlon).reshape(
                arrays[k].shape[:2] + gx.shape)
            out[k] = np.ascontiguousarray(g, dtype=np.float32)
        else:
            out[k] = np.zeros_like(out["u"])
    time_s = (times[i0:i1 + 1] - t_start).astype("timedelta64[ns]").astype(np.int64) / 1e9
    return CurrentGrid(
        time_s=np.ascontiguousarray(time_s, dtype=np.float64),
        x0_m=float(xs[0]), dx_m=float(xs[1] - xs[0]), y0_m=float(ys[0]), dy_m=float(ys[1] - ys[0]),
        z_m=np.ascontiguousarray(z, dtype=np.float64),
        u_m_s=out["u"], v_m_s=out["v"], w_m_s=out["w"],
        bottom_roughness_m=0.0, log_layer_height_m=0.0, has_vertical_velocity="w" in arrays,
    )
