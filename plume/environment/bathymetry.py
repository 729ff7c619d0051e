"""Sea-floor depth from a GEBCO / ETOPO / SRTM15+ style NetCDF, on the local x/y grid.

Only the lon/lat window that the model domain needs is read (global grids are
gigabytes), then interpolated bilinearly in lon/lat onto regular x/y nodes.
The NetCDF layer (opening, coordinate detection, the window over a seam, bilinear)
is plume.environment.netcdf, shared with the current-file and ADCP readers.
"""
from __future__ import annotations

import math

import numpy as np

from plume.environment.fields import SeabedGrid
from plume.environment.netcdf import (
    READ_ERRORS, bilinear, extent_lonlat, fail, find_lonlat, lon180, lonlat_window, open_netcdf,
)


_DEPTH_STD = ("sea_floor_depth_below_sea_surface", "sea_floor_depth", "depth")
_ELEV_STD = ("height_above_reference_ellipsoid", "altitude", "height_above_mean_sea_level")
_ELEV_NAMES = ("elevation", "z", "topo", "band1", "height")
_DEPTH_NAMES = ("depth", "bathymetry", "deptho")


























def _height_variable(path, ds, lat_dim, lon_dim, variable):
    """(name, is_depth) of the height field; is_depth None when its convention is unknown."""
    K = "bathymetry"
    on_grid = [str(n) for n, v in ds.data_vars.items() if lat_dim in v.dims and lon_dim in v.dims]
    if variable is not None:
        if variable not in ds.variables:
            fail(K, path, f"variable '{variable}' not found; variables present: "
                 f"{', '.join(map(str, ds.variables))}")
        name = variable
    else:
        std = [n for n in on_grid if str(ds[n].attrs.get("standard_name", "")).lower()
               in _DEPTH_STD + _ELEV_STD]
        named = [n for n in on_grid if n.lower() in _ELEV_NAMES + _DEPTH_NAMES]
        hinted = [n for n in on_grid if "positive" in ds[n].attrs]
        if not (std or named or hinted):
            fail(K, path, "no elevation or depth variable found (looked for standard_name "
                 "sea_floor_depth_below_sea_surface/altitude/height_above_*, names "
                 "elevation/z/topo/Band1/height/depth/bathymetry/deptho); variables present: "
                 f"{', '.join(map(str, ds.variables))}; name one with bathymetry.variable")
        name = (std or named or hinted)[0]
    attrs = ds[name].attrs
    positive = str(attrs.get("positive", "")).lower()
    stdname = str(attrs.get("standard_name", "")).lower()
    if positive in ("down", "up"):
        return name, positive == "down"
    if stdname in _DEPTH_STD or stdname in _ELEV_STD:
        return name, stdname in _DEPTH_STD
    if name.lower() in _DEPTH_NAMES or name.lower() in _ELEV_NAMES:
        return name, name.lower() in _DEPTH_NAMES
    return name, None


MAX_DEPTH_M = 11_000.0  # the deepest sounding, Challenger Deep, is 10,935 m (Greenaway et al. 2021)
# fill values that files carry without declaring them (_FillValue / missing_value absent)
COMMON_FILLS = (-32767.0, -32768.0, 32767.0, -9999.0, -99999.0, 9.96920996838687e36, 1e20, -1e20)


def _refuse_absurd_depths(path, name, depth_m, win) -> None:
    """Depths beyond the deepest ocean are an unflagged fill value or a wrong unit or scale, never
    seabed: refused before they turn into a 33-km-deep trench around the site."""
    bad = np.abs(depth_m) > MAX_DEPTH_M
    if not bad.any():
        return
    jj, ii = np.argwhere(bad)[0]
    value = float(depth_m[jj, ii])
    fills = [f for f in COMMON_FILLS if abs(abs(value) - abs(f)) <= 1e-6 * abs(f)]
    why = (f"{fills[0]:g} is a common fill value: declare it with _FillValue or missing_value, or fill the gap"
           if fills else "an unflagged fill value, or units other than metres?")
    fail("bathymetry", path, f"'{name}' gives {int(bad.sum())} depth(s) beyond the deepest ocean "
         f"({MAX_DEPTH_M:,.0f} m) in the window read, e.g. {abs(value):.6g} m at lon {lon180(win.lon[ii]):.4f} "
         f"lat {win.lat[jj]:.4f} ({why})")


