"""Sea-floor depth from a GEBCO / ETOPO / SRTM15+ style NetCDF, on the local x/y grid.

Only the lon/lat window that the model domain needs is read (global grids are
gigabytes), then interpolated bilinearly in lon/lat onto regular x/y nodes.
The lon/lat helpers here (coordinate detection, window over a seam, bilinear)
are shared with the currents reader.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
import xarray as xr

from plume.errors import InputDataError
from plume.environment.fields import SeabedGrid

# Errors from xarray / netCDF4 / HDF5 while opening or reading: reported as one line.
READ_ERRORS = (OSError, ValueError, KeyError, IndexError, RuntimeError)

_LON_NAMES = ("lon", "longitude", "x", "nav_lon", "lons", "long", "xlon")
_LAT_NAMES = ("lat", "latitude", "y", "nav_lat", "lats", "ylat")
_LON_UNITS = ("degrees_east", "degree_east", "degrees_e", "degree_e", "degreese", "degreee")
_LAT_UNITS = ("degrees_north", "degree_north", "degrees_n", "degree_n", "degreesn", "degreen")
_DEPTH_STD = ("sea_floor_depth_below_sea_surface", "sea_floor_depth", "depth")
_ELEV_STD = ("height_above_reference_ellipsoid", "altitude", "height_above_mean_sea_level")
_ELEV_NAMES = ("elevation", "z", "topo", "band1", "height")
_DEPTH_NAMES = ("depth", "bathymetry", "deptho")


def fail(kind: str, path, message: str):
    """Raise the one-line error every file problem becomes."""
    text = f"{kind} file {path}: {message}"
    raise InputDataError(text.replace("\r", " ").replace("\n", " "))


def lon180(lon) -> float:
    """A longitude as -180..180 for messages."""
    return (float(lon) + 180.0) % 360.0 - 180.0


def open_netcdf(kind: str, path, decode_times: bool) -> xr.Dataset:
    """Open lazily; a missing or non-NetCDF file becomes one clear line."""
    if not os.path.exists(path):
        fail(kind, path, "file not found (expected a NetCDF file)")
    if os.path.isdir(path):
        fail(kind, path, "is a folder, not a NetCDF file")
    if not os.path.isfile(path):  # /dev/zero, a pipe: reading could go on for ever
        fail(kind, path, "is not a regular file (a device or a pipe?); expected a NetCDF file")
    try:
        return xr.open_dataset(path, decode_times=decode_times)
    except READ_ERRORS as e:
        first = str(e).strip().splitlines()[0].split(". ")[0] if str(e).strip() else ""
        fail(kind, path, f"cannot be read as NetCDF ({type(e).__name__}: {first[:160]}); "
             "expected a NetCDF-3/4 file")


def _units(var) -> str:
    return str(var.attrs.get("units", "")).strip().lower().replace(" ", "")


def _is_axis(name: str, var, which: str) -> tuple[bool, bool]:
    """(strong, weak) evidence that `var` is the longitude (which='lon') or latitude axis."""
    std = str(var.attrs.get("standard_name", "")).lower()
    strong = std == ("longitude" if which == "lon" else "latitude") or _units(var) in (
        _LON_UNITS if which == "lon" else _LAT_UNITS)
    # x / y only count when they are not projected metres
    metric = _units(var) in ("m", "km", "metre", "meter", "metres", "meters")
    weak = name.lower() in (_LON_NAMES if which == "lon" else _LAT_NAMES) and not metric
    return strong, weak


def find_lonlat(kind: str, path, ds: xr.Dataset, dims=None) -> tuple[str, str]:
    """Names of the 1-D longitude and latitude variables (restricted to `dims` when given)."""
    found = []
    for which in ("lon", "lat"):
        strong, weak = [], []
        for name, var in ds.variables.items():
            s, w = _is_axis(str(name), var, which)
            (strong if s else weak if w else []).append(str(name))
        cands = strong + weak
        ok = [n for n in cands if ds[n].ndim == 1 and (dims is None or ds[n].dims[0] in dims)]
        if not ok:
            label = "longitude" if which == "lon" else "latitude"
            if cands:
                fail(kind, path, f"{label} coordinate '{cands[0]}' has dimensions "
                     f"{ds[cands[0]].dims}; expected a 1-D {label} axis of a regular lon/lat grid")
            fail(kind, path, f"no {label} coordinate found (looked for names "
                 f"{'/'.join((_LON_NAMES if which == 'lon' else _LAT_NAMES)[:4])} or units "
                 f"{'degrees_east' if which == 'lon' else 'degrees_north'}); "
                 f"variables present: {', '.join(map(str, ds.variables))}")
        found.append(ok[0])
    return found[0], found[1]


def extent_lonlat(projection, x_nodes, y_nodes):
    """Lon/lat of the boundary of the node rectangle (extremes of a smooth map lie on it)."""
    xs = np.union1d(x_nodes, np.linspace(x_nodes[0], x_nodes[-1], 33))
    ys = np.union1d(y_nodes, np.linspace(y_nodes[0], y_nodes[-1], 33))
    bx = np.concatenate([xs, xs, np.full(ys.size, xs[0]), np.full(ys.size, xs[-1])])
    by = np.concatenate([np.full(xs.size, ys[0]), np.full(xs.size, ys[-1]), ys, ys])
    lon, lat = projection.to_lonlat(bx, by)
    # longitudes continuous around the site, so a window over ±180 has lon_max - lon_min < 180
    lon = (np.asarray(lon) - projection.lon0 + 180.0) % 360.0 - 180.0 + projection.lon0
    return lon, np.asarray(lat)


def _bracket(axis, lo, hi, margin, lower, upper):
    """Index range [i0, i1] of an ascending axis holding [lo, hi] plus `margin` cells."""
    i0 = int(np.searchsorted(axis, lo, side="right")) - 1 - margin
    i1 = int(np.searchsorted(axis, hi, side="left")) + margin
    i0, i1 = max(i0, lower), min(i1, upper)
    if i1 == i0:  # a single point: keep two nodes so bilinear weights exist
        i1 = i1 + 1 if i1 + 1 <= upper else i1
        i0 = i0 - 1 if i1 == i0 else i0
    return i0, i1


@dataclass
class LonLatWindow:
    """The part of a file's lon/lat grid to read: ascending axes, maybe two pieces over a seam."""

    lon_dim: str
    lat_dim: str
    lon: np.ndarray  # ascending and continuous (may run past 180 or 360 across a seam)
    lat: np.ndarray  # ascending
    lon_pieces: list  # slices in file order, concatenated in this order
    lat_slice: slice
    lon_flip: bool  # the file's axis is descending: reverse each piece after reading
    lat_flip: bool

    def read(self, var: xr.DataArray, **other) -> np.ndarray:
        """Load var[..., lat, lon] over the window only (var must have lat, lon as its last dims)."""
        parts = []
        for piece in self.lon_pieces:
            a = var.isel({self.lat_dim: self.lat_slice, self.lon_dim: piece, **other}).values
            parts.append(a[..., ::-1] if self.lon_flip else a)
        a = np.concatenate(parts, axis=-1)
        return a[..., ::-1, :] if self.lat_flip else a

    def branch(self, lon):
        """Longitudes moved onto the window's branch (it spans less than 360 degrees)."""
        return self.lon[0] + (np.asarray(lon) - self.lon[0] + 1e-9) % 360.0 - 1e-9


