"""Scenario models of the numerics and output: particles, grid, thresholds, output files."""
import math
from pathlib import Path
from typing import Literal

from pydantic import Field, StrictBool, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .errors import fail, show
from .values import MAX_CELLS, MAX_DEPTH_M, MAX_DISTANCE_M, REL_TOL, ExtentM, FilePath, is_increasing, StrictModel, resolve_path, whole_multiple, integer, num


class ParticlesSpec(StrictModel):
    """Number of particles released over the whole run, and the random seed."""

    count: integer(ge=1, le=100_000_000) = Field(description="Number of particles released over the whole run.")
    seed: integer(ge=0, le=2**63 - 1) = Field(0, description="Random seed; the same seed gives the same run.")
    # independent particle groups (a hash of the particle id, modulo groups): the spread of each metric across them gives its
    # statistical uncertainty (delete-a-group jackknife; docs/outputs.md)
    groups: integer(ge=2, le=64) = Field(
        8, description="Independent particle groups (a hash of the particle id, modulo groups) whose spread gives every SSC and "
                       "deposit metric its statistical uncertainty.")
    # what density damping, hindered settling and flocculation read near the bed; measured both ways in the README's
    # "Convergence": the default scenario converges with the histogram, the collector designs (where one particle alone
    # is about 19 mg/L in a cell) only with the estimator
    local_concentration: Literal["histogram", "estimator"] = Field(
        "histogram", description="The near-bed concentration that density damping, hindered settling and flocculation "
                                 "read: histogram (the particles' mass in each cell) or estimator (the near-bed SSC "
                                 "estimator's field, output.ssc_estimator). Midwater: always the histogram. The default "
                                 "converges in the default scenario, estimator in the collector designs "
                                 "(README \"Convergence\").")


class GridSpec(StrictModel):
    """The output grid: cells of ``resolution_m`` over ``extent_m`` [x min, x max, y min,
    y max] (m, local frame); near-bed layers bounded by ``layers_above_bed_m`` (m above
    the bed); optional midwater cells bounded by ``depth_levels_m`` (m below the surface)."""

    resolution_m: num(gt=0, le=MAX_DISTANCE_M) = Field(description="Horizontal cell size.")
    extent_m: ExtentM = Field(
        description="[x min, x max, y min, y max] of the grid in the local frame; spans are multiples of resolution_m.")
    layers_above_bed_m: list[num(ge=0, le=MAX_DEPTH_M)] = Field(
        default=[0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0], min_length=2,
        description="Bounds of the near-bed output layers, heights above the bed (increasing).")
    depth_levels_m: list[num(gt=0, le=MAX_DEPTH_M)] | None = Field(
        default=None, min_length=2,
        description="Bounds of midwater output cells, depths below the surface (increasing); null: none.")

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
            n = whole_multiple(span, self.resolution_m)
            if n is None:
                raise fail(f"{axis} span ({show(span)} m) must be a whole multiple of resolution_m "
                           f"({show(self.resolution_m)} m), got {show(list(self.extent_m))}", at=["extent_m"])
            counts.append(n)
        if counts[0] * counts[1] > MAX_CELLS:
            raise fail(f"{counts[0]} x {counts[1]} cells is more than {MAX_CELLS:,}; use a larger "
                       f"resolution_m or a smaller extent_m, got {show(self.resolution_m)}", at=["resolution_m"])
        for key in ("layers_above_bed_m", "depth_levels_m"):
            values = getattr(self, key)
            if values is not None and not is_increasing(values):
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


class Thresholds(StrictModel):
    """Impact thresholds: deposit thickness (mm) and suspended sediment (mg/L)."""

    deposit_mm: list[num(gt=0, le=10_000)] = Field(
        default=[0.1, 1.0, 10.0], min_length=1, description="Deposit thickness thresholds (increasing).")
    ssc_mg_l: list[num(gt=0, le=1e6)] = Field(
        default=[1.0, 10.0], min_length=1, description="Suspended sediment concentration thresholds (increasing).")

    @model_validator(mode="after")
    def _sorted(self) -> "Thresholds":
        for key in ("deposit_mm", "ssc_mg_l"):
            if not is_increasing(getattr(self, key)):
                raise fail(f"must be strictly increasing, got {show(getattr(self, key))}", at=[key])
        return self

    @property
    def deposit_m(self) -> list[float]:
        return [v / 1000.0 for v in self.deposit_mm]

    @property
    def ssc_kg_m3(self) -> list[float]:
        return [v / 1000.0 for v in self.ssc_mg_l]  # mg/L = g/m3


