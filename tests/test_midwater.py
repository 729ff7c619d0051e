"""The midwater discharge: the integral (MTT) buoyant-jet model, the water column and the release."""
import math

import numpy as np
import pytest

from plume.environment.fields import flat_seabed
from plume.errors import ScenarioError
from plume.midwater import GRAVITY_M_S2, buoyancy_frequency, buoyant_jet, integrate_jet
from plume.scenario.water_column import CCZ_DENSITY_KG_M3, CCZ_DEPTH_M
from plume.sources import discharge_jet, release_schedule
from tests.helpers import make_scenario

RHO0 = 1027.0
SOURCE_DEPTH = 2000.0


def linear_column(n):
    """A uniformly stratified column (buoyancy frequency n) through the source depth."""
    depth = np.array([0.0, 8000.0])
    return depth, RHO0 + RHO0 * n * n / GRAVITY_M_S2 * (depth - SOURCE_DEPTH)


def pure_plume(f, n, alpha=0.1):
    """A dense pure plume of buoyancy flux f (m4/s3) sinking from 2000 m: started on the
    point-source similarity solution a short way below a virtual origin at 2000 m."""
    s0 = 1e-3 * (f / n ** 3) ** 0.25
    cm = (0.9 * alpha * math.sqrt(math.pi)) ** (2.0 / 3.0)  # M = cm F^(2/3) s^(4/3), Q = (4/3) cm^2 F^(1/3) s^(5/3)
    q = 4.0 / 3.0 * cm ** 2 * f ** (1 / 3) * s0 ** (5 / 3)
    m = cm * f ** (2 / 3) * s0 ** (4 / 3)
    depth, density = linear_column(n)
    rho_plume = RHO0 + RHO0 * (f / q) / GRAVITY_M_S2
    result = integrate_jet(SOURCE_DEPTH + s0, q, (0.0, -m), rho_plume, depth, density, alpha)
    return result, q


@pytest.mark.parametrize("f,n", [(1e-2, 2e-3), (1.0, 2e-3), (1e-2, 5e-4), (0.3, 4e-3)])
def test_neutral_depth_scales_as_f_over_n_cubed_to_the_quarter(f, n):
    result, _ = pure_plume(f, n)
    scale = (f / n ** 3) ** 0.25
    # the integration gives 3.28 for alpha = 0.1 (top-hat, F with pi): the same for every F and N
    assert (result.trap_depth_m - SOURCE_DEPTH) / scale == pytest.approx(3.28, rel=0.01)
    assert (result.stop_depth_m - SOURCE_DEPTH) / scale == pytest.approx(4.32, rel=0.01)


def test_maximum_depth_matches_morton_taylor_turner():
    # MTT (1956): z_max = 5.0 (F'/N^3)^(1/4) for Gaussian alpha = 0.093 and F' = F / pi;
    # a top-hat alpha is sqrt(2) times the Gaussian one
    f, n = 0.05, 1.5e-3
    result, _ = pure_plume(f, n, alpha=0.093 * math.sqrt(2.0))
    z_max = result.stop_depth_m - SOURCE_DEPTH
    z_n = result.trap_depth_m - SOURCE_DEPTH
    assert z_max / (f / math.pi / n ** 3) ** 0.25 == pytest.approx(5.0, rel=0.03)
    assert 0.70 < z_n / z_max < 0.80  # the neutral level about three quarters of the way down


def test_alpha_scaling():
    # heights scale as alpha^(-1/2)
    a, _ = pure_plume(0.1, 2e-3, alpha=0.08)
    b, _ = pure_plume(0.1, 2e-3, alpha=0.12)
    ratio = (a.trap_depth_m - SOURCE_DEPTH) / (b.trap_depth_m - SOURCE_DEPTH)
    assert ratio == pytest.approx(math.sqrt(0.12 / 0.08), rel=0.01)


@pytest.mark.parametrize("f,n", [(1e-2, 2e-3), (1.0, 2e-3), (1e-2, 5e-4)])
def test_dilution_scales_as_f_three_quarters_n_minus_five_quarters(f, n):
    result, q0 = pure_plume(f, n)
    q_trap = result.dilution * q0
    assert q_trap / (f ** 0.75 * n ** -1.25) == pytest.approx(0.787, rel=0.01)


def test_neutral_discharge_in_neutral_water_stays_where_it_is():
    depth = [0.0, 5000.0]
    density = [1027.0, 1027.0]
    r = buoyant_jet(1000.0, 0.5, 0.2, 0.0, "horizontal", depth, density)
    assert r.trap_depth_m == 1000.0 and r.dilution == 1.0 and r.radius_m == pytest.approx(0.25)


