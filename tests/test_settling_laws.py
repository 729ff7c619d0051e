"""Settling laws: a given speed, Stokes from a diameter, and the fractal-floc law."""
import pytest

from plume.errors import ScenarioError
from plume.sediment import floc_settling_m_s, settling_speeds, stokes_settling_m_s
from tests.helpers import make_scenario

RHO_S, RHO_W, MU, G = 2650.0, 1045.0, 1.8e-3, 9.81


def classes(tmp_path, *cls, **sediment):
    return make_scenario(tmp_path, sediment={"classes": list(cls), **sediment}).sediment


def test_stokes_by_hand():
    # (2650 - 1045) * 9.81 * (20e-6)^2 / (18 * 1.8e-3) = 1.94383e-4 m/s
    assert stokes_settling_m_s(20e-6, RHO_S, RHO_W, MU) == pytest.approx(1.94383e-4, rel=1e-5)


def test_floc_law_by_hand():
    # D_f = 200 um, nf = 2, D_p = 4 um: creeping speed 1605 * 9.81 / 1.8e-3 / 18 * 4e-6 * 200e-6 = 3.8873e-4 m/s;
    # Re = w D_f rho_w / mu = 0.0444, so the drag correction 1 + 0.15 Re^0.687 = 1.0177 and w = 3.8200e-4
    w = floc_settling_m_s(200e-6, 2.0, 4e-6, RHO_S, RHO_W, MU)
    assert w == pytest.approx(3.8200e-4, rel=2e-4)
    reynolds = w * 200e-6 * RHO_W / MU
    creeping = (RHO_S - RHO_W) * G / MU / 18.0 * 4e-6 * 200e-6
    assert w * (1 + 0.15 * reynolds ** 0.687) == pytest.approx(creeping, rel=1e-12)  # solves its equation


def test_floc_law_at_larger_reynolds_number():
    # D_f = 2 mm, nf = 2.3, D_p = 10 um: creeping 0.0476 m/s, Re about 24; w solves w (1 + 0.15 Re^0.687) = creeping
    w = floc_settling_m_s(2e-3, 2.3, 10e-6, RHO_S, RHO_W, MU)
    creeping = (RHO_S - RHO_W) * G / MU / 18.0 * (10e-6) ** 0.7 * (2e-3) ** 1.3
    assert creeping == pytest.approx(0.047636, rel=1e-4)
    reynolds = w * 2e-3 * RHO_W / MU
    assert w * (1 + 0.15 * reynolds ** 0.687) == pytest.approx(creeping, rel=1e-12)
    assert w == pytest.approx(0.02050, rel=1e-3)  # hand iteration: 0.0476 / (1 + 0.15 * 23.8^0.687) = 0.0205


def test_solid_floc_is_stokes_with_drag_correction():
    w = floc_settling_m_s(20e-6, 3.0, 20e-6, RHO_S, RHO_W, MU)
    stokes = stokes_settling_m_s(20e-6, RHO_S, RHO_W, MU)
    reynolds = w * 20e-6 * RHO_W / MU
    assert w == pytest.approx(stokes / (1 + 0.15 * reynolds ** 0.687), rel=1e-10)
    assert w == pytest.approx(stokes, rel=3e-3)  # Re ~ 2e-3: the correction is tiny


def test_lower_fractal_dimension_settles_slower():
    fast = floc_settling_m_s(300e-6, 2.4, 4e-6, RHO_S, RHO_W, MU)
    slow = floc_settling_m_s(300e-6, 1.9, 4e-6, RHO_S, RHO_W, MU)
    assert slow < fast / 5


def test_settling_speeds_of_a_scenario(tmp_path):
    sed = classes(tmp_path,
                  {"name": "given", "mass_fraction": 0.25, "settling_m_s": 2e-4},
                  {"name": "silt", "mass_fraction": 0.25, "diameter_um": 20},
                  {"name": "floc", "mass_fraction": 0.5,
                   "floc": {"size_um": 200, "fractal_dimension": 2.0, "primary_diameter_um": 4}})
    w = settling_speeds(sed)
    assert w[0] == 2e-4
    assert w[1] == pytest.approx(1.94383e-4, rel=1e-5)
    assert w[2] == pytest.approx(3.8200e-4, rel=2e-4)


@pytest.mark.parametrize("cls,message", [
    ({"name": "x", "mass_fraction": 1.0, "settling_m_s": 1e-4, "diameter_um": 5,
      "floc": {"size_um": 100, "fractal_dimension": 2}},
     "sediment.classes[0]: give only one of settling_m_s, diameter_um or floc, "
     "got settling_m_s and diameter_um and floc"),
    ({"name": "x", "mass_fraction": 1.0, "settling_m_s": 1e-4, "floc": {"size_um": 100, "fractal_dimension": 2}},
     "sediment.classes[0]: give either settling_m_s or floc, not both"),
    ({"name": "x", "mass_fraction": 1.0}, "sediment.classes[0]: give one of settling_m_s, diameter_um or floc"),
    ({"name": "x", "mass_fraction": 1.0, "floc": {"size_um": 100, "fractal_dimension": 3.5}},
     "sediment.classes[0].floc.fractal_dimension: must be <= 3, got 3.5"),
    ({"name": "x", "mass_fraction": 1.0, "floc": {"size_um": 2, "fractal_dimension": 2, "primary_diameter_um": 4}},
     "sediment.classes[0].floc.size_um: must be >= primary_diameter_um (4), got 2"),
    ({"name": "x", "mass_fraction": 1.0, "floc": {"fractal_dimension": 2}},
     "sediment.classes[0].floc.size_um: required key missing"),
    ({"name": "x", "mass_fraction": 1.0, "floc": {"size_um": 100, "fractal_dimension": 2, "nf": 2}},
     "sediment.classes[0].floc.nf: unknown key"),
])
def test_bad_class_names_the_key(tmp_path, cls, message):
    with pytest.raises(ScenarioError) as info:
        classes(tmp_path, cls)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_floc_needs_grains_denser_than_water(tmp_path):
    sed = classes(tmp_path, {"name": "x", "mass_fraction": 1.0, "floc": {"size_um": 100, "fractal_dimension": 2}},
                  grain_density_kg_m3=1000)
    with pytest.raises(ScenarioError, match="sediment.grain_density_kg_m3: must be > water_density_kg_m3"):
        settling_speeds(sed)
