"""The figures of one run: deposit map, near-bed SSC map, vertical section, time series, animation.

Each builder takes a result Dataset (and overlays) and returns a matplotlib Figure.
"""
from __future__ import annotations

import math

import numpy as np

from . import decor, result
from .fields import colour_bar, log_mesh, threshold_contours
from .overlays import draw_on_map
from .style import DOUBLE_COLUMN_IN, SINGLE_COLUMN_IN, log_limits, new_figure, number, styled


def _legend(ax, handles, **kwargs):
    if handles:
        ax.legend(handles=handles, fontsize=5.5, handlelength=2.2, borderpad=0.4, labelspacing=0.3, **kwargs)


def _map_furniture(fig, ax, ds, overlays, extent=None, every_layer=False):
    """Track, sources, overlays, scale bar, north arrow; returns legend handles."""
    extent = extent or result.extent_m(ds)
    handles = decor.track_and_sources(ax, ds)
    handles += draw_on_map(ax, ds, overlays, extent, every_layer)
    decor.scale_bar(ax, ds, extent)
    decor.north_arrow(ax, ds, extent)
    return handles


@styled
def deposit_map(ds, overlays=()):
    """Final deposit thickness (mm, log scale) with labelled thresholds over the shaded seabed,
    with the track, sources, scale bar, north arrow and a CCZ locator inset."""
    fig = new_figure(DOUBLE_COLUMN_IN, 0.62 * DOUBLE_COLUMN_IN)
    ax = decor.map_axes(fig, [0.06, 0.08, 0.56, 0.84], ds)
    decor.seabed(ax, ds)
    values = result.deposit_mm(ds)
    thresholds = result.thresholds_mm(ds)
    mesh = log_mesh(ax, ds, values, log_limits(values, thresholds), "turbid", "deposit")
    cs, threshold_handles = threshold_contours(ax, ds, values, thresholds, "mm")
    handles = _map_furniture(fig, ax, ds, overlays, every_layer=True)  # the inset shows them all
    colour_bar(fig, mesh, "deposit thickness (mm)", cs, ax=ax, location="right", shrink=0.75, pad=0.03,
               fraction=0.04, aspect=25)
    ax.set_title(f"Seabed deposit after {result.hours(ds)[-1]:g} h")
    decor.locator_inset(fig, [0.70, 0.50, 0.28, 0.40], ds, overlays)
    key = fig.add_axes([0.70, 0.06, 0.28, 0.38])
    key.axis("off")
    _legend(key, threshold_handles + handles, loc="upper left", title="Key",
            title_fontsize=6)
    return fig


@styled
def ssc_map(ds, overlays=()):
    """Maximum over the run of near-bed SSC (lowest layer, mg/L) with its thresholds."""
    fig = new_figure(SINGLE_COLUMN_IN, 1.3 * SINGLE_COLUMN_IN)
    ax = decor.map_axes(fig, [0.14, 0.34, 0.82, 0.6], ds, nbins=4)
    decor.seabed(ax, ds, contours=False)
    values = result.near_bed_ssc_max_mg_l(ds)
    thresholds = result.thresholds_mg_l(ds)
    mesh = log_mesh(ax, ds, values, log_limits(values, thresholds), "turbid", "ssc")
    cs, threshold_handles = threshold_contours(ax, ds, values, thresholds, "mg/L")
    handles = _map_furniture(fig, ax, ds, overlays)
    bounds = ds.layer_bounds.values[0] if "layer_bounds" in ds.variables else (0, 2 * float(ds.layer[0]))
    colour_bar(fig, mesh, f"maximum SSC, {bounds[0]:g}-{bounds[1]:g} m above bed (mg/L)", cs, ax=ax,
               location="bottom", shrink=0.9, pad=0.07, fraction=0.05, aspect=30)
    ax.set_title("Maximum near-bed suspended sediment")
    _legend(ax, threshold_handles + handles, loc="upper center", ncols=2, bbox_to_anchor=(0.5, -0.27))
    return fig


