"""The mined footprint: the seabed swept by the collectors, and how much of each cell it covers.

Every deposit area includes the ground the collectors drove over, which is disturbed by the
mining itself whatever happens to the plume; an impact assessment asks what lies outside it.
The footprint is each collector's track polyline (stored in the result: ``track_x``,
``track_y``, ``track_source``) widened by half its ``release_width_m`` on each side, the
width over which the vehicle works the seabed (read from the scenario the result carries in
its ``scenario`` attribute). The area of a cell outside the footprint is its area times the
fraction of it that the footprint does not cover, so thresholds and masses outside the
footprint do not depend on whether a narrow track happens to cross cell centres.
"""
from __future__ import annotations

import numpy as np


def collector_widths_m(ds) -> np.ndarray:
    """Per source, the width (m) each collector sweeps (its ``release_width_m``; 0 for a
    discharge, or when the result does not carry its scenario)."""
    import yaml

    names = [str(n) for n in ds["source_name"].values] if "source_name" in ds.variables else []
    widths = np.zeros(len(names))
    try:
        scenario = yaml.safe_load(ds.attrs.get("scenario", "")) or {}
        sources = {str(s.get("name")): s for s in scenario.get("sources", []) if isinstance(s, dict)}
    except (yaml.YAMLError, AttributeError, TypeError):
        return widths
    for i, name in enumerate(names):
        source = sources.get(name, {})
        if source.get("kind") == "collector":
            try:
                widths[i] = max(float(source.get("release_width_m") or 0.0), 0.0)
            except (TypeError, ValueError):
                widths[i] = 0.0
    return widths


def footprint(ds):
    """The swept area as a shapely geometry in the local frame (m); empty without collectors."""
    import shapely
    from shapely.geometry import LineString, Point

    if not all(v in ds.variables for v in ("track_x", "track_y", "track_source")):
        return shapely.geometry.GeometryCollection()
    widths = collector_widths_m(ds)
    owner = np.asarray(ds["track_source"].values, dtype=int)
    x, y = np.asarray(ds["track_x"].values, float), np.asarray(ds["track_y"].values, float)
    parts = []
    for source in np.unique(owner):
        half = 0.5 * (widths[source] if source < widths.size else 0.0)
        if half <= 0:
            continue
        points = np.column_stack([x[owner == source], y[owner == source]])
        line = LineString(points) if len(points) > 1 else Point(points[0])
        parts.append(line.buffer(half, cap_style="flat", join_style="mitre") if len(points) > 1
                     else line.buffer(half))
    return shapely.union_all(parts) if parts else shapely.geometry.GeometryCollection()


def covered_fraction(ds, swept=None) -> np.ndarray:
    """(y, x) fraction of each cell's area inside the footprint (0 to 1)."""
    import shapely

    swept = footprint(ds) if swept is None else swept
    xc, yc = np.asarray(ds["x"].values, float), np.asarray(ds["y"].values, float)
    fraction = np.zeros((yc.size, xc.size))
    if swept.is_empty or xc.size < 2 or yc.size < 2:
        return fraction
    hx, hy = 0.5 * abs(xc[1] - xc[0]), 0.5 * abs(yc[1] - yc[0])
    x0, y0, x1, y1 = swept.bounds
    cols = np.flatnonzero((xc + hx > x0) & (xc - hx < x1))  # only the cells under the footprint's box
    rows = np.flatnonzero((yc + hy > y0) & (yc - hy < y1))
    if cols.size == 0 or rows.size == 0:
        return fraction
    jj, ii = np.meshgrid(rows, cols, indexing="ij")
    boxes = shapely.box(xc[ii] - hx, yc[jj] - hy, xc[ii] + hx, yc[jj] + hy)
    shapely.prepare(swept)
    covered = shapely.area(shapely.intersection(boxes, swept)) / (4 * hx * hy)
    fraction[jj, ii] = np.clip(covered, 0.0, 1.0)
    return fraction
