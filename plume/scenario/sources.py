"""Scenario models of the sediment sources: collector tracks and fixed discharges."""
import math
from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from .errors import fail, show
from .values import PointM, Text, _exactly_one, _Model, integer, num


class Track(_Model):
    """A collector's path: ``lanes`` parallel lanes of ``lane_length_m`` from ``origin_m``
    (x, y in m) along ``heading_deg`` (compass, clockwise from north), each next lane
    ``lane_spacing_m`` to the right of the previous one, driven at ``speed_m_s``."""

    origin_m: PointM
    heading_deg: num() = 0.0
    lanes: integer(ge=1, le=100_000) = 1
    lane_length_m: num(gt=0)
    lane_spacing_m: num(ge=0) = 0.0
    speed_m_s: num(gt=0)

    def corners(self) -> list[tuple[float, float]]:
        """The four corners of the area swept by the lanes (x, y in m)."""
        h = math.radians(self.heading_deg)
        along = (math.sin(h), math.cos(h))  # unit vector of the heading, x east, y north
        right = (math.cos(h), -math.sin(h))  # 90 degrees clockwise of the heading
        x0, y0 = self.origin_m
        width = (self.lanes - 1) * self.lane_spacing_m
        return [(x0 + a * self.lane_length_m * along[0] + b * width * right[0],
                 y0 + a * self.lane_length_m * along[1] + b * width * right[1])
                for a in (0, 1) for b in (0, 1)]


class _Source(_Model):
    """Fields shared by every source: a unique ``name`` and the release window (hours from
    the start of the run)."""

    name: Text
    start_h: num(ge=0) = 0.0

    @property
    def start_s(self) -> float:
        return self.start_h * 3600.0

    @property
    def stop_s(self) -> float:
        return self.stop_h * 3600.0  # type: ignore[attr-defined]


class Collector(_Source):
    """A nodule collector driving its ``track`` from ``start_h`` to ``stop_h``, releasing
    ``rate_kg_s`` of sediment ``release_height_m`` above the bed over ``release_width_m``."""

    kind: Literal["collector"]
    stop_h: num(ge=0)
    rate_kg_s: num(gt=0)
    release_height_m: num(ge=0) = 1.0
    release_width_m: num(ge=0) = 0.0
    track: Track

    @model_validator(mode="after")
    def _window(self) -> "Collector":
        if self.stop_h <= self.start_h:
            raise fail(f"must be > start_h ({show(self.start_h)}), got {show(self.stop_h)}", at=["stop_h"])
        return self

    @property
    def total_mass_kg(self) -> float:
        return self.rate_kg_s * (self.stop_s - self.start_s)


class Discharge(_Source):
    """A fixed outlet at ``position_m`` (x, y in m), at ``depth_m`` below the surface or
    ``height_above_bed_m``, releasing ``rate_kg_s`` from ``start_h`` to ``stop_h``, or
    ``mass_kg`` at once (``stop_h`` equal to ``start_h``, its default)."""

    kind: Literal["discharge"]
    position_m: PointM
    depth_m: num(gt=0) | None = None
    height_above_bed_m: num(ge=0) | None = None
    rate_kg_s: num(gt=0) | None = None
    mass_kg: num(gt=0) | None = None
    stop_h: num(ge=0) | None = None

    @model_validator(mode="after")
    def _release(self) -> "Discharge":
        _exactly_one(self, "depth_m", "height_above_bed_m")
        _exactly_one(self, "rate_kg_s", "mass_kg")
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
        return self

    @property
    def instantaneous(self) -> bool:
        return self.mass_kg is not None

    @property
    def total_mass_kg(self) -> float:
        return self.mass_kg if self.mass_kg is not None else self.rate_kg_s * (self.stop_s - self.start_s)


Source = Annotated[Union[Collector, Discharge], Field(discriminator="kind")]
