"""Scenario models of the setting: site, run time, seabed, currents and turbulence."""
import copy
import math
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import Field, ValidationInfo, field_validator, model_validator

from .errors import fail, show
from .values import (MAX_OUTPUTS, MAX_STEPS, REL_TOL, FilePath, Text, UtcDatetime, exactly_one, is_increasing,
                     StrictModel, resolve_path, whole_multiple, integer, num)

TIDAL_PERIODS_H: dict[str, float] = {
    "M2": 12.4206012, "S2": 12.0, "N2": 12.65834751, "K2": 11.96723606,
    "K1": 23.93447213, "O1": 25.81933871, "P1": 24.06588766, "Q1": 26.868350,
    "M4": 6.210300601,
}


# Physical ranges (values far outside them are refused; docs/scenario_ranges.md lists every key):
DECADE_H = 87_600.0  # no plume run spans more than ten years
MAX_VERTICAL_M2_S = 1.0  # ocean vertical eddy diffusivity: 1e-5 to 1e-1 m2/s (Thorpe 2007)
MAX_HORIZONTAL_M2_S = 1.0e4  # Okubo (1971): about 1e4 m2/s only at 1000-km scales


# ---------------------------------------------------------------- site, time, seabed


class Site(StrictModel):
    """Origin of the local x/y frame (x east, y north, metres), in degrees."""

    lon: num(ge=-180, le=360) = Field(description="Longitude of the origin (degrees east; -180 to 360).")
    lat: num(ge=-80, le=80) = Field(description="Latitude of the origin (degrees north).")


class TimeSpec(StrictModel):
    """Run time: ``start`` (UTC; naive means UTC), ``duration_h`` (hours), ``step_s``
    (solver step, s) and ``output_every_s`` (s between output times, a multiple of the step)."""

    start: UtcDatetime = Field(description="Start of the run, e.g. 2026-04-01T00:00:00Z (UTC; a time without zone is UTC).")
    duration_h: num(gt=0, le=DECADE_H) = Field(description="Length of the run; a whole multiple of step_s.")  # physical ranges: see docs/scenario_ranges.md
    step_s: num(gt=0, le=86_400) = Field(description="Solver time step.")
    output_every_s: num(gt=0, le=DECADE_H * 3600) = Field(description="Time between output records; a whole multiple of step_s.")

    @model_validator(mode="after")
    def _consistent(self) -> "TimeSpec":
        total = self.duration_s
        if not math.isfinite(total) or total / self.step_s > MAX_STEPS + 0.5:
            raise fail(f"duration_h / step_s gives more than {MAX_STEPS:,} steps; use a larger step_s, "
                       f"got duration_h {show(self.duration_h)} and step_s {show(self.step_s)}", at=["step_s"])
        if whole_multiple(total, self.step_s) is None:
            raise fail(f"duration_h * 3600 ({show(total)} s) must be a whole multiple of step_s, "
                       f"got {show(self.step_s)}", at=["step_s"])
        if self.output_every_s > total * (1 + REL_TOL):
            raise fail(f"must be <= duration_h * 3600 ({show(total)} s), got {show(self.output_every_s)}",
                       at=["output_every_s"])
        if whole_multiple(self.output_every_s, self.step_s) is None:
            raise fail(f"must be a whole multiple of step_s ({show(self.step_s)} s), "
                       f"got {show(self.output_every_s)}", at=["output_every_s"])
        if self.n_outputs > MAX_OUTPUTS:
            raise fail(f"gives {self.n_outputs:,} output times, more than the limit of {MAX_OUTPUTS:,}; "
                       f"use a larger output_every_s, got {show(self.output_every_s)}", at=["output_every_s"])
        try:
            _ = self.end  # raises past the year 9999
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


