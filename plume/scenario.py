"""The scenario file: pydantic models of its keys, YAML loading and clear errors.

A scenario is validated once, on load, and is then a plain object in SI
units: everything downstream (environment, sources, solver, output) trusts
it. Keys carry their unit in the name (``rate_kg_s``, ``duration_h``); the
models document what each key means. Every problem becomes one
``ScenarioError`` line, ``<file>: <key path>: <what is wrong>, got <value>``
(see ``plume.scenario_errors`` for the translation of pydantic's errors).
See DESIGN.md sections 3 and 4 for the contract.
"""
import math
import numbers
import os
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from annotated_types import Interval
import yaml
from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, StrictBool,
                      ValidationError, ValidationInfo, field_validator, model_validator)

from plume.errors import ScenarioError
from plume.scenario_errors import fail, format_validation_error, one_line, show

# Hard limits that keep a typo (step_s: 0.001) from asking for weeks or terabytes.
MAX_STEPS = 10_000_000
MAX_OUTPUTS = 100_000
MAX_CELLS = 25_000_000
MAX_OUTPUT_BYTES = 8 * 2**30
REL_TOL = 1e-9  # for "is a whole multiple of" checks on floats

TIDAL_PERIODS_H: dict[str, float] = {
    "M2": 12.4206012, "S2": 12.0, "N2": 12.65834751, "K2": 11.96723606,
    "K1": 23.93447213, "O1": 25.81933871, "P1": 24.06588766, "Q1": 26.868350,
    "M4": 6.210300601,
}

# ---------------------------------------------------------------- value types
# Our own before-validators instead of pydantic's lax coercion: YAML `true`
# must not become 1.0, "3" must not become 3, and NaN/inf never get in.


_SCIENTIFIC = re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$")


def _as_number(v: Any) -> Any:
    if isinstance(v, str) and _SCIENTIFIC.match(v.strip()):
        v = float(v.replace("_", ""))  # 1e-4: a float in YAML 1.2, a string to yaml.safe_load
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise fail("must be a number", with_value=True)
    try:
        finite = math.isfinite(float(v))
    except (OverflowError, ValueError, TypeError):
        finite = False
    if not finite:
        raise fail("must be a finite number (not NaN or infinity)", with_value=True)
    return v if isinstance(v, int) else float(v)  # keep ints so errors echo "got -3"


def _as_integer(v: Any) -> int:
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return int(v)
    if isinstance(v, float) and v.is_integer():  # 2e5 is a fine particle count
        return int(v)
    raise fail("must be an integer", with_value=True)


def _as_text(v: Any) -> str:
    if not isinstance(v, str):
        raise fail("must be text", with_value=True)
    if not v.strip():
        raise fail("must not be empty", with_value=True)
    return v


def _as_path(v: Any) -> Path:
    if isinstance(v, os.PathLike):
        v = os.fspath(v)
    if not isinstance(v, str):
        raise fail("must be a file path (text)", with_value=True)
    if not v.strip():
        raise fail("must not be empty", with_value=True)
    if "\x00" in v:
        raise fail("must not contain a NUL character", with_value=True)
    return Path(v)


def _fixed_length(n: int, hint: str) -> BeforeValidator:
    """A list of exactly n items (pydantic would report a short one as 'missing' items)."""
    def check(v: Any) -> Any:
        if not isinstance(v, (list, tuple)) or len(v) != n:
            raise fail(f"must be a list of {n} numbers {hint}", with_value=True)
        return v
    return BeforeValidator(check)