def test_dense_jet_down_sinks_further_than_up_and_horizontal():
    depth, density = CCZ_DEPTH_M, CCZ_DENSITY_KG_M3
    args = dict(depth_m=1200.0, diameter_m=0.4, flow_m3_s=0.3, density_excess_kg_m3=0.5,
                profile_depth_m=depth, profile_density_kg_m3=density)
    down = buoyant_jet(direction="down", **args)
    horizontal = buoyant_jet(direction="horizontal", **args)
    up = buoyant_jet(direction="up", **args)
    assert down.found_neutral_level and horizontal.found_neutral_level
    assert down.trap_depth_m > horizontal.trap_depth_m > 1200.0
    assert horizontal.horizontal_offset_m > 0.0 and down.horizontal_offset_m == 0.0
    assert down.dilution > 10.0
    assert up.stop_depth_m < 1200.0  # a fountain: momentum carries it up first


def test_jet_reaching_the_bed_lies_on_it():
    depth = [0.0, 5000.0]
    density = [1027.0, 1027.0]  # unstratified: a dense jet never becomes neutral
    r = buoyant_jet(4000.0, 0.4, 0.3, 1.0, "down", depth, density, bed_depth_m=4100.0)
    assert r.reached_bed and not r.found_neutral_level
    assert r.trap_depth_m + 0.5 * r.thickness_m == pytest.approx(4100.0)


def test_ccz_default_stratification():
    mid, n = buoyancy_frequency(CCZ_DEPTH_M, CCZ_DENSITY_KG_M3)
    deep = (mid > 1000) & (mid < 1500)
    assert np.all((n[deep] > 1.5e-3) & (n[deep] < 2.6e-3))
    assert np.all(n > 0) and n[mid > 4000].max() < 5e-4


def discharge(**outlet):
    source = {"kind": "discharge", "name": "riser", "position_m": [0, 0], "depth_m": 1200, "rate_kg_s": 5.0,
              "start_h": 0, "stop_h": 1}
    if outlet:
        source["outlet"] = outlet
    return source


def test_release_starts_at_the_trap_depth(tmp_path):
    scenario = make_scenario(tmp_path, bathymetry={"flat_depth_m": 4000}, particles={"count": 4000, "seed": 3},
                             sources=[discharge(diameter_m=0.4, flow_m3_s=0.5, direction="down")])
    seabed = flat_seabed(4000.0, (-1000, 1000, -1000, 1000))
    jet = discharge_jet(scenario, 0, seabed)
    # 10 kg/m3 of grains (2650) in water of 1027.5: 6.1 kg/m3 denser; it sinks and traps below the outlet
    assert jet.found_neutral_level and 1250.0 < jet.trap_depth_m < 1800.0
    schedule = release_schedule(scenario, seabed)
    depth = -schedule.z_m
    assert depth.min() >= jet.trap_depth_m - 0.5 * jet.thickness_m - 1e-9
    assert depth.max() <= jet.trap_depth_m + 0.5 * jet.thickness_m + 1e-9
    assert np.mean(depth) == pytest.approx(jet.trap_depth_m, abs=0.05 * jet.thickness_m)
    assert np.hypot(schedule.x_m, schedule.y_m).max() <= jet.radius_m + 1e-9


def test_without_outlet_the_release_stays_at_the_outlet(tmp_path):
    scenario = make_scenario(tmp_path, bathymetry={"flat_depth_m": 4000}, sources=[discharge()])
    schedule = release_schedule(scenario, flat_seabed(4000.0, (-1000, 1000, -1000, 1000)))
    assert np.all(schedule.z_m == -1200.0) and np.all(schedule.x_m == 0.0)


@pytest.mark.parametrize("change,message", [
    ({"water_column": {"depth_m": [0, 100, 50], "density_kg_m3": [1025, 1026, 1027]}},
     "water_column.depth_m: must be strictly increasing"),
    ({"water_column": {"depth_m": [0, 100], "density_kg_m3": [1026, 1025]}},
     "water_column.density_kg_m3: must not decrease with depth"),
    ({"water_column": {"depth_m": [0, 100, 200], "density_kg_m3": [1026, 1027]}},
     "water_column.density_kg_m3: must have one value per depth_m"),
    ({"sources": [discharge(diameter_m=0.4, flow_m3_s=0.5, direction="sideways")]},
     "sources[0].outlet.direction: must be one of 'down', 'up', 'horizontal'"),
    ({"sources": [discharge(diameter_m=-1, flow_m3_s=0.5)]}, "sources[0].outlet.diameter_m: must be > 0"),
    ({"sources": [discharge(flow_m3_s=0.5)]}, "sources[0].outlet.diameter_m: required key missing"),
])
def test_bad_input_names_the_key(tmp_path, change, message):
    with pytest.raises(ScenarioError) as info:
        make_scenario(tmp_path, bathymetry={"flat_depth_m": 4000}, **change)
    text = str(info.value)
    assert message in text and "\n" not in text


def test_outlet_needs_a_continuous_discharge(tmp_path):
    source = {"kind": "discharge", "name": "riser", "position_m": [0, 0], "depth_m": 1200, "mass_kg": 5.0,
              "outlet": {"diameter_m": 0.4, "flow_m3_s": 0.5}}
    with pytest.raises(ScenarioError, match=r"sources\[0\]\.outlet: needs a continuous discharge"):
        make_scenario(tmp_path, bathymetry={"flat_depth_m": 4000}, sources=[source])
