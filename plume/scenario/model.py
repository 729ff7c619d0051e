"""The whole scenario: the Scenario model, its cross-section checks and validation into one error line."""
import os
import re
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BeforeValidator, Field, PrivateAttr, ValidationError, model_validator

from plume.errors import ScenarioError

from .environment import Bathymetry, Currents, Site, TimeSpec, TurbulenceSpec
from .errors import fail, format_validation_error, one_line, show
from .layout import GridSpec, OutputSpec, ParticlesSpec, Thresholds
from .sediment import SedimentSpec
from .sources import Collector, Source
from .water_column import WaterColumn
from .values import MAX_OUTPUT_BYTES, REL_TOL, StrictModel, whole_multiple

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


class Scenario(StrictModel):
    """A whole scenario file, validated, in SI units: every key below, each block in its own table."""

    name: Annotated[str, BeforeValidator(_as_name)] = Field(
        description="Short name of the run; it names the output files (letters, digits, '.', '_', '-').")
    title: Annotated[str, BeforeValidator(_as_title)] = Field(
        "", description="Human-readable title for maps and summaries; empty: the name.")
    site: Site = Field(description="Geographic origin of the local x/y frame.")
    time: TimeSpec = Field(description="Start, length, solver step and output interval of the run.")
    bathymetry: Bathymetry = Field(
        description="The seabed: a flat depth or a bathymetry file, with optional abyssal hills.")
    currents: Currents = Field(
        description="The ambient flow: synthetic, a gridded NetCDF file or an ADCP profile file.")
    turbulence: TurbulenceSpec = Field(TurbulenceSpec(), description="Horizontal and vertical eddy diffusivities.")
    sediment: SedimentSpec = Field(
        description="Grain classes, material properties and the seabed's response (deposition, resuspension).")
    sources: list[Source] = Field(
        min_length=1, description="The collectors and discharges that release sediment (at least one).")
    water_column: WaterColumn = Field(
        default_factory=WaterColumn,
        description="Stratification (potential density profile) for the midwater jet; default: eastern CCZ.")
    particles: ParticlesSpec = Field(description="Number of particles and the random seed.")
    grid: GridSpec = Field(description="The output grid (horizontal cells, near-bed layers, optional midwater cells).")
    thresholds: Thresholds = Field(
        Thresholds(), description="Deposit thickness and suspended-sediment thresholds for the impact metrics.")
    # validated even when absent, so that its directory resolves against the file's folder
    output: OutputSpec = Field(  # type: ignore[arg-type]
        default_factory=dict, validate_default=True,
        description="Where results are written and which optional files are made.")

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
                depth = self.bathymetry.flat_depth_m
                if depth is not None and s.release_height_m >= depth:  # as for a discharge's height
                    raise fail(f"must be < bathymetry.flat_depth_m ({show(depth)}), got {show(s.release_height_m)}",
                               at=["sources", i, "release_height_m"])
                if s.track.waypoints_m is not None:  # every vertex: the polyline then lies inside too
                    for j, (x, y) in enumerate(s.track.waypoints_m):
                        if not self.grid.contains(x, y):
                            raise fail(f"must lie inside {extent}, got {show([x, y])}",
                                       at=["sources", i, "track", "waypoints_m", j])
                elif not all(self.grid.contains(x, y) for x, y in s.track.corners()):
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
        mean_h = self.output.mean_every_h
        if mean_h is not None:
            if mean_h * 3600.0 > self.time.duration_s * (1 + REL_TOL):
                raise fail(f"must be <= time.duration_h ({show(self.time.duration_h)}), got {show(mean_h)}",
                           at=["output", "mean_every_h"])
            if whole_multiple(mean_h * 3600.0, self.time.step_s) is None:
                raise fail(f"must be a whole multiple of time.step_s ({show(self.time.step_s)} s), got "
                           f"{show(mean_h)} h", at=["output", "mean_every_h"])
        size = self.time.n_outputs * (self.grid.n_layers + self.grid.n_depth_cells) * self.grid.nx * self.grid.ny * 4
        if size > MAX_OUTPUT_BYTES:
            raise fail(f"the output would hold about {size / 2**30:.1f} GiB of concentrations on disk (more than "
                       f"{MAX_OUTPUT_BYTES // 2**30} GiB); use a larger time.output_every_s or grid.resolution_m, "
                       f"a smaller grid.extent_m or fewer grid.layers_above_bed_m / grid.depth_levels_m",
                       at=["grid"])
        return self

    @property
    def warnings(self) -> list[str]:
        """Values inside their physical range that look like a unit slip (plume.scenario.plausibility)."""
        from .plausibility import unit_slip_warnings

        return unit_slip_warnings(self)

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
        new = validate_data(data, self._base_dir or Path.cwd(), label, self._source_text, self._source_path)
        if changes:  # record the values actually used, for provenance in the outputs
            dumped = yaml.safe_dump(new.model_dump(mode="json"), sort_keys=False)
            new._source_text = f"# {label} with overrides: {', '.join(changes)}\n{dumped}"
        return new


def validate_data(data: Any, base_dir: Path, label: str, text: str | None, path: Path | None) -> Scenario:
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