def _as_start(v: Any) -> datetime:
    example = "must be a date and time such as 2026-04-01T00:00:00Z"
    if isinstance(v, datetime):
        t = v
    elif isinstance(v, date):
        t = datetime(v.year, v.month, v.day)
    elif isinstance(v, str):
        try:
            t = datetime.fromisoformat(v.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise fail(example, with_value=True) from None
    else:
        raise fail(example, with_value=True)
    try:  # naive means UTC; store aware UTC
        return t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise fail("is outside the representable dates", with_value=True) from None


def num(**bounds: float) -> Any:
    """A finite float (ints accepted, bools not) with bounds such as gt=0, le=1."""
    return Annotated[float, BeforeValidator(_as_number), Interval(**bounds)]


def integer(**bounds: int) -> Any:
    """An int (integral floats accepted, bools not) with bounds."""
    return Annotated[int, BeforeValidator(_as_integer), Interval(**bounds)]


Text = Annotated[str, BeforeValidator(_as_text)]
FilePath = Annotated[Path, BeforeValidator(_as_path)]
PointM = Annotated[tuple[num(), num()], _fixed_length(2, "[x, y] in metres")]
ExtentM = Annotated[tuple[num(), num(), num(), num()], _fixed_length(4, "[x min, x max, y min, y max] in metres")]
UtcDatetime = Annotated[datetime, BeforeValidator(_as_start)]


def _path_text(p: Path) -> str:
    s = str(p)
    s = s if s.isprintable() else repr(s)
    return s if len(s) <= 200 else s[:90] + "..." + s[-90:]


def _resolve(p: Path | None, info: ValidationInfo, must_exist: bool) -> Path | None:
    """Relative paths are relative to the scenario file's folder (passed in the context)."""
    if p is None:
        return None
    try:
        p = p.expanduser()
    except RuntimeError:  # no home directory to expand ~ to: keep it literal
        pass
    base = (info.context or {}).get("base_dir") or Path.cwd()
    p = p if p.is_absolute() else Path(base) / p
    if must_exist:  # os.path.* never raise (long names, NUL bytes): they just say False
        if not os.path.exists(p):
            raise fail(f"no such file: {_path_text(p)}")
        if os.path.isdir(p):
            raise fail(f"is a folder, not a file: {_path_text(p)}")
    return p


def _increasing(values: list[float]) -> bool:
    return all(a < b for a, b in zip(values, values[1:]))


def _whole_multiple(total: float, part: float) -> int | None:
    """``total / part`` when it is a whole number >= 1 (within REL_TOL), else None."""
    n = round(total / part)
    return n if n >= 1 and abs(n * part - total) <= REL_TOL * total else None


def _exactly_one(model: BaseModel, a: str, b: str) -> None:
    has_a, has_b = getattr(model, a) is not None, getattr(model, b) is not None
    if has_a and has_b:
        raise fail(f"give either {a} or {b}, not both")
    if not (has_a or has_b):
        raise fail(f"give one of {a} or {b}")


class _Model(BaseModel):
    # extra="forbid": a misspelt key must be an error, never silently ignored.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


# ---------------------------------------------------------------- site, time, seabed


class Site(_Model):
    """Origin of the local x/y frame (x east, y north, metres), in degrees."""

    lon: num(ge=-180, le=360)
    lat: num(ge=-80, le=80)


class TimeSpec(_Model):
    """Run time: ``start`` (UTC; naive means UTC), ``duration_h`` (hours), ``step_s``
    (solver step, s) and ``output_every_s`` (s between output times, a multiple of the step)."""

    start: UtcDatetime
    duration_h: num(gt=0)
    step_s: num(gt=0)
    output_every_s: num(gt=0)

    @model_validator(mode="after")
    def _consistent(self) -> "TimeSpec":
        total = self.duration_s
        if not math.isfinite(total) or total / self.step_s > MAX_STEPS + 0.5:
            raise fail(f"duration_h / step_s gives more than {MAX_STEPS:,} steps; use a larger step_s, "
                       f"got duration_h {show(self.duration_h)} and step_s {show(self.step_s)}", at=["step_s"])
        if _whole_multiple(total, self.step_s) is None:
            raise fail(f"duration_h * 3600 ({show(total)} s) must be a whole multiple of step_s, "
                       f"got {show(self.step_s)}", at=["step_s"])
        if self.output_every_s > total * (1 + REL_TOL):
            raise fail(f"must be <= duration_h * 3600 ({show(total)} s), got {show(self.output_every_s)}",
                       at=["output_every_s"])
        if _whole_multiple(self.output_every_s, self.step_s) is None:
            raise fail(f"must be a whole multiple of step_s ({show(self.step_s)} s), "
                       f"got {show(self.output_every_s)}", at=["output_every_s"])
        if self.n_outputs > MAX_OUTPUTS:
            raise fail(f"gives {self.n_outputs:,} output times, more than the limit of {MAX_OUTPUTS:,}; "
                       f"use a larger output_every_s, got {show(self.output_every_s)}", at=["output_every_s"])
        try:
            self.end
        except (OverflowError, ValueError):
            raise fail(f"the run would end after the year 9999, got {show(self.duration_h)}",
                       at=["duration_h"]) from None
        return self

    @property
    def duration_s(self) -> float:
        return self.duration_h * 3600.0

    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=self.duration_s)

    @property
    def n_steps(self) -> int:
        return round(self.duration_s / self.step_s)

    @property
    def steps_per_output(self) -> int:
        return round(self.output_every_s / self.step_s)

    @property
    def n_outputs(self) -> int:
        """Number of output times, t = 0 included."""
        return self.n_steps // self.steps_per_output + 1