class OutputSpec(StrictModel):
    """Where results go (relative to the scenario file's folder) and what is written."""

    directory: FilePath = Field(
        default=Path("outputs"), validate_default=True,
        description="Folder for the results, relative to the scenario file.")
    trajectories: StrictBool = Field(False, description="Also write a trajectory file of a sample of particles.")
    # the trajectory file's sample: this many particles, every this many seconds (a multiple of
    # time.output_every_s; default: every output time)
    trajectory_particles: integer(ge=1, le=1_000_000) = Field(
        1000, description="Number of particles in the trajectory sample.")
    trajectory_every_s: num(gt=0, le=3.2e8) | None = Field(
        None, description="Time between trajectory samples (a multiple of time.output_every_s); null: every output "
                          "time.")
    # distance limits (m) from the track for the deposited-mass fractions among the metrics
    metric_distances_m: list[num(gt=0, le=MAX_DISTANCE_M)] = Field(
        default=[100.0, 500.0, 1000.0, 5000.0], min_length=1,
        description="Distances from the track for the deposited-mass fractions among the metrics (increasing).")
    maps: StrictBool = Field(False, description="Also draw maps of the results.")
    # also write deposit_mass_by_class (time, sediment_class, y, x) and the per-class metrics
    per_class: StrictBool = Field(False, description="Also write deposit_mass_by_class and the per-class metrics.")
    # how particles become near-bed SSC (snapshots, ssc_max, exceedance times): docs/outputs.md
    ssc_estimator: Literal["kde", "histogram"] = Field(
        "kde", description="Near-bed SSC estimator: kde (adaptive biweight kernels, Abramson 1982; Pedretti and "
                           "Fernandez-Garcia 2013) or histogram (each particle's mass in its cell).")
    # how landed particles become the reported deposit (deposit_mass, its areas and metrics): docs/outputs.md
    deposit_estimator: Literal["kde", "histogram"] = Field(
        "kde", description="Deposit estimator: kde (the histogram of where particles landed, each cell spread by the "
                           "adaptive biweight kernel of the SSC estimator with a bandwidth from the particles "
                           "deposited in it; Wand and Jones 1995) or histogram (each particle's mass in its cell). "
                           "Resuspension always erodes the histogram.")
    # a long run saves its state every this many hours of model time; `plume run --resume` continues
    # from the last checkpoint (plume.checkpoint)
    checkpoint_every_h: num(gt=0, le=100_000) | None = Field(
        None, description="Save a checkpoint (<name>.checkpoint beside the result) every this many hours of model "
                          "time, for plume run --resume; null: no checkpoints.")

    # time-aggregated records for long runs (plume.records; docs/outputs.md "Averaged records")
    mean_every_h: num(gt=0, le=100_000) | None = Field(
        None, description="Also write the near-bed SSC averaged over every interval of this many hours (integrated "
                          "on every model step), the net deposition rate over it and the time above each SSC "
                          "threshold since the start; a whole multiple of time.step_s; null: none.")

    @field_validator("metric_distances_m")
    @classmethod
    def _increasing_distances(cls, v: list) -> list:
        if not is_increasing(v):
            raise fail(f"must be strictly increasing, got {show(v)}")
        return v
    overlays: list[FilePath] = Field(default_factory=list, description="GeoJSON or shapefiles drawn on every map.")

    @field_validator("directory")
    @classmethod
    def _resolve_directory(cls, v: Path, info: ValidationInfo) -> Path:
        return resolve_path(v, info, must_exist=False)

    @field_validator("overlays")
    @classmethod
    def _resolve_overlays(cls, v: list[Path], info: ValidationInfo) -> list[Path]:
        resolved = []
        for i, path in enumerate(v):
            try:
                resolved.append(resolve_path(path, info, must_exist=True))
            except PydanticCustomError as err:  # point at the item, not the whole list
                raise fail(err.context["msg"], at=[i]) from None
        return resolved