def node_axis(lo: float, hi: float, spacing: float) -> np.ndarray:
    """Nodes from lo with the given spacing, the last at or just beyond hi."""
    n = max(2, int(math.ceil((hi - lo) / spacing - 1e-9)) + 1)
    return lo + spacing * np.arange(n)


def seabed_from_file(path, projection, extent_m, resolution_m: float, variable=None) -> SeabedGrid:
    """Depth (m, positive down) on regular x/y nodes `resolution_m` apart covering `extent_m`."""
    if not resolution_m > 0:
        raise ValueError(f"resolution_m must be > 0, got {resolution_m}")
    x_min, x_max, y_min, y_max = map(float, extent_m)
    xs, ys = node_axis(x_min, x_max, resolution_m), node_axis(y_min, y_max, resolution_m)
    K = "bathymetry"
    ds = open_netcdf(K, path, decode_times=False)
    try:
        with ds:
            lon_name, lat_name = find_lonlat(K, path, ds)
            lon_dim, lat_dim = ds[lon_name].dims[0], ds[lat_name].dims[0]
            name, is_depth = _height_variable(path, ds, lat_dim, lon_dim, variable)
            var = ds[name]
            if lat_dim not in var.dims or lon_dim not in var.dims:
                fail(K, path, f"variable '{name}' has dimensions {var.dims}; expected "
                     f"({lat_dim}, {lon_dim})")
            extra = {d: 0 for d in var.dims if d not in (lat_dim, lon_dim)}
            if any(var.sizes[d] != 1 for d in extra):
                fail(K, path, f"variable '{name}' has dimensions {var.dims}; expected only "
                     f"({lat_dim}, {lon_dim}) (other dimensions of length 1 are allowed)")
            var = var.isel(extra).transpose(lat_dim, lon_dim)
            blon, blat = extent_lonlat(projection, xs, ys)
            win = lonlat_window(K, path, ds, lon_name, lat_name, blon, blat, margin=2)
            h = np.asarray(win.read(var), dtype=float)
    except READ_ERRORS as e:
        fail(K, path, f"could not be read ({type(e).__name__}: {str(e).splitlines()[0][:200]})")

    where = (f"lon {lon180(win.lon[0]):.4f} to {lon180(win.lon[-1]):.4f}, "
             f"lat {win.lat[0]:.4f} to {win.lat[-1]:.4f}")
    if not np.all(np.isfinite(h)):
        jj, ii = np.argwhere(~np.isfinite(h))[0]
        fail(K, path, f"'{name}' has {int(np.sum(~np.isfinite(h)))} missing (NaN / fill) values "
             f"in the window read ({where}), e.g. at lon {lon180(win.lon[ii]):.4f} lat "
             f"{win.lat[jj]:.4f}; expected a complete grid over the model domain")
    if is_depth is None:  # unknown convention: the model is for the deep ocean, so go by sign
        is_depth = bool(np.median(h) > 0)
    depth_w = h if is_depth else -h
    _refuse_absurd_depths(path, name, depth_w, win)

    gx, gy = np.meshgrid(xs, ys)
    qlon, qlat = projection.to_lonlat(gx.ravel(), gy.ravel())
    depth = bilinear(win.lat, win.lon, depth_w, qlat, win.branch(qlon)).reshape(gx.shape)
    if np.any(depth <= 0):
        k = int(np.argmin(depth))
        fail(K, path, f"{int(np.sum(depth <= 0))} grid node(s) of the model domain at or above "
             f"sea level (highest: {-depth.flat[k]:+.1f} m at lon {lon180(qlon[k]):.4f} lat "
             f"{qlat[k]:.4f}); land is not supported, expected depth > 0 everywhere")
    return SeabedGrid(float(xs[0]), float(resolution_m), float(ys[0]), float(resolution_m),
                      np.ascontiguousarray(depth, dtype=np.float64))