class Bathymetry(_Model):
    """The seabed: either ``flat_depth_m`` (m, positive down) or ``file`` (NetCDF with
    lon/lat and elevation or depth; ``variable`` names it, null = detect)."""

    flat_depth_m: num(gt=0, le=11000) | None = None
    file: FilePath | None = None
    variable: Text | None = None

    @field_validator("file")
    @classmethod
    def _file_exists(cls, v: Path | None, info: ValidationInfo) -> Path | None:
        return _resolve(v, info, must_exist=True)

    @model_validator(mode="after")
    def _one_source(self) -> "Bathymetry":
        _exactly_one(self, "flat_depth_m", "file")
        if self.variable is not None and self.file is None:
            raise fail("only allowed with file", at=["variable"])
        return self


# ---------------------------------------------------------------- currents and turbulence


class Tide(_Model):
    """One tidal constituent of the synthetic current: u (east) and v (north) amplitudes
    (m/s) and phases (degrees); by default v lags u by 90 degrees (a rotary tide)."""

    constituent: Literal["M2", "S2", "N2", "K2", "K1", "O1", "P1", "Q1", "M4"]
    u_amplitude_m_s: num(ge=0, le=5)
    v_amplitude_m_s: num(ge=0, le=5) = 0.0
    phase_deg: num() = 0.0
    v_phase_deg: num() | None = None

    @property
    def period_s(self) -> float:
        return TIDAL_PERIODS_H[self.constituent] * 3600.0

    @property
    def v_phase(self) -> float:
        """Phase of v in degrees: ``v_phase_deg`` if given, else ``phase_deg - 90``."""
        return self.v_phase_deg if self.v_phase_deg is not None else self.phase_deg - 90.0


class SyntheticCurrents(_Model):
    """A spatially uniform current: mean east/north components (m/s) plus tides, with an
    optional logarithmic layer near the bed (roughness z0 and layer height, m)."""

    mean_u_m_s: num(ge=-5, le=5) = 0.0
    mean_v_m_s: num(ge=-5, le=5) = 0.0
    tides: list[Tide] = []
    bottom_roughness_m: num(gt=0, lt=1) | None = None
    log_layer_height_m: num(gt=0) = 10.0

    @model_validator(mode="after")
    def _layer_above_roughness(self) -> "SyntheticCurrents":
        z0 = self.bottom_roughness_m
        if z0 is not None and self.log_layer_height_m <= z0:
            raise fail(f"must be > bottom_roughness_m ({show(z0)}), got {show(self.log_layer_height_m)}",
                       at=["log_layer_height_m"])
        return self


class CurrentVariables(_Model):
    """Names of the velocity variables in a current file (m/s; w optional)."""

    u: Text
    v: Text
    w: Text | None = None


class Currents(_Model):
    """Either ``synthetic`` currents or a NetCDF ``file`` (CF names, or ``variables``)."""

    synthetic: SyntheticCurrents | None = None
    file: FilePath | None = None
    variables: CurrentVariables | None = None

    @field_validator("file")
    @classmethod
    def _file_exists(cls, v: Path | None, info: ValidationInfo) -> Path | None:
        return _resolve(v, info, must_exist=True)

    @model_validator(mode="after")
    def _one_source(self) -> "Currents":
        _exactly_one(self, "synthetic", "file")
        if self.variables is not None and self.file is None:
            raise fail("only allowed with file", at=["variables"])
        return self


