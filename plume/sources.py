"""Sources -> release schedule: when, where and with how much mass each particle enters the water.

Particles split each source's released mass by `mass_fraction` across the
sediment classes and equally within a class. Continuous sources release their
particles evenly over [start, stop]; the solver releases each particle at the
first step that begins at or after its release time.

A collector's particles follow the vehicle along its track (lawnmower lanes or
waypoints); with a ``near_field`` block they are spread over the turbidity current it
makes (plume.nearfield). A discharge with an ``outlet`` starts its particles where its
buoyant jet traps (plume.midwater). Random offsets come from one generator seeded by
``particles.seed``, so a seed gives the same schedule.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import midwater, nearfield
from .errors import ScenarioError
from .kernels.interpolate import seabed_depth_many
from .sediment import settling_speeds


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
    track = collector.track
    if getattr(track, "waypoints_m", None) is not None:
        return np.asarray(track.waypoints_m, dtype=float)
    return lawnmower_vertices(track)


def _leg_directions(vertices: np.ndarray) -> np.ndarray:
    """Unit vector of each leg; a zero-length leg (a pause) takes its neighbour's direction."""
    legs = np.diff(vertices, axis=0)
    length = np.hypot(legs[:, 0], legs[:, 1])
    moving = np.flatnonzero(length > 0)
    if moving.size == 0:
        return np.tile([0.0, 1.0], (legs.shape[0], 1))
    nearest = moving[np.clip(np.searchsorted(moving, np.arange(legs.shape[0])), 0, moving.size - 1)]
    return legs[nearest] / length[nearest, None]