def lonlat_window(kind, path, ds, lon_name, lat_name, lon_need, lat_need, margin) -> LonLatWindow:
    """Check coverage of the needed lon/lat points and choose the index window (+ margin)."""
    lon = np.asarray(ds[lon_name].values, dtype=float)
    lat = np.asarray(ds[lat_name].values, dtype=float)
    for name, a in ((lon_name, np.unwrap(lon, period=360.0)), (lat_name, lat)):
        d = np.diff(a)
        if a.size < 2 or not (np.all(d > 0) or np.all(d < 0)) or not np.all(np.isfinite(a)):
            fail(kind, path, f"coordinate '{name}' is not strictly monotonic (or has fewer than "
                 "2 values); expected a regular 1-D axis, ascending or descending")
    lon_u = np.unwrap(lon, period=360.0)  # a seam inside the file (…179.9, -180…) is removed
    lon_flip, lat_flip = bool(lon_u[0] > lon_u[-1]), bool(lat[0] > lat[-1])
    lon_a, lat_a = (lon_u[::-1] if lon_flip else lon_u), (lat[::-1] if lat_flip else lat)
    N, m = lon_a.size, lat_a.size
    step = float(np.median(np.diff(lon_a)))
    periodic = lon_a[-1] - lon_a[0] + step >= 360.0 - 1e-6 * step
    if lon_a[-1] - lon_a[0] >= 360.0 - 1e-6 * step:  # gridline-registered: last column repeats
        lon_a = lon_a[:-1]
    n = lon_a.size

    lo_need, hi_need = float(np.min(lon_need)), float(np.max(lon_need))
    shift = lon_a[0] + (lo_need - lon_a[0] + 1e-9) % 360.0 - 1e-9 - lo_need
    lo, hi = lo_need + shift, hi_need + shift
    la0, la1 = float(np.min(lat_need)), float(np.max(lat_need))
    tol = 1e-9
    if la0 < lat_a[0] - tol or la1 > lat_a[-1] + tol or (not periodic and hi > lon_a[-1] + tol):
        fail(kind, path, f"does not cover the model domain: it needs lon {lo_need:.4f} to "
             f"{hi_need:.4f}, lat {la0:.4f} to {la1:.4f}, but the file covers lon "
             f"{lon_a[0]:.4f} to {lon_a[-1]:.4f}, lat {lat_a[0]:.4f} to {lat_a[-1]:.4f}")
    j0, j1 = _bracket(lat_a, la0, la1, margin, 0, m - 1)
    if periodic:  # indices run on past either end and wrap: k = j // n full turns
        ext = np.concatenate([lon_a - 360.0, lon_a, lon_a + 360.0])
        i0, i1 = _bracket(ext, lo, hi, margin, 0, 3 * n - 1)
        i0, i1 = i0 - n, i1 - n
    else:
        i0, i1 = _bracket(lon_a, lo, hi, margin, 0, n - 1)
    idx = np.arange(i0, i1 + 1)
    lon_w = lon_a[idx % n] + 360.0 * (idx // n)
    pieces = []
    for k in range(i0 // n, i1 // n + 1):  # one contiguous slice per turn
        a, b = max(i0, k * n) - k * n, min(i1, k * n + n - 1) - k * n
        pieces.append(slice(N - 1 - b, N - a) if lon_flip else slice(a, b + 1))
    lat_slice = slice(m - 1 - j1, m - j0) if lat_flip else slice(j0, j1 + 1)
    return LonLatWindow(ds[lon_name].dims[0], ds[lat_name].dims[0], lon_w, lat_a[j0:j1 + 1],
                        pieces, lat_slice, lon_flip, lat_flip)


def _locate(axis, q):
    i = np.clip(np.searchsorted(axis, q, side="right") - 1, 0, axis.size - 2)
    f = np.clip((q - axis[i]) / (axis[i + 1] - axis[i]), 0.0, 1.0)
    return i, f


def bilinear(lat_axis, lon_axis, values, qlat, qlon):
    """values[..., lat, lon] at the query points -> [..., npoints]; clamped at the edges."""
    j, fy = _locate(lat_axis, np.ravel(qlat))
    i, fx = _locate(lon_axis, np.ravel(qlon))
    return ((1 - fy) * ((1 - fx) * values[..., j, i] + fx * values[..., j, i + 1])
            + fy * ((1 - fx) * values[..., j + 1, i] + fx * values[..., j + 1, i + 1]))


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