class ConstantDiffusivity(_Model):
    """Vertical diffusivity ``value_m2_s`` (m2/s), the same at all heights."""

    profile: Literal["constant"]
    value_m2_s: num(ge=0) = 0.0


class TableDiffusivity(_Model):
    """Vertical diffusivity (m2/s) tabulated against height above the bed (m);
    interpolated linearly between the rows."""

    profile: Literal["table"]
    height_above_bed_m: list[num(ge=0)] = Field(min_length=2)
    value_m2_s: list[num(ge=0)] = Field(min_length=2)

    @model_validator(mode="after")
    def _table(self) -> "TableDiffusivity":
        if not _increasing(self.height_above_bed_m):
            raise fail(f"must be strictly increasing, got {show(self.height_above_bed_m)}",
                       at=["height_above_bed_m"])
        if len(self.value_m2_s) != len(self.height_above_bed_m):
            raise fail(f"must have as many values as height_above_bed_m ({len(self.height_above_bed_m)}), "
                       f"got {len(self.value_m2_s)}", at=["value_m2_s"])
        return self


class TurbulenceSpec(_Model):
    """Eddy diffusivities (m2/s): ``horizontal_m2_s`` and a ``vertical`` profile."""

    horizontal_m2_s: num(ge=0) = 0.0
    vertical: Annotated[Union[ConstantDiffusivity, TableDiffusivity], Field(discriminator="profile")] = \
        ConstantDiffusivity(profile="constant")


# ---------------------------------------------------------------- sediment


class SedimentClass(_Model):
    """One grain class: its share of the released mass and either a given settling
    velocity (m/s) or a grain diameter (micrometres; settling from Stokes' law)."""

    name: Text
    mass_fraction: num(gt=0, le=1)
    settling_m_s: num(ge=0, le=1) | None = None
    diameter_um: num(gt=0, le=10000) | None = None

    @model_validator(mode="after")
    def _one_speed(self) -> "SedimentClass":
        _exactly_one(self, "settling_m_s", "diameter_um")
        return self


class SedimentSpec(_Model):
    """Grains, water and deposit properties (kg/m3, Pa s) and the sediment classes."""

    grain_density_kg_m3: num(gt=0) = 2650.0
    deposit_dry_density_kg_m3: num(gt=0) = 300.0
    water_density_kg_m3: num(gt=0) = 1045.0  # in-situ density near the CCZ seabed
    water_viscosity_pa_s: num(gt=0) = 1.8e-3  # seawater at about 1.5 degC
    critical_shear_stress_pa: num(gt=0) | None = None
    deposition_probability: num(ge=0, le=1) = 1.0  # else a particle reaching the bed is reflected
    classes: list[SedimentClass] = Field(min_length=1)

    @field_validator("critical_shear_stress_pa")
    @classmethod
    def _no_resuspension_yet(cls, v: float | None) -> None:
        if v is not None:
            raise fail("resuspension is not available yet; use null", with_value=True)
        return None

    @model_validator(mode="after")
    def _classes(self) -> "SedimentSpec":
        seen: set[str] = set()
        for i, c in enumerate(self.classes):
            if c.name in seen:
                raise fail(f"duplicate class name {show(c.name)}", at=["classes", i, "name"])
            seen.add(c.name)
        total = math.fsum(c.mass_fraction for c in self.classes)
        if abs(total - 1.0) > 1e-6:
            raise fail(f"mass_fraction values must sum to 1, got {total:.9g}", at=["classes"])
        if any(c.diameter_um is not None for c in self.classes) and \
                self.grain_density_kg_m3 <= self.water_density_kg_m3:
            raise fail(f"must be > water_density_kg_m3 ({show(self.water_density_kg_m3)}) when a class "
                       f"gives diameter_um, got {show(self.grain_density_kg_m3)}", at=["grain_density_kg_m3"])
        return self


# ---------------------------------------------------------------- sources


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


# ---------------------------------------------------------------- numerics and output


class ParticlesSpec(_Model):
    """Number of particles released over the whole run, and the random seed."""

    count: integer(ge=1, le=100_000_000)
    seed: integer(ge=0, le=2**63 - 1) = 0


