"""User-supplied areas (licence areas, protected areas) read from GeoJSON or shapefiles, in lon/lat,
and drawn on maps clipped to their extent."""
from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import PlumeError
from .style import OVERLAY_COLOURS

NAME_KEYS = ("name", "NAME", "Name")


@dataclass
class Overlay:
    """One file's areas: (name or None, shapely geometry in lon/lat degrees)."""

    label: str
    features: list = field(default_factory=list)

    @property
    def shared_name(self) -> str | None:
        """The one name every feature carries (a category, not a place): shown once, in the legend."""
        names = {name for name, _ in self.features}
        return names.pop() if len(names) == 1 and len(self.features) > 1 else None


def load_overlay(path) -> Overlay:
    path = Path(path)
    if not path.is_file():
        raise PlumeError(f"overlay {path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        features, label = _geojson(path)
    elif suffix == ".shp":
        features, label = _shapefile(path)
    else:
        raise PlumeError(f"overlay {path}: unknown format {suffix or '(no suffix)'}; use .geojson, .json or .shp")
    features = [(name, geom) for name, geom in features if geom is not None and not geom.is_empty]
    if not features:
        raise PlumeError(f"overlay {path}: no geometries in the file")
    west, south, east, north = _bounds([g for _, g in features])
    if not (-360 <= west <= east <= 360 and -90 <= south <= north <= 90):
        raise PlumeError(f"overlay {path}: coordinates are not longitude/latitude in degrees "
                         f"(bounds {west:g}, {south:g}, {east:g}, {north:g}); reproject to EPSG:4326")
    return Overlay(label or path.stem, features)


def _bounds(geoms):
    b = np.array([g.bounds for g in geoms])
    return b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()


def _name(properties) -> str | None:
    for key in NAME_KEYS:
        value = (properties or {}).get(key)
        if value not in (None, ""):
            return str(value)
    return None


def _geojson(path: Path):
    from shapely.geometry import shape

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PlumeError(f"overlay {path}: not valid GeoJSON ({err})") from None
    if not isinstance(data, dict) or "type" not in data:
        raise PlumeError(f"overlay {path}: not GeoJSON (no 'type' member)")
    if data["type"] == "FeatureCollection":
        items = data.get("features") or []
    elif data["type"] == "Feature":
        items = [data]
    else:
        items = [{"type": "Feature", "geometry": data, "properties": {}}]
    features = []
    for i, item in enumerate(items):
        try:
            geom = shape(item["geometry"]) if item.get("geometry") else None
        except Exception as err:  # shapely raises several types for malformed coordinates
            raise PlumeError(f"overlay {path}: feature {i}: bad geometry ({err})") from None
        features.append((_name(item.get("properties")), geom))
    return features, data.get("name") if isinstance(data.get("name"), str) else None


def _shapefile(path: Path):
    from cartopy.io import shapereader

    try:
        reader = shapereader.Reader(str(path))
        features = [(_name(r.attributes), r.geometry) for r in reader.records()]
    except Exception as err:  # pyshp raises its own errors and plain ones for truncated files
        raise PlumeError(f"overlay {path}: not a readable shapefile ({err})") from None
    return features, None


def _near_site(geom, lon0: float):
    """Shift a geometry by whole turns so that it lies on the site's side of the date line."""
    from shapely.affinity import translate

    centre = geom.centroid.x
    turns = round((centre - lon0) / 360.0)
    return translate(geom, xoff=-360.0 * turns) if turns else geom


def project(geom, proj, lon0: float, lat0: float, box_lonlat):
    """A lon/lat geometry in the map's x/y metres, cut to a lon/lat window first so that far-away
    parts never reach the azimuthal projection's distorted rim."""
    import cartopy.crs as ccrs
    import shapely

    geom = _near_site(geom, lon0).intersection(box_lonlat)
    if geom.is_empty:
        return geom
    geom = shapely.segmentize(geom, 0.005)  # straight lines in lon/lat curve slightly in the map frame
    pc = ccrs.PlateCarree()
    return shapely.transform(geom, lambda xy: proj.transform_points(pc, xy[:, 0], xy[:, 1])[:, :2])


def _path(geom):
    """A matplotlib Path of polygons and lines (holes as inner rings)."""
    from matplotlib.path import Path as MPath

    verts, codes = [], []

    def ring(coords, closed):
        c = np.asarray(coords)[:, :2]
        verts.extend(c.tolist())
        codes.extend([MPath.MOVETO] + [MPath.LINETO] * (len(c) - 1))
        if closed:
            codes[-1] = MPath.CLOSEPOLY

    for part in getattr(geom, "geoms", [geom]):
        if part.geom_type == "Polygon":
            ring(part.exterior.coords, True)
            for hole in part.interiors:
                ring(hole.coords, True)
        elif part.geom_type in ("LineString", "LinearRing"):
            ring(part.coords, False)
        elif part.geom_type.startswith("Multi") or part.geom_type == "GeometryCollection":
            sub = _path(part)
            if sub is not None:
                verts.extend(sub.vertices.tolist())
                codes.extend(sub.codes.tolist())
    return MPath(verts, codes) if verts else None


def draw_on_map(ax, ds, layers, extent, every_layer: bool = False) -> list:
    """Draw every overlay on a map in the local frame, clipped to `extent` (m); returns legend handles
    for the layers seen on it, or for all of them (`every_layer`, when an inset shows the rest)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import PathPatch
    from shapely.geometry import box

    from . import result
    from .decor import halo

    lon0, lat0 = result.site_lonlat(ds)
    x0, x1, y0, y1 = extent
    frame = box(x0, y0, x1, y1)
    span = max(x1 - x0, y1 - y0) / 111e3  # degrees, roughly; a wide margin keeps every visible part
    window = box(lon0 - 3 * span - 1, max(lat0 - 3 * span - 1, -89.9), lon0 + 3 * span + 1,
                 min(lat0 + 3 * span + 1, 89.9))
    handles, inside = [], []
    for i, layer in enumerate(layers):
        colour = OVERLAY_COLOURS[i % len(OVERLAY_COLOURS)]
        drawn = False
        for name, geom in layer.features:
            local = project(geom, ax.projection, lon0, lat0, window)
            clipped = local.intersection(frame) if not local.is_empty else local
            if clipped.is_empty:
                continue
            path = _path(clipped)
            if path is None:
                continue
            filled = clipped.geom_type in ("Polygon", "MultiPolygon")
            ax.add_patch(PathPatch(path, facecolor=colour if filled else "none", alpha=0.9, edgecolor=colour,
                                   linewidth=1.0, linestyle="--", fill=False, zorder=5, gid="overlay",
                                   transform=ax.transData))
            drawn = True
            label = None if layer.shared_name else name
            edge = local.boundary.intersection(frame.buffer(-1e-6 * (x1 - x0))) if filled else clipped
            if label and not edge.is_empty:
                piece = max(getattr(edge, "geoms", [edge]), key=lambda g: g.length)
                at = piece.interpolate(0.5, normalized=True)
                ax.text(at.x, at.y, label, color=colour, fontsize=5.5, ha="center", va="center", zorder=9,
                        path_effects=halo(), gid="overlay-label", clip_on=True)
            elif label and filled and local.contains(frame):
                inside.append(label)
        if drawn or every_layer:
            handles.append(Line2D([], [], color=colour, linestyle="--", linewidth=1.0,
                                  label=textwrap.fill(layer.shared_name or layer.label, 40)))
    if inside:
        ax.text(0.98, 0.02, "inside: " + ", ".join(dict.fromkeys(inside)), transform=ax.transAxes,
                ha="right", va="bottom", fontsize=5.5, zorder=9, path_effects=halo(), gid="overlay-label")
    return handles


def draw_in_lonlat(ax, layer: Overlay, index: int) -> None:
    """Outlines of an overlay on a PlateCarree map (the locator inset)."""
    import cartopy.crs as ccrs

    colour = OVERLAY_COLOURS[index % len(OVERLAY_COLOURS)]
    ax.add_geometries([g for _, g in layer.features], crs=ccrs.PlateCarree(), facecolor="none",
                      edgecolor=colour, linewidth=0.3, zorder=3)
