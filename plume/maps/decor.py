"""What every map shares: the site-centred frame, seabed shading, track and sources, scale bar,
north arrow and the inset locating the site in the Clarion-Clipperton Zone."""
from __future__ import annotations

import math

import numpy as np

from . import result
from .offline import natural_earth, scale_for_span
from .overlays import draw_in_lonlat
from .style import halo, number

CCZ_LON = (-160.0, -110.0)  # the Clarion-Clipperton Zone, roughly
CCZ_LAT = (0.0, 25.0)


def map_axes(fig, where, ds, extent=None, labels=("bottom", "left"), nbins=6):
    """A GeoAxes in the site's azimuthal-equidistant frame, showing `extent` (m; default the grid),
    with about `nbins` labelled gridlines a side (fewer on narrow maps, or the labels touch)."""
    from cartopy.mpl.ticker import LatitudeLocator, LongitudeLocator

    proj = result.projection(ds)
    ax = fig.add_subplot(where, projection=proj) if not isinstance(where, list) else fig.add_axes(
        where, projection=proj)
    ax.set_extent(extent or result.extent_m(ds), crs=proj)
    gl = ax.gridlines(draw_labels=bool(labels), linewidth=0.3, color="0.4", alpha=0.5, linestyle=":",
                      xlocs=LongitudeLocator(nbins=nbins), ylocs=LatitudeLocator(nbins=nbins))
    if labels:
        gl.top_labels = "top" in labels
        gl.bottom_labels = "bottom" in labels
        gl.left_labels = "left" in labels
        gl.right_labels = "right" in labels
        gl.xlabel_style = gl.ylabel_style = {"size": 5.5}
        gl.rotate_labels = False
    ax.add_feature(natural_earth("land", "50m"), zorder=0.5)  # coastal sites: land hides the sea field
    ax.add_feature(natural_earth("coastline", "50m"), zorder=4)
    return ax


def seabed(ax, ds, contours: bool = True) -> None:
    """Grey hill-shading of the seabed and labelled depth contours (m)."""
    from matplotlib.colors import LightSource
    from matplotlib.ticker import MaxNLocator

    depth = ds.depth.values.astype(float)
    x0, x1, y0, y1 = result.extent_m(ds)
    dx = (x1 - x0) / depth.shape[1]
    dy = (y1 - y0) / depth.shape[0]
    shade = LightSource(azdeg=315, altdeg=40).hillshade(-depth, vert_exag=2.0, dx=dx, dy=dy)
    shade = 0.55 + 0.4 * shade  # a light ground: the plume's colours carry the figure
    ax.imshow(shade, cmap="gray", vmin=0, vmax=1, origin="lower", extent=(x0, x1, y0, y1),
              transform=ax.projection, interpolation="bilinear", zorder=0, gid="seabed")
    if not contours or np.nanmax(depth) - np.nanmin(depth) < 1.0:
        return
    levels = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]).tick_values(np.nanmin(depth), np.nanmax(depth))
    levels = levels[(levels > np.nanmin(depth)) & (levels < np.nanmax(depth))]
    if levels.size == 0:
        return
    cs = ax.contour(ds.x.values, ds.y.values, depth, levels=levels, colors="0.45", linewidths=0.3,
                    transform=ax.projection, zorder=1)
    cs.set_gid("depth-contours")
    # labels at the contours nearest a 3 x 3 lattice: hills make many small loops, and one label
    # on each would bury the plume
    xs = x0 + (x1 - x0) * np.array([0.2, 0.5, 0.8])
    ys = y0 + (y1 - y0) * np.array([0.25, 0.55, 0.85])
    spots = [(x, y) for x in xs for y in ys]
    ax.clabel(cs, fmt=lambda v: f"{v:,.0f} m", fontsize=4.5, inline=True, inline_spacing=2, manual=spots,
              colors="0.3")


TRACK_COLOUR = "#d01c8b"  # magenta: no threshold, overlay or colour-map colour is near it


def track_and_sources(ax, ds) -> list:
    """The mining track(s) and the sources, with legend handles; nothing when the file has none.

    A collector with a width is drawn as the outline of the ground it sweeps (its track widened by its
    release width, plume.analysis.footprint): dozens of lanes drawn one by one would fill a block and
    hide the thickest deposit under it. A track without a width is drawn as its polyline.
    """
    from ..analysis.footprint import footprint

    handles = []
    try:
        swept = footprint(ds)
    except Exception:  # an old or partial file: fall back to the polylines
        swept = None
    if swept is not None and not swept.is_empty:
        for i, ring in enumerate(_rings(swept)):
            (line,) = ax.plot(*ring.xy, color=TRACK_COLOUR, linewidth=0.6, alpha=0.9, transform=ax.projection,
                              zorder=6, gid="track", label="mined footprint (outline)" if i == 0 else None)
            if i == 0:
                handles.append(line)
    for i, (_name, x, y) in enumerate(result.tracks(ds) if swept is None or swept.is_empty else []):
        (line,) = ax.plot(x, y, color=TRACK_COLOUR, linewidth=0.35, alpha=0.6, transform=ax.projection, zorder=6,
                          gid="track", label="collector track" if i == 0 else None)
        if i == 0:
            handles.append(line)
    markers = {"collector": ("s", "#ffffff"), "discharge": ("^", "#f2c14e")}
    for s in result.sources(ds):
        marker, face = markers.get(s["kind"], ("o", "#ffffff"))
        handle = ax.scatter([s["x"]], [s["y"]], marker=marker, s=22, facecolor=face, edgecolor="black",
                            linewidth=0.6, transform=ax.projection, zorder=8, gid="source",
                            label=f"{s['name']} ({s['kind']})" if s["kind"] else s["name"])
        handles.append(handle)
    return handles


