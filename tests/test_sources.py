"""Collector tracks and release schedules."""
import numpy as np
import pytest
from types import SimpleNamespace

from plume.sources import lawnmower_vertices, position_along, split_count


def track(**kw):
    base = dict(origin_m=(0.0, 0.0), heading_deg=0.0, lanes=3, lane_length_m=100.0, lane_spacing_m=20.0,
                speed_m_s=0.5)
    base.update(kw)
    return SimpleNamespace(**base)


def test_lawnmower_north_lanes_step_east():
    v = lawnmower_vertices(track())
    expected = [(0, 0), (0, 100), (20, 100), (20, 0), (40, 0), (40, 100)]
    assert np.allclose(v, expected, atol=1e-9)


def test_lawnmower_heading_east_steps_south():
    v = lawnmower_vertices(track(heading_deg=90.0, lanes=2))
    assert np.allclose(v, [(0, 0), (100, 0), (100, -20), (0, -20)], atol=1e-9)


def test_vehicle_drives_the_track_and_back():
    v = lawnmower_vertices(track())
    total = 3 * 100 + 2 * 20
    p = position_along(v, np.array([0.0, 50.0, 110.0, total, total + 10.0, 2 * total]))
    assert np.allclose(p, [(0, 0), (0, 50), (10, 100), (40, 100), (40, 90), (0, 0)], atol=1e-9)


@pytest.mark.parametrize("total,weights", [(10, [1, 1, 1]), (1001, [0.5, 0.3, 0.2]), (7, [100, 1e-6, 1])])
def test_split_count_is_exact_and_proportional(total, weights):
    parts = split_count(total, weights)
    assert parts.sum() == total and parts.min() >= 1
    share = np.asarray(weights) / np.sum(weights)
    assert np.all(np.abs(parts - 1 - (total - len(weights)) * share) < 1.0)


# ---------------------------------------------------------------- waypoint tracks, several collectors

from plume.environment.fields import flat_seabed  # noqa: E402
from plume.errors import ScenarioError  # noqa: E402
from plume.sources import release_schedule, track_vertices, vehicle_path  # noqa: E402
from tests.helpers import make_scenario  # noqa: E402

SEABED = flat_seabed(100.0, (-1000, 1000, -1000, 1000))
WAYPOINTS = [[0, 0], [100, 0], [100, 200]]


def collector(track, name="c", **kw):
    source = {"kind": "collector", "name": name, "start_h": 0, "stop_h": 0.75, "rate_kg_s": 2.0,
              "release_height_m": 1.0, "track": track}
    source.update(kw)
    return source


def schedule_of(tmp_path, *sources, count=3000):
    s = make_scenario(tmp_path, sources=list(sources), particles={"count": count, "seed": 2})
    return s, release_schedule(s, SEABED)


def test_timed_waypoints_arrive_on_time(tmp_path):
    s, sched = schedule_of(tmp_path, collector({"waypoints_m": WAYPOINTS, "times_h": [0, 0.25, 0.75]}))
    assert np.array_equal(track_vertices(s.sources[0]), np.array(WAYPOINTS, dtype=float))
    t_h = sched.time_s / 3600.0
    # by hand: 100 m east in the first quarter hour, then 200 m north in the next half hour
    first = t_h <= 0.25
    assert np.allclose(sched.x_m[first], 400.0 * t_h[first]) and np.allclose(sched.y_m[first], 0.0)
    assert np.allclose(sched.x_m[~first], 100.0) and np.allclose(sched.y_m[~first], 400.0 * (t_h[~first] - 0.25))
    xy, _ = vehicle_path(s.sources[0], np.array([0.0, 900.0, 2700.0]))
    assert np.allclose(xy, [[0, 0], [100, 0], [100, 200]])


def test_waypoints_at_speed_lie_on_the_polyline(tmp_path):
    _, sched = schedule_of(tmp_path, collector({"waypoints_m": WAYPOINTS, "speed_m_s": 0.1}))
    d = 0.1 * sched.time_s  # 270 m at most: along the first leg, then up the second
    expected_x = np.minimum(d, 100.0)
    expected_y = np.maximum(d - 100.0, 0.0)
    assert np.allclose(sched.x_m, expected_x) and np.allclose(sched.y_m, expected_y)


def test_release_width_is_across_the_current_leg(tmp_path):
    _, sched = schedule_of(tmp_path, collector({"waypoints_m": WAYPOINTS, "times_h": [0, 0.25, 0.75]},
                                               release_width_m=10.0))
    t_h = sched.time_s / 3600.0
    first = t_h < 0.25
    assert np.allclose(sched.x_m[first], 400.0 * t_h[first])  # on the east-going leg: offsets in y
    assert np.abs(sched.y_m[first]).max() > 4.0 and np.abs(sched.y_m[first]).max() <= 5.0
    later = t_h > 0.25
    assert np.allclose(sched.y_m[later], 400.0 * (t_h[later] - 0.25))  # going north: offsets in x
    assert np.abs(sched.x_m[later] - 100.0).max() <= 5.0


