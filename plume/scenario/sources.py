"""Scenario models of the sediment sources: collector tracks and fixed discharges."""
import math
from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from .errors import fail, show
from .environment import DECADE_H
from .values import MAX_DEPTH_M, MAX_DISTANCE_M, PointM, Text, exactly_one, is_increasing, StrictModel, integer, num

# Physical ranges (docs/scenario_ranges.md): far beyond any mining system, so only a slip is refused.
MAX_RATE_KG_S = 1.0e5  # pilot collectors release 1-100 kg/s of sediment; a full-scale riser tailings flow 10-100
MAX_MASS_KG = 1.0e12  # a million tonnes per release, beyond any planned operation's total
MAX_RELEASE_HEIGHT_M = 1000.0  # collectors release within metres of the bed (Munoz-Royo et al. 2022)
MAX_RELEASE_WIDTH_M = 10_000.0  # collector heads are 2-20 m wide
MAX_VEHICLE_SPEED_M_S = 10.0  # seabed collectors drive at 0.2-1 m/s


class Track(StrictModel):
    """A collector's path, of one of two kinds.

    Lawnmower (``lane_length_m`` given): ``lanes`` parallel lanes of ``lane_length_m`` from
    ``origin_m`` (x, y in m) along ``heading_deg`` (compass, clockwise from north), each next
    lane ``lane_spacing_m`` to the right of the previous one, driven at ``speed_m_s``.

    Waypoints (``waypoints_m`` given): the vehicle drives the polyline ``[[x, y], ...]`` (m)
    either at ``speed_m_s`` or arriving at waypoint i at ``times_h[i]`` (hours since the start
    of the run, increasing; piecewise-constant speed). At a constant speed, as on a
    lawnmower track, a vehicle that reaches the end drives the track back again.
    """

    origin_m: PointM | None = Field(
        None, description="Start of a lawnmower track's first lane, [x, y] in the local frame.")
    heading_deg: num(ge=-360, le=360) | None = Field(
        None, description="Direction of the first lane (compass, clockwise from north); default 0.")
    lanes: integer(ge=1, le=100_000) | None = Field(None, description="Number of parallel lanes; default 1.")
    lane_length_m: num(gt=0, le=MAX_DISTANCE_M) | None = Field(
        None, description="Length of each lane; gives a lawnmower track (or give waypoints_m).")
    lane_spacing_m: num(ge=0, le=MAX_DISTANCE_M) | None = Field(
        None, description="Distance from one lane to the next, to the right of the previous one; default 0.")
    waypoints_m: list[PointM] | None = Field(
        default=None, min_length=2, max_length=100_000,
        description="Polyline [[x, y], ...] the vehicle drives; gives a waypoint track.")
    speed_m_s: num(gt=0, le=MAX_VEHICLE_SPEED_M_S) | None = Field(
        None, description="Vehicle speed; at a constant speed a vehicle at the track's end drives it back.")
    times_h: list[num(ge=0, le=DECADE_H)] | None = Field(
        None, description="Arrival time at each waypoint, hours from the start (waypoint tracks only; increasing).")

    @model_validator(mode="after")
    def _one_kind(self) -> "Track":
        exactly_one(self, "lane_length_m", "waypoints_m")
        if self.waypoints_m is None:
            if self.origin_m is None:
                raise fail("required key missing (a lawnmower track starts there)", at=["origin_m"])
            if self.times_h is not None:
                raise fail("is only for a waypoint track (waypoints_m); give speed_m_s", at=["times_h"])
            if self.speed_m_s is None:
                raise fail("required key missing", at=["speed_m_s"])
            self.heading_deg = 0.0 if self.heading_deg is None else self.heading_deg
            self.lanes = 1 if self.lanes is None else self.lanes
            self.lane_spacing_m = 0.0 if self.lane_spacing_m is None else self.lane_spacing_m
            return self
        for key in ("origin_m", "heading_deg", "lanes", "lane_spacing_m"):
            if getattr(self, key) is not None:
                raise fail("is only for a lawnmower track (lane_length_m); a waypoint track is "
                           "given by waypoints_m alone", at=[key])
        exactly_one(self, "speed_m_s", "times_h")
        points = self.waypoints_m
        if self.times_h is not None:
            if len(self.times_h) != len(points):
                raise fail(f"must have one time per waypoint ({len(points)}), got {len(self.times_h)}",
                           at=["times_h"])
            if not is_increasing(self.times_h):
                raise fail(f"must be strictly increasing, got {show(self.times_h)}", at=["times_h"])
        elif all(p == points[0] for p in points):
            raise fail("the waypoints are all the same point: nothing to drive at speed_m_s",
                       at=["waypoints_m"])
        return self

    @property
    def kind(self) -> str:
        return "lawnmower" if self.waypoints_m is None else "waypoints"

    def corners(self) -> list[tuple[float, float]]:
        """Points whose convex hull holds the whole track (x, y in m): for a lawnmower the four
        corners of the area swept by the lanes, for a waypoint track every waypoint."""
        if self.waypoints_m is not None:
            return [tuple(p) for p in self.waypoints_m]
        h = math.radians(self.heading_deg)
        along = (math.sin(h), math.cos(h))  # unit vector of the heading, x east, y north
        right = (math.cos(h), -math.sin(h))  # 90 degrees clockwise of the heading
        x0, y0 = self.origin_m
        width = (self.lanes - 1) * self.lane_spacing_m
        return [(x0 + a * self.lane_length_m * along[0] + b * width * right[0],
                 y0 + a * self.lane_length_m * along[1] + b * width * right[1])
                for a in (0, 1) for b in (0, 1)]


