"""Single-point ADCP current profiles: reading, heights above the local seabed, errors, scenario."""
from datetime import datetime, timezone

import numpy as np
import pytest
import xarray as xr

from plume.environment import Environment
from plume.environment.currents import UniformFlow
from plume.environment.currents_adcp import currents_from_adcp
from plume.environment.fields import SeabedGrid, flat_seabed
from plume.errors import InputDataError
from plume.kernels.advect import velocity
from plume.scenario import scenario_from_dict

from helpers import scenario_dict

START = datetime(2026, 4, 1, tzinfo=timezone.utc)
HEIGHTS = np.arange(2.0, 51.0, 4.0)  # 2 .. 50 m above bed


def u_true(t_s, h):
    return 0.1 + 0.002 * h + 1.0e-5 * t_s


def v_true(t_s, h):
    return -0.05 + 0.001 * h - 2.0e-6 * t_s


def write_adcp(path, hours=3, heights=HEIGHTS, u=u_true, v=v_true, names=("u", "v"), hname="height_above_bed",
               hattrs=None, transpose=False):
    t = np.arange(hours + 1, dtype=float)
    ts, hs = np.meshgrid(t * 3600.0, np.asarray(heights, float), indexing="ij")
    data = {}
    for name, f in zip(names, (u, v)):
        a = f(ts, hs)
        data[name] = ((hname, "time"), a.T) if transpose else (("time", hname), a)
    ds = xr.Dataset(data, coords={
        "time": ("time", t, {"units": "hours since 2026-04-01 00:00:00"}),
        hname: (hname, np.asarray(heights, float), hattrs if hattrs is not None else {"units": "m"}),
    })
    for name in names:
        ds[name].attrs["units"] = "m/s"
    ds.to_netcdf(path)
    return path


def environment(currents, seabed):
    return Environment(seabed, currents, UniformFlow())


def sloping_seabed():
    # bilinear over the domain: depth 4000 at (-1000, -1000), rising/falling with x and y
    return SeabedGrid(-1000.0, 2000.0, -1000.0, 2000.0, np.array([[4000.0, 4100.0], [4050.0, 4150.0]]))


def hilly_seabed():
    rng = np.random.default_rng(3)
    return SeabedGrid(-1000.0, 100.0, -1000.0, 100.0, 4000.0 - 60.0 * rng.random((21, 21)))


@pytest.mark.parametrize("seabed", [flat_seabed(4000.0, (-1000, 1000, -1000, 1000)), sloping_seabed(),
                                    hilly_seabed()], ids=["flat", "sloping", "hills"])
def test_profile_linear_in_height_and_time_is_reproduced_above_the_local_seabed(tmp_path, seabed):
    path = write_adcp(tmp_path / "adcp.nc")
    g = currents_from_adcp(path, START.replace(minute=30), 3600.0)
    assert g.z_is_height_above_bed and not g.has_vertical_velocity
    assert g.u_m_s.shape == (3, HEIGHTS.size, 1, 1) and g.u_m_s.dtype == np.float32
    env = environment(g, seabed)
    rng = np.random.default_rng(0)
    t0, dt = 300.0, 600.0  # run time; the file's time is 1800 s ahead
    staged, clock = env.step_fields(t0, dt)
    for _ in range(20):
        x, y = rng.uniform(-1000, 1000, 2)
        h = rng.uniform(2.0, 50.0)
        z = -float(env.depth_at(x, y)[0]) + h
        for stage in range(3):
            t_file = 1800.0 + t0 + 0.5 * dt * stage
            u, v, w = velocity(staged, env.seabed, clock, stage, x, y, z)
            assert u == pytest.approx(u_true(t_file, h), abs=1e-6)
            assert v == pytest.approx(v_true(t_file, h), abs=1e-6)
            assert w == 0.0


def test_clamped_below_lowest_and_above_highest_bin(tmp_path):
    g = currents_from_adcp(write_adcp(tmp_path / "adcp.nc"), START, 3600.0)
    env = environment(g, sloping_seabed())
    staged, clock = env.step_fields(0.0, 60.0)
    d = float(env.depth_at(200.0, -300.0)[0])
    low, _, _ = velocity(staged, env.seabed, clock, 0, 200.0, -300.0, -d + 0.5)
    high, _, _ = velocity(staged, env.seabed, clock, 0, 200.0, -300.0, -d + 500.0)
    assert low == pytest.approx(u_true(0.0, 2.0), abs=1e-6)
    assert high == pytest.approx(u_true(0.0, 50.0), abs=1e-6)


