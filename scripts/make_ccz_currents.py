"""Write configs/currents_ccz_cmems.nc: a CMEMS-style current file for configs/file_currents.yaml.

The currents come from plume's synthetic CCZ generator (mean flow toward the
south-south-west, M2/S2/K1/O1 tides, an eddy episode) evaluated hourly on a small
lon/lat grid around the default site, with the tidal phase shifted across the
grid (an M2 wavelength of a few hundred km) and speeds falling off above the
abyssal layer, so the file exercises time, horizontal and vertical interpolation.

    python scripts/make_ccz_currents.py [OUTPUT.nc]
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import xarray as xr

from plume.environment.currents import UniformFlow
from plume.scenario import TIDAL_PERIODS_H

OUTPUT = Path(__file__).resolve().parents[1] / "configs" / "currents_ccz_cmems.nc"
START = np.datetime64("2026-04-01T00:00:00")
HOURS = 72
LON = np.linspace(-117.1, -116.7, 9)
LAT = np.linspace(10.2, 10.6, 9)
DEPTH_M = np.array([0.0, 1000.0, 2500.0, 3500.0, 4000.0, 4200.0, 4400.0, 4600.0])
TIDES = {"M2": (0.030, 0.020, 0.0), "S2": (0.010, 0.007, 30.0), "K1": (0.008, 0.008, 60.0),
         "O1": (0.006, 0.006, 90.0)}  # u amplitude, v amplitude (m/s), phase (deg)


def flow() -> UniformFlow:
    names = list(TIDES)
    return UniformFlow(
        mean_u_m_s=-0.01, mean_v_m_s=-0.03,
        angular_frequency_rad_s=np.array([2 * np.pi / (TIDAL_PERIODS_H[n] * 3600) for n in names]),
        u_amplitude_m_s=np.array([TIDES[n][0] for n in names]),
        u_phase_rad=np.radians([TIDES[n][2] for n in names]),
        v_amplitude_m_s=np.array([TIDES[n][1] for n in names]),
        v_phase_rad=np.radians([TIDES[n][2] - 90.0 for n in names]),
        episode_start_s=np.array([24 * 3600.0]), episode_duration_s=np.array([96 * 3600.0]),
        episode_energy_gain=np.array([3.0]),
    )


def currents() -> xr.Dataset:
    t_s = np.arange(HOURS + 1) * 3600.0
    lag_s = ((LON - LON[0]) / 4.0 * 3600.0)[None, :] + ((LAT - LAT[0]) / 4.0 * 3600.0)[:, None]  # phase lag
    u, v = flow().at(t_s[:, None, None] - lag_s[None, :, :])
    # abyssal currents are strongest near the bed here; weaker in the quiet interior above
    depth_factor = np.interp(DEPTH_M, [0.0, 2500.0, 3500.0, 4600.0], [1.5, 0.5, 0.8, 1.0])
    shape = (t_s.size, DEPTH_M.size, LAT.size, LON.size)
    uo = (u[:, None] * depth_factor[None, :, None, None]).astype(np.float32).reshape(shape)
    vo = (v[:, None] * depth_factor[None, :, None, None]).astype(np.float32).reshape(shape)
    dims = ("time", "depth", "latitude", "longitude")
    return xr.Dataset(
        {"uo": (dims, uo, {"standard_name": "eastward_sea_water_velocity", "units": "m s-1"}),
         "vo": (dims, vo, {"standard_name": "northward_sea_water_velocity", "units": "m s-1"})},
        coords={"time": ("time", START + t_s.astype("timedelta64[s]")),
                "depth": ("depth", DEPTH_M, {"standard_name": "depth", "units": "m", "positive": "down"}),
                "latitude": ("latitude", LAT, {"standard_name": "latitude", "units": "degrees_north"}),
                "longitude": ("longitude", LON, {"standard_name": "longitude", "units": "degrees_east"})},
        attrs={"title": "Synthetic CCZ currents in CMEMS layout, made by plume's scripts/make_ccz_currents.py",
               "Conventions": "CF-1.10"},
    )


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    currents().to_netcdf(out, encoding={"uo": {"zlib": True}, "vo": {"zlib": True}})
    print(out)
