"""The optional trajectory file: a thinned sample of particle paths, CF DSG `featureType = trajectory`.

The gridded fields are the product; this file is for looking at paths. It
keeps a fixed sample of particles (evenly spread over the release order, so
every source and release time is represented), at output times only, in the
incomplete multidimensional representation: dimensions (trajectory, obs), one
row per particle, NaN where the particle was not in the water. Particles are
compacted away in the solver when they deposit or exit, so rows are keyed by
`particle_id`, never by array position.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from .errors import ScenarioError
from .kernels import status as st

DEFAULT_PARTICLES = 1000
MAX_VALUES = 50_000_000  # trajectories x stored times: about 1 GB of state in memory


def trajectory_path(nc_path: Path) -> Path:
    """`<name>_trajectories.nc` beside `<name>.nc`."""
    nc_path = Path(nc_path)
    return nc_path.with_name(f"{nc_path.with_suffix('').name}_trajectories.nc")


class TrajectoryRecorder:
    """Positions of the sampled particles at every `stride`-th output time."""

    def __init__(self, total_particles: int, n_outputs: int, output_interval_s: float,
                 n_sample: int = DEFAULT_PARTICLES, every_s: float | None = None):
        every_s = output_interval_s if every_s is None else float(every_s)
        stride = every_s / output_interval_s
        if stride < 1 - 1e-9 or abs(stride - round(stride)) > 1e-9:
            raise ScenarioError(f"output.trajectory_every_s: must be a whole multiple of time.output_every_s "
                                f"({output_interval_s:g} s), got {every_s:g}")
        self.stride = int(round(stride))
        self.interval_s = float(output_interval_s)
        n = min(int(n_sample), int(total_particles))
        self.ids = np.unique(np.round(np.linspace(0, total_particles - 1, n)).astype(np.int64))
        n_obs = (n_outputs - 1) // self.stride + 1
        if self.ids.size * n_obs > MAX_VALUES:
            raise ScenarioError(f"output.trajectory_particles: {self.ids.size} particles x {n_obs} times is more "
                                f"than {MAX_VALUES:,} positions; sample fewer particles or use a larger "
                                "output.trajectory_every_s")
        shape = (self.ids.size, n_obs)
        self.x_m = np.full(shape, np.nan, np.float32)
        self.y_m = np.full(shape, np.nan, np.float32)
        self.z_m = np.full(shape, np.nan, np.float32)
        self.time_s = np.full(shape, np.nan)
        self.class_index = np.full(self.ids.size, -1, np.int16)
        self.mass_kg = np.full(self.ids.size, np.nan)
        self.release_s = np.full(self.ids.size, np.nan)

    @classmethod
    def from_scenario(cls, scenario) -> "TrajectoryRecorder":
        out = scenario.output
        t = scenario.time
        return cls(int(scenario.particles.count), int(t.n_outputs), float(t.output_every_s),
                   getattr(out, "trajectory_particles", None) or DEFAULT_PARTICLES,
                   getattr(out, "trajectory_every_s", None))

    def record(self, output_index: int, particles) -> None:
        """Store the sampled particles that are in the water at this output time."""
        if output_index % self.stride or self.ids.size == 0:
            return
        j = output_index // self.stride
        n = particles.n_released
        pid = particles.particle_id[:n]
        row = np.minimum(np.searchsorted(self.ids, pid), self.ids.size - 1)
        hit = (self.ids[row] == pid) & (particles.status[:n] == st.ACTIVE)
        rows = row[hit]
        self.x_m[rows, j] = particles.x_m[:n][hit]
        self.y_m[rows, j] = particles.y_m[:n][hit]
        self.z_m[rows, j] = particles.z_m[:n][hit]
        self.time_s[rows, j] = output_index * self.interval_s
        self.class_index[rows] = particles.class_index[:n][hit]
        self.mass_kg[rows] = particles.mass_kg[:n][hit]
        self.release_s[rows] = particles.release_time_s[:n][hit]

    def dataset(self, projection, depth_at, time_units: str, attrs: dict) -> xr.Dataset:
        """The CF DSG Dataset; `depth_at(x, y)` gives the sea-floor depth (m) for heights above the bed."""
        seen = np.isfinite(self.time_s).any(axis=1)  # a sampled particle never in the water at an output time
        ids = self.ids[seen]
        x, y, z, t = (a[seen] for a in (self.x_m, self.y_m, self.z_m, self.time_s))
        inside = np.isfinite(x)
        lon = np.full(x.shape, np.nan)
        lat = np.full(x.shape, np.nan)
        above = np.full(x.shape, np.nan, np.float32)
        if inside.any():
            lon[inside], lat[inside] = projection.to_lonlat(x[inside], y[inside])
            above[inside] = z[inside] + depth_at(x[inside].astype(float), y[inside].astype(float))
        dims = ("trajectory", "obs")
        at = {"coordinates": "time lat lon depth"}
        data_vars = {
            "trajectory_id": (("trajectory",), ids.astype(np.int32),
                              {"cf_role": "trajectory_id", "long_name": "particle id (release order)"}),
            "x": (dims, x, {"units": "m", "long_name": "x (east) in the local frame", **at}),
            "y": (dims, y, {"units": "m", "long_name": "y (north) in the local frame", **at}),
            "height_above_bed": (dims, above, {"units": "m", "long_name": "particle height above the seabed",
                                               **at}),
            "sediment_class": (("trajectory",), self.class_index[seen].astype(np.int32),
                               {"long_name": "sediment class index (0-based, scenario order)"}),
            "particle_mass": (("trajectory",), self.mass_kg[seen], {"units": "kg", "long_name": "particle mass"}),
            "release_time": (("trajectory",), self.release_s[seen],
                             {"units": time_units, "standard_name": "time", "calendar": "standard",
                              "long_name": "particle release time"}),
        }
        coords = {
            "time": (dims, t, {"standard_name": "time", "units": time_units, "calendar": "standard",
                               "axis": "T", "long_name": "output time"}),
            "lon": (dims, lon, {"standard_name": "longitude", "units": "degrees_east", "axis": "X",
                                "long_name": "particle longitude"}),
            "lat": (dims, lat, {"standard_name": "latitude", "units": "degrees_north", "axis": "Y",
                                "long_name": "particle latitude"}),
            "depth": (dims, (-z).astype(np.float32), {"standard_name": "depth", "units": "m", "positive": "down",
                                                      "axis": "Z", "long_name": "particle depth below the surface"}),
        }
        ds = xr.Dataset(data_vars, coords=coords)
        ds.attrs = {**attrs, "featureType": "trajectory",
                    "summary": "A thinned sample of particle paths from the plume model (positions at output "
                               "times while the particle is in the water; NaN elsewhere).",
                    "cdm_data_type": "Trajectory"}
        return ds

    def write(self, path: Path, projection, depth_at, time_units: str, attrs: dict) -> Path:
        from .output import write_dataset

        ds = self.dataset(projection, depth_at, time_units, attrs)
        # NaN marks the times a particle was not in the water (incomplete multidimensional array)
        fill = {name: {"_FillValue": np.nan} for name in ("time", "lon", "lat", "depth")}
        write_dataset(ds, path, encoding=fill)
        return path
