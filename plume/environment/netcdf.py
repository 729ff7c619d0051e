"""The NetCDF-reading layer shared by the seabed, current-file and ADCP readers.

Opening a file with one clear line for every way it can fail, finding lon/lat, time and
vertical coordinates by CF attributes or common names, reading only the lon/lat window
a domain needs (across the dateline too), decoding CF times, converting speeds with
cf-units, and the one error every file problem becomes (plume.errors.InputDataError,
``<kind> file <path>: <message>``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
import xarray as xr

from plume.errors import InputDataError

# Errors from xarray / netCDF4 / HDF5 while opening or reading: reported as one line.
READ_ERRORS = (OSError, ValueError, KeyError, IndexError, RuntimeError)


_LON_NAMES = ("lon", "longitude", "x", "nav_lon", "lons", "long", "xlon")


_LAT_NAMES = ("lat", "latitude", "y", "nav_lat", "lats", "ylat")


_LON_UNITS = ("degrees_east", "degree_east", "degrees_e", "degree_e", "degreese", "degreee")


_LAT_UNITS = ("degrees_north", "degree_north", "degrees_n", "degree_n", "degreesn", "degreen")


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


def units_of(var) -> str:
    return str(var.attrs.get("units", "")).strip().lower().replace(" ", "")


def is_axis(name: str, var, which: str) -> tuple[bool, bool]:
    """(strong, weak) evidence that `var` is the longitude (which='lon') or latitude axis."""
    std = str(var.attrs.get("standard_name", "")).lower()
    strong = std == ("longitude" if which == "lon" else "latitude") or units_of(var) in (
        _LON_UNITS if which == "lon" else _LAT_UNITS)
    # x / y only count when they are not projected metres
    metric = units_of(var) in ("m", "km", "metre", "meter", "metres", "meters")
    weak = name.lower() in (_LON_NAMES if which == "lon" else _LAT_NAMES) and not metric
    return strong, weak


def find_lonlat(kind: str, path, ds: xr.Dataset, dims=None) -> tuple[str, str]:
    """Names of the 1-D longitude and latitude variables (restricted to `dims` when given)."""
    found = []
    for which in ("lon", "lat"):
        strong, weak = [], []
        for name, var in ds.variables.items():
            s, w = is_axis(str(name), var, which)
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


def bracket(axis, lo, hi, margin, lower, upper):
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
    j0, j1 = bracket(lat_a, la0, la1, margin, 0, m - 1)
    if periodic:  # indices run on past either end and wrap: k = j // n full turns
        ext = np.concatenate([lon_a - 360.0, lon_a, lon_a + 360.0])
        i0, i1 = bracket(ext, lo, hi, margin, 0, 3 * n - 1)
        i0, i1 = i0 - n, i1 - n
    else:
        i0, i1 = bracket(lon_a, lo, hi, margin, 0, n - 1)
    idx = np.arange(i0, i1 + 1)
    lon_w = lon_a[idx % n] + 360.0 * (idx // n)
    pieces = []
    for k in range(i0 // n, i1 // n + 1):  # one contiguous slice per turn
        a, b = max(i0, k * n) - k * n, min(i1, k * n + n - 1) - k * n
        pieces.append(slice(N - 1 - b, N - a) if lon_flip else slice(a, b + 1))
    lat_slice = slice(m - 1 - j1, m - j0) if lat_flip else slice(j0, j1 + 1)
    return LonLatWindow(ds[lon_name].dims[0], ds[lat_name].dims[0], lon_w, lat_a[j0:j1 + 1],
                        pieces, lat_slice, lon_flip, lat_flip)


def locate(axis, q):
    i = np.clip(np.searchsorted(axis, q, side="right") - 1, 0, axis.size - 2)
    f = np.clip((q - axis[i]) / (axis[i + 1] - axis[i]), 0.0, 1.0)
    return i, f


def bilinear(lat_axis, lon_axis, values, qlat, qlon):
    """values[..., lat, lon] at the query points -> [..., npoints]; clamped at the edges."""
    j, fy = locate(lat_axis, np.ravel(qlat))
    i, fx = locate(lon_axis, np.ravel(qlon))
    return ((1 - fy) * ((1 - fx) * values[..., j, i] + fx * values[..., j, i + 1])
            + fy * ((1 - fx) * values[..., j + 1, i] + fx * values[..., j + 1, i + 1]))


_TIME_NAMES = ("time", "t", "ocean_time", "time_counter", "mt")


def iso_time(t) -> str:
    s = str(np.datetime_as_string(np.datetime64(t, "s"), unit="s"))
    return s[:-3] if s.endswith(":00") else s


def utc64(t: datetime) -> np.datetime64:
    if t.tzinfo is not None:
        t = t.astimezone(timezone.utc).replace(tzinfo=None)
    return np.datetime64(t, "ns")


def time_dimension(ds, dims):
    for d in dims:
        if d not in ds.variables:
            continue
        a = ds[d].attrs
        if (" since " in str(a.get("units", "")) or str(a.get("standard_name", "")) == "time"
                or str(a.get("axis", "")).upper() == "T" or str(d).lower() in _TIME_NAMES):
            return d
    return None


def decode_times(kind, path, ds, tdim) -> np.ndarray:
    try:
        t = xr.decode_cf(xr.Dataset(coords={tdim: ds[tdim].variable}))[tdim].values
        if t.dtype == object:  # cftime (non-standard calendar): read the calendar dates as UTC
            t = np.array([np.datetime64(c.isoformat(), "ns") for c in t])
    except (ValueError, TypeError, OverflowError) as e:
        fail(kind, path, f"cannot decode time '{tdim}' ({str(e).splitlines()[0][:160]}); expected "
             "CF units like 'hours since 2026-01-01'")
    if not np.issubdtype(t.dtype, np.datetime64):
        fail(kind, path, f"time '{tdim}' has no CF units (units: "
             f"{ds[tdim].attrs.get('units', 'none')!r}); expected e.g. 'hours since 2026-01-01'")
    return t.astype("datetime64[ns]")


def to_m_s(kind, path, name, units, values: np.ndarray) -> np.ndarray:
    """Velocities in m/s, converted with cf-units (UDUNITS-2) from any speed unit: m s-1, cm/s,
    mm s-1, knots, ...; no units attribute means m/s (the CF default for velocities in practice);
    anything that is not a speed is refused by name."""
    text = str(units).strip() if units is not None else ""
    if not text or text.lower() in ("m s-1", "m/s", "m s^-1", "meter second-1", "meters per second"):
        return values
    import cf_units

    try:
        unit = cf_units.Unit(text)
    except (ValueError, TypeError):
        unit = None
    if unit is None or unit.is_unknown() or not unit.is_convertible("m s-1"):
        fail(kind, path, f"'{name}' has units {text!r}, which is not a speed plume can convert; expected "
             "m s-1, cm s-1, mm s-1 or knots")
    return np.asarray(unit.convert(values, "m s-1"), dtype=np.float64)


def ascending_levels(kind, path, label: str, levels: np.ndarray, arrays: dict, expected: str):
    """Levels made increasing, with the arrays' axis 1 flipped to match; one-line error if not monotonic."""
    d = np.diff(levels)
    if not (np.all(d > 0) or np.all(d < 0)):
        fail(kind, path, f"{label} is not strictly monotonic; expected {expected}")
    if d.size and d[0] < 0:
        return levels[::-1], {k: a[:, ::-1] for k, a in arrays.items()}
    return levels, arrays


def time_window(kind, path, ds, tdim, t_start, t_end, records: str):
    """Decoded times and the indices [i0, i1] of the records bracketing [t_start, t_end]; one-line errors."""
    times = decode_times(kind, path, ds, tdim)
    if times.size < 2:
        fail(kind, path, f"time '{tdim}' has {times.size} value(s); expected at least two "
             f"{records} bracketing the run")
    if np.any(np.diff(times) <= np.timedelta64(0, "ns")):
        fail(kind, path, f"time '{tdim}' is not strictly increasing; expected {records} "
             "in increasing order")
    if times[0] > t_start or times[-1] < t_end:
        fail(kind, path, f"time covers {iso_time(times[0])} to {iso_time(times[-1])} but the run "
             f"needs {iso_time(t_start)} to {iso_time(t_end)}")
    i0 = int(np.searchsorted(times, t_start, side="right")) - 1
    i1 = max(int(np.searchsorted(times, t_end, side="left")), i0 + 1)
    if i1 >= times.size:  # zero-length run on the last record: take the one before
        i0, i1 = times.size - 2, times.size - 1
    return times, i0, i1
