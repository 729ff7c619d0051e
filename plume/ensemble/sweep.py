"""The sweep file: which scenario(s) an ensemble starts from and what varies between its members.

    name: speeds_and_seeds                 # names <name>.nc and the members' folder <name>_members/
    base: ../collectors/narrow_slow.yaml   # one scenario file ... (or scenarios: [a.yaml, b.yaml])
    set: {time.duration_h: 2}              # the same overrides for every member (as `plume run --set`)
    grid:                                  # every combination of these values
      sources[0].track.speed_m_s: [0.25, 0.5]
    monte_carlo:                           # realisations with their own seeds and drawn keys
      realisations: 3
      seed: 2026
      draw:
        currents.synthetic.tides[0].phase_deg: {uniform: [0, 360]}

The members are every scenario file x every grid combination x every realisation. Keys are the
dotted key paths of `plume run --set` (plume.scenario.loading.with_settings). Every member scenario
is validated here, before anything runs; every problem is one ScenarioError line naming the file
and the key.
"""
from __future__ import annotations

import itertools
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import numpy as np
from pydantic import Field, StrictBool, ValidationError, field_validator, model_validator

from ..errors import ScenarioError
from ..scenario.errors import fail, format_validation_error, one_line, show
from ..scenario.loading import _key_path, _read_yaml
from ..scenario.values import StrictModel, integer, num

MAX_MEMBERS = 10_000  # a typo in a grid (a list of ranges) should not queue a million runs
DEFAULT_PERCENTILES = (5.0, 50.0, 95.0)  # the usual 90 % band and the median
SEED_LIMIT = 2**31 - 1  # particle seeds drawn for realisations stay small enough to read

def _check_key(key: str) -> str:
    if key in ("name", "output.directory", "output.maps", "output.trajectories"):
        raise ValueError("is set by the ensemble for every member (member names, the members' folder)")
    try:
        _key_path(key)
    except ValueError as exc:
        raise ValueError(f"not a key path ({exc}); write it as for plume run --set, "
                         "e.g. sources[0].rate_kg_s") from None
    return key


class Uniform(StrictModel):
    """A value drawn uniformly between two bounds."""

    uniform: tuple[num(), num()] = Field(description="Lower and upper bound.")

    @model_validator(mode="after")
    def _ordered(self) -> "Uniform":
        if self.uniform[1] < self.uniform[0]:
            raise fail(f"the upper bound must be >= the lower bound, got {show(list(self.uniform))}", at=["uniform"])
        return self


class Choice(StrictModel):
    """A value drawn with equal chance from a list."""

    choice: list[Any] = Field(min_length=1, description="The values to draw from.")


class MonteCarlo(StrictModel):
    """Realisations: each draws its particle seed and the keys of `draw` from its own random stream."""

    realisations: integer(ge=1, le=MAX_MEMBERS) = Field(description="Number of realisations.")
    seed: integer(ge=0, le=2**63 - 1) = Field(0, description="Seed of the draws (the same seed: the same members).")
    draw: dict[str, Union[Uniform, Choice]] = Field(
        default_factory=dict, description="Scenario keys drawn for each realisation: {uniform: [lo, hi]} or "
                                          "{choice: [a, b, ...]}, e.g. tidal phases or eddy start times.")
    particle_seeds: StrictBool = Field(True, description="Give every realisation its own particles.seed.")

    @field_validator("draw")
    @classmethod
    def _keys(cls, v: dict) -> dict:
        for key in v:
            try:
                _check_key(key)
            except ValueError as exc:
                raise fail(str(exc), at=[key]) from None
        return v


