"""The collector's near field: turbidity-current height and run-out, and where the release puts the mass."""
import math

import numpy as np
import pytest

from plume.environment.fields import flat_seabed
from plume.errors import ScenarioError
from plume.nearfield import exact_layers, turbidity_current
from plume.sources import release_schedule
from tests.helpers import make_scenario

DEPTH = 100.0
SEABED = flat_seabed(DEPTH, (-1000, 1000, -1000, 1000))


def collector(near_field, **kw):
    source = {"kind": "collector", "name": "c", "start_h": 0, "stop_h": 1, "rate_kg_s": 5.0,
              "release_width_m": 4.0, "track": {"waypoints_m": [[-500, 0], [500, 0]], "speed_m_s": 0.5},
              "near_field": near_field}
    source.update(kw)
    return source


def scenario(tmp_path, source, count=20_000, settling=1e-4):
    return make_scenario(tmp_path, sources=[source], particles={"count": count, "seed": 5},
                         sediment={"classes": [{"name": "a", "mass_fraction": 0.6, "settling_m_s": settling},
                                               {"name": "b", "mass_fraction": 0.4, "settling_m_s": settling}]})


def hand_current():
    """rate 5 kg/s in 0.5 m3/s (10 kg/m3) over 4 m at 0.5 m/s; grains 2650, water 1045, Fr 1.19."""
    g_reduced = 9.81 * 10.0 * (1 - 1045 / 2650) / 1045  # 0.05686 m/s2
    q = 0.5 / 4.0
    height = (q ** 2 / (1.19 ** 2 * g_reduced)) ** (1 / 3)  # 0.579 m
    half_area = 0.5 * 0.5 / 0.5
    half_width = (2.0 ** 2.5 + 5 * 1.19 * math.sqrt(g_reduced * half_area ** 3) / 1e-4) ** 0.4  # 30.2 m
    return g_reduced, height, half_width


def test_current_formulas_by_hand():
    g_reduced, height, half_width = hand_current()
    c = turbidity_current(5.0, 0.5, 4.0, 0.5, 2650.0, 1045.0, 1e-4)
    assert c.concentration_kg_m3 == pytest.approx(10.0)
    assert c.reduced_gravity_m_s2 == pytest.approx(0.056857, rel=1e-4)
    assert c.height_m == pytest.approx(height, rel=1e-12) and height == pytest.approx(0.579, abs=1e-3)
    assert c.front_speed_m_s == pytest.approx(0.5 / 4.0 / height, rel=1e-12)  # q = U h
    assert c.half_width_m == pytest.approx(half_width, rel=1e-12) and half_width == pytest.approx(30.2, abs=0.1)
    assert c.run_out_m == pytest.approx(half_width - 2.0)


def test_faster_vehicle_and_faster_settling_shorten_the_run_out():
    base = turbidity_current(5.0, 0.5, 4.0, 0.5, 2650.0, 1045.0, 1e-4)
    faster = turbidity_current(5.0, 0.5, 4.0, 1.0, 2650.0, 1045.0, 1e-4)
    settling = turbidity_current(5.0, 0.5, 4.0, 0.5, 2650.0, 1045.0, 1e-3)
    assert faster.half_width_m < base.half_width_m and settling.half_width_m < base.half_width_m
    assert faster.height_m == base.height_m  # the height depends on the discharge, not the speed


@pytest.mark.parametrize("fractions,n", [([0.95, 0.05], 1001), ([0.5, 0.3, 0.2], 10), ([1.0], 7)])
def test_exact_layers_counts(fractions, n):
    k = exact_layers(fractions, n, np.random.default_rng(0))
    counts = np.bincount(k, minlength=len(fractions))
    assert counts.sum() == n and np.all(np.abs(counts - n * np.asarray(fractions)) < 1.0)


def test_turbidity_current_puts_the_stated_fraction_below_its_height(tmp_path):
    s = scenario(tmp_path, collector({"model": "turbidity_current", "discharge_flow_m3_s": 0.5,
                                      "lofted_fraction": 0.05, "lofted_height_m": 5.0}))
    schedule = release_schedule(s, SEABED)
    _, height, half_width = hand_current()
    above_bed = schedule.z_m + DEPTH
    mass = schedule.mass_kg
    total = mass.sum()
    assert total == pytest.approx(5.0 * 3600.0)
    below = mass[above_bed <= height].sum() / total
    assert below == pytest.approx(0.95, abs=2.0 / 8000)  # exact to a particle per class
    assert above_bed.min() >= 0.0 and above_bed.max() <= 5.0
    assert mass[above_bed <= 2.0].sum() / total == pytest.approx(0.95 + 0.05 * (2.0 - height) / (5.0 - height),
                                                                 abs=0.01)
    # evenly across the run-out, to both sides of the track (y = 0)
    assert np.abs(schedule.y_m).max() <= half_width and np.abs(schedule.y_m).max() > 0.99 * half_width
    assert abs(np.mean(schedule.y_m)) < 0.02 * half_width
    # the lofted particles are fed all through the release, not in a burst
    lofted_times = schedule.time_s[above_bed > height]
    assert lofted_times.min() < 300.0 and lofted_times.max() > 3300.0


