"""User-supplied areas (licence areas, protected areas) read from GeoJSON or shapefiles, in lon/lat,
and drawn on maps clipped to their extent."""
from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import PlumeError
from .style import OVERLAY_COLOURS, halo

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


def load_overlay(path, label_property: str | None = None) -> Overlay:
    """The areas of a GeoJSON or shapefile, each named by its ``name`` property (or NAME, Name), or by
    ``label_property`` when given (e.g. a contract ID: features that share a name are then told apart)."""
    path = Path(path)
    if not path.is_file():
        raise PlumeError(f"overlay {path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        features, label = _geojson(path, label_property)
    elif suffix == ".shp":
        features, label = _shapefile(path, label_property)
    else:
        raise PlumeError(f"overlay {path}: unknown format {suffix or '(no suffix)'}; use .geojson, .json or .shp")
    if label_property is not None and all(name is None for name, _ in features):
        raise PlumeError(f"overlay {path}: no feature has the property {label_property!r} "
                         f"(--overlay-label); properties: {', '.join(_property_names(path)) or 'none'}")
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


def _name(properties, label_property: str | None = None) -> str | None:
    for key in (label_property,) if label_property is not None else NAME_KEYS:
        value = (properties or {}).get(key)
        if value not in (None, ""):
            return str(value)
    return None


def _geojson(path: Path, label_property: str | None = None):
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
        features.append((_name(item.get("properties"), label_property), geom))
    return features, data.get("name") if isinstance(data.get("name"), str) else None


def _shapefile(path: Path, label_property: str | None = None):
    from cartopy.io import shapereader

    try:
        reader = shapereader.Reader(str(path))
        features = [(_name(r.attributes, label_property), r.geometry) for r in reader.records()]
    except Exception as err:  # pyshp raises its own errors and plain ones for truncated files
        raise PlumeError(f"overlay {path}: not a readable shapefile ({err})") from None
    return features, None


def _property_names(path: Path) -> list[str]:
    """The property (attribute) names the file's features carry, for an error message."""
    names: dict[str, None] = {}
    try:
        if path.suffix.lower() == ".shp":
            from cartopy.io import shapereader

            for record in shapereader.Reader(str(path)).records():
                names.update(dict.fromkeys(record.attributes))
        else:
            data = json.loads(path.read_text(encoding="utf-8"))
            items = data.get("features") or [data] if isinstance(data, dict) else []
            for item in items:
                names.update(dict.fromkeys((item.get("properties") or {}) if isinstance(item, dict) else {}))
    except Exception:  # only for the message: the file was readable a moment ago
        pass
    return [str(n) for n in names]


def near_site(geom, lon0: float):
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

    geom = near_site(geom, lon0).intersection(box_lonlat)
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

    lon0, lat0 = result.site_lonlat(ds)
    x0, x1, y0, y1 = extent
    frame = box(x0, y0, x1, y1)
    span = max(x1 - x0, y1 - y0) / 111e3  # degrees, roughly; a wide margin keeps every visible part
    window = box(lon0 - 3 * span - 1, max(lat0 - 3 * span - 1, -89.9), lon0 + 3 * span + 1,
                 min(lat0 + 3 * span + 1, 89.9))
    handles, inside, unplaced, placed = [], [], [], []
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
            if label and filled and local.contains(frame):
                inside.append(label)
            elif label and not _place_label(ax, label, _label_spots(clipped, filled), colour, placed):
                unplaced.append(label)
        if drawn or every_layer:
            handles.append(Line2D([], [], color=colour, linestyle="--", linewidth=1.0,
                                  label=textwrap.fill(layer.shared_name or layer.label, 40)))
    notes = [f"inside: {', '.join(dict.fromkeys(inside))}"] if inside else []
    notes += [f"also: {', '.join(dict.fromkeys(unplaced))}"] if unplaced else []
    if notes:
        ax.text(0.98, 0.02, "\n".join(textwrap.fill(n, 60) for n in notes), transform=ax.transAxes,
                ha="right", va="bottom", fontsize=5.5, zorder=9, path_effects=halo(), gid="overlay-label")
    return handles


def _label_spots(clipped, filled: bool) -> list:
    """Where a feature's label may go, best first: inside a polygon (its visible part's pole of
    inaccessibility, then other interior points), so that two areas sharing an edge get two places;
    along a line, its middle, then its quarter points."""
    from shapely.ops import polylabel

    parts = sorted(getattr(clipped, "geoms", [clipped]), key=lambda g: g.area if filled else g.length,
                   reverse=True)
    spots = []
    for part in parts[:3]:
        if filled and part.geom_type == "Polygon":
            spots.append(polylabel(part, tolerance=max(part.length, 1.0) * 1e-3))
            spots.append(part.representative_point())
        elif not filled and part.length > 0:
            spots += [part.interpolate(f, normalized=True) for f in (0.5, 0.25, 0.75)]
    return spots


def _place_label(ax, label: str, spots, colour, placed: list) -> bool:
    """Write `label` at the first of `spots` where it overlaps no label already placed (window boxes
    in `placed`); False, and nothing drawn, when every spot collides."""
    if not spots:
        return False

    text = ax.text(spots[0].x, spots[0].y, label, color=colour, fontsize=5.5, ha="center", va="center",
                   zorder=9, path_effects=halo(), gid="overlay-label", clip_on=True)
    renderer = ax.figure.canvas.get_renderer()
    for spot in spots:
        text.set_position((spot.x, spot.y))
        box = text.get_window_extent(renderer).expanded(1.08, 1.2)
        if not any(box.overlaps(other) for other in placed):
            placed.append(box)
            return True
    text.remove()
    return False


def draw_in_lonlat(ax, layer: Overlay, index: int) -> None:
    """Outlines of an overlay on a PlateCarree map (the locator inset)."""
    import cartopy.crs as ccrs

    colour = OVERLAY_COLOURS[index % len(OVERLAY_COLOURS)]
    ax.add_geometries([g for _, g in layer.features], crs=ccrs.PlateCarree(), facecolor="none",
                      edgecolor=colour, linewidth=0.3, zorder=3)