class AbyssalHills(StrictModel):
    """Synthetic abyssal-hill relief added to the seabed: a seeded anisotropic von Karman
    random field (Goff & Jordan, 1988, JGR 93, 13589; see ``plume.environment.hills``) of
    rms height ``rms_height_m`` (m, over the grid), with characteristic wavelengths
    ``wavelength_across_m`` and ``wavelength_along_m`` (m; 2 pi times the correlation length
    across and along strike, along >= across), Hurst exponent ``hurst`` (fractal dimension
    3 - hurst), ridges running towards ``azimuth_deg`` (compass degrees clockwise from north;
    0 = north-south), the spectrum rolled off below ``rolloff_wavelength_m`` (m; the power is
    down by 1/e there, so slopes do not grow as the grid is refined) and white noise from
    ``seed``. ``abyssal_hills: {}`` gives the eastern-CCZ defaults below.

    Defaults (sources and the measured statistics of the generated seabed in
    docs/environment.md): CCZ abyssal hills are lineated north-south, normal to the Clarion
    and Clipperton fracture zones, with 50-270 m of relief in surveys of 230-250 km2 and
    slopes of about 6 degrees (near-bottom Deep Tow survey at 14 N 126 W; echo-sounder survey
    at 8 20'N 153 W); ``rms_height_m: 30`` gives 150-180 m of relief in 10 km, an rms slope
    near 4 degrees, 90 % of the seabed below 5-8 degrees and 99 % below 8-13 degrees. Hills a few km
    wide and 10-20 km long (4 and 15 km wavelengths); H = 0.9 (D = 2.1; Goff & Jordan's Sea Beam
    fits gave fractal dimensions of about 2.0-2.3); roll-off at 500 m, about twice the
    footprint of the Sea Beam beams (2.67 deg, about 200 m at 4,500 m) the von Karman
    parameters were fitted to, and the scale below which the CCZ's sediment drape smooths
    the basement relief."""

    rms_height_m: num(ge=0, le=2000) = Field(30.0, description="Root-mean-square height of the synthetic relief.")
    wavelength_across_m: num(gt=0, le=1e6) = Field(4000.0, description="Characteristic wavelength across strike (2 pi times the correlation length).")
    wavelength_along_m: num(gt=0, le=1e6) = Field(15000.0, description="Characteristic wavelength along strike; >= wavelength_across_m.")
    azimuth_deg: num(ge=-360, le=360) = Field(0.0, description="Direction the ridges run (compass, clockwise from north; 0: north-south ridges).")
    hurst: num(gt=0, le=1) = Field(0.9, description="Hurst exponent H of the von Karman spectrum (fractal dimension "
                                                   "3 - H; 0.9 from Goff & Jordan's Pacific fits).")
    rolloff_wavelength_m: num(gt=0, le=1e6) = Field(
        500.0, description="Wavelength below which the spectrum rolls off (power down by 1/e), so slopes do not grow "
                           "as the grid is refined (about twice a Sea Beam footprint at 4,500 m).")
    seed: integer(ge=0, le=2**63 - 1) = Field(0, description="Seed of the random field's white noise.")

    @model_validator(mode="after")
    def _along_not_shorter(self) -> "AbyssalHills":
        if self.wavelength_along_m < self.wavelength_across_m:
            raise fail(f"must be >= wavelength_across_m ({show(self.wavelength_across_m)}): the along-strike "
                       f"axis is the long one, got {show(self.wavelength_along_m)}", at=["wavelength_along_m"])
        if self.rolloff_wavelength_m >= self.wavelength_across_m:
            raise fail(f"must be < wavelength_across_m ({show(self.wavelength_across_m)}): the roll-off "
                       f"removes the small scales, not the hills, got {show(self.rolloff_wavelength_m)}",
                       at=["rolloff_wavelength_m"])
        return self


class Bathymetry(StrictModel):
    """The seabed: either ``flat_depth_m`` (m, positive down) or ``file`` (NetCDF with
    lon/lat and elevation or depth; ``variable`` names it, null = detect), plus optional
    synthetic ``abyssal_hills`` on the output grid's spacing (null = none)."""

    flat_depth_m: num(gt=0, le=11000) | None = Field(None, description="Depth of a flat seabed (positive down); give this or file.")
    file: FilePath | None = Field(None, description="NetCDF bathymetry with lon/lat and elevation or depth (relative to the scenario file).")
    variable: Text | None = Field(None, description="Name of the elevation or depth variable in file; null: detected.")
    abyssal_hills: AbyssalHills | None = Field(None, description="Synthetic abyssal-hill relief added on the output grid's spacing; null: none.")

    @field_validator("file")
    @classmethod
    def _file_exists(cls, v: Path | None, info: ValidationInfo) -> Path | None:
        return resolve_path(v, info, must_exist=True)

    @model_validator(mode="after")
    def _one_source(self) -> "Bathymetry":
        exactly_one(self, "flat_depth_m", "file")
        if self.variable is not None and self.file is None:
            raise fail("only allowed with file", at=["variable"])
        return self


