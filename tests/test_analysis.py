"""Impact metrics on hand-built fields with known answers (issue 6)."""
import numpy as np
import pytest
import xarray as xr

from plume.analysis import (add_metrics, area_at_or_above, distance_to_segments, exceedance_time, exposure,
                            metric_rows, metrics_dataset)

H = 10.0  # cell size (m)
HALF = 600.0  # the grid covers [-HALF, HALF] in x and y
DENSITY = 300.0
TRACK = (-200.0, 200.0)  # a straight track along y = 0


def centres():
    return np.arange(-HALF + H / 2, HALF, H)


def stadium_distance(xx, yy):
    """Distance to the segment from (-200, 0) to (200, 0), written out by hand."""
    return np.hypot(np.maximum(np.abs(xx) - TRACK[1], 0.0), yy)


def hand_dataset(thickness_m, ssc=None, released_kg=1000.0, nodule_rate=np.nan, times_s=None,
                 deposit_thresholds=(1e-3, 5e-3), ssc_thresholds=(1e-3, 1e-2), by_class=None):
    """A result-like Dataset: final deposit `thickness_m` (y, x), reached linearly over the output times."""
    x = y = centres()
    times_s = np.arange(5) * 600.0 if times_s is None else np.asarray(times_s, dtype=float)
    nt = times_s.size
    growth = np.linspace(0.0, 1.0, nt)[:, None, None]
    thickness = growth * thickness_m[None]
    if ssc is None:
        ssc = np.zeros((nt, 2, y.size, x.size))
    thr = np.asarray(deposit_thresholds)
    area = np.stack([(thickness >= t).sum(axis=(1, 2)) * H * H for t in thr], axis=1)
    data = {
        "deposit_thickness": (("time", "y", "x"), thickness),
        "deposit_mass": (("time", "y", "x"), thickness * DENSITY),
        "deposit_area": (("time", "deposit_threshold"), area),
        "deposit_dry_density": ((), DENSITY),
        "ssc": (("time", "layer", "y", "x"), ssc),
        "mass_released": (("time",), np.linspace(0.0, released_kg, nt)),
        "mass_deposited": (("time",), np.zeros(nt)),
        "mass_suspended": (("time",), np.zeros(nt)),
        "mass_exited": (("time",), np.zeros(nt)),
        "source_kind": (("source",), np.array(["collector"], dtype=object)),
        "source_x": (("source",), [TRACK[0]]),
        "source_y": (("source",), [0.0]),
        "source_nodule_rate": (("source",), [nodule_rate]),
        "source_start": (("source",), [0.0]),
        "source_stop": (("source",), [times_s[-1]]),
        "track_x": (("track_point",), list(TRACK)),
        "track_y": (("track_point",), [0.0, 0.0]),
        "track_source": (("track_point",), [0, 0]),
    }
    coords = {"x": x, "y": y, "time": times_s, "layer": [0.5, 1.5],
              "deposit_threshold": thr, "ssc_threshold": np.asarray(ssc_thresholds)}
    if by_class is not None:
        data["deposit_mass_by_class"] = (("time", "sediment_class", "y", "x"),
                                         growth[:, None] * np.asarray(by_class)[None] * DENSITY)
        coords["sediment_class"] = ["fine", "coarse"]
    return xr.Dataset(data, coords=coords)


def grid():
    return np.meshgrid(centres(), centres())


def test_a_disc_of_known_radius_and_thickness_has_its_area():
    xx, yy = grid()
    radius = 230.0
    thickness = np.where(np.hypot(xx - 15.0, yy + 40.0) <= radius, 2e-3, 0.0)
    area = area_at_or_above(thickness, [1e-3, 2e-3, 5e-3], H * H)
    # cells whose centre is inside the disc differ from the disc only within half a cell diagonal of
    # its edge: an annulus of area 2 pi R (2 h / sqrt 2)
    tolerance = 2.0 * np.pi * radius * np.sqrt(2.0) * H
    assert area[0] == pytest.approx(np.pi * radius**2, abs=tolerance)
    assert area[0] == pytest.approx(np.pi * radius**2, rel=0.01)  # the lattice count is far better than the bound
    assert area[1] == area[0] and area[2] == 0.0
    ds = add_metrics(hand_dataset(thickness))
    rows = {m.name: m.value for m in metric_rows(ds)}
    assert rows["deposit_area_1mm_m2"] == area[0]
    assert rows["deposit_area_5mm_m2"] == 0.0
    assert rows["deposit_area_1mm_m2_per_t_sediment"] == pytest.approx(area[0] / 1.0)  # 1000 kg released


