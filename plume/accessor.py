"""``ds.plume``: what impact assessments ask of a result, on the xarray Dataset itself.

Registered when ``plume`` is imported. A result's grid is in a local metric frame (x, y in m)
with ``lon``/``lat`` as 2-D auxiliary coordinates, so a point or an area given in degrees
has to be projected before it can select cells; the accessor does that with the grid
mapping stored in the file (variable ``crs``):

- ``ds.plume.at(lon, lat)``: the cell holding a point (its series of every field);
- ``ds.plume.in_area(area)``: area (m2) and mass (kg) above each threshold inside the
  polygons of a GeoJSON or shapefile (a contract area, an APEI, a preservation reference
  zone), one row per polygon;
- ``ds.plume.first_time_at_or_above(lon, lat, threshold)``: when a point first reaches a
  threshold.

Cells count by their centre: a cell is at a point when the point lies in it, and inside an
area when its centre does (the model gives cell means; the metrics use the same rule).
Thresholds and results are in the file's SI units (kg m-3, m, m2, kg): 1 mg/L = 1e-3 kg m-3.
See docs/python-api.md for a runnable example.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from .errors import PlumeError


@xr.register_dataset_accessor("plume")
class PlumeAccessor:
    """Point series, areas and masses in polygons, and first-crossing times of a plume result."""

    def __init__(self, ds: xr.Dataset):
        self._ds = ds

    # ------------------------------------------------------------ the frame

    @property
    def projection(self):
        """The result's local frame (plume.grids.LocalProjection), from its ``crs`` variable."""
        from .grids import LocalProjection

        if "crs" not in self._ds.variables:
            raise PlumeError("this dataset has no 'crs' grid mapping: not a plume result")
        attrs = self._ds["crs"].attrs
        return LocalProjection(float(attrs["longitude_of_projection_origin"]),
                               float(attrs["latitude_of_projection_origin"]))

    @property
    def cell_area_m2(self) -> float:
        x, y = self._ds["x"].values, self._ds["y"].values
        return float(abs(x[1] - x[0]) * abs(y[1] - y[0]))

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        """(x, y) in m of a point given in degrees (either longitude convention)."""
        x, y = self.projection.to_xy(lon, lat)
        return float(x), float(y)

    def _cell(self, lon: float, lat: float) -> dict:
        """{'x': i, 'y': j} of the cell holding the point; an error when it lies off the grid."""
        x, y = self.xy(lon, lat)
        index = {}
        for name, value in (("x", x), ("y", y)):
            centres = self._ds[name].values
            half = 0.5 * abs(centres[1] - centres[0])
            i = int(np.argmin(np.abs(centres - value)))
            if abs(centres[i] - value) > half * (1 + 1e-9):
                raise PlumeError(f"point ({lon:g}, {lat:g}) is off the grid ({name} = {value:.0f} m; the grid "
                                 f"spans {centres.min() - half:.0f} to {centres.max() + half:.0f} m)")
            index[name] = i
        return index

    # ------------------------------------------------------------ a point

    def at(self, lon: float, lat: float) -> xr.Dataset:
        """The result at the grid cell holding (lon, lat) (degrees): every field without its x, y
        dimensions (``ssc`` is then (time, layer), ``deposit_thickness`` (time), ...)."""
        on_grid = [name for name, v in self._ds.data_vars.items() if {"x", "y"} <= set(v.dims)]
        return self._ds[on_grid].isel(self._cell(lon, lat))

    def first_time_at_or_above(self, lon: float, lat: float, threshold: float, variable: str = "ssc",
                               layer: int | None = 0):
        """The first output time at which ``variable`` (``ssc`` by default, kg m-3; or
        ``deposit_thickness``, m, or any other field) at the cell holding (lon, lat) is at or above
        ``threshold``; None when it never is. For a field with layers, ``layer`` is the index of the
        near-bed layer (0, the lowest, by default) or None for any layer."""
        if variable not in self._ds.variables:
            raise PlumeError(f"no variable {variable!r} in this result")
        series = self._ds[variable].isel(self._cell(lon, lat))
        others = [d for d in series.dims if d != "time"]
        if others and layer is not None:
            series = series.isel({others[0]: layer})
        reached = series >= threshold
        rest = [d for d in reached.dims if d != "time"]
        if rest:  # any layer
            reached = reached.any(rest)
        hits = np.flatnonzero(reached.values)
        return None if hits.size == 0 else self._ds["time"].values[hits[0]]

    # ------------------------------------------------------------ an area

    def inside(self, area) -> xr.DataArray:
        """(area, y, x) True where the cell centre lies in each polygon of ``area`` (a GeoJSON or
        shapefile path, a GeoJSON-like mapping or a shapely geometry in lon/lat degrees)."""
        import shapely

        names, geoms = _areas(area)
        lon0 = self.projection.lon0
        lon = self._ds["lon"].values
        lat = self._ds["lat"].values
        masks = [shapely.contains_xy(_near(g, lon0), (lon - lon0 + 180.0) % 360.0 - 180.0 + lon0, lat)
                 for g in geoms]
        return xr.DataArray(np.stack(masks), dims=("area", "y", "x"),
                            coords={"area": names, "y": self._ds["y"], "x": self._ds["x"]})

    def in_area(self, area) -> xr.Dataset:
        """For each polygon of ``area`` (a GeoJSON or shapefile path, a GeoJSON-like mapping or a
        shapely geometry, lon/lat degrees), at every output time:

        - ``area_m2`` (m2): the polygon's area, counted in whole cells (centres inside);
        - ``deposit_area`` (m2) and ``deposit_mass`` (kg), per deposit threshold: the cells inside
          whose deposit is at least that thick, and the mass deposited on them;
        - ``deposit_mass_total`` (kg): all the mass deposited inside;
        - ``ssc_area`` (m2), per SSC threshold: the cells inside where SSC in any near-bed layer is
          at or above the threshold; ``ssc_area_ever`` the same for any output time so far.
        """
        mask = self.inside(area)
        # one polygon at a time, on the cells under its bounding box: memory stays at one area's worth
        parts = [self._in_one_area(mask.isel(area=a)) for a in range(mask.sizes["area"])]
        out = xr.concat(parts, dim="area").assign_coords(area=mask["area"])
        attrs = {
            "area_m2": ("m2", "area of the polygon, in whole cells"),
            "deposit_area": ("m2", "area inside with deposit thickness at or above the threshold"),
            "deposit_mass": ("kg", "mass deposited inside where the deposit is at or above the threshold"),
            "deposit_mass_total": ("kg", "mass deposited inside the area"),
            "ssc_area": ("m2", "area inside with near-bed SSC at or above the threshold"),
            "ssc_area_ever": ("m2", "area inside where near-bed SSC reached the threshold at some time so far"),
        }
        for name, (units, long_name) in attrs.items():
            if name in out:
                out[name].attrs.update(units=units, long_name=long_name)
        return out

    def _in_one_area(self, mask: xr.DataArray) -> xr.Dataset:
        ds = self._ds
        cell = self.cell_area_m2
        jj, ii = np.nonzero(mask.values)
        box = {"y": slice(jj.min(), jj.max() + 1), "x": slice(ii.min(), ii.max() + 1)} if jj.size else \
            {"y": slice(0, 1), "x": slice(0, 1)}
        inside = mask.isel(box) & bool(jj.size)  # an area that holds no cell centre: nothing inside
        out = xr.Dataset({"area_m2": inside.sum() * cell})
        thickness = ds["deposit_thickness"].isel(box)
        mass = ds["deposit_mass"].isel(box) * cell
        above = (thickness >= ds["deposit_threshold"]) & inside
        out["deposit_area"] = above.sum(("y", "x")) * cell
        out["deposit_mass"] = mass.where(above, 0.0).sum(("y", "x"))
        out["deposit_mass_total"] = mass.where(inside, 0.0).sum(("y", "x"))
        if "ssc" in ds.variables:
            peak = ds["ssc"].isel(box).max("layer")
            now = (peak >= ds["ssc_threshold"]) & inside
            out["ssc_area"] = now.sum(("y", "x")) * cell
            out["ssc_area_ever"] = (now.cumsum("time") > 0).sum(("y", "x")) * cell
        return out.drop_vars([c for c in ("area", "x", "y", "lon", "lat") if c in out.coords])


