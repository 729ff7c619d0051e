"""Where the mining happens: source geometry, and horizontal distances from it.

A collector is its track polyline (the lanes it drives); a discharge is its
outlet point. Distances are horizontal, in the local x/y frame (m).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# cells x segments handled per block when measuring distances: bounds the temporary arrays (~100 MB)
_BLOCK_ELEMENTS = 4_000_000


@dataclass(frozen=True)
class SourceGeometry:
    """Per source (name, kind, reference point, nodule rate, window) and the track points of collectors."""

    name: list[str]
    kind: list[str]
    x_m: np.ndarray  # discharge position or track start
    y_m: np.ndarray
    nodule_rate_kg_s: np.ndarray  # NaN where not given
    start_s: np.ndarray
    stop_s: np.ndarray
    track_x_m: np.ndarray  # (n_points,), all collectors' polylines one after another
    track_y_m: np.ndarray
    track_source: np.ndarray  # (n_points,) index of the source each point belongs to


def source_geometry(scenario) -> SourceGeometry:
    from ..sources import track_vertices

    names, kinds, xs, ys, rates, starts, stops = [], [], [], [], [], [], []
    tx, ty, owner = [], [], []
    for index, source in enumerate(scenario.sources):
        names.append(str(source.name))
        kinds.append(str(source.kind))
        if source.kind == "collector":
            vertices = np.asarray(track_vertices(source), dtype=float)
            xs.append(vertices[0, 0])
            ys.append(vertices[0, 1])
            tx.append(vertices[:, 0])
            ty.append(vertices[:, 1])
            owner.append(np.full(len(vertices), index, dtype=np.int32))
        else:
            xs.append(float(source.position_m[0]))
            ys.append(float(source.position_m[1]))
        rate = getattr(source, "nodule_rate_kg_s", None)
        rates.append(np.nan if rate is None else float(rate))
        starts.append(float(source.start_h) * 3600.0)
        stops.append(float(source.stop_h) * 3600.0)
    join = (lambda parts, dtype: np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype))
    return SourceGeometry(names, kinds, np.array(xs), np.array(ys), np.array(rates), np.array(starts),
                          np.array(stops), join(tx, float), join(ty, float), join(owner, np.int32))


def segments_from_points(x, y, owner) -> tuple[np.ndarray, np.ndarray]:
    """Segment end points (a, b), each (n, 2), joining consecutive points of the same polyline."""
    x, y, owner = (np.asarray(v) for v in (x, y, owner))
    same = owner[1:] == owner[:-1]
    a = np.stack([x[:-1][same], y[:-1][same]], axis=1)
    b = np.stack([x[1:][same], y[1:][same]], axis=1)
    return a.reshape(-1, 2), b.reshape(-1, 2)


def distance_to_segments(px, py, a, b) -> np.ndarray:
    """Distance (m) from each point (px, py) to the nearest of the segments a[i] -> b[i].

    A zero-length segment is a point. Vectorised, in blocks of points so memory stays bounded.
    """
    px = np.asarray(px, dtype=float)
    py = np.asarray(py, dtype=float)
    shape = np.broadcast(px, py).shape
    points = np.stack([np.broadcast_to(px, shape).ravel(), np.broadcast_to(py, shape).ravel()], axis=1)
    a = np.asarray(a, dtype=float).reshape(-1, 2)
    b = np.asarray(b, dtype=float).reshape(-1, 2)
    out = np.full(points.shape[0], np.inf)
    if a.shape[0] == 0:
        return out.reshape(shape)
    ab = b - a
    length2 = np.einsum("ij,ij->i", ab, ab)
    safe = np.where(length2 > 0, length2, 1.0)
    block = max(1, _BLOCK_ELEMENTS // a.shape[0])
    for start in range(0, points.shape[0], block):
        p = points[start:start + block, None, :]  # (m, 1, 2)
        ap = p - a[None]  # (m, s, 2)
        # the foot of the perpendicular, clamped to the segment
        s = np.clip(np.einsum("msk,sk->ms", ap, ab) / safe, 0.0, 1.0)
        s = np.where(length2 > 0, s, 0.0)
        d = ap - s[..., None] * ab[None]
        out[start:start + block] = np.sqrt(np.min(np.einsum("msk,msk->ms", d, d), axis=1))
    return out.reshape(shape)


def distance_to_sources(px, py, source_kind, source_x, source_y, track_x, track_y, track_source) -> np.ndarray:
    """Distance (m) to the nearest collector track or discharge point."""
    a, b = segments_from_points(track_x, track_y, track_source)
    kinds = np.asarray(source_kind).astype(str)
    has_track = np.zeros(kinds.size, dtype=bool)
    has_track[np.unique(np.asarray(track_source, dtype=int))] = True
    # discharges (and any source without a polyline) count as points: zero-length segments
    alone = ~has_track | (kinds != "collector")
    points = np.stack([np.asarray(source_x, float)[alone], np.asarray(source_y, float)[alone]], axis=1)
    return distance_to_segments(px, py, np.concatenate([a, points]), np.concatenate([b, points]))


def distance_field(ds) -> np.ndarray:
    """(y, x) distance (m) from each cell centre of a result dataset to the nearest source."""
    xx, yy = np.meshgrid(ds["x"].values, ds["y"].values)
    return distance_to_sources(xx, yy, ds["source_kind"].values, ds["source_x"].values, ds["source_y"].values,
                               ds["track_x"].values, ds["track_y"].values, ds["track_source"].values)
