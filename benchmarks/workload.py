"""The common benchmark workload, the same for plume, OpenDrift and Parcels.

A regular lon/lat grid of 200 x 200 points at 0.01 degree around 130W 12N,
24 hourly snapshots of

    u = 0.05 + 0.10 cos(w t - phi(lon, lat)),   v = 0.05 sin(w t - phi(lon, lat))   (m/s)

with w the M2 frequency and phi rising by pi across the grid in longitude and
pi/2 in latitude. N particles released at one point (the centre), dt = 600 s,
100 steps, horizontal random walk with K = 1 m2/s.

Only numpy, xarray and netCDF4 are imported here, so every peer's environment can use it.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

LON0, LAT0 = -130.0, 12.0
N_LON = N_LAT = 200
SPACING_DEG = 0.01
N_SNAPSHOTS = 24
START = np.datetime64("2026-01-01T00:00:00")
M2_PERIOD_S = 12.4206012 * 3600.0
OMEGA_RAD_S = 2.0 * np.pi / M2_PERIOD_S
DT_S = 600.0
N_STEPS = 100
K_M2_S = 1.0
SIZES = (10_000, 100_000, 1_000_000)
RELEASE_DEPTH_M = 10.0  # where models that need a depth put the particles (the field has none)


def coordinates():
    lon = LON0 + (np.arange(N_LON) - (N_LON - 1) / 2) * SPACING_DEG
    lat = LAT0 + (np.arange(N_LAT) - (N_LAT - 1) / 2) * SPACING_DEG
    time_s = np.arange(N_SNAPSHOTS) * 3600.0
    return lon, lat, time_s


def velocity(time_s, lon, lat):
    """u, v (m/s) on (time, lat, lon)."""
    phase = np.pi * (lon[None, :] - lon[0]) / (lon[-1] - lon[0]) + 0.5 * np.pi * (lat[:, None] - lat[0]) / (
        lat[-1] - lat[0]
    )
    arg = OMEGA_RAD_S * time_s[:, None, None] - phase[None, :, :]
    return 0.05 + 0.10 * np.cos(arg), 0.05 * np.sin(arg)


def write_workload(path: str | Path) -> Path:
    """Write the field as CF-NetCDF: uo/vo(time, lat, lon), eastward/northward_sea_water_velocity."""
    import xarray as xr

    path = Path(path)
    lon, lat, time_s = coordinates()
    u, v = velocity(time_s, lon, lat)
    times = START + time_s.astype("timedelta64[s]")
    dims = ("time", "lat", "lon")
    ds = xr.Dataset(
        {
            "uo": (dims, u.astype(np.float32), {"standard_name": "eastward_sea_water_velocity", "units": "m s-1"}),
            "vo": (dims, v.astype(np.float32), {"standard_name": "northward_sea_water_velocity", "units": "m s-1"}),
        },
        coords={
            "time": ("time", times, {"standard_name": "time"}),
            "lat": ("lat", lat, {"standard_name": "latitude", "units": "degrees_north"}),
            "lon": ("lon", lon, {"standard_name": "longitude", "units": "degrees_east"}),
        },
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.to_netcdf(path)
    return path
