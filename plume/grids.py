"""The local metric frame and the output grid.

Inside the solver everything is in a local azimuthal-equidistant projection
centred on the scenario site: x east, y north, metres. Longitude and latitude
appear only at the edges (input files, output coordinates, maps).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyproj import CRS, Transformer


@dataclass(frozen=True)
class LocalProjection:
    """Azimuthal-equidistant frame centred on (lon0, lat0) in degrees."""

    lon0: float
    lat0: float

    @property
    def crs(self) -> CRS:
        return CRS.from_proj4(
            f"+proj=aeqd +lon_0={self.lon0} +lat_0={self.lat0} +x_0=0 +y_0=0 "
            "+datum=WGS84 +units=m +no_defs"
        )

    def _transformer(self, inverse: bool) -> Transformer:
        geo = CRS.from_epsg(4326)
        src, dst = (self.crs, geo) if inverse else (geo, self.crs)
        return Transformer.from_crs(src, dst, always_xy=True)

    def to_xy(self, lon, lat):
        """Longitude/latitude (degrees) -> x, y (m). Accepts arrays; longitudes in either convention."""
        lon = np.asarray(lon, dtype=float)
        lon = (lon - self.lon0 + 180.0) % 360.0 - 180.0 + self.lon0  # nearest branch to the site
        return self._transformer(inverse=False).transform(lon, np.asarray(lat, dtype=float))

    def to_lonlat(self, x, y):
        """x, y (m) -> longitude (-180..180), latitude (degrees)."""
        return self._transformer(inverse=True).transform(
            np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        )

    def cf_grid_mapping(self) -> dict:
        """Attributes of the CF `crs` grid-mapping variable."""
        return {
            "grid_mapping_name": "azimuthal_equidistant",
            "longitude_of_projection_origin": float(self.lon0),
            "latitude_of_projection_origin": float(self.lat0),
            "false_easting": 0.0,
            "false_northing": 0.0,
            "semi_major_axis": 6378137.0,
            "inverse_flattening": 298.257223563,
            "crs_wkt": self.crs.to_wkt(),
        }


@dataclass(frozen=True)
class OutputGrid:
    """Regular cells over the model domain, plus near-bed layers and optional midwater levels.

    The grid extent is also the model domain: a particle that leaves it has exited.
    """

    x_min_m: float
    x_max_m: float
    y_min_m: float
    y_max_m: float
    resolution_m: float
    layer_bounds_m: np.ndarray  # heights above the seabed, increasing, len = n_layers + 1
    depth_level_bounds_m: np.ndarray | None  # depths below the surface, increasing, or None

    @property
    def nx(self) -> int:
        return int(round((self.x_max_m - self.x_min_m) / self.resolution_m))

    @property
    def ny(self) -> int:
        return int(round((self.y_max_m - self.y_min_m) / self.resolution_m))

    @property
    def x_centres_m(self) -> np.ndarray:
        return self.x_min_m + (np.arange(self.nx) + 0.5) * self.resolution_m

    @property
    def y_centres_m(self) -> np.ndarray:
        return self.y_min_m + (np.arange(self.ny) + 0.5) * self.resolution_m

    @property
    def cell_area_m2(self) -> float:
        return self.resolution_m**2

    @property
    def n_layers(self) -> int:
        return len(self.layer_bounds_m) - 1

    @property
    def layer_thickness_m(self) -> np.ndarray:
        return np.diff(self.layer_bounds_m)

    @property
    def layer_cell_volume_m3(self) -> np.ndarray:
        """(n_layers, 1, 1) volume of one near-bed cell of each layer (the area times the layer's
        thickness; over a sloping bed the layer follows the seabed, so the volume is the same)."""
        return (self.cell_area_m2 * self.layer_thickness_m)[:, None, None]

    @property
    def level_cell_volume_m3(self) -> np.ndarray:
        """(n_levels, 1, 1) volume of one midwater cell of each depth level (0 levels without them)."""
        if self.depth_level_bounds_m is None:
            return np.zeros((0, 1, 1))
        return (self.cell_area_m2 * np.diff(self.depth_level_bounds_m))[:, None, None]
