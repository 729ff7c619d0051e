"""Shared fixtures: the small test scenario (tests/helpers.py builds it) and the closed column.

Tests that compile the particle step or run long carry the ``slow`` marker (registered in
pyproject.toml); they run by default, and ``pytest -m "not slow"`` leaves them out.
"""
from __future__ import annotations

import pytest

import helpers

# a neutral class over a reflecting bed: nothing settles, nothing deposits (closed columns)
NEUTRAL_REFLECTING = {"deposition": {"condition": "reflecting"},
                      "classes": [{"name": "neutral", "mass_fraction": 1.0, "settling_m_s": 0.0}]}


@pytest.fixture
def scenario_data():
    """A fresh copy of the small test scenario as a dict (edit it freely)."""
    return helpers.scenario_dict()


@pytest.fixture
def make(tmp_path):
    """make(**changes): the small test scenario with `changes` deep-merged in, validated in tmp_path."""
    def build(**changes):
        return helpers.make_scenario(tmp_path, **changes)
    return build


@pytest.fixture
def closed_column_data():
    """closed_column_data(depth_m, **changes): a neutral class released 5 m above a reflecting bed in
    a still column of depth_m, as a dict (the turbulence block is the caller's)."""
    def build(depth_m, **changes):
        data = helpers.scenario_dict(
            bathymetry={"flat_depth_m": depth_m},
            sediment=NEUTRAL_REFLECTING,
            sources=[{"kind": "discharge", "name": "p", "position_m": [0, 0], "height_above_bed_m": 5,
                      "mass_kg": 1.0, "start_h": 0}])
        return helpers.merge(data, changes)
    return build