class GridSpec(_Model):
    """The output grid: cells of ``resolution_m`` over ``extent_m`` [x min, x max, y min,
    y max] (m, local frame); near-bed layers bounded by ``layers_above_bed_m`` (m above
    the bed); optional midwater cells bounded by ``depth_levels_m`` (m below the surface)."""

    resolution_m: num(gt=0)
    extent_m: ExtentM
    layers_above_bed_m: list[num(ge=0)] = Field(default=[0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0], min_length=2)
    depth_levels_m: list[num(gt=0)] | None = Field(default=None, min_length=2)

    @model_validator(mode="after")
    def _grid(self) -> "GridSpec":
        x0, x1, y0, y1 = self.extent_m
        counts = []
        for lo, hi, axis in ((x0, x1, "x"), (y0, y1, "y")):
            if not lo < hi:
                raise fail(f"{axis} min must be < {axis} max, got {show(list(self.extent_m))}", at=["extent_m"])
            span = hi - lo
            if not math.isfinite(span) or span / self.resolution_m > MAX_CELLS:
                raise fail(f"more than {MAX_CELLS:,} cells; use a larger resolution_m or a smaller extent_m, "
                           f"got resolution_m {show(self.resolution_m)}", at=["resolution_m"])
            n = _whole_multiple(span, self.resolution_m)
            if n is None:
                raise fail(f"{axis} span ({show(span)} m) must be a whole multiple of resolution_m "
                           f"({show(self.resolution_m)} m), got {show(list(self.extent_m))}", at=["extent_m"])
            counts.append(n)
        if counts[0] * counts[1] > MAX_CELLS:
            raise fail(f"{counts[0]} x {counts[1]} cells is more than {MAX_CELLS:,}; use a larger "
                       f"resolution_m or a smaller extent_m, got {show(self.resolution_m)}", at=["resolution_m"])
        for key in ("layers_above_bed_m", "depth_levels_m"):
            values = getattr(self, key)
            if values is not None and not _increasing(values):
                raise fail(f"must be strictly increasing, got {show(values)}", at=[key])
        return self

    @property
    def nx(self) -> int:
        return round((self.extent_m[1] - self.extent_m[0]) / self.resolution_m)

    @property
    def ny(self) -> int:
        return round((self.extent_m[3] - self.extent_m[2]) / self.resolution_m)

    @property
    def n_layers(self) -> int:
        """Number of near-bed layers (one fewer than their bounds)."""
        return len(self.layers_above_bed_m) - 1

    @property
    def n_depth_cells(self) -> int:
        """Number of midwater depth cells (0 without depth_levels_m)."""
        return len(self.depth_levels_m) - 1 if self.depth_levels_m else 0

    def contains(self, x: float, y: float) -> bool:
        """Whether (x, y) lies in the extent, edges included (NaN never does)."""
        x0, x1, y0, y1 = self.extent_m
        tol = REL_TOL * max(abs(x0), abs(x1), abs(y0), abs(y1), 1.0)  # trig round-off on track corners
        return x0 - tol <= x <= x1 + tol and y0 - tol <= y <= y1 + tol


class Thresholds(_Model):
    """Impact thresholds: deposit thickness (mm) and suspended sediment (mg/L)."""

    deposit_mm: list[num(gt=0)] = Field(default=[0.1, 1.0, 10.0], min_length=1)
    ssc_mg_l: list[num(gt=0)] = Field(default=[1.0, 10.0], min_length=1)

    @model_validator(mode="after")
    def _sorted(self) -> "Thresholds":
        for key in ("deposit_mm", "ssc_mg_l"):
            if not _increasing(getattr(self, key)):
                raise fail(f"must be strictly increasing, got {show(getattr(self, key))}", at=[key])
        return self

    @property
    def deposit_m(self) -> list[float]:
        return [v / 1000.0 for v in self.deposit_mm]

    @property
    def ssc_kg_m3(self) -> list[float]:
        return [v / 1000.0 for v in self.ssc_mg_l]  # mg/L = g/m3


