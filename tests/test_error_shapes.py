"""Pins the shapes of pydantic's validation errors that plume.scenario.errors turns into one line, so
that a pydantic upgrade that changes them fails here, not silently in users' messages."""
from __future__ import annotations

import pytest
from helpers import make_scenario

from plume.errors import ScenarioError


@pytest.mark.parametrize("changes, expected", [
    # an unknown key, with its near-match suggestion
    ({"particles": {"cont": 5}}, "particles.cont: unknown key"),
    # a number out of its range: the bound and the value
    ({"time": {"duration_h": -1}}, "time.duration_h: must be > 0, got -1"),
    # a wrong type
    ({"particles": {"count": "many"}}, "particles.count: "),
    # a missing required key inside a list item, with its index
    ({"sources": [{"kind": "discharge", "name": "p", "position_m": [0, 0], "mass_kg": 1.0, "start_h": 0}]},
     "sources[0]"),
    # a wrong literal (discriminated union tag)
    ({"turbulence": {"vertical": {"profile": "parabola"}}}, "turbulence.vertical.profile"),
    # our own validator's error, placed at a key below the model
    ({"sediment": {"deposition_probability": 0.5, "classes": [{"name": "a", "mass_fraction": 1.0,
                                                               "settling_m_s": 0.0}]}},
     "sediment.deposition_probability: this key moved into a block; write deposition: {efficiency: P}"),
])
def test_each_pydantic_error_shape_becomes_one_line_naming_the_key(tmp_path, changes, expected):
    with pytest.raises(ScenarioError) as err:
        make_scenario(tmp_path, **changes)
    message = str(err.value)
    assert expected in message, message
    assert "\n" not in message and "pydantic" not in message.lower() and "input should" not in message.lower()
