"""The process contract (plume.processes): one module per process, switched on by its block,
with draw slots of its own, so that adding a process leaves every other process's numbers alone."""
from __future__ import annotations

import numpy as np
import pytest

from plume.errors import ScenarioError
from plume.processes import MAX_DRAWS, STEP_ORDER, draw_slot_owners, step_processes
from plume.solver import Simulation

from helpers import make_scenario, never_flocculates, never_sinks

MIXING = {"horizontal_m2_s": 0.05, "vertical": {"profile": "constant", "value_m2_s": 1e-3}}
TWO_CLASSES = [{"name": "fine", "mass_fraction": 0.5, "settling_m_s": 1e-4},
               {"name": "floc", "mass_fraction": 0.5, "settling_m_s": 1e-3}]


def test_every_process_module_keeps_the_contract():
    for module in STEP_ORDER:
        for name in ("Block", "Params", "params_from_scenario", "DRAW_SLOTS"):
            assert hasattr(module, name), f"{module.__name__} has no {name}"
    owners = draw_slot_owners()  # raises if two processes share a slot
    assert all(0 <= slot < MAX_DRAWS for slot in owners)
    assert owners == {0: "horizontal_mixing", 1: "horizontal_mixing", 2: "vertical_mixing", 3: "deposition",
                      4: "flocculation"}


def test_optional_processes_are_on_exactly_when_their_block_is_present(tmp_path):
    off = step_processes(make_scenario(tmp_path))
    assert off.hindered_settling is None and off.flocculation is None and off.density_damping is None
    assert off.delayed_sinking is None and not off.needs_concentration
    on = step_processes(make_scenario(
        tmp_path, sediment={"classes": TWO_CLASSES, "hindered_settling": {},
                            "flocculation": [{"from": "fine", "to": "floc"}],
                            "delayed_sinking": [{"class": "fine", "after_h": 1, "speed_m_s": 1e-3}]},
        turbulence={"density_damping": {}}))
    assert on.hindered_settling.exponent == 4.65 and on.flocculation.target.tolist() == [1, -1]
    assert on.density_damping is not None and on.needs_concentration
    assert on.delayed_sinking.delay_s.tolist() == [3600.0, np.inf]


@pytest.mark.parametrize("old, new", [
    ({"deposition_probability": 0.5}, "deposition: {efficiency: P}"),
    ({"critical_deposition_stress_pa": 0.1}, "deposition: {krone: {critical_stress_pa: TAU}}"),
    ({"critical_shear_stress_pa": 0.1}, "resuspension: {critical_stress_pa: TAU}"),
    ({"resuspension_height_m": 0.1}, "resuspension: {height_m: H}"),
])
def test_old_sediment_keys_are_refused_with_the_new_form(tmp_path, old, new):
    key = next(iter(old))
    with pytest.raises(ScenarioError) as err:
        make_scenario(tmp_path, sediment={**old, "classes": TWO_CLASSES})
    message = str(err.value)
    assert f"sediment.{key}: this key moved into a block; write {new}" in message and "\n" not in message


def run_positions(tmp_path, **sediment_changes):
    scenario = make_scenario(
        tmp_path, time={"duration_h": 2, "step_s": 60, "output_every_s": 3600}, turbulence=MIXING,
        sediment={"classes": TWO_CLASSES, "deposition": {"condition": "reflecting"}, **sediment_changes},
        particles={"count": 2000, "seed": 7})
    sim = Simulation(scenario)
    sim.run()
    p = sim.particles
    return np.stack([p.x_m, p.y_m, p.z_m])


@pytest.mark.slow
def test_switching_on_a_process_leaves_the_others_numbers_bit_for_bit(tmp_path):
    """Flocculation at rate 0 draws from its own slot but changes nothing, and delayed sinking that
    never starts moves nothing: every particle must end exactly where it did without them. (Both are
    switched on in one run: the step compiled with both serves every flocculation and delayed-sinking
    test, see helpers.never_sinks.)"""
    base = run_positions(tmp_path)
    assert np.array_equal(base, run_positions(tmp_path, flocculation=never_flocculates("fine", "floc"),
                                              delayed_sinking=never_sinks("fine")))


@pytest.mark.slow
def test_delayed_sinking_example_sinks_by_w_times_the_time_after_the_delay(tmp_path):
    """The worked example of docs/adding-a-process.md: no mixing, no settling, a class sinking at 1 mm/s
    after 1 h: after 2 h every particle is 3.6 m lower, and the other class has not moved."""
    scenario = make_scenario(
        tmp_path, time={"duration_h": 2, "step_s": 60, "output_every_s": 3600},
        sediment={"classes": [{"name": "a", "mass_fraction": 0.5, "settling_m_s": 0.0},
                              {"name": "b", "mass_fraction": 0.5, "settling_m_s": 0.0}],
                  "delayed_sinking": [{"class": "a", "after_h": 1, "speed_m_s": 1e-3}],
                  "flocculation": never_flocculates("a", "b")},  # one compiled step with the others
        particles={"count": 200, "seed": 1})
    sim = Simulation(scenario)
    sim.run()
    p = sim.particles
    start = -100.0 + 50.0  # released 50 m above a 100 m deep bed
    sank = p.class_index == 0
    assert sank.any() and (~sank).any()
    assert np.allclose(p.z_m[sank], start - 3.6, atol=1e-9)
    assert np.allclose(p.z_m[~sank], start, atol=1e-9)