# ---------------------------------------------------------------- currents and turbulence


class Tide(StrictModel):
    """One tidal constituent of the synthetic current: u (east) and v (north) amplitudes
    (m/s) and phases (degrees); by default v lags u by 90 degrees (a rotary tide)."""

    constituent: Literal["M2", "S2", "N2", "K2", "K1", "O1", "P1", "Q1", "M4"] = Field(description="Tidal constituent, which sets the period.")
    u_amplitude_m_s: num(ge=0, le=5) = Field(description="Amplitude of the eastward component.")
    v_amplitude_m_s: num(ge=0, le=5) = Field(0.0, description="Amplitude of the northward component.")
    phase_deg: num(ge=-360, le=360) = Field(0.0, description="Phase of the eastward component.")
    v_phase_deg: num(ge=-360, le=360) | None = Field(None, description="Phase of the northward component; null: phase_deg - 90 (a clockwise rotary tide).")

    @property
    def period_s(self) -> float:
        return TIDAL_PERIODS_H[self.constituent] * 3600.0

    @property
    def v_phase(self) -> float:
        """Phase of v in degrees: ``v_phase_deg`` if given, else ``phase_deg - 90``."""
        return self.v_phase_deg if self.v_phase_deg is not None else self.phase_deg - 90.0


class EddyEpisode(StrictModel):
    """A passing surface eddy: the abyssal flow's kinetic energy rises smoothly by ``energy_gain``
    (peak factor, >= 1) over ``duration_h`` hours from ``start_h`` (hours after the run's start)."""

    start_h: num(ge=0, le=DECADE_H) = Field(description="When the eddy's influence begins, hours after the run's start.")
    duration_h: num(gt=0, le=DECADE_H) = Field(description="How long the episode lasts.")
    energy_gain: num(ge=1, le=100) = Field(description="Peak factor by which the abyssal flow's kinetic energy rises (>= 1).")


class MidwaterFlow(StrictModel):
    """The synthetic flow away from the bed: a mean east/north current (m/s) with the same tides as the
    near-bed flow (barotropic), reached ``to_height_m`` above the bed; between ``from_height_m`` and
    there the uniform current goes linearly from the near-bed flow to this one. With ``preset: ccz``
    the values are the ones documented in plume.scenario.presets."""

    mean_u_m_s: num(ge=-5, le=5) = Field(0.0, description="Eastward mean of the midwater flow.")
    mean_v_m_s: num(ge=-5, le=5) = Field(0.0, description="Northward mean of the midwater flow.")
    from_height_m: num(ge=0, le=11_000) = Field(
        200.0, description="Height above the bed up to which the uniform flow is the near-bed flow.")
    to_height_m: num(gt=0, le=11_000) = Field(
        1000.0, description="Height above the bed from which it is the midwater flow (linear between).")

    @model_validator(mode="after")
    def _ordered(self) -> "MidwaterFlow":
        if not self.to_height_m > self.from_height_m:
            raise fail(f"must be > from_height_m ({show(self.from_height_m)}), got {show(self.to_height_m)}",
                       at=["to_height_m"])
        return self


