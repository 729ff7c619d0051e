"""Sources -> release schedule: when, where and with how much mass each particle enters the water.

Particles split each source's released mass by `mass_fraction` across the
sediment classes and equally within a class. Continuous sources release their
particles evenly over [start, stop]; the solver releases each particle at the
first step that begins at or after its release time.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import ScenarioError
from .kernels.interpolate import seabed_depth_many


@dataclass(frozen=True)
class ReleaseSchedule:
    """Particles in release order (the index is the particle id)."""

    time_s: np.ndarray  # float64, non-decreasing, seconds since the run's start
    x_m: np.ndarray
    y_m: np.ndarray
    z_m: np.ndarray  # elevation, negative below the surface
    mass_kg: np.ndarray
    class_index: np.ndarray  # int16
    source_index: np.ndarray  # int16

    @property
    def count(self) -> int:
        return self.time_s.size


def source_mass_kg(source) -> float:
    """Total mass a source releases over the run."""
    if getattr(source, "mass_kg", None) is not None:
        return float(source.mass_kg)
    return float(source.rate_kg_s) * (source.stop_h - source.start_h) * 3600.0


def split_count(total: int, weights, minimum: int = 1) -> np.ndarray:
    """Split an integer into parts proportional to weights (largest remainder), each at least `minimum`."""
    weights = np.asarray(weights, dtype=float)
    n = weights.size
    spare = total - minimum * n
    share = spare * weights / weights.sum()
    parts = np.floor(share).astype(np.int64)
    order = np.argsort(-(share - parts), kind="stable")
    parts[order[: spare - parts.sum()]] += 1
    return parts + minimum


def lawnmower_vertices(track) -> np.ndarray:
    """Corner points (m) of a lawnmower track: lanes along the heading, each next lane to its right."""
    heading = np.radians(track.heading_deg)
    forward = np.array([np.sin(heading), np.cos(heading)])
    right = np.array([np.cos(heading), -np.sin(heading)])
    points = [np.asarray(track.origin_m, dtype=float)]
    for lane in range(track.lanes):
        direction = forward if lane % 2 == 0 else -forward
        points.append(points[-1] + track.lane_length_m * direction)
        if lane < track.lanes - 1 and track.lane_spacing_m > 0:
            points.append(points[-1] + track.lane_spacing_m * right)
    return np.array(points)


def track_vertices(collector) -> np.ndarray:
    """The (n, 2) polyline (x, y in m) a collector drives, in driving order."""
    return lawnmower_vertices(collector.track)


def position_along(vertices: np.ndarray, distance_m: np.ndarray) -> np.ndarray:
    """Points at the given distances along a polyline; past its end the vehicle drives it back again."""
    legs = np.diff(vertices, axis=0)
    leg_length = np.hypot(legs[:, 0], legs[:, 1])
    cumulative = np.concatenate([[0.0], np.cumsum(leg_length)])
    total = cumulative[-1]
    d = np.mod(distance_m, 2.0 * total)
    d = np.where(d > total, 2.0 * total - d, d)  # back and forth along the same track
    x = np.interp(d, cumulative, vertices[:, 0])
    y = np.interp(d, cumulative, vertices[:, 1])
    return np.stack([x, y], axis=-1)


def _release_times(source, n: int) -> np.ndarray:
    start, stop = source.start_h * 3600.0, source.stop_h * 3600.0
    if stop <= start:
        return np.full(n, start)
    return start + (np.arange(n) + 0.5) / n * (stop - start)


def _collector_positions(source, times_s, seabed, rng):
    track = source.track
    xy = position_along(track_vertices(source), track.speed_m_s * (times_s - source.start_h * 3600.0))
    heading = np.radians(track.heading_deg)
    offset = rng.uniform(-0.5, 0.5, times_s.size) * source.release_width_m
    x = xy[:, 0] + offset * np.cos(heading)
    y = xy[:, 1] - offset * np.sin(heading)
    z = -seabed_depth_many(seabed, x, y) + source.release_height_m
    return x, y, z


def _discharge_positions(source, index, n, seabed):
    x = np.full(n, float(source.position_m[0]))
    y = np.full(n, float(source.position_m[1]))
    local_depth = seabed_depth_many(seabed, x[:1], y[:1])[0]
    if source.depth_m is not None:
        if source.depth_m >= local_depth:
            raise ScenarioError(
                f"sources[{index}].depth_m: {source.depth_m:g} m is at or below the seabed "
                f"({local_depth:.1f} m deep at position_m {list(source.position_m)})"
            )
        z = np.full(n, -float(source.depth_m))
    else:
        z = np.full(n, -local_depth + float(source.height_above_bed_m))
        if z[0] >= 0.0:
            raise ScenarioError(
                f"sources[{index}].height_above_bed_m: {source.height_above_bed_m:g} m puts the "
                f"release above the sea surface ({local_depth:.1f} m deep there)"
            )
    return x, y, z


def release_schedule(scenario, seabed) -> ReleaseSchedule:
    """All particles of a scenario, sorted by release time (stable, so the order is reproducible)."""
    sources = scenario.sources
    fractions = np.array([c.mass_fraction for c in scenario.sediment.classes])
    n_classes = fractions.size
    count = scenario.particles.count
    if count < len(sources) * n_classes:
        raise ScenarioError(
            f"particles.count: {count} is fewer than the {len(sources) * n_classes} "
            "source x sediment-class pairs; each needs at least one particle"
        )
    masses = np.array([source_mass_kg(s) for s in sources])
    per_source = split_count(count, masses, minimum=n_classes)
    rng = np.random.default_rng(scenario.particles.seed)

    parts = []
    for s_index, (source, n_source) in enumerate(zip(sources, per_source)):
        per_class = split_count(int(n_source), fractions)
        for c_index, n in enumerate(per_class):
            n = int(n)
            times = _release_times(source, n)
            if source.kind == "collector":
                x, y, z = _collector_positions(source, times, seabed, rng)
            else:
                x, y, z = _discharge_positions(source, s_index, n, seabed)
            mass = np.full(n, masses[s_index] * fractions[c_index] / n)
            parts.append([times, x, y, z, mass, np.full(n, c_index, np.int16), np.full(n, s_index, np.int16)])

    # one column at a time, dropping the pieces as we go: peak memory stays near one copy of the state
    order = None
    columns = []
    for c in range(len(parts[0])):
        column = np.concatenate([part[c] for part in parts])
        for part in parts:
            part[c] = None
        if order is None:
            order = np.argsort(column, kind="stable")
        columns.append(np.ascontiguousarray(column[order]))
        del column
    return ReleaseSchedule(*columns)
