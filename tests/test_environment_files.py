"""Bathymetry and current files: conventions, windows, seams, interpolation and one-line errors."""
from datetime import datetime, timezone

import numpy as np
import pytest
import xarray as xr

from plume.environment.bathymetry import seabed_from_file
from plume.environment.currents_file import currents_from_file
from plume.errors import InputDataError
from plume.grids import LocalProjection

SITE = LocalProjection(-116.9, 10.4)
EXTENT = (-5000.0, 5000.0, -5000.0, 5000.0)
START = datetime(2026, 4, 1, tzinfo=timezone.utc)


def one_line_error(path, call, *words):
    with pytest.raises(InputDataError) as err:
        call()
    msg = str(err.value)
    assert "\n" not in msg and str(path) in msg, msg
    for w in words:
        assert w in msg, msg
    return msg


# ---------------------------------------------------------------- bathymetry

def periodic_depth(lon, lat):
    return 4000.0 + 200.0 * np.cos(np.radians(lon)) + 30.0 * (lat - 10.0)


def write_grid(path, lon, lat, values, name, attrs=None, lon_name="lon", lat_name="lat"):
    ds = xr.Dataset({name: ((lat_name, lon_name), values, attrs or {})},
                    coords={lon_name: lon, lat_name: lat})
    ds.to_netcdf(path)
    return path


def global_file(path, lon0, lat_descending, kind):
    """Global 0.25-degree grid from lon0 (-180 or 0); kind: elevation, depth, z, std."""
    lon = lon0 + 0.25 * np.arange(1440)
    lat = np.arange(8.0, 13.01, 0.25)
    lat = lat[::-1] if lat_descending else lat
    d = periodic_depth(lon[None, :], lat[:, None])
    name, values, attrs = {
        "elevation": ("elevation", -d, {}),
        "depth": ("depth", d, {"positive": "down"}),
        "z": ("z", -d, {}),
        "std": ("foo", d, {"standard_name": "sea_floor_depth_below_sea_surface"}),
    }[kind]
    return write_grid(path, lon, lat, values, name, attrs)


@pytest.mark.parametrize("site_lon", [-116.9, 0.0, 180.0, -179.99])
def test_bathymetry_conventions_and_seams_agree(tmp_path, site_lon):
    proj = LocalProjection(site_lon, 10.4)
    variants = [(-180.0, False, "elevation"), (0.0, True, "depth"),
                (-180.0, True, "z"), (0.0, False, "std")]
    grids = [seabed_from_file(global_file(tmp_path / f"b{i}.nc", *v), proj, EXTENT, 1000.0)
             for i, v in enumerate(variants)]
    for g in grids[1:]:
        np.testing.assert_allclose(g.depth_m, grids[0].depth_m, rtol=0, atol=1e-6)
    assert grids[0].depth_m.shape == (11, 11)
    assert np.all(grids[0].depth_m > 3000)


def test_bathymetry_linear_field_reproduced(tmp_path):
    lon, lat = np.arange(-118.0, -115.99, 0.01), np.arange(9.5, 11.51, 0.01)
    f = lambda lo, la: 4000.0 + 100.0 * (lo + 117.0) + 50.0 * (la - 10.4)  # noqa: E731
    path = write_grid(tmp_path / "lin.nc", lon, lat, -f(lon[None, :], lat[:, None]), "elevation")
    g = seabed_from_file(path, SITE, EXTENT, 500.0)
    assert (g.x0_m, g.dx_m, g.y0_m, g.dy_m, g.depth_m.shape) == (-5000, 500, -5000, 500, (21, 21))
    x, y = np.meshgrid(g.x0_m + g.dx_m * np.arange(21), g.y0_m + g.dy_m * np.arange(21))
    qlon, qlat = SITE.to_lonlat(x, y)
    np.testing.assert_allclose(g.depth_m, f(qlon, qlat), rtol=0, atol=1e-6)
    assert g.depth_m.dtype == np.float64 and g.depth_m.flags.c_contiguous


def test_bathymetry_reads_only_the_window(tmp_path):
    lon, lat = np.arange(-122.0, -112.0, 0.01), np.arange(5.0, 15.0, 0.01)
    d = np.full((lat.size, lon.size), np.nan)
    inside = ((np.abs(lon[None, :] + 116.9) < 0.1) & (np.abs(lat[:, None] - 10.4) < 0.1))
    d[inside] = 4200.0  # the domain is +-0.046 deg; everything else is NaN and must not be read
    path = write_grid(tmp_path / "big.nc", lon, lat, d, "depth", {"positive": "down"})
    g = seabed_from_file(path, SITE, EXTENT, 250.0)
    np.testing.assert_allclose(g.depth_m, 4200.0)