class SyntheticCurrents(StrictModel):
    """A spatially uniform current: mean east/north components (m/s) plus tides and eddy
    episodes, with an optional logarithmic layer near the bed (roughness z0 and layer height, m).
    ``preset: ccz`` fills every key left out with documented eastern-CCZ near-bed values
    (plume.scenario.presets)."""

    preset: Literal["none", "ccz"] = Field("none", description="ccz: fill every key left out with documented eastern-CCZ near-bed values (Munoz-Royo et "
                            "al. 2022; Aleynik et al. 2017; see plume/scenario/presets.py).")
    mean_u_m_s: num(ge=-5, le=5) = Field(0.0, description="Mean eastward current.")
    mean_v_m_s: num(ge=-5, le=5) = Field(0.0, description="Mean northward current.")
    tides: list[Tide] = Field([], description="Tidal constituents added to the mean flow.")
    eddies: list[EddyEpisode] = Field([], description="Passing-eddy episodes that raise the flow's energy for a while.")
    bottom_roughness_m: num(gt=0, lt=1) | None = Field(None, description="Roughness length z0 of a logarithmic layer near the bed; null: no log layer.")
    log_layer_height_m: num(gt=0, le=1000) = Field(10.0, description="Height of the top of the log layer, where the flow has its full speed.")  # bottom boundary layers: 10-100 m thick
    midwater: MidwaterFlow | None = Field(
        None, description="The flow away from the bed (e.g. at a midwater discharge's depth); null: the near-bed flow "
                          "at every depth.")

    @model_validator(mode="before")
    @classmethod
    def _fill_from_preset(cls, data):
        if isinstance(data, dict) and data.get("preset") == "ccz":
            from .presets import CCZ_SYNTHETIC_CURRENTS

            data = {**copy.deepcopy(CCZ_SYNTHETIC_CURRENTS), **data}
        return data

    @model_validator(mode="after")
    def _layer_above_roughness(self) -> "SyntheticCurrents":
        z0 = self.bottom_roughness_m
        if z0 is not None and self.log_layer_height_m <= z0:
            raise fail(f"must be > bottom_roughness_m ({show(z0)}), got {show(self.log_layer_height_m)}",
                       at=["log_layer_height_m"])
        return self


class TerrainFollowing(StrictModel):
    """Near the bed the flow follows the seabed (w = u . grad z_b), blending to level flow at
    ``blend_height_m`` above the bed (null: twice the seabed's rms relief over the domain, at least
    20 m: the height over which abyssal hills steer the flow). Currents from a file keep their own w
    where they have one."""

    blend_height_m: num(gt=0, le=5000) | None = Field(
        None, description="Height above the bed at which the flow is level again; null: twice the seabed's rms "
                          "relief over the domain, at least 20 m.")


class CurrentVariables(StrictModel):
    """Names of the velocity variables in a current file (m/s; w optional)."""

    u: Text = Field(description="Name of the eastward velocity variable.")
    v: Text = Field(description="Name of the northward velocity variable.")
    w: Text | None = Field(None, description="Name of the upward velocity variable; null: none.")


class BedStressSpec(StrictModel):
    """How the bed shear stress (Pa) follows from the flow ``reference_height_m`` above the bed:
    ``law: log`` tau = rho (kappa u / ln(h / z0))^2 with ``roughness_m`` z0 (null: the synthetic
    log layer's, else 2 mm), or ``law: quadratic`` tau = rho C_d u^2 with ``drag_coefficient``."""

    law: Literal["log", "quadratic"] = Field("log", description="log: tau = rho (kappa u / ln(h / z0))^2; quadratic: tau = rho C_d u^2.")
    reference_height_m: num(gt=0, le=100) = Field(1.0, description="Height above the bed of the flow speed u used for the bed shear stress.")
    roughness_m: num(gt=0, lt=1) | None = Field(None, description="Roughness length z0 of the log law; null: the synthetic log layer's, else 2 mm.")
    drag_coefficient: num(gt=0, le=0.1) = Field(2.5e-3, description="Drag coefficient C_d of the quadratic law (2.5e-3 at 1 m above the bed, Soulsby 1997).")  # at 1 m above the bed (Soulsby 1997)


