"""Probability maps of an ensemble (plume.ensemble): for each threshold, the fraction of members whose
final deposit, or whose maximum near-bed SSC, reaches it in each cell.

One figure per kind, one panel per threshold, on a shared 0-1 scale; the 50 % contour (as likely as
not) is drawn over each panel, cells no member reaches stay transparent.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..errors import PlumeError
from . import decor, result
from .figures import plume_extent
from .overlays import draw_on_map
from .style import DOUBLE_COLUMN_IN, RC, cmap, new_figure, number, save_figure, styled

PROBABILITY_FIGURES = {  # file name -> (variable, threshold coordinate, unit on the maps, scale to it)
    "deposit_probability.png": ("deposit_exceedance_probability", "deposit_threshold", "mm", result.MM_PER_M),
    "ssc_probability.png": ("ssc_exceedance_probability", "ssc_threshold", "mg/L", result.MG_L_PER_KG_M3),
}
REQUIRED = ("x", "y", "depth", "deposit_exceedance_probability", "ssc_exceedance_probability",
            "deposit_threshold", "ssc_threshold", "member")
MAX_PANELS_PER_ROW = 3
LIKELY = 0.5  # the contour drawn: as likely as not
ANY_MEMBER = 1e-9  # a probability above this: at least one member reaches the threshold there


def open_ensemble(path):
    """An ensemble file for the probability maps, loaded and checked; else one PlumeError line."""
    from ..result import open_result as open_checked

    ds = open_checked(path, decode_times=False, load=True, with_metrics=False)
    missing = [v for v in REQUIRED if v not in ds.variables]
    if missing:
        raise PlumeError(f"{path}: not a plume ensemble file (missing {', '.join(missing[:4])})")
    if ds.sizes["x"] < 2 or ds.sizes["y"] < 2:
        raise PlumeError(f"{path}: the grid is {ds.sizes['x']} x {ds.sizes['y']} cells; maps need at least 2 x 2")
    return ds


@styled
def probability_map(ds, file_name: str, overlays=()):
    """The exceedance probability of each threshold of one kind (deposit or SSC), a panel each."""
    from matplotlib.colors import Normalize

    variable, axis, unit, scale = PROBABILITY_FIGURES[file_name]
    thresholds = ds[axis].values * scale
    n = len(thresholds)
    cols = min(n, MAX_PANELS_PER_ROW)
    rows = math.ceil(n / cols)
    width = DOUBLE_COLUMN_IN
    panel = width / cols
    # framed on the cells some member reaches (at the lowest threshold: the widest), the track and sources
    extent = plume_extent(ds, ds[variable].values, ANY_MEMBER)
    x0, x1, y0, y1 = extent
    aspect = min(max((y1 - y0) / (x1 - x0), 0.4), 2.0)
    height = rows * panel * aspect * 1.15 + 1.2  # panels, their titles, the colour bar below
    fig = new_figure(width, height)
    what = "final deposit" if axis == "deposit_threshold" else "maximum near-bed SSC"
    mesh = None
    handles = []
    grid = fig.add_gridspec(rows, cols, left=0.07, right=0.97, top=1 - 0.45 / height, bottom=0.95 / height,
                            wspace=0.12, hspace=0.25)
    for i, level in enumerate(thresholds):
        ax = decor.map_axes(fig, grid[i // cols, i % cols], ds, extent=extent, nbins=4,
                            labels=("bottom",) + (("left",) if i % cols == 0 else ()))
        decor.seabed(ax, ds, contours=False)
        p = ds[variable].values[i].astype(float)
        shown = np.ma.masked_less_equal(np.ma.masked_invalid(p), 0.0)
        mesh = ax.pcolormesh(result.cell_edges(ds.x.values), result.cell_edges(ds.y.values), shown,
                             norm=Normalize(0.0, 1.0), cmap=cmap("amp"), transform=ax.projection, zorder=2,
                             gid="probability", shading="flat", rasterized=True)
        if np.nanmax(p, initial=0.0) >= LIKELY:
            ax.contour(ds.x.values, ds.y.values, np.nan_to_num(p), levels=[LIKELY], colors="black",
                       linewidths=0.7, transform=ax.projection, zorder=7)
        handles = decor.track_and_sources(ax, ds)
        handles += draw_on_map(ax, ds, overlays, extent)
        decor.scale_bar(ax, ds, extent)
        none = "" if np.nanmax(p, initial=0.0) > 0 else " (no member)"
        ax.set_title(f"P({what} ≥ {number(level)} {unit}){none}", fontsize=7)
    cb = fig.colorbar(mesh, cax=fig.add_axes([0.25, 0.3 / height, 0.5, 0.1 / height]), orientation="horizontal")
    cb.set_label(f"probability (fraction of the {ds.sizes['member']} members); black line: {LIKELY:g}")
    cb.ax.tick_params(labelsize=6)
    if handles:
        fig.axes[0].legend(handles=handles, fontsize=5, loc="upper left")
    fig.suptitle(ds.attrs.get("title", "ensemble"), fontsize=8)
    return fig


def make_probability_maps(ds, out_dir, overlays=()) -> list[Path]:
    """Every probability figure of an ensemble into `out_dir`; returns the paths written."""
    import matplotlib

    from .files import prepare_directory
    from .offline import use_packaged_natural_earth
    from .overlays import load_overlay

    layers = [o if hasattr(o, "features") else load_overlay(o) for o in overlays]
    out_dir = prepare_directory(out_dir)
    use_packaged_natural_earth()
    written = []
    for name in PROBABILITY_FIGURES:
        fig = probability_map(ds, name, layers)
        with matplotlib.rc_context(RC):
            written.append(save_figure(fig, Path(out_dir) / name))
    return written
