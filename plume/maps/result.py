"""Read what the maps need from a plume result (the Dataset of DESIGN.md section 5), in map units.

Map units: thickness in mm, SSC in mg/L, distance in km, area in km2, mass in t, time in hours.
"""
from __future__ import annotations

import math

import numpy as np

from ..errors import PlumeError
from ..result import REQUIRED, check_result  # noqa: F401  (the maps check files as plume.result does)

MM_PER_M = 1000.0
MG_L_PER_KG_M3 = 1000.0  # 1 kg/m3 = 1000 g/m3 = 1000 mg/L
KM2_PER_M2 = 1e-6
T_PER_KG = 1e-3

def open_result(path):
    """Open a result file for the figures (times as numbers, every value loaded and finite, at least
    2 x 2 cells); anything else is a PlumeError of one line."""
    from ..result import open_result as open_checked

    ds = open_checked(path, decode_times=False, load=True, with_metrics=False, require=True)
    check_values(ds, str(path))
    return ds


FINITE = ("ssc", "ssc_max", "deposit_thickness", "deposit_area", "mass_released", "mass_suspended",
          "mass_deposited", "mass_exited", "depth")


def check_values(ds, what: str = "dataset") -> None:
    """What the figures need beyond the variables: at least 2 x 2 cells (gradients, cell edges) and
    finite fields (an infinite concentration has no colour scale)."""
    nx, ny = ds.sizes.get("x", 0), ds.sizes.get("y", 0)
    if nx < 2 or ny < 2:
        raise PlumeError(f"{what}: the grid is {nx} x {ny} cells; maps need at least 2 x 2 (a finer grid.resolution_m)")
    for name in FINITE:
        values = np.asarray(ds[name].values, dtype=float)
        if np.isinf(values).any():
            raise PlumeError(f"{what}: '{name}' holds infinite values; the run's numbers overflowed "
                             "(a rate or density far out of range?), so there is nothing to draw")


def cell_edges(centres: np.ndarray) -> np.ndarray:
    """Edges of cells given their (regular) centres."""
    c = np.asarray(centres, dtype=float)
    step = c[1] - c[0] if c.size > 1 else 1.0
    return np.concatenate([c - step / 2, [c[-1] + step / 2]])


def extent_m(ds) -> tuple[float, float, float, float]:
    """Outer edges of the grid: x min, x max, y min, y max (m)."""
    xe, ye = cell_edges(ds.x.values), cell_edges(ds.y.values)
    return float(xe[0]), float(xe[-1]), float(ye[0]), float(ye[-1])


def cell_area_m2(ds) -> float:
    return float(abs(np.diff(ds.x.values[:2]).sum() * np.diff(ds.y.values[:2]).sum())) if ds.x.size > 1 else 1.0


def site_lonlat(ds) -> tuple[float, float]:
    """Origin of the local frame: the CF grid mapping, else the global attributes."""
    attrs = ds["crs"].attrs if "crs" in ds.variables else {}
    lon = attrs.get("longitude_of_projection_origin", ds.attrs.get("site_lon"))
    lat = attrs.get("latitude_of_projection_origin", ds.attrs.get("site_lat"))
    if lon is None or lat is None:
        raise PlumeError("result: no site position (crs grid mapping or site_lon/site_lat attributes)")
    return float(lon), float(lat)


def projection(ds):
    """cartopy's azimuthal equidistant frame on the site: plume's local x/y metres plot as they are."""
    import cartopy.crs as ccrs

    lon, lat = site_lonlat(ds)
    return ccrs.AzimuthalEquidistant(central_longitude=lon, central_latitude=lat,
                                     globe=ccrs.Globe(datum="WGS84", ellipse="WGS84"))


def hours(ds) -> np.ndarray:
    """Output times as hours since the first output time (decoded or not)."""
    t = ds.time.values
    if np.issubdtype(t.dtype, np.datetime64):
        return (t - t[0]) / np.timedelta64(1, "h")
    unit = str(ds.time.attrs.get("units", "seconds since")).split(" since")[0].strip().lower()
    per_hour = {"seconds": 3600.0, "second": 3600.0, "s": 3600.0, "minutes": 60.0, "minute": 60.0,
                "hours": 1.0, "hour": 1.0, "h": 1.0, "days": 1 / 24, "day": 1 / 24}.get(unit, 3600.0)
    t = np.asarray(t, dtype=float)
    return (t - t[0]) / per_hour


def deposit_mm(ds, time_index: int = -1) -> np.ndarray:
    return ds.deposit_thickness.isel(time=time_index).values * MM_PER_M


def near_bed_ssc_max_mg_l(ds) -> np.ndarray:
    return ds.ssc_max.isel(layer=0).values * MG_L_PER_KG_M3


def thresholds_mm(ds) -> np.ndarray:
    return np.atleast_1d(ds.deposit_threshold.values) * MM_PER_M


def thresholds_mg_l(ds) -> np.ndarray:
    return np.atleast_1d(ds.ssc_threshold.values) * MG_L_PER_KG_M3


def title(ds, fallback: str = "plume run") -> str:
    return str(ds.attrs.get("title") or fallback)