class Currents(StrictModel):
    """Exactly one of ``synthetic`` currents, a gridded NetCDF ``file`` (CF names, or
    ``variables``) or an ``adcp`` NetCDF file: a single-point profile time series
    u, v (time, height above bed), applied uniformly in the horizontal with heights
    above the local seabed (constant below the lowest bin and above the highest).
    ``bed_stress`` says how the bed shear stress follows from the near-bed flow.
    ``extend_to_bed`` (file only) says how a file whose deepest level stops short of the seabed
    reaches it: ``log_layer`` (law of the wall below the deepest level, with the bed roughness of
    ``bed_stress``) or ``uniform`` (the deepest level's flow down to the bed); null: such a file
    is refused, since the bed flow would silently be that of a level far above the bed."""

    synthetic: SyntheticCurrents | None = Field(None, description="A spatially uniform synthetic current; give one of synthetic, file or adcp.")
    file: FilePath | None = Field(None, description="Gridded NetCDF currents (CF names, or variables), relative to the scenario file.")
    adcp: FilePath | None = Field(None, description="NetCDF single-point profile time series u, v (time, height above bed), applied uniformly.")
    variables: CurrentVariables | None = Field(None, description="Names of the velocity variables in file or adcp; null: CF standard names.")
    extend_to_bed: Literal["log_layer", "uniform"] | None = Field(
        None, description="For a current file whose deepest level stops more than 100 m above the seabed: log_layer "
                           "(law of the wall from the deepest level) or uniform; null refuses such a file.")
    bed_stress: BedStressSpec = Field(BedStressSpec(), description="How the bed shear stress follows from the near-bed flow.")
    terrain_following: TerrainFollowing | None = Field(
        TerrainFollowing(), description="Near the bed the flow follows the seabed (w = u . grad z_b); null: level "
                                        "flow everywhere (particles can then be carried into hills).")

    @property
    def bed_roughness_m(self) -> float:
        """z0 (m) of the log-law bed stress: given, else the synthetic log layer's, else 2 mm."""
        if self.bed_stress.roughness_m is not None:
            return float(self.bed_stress.roughness_m)
        if self.synthetic is not None and self.synthetic.bottom_roughness_m is not None:
            return float(self.synthetic.bottom_roughness_m)
        return 0.002

    @field_validator("file", "adcp")
    @classmethod
    def _file_exists(cls, v: Path | None, info: ValidationInfo) -> Path | None:
        return resolve_path(v, info, must_exist=True)

    @model_validator(mode="after")
    def _one_source(self) -> "Currents":
        exactly_one(self, "synthetic", "file", "adcp")
        if self.variables is not None and self.file is None and self.adcp is None:
            raise fail("only allowed with file or adcp", at=["variables"])
        if self.extend_to_bed is not None and self.file is None:
            raise fail("only allowed with file (synthetic currents have their own log layer; an ADCP "
                       "profile is held constant below its lowest bin)", at=["extend_to_bed"])
        if self.bed_stress.law == "log" and not self.bed_stress.reference_height_m > self.bed_roughness_m:
            raise fail(f"must be > the bed roughness z0 ({show(self.bed_roughness_m)} m), "
                       f"got {show(self.bed_stress.reference_height_m)}", at=["bed_stress", "reference_height_m"])
        return self


class ConstantDiffusivity(StrictModel):
    """Vertical diffusivity ``value_m2_s`` (m2/s), the same at all heights."""

    profile: Literal["constant"] = Field(description="constant: the same vertical diffusivity at all heights.")
    value_m2_s: num(ge=0, le=MAX_VERTICAL_M2_S) = Field(0.0, description="Vertical eddy diffusivity.")


class TableDiffusivity(StrictModel):
    """Vertical diffusivity (m2/s) tabulated against height above the bed (m);
    interpolated linearly between the rows."""

    profile: Literal["table"] = Field(description="table: vertical diffusivity tabulated against height above the bed.")
    height_above_bed_m: list[num(ge=0, le=12_000)] = Field(min_length=2, description="Heights of the table rows (increasing).")
    value_m2_s: list[num(ge=0, le=MAX_VERTICAL_M2_S)] = Field(min_length=2, description="Vertical eddy diffusivity at each height; linear in between.")

    @model_validator(mode="after")
    def _table(self) -> "TableDiffusivity":
        if not is_increasing(self.height_above_bed_m):
            raise fail(f"must be strictly increasing, got {show(self.height_above_bed_m)}",
                       at=["height_above_bed_m"])
        if len(self.value_m2_s) != len(self.height_above_bed_m):
            raise fail(f"must have as many values as height_above_bed_m ({len(self.height_above_bed_m)}), "
                       f"got {len(self.value_m2_s)}", at=["value_m2_s"])
        return self