def vehicle_path(collector, times_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the vehicle is at ``times_s`` (n, 2) and the unit vector to its right, across the track (n, 2).

    With ``times_h`` it is at waypoint i at times_h[i], at a constant speed in between;
    otherwise it drives at ``speed_m_s`` from ``start_h``, back and forth along the polyline.
    """
    track = collector.track
    vertices = track_vertices(collector)
    times_h = getattr(track, "times_h", None)
    if times_h is not None:
        t_h = np.asarray(times_s, dtype=float) / 3600.0
        xy = np.stack([np.interp(t_h, times_h, vertices[:, 0]), np.interp(t_h, times_h, vertices[:, 1])], axis=-1)
        leg = np.searchsorted(np.asarray(times_h, dtype=float), t_h, side="right") - 1
    else:
        distance = track.speed_m_s * (np.asarray(times_s, dtype=float) - collector.start_h * 3600.0)
        d, cumulative = _distance_on_track(vertices, distance)
        xy = _point_at(vertices, cumulative, d)
        leg = np.searchsorted(cumulative, d, side="right") - 1
    if getattr(track, "waypoints_m", None) is None:  # lawnmower: across the lanes, as ever
        h = np.radians(track.heading_deg)
        right = np.tile([np.cos(h), -np.sin(h)], (xy.shape[0], 1))
    else:
        forward = _leg_directions(vertices)[np.clip(leg, 0, vertices.shape[0] - 2)]
        right = np.stack([forward[:, 1], -forward[:, 0]], axis=-1)
    return xy, right


def _distance_on_track(vertices: np.ndarray, distance_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distance from the first vertex, cumulative vertex distances) after driving `distance_m`:
    past its end the vehicle drives the polyline back again."""
    legs = np.diff(vertices, axis=0)
    cumulative = np.concatenate([[0.0], np.cumsum(np.hypot(legs[:, 0], legs[:, 1]))])
    total = cumulative[-1]
    d = np.mod(distance_m, 2.0 * total)
    return np.where(d > total, 2.0 * total - d, d), cumulative


def _point_at(vertices: np.ndarray, cumulative: np.ndarray, d: np.ndarray) -> np.ndarray:
    return np.stack([np.interp(d, cumulative, vertices[:, 0]), np.interp(d, cumulative, vertices[:, 1])], axis=-1)


def position_along(vertices: np.ndarray, distance_m: np.ndarray) -> np.ndarray:
    """Points at the given distances along a polyline; past its end the vehicle drives it back again."""
    d, cumulative = _distance_on_track(vertices, distance_m)
    return _point_at(vertices, cumulative, d)


def _release_times(source, n: int) -> np.ndarray:
    start, stop = source.start_h * 3600.0, source.stop_h * 3600.0
    if stop <= start:
        return np.full(n, start)
    return start + (np.arange(n) + 0.5) / n * (stop - start)


def mass_weighted_settling_m_s(scenario) -> float:
    """Mean settling speed of the released sediment, weighted by mass fraction."""
    fractions = np.array([c.mass_fraction for c in scenario.sediment.classes], dtype=float)
    return float(np.dot(fractions, settling_speeds(scenario.sediment)) / fractions.sum())


def collector_current(scenario, index: int) -> nearfield.TurbidityCurrent:
    """The turbidity current of collector ``sources[index]`` (its near_field must be turbidity_current)."""
    source = scenario.sources[index]
    nf = source.near_field
    flow = nf.discharge_flow_m3_s if nf.discharge_flow_m3_s is not None \
        else source.rate_kg_s / nf.discharge_concentration_kg_m3
    sed = scenario.sediment
    speed = source.track.speed_m_s
    if speed is None:  # a timed waypoint track: its mean speed
        vertices = track_vertices(source)
        length = float(np.sum(np.hypot(*np.diff(vertices, axis=0).T)))
        speed = max(length / ((source.track.times_h[-1] - source.track.times_h[0]) * 3600.0), 1e-6)
    return nearfield.turbidity_current(
        source.rate_kg_s, flow, source.release_width_m, speed, sed.grain_density_kg_m3,
        sed.water_density_kg_m3, mass_weighted_settling_m_s(scenario), nf.froude_number,
        nf.carrier_density_excess_kg_m3)


def _collector_spread(scenario, index: int):
    """(height bounds, mass fractions, cross-track half-width) of a collector's release."""
    source = scenario.sources[index]
    nf = source.near_field
    at = f"sources[{index}].near_field"
    if nf is None:  # today's release: one height, evenly across the release width
        return None
    if nf.model == "given":
        width = source.release_width_m if nf.width_m is None else nf.width_m
        return nf.height_m, nf.mass_fraction, 0.5 * width
    sed = scenario.sediment
    if sed.grain_density_kg_m3 <= sed.water_density_kg_m3 and nf.carrier_density_excess_kg_m3 <= 0:
        raise ScenarioError(f"{at}: the discharge is not denser than the water (sediment.grain_density_kg_m3 "
                            f"{sed.grain_density_kg_m3:g} <= water_density_kg_m3 {sed.water_density_kg_m3:g}); "
                            "use model: given")
    current = collector_current(scenario, index)
    if nf.run_out_m is not None:
        half_width = 0.5 * source.release_width_m + nf.run_out_m
    elif not np.isfinite(current.half_width_m):
        raise ScenarioError(f"{at}.run_out_m: required when every sediment class has a zero settling speed "
                            "(the run-out is set by settling)")
    else:
        half_width = current.half_width_m
    if nf.lofted_fraction > 0 and nf.lofted_height_m <= current.height_m:
        raise ScenarioError(f"{at}.lofted_height_m: must be above the current's height ({current.height_m:.3g} m), "
                            f"got {nf.lofted_height_m:g}")
    bounds, fractions = nearfield.current_layers(current.height_m, nf.lofted_fraction, nf.lofted_height_m)
    return bounds, fractions, half_width


def _collector_positions(source, times_s, seabed, rng, spread):
    xy, right = vehicle_path(source, times_s)
    n = times_s.size
    if spread is None:
        offset = rng.uniform(-0.5, 0.5, n) * source.release_width_m
        height = source.release_height_m
    else:
        bounds, fractions, half_width = spread
        height = nearfield.layered_heights(bounds, fractions, n, rng)
        offset = nearfield.cross_track_offsets(half_width, n, rng)
    x = xy[:, 0] + offset * right[:, 0]
    y = xy[:, 1] + offset * right[:, 1]
    z = -seabed_depth_many(seabed, x, y) + height
    return x, y, z


def _outlet_depth(source, index, seabed) -> tuple[float, float]:
    """(outlet depth, seabed depth there) in m, checked to lie in the water."""
    local_depth = float(seabed_depth_many(seabed, np.array([float(source.position_m[0])]),
                                          np.array([float(source.position_m[1])]))[0])
    if source.depth_m is not None:
        if source.depth_m >= local_depth:
            raise ScenarioError(
                f"sources[{index}].depth_m: {source.depth_m:g} m is at or below the seabed "
                f"({local_depth:.1f} m deep at position_m {list(source.position_m)})"
            )
        return float(source.depth_m), local_depth
    depth = local_depth - float(source.height_above_bed_m)
    if depth <= 0.0:
        raise ScenarioError(
            f"sources[{index}].height_above_bed_m: {source.height_above_bed_m:g} m puts the "
            f"release above the sea surface ({local_depth:.1f} m deep there)"
        )
    return depth, local_depth


def discharge_jet(scenario, index: int, seabed) -> midwater.JetResult:
    """The buoyant jet of discharge ``sources[index]`` (its outlet must be given)."""
    source = scenario.sources[index]
    outlet = source.outlet
    depth, local_depth = _outlet_depth(source, index, seabed)
    column = scenario.water_column
    rho_ambient = float(midwater.ambient_density(depth, column.depth_m, column.density_kg_m3))
    excess = midwater.sediment_density_excess(source.rate_kg_s / outlet.flow_m3_s,
                                              scenario.sediment.grain_density_kg_m3, rho_ambient)
    return midwater.buoyant_jet(depth, outlet.diameter_m, outlet.flow_m3_s,
                                excess + outlet.carrier_density_excess_kg_m3, outlet.direction,
                                column.depth_m, column.density_kg_m3, outlet.entrainment, local_depth)


def _discharge_positions(source, index, n, seabed, rng, jet):
    x0, y0 = float(source.position_m[0]), float(source.position_m[1])
    if jet is None:
        depth, _ = _outlet_depth(source, index, seabed)
        return np.full(n, x0), np.full(n, y0), np.full(n, -depth)
    azimuth = np.radians(source.outlet.azimuth_deg)
    cx = x0 + jet.horizontal_offset_m * np.sin(azimuth)
    cy = y0 + jet.horizontal_offset_m * np.cos(azimuth)
    # evenly over the jet's cross-section at the trap, and over the spreading layer's thickness
    r = jet.radius_m * np.sqrt(rng.uniform(0.0, 1.0, n))
    theta = rng.uniform(0.0, 2.0 * np.pi, n)
    z = -(jet.trap_depth_m + rng.uniform(-0.5, 0.5, n) * jet.thickness_m)
    return cx + r * np.cos(theta), cy + r * np.sin(theta), np.minimum(z, -1e-3)


def discharge_jets(scenario, seabed) -> list:
    """The buoyant jet (plume.midwater.JetResult) of each source: None for collectors and for discharges
    without an outlet (their particles start at the outlet itself)."""
    return [discharge_jet(scenario, index, seabed)
            if source.kind == "discharge" and getattr(source, "outlet", None) is not None else None
            for index, source in enumerate(scenario.sources)]


def release_schedule(scenario, seabed, jets=None) -> ReleaseSchedule:
    """All particles of a scenario, sorted by release time (stable, so the order is reproducible).
    `jets` are the sources' discharge_jets when the caller has them already."""
    sources = scenario.sources
    fractions = np.array([c.mass_fraction for c in scenario.sediment.classes])
    released_classes = fractions > 0  # a class with no released mass (a floc class) only gains by flocculation
    n_classes = int(np.count_nonzero(released_classes))
    count = scenario.particles.count
    if count < len(sources) * n_classes:
        raise ScenarioError(
            f"particles.count: {count} is fewer than the {len(sources) * n_classes} "
            "source x sediment-class pairs; each needs at least one particle"
        )
    masses = np.array([source_mass_kg(s) for s in sources])
    per_source = split_count(count, masses, minimum=n_classes)
    rng = np.random.default_rng(scenario.particles.seed)
    jets = discharge_jets(scenario, seabed) if jets is None else jets

    parts = []
    for s_index, (source, n_source) in enumerate(zip(sources, per_source)):
        per_class = np.zeros(fractions.size, dtype=np.int64)
        per_class[released_classes] = split_count(int(n_source), fractions[released_classes])
        if source.kind == "collector":
            spread = _collector_spread(scenario, s_index)
        else:
            jet = jets[s_index]
        for c_index, n in enumerate(per_class):
            n = int(n)
            if n == 0:
                continue
            times = _release_times(source, n)
            if source.kind == "collector":
                x, y, z = _collector_positions(source, times, seabed, rng, spread)
            else:
                x, y, z = _discharge_positions(source, s_index, n, seabed, rng, jet)
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
