"""Designs side by side: one colour scale, one extent, key numbers in the titles; and a bar chart."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..errors import PlumeError
from . import decor, result
from .fields import colour_bar, log_mesh, threshold_contours
from .files import prepare_directory
from .offline import use_packaged_natural_earth
from .overlays import draw_on_map
from .style import DOUBLE_COLUMN_IN, RC, log_limits, new_figure, number, save_figure, styled

LABEL_COLUMNS = ("label", "design", "name", "scenario")


def comparison_figures(datasets: list, labels: list[str], out_dir: Path, table=None, overlays=()) -> list[Path]:
    """Write comparison_deposit.png and comparison_metrics.png into `out_dir`; returns their paths.

    `table` (a pandas DataFrame or a list of dicts, one row per design) replaces the computed areas in
    the bar chart by its numeric columns; `overlays` (plume.maps.Overlay, from load_overlay) are drawn
    on every deposit panel.
    """
    import matplotlib

    if not datasets or len(datasets) != len(labels):
        raise PlumeError(f"comparison: need one label per result, got {len(datasets)} results and "
                         f"{len(labels)} labels")
    for ds, label in zip(datasets, labels):
        result.check_result(ds, label)
    out_dir = prepare_directory(out_dir)
    use_packaged_natural_earth()
    figs = {"comparison_deposit.png": deposit_panels(datasets, labels, overlays),
            "comparison_metrics.png": metrics_chart(datasets, labels, table)}
    with matplotlib.rc_context(RC):
        return [save_figure(fig, Path(out_dir) / name) for name, fig in figs.items()]


def common_extent(datasets, floor_mm: float | None = None) -> tuple[float, float, float, float]:
    """One extent for every panel (m): around all the deposits at or above `floor_mm`, with a margin,
    within the union of the grids (the whole union when nothing reached the floor)."""
    extents = np.array([result.extent_m(ds) for ds in datasets])
    union = (float(extents[:, 0].min()), float(extents[:, 1].max()), float(extents[:, 2].min()),
             float(extents[:, 3].max()))
    if floor_mm is None:
        return union
    xs, ys = [], []
    for ds in datasets:
        iy, ix = np.nonzero(result.deposit_mm(ds) >= floor_mm)
        xs += [ds.x.values[ix]]
        ys += [ds.y.values[iy]]
    xs, ys = np.concatenate(xs), np.concatenate(ys)
    if xs.size == 0:
        return union
    half = 0.5 * max(np.ptp(xs), np.ptp(ys)) * 1.25 + 2 * abs(float(np.diff(datasets[0].x.values[:2]).sum()))
    cx, cy = 0.5 * (xs.min() + xs.max()), 0.5 * (ys.min() + ys.max())
    return (max(union[0], cx - half), min(union[1], cx + half), max(union[2], cy - half), min(union[3], cy + half))


def key_numbers(ds) -> str:
    """Area above the first deposit threshold and the largest thickness, for a panel title."""
    level = result.thresholds_mm(ds)[0]
    area = float(ds.deposit_area.values[-1, 0]) * result.KM2_PER_M2
    peak = float(np.nanmax(result.deposit_mm(ds)))
    return f"≥ {number(level)} mm: {area:.3g} km² · max {peak:.3g} mm"


@styled
def deposit_panels(datasets, labels, overlays=()):
    n = len(datasets)
    ncols = min(n, 3)
    nrows = math.ceil(n / ncols)
    panel = DOUBLE_COLUMN_IN / ncols
    fig = new_figure(DOUBLE_COLUMN_IN, nrows * panel * 1.02 + 0.9)
    thresholds = sorted({float(t) for ds in datasets for t in result.thresholds_mm(ds)})
    limits = log_limits(np.concatenate([result.deposit_mm(ds).ravel() for ds in datasets]), thresholds)
    extent = common_extent(datasets, limits[0])  # zoomed on the deposits: side by side, they are small
    grid = fig.add_gridspec(nrows, ncols, left=0.07, right=0.98, top=0.93, bottom=0.05, wspace=0.12,
                            hspace=0.25)
    mesh = None
    axes = []
    for i, (ds, label) in enumerate(zip(datasets, labels)):
        ax = decor.map_axes(fig, grid[i // ncols, i % ncols], ds, extent,
                            labels=("bottom",) + (("left",) if i % ncols == 0 else ()), nbins=3 if ncols > 1 else 5)
        decor.seabed(ax, ds, contours=False)
        values = result.deposit_mm(ds)
        mesh = log_mesh(ax, ds, values, limits, "turbid", "deposit")
        threshold_contours(ax, ds, values, result.thresholds_mm(ds), "mm", labels_per_level=1)
        decor.track_and_sources(ax, ds)
        handles = draw_on_map(ax, ds, list(overlays), extent) if overlays else []
        if handles and i == 0:
            ax.legend(handles=handles, loc="upper left", fontsize=5, frameon=True, framealpha=0.8)
        ax.set_extent(extent, crs=ax.projection)  # a grid smaller than the common extent keeps it
        ax.set_title(f"{label}\n{key_numbers(ds)}", fontsize=6.5)
        axes.append(ax)
    decor.scale_bar(axes[0], datasets[0], extent)
    decor.north_arrow(axes[0], datasets[0], extent)
    colour_bar(fig, mesh, f"deposit thickness after {result.hours(datasets[0])[-1]:g} h (mm)", ax=axes,
               location="bottom", shrink=0.5, fraction=0.04, pad=0.09, aspect=40)
    return fig


def _rows(table, labels):
    """(row labels, {column: values}) of a table's numeric columns."""
    import pandas as pd

    frame = table if isinstance(table, pd.DataFrame) else pd.DataFrame(list(table))
    text = [c for c in frame.columns if str(c).lower() in LABEL_COLUMNS]
    if text:
        names = frame[text[0]].astype(str).tolist()
    elif len(frame) == len(labels):
        names = list(labels)
    else:
        names = [str(i) for i in frame.index]
    numeric = frame.select_dtypes(include="number")
    return names, {str(c): numeric[c].to_numpy(dtype=float) for c in numeric.columns}