class BoundaryLayerDiffusivity(StrictModel):
    """Vertical diffusivity of the bottom boundary layer from the friction velocity u* (m/s):
    ``parabolic`` K = kappa u* h (1 - h / thickness) or ``law_of_the_wall`` K = kappa u* h (capped),
    never below ``background_m2_s``, which also applies above ``thickness_m``. u* is a given
    number, or ``from_flow`` (the default): u* = sqrt(tau / rho) from the bed shear stress of the
    local near-bed flow (``currents.bed_stress``), at each particle and step."""

    profile: Literal["boundary_layer"] = Field(description="boundary_layer: diffusivity of the bottom boundary layer from u*.")
    friction_velocity_m_s: num(gt=0, le=1) | Literal["from_flow"] = Field("from_flow", description="Friction velocity u*, or from_flow: sqrt(tau / rho) from the local bed shear stress.")
    thickness_m: num(gt=0, le=1000) = Field(20.0, description="Thickness of the boundary layer; background_m2_s applies above it.")
    background_m2_s: num(ge=0, le=MAX_VERTICAL_M2_S) = Field(1.0e-5, description="Lowest vertical diffusivity, everywhere.")
    shape: Literal["parabolic", "law_of_the_wall"] = Field("parabolic", description="parabolic: K = kappa u* h (1 - h / thickness); law_of_the_wall: K = kappa u* h (capped).")


class ScaleDependentDiffusion(StrictModel):
    """Horizontal spreading that grows with the cloud's size (Okubo 1971, Deep-Sea Res. 18, 789-802):
    radial variance ``variance_coefficient_cm2`` t^``variance_exponent`` (cm2, t in s since release;
    0.0108 and 2.34 from Okubo's diagram), added to the constant ``horizontal_m2_s``."""

    law: Literal["okubo"] = Field("okubo", description="okubo: radial variance a t^m (Okubo 1971).")
    variance_coefficient_cm2: num(gt=0, le=10) = Field(
        0.0108, description="a in sigma_rc^2 = a t^m (cm2, t in s; 0.0108 from Okubo's diagram).")
    variance_exponent: num(ge=1, le=3) = Field(2.34, description="m in sigma_rc^2 = a t^m (2.34, Okubo 1971).")


class DensityDamping(StrictModel):
    """Damping of vertical mixing by the sediment's own density: K times the Munk-Anderson factor
    (1 + 3.33 Ri)^-1.5, Ri from the local concentration gradient and the log-layer shear."""

    law: Literal["munk_anderson"] = Field(
        "munk_anderson", description="munk_anderson: K times (1 + 3.33 Ri)^-1.5 (Munk & Anderson 1948).")


class TurbulenceSpec(StrictModel):
    """Eddy diffusivities (m2/s): ``horizontal_m2_s`` and a ``vertical`` profile; optional
    ``horizontal_scale_dependent`` spreading and ``density_damping`` of vertical mixing."""

    horizontal_m2_s: num(ge=0, le=MAX_HORIZONTAL_M2_S) = Field(0.0, description="Horizontal eddy diffusivity.")
    horizontal_scale_dependent: ScaleDependentDiffusion | None = Field(
        None, description="Spreading that grows with the plume's size (Okubo 1971), added to horizontal_m2_s; null: "
                          "off.")
    density_damping: DensityDamping | None = Field(
        None, description="Damping of vertical mixing by the sediment's own density (Munk & Anderson 1948); null: "
                          "off.")
    vertical: Annotated[Union[ConstantDiffusivity, TableDiffusivity, BoundaryLayerDiffusivity],
                        Field(discriminator="profile")] = Field(ConstantDiffusivity(profile="constant"), description="Vertical eddy diffusivity profile: constant, table or boundary_layer.")