def test_descending_heights_and_height_first_layout_are_sorted(tmp_path):
    path = write_adcp(tmp_path / "adcp.nc", heights=HEIGHTS[::-1], hname="hab", transpose=True,
                      names=("east", "north"))
    g = currents_from_adcp(path, START, 3600.0)
    assert np.all(np.diff(g.z_m) > 0)
    np.testing.assert_allclose(g.u_m_s[0, :, 0, 0], u_true(0.0, HEIGHTS), atol=1e-6)


def test_standard_name_height_and_variables_map(tmp_path):
    path = write_adcp(tmp_path / "adcp.nc", names=("ve", "vn"), hname="bin",
                      hattrs={"standard_name": "height_above_sea_floor", "units": "m"})
    g = currents_from_adcp(path, START, 3600.0, variables={"u": "ve", "v": "vn", "w": None})
    np.testing.assert_allclose(g.v_m_s[1, :, 0, 0], v_true(3600.0, HEIGHTS), atol=1e-6)


def test_nan_bins_filled_from_nearest_valid_bin(tmp_path):
    def u(t, h):
        a = u_true(t, h)
        a[:, :2] = np.nan  # lowest two bins missing
        a[:, -1] = np.nan  # top bin missing
        return a

    g = currents_from_adcp(write_adcp(tmp_path / "adcp.nc", u=u), START, 3600.0)
    prof = g.u_m_s[0, :, 0, 0]
    assert prof[0] == prof[1] == pytest.approx(u_true(0.0, HEIGHTS[2]), abs=1e-6)
    assert prof[-1] == pytest.approx(u_true(0.0, HEIGHTS[-2]), abs=1e-6)


def _one_line_error(tmp_path, path, match, **kw):
    with pytest.raises(InputDataError, match=match) as e:
        currents_from_adcp(path, kw.pop("start", START), kw.pop("duration_s", 3600.0), **kw)
    assert "\n" not in str(e.value) and str(path) in str(e.value)


def test_time_not_covered(tmp_path):
    path = write_adcp(tmp_path / "adcp.nc", hours=2)
    _one_line_error(tmp_path, path, "time covers .* but the run needs", duration_s=4 * 3600.0)


def test_missing_u(tmp_path):
    path = write_adcp(tmp_path / "adcp.nc", names=("speed", "v"))
    _one_line_error(tmp_path, path, "no u velocity found")


def test_all_nan_profile_in_window(tmp_path):
    def u(t, h):
        a = u_true(t, h)
        a[1] = np.nan
        return a

    path = write_adcp(tmp_path / "adcp.nc", u=u)
    _one_line_error(tmp_path, path, "no valid bin in the profile at 2026-04-01T01:00")
    currents_from_adcp(path, START.replace(hour=2), 3600.0)  # outside the window: fine


def test_non_monotonic_heights(tmp_path):
    path = write_adcp(tmp_path / "adcp.nc", heights=[2.0, 10.0, 6.0, 20.0])
    _one_line_error(tmp_path, path, "not strictly monotonic")


@pytest.mark.slow
def test_scenario_adcp_runs(tmp_path):
    from plume.solver import Simulation

    write_adcp(tmp_path / "adcp.nc", u=lambda t, h: 0.1 + 0.0 * h + 0.0 * t,
               v=lambda t, h: 0.05 + 0.0 * h + 0.0 * t)
    d = scenario_dict(bathymetry={"flat_depth_m": 4000})
    d["currents"] = {"adcp": "adcp.nc"}
    scenario = scenario_from_dict(d, tmp_path)
    assert scenario.currents.adcp == tmp_path / "adcp.nc"
    sim = Simulation(scenario)
    assert sim.environment.currents.z_is_height_above_bed
    sim.release_due(0.0)
    n = sim.particles.n_released
    x0, y0 = sim.particles.x_m[:n].copy(), sim.particles.y_m[:n].copy()
    for step in range(5):
        sim.release_due(step * sim.dt_s)
        sim.step(step)
    np.testing.assert_allclose(sim.particles.x_m[:n] - x0, 0.1 * 5 * sim.dt_s, rtol=1e-5)
    np.testing.assert_allclose(sim.particles.y_m[:n] - y0, 0.05 * 5 * sim.dt_s, rtol=1e-5)


def test_scenario_currents_sources_are_exclusive(tmp_path):
    write_adcp(tmp_path / "adcp.nc")
    d = scenario_dict()
    d["currents"] = {"adcp": "adcp.nc", "synthetic": {}}
    with pytest.raises(Exception, match="give only one of synthetic, file or adcp"):
        scenario_from_dict(d, tmp_path)
    d["currents"] = {"variables": {"u": "a", "v": "b"}}
    with pytest.raises(Exception, match="give one of synthetic, file or adcp"):
        scenario_from_dict(d, tmp_path)