def test_bathymetry_file_with_a_seam_inside(tmp_path):
    """A regional grid stored across 0/360 (…359.9, 0, 0.1…) reads as one continuous window."""
    lon = np.concatenate([np.arange(358.0, 359.9, 0.25), np.arange(0.0, 2.01, 0.25)])
    lat = np.arange(8.0, 13.01, 0.25)  # the reference's nodes, so the results must agree
    d = periodic_depth(lon[None, :], lat[:, None])
    path = write_grid(tmp_path / "rolled.nc", lon, lat, d, "bathymetry")
    ref = global_file(tmp_path / "ref.nc", -180.0, False, "elevation")
    proj = LocalProjection(0.0, 10.4)
    np.testing.assert_allclose(seabed_from_file(path, proj, EXTENT, 1000.0).depth_m,
                               seabed_from_file(ref, proj, EXTENT, 1000.0).depth_m,
                               rtol=0, atol=1e-6)


@pytest.mark.parametrize("descending", [False, True])
def test_bathymetry_global_grid_with_repeated_seam_column(tmp_path, descending):
    """-180..180 inclusive (GMT gridline registration): the window over the seam still works."""
    lon = -180.0 + 0.25 * np.arange(1441)
    lon = lon[::-1] if descending else lon
    lat = np.arange(8.0, 13.01, 0.25)
    path = write_grid(tmp_path / "g.nc", lon, lat, -periodic_depth(lon[None, :], lat[:, None]), "z")
    ref = global_file(tmp_path / "ref.nc", 0.0, False, "depth")
    proj = LocalProjection(180.0, 10.4)
    np.testing.assert_allclose(seabed_from_file(path, proj, EXTENT, 1000.0).depth_m,
                               seabed_from_file(ref, proj, EXTENT, 1000.0).depth_m,
                               rtol=0, atol=1e-6)


def small_file(tmp_path, name="b.nc", values=None, lat=None, **kw):
    lon = np.arange(-117.5, -116.29, 0.05)
    lat = np.arange(9.8, 11.01, 0.05) if lat is None else lat
    v = np.full((lat.size, lon.size), -4000.0) if values is None else values
    return write_grid(tmp_path / name, lon, lat, v, kw.pop("var", "elevation"), **kw)


def test_bathymetry_errors(tmp_path):
    p = small_file(tmp_path, "t.nc", var="temperature")
    one_line_error(p, lambda: seabed_from_file(p, SITE, EXTENT, 500.0),
                   "no elevation or depth variable", "temperature")
    one_line_error(p, lambda: seabed_from_file(p, SITE, EXTENT, 500.0, variable="nope"),
                   "'nope' not found")
    lat = np.arange(9.8, 11.01, 0.05)
    lat[3], lat[4] = lat[4], lat[3]
    p = small_file(tmp_path, "m.nc", lat=lat)
    one_line_error(p, lambda: seabed_from_file(p, SITE, EXTENT, 500.0), "not strictly monotonic")
    p = small_file(tmp_path, "n.nc", values=np.full((25, 25), np.nan))
    one_line_error(p, lambda: seabed_from_file(p, SITE, EXTENT, 500.0), "missing")
    far = LocalProjection(-100.0, 10.4)
    one_line_error(p, lambda: seabed_from_file(p, far, EXTENT, 500.0), "does not cover")
    edge = LocalProjection(-117.49, 10.4)  # partly outside the west edge
    one_line_error(p, lambda: seabed_from_file(p, edge, EXTENT, 500.0), "does not cover")
    v = np.full((25, 25), -4000.0)
    v[12, 12] = 15.0  # an island at (-116.9, 10.4)
    p = small_file(tmp_path, "l.nc", values=v)
    one_line_error(p, lambda: seabed_from_file(p, SITE, EXTENT, 500.0),
                   "land is not supported", "lon -116.9", "lat 10.4")
    p = tmp_path / "text.nc"
    p.write_text("not a netcdf file\n")
    one_line_error(p, lambda: seabed_from_file(p, SITE, EXTENT, 500.0), "NetCDF")
    p = tmp_path / "absent.nc"
    one_line_error(p, lambda: seabed_from_file(p, SITE, EXTENT, 500.0), "not found")
    ds = xr.Dataset({"elevation": (("j", "i"), np.zeros((2, 2)))},
                    coords={"nav_lon": (("j", "i"), np.zeros((2, 2))),
                            "nav_lat": (("j", "i"), np.zeros((2, 2)))})
    p = tmp_path / "curvi.nc"
    ds.to_netcdf(p)
    one_line_error(p, lambda: seabed_from_file(p, SITE, EXTENT, 500.0), "1-D")


