"""Small scenarios for the tests, built as dicts and validated like a file."""
from __future__ import annotations

import copy
from pathlib import Path

import yaml

from plume.scenario import scenario_from_dict

BASE = {
    "name": "case",
    "title": "test case",
    "site": {"lon": -116.9, "lat": 10.4},
    "time": {"start": "2026-04-01T00:00:00Z", "duration_h": 1, "step_s": 60, "output_every_s": 600},
    "bathymetry": {"flat_depth_m": 100},
    "currents": {"synthetic": {"mean_u_m_s": 0.0, "mean_v_m_s": 0.0}},
    "turbulence": {"horizontal_m2_s": 0.0, "vertical": {"profile": "constant", "value_m2_s": 0.0}},
    "sediment": {"classes": [{"name": "only", "mass_fraction": 1.0, "settling_m_s": 0.0}]},
    "sources": [{"kind": "discharge", "name": "point", "position_m": [0, 0], "height_above_bed_m": 50,
                 "mass_kg": 1.0, "start_h": 0}],
    "particles": {"count": 1000, "seed": 1},
    "grid": {"resolution_m": 10, "extent_m": [-1000, 1000, -1000, 1000], "layers_above_bed_m": [0, 1, 2, 5]},
    "thresholds": {"deposit_mm": [0.001, 0.01], "ssc_mg_l": [0.1, 1]},
    "output": {"directory": "out"},
}


def merge(base: dict, changes: dict) -> dict:
    """Deep-merge `changes` into a copy of `base` (dicts merge, everything else replaces)."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


# Flocculation and delayed sinking are switched on together in every test that needs either, the other
# one as an exact no-op (flocculation at rate 0 never draws below 0; sinking that starts after the run
# adds -0.0 m): the step is compiled once per set of processes switched on (60-100 s on an empty numba
# cache), so these tests share one compiled set instead of paying for two.
def never_flocculates(from_class: str, to_class: str) -> list[dict]:
    """A flocculation block at rate 0: the process is on (its draw is made) but no particle changes class."""
    return [{"from": from_class, "to": to_class, "rate_per_h": 0.0}]


def never_sinks(class_name: str) -> list[dict]:
    """A delayed-sinking block that starts after every test's run (1,000 h): on, but it moves nothing."""
    return [{"class": class_name, "after_h": 1000, "speed_m_s": 1e-3}]


def scenario_dict(**changes) -> dict:
    return merge(BASE, changes)


def make_scenario(tmp_path: Path | None = None, **changes):
    base_dir = Path(tmp_path) if tmp_path is not None else Path.cwd()
    return scenario_from_dict(scenario_dict(**changes), base_dir)


def write_scenario(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def write_currents_cmems(path: Path, start: str, hours: int, u, v, lon=(-117.0, -116.8), lat=(10.3, 10.5),
                         depth=(0.0, 50.0, 100.0)) -> Path:
    """A CMEMS-style current file (uo, vo on time, depth, latitude, longitude); u, v are f(hours since start)."""
    import numpy as np
    import xarray as xr

    hours_since = np.arange(hours + 1, dtype=float)
    times = np.datetime64(start) + (hours_since * 3600).astype("timedelta64[s]")
    lons = np.linspace(*lon, 5)
    lats = np.linspace(*lat, 5)
    depth = np.asarray(depth, dtype=float)
    shape = (times.size, depth.size, lats.size, lons.size)
    uo = np.broadcast_to(np.asarray([u(h) for h in hours_since], dtype=np.float32)[:, None, None, None], shape)
    vo = np.broadcast_to(np.asarray([v(h) for h in hours_since], dtype=np.float32)[:, None, None, None], shape)
    dims = ("time", "depth", "latitude", "longitude")
    xr.Dataset(
        {"uo": (dims, uo.copy()), "vo": (dims, vo.copy())},
        coords={"time": times, "depth": ("depth", depth, {"positive": "down", "units": "m"}),
                "latitude": ("latitude", lats, {"units": "degrees_north"}),
                "longitude": ("longitude", lons, {"units": "degrees_east"})},
    ).to_netcdf(path)
    return path


def write_sloping_bathymetry(path: Path, depth_at_site_m: float, slope_per_degree_lon_m: float,
                             lon=(-117.1, -116.7), lat=(10.2, 10.6)) -> Path:
    """A GEBCO-style elevation grid (negative down) deepening eastward linearly in longitude."""
    import numpy as np
    import xarray as xr

    lons = np.linspace(*lon, 41)
    lats = np.linspace(*lat, 41)
    elevation = -(depth_at_site_m + slope_per_degree_lon_m * (lons[None, :] + 116.9)) * np.ones((lats.size, 1))
    xr.Dataset(
        {"elevation": (("lat", "lon"), elevation, {"units": "m"})},
        coords={"lat": ("lat", lats, {"units": "degrees_north"}), "lon": ("lon", lons, {"units": "degrees_east"})},
    ).to_netcdf(path)
    return path
