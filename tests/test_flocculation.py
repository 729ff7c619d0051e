"""Flocculation between classes and hindered settling, in the running solver."""
import numpy as np
import pytest

from helpers import make_scenario, never_sinks
from plume.errors import ScenarioError
from plume.solver import Simulation

CLASSES = [{"name": "fine", "mass_fraction": 1.0, "settling_m_s": 0.0},
           {"name": "floc", "mass_fraction": 0.0, "settling_m_s": 0.0}]


def floc_simulation(tmp_path, rule, mass_kg=1.0, count=20000, duration_h=1.0, hindered=None, classes=CLASSES,
                    height_above_bed_m=0.5, grid=None):
    """Particles held still in one near-bed cell (or, higher up, one midwater cell of the grid's depth
    levels; no current, no diffusion), so the local concentration is their mass over one cell's volume."""
    sediment = {"deposition": {"condition": "reflecting"}, "classes": classes, "flocculation": [rule] if rule else []}
    if rule:
        sediment["delayed_sinking"] = never_sinks(rule["from"])  # one compiled step with the others (helpers)
    if hindered:
        sediment["hindered_settling"] = hindered
    return Simulation(make_scenario(
        tmp_path, time={"duration_h": duration_h, "step_s": 60, "output_every_s": 600},
        sediment=sediment,
        sources=[{"kind": "discharge", "name": "p", "position_m": [5, 5], "height_above_bed_m": height_above_bed_m,
                  "mass_kg": mass_kg, "start_h": 0}],
        particles={"count": count, "seed": 4}, **({"grid": grid} if grid else {})))


def run_steps(sim, n):
    sim.release_due(0.0)
    for step in range(n):
        sim.step(step)


def share_flocculated(sim):
    p = sim.particles
    return float(p.mass_kg[p.class_index == 1].sum() / p.mass_kg.sum())


@pytest.mark.slow
def test_a_constant_rate_leaves_exp_minus_kt_unflocculated_and_moves_mass_exactly(tmp_path):
    rate_per_h = 1.5
    sim = floc_simulation(tmp_path, {"from": "fine", "to": "floc", "rate_per_h": rate_per_h,
                                     "concentration_exponent": 0})
    assert sim.particles.x_m.size == 20000  # a zero-mass class gets no particles
    before = sim.particles.mass_kg.copy()
    run_steps(sim, 40)
    remaining = 1.0 - share_flocculated(sim)
    expected = np.exp(-rate_per_h * 40 / 60)
    assert abs(remaining - expected) < 4 * np.sqrt(expected * (1 - expected) / 20000)
    assert np.array_equal(sim.particles.mass_kg, before)  # whole particles change class: no mass lost or made


@pytest.mark.slow
@pytest.mark.parametrize("mass_kg", [0.5, 2.0])
def test_the_rate_scales_with_the_local_concentration(tmp_path, mass_kg):
    """k = k_ref C / C_ref with C = mass / (cell area x layer thickness) of the one cell holding them."""
    rule = {"from": "fine", "to": "floc", "rate_per_h": 1.0, "reference_concentration_mg_l": 5000.0,
            "concentration_exponent": 1}
    sim = floc_simulation(tmp_path, rule, mass_kg=mass_kg)
    run_steps(sim, 30)
    concentration = mass_kg / (10.0 * 10.0 * 1.0)  # 10 m cells, the 0-1 m layer
    expected = np.exp(-concentration / 5.0 * 0.5)
    remaining = 1.0 - share_flocculated(sim)
    assert abs(remaining - expected) < 4 * np.sqrt(expected * (1 - expected) / 20000)


@pytest.mark.slow
def test_in_midwater_the_rate_scales_with_the_depth_levels_concentration(tmp_path):
    """The same law in a midwater cell: C = mass / (cell area x level thickness) of the 40-50 m level (the
    midwater levels are binned every step when flocculation reads them; density damping alone does not)."""
    rule = {"from": "fine", "to": "floc", "rate_per_h": 1.0, "reference_concentration_mg_l": 40.0,
            "concentration_exponent": 1}
    sim = floc_simulation(tmp_path, rule, mass_kg=20.0, height_above_bed_m=55.0,  # 45 m deep, bed at 100 m
                          grid={"depth_levels_m": [30, 40, 50, 60]})
    assert sim.midwater_needed
    run_steps(sim, 30)
    concentration = 20.0 / (10.0 * 10.0 * 10.0) * 1e3  # mg/L: 10 m cells, the 40-50 m level
    expected = np.exp(-concentration / 40.0 * 0.5)
    remaining = 1.0 - share_flocculated(sim)
    assert abs(remaining - expected) < 4 * np.sqrt(expected * (1 - expected) / 20000)


@pytest.mark.slow
def test_hindered_settling_slows_the_first_step_by_richardson_zaki(tmp_path):
    w0, mass, reference = 1e-3, 40.0, 10.0
    classes = [{"name": "mud", "mass_fraction": 1.0, "settling_m_s": w0}]
    sim = floc_simulation(tmp_path, None, mass_kg=mass, count=1000, classes=classes,
                          hindered={"exponent": 4.65, "reference_concentration_kg_m3": reference})
    run_steps(sim, 1)
    phi = mass / 100.0 / reference
    height = sim.particles.z_m + 100.0
    assert np.allclose(height, 0.5 - w0 * (1 - phi) ** 4.65 * 60.0, rtol=0, atol=1e-12)


def test_flocculation_rules_are_checked(tmp_path):
    cases = [
        ({"from": "fine", "to": "gravel"}, "sediment.flocculation[0].to: no sediment class named 'gravel'"),
        ({"from": "fine", "to": "fine"}, "sediment.flocculation[0].to: a class cannot flocculate into itself"),
        ({"from": "fine", "to": "floc", "rate_per_h": -1}, "sediment.flocculation[0].rate_per_h"),
    ]
    for rule, message in cases:
        with pytest.raises(ScenarioError, match=message.replace("[", r"\[").replace("]", r"\]")):
            make_scenario(tmp_path, sediment={"classes": CLASSES, "flocculation": [rule]})
    with pytest.raises(ScenarioError, match="cycle"):
        make_scenario(tmp_path, sediment={"classes": CLASSES, "flocculation": [
            {"from": "fine", "to": "floc"}, {"from": "floc", "to": "fine"}]})