# ---------------------------------------------------------------- currents

TIMES = np.datetime64("2026-03-31T22:00") + np.arange(30) * np.timedelta64(1, "h")
DEPTHS = np.array([0.5, 100.0, 1000.0, 3000.0, 4000.0])


def field(t, depth, lon, lat):
    """u, v, w linear in time (hours since START), depth, lon and lat."""
    th = (t - np.datetime64("2026-04-01T00:00")) / np.timedelta64(1, "h")
    u = 0.05 + 0.002 * th - 1e-5 * depth + 0.01 * (((lon + 180) % 360 - 180) + 116.9)
    v = -0.03 - 0.001 * th + 2e-6 * depth + 0.02 * (lat - 10.4)
    return u, v, 1e-4 + 1e-8 * depth + 0 * u


def currents_ds(lon, lat, names=("uo", "vo", "wo"), depth=DEPTHS, zname="depth", zattrs=None):
    t, d, la, lo = np.meshgrid(TIMES, depth, lat, lon, indexing="ij")
    u, v, w = field(t, d, lo, la)  # d: depth, whichever axis the file uses
    dims = ("time", zname, "latitude", "longitude")
    coords = {"time": TIMES, zname: (zname, depth if zname == "depth" else -depth,
                                      zattrs or {"positive": "down"}), dims[2]: lat, dims[3]: lon}
    data = {n: (dims, a.astype(np.float32)) for n, a in zip(names, (u, v, w)) if n}
    return xr.Dataset(data, coords=coords)


LON = np.arange(-117.5, -116.24, 1 / 12)
LAT = np.arange(9.75, 11.01, 1 / 12)


def check_against_field(g, depths=DEPTHS, has_w=True, t0_h=0.0):
    assert g.u_m_s.shape == (g.time_s.size, depths.size, *g.u_m_s.shape[2:])
    for a in (g.u_m_s, g.v_m_s, g.w_m_s):
        assert a.dtype == np.float32 and a.flags.c_contiguous
    ny, nx = g.u_m_s.shape[2:]
    x, y = np.meshgrid(g.x0_m + g.dx_m * np.arange(nx), g.y0_m + g.dy_m * np.arange(ny))
    lon, lat = SITE.to_lonlat(x, y)
    start = np.datetime64("2026-04-01T00:00") + np.timedelta64(int(t0_h * -3600), "s")
    times = start + (g.time_s * 1e9).astype("timedelta64[ns]")
    np.testing.assert_allclose(g.z_m, np.sort(-depths))
    for it, t in enumerate(times):
        for k, z in enumerate(g.z_m):
            u, v, w = field(t, -z, lon, lat)
            np.testing.assert_allclose(g.u_m_s[it, k], u, atol=2e-6)
            np.testing.assert_allclose(g.v_m_s[it, k], v, atol=2e-6)
            np.testing.assert_allclose(g.w_m_s[it, k], w if has_w else 0.0, atol=2e-6)
    assert g.time_s[0] == pytest.approx(t0_h * 3600.0)  # t0_h: first snapshot, hours from start
    assert (g.bottom_roughness_m, g.log_layer_height_m) == (0.0, 0.0)


def test_currents_cmems_style(tmp_path):
    p = tmp_path / "cmems.nc"
    fine_lon, fine_lat = np.arange(-117.2, -116.59, 1 / 40), np.arange(10.1, 10.71, 1 / 40)
    currents_ds(fine_lon, fine_lat).to_netcdf(p)
    g = currents_from_file(p, SITE, EXTENT, START, 24 * 3600.0)
    np.testing.assert_allclose(g.time_s, 3600.0 * np.arange(25))
    # nodes about the file's 1/40 degree (2.7 km) apart, spanning the extent exactly
    assert g.u_m_s.shape[2:] == (5, 5) and (g.x0_m, g.dx_m, g.y0_m, g.dy_m) == (-5000, 2500) * 2
    check_against_field(g)