class OutputSpec(_Model):
    """Where results go (relative to the scenario file's folder) and what is written."""

    directory: FilePath = Field(default=Path("outputs"), validate_default=True)
    trajectories: StrictBool = False
    maps: StrictBool = False

    @field_validator("directory")
    @classmethod
    def _resolve_directory(cls, v: Path, info: ValidationInfo) -> Path:
        return _resolve(v, info, must_exist=False)


# ---------------------------------------------------------------- the scenario

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _as_name(v: Any) -> str:
    if not isinstance(v, str) or not _NAME.match(v) or len(v) > 100:
        raise fail("must start with a letter or digit and use only letters, digits, '.', '_' and '-' "
                   "(it names the output files; at most 100 characters)", with_value=True)
    return v


def _as_title(v: Any) -> str:
    if not isinstance(v, str):
        raise fail("must be text", with_value=True)
    return v


class Scenario(_Model):
    """A whole scenario file, validated, in SI units (see DESIGN.md section 4)."""

    name: Annotated[str, BeforeValidator(_as_name)]
    title: Annotated[str, BeforeValidator(_as_title)] = ""
    site: Site
    time: TimeSpec
    bathymetry: Bathymetry
    currents: Currents
    turbulence: TurbulenceSpec = TurbulenceSpec()
    sediment: SedimentSpec
    sources: list[Source] = Field(min_length=1)
    particles: ParticlesSpec
    grid: GridSpec
    thresholds: Thresholds = Thresholds()
    # validated even when absent, so that its directory resolves against the file's folder
    output: OutputSpec = Field(default_factory=dict, validate_default=True)  # type: ignore[arg-type]

    _source_text: str = PrivateAttr(default="")
    _source_path: Path | None = PrivateAttr(default=None)
    _base_dir: Path | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _consistent(self) -> "Scenario":
        names: set[str] = set()
        for i, s in enumerate(self.sources):
            if s.name in names:
                raise fail(f"duplicate source name {show(s.name)}", at=["sources", i, "name"])
            names.add(s.name)
            if s.stop_h > self.time.duration_h * (1 + REL_TOL):
                raise fail(f"must be <= time.duration_h ({show(self.time.duration_h)}), got {show(s.stop_h)}",
                           at=["sources", i, "stop_h"])
            extent = f"grid.extent_m {show(list(self.grid.extent_m))}"
            if isinstance(s, Collector):
                if not all(self.grid.contains(x, y) for x, y in s.track.corners()):
                    raise fail(f"the track (all its lanes) must lie inside {extent}", at=["sources", i, "track"])
            else:
                if not self.grid.contains(*s.position_m):
                    raise fail(f"must lie inside {extent}, got {show(list(s.position_m))}",
                               at=["sources", i, "position_m"])
                depth = self.bathymetry.flat_depth_m
                for key in ("depth_m", "height_above_bed_m"):
                    value = getattr(s, key)
                    if depth is not None and value is not None and value >= depth:
                        raise fail(f"must be < bathymetry.flat_depth_m ({show(depth)}), got {show(value)}",
                                   at=["sources", i, key])
        size = self.time.n_outputs * (self.grid.n_layers + self.grid.n_depth_cells) * self.grid.nx * self.grid.ny * 4
        if size > MAX_OUTPUT_BYTES:
            raise fail(f"the output would hold about {size / 2**30:.1f} GiB of concentrations (more than "
                       f"{MAX_OUTPUT_BYTES // 2**30} GiB); use a larger time.output_every_s or grid.resolution_m, "
                       f"a smaller grid.extent_m or fewer grid.layers_above_bed_m / grid.depth_levels_m",
                       at=["grid"])
        return self

    @property
    def display_title(self) -> str:
        return self.title or self.name

    @property
    def source_text(self) -> str:
        """The scenario as YAML text (the file as written, for provenance in the outputs)."""
        return self._source_text

    @property
    def source_path(self) -> Path | None:
        return self._source_path

    def with_overrides(self, particles: int | None = None, seed: int | None = None,
                       output_directory: Path | None = None) -> "Scenario":
        """A re-validated copy with command-line overrides; a relative ``output_directory``
        is relative to the current directory (where the command was typed)."""
        label = str(self._source_path) if self._source_path is not None else "<scenario>"
        try:
            data = self.model_dump()
            changes = []
            if particles is not None:
                data["particles"]["count"] = particles
                changes.append(f"particles.count={show(particles)}")
            if seed is not None:
                data["particles"]["seed"] = seed
                changes.append(f"particles.seed={show(seed)}")
            if output_directory is not None:
                data["output"]["directory"] = Path(output_directory).absolute() \
                    if isinstance(output_directory, (str, os.PathLike)) else output_directory
                changes.append(f"output.directory={one_line(str(output_directory))}")
        except Exception as exc:  # a broken override value, e.g. an unprintable path
            raise ScenarioError(one_line(f"{label}: bad override: {exc}")) from None
        new = _validate(data, self._base_dir or Path.cwd(), label, self._source_text, self._source_path)
        if changes:  # record the values actually used, for provenance in the outputs
            dumped = yaml.safe_dump(new.model_dump(mode="json"), sort_keys=False)
            new._source_text = f"# {label} with overrides: {', '.join(changes)}\n{dumped}"
        return new