class TurbidityCurrentNearField(StrictModel):
    """The collector's discharge collapses into a turbidity current on the bed
    (see plume/nearfield.py and docs/sources.md for the formulas and their sources).

    The discharge carries the collector's ``rate_kg_s`` of sediment in
    ``discharge_flow_m3_s`` of water (or at ``discharge_concentration_kg_m3``) out over the
    collector's ``release_width_m``. ``lofted_fraction`` of the mass (default 0.05: 2-8 %
    rose 2 m or more above the bed in the 2021 CCZ trials, Munoz-Royo et al. 2022) is
    lofted between the current's top and ``lofted_height_m``; ``run_out_m`` overrides the
    lateral run-out computed from the settling speed of the classes.
    """

    model: Literal["turbidity_current"] = Field(
        description="turbidity_current: the discharge collapses into a turbidity current on the bed.")
    discharge_flow_m3_s: num(gt=0, le=1000) | None = Field(
        None, description="Water flow of the discharge; give this or discharge_concentration_kg_m3.")
    discharge_concentration_kg_m3: num(gt=0, le=2000) | None = Field(
        None, description="Sediment concentration of the discharge.")
    carrier_density_excess_kg_m3: num(ge=0, le=100) = Field(
        0.0, description="Excess density of the carrier water over the ambient water.")
    # Huppert & Simpson (1980): a current thin against the depth
    froude_number: num(gt=0, le=2) = Field(
        1.19, description="Densimetric Froude number of the current's front (1.19: Huppert & Simpson 1980).")
    lofted_fraction: num(ge=0, lt=1) = Field(
        0.05, description="Share of the mass lofted above the current (2-8 % rose 2 m or more in the 2021 CCZ trials, "
                          "Munoz-Royo et al. 2022).")
    lofted_height_m: num(gt=0, le=1000) = Field(
        5.0, description="Height above the bed up to which the lofted mass is spread.")
    run_out_m: num(ge=0, le=MAX_DISTANCE_M) | None = Field(
        None, description="Lateral run-out of the current; null: computed from the classes' settling speeds.")

    @model_validator(mode="after")
    def _one_flux(self) -> "TurbidityCurrentNearField":
        exactly_one(self, "discharge_flow_m3_s", "discharge_concentration_kg_m3")
        return self