def sources(ds) -> list[dict]:
    """Sources as dicts (name, kind, x, y in m) when the result carries them, else []."""
    if "source_x" not in ds.variables or "source_y" not in ds.variables:
        return []
    n = ds.source_x.size
    names = _texts(ds, "source_name", n, "source")
    kinds = _texts(ds, "source_kind", n, "")
    return [{"name": names[i], "kind": kinds[i], "x": float(ds.source_x.values[i]),
             "y": float(ds.source_y.values[i])} for i in range(n)]


def tracks(ds) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Mining tracks as (source name, x m, y m), one per source, when the result carries them."""
    if "track_x" not in ds.variables or "track_y" not in ds.variables:
        return []
    x, y = ds.track_x.values.astype(float), ds.track_y.values.astype(float)
    owner = ds.track_source.values if "track_source" in ds.variables else np.zeros(x.size, dtype=int)
    names = {i: s["name"] for i, s in enumerate(sources(ds))}
    out = []
    for key in dict.fromkeys(owner.tolist()):  # first-seen order
        pick = owner == key
        label = names.get(key, str(key)) if isinstance(key, (int, np.integer)) else str(key)
        out.append((label, x[pick], y[pick]))
    return out


def _texts(ds, name, n, default):
    if name not in ds.variables:
        return [default] * n
    values = ds[name].values
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values.reshape(-1)[:n]]


def mean_current_direction_rad(ds) -> float:
    """Direction (math angle, from east, counter-clockwise) of the mean current.

    The scenario's synthetic mean current when the file records one, else the direction from the
    site to the centre of mass of the time-mean near-bed SSC (where the plume went).
    """
    import yaml

    try:
        scenario = yaml.safe_load(ds.attrs.get("scenario", "")) or {}
        synthetic = (scenario.get("currents") or {}).get("synthetic") or {}
        u, v = float(synthetic.get("mean_u_m_s", 0.0)), float(synthetic.get("mean_v_m_s", 0.0))
    except (yaml.YAMLError, AttributeError, TypeError, ValueError):
        u = v = 0.0
    if math.hypot(u, v) > 0:
        return math.atan2(v, u)
    weight = ds.ssc.isel(layer=0).mean("time").values
    total = float(weight.sum())
    if total <= 0:
        return 0.0
    xx, yy = np.meshgrid(ds.x.values, ds.y.values)
    return math.atan2(float((weight * yy).sum()) / total, float((weight * xx).sum()) / total)


def section_centre(ds) -> tuple[float, float, str]:
    """Where the section crosses: the mining track's centre, else the sources', else the plume's
    centre of deposited mass, else the frame's origin (the site)."""
    lines = tracks(ds)
    if lines:
        x = np.concatenate([t[1] for t in lines])
        y = np.concatenate([t[2] for t in lines])
        return 0.5 * (x.min() + x.max()), 0.5 * (y.min() + y.max()), "track centre"
    points = sources(ds)
    if points:
        return float(np.mean([p["x"] for p in points])), float(np.mean([p["y"] for p in points])), "sources"
    weight = ds.deposit_thickness.isel(time=-1).values
    total = float(weight.sum())
    if total > 0:
        xx, yy = np.meshgrid(ds.x.values, ds.y.values)
        return float((weight * xx).sum()) / total, float((weight * yy).sum()) / total, "deposit centre"
    return 0.0, 0.0, "site"


def near_bed_mean_ssc_mg_l(ds) -> np.ndarray:
    """SSC averaged over all near-bed layers, weighted by their thickness: (time, y, x), mg/L."""
    if "layer_bounds" in ds.variables:
        thickness = np.diff(ds.layer_bounds.values, axis=1)[:, 0]
    else:
        thickness = np.diff(cell_edges(ds.layer.values))
    weights = thickness / thickness.sum()
    return np.tensordot(ds.ssc.values, weights, axes=([1], [0])) * MG_L_PER_KG_M3


def near_bed_top_m(ds) -> float:
    return float(ds.layer_bounds.values[-1, 1]) if "layer_bounds" in ds.variables else float(
        cell_edges(ds.layer.values)[-1])


def vehicle_positions(ds, times_s) -> list[np.ndarray]:
    """Per collector, where the vehicle is at `times_s` (n, 2; m), from the scenario the result carries
    (its track and speed); held at the track's start before the release and where it stopped after.
    Collectors the scenario cannot place (an old or partial file) are left out."""
    import yaml

    from ..scenario import Collector
    from ..sources import vehicle_path

    try:
        scenario = yaml.safe_load(ds.attrs.get("scenario", "")) or {}
        items = [s for s in scenario.get("sources", []) if isinstance(s, dict) and s.get("kind") == "collector"]
    except (yaml.YAMLError, AttributeError, TypeError):
        return []
    out = []
    for item in items:
        try:
            collector = Collector.model_validate(item)
        except Exception:  # not this version's collector keys: no marker rather than no animation
            continue
        t = np.clip(np.asarray(times_s, dtype=float), collector.start_s, collector.stop_s)
        out.append(vehicle_path(collector, t)[0])
    return out