def test_a_square_pulse_of_ssc_has_its_exceedance_time_and_exposure():
    times = np.arange(11) * 600.0
    c = 5e-3  # kg m-3 = 5 mg/L
    ssc = np.zeros((times.size, 2, centres().size, centres().size))
    ssc[3:7, 0, 60, 60] = c  # on at outputs 3..6: four output intervals, 2400 s
    np.testing.assert_allclose(exceedance_time(ssc, [1e-3, 1e-2], 600.0)[:, 0, 60, 60], [2400.0, 0.0])
    # trapezoid: half an interval ramps on either side of the plateau, so the integral is c * 2400 s
    assert exposure(ssc, times)[0, 60, 60] == pytest.approx(c * 2400.0, rel=1e-12)
    assert exposure(ssc, times)[1].max() == 0.0
    ds = hand_dataset(np.zeros((centres().size,) * 2), ssc=ssc, times_s=times)
    m = metrics_dataset(ds)
    assert float(m.ssc_exposure[0, 60, 60]) == pytest.approx(c * 2400.0, rel=1e-6)
    np.testing.assert_allclose(m.ssc_area.values, [H * H, 0.0])
    rows = {r.name: r.value for r in metric_rows(ds)}
    assert rows["ssc_exceedance_time_max_1mg_l_s"] == 2400.0
    assert rows["ssc_exceedance_time_max_10mg_l_s"] == 0.0
    assert rows["ssc_exposure_max_kg_s_m3"] == pytest.approx(c * 2400.0, rel=1e-6)
    # at an earlier output (the comparison's alignment) the pulse has been on for two intervals only
    early = {r.name: r.value for r in metric_rows(ds, time_index=4)}
    assert early["ssc_exceedance_time_max_1mg_l_s"] == 1200.0
    assert early["ssc_exposure_max_kg_s_m3"] == pytest.approx(c * 900.0, rel=1e-6)
    # the metrics that add_metrics put into the dataset give the same rows as computing them again
    with_metrics = add_metrics(ds)
    reused, again = metric_rows(with_metrics, metrics=with_metrics), metric_rows(with_metrics)
    np.testing.assert_equal([tuple(vars(r).values()) for r in reused], [tuple(vars(r).values()) for r in again])
    assert len(reused) > 10


def test_a_deposit_ring_at_known_distance_from_a_straight_track_gives_that_distance():
    xx, yy = grid()
    d = stadium_distance(xx, yy)
    ring = (d >= 250.0) & (d <= 300.0)
    thickness = np.where(ring, 2e-3, 0.0) + np.where(d <= 80.0, 1e-2, 0.0)
    m = metrics_dataset(hand_dataset(thickness))
    np.testing.assert_allclose(m.distance_to_track.values, d, atol=1e-9)
    far = float(m.deposit_max_distance[0])  # the 1 mm threshold: reached on the ring
    assert 300.0 - H <= far <= 300.0
    assert far == pytest.approx(d[ring].max(), abs=1e-9)
    assert float(m.deposit_max_distance[1]) == pytest.approx(d[d <= 80.0].max(), abs=1e-9)  # 5 mm: the core
    # mass fractions within distance limits: released 1000 kg
    mass = thickness * DENSITY * H * H
    expected = [mass[d <= limit].sum() / 1000.0 for limit in (100.0, 500.0, 1000.0, 5000.0)]
    np.testing.assert_allclose(m.deposited_fraction_within.values, expected, rtol=1e-12)
    assert expected[0] < expected[1] == expected[3]