def test_currents_hycom_style_lon360_other_dim_order_start_between_snapshots(tmp_path):
    p = tmp_path / "hycom.nc"
    ds = currents_ds(LON + 360.0, LAT, names=("water_u", "water_v", None))
    ds = ds.rename(longitude="lon", latitude="lat").transpose("lon", "depth", "time", "lat")
    ds.to_netcdf(p)
    start = datetime(2026, 4, 1, 0, 30, tzinfo=timezone.utc)
    g = currents_from_file(p, SITE, EXTENT, start, 3600.0)
    np.testing.assert_allclose(g.time_s, [-1800.0, 1800.0, 5400.0])
    check_against_field(g, has_w=False, t0_h=-0.5)


def test_currents_cf_standard_names_elevation_axis_descending_lat(tmp_path):
    p = tmp_path / "cf.nc"
    ds = currents_ds(LON, LAT[::-1], names=("east", "north", "up"), zname="z",
                     zattrs={"positive": "up"})
    for n, s in (("east", "eastward"), ("north", "northward"), ("up", "upward")):
        ds[n].attrs["standard_name"] = f"{s}_sea_water_velocity"
    ds["u"] = ds["east"] * 0 + 9.0  # a decoy: standard names win over generic names
    ds.to_netcdf(p)
    check_against_field(currents_from_file(p, SITE, EXTENT, START, 7200.0))


def test_currents_variables_map_and_2d(tmp_path):
    p = tmp_path / "map.nc"
    currents_ds(LON, LAT, names=("a", "b", "c")).to_netcdf(p)
    g = currents_from_file(p, SITE, EXTENT, START, 3600.0, variables={"u": "a", "v": "b", "w": None})
    check_against_field(g, has_w=False)
    p2 = tmp_path / "flat.nc"
    currents_ds(LON, LAT).isel(depth=0, drop=True).to_netcdf(p2)
    g = currents_from_file(p2, SITE, EXTENT, START, 3600.0)
    assert g.z_m.tolist() == [0.0] and g.u_m_s.shape[:2] == (2, 1)


def test_currents_nan_below_seabed_filled_downward(tmp_path):
    p = tmp_path / "nan.nc"
    ds = currents_ds(LON, LAT)
    for n in ("uo", "vo", "wo"):
        ds[n][:, 3:] = np.nan  # z-level model: no water below 1000 m here
        ds[n][:, :, 0, 0] = np.nan  # land far outside the window: never read, so no error
    ds.to_netcdf(p)
    g = currents_from_file(p, SITE, EXTENT, START, 3600.0)
    assert g.z_m.tolist() == [-4000.0, -3000.0, -1000.0, -100.0, -0.5]
    for a in (g.u_m_s, g.v_m_s, g.w_m_s):
        assert np.all(np.isfinite(a))
        np.testing.assert_array_equal(a[:, 0], a[:, 2])
        np.testing.assert_array_equal(a[:, 1], a[:, 2])


def test_currents_errors(tmp_path):
    p = tmp_path / "c.nc"
    currents_ds(LON, LAT).to_netcdf(p)
    one_line_error(p, lambda: currents_from_file(p, SITE, EXTENT, START, 48 * 3600.0),
                   "time covers 2026-03-31T22:00 to 2026-04-02T03:00",
                   "run needs 2026-04-01T00:00 to 2026-04-03T00:00")
    far = LocalProjection(-110.0, 10.4)
    one_line_error(p, lambda: currents_from_file(p, far, EXTENT, START, 3600.0),
                   "does not cover", "lon -110.0")
    p2 = tmp_path / "nou.nc"
    currents_ds(LON, LAT, names=("temp", "vo", None)).to_netcdf(p2)
    one_line_error(p2, lambda: currents_from_file(p2, SITE, EXTENT, START, 3600.0),
                   "no u velocity", "temp", "vo")
    p3 = tmp_path / "land.nc"
    ds = currents_ds(LON, LAT)
    ds["uo"][:, :, 9, 7] = np.nan  # a whole column at lon -116.9167, lat 10.5
    ds.to_netcdf(p3)
    one_line_error(p3, lambda: currents_from_file(p3, SITE, EXTENT, START, 3600.0),
                   "no valid value in the column", "lat 10.5")
    p5 = tmp_path / "one.nc"
    currents_ds(LON, LAT).isel(time=[2]).to_netcdf(p5)
    one_line_error(p5, lambda: currents_from_file(p5, SITE, EXTENT, START, 0.0),
                   "1 value(s)", "at least two")
    p4 = tmp_path / "junk.nc"
    p4.write_bytes(b"\x00\x01junk")
    one_line_error(p4, lambda: currents_from_file(p4, SITE, EXTENT, START, 3600.0), "NetCDF")
