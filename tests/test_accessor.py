"""ds.plume: point series, areas and masses in polygons and first-crossing times, with known answers."""
import json

import numpy as np
import pytest
import xarray as xr

import plume  # noqa: F401  (registers the accessor)
from plume.errors import PlumeError
from plume.grids import LocalProjection

LON0, LAT0 = -116.5, 13.9
RES = 100.0


def result_like() -> xr.Dataset:
    """A small dataset shaped like a result: 20 x 10 cells of 100 m, 5 output times, 2 layers.

    deposit_thickness grows east with x and in time; ssc rises in time, only in the upper layer
    at the cell (i=12, j=4)."""
    proj = LocalProjection(LON0, LAT0)
    x = -1000.0 + RES * (np.arange(20) + 0.5)
    y = -500.0 + RES * (np.arange(10) + 0.5)
    xx, yy = np.meshgrid(x, y)
    lon, lat = proj.to_lonlat(xx, yy)
    t = np.arange(5)
    thickness = (t[:, None, None] + 1) * (np.arange(20)[None, None, :] + 0 * yy[None]) * 1e-4  # (time, y, x) m
    ssc = np.zeros((5, 2, 10, 20))
    ssc[:, 1, 4, 12] = t * 1e-3  # kg m-3: 0, 1, 2, 3, 4 mg/L
    ds = xr.Dataset(
        {
            "crs": ((), np.int32(0), proj.cf_grid_mapping()),
            "deposit_thickness": (("time", "y", "x"), thickness),
            "deposit_mass": (("time", "y", "x"), thickness * 300.0),
            "ssc": (("time", "layer", "y", "x"), ssc),
        },
        coords={"x": x, "y": y, "lon": (("y", "x"), lon), "lat": (("y", "x"), lat),
                "time": np.datetime64("2026-04-01T00:00") + t * np.timedelta64(1, "h"),
                "layer": [0.5, 1.5], "deposit_threshold": [1e-4, 1e-3], "ssc_threshold": [1e-3, 1e-2]},
    )
    return ds


def lonlat(x, y):
    lon, lat = LocalProjection(LON0, LAT0).to_lonlat(x, y)
    return float(lon), float(lat)


def box(x0, x1, y0, y1, shift=0.0):
    """A GeoJSON polygon of the x/y box, in lon/lat (``shift`` adds whole turns of longitude)."""
    corners = [lonlat(x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))]
    return {"type": "Polygon", "coordinates": [[[lo + shift, la] for lo, la in corners]]}


def test_at_a_point_picks_the_cell_holding_it():
    ds = result_like()
    here = ds.plume.at(*lonlat(260.0, -140.0))  # inside the cell centred at (250, -150): i = 12, j = 3
    assert set(here["ssc"].dims) == {"time", "layer"} and here["deposit_thickness"].dims == ("time",)
    np.testing.assert_allclose(here["deposit_thickness"].values, (np.arange(5) + 1) * 12 * 1e-4)
    xy = ds.plume.xy(*lonlat(260.0, -140.0))
    assert xy == pytest.approx((260.0, -140.0), abs=1e-6)


def test_a_point_off_the_grid_is_one_clear_error():
    with pytest.raises(PlumeError, match=r"off the grid \(x = 1500 m"):
        result_like().plume.at(*lonlat(1500.0, 0.0))


def test_first_time_at_or_above_a_threshold():
    ds = result_like()
    point = lonlat(250.0, -50.0)  # cell i = 12, j = 4
    # the lowest layer never reaches it; the upper one reaches 2.5 mg/L at the fourth output (3 mg/L)
    assert ds.plume.first_time_at_or_above(*point, 2.5e-3) is None
    assert ds.plume.first_time_at_or_above(*point, 2.5e-3, layer=1) == np.datetime64("2026-04-01T03:00")
    assert ds.plume.first_time_at_or_above(*point, 2.5e-3, layer=None) == np.datetime64("2026-04-01T03:00")
    # deposit thickness there is 12e-4 m per output: 3 mm is first reached at the third output (3.6 mm)
    assert ds.plume.first_time_at_or_above(*point, 3e-3, variable="deposit_thickness") == \
        np.datetime64("2026-04-01T02:00")
    with pytest.raises(PlumeError, match="no variable 'nope'"):
        ds.plume.first_time_at_or_above(*point, 1.0, variable="nope")