class Sweep(StrictModel):
    """A sweep file: the scenario(s) an ensemble starts from and what varies between its members."""

    name: str = Field(description="Names the ensemble file <name>.nc and the members <name>_000, ...")
    title: str = Field("", description="Title of the ensemble file; empty: the name.")
    base: Path | None = Field(None, description="The scenario file every member starts from (relative to the "
                                                "sweep file); give this or scenarios.")
    scenarios: list[Path] | None = Field(None, min_length=1, description="Several scenario files (each crossed "
                                                                          "with the grid and the realisations).")
    set: dict[str, Any] = Field(default_factory=dict, description="Overrides for every member, key path: value.")
    grid: dict[str, list[Any]] = Field(default_factory=dict, description="Key path: list of values; the members "
                                                                         "take every combination.")
    monte_carlo: MonteCarlo | None = Field(None, description="Realisations with their own seeds and drawn keys.")
    percentiles: list[num(ge=0, le=100)] = Field(list(DEFAULT_PERCENTILES), min_length=1,
                                                 description="Percentiles of every impact metric over the members.")
    retries: integer(ge=0, le=10) = Field(2, description="Times a failed member is run again before it is reported.")
    batches: integer(ge=1, le=1000) = Field(
        1, description="Particle batches per member: each a task on its share of the particles with its own seed, "
                       "combined into the member's result (plume.ensemble.batches).")
    directory: Path = Field(Path("outputs"), description="Output folder, relative to the sweep file "
                                                         "(plume ensemble --output overrides it).")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", v) or len(v) > 80:
            raise fail("must start with a letter or digit and use only letters, digits, '.', '_' and '-' "
                       "(it names the output files; at most 80 characters)", with_value=True)
        return v

    @field_validator("set", "grid")
    @classmethod
    def _keys(cls, v: dict, info) -> dict:
        for key, values in v.items():
            try:
                _check_key(key)
            except ValueError as exc:
                raise fail(str(exc), at=[key]) from None
            if info.field_name == "grid" and not values:
                raise fail("must list at least one value", at=[key])
        return v

    @model_validator(mode="after")
    def _consistent(self) -> "Sweep":
        if (self.base is None) == (self.scenarios is None):
            raise fail("give either base (one scenario file) or scenarios (a list of them)")
        varied = list(self.grid) + (list(self.monte_carlo.draw) if self.monte_carlo else [])
        for key in varied:
            if key in self.set:
                raise fail("is also in set: a key either varies or is fixed", at=["grid" if key in self.grid
                                                                                   else "monte_carlo", key])
        both = set(self.grid) & set(self.monte_carlo.draw if self.monte_carlo else {})
        if both:
            raise fail(f"{sorted(both)[0]} is both in grid and in monte_carlo.draw", at=["grid"])
        count = self.member_count
        if count > MAX_MEMBERS:
            raise fail(f"makes {count} members, more than {MAX_MEMBERS}; is a grid list too long?")
        for where in ("grid", "set"):
            if self.monte_carlo and self.monte_carlo.particle_seeds and "particles.seed" in getattr(self, where):
                raise fail(f"particles.seed is in {where} while monte_carlo.particle_seeds draws it: set "
                           "monte_carlo.particle_seeds: false", at=[where, "particles.seed"])
        return self

    @property
    def scenario_files(self) -> list[Path]:
        return [self.base] if self.base is not None else list(self.scenarios or [])

    @property
    def member_count(self) -> int:
        n = len(self.scenario_files) * int(np.prod([len(v) for v in self.grid.values()], dtype=np.int64))
        return n * (self.monte_carlo.realisations if self.monte_carlo else 1)


@dataclass
class Member:
    """One member: its name, its validated scenario and the values of what varies (key -> value)."""

    index: int
    name: str
    scenario: Any  # plume.scenario.Scenario
    varied: dict[str, Any] = field(default_factory=dict)


def load_sweep(path: str | Path) -> tuple[Sweep, str]:
    """The validated sweep file at `path` and its text; any problem is one ScenarioError line."""
    label = one_line(str(path))
    data, text = _read_yaml(Path(path), label)
    if not isinstance(data, dict):
        raise ScenarioError(f"{label}: the top level must be a mapping of keys (name:, base:, grid:, ...)")
    try:
        sweep = Sweep.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(f"{label}: {format_validation_error(exc, Sweep)}") from None
    return sweep, text