def _rings(geometry) -> list:
    """Every outer and inner ring of a (multi)polygon."""
    rings = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        if polygon.geom_type == "Polygon":
            rings += [polygon.exterior, *polygon.interiors]
    return rings


def nice_length(span: float) -> float:
    """1, 2 or 5 times a power of ten, near a fifth of `span`."""
    target = span / 5.0
    power = 10.0 ** math.floor(math.log10(target))
    return max(m * power for m in (1, 2, 5) if m * power <= target)


def scale_bar(ax, ds, extent=None) -> None:
    """A two-tone bar in the lower-left corner; the frame is equidistant from the site, so metres are true."""
    x0, x1, y0, y1 = extent or result.extent_m(ds)
    length = nice_length(x1 - x0)
    left, base = x0 + 0.05 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    height = 0.012 * (y1 - y0)
    for k, colour in enumerate(("black", "white", "black", "white")):
        ax.add_patch(_rect(left + k * length / 4, base, length / 4, height, colour, ax))
    km = length / 1000.0
    ax.text(left + length / 2, base + 2.2 * height, f"{number(km)} km", ha="center", va="bottom",
            fontsize=6, transform=ax.projection, zorder=9, path_effects=halo(), gid="scale-bar")


def _rect(x, y, w, h, colour, ax):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), w, h, facecolor=colour, edgecolor="black", linewidth=0.4,
                     transform=ax.projection, zorder=9)


def north_arrow(ax, ds, extent=None) -> None:
    """An arrow pointing to true north, in the upper-right corner."""
    import cartopy.crs as ccrs

    x0, x1, y0, y1 = extent or result.extent_m(ds)
    px, py = x1 - 0.07 * (x1 - x0), y1 - 0.2 * (y1 - y0)
    lon, lat = ccrs.PlateCarree().transform_point(px, py, ax.projection)
    qx, qy = ax.projection.transform_point(lon, lat + 0.001, ccrs.PlateCarree())
    angle = math.atan2(qy - py, qx - px)
    size = 0.1 * (y1 - y0)
    tip = (px + size * math.cos(angle), py + size * math.sin(angle))
    ax.annotate("N", xy=tip, xytext=(px, py), xycoords="data", textcoords="data", ha="center", va="top",
                fontsize=7, fontweight="bold", zorder=9, gid="north-arrow", path_effects=halo(),
                arrowprops=dict(arrowstyle="-|>,head_width=0.25,head_length=0.5", color="black", lw=1.0))


def locator_inset(fig, rect, ds, overlays=()):
    """A small PlateCarree map of the CCZ with the model domain and the site marked."""
    import cartopy.crs as ccrs

    lon, lat = result.site_lonlat(ds)
    west, east = min(CCZ_LON[0], lon - 5) - 2, max(CCZ_LON[1], lon + 5) + 8  # show the Mexican coast
    south, north = min(CCZ_LAT[0], lat - 5) - 2, max(CCZ_LAT[1], lat + 5) + 5
    pc = ccrs.PlateCarree()
    ax = fig.add_axes(rect, projection=pc)
    ax.set_extent((west, east, south, north), crs=pc)
    scale = scale_for_span(east - west)
    ax.add_feature(natural_earth("land", scale), zorder=1)
    ax.add_feature(natural_earth("coastline", scale), zorder=2)
    ax.plot([CCZ_LON[0], CCZ_LON[1], CCZ_LON[1], CCZ_LON[0], CCZ_LON[0]],
            [CCZ_LAT[0], CCZ_LAT[0], CCZ_LAT[1], CCZ_LAT[1], CCZ_LAT[0]], transform=pc,
            color="0.35", linewidth=0.5, linestyle="--", zorder=2)
    ax.text(CCZ_LON[0] + 1.5, CCZ_LAT[1] - 1.5, "CCZ (approx.)", fontsize=5, va="top", color="0.25",
            transform=pc)
    for i, layer in enumerate(overlays):
        draw_in_lonlat(ax, layer, i)
    ax.plot(lon, lat, marker="*", markersize=7, color="#c0392b", markeredgecolor="black",
            markeredgewidth=0.4, transform=pc, zorder=5, gid="site")
    gl = ax.gridlines(draw_labels=True, linewidth=0.25, color="0.5", alpha=0.6, linestyle=":",
                      xlocs=np.arange(-180, 181, 20), ylocs=np.arange(-30, 61, 10))
    gl.top_labels = gl.right_labels = False
    gl.xlabel_style = gl.ylabel_style = {"size": 5}
    ax.set_title("Site in the Clarion-Clipperton Zone", fontsize=6)
    return ax