def _near(geom, lon0: float):
    """The geometry shifted by whole turns of longitude to the site's side of the date line."""
    from .maps.overlays import near_site

    return near_site(geom, lon0)


def _areas(area) -> tuple[list[str], list]:
    """(names, shapely geometries) of the polygons in a path, a GeoJSON-like mapping or a geometry."""
    from shapely.geometry import shape
    from shapely.geometry.base import BaseGeometry

    if isinstance(area, BaseGeometry):
        named = [(None, area)]
    elif isinstance(area, dict):
        items = area.get("features") if area.get("type") == "FeatureCollection" else [area]
        named = []
        for item in items:
            geometry = item.get("geometry") if item.get("type") == "Feature" else item
            properties = item.get("properties") or {}
            named.append((properties.get("name"), shape(geometry)))
    elif isinstance(area, (str, Path)):
        from .maps.overlays import load_overlay

        named = load_overlay(area).features
    else:
        raise PlumeError(f"an area must be a GeoJSON or shapefile path, a GeoJSON mapping or a shapely "
                         f"geometry, got {type(area).__name__}")
    polygons = [(n, g) for n, g in named if g is not None and g.geom_type in ("Polygon", "MultiPolygon")]
    if not polygons:
        raise PlumeError("the area holds no polygons")
    names = [str(n) if n not in (None, "") else f"area {i}" for i, (n, _) in enumerate(polygons)]
    seen: dict[str, int] = {}
    for i, n in enumerate(names):  # two features of one name (e.g. a category) stay apart
        seen[n] = seen.get(n, 0) + 1
        if names.count(n) > 1:
            names[i] = f"{n} ({seen[n]})"
    return names, [g for _, g in polygons]