def test_area_and_mass_above_thresholds_inside_a_polygon():
    ds = result_like()
    # cells with centres in x 0..500 (i = 10..14) and y -200..200 (j = 3..6): 5 x 4 cells
    area = {"type": "Feature", "properties": {"name": "PRZ-1"}, "geometry": box(0.0, 500.0, -200.0, 200.0)}
    out = ds.plume.in_area(area)
    assert list(out["area"].values) == ["PRZ-1"]
    assert float(out["area_m2"][0]) == pytest.approx(20 * RES * RES)
    last = out.isel(time=-1, area=0)
    # at the last time thickness = 5e-4 * i: >= 1e-4 in every cell; >= 1e-3 where i >= 2: all five columns
    assert last["deposit_area"].values.tolist() == pytest.approx([20 * 1e4, 20 * 1e4])
    first = out.isel(time=0, area=0)  # thickness = 1e-4 * i: >= 1e-3 only where i >= 10: all inside
    assert first["deposit_area"].values.tolist() == pytest.approx([20 * 1e4, 20 * 1e4])
    expected_total = sum(5e-4 * i * 300.0 * RES * RES for i in range(10, 15)) * 4
    assert float(last["deposit_mass_total"]) == pytest.approx(expected_total)
    assert float(last["deposit_mass"][0]) == pytest.approx(expected_total)
    # one cell of SSC, reaching 1 mg/L from the second output time on, never 10 mg/L
    assert out["ssc_area"].sel(ssc_threshold=1e-3, area="PRZ-1").values.tolist() == [0, 1e4, 1e4, 1e4, 1e4]
    assert float(out["ssc_area_ever"].isel(time=-1, area=0).sel(ssc_threshold=1e-2)) == 0.0


def test_thresholds_split_the_cells_inside():
    ds = result_like()
    # the western half (i = 0..9), at the first time: thickness 1e-4 * i, so >= 1e-4 for i >= 1 (9 columns)
    out = ds.plume.in_area(box(-1000.0, 0.0, -500.0, 500.0)).isel(time=0, area=0)
    assert out["deposit_area"].values.tolist() == pytest.approx([9 * 10 * 1e4, 0.0])


def test_areas_by_name_from_a_file_and_across_the_date_line(tmp_path):
    ds = result_like()
    features = [{"type": "Feature", "properties": {"name": name}, "geometry": box(x0, x0 + 300.0, -500.0, 500.0)}
                for name, x0 in (("west", -1000.0), ("east", 700.0))]
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    out = ds.plume.in_area(path)
    assert list(out["area"].values) == ["west", "east"]
    assert out["area_m2"].values.tolist() == pytest.approx([30 * 1e4, 30 * 1e4])
    # the same polygon written with longitudes in 0..360
    shifted = ds.plume.in_area(box(700.0, 1000.0, -500.0, 500.0, shift=360.0))
    assert float(shifted["deposit_mass_total"].isel(time=-1, area=0)) == \
        pytest.approx(float(out["deposit_mass_total"].isel(time=-1).sel(area="east")))


def test_bad_areas_are_clear_errors():
    ds = result_like()
    with pytest.raises(PlumeError, match="no polygons"):
        ds.plume.in_area({"type": "Point", "coordinates": [LON0, LAT0]})
    with pytest.raises(PlumeError, match="an area must be"):
        ds.plume.in_area(42)
    with pytest.raises(PlumeError, match="not a plume result"):
        xr.Dataset().plume.at(0, 0)


def test_an_area_smaller_than_a_cell_holds_nothing():
    ds = result_like()
    out = ds.plume.in_area(box(10.0, 20.0, 10.0, 20.0))  # inside one cell, around no centre
    assert float(out["area_m2"][0]) == 0.0
    assert float(out["deposit_mass_total"].isel(time=-1, area=0)) == 0.0
    assert out["deposit_area"].isel(time=-1, area=0).values.tolist() == [0.0, 0.0]
