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