class GivenNearField(StrictModel):
    """The collector's initial plume given directly: ``mass_fraction[k]`` of the mass spread
    evenly between heights ``height_m[k]`` and ``height_m[k + 1]`` above the bed, across
    ``width_m`` (default: the collector's ``release_width_m``) centred on the track."""

    model: Literal["given"] = Field(description="given: the initial plume given directly as layers.")
    height_m: list[num(ge=0, le=1000)] = Field(
        min_length=2, description="Layer bounds, heights above the bed (increasing).")
    mass_fraction: list[num(ge=0, le=1)] = Field(
        min_length=1, description="Share of the mass in each layer between height_m bounds; sums to 1.")
    width_m: num(ge=0, le=MAX_RELEASE_WIDTH_M) | None = Field(
        None, description="Width across the track; null: the collector's release_width_m.")

    @model_validator(mode="after")
    def _layers(self) -> "GivenNearField":
        if not is_increasing(self.height_m):
            raise fail(f"must be strictly increasing, got {show(self.height_m)}", at=["height_m"])
        if len(self.mass_fraction) != len(self.height_m) - 1:
            raise fail(f"must have one value per layer between height_m bounds ({len(self.height_m) - 1}), "
                       f"got {len(self.mass_fraction)}", at=["mass_fraction"])
        total = math.fsum(self.mass_fraction)
        if abs(total - 1.0) > 1e-6:
            raise fail(f"must sum to 1, got {total:.9g}", at=["mass_fraction"])
        return self


NearField = Annotated[Union[TurbidityCurrentNearField, GivenNearField], Field(discriminator="model")]


class Outlet(StrictModel):
    """A discharge's outlet, which switches the buoyant-jet model on (plume/midwater.py): a
    round pipe of ``diameter_m`` discharging ``flow_m3_s`` of water ``direction`` down, up or
    horizontally (towards ``azimuth_deg``, compass), carrying the discharge's ``rate_kg_s``
    of sediment. The carrier water may itself be denser than the ambient water by
    ``carrier_density_excess_kg_m3`` (e.g. cold bottom water; negative: lighter);
    ``entrainment`` is the top-hat entrainment coefficient alpha."""

    diameter_m: num(gt=0, le=20) = Field(description="Diameter of the round outlet pipe.")
    flow_m3_s: num(gt=0, le=1000) = Field(description="Water flow through the outlet.")
    direction: Literal["down", "up", "horizontal"] = Field(
        "down", description="Direction of the jet: down, up or horizontal.")
    azimuth_deg: num(ge=-360, le=360) = Field(0.0, description="Compass direction of a horizontal jet.")
    carrier_density_excess_kg_m3: num(ge=-50, le=50) = Field(
        0.0, description="Excess density of the carrier water over the ambient (negative: lighter).")
    entrainment: num(ge=0.03, le=0.3) = Field(0.1, description="Top-hat entrainment coefficient alpha.")


class _Source(StrictModel):
    """Fields shared by every source: a unique ``name`` and the release window (hours from
    the start of the run)."""

    name: Text = Field(description="Name of the source (unique).")
    start_h: num(ge=0, le=DECADE_H) = Field(0.0, description="Start of the release, hours after the run's start.")

    @property
    def start_s(self) -> float:
        return self.start_h * 3600.0

    @property
    def stop_s(self) -> float:
        return self.stop_h * 3600.0  # type: ignore[attr-defined]


class Collector(_Source):
    """A nodule collector driving its ``track`` from ``start_h`` to ``stop_h``, releasing
    ``rate_kg_s`` of sediment ``release_height_m`` above the bed over ``release_width_m``,
    or spread as its ``near_field`` block says. ``nodule_rate_kg_s`` (optional) is the rate
    of nodules it collects, for impact per tonne of nodules."""

    kind: Literal["collector"] = Field(description="collector: a nodule collector driving a track.")
    stop_h: num(ge=0, le=DECADE_H) = Field(description="End of the release, hours after the run's start; <= time.duration_h.")
    rate_kg_s: num(gt=0, le=MAX_RATE_KG_S) = Field(description="Sediment released per second.")
    nodule_rate_kg_s: num(gt=0, le=MAX_RATE_KG_S) | None = Field(
        None, description="Nodules collected per second, for per-tonne metrics; null: unknown.")
    release_height_m: num(ge=0, le=MAX_RELEASE_HEIGHT_M) = Field(1.0, description="Height above the bed of the release.")
    release_width_m: num(ge=0, le=MAX_RELEASE_WIDTH_M) = Field(0.0, description="Width across the track over which the sediment is released.")
    track: Track = Field(description="The path the collector drives (lawnmower or waypoints).")
    near_field: NearField | None = Field(
        None, description="How the discharge spreads near the collector (turbidity_current or given); null: at "
                          "release_height_m.")

    @model_validator(mode="after")
    def _window(self) -> "Collector":
        if self.stop_h <= self.start_h:
            raise fail(f"must be > start_h ({show(self.start_h)}), got {show(self.stop_h)}", at=["stop_h"])
        times = self.track.times_h
        if times is not None and (self.start_h < times[0] or self.stop_h > times[-1]):
            raise fail(f"must cover the release window start_h..stop_h ({show(self.start_h)}..{show(self.stop_h)}), "
                       f"got {show(times[0])}..{show(times[-1])}", at=["track", "times_h"])
        if isinstance(self.near_field, TurbidityCurrentNearField) and self.release_width_m <= 0:
            raise fail("must be > 0 with near_field model turbidity_current (it is the discharge's width), "
                       f"got {show(self.release_width_m)}", at=["release_width_m"])
        return self

    @property
    def total_mass_kg(self) -> float:
        return self.rate_kg_s * (self.stop_s - self.start_s)