BAND_CELLS = 2  # the section takes the maximum across +-2 cells: particle fields are patchy


def section_line(ds):
    """Points along the mean current through the section centre: direction, distance (m), centre label,
    and cell indices (band offset, point) of a band of cells either side of the line."""
    theta = result.mean_current_direction_rad(ds)
    cx, cy, where = result.section_centre(ds)
    x0, x1, y0, y1 = result.extent_m(ds)
    c, s = math.cos(theta), math.sin(theta)
    reach = []  # farthest distance from the centre, each way, that stays on the grid
    for sign in (1.0, -1.0):
        dx, dy = sign * c, sign * s
        limits = [((x1 if dx > 0 else x0) - cx) / dx if abs(dx) > 1e-12 else math.inf,
                  ((y1 if dy > 0 else y0) - cy) / dy if abs(dy) > 1e-12 else math.inf]
        reach.append(max(0.0, min(limits)))
    step = float(abs(ds.x.values[1] - ds.x.values[0])) if ds.x.size > 1 else 1.0
    distance = np.arange(-reach[1], reach[0] + 0.5 * step, step)
    across = np.arange(-BAND_CELLS, BAND_CELLS + 1)[:, None] * step
    px = cx + distance[None, :] * c - across * s
    py = cy + distance[None, :] * s + across * c
    ix = np.clip(np.round((px - ds.x.values[0]) / step).astype(int), 0, ds.x.size - 1)
    iy = np.clip(np.round((py - ds.y.values[0]) / step).astype(int), 0, ds.y.size - 1)
    return theta, distance, where, iy, ix


def _band_max(field, iy, ix):
    """Maximum across the band of a (..., y, x) field: (..., point)."""
    return field[..., iy, ix].max(axis=-2)


@styled
def section(ds, overlays=()):
    """Vertical section along the mean current: deposit, near-bed SSC (m above bed) and, when the run
    has midwater cells, SSC by depth; each the maximum over the run and across a narrow band."""
    from matplotlib.colors import LogNorm

    from .style import cmap

    theta, distance, where, iy, ix = section_line(ds)
    km = distance / 1000.0
    midwater = "ssc_midwater" in ds.variables
    rows = [1.0, 2.0] + ([1.6] if midwater else [])
    fig = new_figure(DOUBLE_COLUMN_IN, (0.3 + 0.12 * len(rows)) * DOUBLE_COLUMN_IN, layout="constrained")
    axes = fig.subplots(len(rows), 1, sharex=True, gridspec_kw={"height_ratios": rows})
    bearing = (90.0 - math.degrees(theta)) % 360.0
    width = (2 * BAND_CELLS + 1) * float(abs(ds.x.values[1] - ds.x.values[0])) if ds.x.size > 1 else 0.0
    fig.suptitle(f"Section along the mean current (toward {bearing:.0f}° true) through the {where}; "
                 f"maximum across a {width:g} m band", fontsize=7)

    deposit = _band_max(result.deposit_mm(ds), iy, ix)
    thresholds = result.thresholds_mm(ds)
    vmin, vmax = log_limits(deposit, thresholds)
    axes[0].fill_between(km, np.where(deposit > vmin, deposit, vmin), vmin, step="mid", color="#b08850",
                         linewidth=0.6, edgecolor="#6b4226", gid="section-deposit")
    axes[0].set_yscale("log")
    for level in thresholds:
        axes[0].axhline(level, color="0.3", linewidth=0.5, linestyle=(0, (3, 2)))
        axes[0].text(km[0], level, f" {number(level)} mm", fontsize=5, va="bottom", color="0.3")
    axes[0].set_ylim(vmin, vmax)
    axes[0].set_ylabel("deposit (mm)")

    ssc = _band_max(ds.ssc_max.values, iy, ix) * result.MG_L_PER_KG_M3  # (layer, point)
    bounds = ds.layer_bounds.values if "layer_bounds" in ds.variables else None
    heights = np.concatenate([bounds[:, 0], bounds[-1:, 1]]) if bounds is not None else result.cell_edges(
        ds.layer.values)
    limits = log_limits(ssc, result.thresholds_mg_l(ds))
    norm = LogNorm(*limits)
    edges = result.cell_edges(km) if km.size > 1 else np.array([-0.5, 0.5])
    mesh = axes[1].pcolormesh(edges, heights, np.ma.masked_less(ssc, limits[0]), norm=norm, cmap=cmap("turbid"),
                              shading="flat", rasterized=True, gid="section-ssc")
    axes[1].set_ylabel("height above bed (m)")
    axes[1].set_ylim(heights[0], heights[-1])
    if midwater:
        mw = _band_max(ds.ssc_midwater.values.max(axis=0), iy, ix) * result.MG_L_PER_KG_M3
        dl = ds.depth_level_bounds.values if "depth_level_bounds" in ds.variables else None
        depths = np.concatenate([dl[:, 0], dl[-1:, 1]]) if dl is not None else result.cell_edges(
            ds.depth_level.values)
        axes[2].pcolormesh(edges, depths, np.ma.masked_less(mw, limits[0]), norm=norm, cmap=cmap("turbid"),
                           shading="flat", rasterized=True, gid="section-midwater")
        axes[2].set_ylim(depths[-1], depths[0])
        axes[2].set_ylabel("depth (m)")
    cb = fig.colorbar(mesh, ax=list(axes[1:]), extend="min", fraction=0.04, pad=0.01, aspect=25)
    cb.set_label("maximum SSC over the run (mg/L)")
    for ax in axes:
        ax.axvline(0.0, color="black", linewidth=0.5, linestyle=":")
        ax.grid(True, linewidth=0.25, alpha=0.5)
    for ax in axes[1:]:
        ax.set_facecolor("0.95")
    axes[0].text(0.0, 1.02, where, transform=axes[0].get_xaxis_transform(), ha="center", fontsize=5.5)
    axes[-1].set_xlabel("distance along the current (km; negative: up-current)")
    axes[-1].set_xlim(edges[0], edges[-1])
    return fig