def computed_metrics(datasets, labels):
    """Final area above each deposit threshold and area ever above each near-bed SSC threshold (km2)."""
    columns = {}
    for level in result.thresholds_mm(datasets[0]):
        columns[f"deposit ≥ {number(level)} mm (km²)"] = np.array(
            [_area_deposit(ds, level) for ds in datasets])
    for level in result.thresholds_mg_l(datasets[0]):
        columns[f"max near-bed SSC ≥ {number(level)} mg/L (km²)"] = np.array(
            [(result.near_bed_ssc_max_mg_l(ds) >= level).sum() * result.cell_area_m2(ds) * result.KM2_PER_M2
             for ds in datasets])
    return list(labels), columns


def _area_deposit(ds, level_mm: float) -> float:
    levels = result.thresholds_mm(ds)
    match = np.flatnonzero(np.isclose(levels, level_mm))
    if match.size:  # the run's own accounting, when it used this threshold
        return float(ds.deposit_area.values[-1, match[0]]) * result.KM2_PER_M2
    return float((result.deposit_mm(ds) >= level_mm).sum()) * result.cell_area_m2(ds) * result.KM2_PER_M2


@styled
def metrics_chart(datasets, labels, table=None):
    """One small bar panel per metric, one bar per design; with the table's standard errors
    (``table.attrs["uncertainty"]``, plume.compare.Comparison.area_frame) as error bars of two
    standard errors (about 95 %)."""
    names, columns = _rows(table, labels) if table is not None else computed_metrics(datasets, labels)
    errors = getattr(table, "attrs", {}).get("uncertainty", {}) if table is not None else {}
    columns = dict(list(columns.items())[:12])  # more would not read at this size
    if not columns:
        raise PlumeError("comparison: the table has no numeric columns to plot")
    ncols = min(len(columns), 3)
    nrows = math.ceil(len(columns) / ncols)
    fig = new_figure(DOUBLE_COLUMN_IN, 0.7 + 1.6 * nrows)
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    from matplotlib.ticker import FuncFormatter

    plain = FuncFormatter(lambda v, _: number(v))  # no "1e6" multiplier above the axis, under the title
    colours = [f"C{i}" for i in range(len(names))]
    for ax, (title, values) in zip(axes, columns.items()):
        se = np.asarray(errors.get(title, np.full(len(values), np.nan)), dtype=float)
        shown = np.isfinite(se).any()
        bars = ax.bar(range(len(values)), values, color=colours[:len(values)], gid="metric-bar",
                      yerr=np.where(np.isfinite(se), 2.0 * se, 0.0) if shown else None, capsize=2,
                      error_kw={"elinewidth": 0.6, "capthick": 0.6})
        ax.bar_label(bars, labels=[number(v) if np.isfinite(v) else "n/a" for v in values], fontsize=5.5,
                     padding=1)
        ax.set_title(title, fontsize=6.5)
        ax.set_xticks(range(len(values)), names[:len(values)], rotation=20 if len(names) > 3 else 0,
                      ha="right" if len(names) > 3 else "center")
        ax.grid(True, axis="y", linewidth=0.25, alpha=0.5)
        ax.yaxis.set_major_formatter(plain)
        ax.margins(y=0.15)
    for ax in axes[len(columns):]:
        ax.set_visible(False)
    with_errors = any(np.isfinite(np.asarray(v, dtype=float)).any() for v in errors.values())
    fig.suptitle("Comparison of designs" + (" (error bars: ± 2 standard errors from the particle groups)"
                                            if with_errors else ""), fontsize=7.5)
    fig.subplots_adjust(hspace=0.6, wspace=0.3, top=0.9)
    return fig