def test_an_untouched_threshold_has_no_distance():
    m = metrics_dataset(hand_dataset(np.zeros((centres().size,) * 2)))
    assert np.isnan(m.deposit_max_distance.values).all()
    assert np.isnan(m.ssc_max_distance.values).all()
    np.testing.assert_allclose(m.deposited_fraction_within.values, 0.0)


def test_point_to_polyline_distance():
    # an L: (0, 0) -> (100, 0) -> (100, 100)
    a = np.array([[0.0, 0.0], [100.0, 0.0]])
    b = np.array([[100.0, 0.0], [100.0, 100.0]])
    px = np.array([50.0, -30.0, 130.0, 60.0, 100.0, 140.0])
    py = np.array([-20.0, 40.0, 50.0, 50.0, 200.0, -30.0])
    expected = [20.0, 50.0, 30.0, 40.0, 100.0, 50.0]
    np.testing.assert_allclose(distance_to_segments(px, py, a, b), expected, atol=1e-12)
    # a zero-length segment is a point; a block split gives the same answer
    np.testing.assert_allclose(distance_to_segments([3.0], [4.0], [[0.0, 0.0]], [[0.0, 0.0]]), [5.0])


def test_normalised_per_tonne_of_nodules_when_the_collector_gives_its_rate():
    xx, yy = grid()
    thickness = np.where(stadium_distance(xx, yy) <= 100.0, 2e-3, 0.0)
    plain = {r.name: r.value for r in metric_rows(hand_dataset(thickness))}
    assert not any("nodules" in name for name in plain)
    ds = hand_dataset(thickness, nodule_rate=10.0)  # 10 kg/s over 2400 s: 24 t of nodules
    rows = {r.name: r.value for r in metric_rows(ds)}
    assert rows["nodules_collected_t"] == pytest.approx(24.0)
    assert rows["sediment_per_t_nodules"] == pytest.approx(1.0 / 24.0)
    assert rows["deposit_area_1mm_m2_per_t_nodules"] == pytest.approx(rows["deposit_area_1mm_m2"] / 24.0)
    assert float(metrics_dataset(ds).deposit_area_per_nodule_mass[0]) == pytest.approx(
        rows["deposit_area_1mm_m2"] / 24000.0)


def test_per_class_fractions_add_up_to_the_total():
    xx, yy = grid()
    d = stadium_distance(xx, yy)
    coarse = np.where(d <= 50.0, 4e-3, 0.0)  # near the track
    fine = np.where((d > 200.0) & (d <= 400.0), 1e-4, 0.0)  # farther out, thinner
    ds = hand_dataset(coarse + fine, by_class=[fine, coarse])
    m = metrics_dataset(ds)
    by_class = m.deposited_fraction_within_by_class.values  # (class, limit)
    np.testing.assert_allclose(by_class.sum(axis=0), m.deposited_fraction_within.values, rtol=1e-12)
    assert by_class[0, 0] == 0.0 and by_class[0, 1] > 0.0  # no fine deposit within 100 m
    assert by_class[1, 0] == pytest.approx((coarse * DENSITY * H * H).sum() / 1000.0)
    np.testing.assert_allclose(m.deposit_area_by_class.values[:, 0], [0.0, (coarse >= 1e-3).sum() * H * H])
    assert float(m.deposit_max_distance_by_class[1, 0]) == pytest.approx(d[d <= 50.0].max())
    assert np.isnan(m.deposit_max_distance_by_class[0, 0])
    rows = {r.name for r in metric_rows(ds)}
    assert {"deposited_fraction_within_500m_fine", "deposited_fraction_within_100m_coarse"} <= rows


def test_open_result_adds_the_metrics_to_a_file_written_without_them(tmp_path):
    import plume

    xx, yy = grid()
    path = tmp_path / "old.nc"
    hand_dataset(np.where(stadium_distance(xx, yy) <= 100.0, 2e-3, 0.0)).to_netcdf(path)
    ds = plume.open_result(path)
    assert float(ds.deposit_max_distance[0]) == pytest.approx(100.0, abs=H)
    np.testing.assert_allclose(ds.distance_limit.values, [100.0, 500.0, 1000.0, 5000.0])
    assert ds.ssc_exposure.attrs["units"] == "kg m-3 s"
