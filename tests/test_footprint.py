"""Metrics outside the mined footprint (the seabed the collectors sweep), with known answers."""
import numpy as np
import pytest
import xarray as xr
import yaml

from plume.analysis import metric_rows
from plume.analysis.footprint import collector_widths_m, covered_fraction, footprint
from plume.analysis.metrics import metrics_dataset

RES = 10.0


def result_like(width_m=10.0, kinds=("collector",), scenario=True, thickness_m=1e-3):
    """20 x 20 cells of 10 m; one collector driving x = 0 from y = -50 to y = 50 (cell edges at x = 0),
    a uniform deposit of `thickness_m` on the 60 m x 100 m block x in [-30, 30], y in [-50, 50]."""
    x = -100.0 + RES * (np.arange(20) + 0.5)
    y = -100.0 + RES * (np.arange(20) + 0.5)
    xx, yy = np.meshgrid(x, y)
    block = (np.abs(xx) < 30) & (np.abs(yy) < 50)
    thick = np.where(block, thickness_m, 0.0)[None].repeat(2, axis=0)
    thick[0] = 0.0
    ssc = np.zeros((2, 1, 20, 20))
    ssc[1, 0] = np.where(block, 5e-3, 0.0)  # 5 mg/L over the block at the last time
    density = 300.0
    released = 100_000.0
    sources = [{"kind": k, "name": f"s{i}", "release_width_m": width_m} for i, k in enumerate(kinds)]
    ds = xr.Dataset(
        {
            "deposit_thickness": (("time", "y", "x"), thick),
            "deposit_mass": (("time", "y", "x"), thick * density),
            "deposit_dry_density": ((), density),
            "ssc": (("time", "layer", "y", "x"), ssc),
            "deposit_area": (("time", "deposit_threshold"),
                             np.array([[0.0, 0.0], [block.sum() * RES * RES, 0.0]])),
            "mass_released": (("time",), [0.0, released]),
            "mass_deposited": (("time",), [0.0, 1800.0]), "mass_suspended": (("time",), [0.0, released - 1800.0]),
            "mass_exited": (("time",), [0.0, 0.0]),
            "source_name": (("source",), [s["name"] for s in sources]),
            "source_kind": (("source",), list(kinds)),
            "source_x": (("source",), [0.0] * len(kinds)), "source_y": (("source",), [-50.0] * len(kinds)),
            "source_nodule_rate": (("source",), [10.0] * len(kinds)),
            "source_start": (("source",), [0.0] * len(kinds)), "source_stop": (("source",), [3600.0] * len(kinds)),
            "track_x": (("track_point",), [0.0, 0.0]), "track_y": (("track_point",), [-50.0, 50.0]),
            "track_source": (("track_point",), np.array([0, 0], dtype=np.int32)),
        },
        coords={"x": x, "y": y, "time": [0.0, 3600.0], "layer": [0.5],
                "deposit_threshold": [1e-4, 1e-2], "ssc_threshold": [1e-3, 1e-2]},
        attrs={"scenario": yaml.safe_dump({"name": "t", "sources": sources})} if scenario else {},
    )
    return ds


def test_the_footprint_is_the_track_widened_by_the_collector_width():
    ds = result_like(width_m=10.0)
    assert collector_widths_m(ds).tolist() == [10.0]
    swept = footprint(ds)
    assert swept.area == pytest.approx(10.0 * 100.0)
    fraction = covered_fraction(ds)
    # the track runs on the edge x = 0: half of each of the two columns beside it, over 10 rows
    assert fraction.sum() * RES * RES == pytest.approx(1000.0)
    assert np.unique(np.round(fraction, 12)).tolist() == [0.0, 0.5]
    assert np.count_nonzero(fraction) == 20


def test_areas_and_mass_outside_the_footprint():
    ds = result_like(width_m=10.0)
    m = metrics_dataset(ds)
    assert float(m["footprint_area"]) == pytest.approx(1000.0)
    # the deposit covers 6000 m2 uniformly; the footprint takes 1000 m2 of it
    assert m["deposit_area_outside_footprint"].values.tolist() == pytest.approx([5000.0, 0.0])
    assert m["ssc_area_outside_footprint"].values.tolist() == pytest.approx([5000.0, 0.0])
    assert float(m["mass_deposited_outside_footprint"]) == pytest.approx(5000.0 * 1e-3 * 300.0)
    # per kg of sediment released (1e5 kg) and of nodules (10 kg/s for an hour)
    assert m["deposit_area_outside_footprint_per_sediment_mass"].values[0] == pytest.approx(5000.0 / 1e5)
    assert m["deposit_area_outside_footprint_per_nodule_mass"].values[0] == pytest.approx(5000.0 / 36_000.0)


def test_the_table_has_the_outside_figures_beside_the_totals():
    rows = {r.name: r for r in metric_rows(result_like(width_m=20.0))}
    assert rows["deposit_area_0.1mm_m2"].value == pytest.approx(6000.0)
    assert rows["footprint_area_m2"].value == pytest.approx(2000.0)
    assert rows["deposit_area_outside_footprint_0.1mm_m2"].value == pytest.approx(4000.0)
    assert rows["deposit_area_outside_footprint_0.1mm_m2_per_t_sediment"].value == pytest.approx(4000.0 / 100.0)
    assert rows["deposit_area_outside_footprint_0.1mm_m2_per_t_nodules"].value == pytest.approx(4000.0 / 36.0)
    assert rows["ssc_area_outside_footprint_1mg_l_m2"].value == pytest.approx(4000.0)
    assert rows["mass_deposited_outside_footprint_kg"].value == pytest.approx(4000.0 * 0.3)
    names = list(rows)  # each outside figure follows its total
    assert names.index("deposit_area_outside_footprint_0.1mm_m2") > names.index("deposit_area_0.1mm_m2")


@pytest.mark.parametrize("changes", [{"width_m": 0.0}, {"scenario": False}, {"kinds": ("discharge",)}])
def test_without_a_swept_width_nothing_is_taken_off(changes):
    m = metrics_dataset(result_like(**changes))
    assert float(m["footprint_area"]) == 0.0
    assert m["deposit_area_outside_footprint"].values.tolist() == pytest.approx([6000.0, 0.0])


def test_a_lawnmower_block_is_swept_whole():
    """Lanes as far apart as the vehicle is wide sweep one contiguous block."""
    ds = result_like(width_m=10.0)
    lanes_x = [-20.0, -10.0, 0.0, 10.0, 20.0]
    xs, ys = [], []
    for i, x in enumerate(lanes_x):  # up, across, down, ...
        ends = [-50.0, 50.0] if i % 2 == 0 else [50.0, -50.0]
        xs += [x, x]
        ys += ends
    ds = ds.drop_vars(["track_x", "track_y", "track_source"]).assign(
        track_x=("track_point", xs), track_y=("track_point", ys),
        track_source=("track_point", np.zeros(len(xs), dtype=np.int32)))
    swept = footprint(ds)
    # 5 lanes of 10 m x 100 m side by side, plus what each of the 4 turns sweeps beyond the lane ends:
    # a half-width (5 m) strip over the two lanes it joins (20 m)
    assert swept.area == pytest.approx(50.0 * 100.0 + 4 * 5.0 * 20.0, rel=1e-9)
    assert covered_fraction(ds).sum() * RES * RES == pytest.approx(swept.area)