def test_several_collectors(tmp_path):
    a = collector({"waypoints_m": [[-500, -500], [-500, 500]], "speed_m_s": 0.5}, name="a", rate_kg_s=3.0)
    b = collector({"origin_m": [200, 0], "heading_deg": 90, "lanes": 2, "lane_length_m": 300,
                   "lane_spacing_m": 50, "speed_m_s": 0.1}, name="b", rate_kg_s=1.0, start_h=0.25)
    _, sched = schedule_of(tmp_path, a, b, count=4000)
    mass_a = sched.mass_kg[sched.source_index == 0].sum()
    mass_b = sched.mass_kg[sched.source_index == 1].sum()
    assert mass_a == pytest.approx(3.0 * 0.75 * 3600) and mass_b == pytest.approx(1.0 * 0.5 * 3600)
    assert abs(np.count_nonzero(sched.source_index == 0) - 4000 * 8100 / 9900) < 1.0  # particles split by mass
    on_a = sched.source_index == 0
    assert np.allclose(sched.x_m[on_a], -500.0) and np.all(np.abs(sched.y_m[on_a]) <= 500.0)
    on_b = ~on_a
    assert np.all(sched.time_s[on_b] >= 0.25 * 3600) and np.allclose(sched.y_m[on_b], 0.0)  # 0.1 m/s * 1800 s < 300 m
    assert np.all((sched.x_m[on_b] >= 200.0) & (sched.x_m[on_b] <= 500.0))


def test_nodule_rate_is_kept(tmp_path):
    s = make_scenario(tmp_path, sources=[collector({"waypoints_m": WAYPOINTS, "speed_m_s": 0.1},
                                                   nodule_rate_kg_s=30.0)])
    assert s.sources[0].nodule_rate_kg_s == 30.0


@pytest.mark.parametrize("track,extra,message", [
    ({"waypoints_m": WAYPOINTS, "lane_length_m": 10, "speed_m_s": 1}, {},
     "sources[0].track: give either lane_length_m or waypoints_m, not both"),
    ({"waypoints_m": WAYPOINTS}, {}, "sources[0].track: give one of speed_m_s or times_h"),
    ({"waypoints_m": WAYPOINTS, "speed_m_s": 1, "times_h": [0, 1, 2]}, {},
     "sources[0].track: give either speed_m_s or times_h, not both"),
    ({"waypoints_m": WAYPOINTS, "times_h": [0, 1]}, {},
     "sources[0].track.times_h: must have one time per waypoint (3), got 2"),
    ({"waypoints_m": WAYPOINTS, "times_h": [0, 0.5, 0.5]}, {},
     "sources[0].track.times_h: must be strictly increasing"),
    ({"waypoints_m": WAYPOINTS, "times_h": [0.1, 0.5, 1.0]}, {},
     "sources[0].track.times_h: must cover the release window start_h..stop_h (0..0.75), got 0.1..1"),
    ({"waypoints_m": WAYPOINTS, "speed_m_s": 1, "heading_deg": 30}, {},
     "sources[0].track.heading_deg: is only for a lawnmower track"),
    ({"waypoints_m": [[0, 0], [0, 5000]], "speed_m_s": 1}, {},
     "sources[0].track.waypoints_m[1]: must lie inside grid.extent_m [-1000, 1000, -1000, 1000], got [0, 5000]"),
    ({"waypoints_m": [[0, 0]], "speed_m_s": 1}, {}, "sources[0].track.waypoints_m: must have at least 2 items"),
    ({"waypoints_m": [[0, 0], [0, 0]], "speed_m_s": 1}, {}, "sources[0].track.waypoints_m: the waypoints are all"),
    ({"waypoints_m": [[0, 0, 0], [0, 5]], "speed_m_s": 1}, {}, "sources[0].track.waypoints_m[0]: must be a list of 2"),
    ({"lane_length_m": 10, "speed_m_s": 1}, {}, "sources[0].track.origin_m: required key missing"),
    ({"origin_m": [0, 0], "lane_length_m": 10, "times_h": [0, 1]}, {},
     "sources[0].track.times_h: is only for a waypoint"),
    ({"waypoints_m": WAYPOINTS, "speed_m_s": 1}, {"nodule_rate_kg_s": 0}, "sources[0].nodule_rate_kg_s: must be > 0"),
])
def test_bad_track_names_the_key(tmp_path, track, extra, message):
    with pytest.raises(ScenarioError) as info:
        make_scenario(tmp_path, sources=[collector(track, **extra)])
    assert message in str(info.value) and "\n" not in str(info.value)