@styled
def time_series(ds, overlays=()):
    """The mass budget (t) and the areas above thresholds (km2) against time (h)."""
    fig = new_figure(SINGLE_COLUMN_IN, 1.1 * SINGLE_COLUMN_IN, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    h = result.hours(ds)
    styles = {"released": ("black", "-"), "suspended": ("#2e86ab", "-"), "deposited": ("#8c5a2b", "-"),
              "exited": ("#999999", "--")}
    for name, (colour, style) in styles.items():
        top.plot(h, ds[f"mass_{name}"].values * result.T_PER_KG, color=colour, linestyle=style, label=name,
                 gid=f"mass-{name}")
    top.set_ylabel("mass (t)")
    top.set_title("Mass budget and areas above thresholds")
    top.legend(loc="upper left", ncols=2)
    top.set_ylim(0, 1.4 * max(float(ds.mass_released.max()) * result.T_PER_KG, 1e-9))  # room for the key
    area = ds.deposit_area.values * result.KM2_PER_M2
    for i, level in enumerate(result.thresholds_mm(ds)):
        bottom.plot(h, area[:, i], label=f"deposit ≥ {number(level)} mm", gid="area-deposit",
                    color=f"C{i}")
    near_bed = ds.ssc.isel(layer=0).values * result.MG_L_PER_KG_M3
    for i, level in enumerate(result.thresholds_mg_l(ds)):
        cells = (near_bed >= level).sum(axis=(1, 2))
        bottom.plot(h, cells * result.cell_area_m2(ds) * result.KM2_PER_M2, linestyle="--",
                    color=f"C{i + len(result.thresholds_mm(ds))}", label=f"near-bed SSC ≥ {number(level)} mg/L",
                    gid="area-ssc")
    bottom.set_ylabel("area (km²)")
    bottom.set_xlabel("time since start (h)")
    bottom.legend(loc="best")
    for ax in (top, bottom):
        ax.grid(True, linewidth=0.25, alpha=0.5)
        ax.set_xlim(h[0], h[-1] if h[-1] > h[0] else h[0] + 1)
    bottom.set_ylim(bottom=0)
    return fig


@styled
def animation_frames(ds, overlays=()):
    """The figure of the near-bed SSC animation and a function that draws frame i on it.

    Frames show the thickness-weighted mean over all near-bed layers: the lowest layer alone holds too
    few particles at any one time to show the plume moving. The map is framed on the plume (every cell
    it reaches on the colour scale at some time, and the track), not the whole grid, and a marker
    follows each collector along its track.
    """
    fig = new_figure(SINGLE_COLUMN_IN * 1.2, SINGLE_COLUMN_IN * 1.28)  # not cropped: frames keep one size
    series = result.near_bed_mean_ssc_mg_l(ds)
    limits = log_limits(series, result.thresholds_mg_l(ds))
    extent = plume_extent(ds, series, limits[0])
    ax = decor.map_axes(fig, [0.14, 0.27, 0.82, 0.67], ds, extent, nbins=4)
    decor.seabed(ax, ds, contours=False)
    mesh = log_mesh(ax, ds, series[0], limits, "turbid", "ssc-frame")
    handles = _map_furniture(fig, ax, ds, overlays, extent)
    colour_bar(fig, mesh, f"mean SSC 0-{result.near_bed_top_m(ds):g} m above bed (mg/L)", ax=ax,
               location="bottom", shrink=0.9, pad=0.07, fraction=0.05)
    h = result.hours(ds)
    paths = result.vehicle_positions(ds, h * 3600.0)
    vehicles = [ax.plot([], [], marker="o", markersize=5, color="#d01c8b", markeredgecolor="black",
                        markeredgewidth=0.6, linestyle="none", transform=ax.projection, zorder=10, gid="vehicle",
                        label="collector (now)" if k == 0 else None)[0] for k in range(len(paths))]
    _legend(ax, handles + vehicles[:1], loc="upper center", ncols=2, bbox_to_anchor=(0.5, -0.27))

    def draw(i: int) -> None:
        mesh.set_array(np.ma.masked_less(np.ma.masked_invalid(series[i]), limits[0]).ravel())
        for marker, xy in zip(vehicles, paths):
            marker.set_data([xy[i, 0]], [xy[i, 1]])
        ax.set_title(f"Near-bed suspended sediment, t = {h[i]:g} h")

    draw(0)
    return fig, draw, len(h)


def plume_extent(ds, series, floor: float, margin: float = 0.15) -> tuple[float, float, float, float]:
    """A square extent (m) around every cell where `series` (time, y, x) reaches `floor` at some time and
    around the track and sources, with a margin; within the grid (the whole grid when nothing is there)."""
    x0, x1, y0, y1 = result.extent_m(ds)
    reached = np.nanmax(np.where(np.isfinite(series), series, -np.inf), axis=0) >= floor
    iy, ix = np.nonzero(reached)
    xs = list(ds.x.values[ix])
    ys = list(ds.y.values[iy])
    for _, tx, ty in result.tracks(ds):
        xs += list(tx)
        ys += list(ty)
    xs += [s["x"] for s in result.sources(ds)]
    ys += [s["y"] for s in result.sources(ds)]
    if not xs:
        return x0, x1, y0, y1
    cell = abs(float(ds.x.values[1] - ds.x.values[0])) if ds.x.size > 1 else 1.0
    half = max(0.5 * max(np.ptp(xs), np.ptp(ys)) * (1 + 2 * margin), 5 * cell)
    cx, cy = 0.5 * (min(xs) + max(xs)), 0.5 * (min(ys) + max(ys))
    half = min(half, 0.5 * (x1 - x0), 0.5 * (y1 - y0))
    cx = min(max(cx, x0 + half), x1 - half)  # slide the square inside the grid rather than cut it
    cy = min(max(cy, y0 + half), y1 - half)
    return cx - half, cx + half, cy - half, cy + half