def _as_setting(key: str, value: Any) -> str:
    """`key=value`, the value as YAML that reads back as itself (JSON is YAML)."""
    return f"{key}={json.dumps(value, default=str)}"


def _realisations(mc: MonteCarlo | None) -> list[dict[str, Any]]:
    """The drawn values of each realisation (particles.seed first), from one stream per realisation:
    adding realisations leaves the earlier ones as they were."""
    if mc is None:
        return [{}]
    draws = []
    for r in range(mc.realisations):
        rng = np.random.default_rng([mc.seed, r])
        values: dict[str, Any] = {}
        if mc.particle_seeds:
            values["particles.seed"] = int(rng.integers(0, SEED_LIMIT))
        for key, law in mc.draw.items():
            if isinstance(law, Uniform):
                values[key] = float(rng.uniform(*law.uniform))
            else:
                values[key] = law.choice[int(rng.integers(len(law.choice)))]
        draws.append(values)
    return draws


def expand(sweep: Sweep, sweep_path: Path, output_dir: Path) -> list[Member]:
    """Every member of the sweep as a validated scenario writing into `output_dir`/<name>_members/.

    Fails (one ScenarioError line naming the member and the key) before anything runs."""
    from ..scenario import load_scenario

    folder = Path(sweep_path).parent
    members_dir = (Path(output_dir) / f"{sweep.name}_members").absolute()
    files = [Path(folder, os.path.expanduser(f)) for f in sweep.scenario_files]
    for f in files:
        if not f.is_file():
            key = "base" if sweep.base is not None else "scenarios"
            raise ScenarioError(one_line(f"{sweep_path}: {key}: no such scenario file: {f}"))
    combos = list(itertools.product(*sweep.grid.values())) or [()]
    draws = _realisations(sweep.monte_carlo)
    width = max(3, len(str(sweep.member_count - 1)))
    members = []
    for file, combo, (realisation, drawn) in itertools.product(files, combos, enumerate(draws)):
        index = len(members)
        name = f"{sweep.name}_{index:0{width}d}"
        varied: dict[str, Any] = {}
        if sweep.scenarios is not None:
            varied["scenario"] = str(Path(file).relative_to(folder) if Path(file).is_relative_to(folder) else file)
        if sweep.monte_carlo is not None:
            varied["realisation"] = realisation
        varied.update(zip(sweep.grid, combo))
        varied.update(drawn)
        settings = [_as_setting(k, v) for k, v in sweep.set.items()]
        settings += [_as_setting(k, v) for k, v in {**dict(zip(sweep.grid, combo)), **drawn}.items()]
        settings += [_as_setting("name", name), _as_setting("output.directory", str(members_dir)),
                     "output.maps=false", "output.trajectories=false"]
        try:
            scenario = load_scenario(file, settings)
        except ScenarioError as exc:
            raise ScenarioError(one_line(f"{sweep_path}: member {name}: {exc}")) from None
        if scenario.particles.count < sweep.batches:
            raise ScenarioError(one_line(f"{sweep_path}: batches: {sweep.batches} batches of member {name}'s "
                                         f"{scenario.particles.count} particles would leave a batch empty"))
        members.append(Member(index, name, scenario, varied))
    _check_comparable(members, sweep_path)
    return members


def _check_comparable(members: list[Member], sweep_path: Path) -> None:
    """The products stack the members cell by cell: they must share the grid and the thresholds."""
    first = members[0]
    for m in members[1:]:
        for key in ("grid", "thresholds", "site"):
            if getattr(m.scenario, key) != getattr(first.scenario, key):
                raise ScenarioError(one_line(
                    f"{sweep_path}: members {first.name} and {m.name} differ in {key}; the ensemble's "
                    f"products add the members up cell by cell, so every member needs the same {key}"))
