"""The scenario file: pydantic models of its keys, YAML loading and clear errors.

A scenario is validated once, on load, and is then a plain object in SI
units: everything downstream (environment, sources, solver, output) trusts
it. Keys carry their unit in the name (``rate_kg_s``, ``duration_h``); the
models document what each key means. Every problem becomes one
``ScenarioError`` line, ``<file>: <key path>: <what is wrong>, got <value>``
(see ``plume.scenario.errors`` for the translation of pydantic's errors).
See DESIGN.md sections 3 and 4 for the contract.

Modules: ``values`` (value types, limits, shared checks), ``environment``
(site, time, seabed, currents, turbulence), ``sediment``, ``sources``,
``layout`` (particles, grid, thresholds, output), ``model`` (Scenario),
``loading`` (YAML, ``extends:`` and ``--set``), ``errors`` (pydantic errors as one line) and
``reference`` (docs/scenario.md, generated from the models).
"""
from .environment import (TIDAL_PERIODS_H, AbyssalHills, Bathymetry, BoundaryLayerDiffusivity, ConstantDiffusivity,
                          EddyEpisode, Currents, CurrentVariables,
                          Site, SyntheticCurrents, TableDiffusivity, Tide, TimeSpec, TurbulenceSpec)
from .layout import GridSpec, OutputSpec, ParticlesSpec, Thresholds
from .loading import load_scenario, scenario_from_dict
from .model import Scenario
from .sediment import SedimentClass, SedimentSpec
from .sources import Collector, Discharge, Source, Track
from .values import (MAX_CELLS, MAX_OUTPUT_BYTES, MAX_OUTPUTS, MAX_STEPS, REL_TOL, ExtentM, FilePath, PointM, Text,
                     UtcDatetime, integer, num)

__all__ = [
    "load_scenario", "scenario_from_dict", "Scenario", "TIDAL_PERIODS_H",
    "Site", "TimeSpec", "AbyssalHills", "Bathymetry", "Tide", "SyntheticCurrents", "CurrentVariables", "Currents",
    "ConstantDiffusivity", "TableDiffusivity", "BoundaryLayerDiffusivity", "EddyEpisode", "TurbulenceSpec", "SedimentClass", "SedimentSpec",
    "Track", "Collector", "Discharge", "Source", "ParticlesSpec", "GridSpec", "Thresholds", "OutputSpec",
    "MAX_STEPS", "MAX_OUTPUTS", "MAX_CELLS", "MAX_OUTPUT_BYTES", "REL_TOL",
    "num", "integer", "Text", "FilePath", "PointM", "ExtentM", "UtcDatetime",
]
