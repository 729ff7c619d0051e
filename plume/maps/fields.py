"""A field on a map: log colour scale, threshold contours with labels, colour bar."""
from __future__ import annotations

import numpy as np

from . import result
from .style import halo
from .style import THRESHOLD_COLOURS, THRESHOLD_STYLES, cmap, number


def log_mesh(ax, ds, values, limits, colours: str, gid: str):
    """Cells at or above the lower limit, coloured on a log scale; lower cells stay transparent."""
    from matplotlib.colors import LogNorm

    vmin, vmax = limits
    shown = np.ma.masked_less(np.ma.masked_invalid(values), vmin)
    return ax.pcolormesh(result.cell_edges(ds.x.values), result.cell_edges(ds.y.values), shown,
                         norm=LogNorm(vmin=vmin, vmax=vmax), cmap=cmap(colours), transform=ax.projection,
                         zorder=2, gid=gid, shading="flat", rasterized=True)


def threshold_contours(ax, ds, values, thresholds, unit: str, labels_per_level: int = 2):
    """Contours at the thresholds that the field reaches, labelled with value and unit, and their legend
    handles (every threshold, reached or not, so the reader sees which were not).

    Patchy plumes make many small pieces of each contour; a label on each would pile up, so each level
    keeps a few labels, spread apart, drawn over the line (not cut into it) with a white halo.
    """
    from matplotlib.lines import Line2D

    thresholds = np.asarray(thresholds, dtype=float)
    peak = float(np.nanmax(values)) if np.size(values) else 0.0
    reached = thresholds[thresholds <= peak]
    handles = []
    for i, level in enumerate(thresholds):
        note = "" if level <= peak else " (not reached)"
        handles.append(Line2D([], [], color=THRESHOLD_COLOURS[i % 5], linestyle=THRESHOLD_STYLES[i % 5],
                              linewidth=0.9, label=f"{number(level)} {unit}{note}"))
    if reached.size == 0:
        return None, handles
    n = len(reached)
    cs = ax.contour(ds.x.values, ds.y.values, np.nan_to_num(values), levels=reached,
                    colors=THRESHOLD_COLOURS[:n], linestyles=THRESHOLD_STYLES[:n], linewidths=0.8,
                    transform=ax.projection, zorder=7)
    cs.set_gid("threshold-contours")
    names = {level: f"{number(level)} {unit}" for level in reached}
    ax.clabel(cs, fmt=names, fontsize=5.5, inline=False)
    labels = list(zip(cs.labelTexts, cs.labelCValues, cs.labelXYs))
    x0, x1, y0, y1 = result.extent_m(ds)
    apart = 0.1 * max(x1 - x0, y1 - y0)  # a second label of a level only this far from the others
    pools = {level: [item for item in labels if item[0].get_text() == names[level]] for level in reached}
    kept = []
    for round_ in range(labels_per_level):  # one label per level first, then the extras, each far from the rest
        for level in reached:
            if not pools[level]:
                continue
            placed = [item[0].get_position() for item in kept]
            best = max(pools[level], key=lambda item: _room(item[0].get_position(), placed))
            if round_ > 0 and _room(best[0].get_position(), placed) < apart:
                continue
            pools[level].remove(best)
            kept.append(best)
    for text, _, _ in labels:
        if all(text is not k[0] for k in kept):
            text.remove()
    for text, _, _ in kept:
        text.set_path_effects(halo(1.2))
        text.set_fontweight("bold")
    cs.labelTexts = [k[0] for k in kept]
    cs.labelCValues = [k[1] for k in kept]
    cs.labelXYs = [k[2] for k in kept]
    return cs, handles


def _room(xy, placed) -> float:
    """Distance from xy to the nearest of the placed points (infinite when none)."""
    if not placed:
        return np.inf
    d = np.asarray(placed, dtype=float) - np.asarray(xy, dtype=float)
    return float(np.hypot(d[:, 0], d[:, 1]).min())


def colour_bar(fig, mesh, label: str, contours=None, **kwargs):
    cb = fig.colorbar(mesh, extend="min", **kwargs)
    cb.set_label(label)
    cb.ax.tick_params(labelsize=6)
    if contours is not None:
        cb.add_lines(contours)  # the thresholds marked on the scale too
    return cb