class Discharge(_Source):
    """A fixed outlet at ``position_m`` (x, y in m), at ``depth_m`` below the surface or
    ``height_above_bed_m``, releasing ``rate_kg_s`` from ``start_h`` to ``stop_h``, or
    ``mass_kg`` at once (``stop_h`` equal to ``start_h``, its default). Without ``outlet``
    the particles start at the outlet itself; with it, where the buoyant jet traps."""

    kind: Literal["discharge"] = Field(description="discharge: a fixed outlet, e.g. return water.")
    position_m: PointM = Field(description="Outlet position [x, y] in the local frame.")
    depth_m: num(gt=0, le=MAX_DEPTH_M) | None = Field(
        None, description="Depth of the outlet below the surface; give this or height_above_bed_m.")
    height_above_bed_m: num(ge=0, le=MAX_DEPTH_M) | None = Field(None, description="Height of the outlet above the bed.")
    rate_kg_s: num(gt=0, le=MAX_RATE_KG_S) | None = Field(
        None, description="Sediment released per second (a continuous release); give this or mass_kg.")
    mass_kg: num(gt=0, le=MAX_MASS_KG) | None = Field(
        None, description="Sediment released at once (an instantaneous release at start_h).")
    stop_h: num(ge=0, le=DECADE_H) | None = Field(
        None, description="End of a continuous release, hours after the run's start; null: start_h.")
    outlet: Outlet | None = Field(
        None, description="The outlet's pipe, which switches the buoyant-jet model on; null: release at the outlet "
                          "itself.")

    @model_validator(mode="after")
    def _release(self) -> "Discharge":
        exactly_one(self, "depth_m", "height_above_bed_m")
        exactly_one(self, "rate_kg_s", "mass_kg")
        if self.stop_h is None:
            self.stop_h = self.start_h
        if self.stop_h < self.start_h:
            raise fail(f"must be >= start_h ({show(self.start_h)}), got {show(self.stop_h)}", at=["stop_h"])
        if self.mass_kg is not None and self.stop_h != self.start_h:
            raise fail(f"mass_kg is an instantaneous release: stop_h must equal start_h "
                       f"({show(self.start_h)}), got {show(self.stop_h)}", at=["stop_h"])
        if self.rate_kg_s is not None and self.stop_h == self.start_h:
            raise fail(f"rate_kg_s is a continuous release: stop_h must be > start_h ({show(self.start_h)}); "
                       f"use mass_kg for an instantaneous release", at=["stop_h"])
        if self.outlet is not None and self.rate_kg_s is None:
            raise fail("needs a continuous discharge (rate_kg_s), not an instantaneous mass_kg", at=["outlet"])
        return self

    @property
    def instantaneous(self) -> bool:
        return self.mass_kg is not None

    @property
    def total_mass_kg(self) -> float:
        return self.mass_kg if self.mass_kg is not None else self.rate_kg_s * (self.stop_s - self.start_s)


Source = Annotated[Union[Collector, Discharge], Field(discriminator="kind")]