def test_given_distribution(tmp_path):
    s = scenario(tmp_path, collector({"model": "given", "height_m": [0, 1, 3], "mass_fraction": [0.8, 0.2],
                                      "width_m": 20}))
    schedule = release_schedule(s, SEABED)
    above_bed = schedule.z_m + DEPTH
    share = schedule.mass_kg[above_bed <= 1.0].sum() / schedule.mass_kg.sum()
    assert share == pytest.approx(0.8, abs=2.0 / 8000)
    assert above_bed.max() <= 3.0 and np.abs(schedule.y_m).max() <= 10.0


def test_without_near_field_the_release_is_as_before(tmp_path):
    source = collector(None, release_height_m=2.0)
    del source["near_field"]
    schedule = release_schedule(scenario(tmp_path, source), SEABED)
    assert np.allclose(schedule.z_m, -DEPTH + 2.0) and np.abs(schedule.y_m).max() <= 2.0


def test_seeded_release_is_reproducible(tmp_path):
    s = scenario(tmp_path, collector({"model": "turbidity_current", "discharge_concentration_kg_m3": 10.0}))
    a, b = release_schedule(s, SEABED), release_schedule(s, SEABED)
    assert np.array_equal(a.z_m, b.z_m) and np.array_equal(a.y_m, b.y_m)


@pytest.mark.parametrize("near_field,extra,message", [
    ({"model": "turbidity_current"}, {}, "sources[0].near_field: give one of discharge_flow_m3_s or "
                                         "discharge_concentration_kg_m3"),
    ({"model": "turbidity_current", "discharge_flow_m3_s": 0.5, "lofted_fraction": 1.5}, {},
     "sources[0].near_field.lofted_fraction: must be < 1, got 1.5"),
    ({"model": "turbidity_current", "discharge_flow_m3_s": 0.5}, {"release_width_m": 0},
     "sources[0].release_width_m: must be > 0 with near_field model turbidity_current"),
    ({"model": "plume"}, {}, "sources[0].near_field.model: must be 'turbidity_current' or 'given'"),
    ({"model": "given", "height_m": [0, 1], "mass_fraction": [0.5]}, {},
     "sources[0].near_field.mass_fraction: must sum to 1"),
    ({"model": "given", "height_m": [0, 2, 1], "mass_fraction": [0.5, 0.5]}, {},
     "sources[0].near_field.height_m: must be strictly increasing"),
    ({"model": "given", "height_m": [0, 1, 2], "mass_fraction": [1.0]}, {},
     "sources[0].near_field.mass_fraction: must have one value per layer"),
    ({"model": "turbidity_current", "discharge_flow_m3_s": 0.5, "loft_height_m": 3}, {},
     "sources[0].near_field.loft_height_m: unknown key; did you mean 'lofted_height_m'?"),
])
def test_bad_near_field_names_the_key(tmp_path, near_field, extra, message):
    with pytest.raises(ScenarioError) as info:
        scenario(tmp_path, collector(near_field, **extra))
    assert message in str(info.value) and "\n" not in str(info.value)


def test_lofted_height_below_the_current_fails_at_release(tmp_path):
    s = scenario(tmp_path, collector({"model": "turbidity_current", "discharge_flow_m3_s": 0.5,
                                      "lofted_height_m": 0.3}))
    with pytest.raises(ScenarioError, match=r"sources\[0\]\.near_field\.lofted_height_m: must be above the "
                                            r"current's height \(0\.579 m\)"):
        release_schedule(s, SEABED)


def test_no_settling_needs_a_run_out(tmp_path):
    s = scenario(tmp_path, collector({"model": "turbidity_current", "discharge_flow_m3_s": 0.5}), settling=0.0)
    with pytest.raises(ScenarioError, match=r"sources\[0\]\.near_field\.run_out_m: required"):
        release_schedule(s, SEABED)
    s = scenario(tmp_path, collector({"model": "turbidity_current", "discharge_flow_m3_s": 0.5, "run_out_m": 8}),
                 settling=0.0)
    assert np.abs(release_schedule(s, SEABED).y_m).max() <= 2.0 + 8.0