# ---------------------------------------------------------------- loading


class _Loader(yaml.SafeLoader):
    """yaml.SafeLoader, plus two fixes for hand-written scenario files:
    ``1e-4`` is a float (YAML 1.1 wants ``1.0e-4`` and would give the string "1e-4"),
    and a key given twice is an error (YAML would silently keep the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue  # "<<: *defaults" may be overridden by later keys on purpose
            key = (key_node.tag, key_node.value)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key_node.value!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _SCIENTIFIC, list("-+0123456789"))


def _validate(data: Any, base_dir: Path, label: str, text: str | None, path: Path | None) -> Scenario:
    """Validate ``data``; every failure, of any kind, becomes one ScenarioError line."""
    try:
        if not isinstance(data, dict):
            kind = "nothing" if data is None else f"a {type(data).__name__}"
            raise ScenarioError(f"the top level must be a mapping of keys (name:, site:, time:, ...), got {kind}")
        scenario = Scenario.model_validate(data, context={"base_dir": Path(base_dir).absolute()})
        if text is None:  # from a dict: keep a YAML rendering of the input, else of the model
            try:
                text = yaml.safe_dump(data, sort_keys=False)
            except Exception:
                text = yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False)
    except ScenarioError as exc:
        raise ScenarioError(one_line(f"{label}: {exc}")) from None
    except ValidationError as exc:
        raise ScenarioError(f"{one_line(label)}: {format_validation_error(exc, Scenario)}") from None
    except RecursionError:
        raise ScenarioError(one_line(f"{label}: the scenario is nested too deeply")) from None
    except Exception as exc:  # a bug or an input we did not foresee: still one clear line
        raise ScenarioError(one_line(f"{label}: invalid scenario ({type(exc).__name__}: {exc})")) from None
    scenario._source_text = text
    scenario._source_path = path
    scenario._base_dir = Path(base_dir).absolute()
    return scenario


def scenario_from_dict(data: dict, base_dir: Path, label: str = "<scenario>") -> Scenario:
    """Validate a scenario given as a dict; relative paths resolve against ``base_dir``."""
    return _validate(data, base_dir, str(label), None, None)


def load_scenario(path: str | Path) -> Scenario:
    """Read, validate and return the scenario file at ``path``."""
    label = one_line(str(path))
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise ScenarioError(f"{label}: is a folder, not a scenario file") from None
    except (OSError, ValueError) as exc:
        raise ScenarioError(one_line(f"{label}: cannot read the file ({exc})")) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{label}: not a UTF-8 text file (byte {exc.start})") from None
    try:
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "syntax error"
        raise ScenarioError(one_line(f"{label}: not valid YAML{where}: {what}")) from None
    except RecursionError:
        raise ScenarioError(f"{label}: not valid YAML: nested too deeply") from None
    except Exception as exc:  # e.g. a date like 2026-02-30 fails inside the YAML reader
        raise ScenarioError(one_line(f"{label}: not valid YAML: {exc}")) from None
    if data is None:
        raise ScenarioError(f"{label}: the file is empty")
    return _validate(data, Path(path).parent, label, text, Path(path))
