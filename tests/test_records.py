"""Streamed records and time-aggregated outputs (plume.records, output.mean_every_h): memory that does not
grow with the run's length, no record file left behind, and averaged fields with known answers."""
import tracemalloc

import numpy as np
import pytest
from helpers import make_scenario

from plume.solver import Simulation, run

W, HEIGHT, MASS, CELL = 1.0e-3, 1.5, 2.0, 10.0  # settling (m/s), release height (m), kg, cell side (m)


def settling_cloud(tmp_path, **changes):
    """Three particles released together 1.5 m over a flat bed, settling at 1 mm/s through still water
    with no mixing: they cross the 1-2 m layer in 500 s and the 0-1 m layer in 1,000 s, then deposit."""
    settings = dict(
        time={"duration_h": 2, "step_s": 60, "output_every_s": 600},
        sediment={"classes": [{"name": "silt", "mass_fraction": 1.0, "settling_m_s": W}]},
        sources=[{"kind": "discharge", "name": "p", "position_m": [5, 5], "height_above_bed_m": HEIGHT,
                  "mass_kg": MASS, "start_h": 0}],
        particles={"count": 3, "seed": 5},
        grid={"resolution_m": CELL, "extent_m": [-100, 100, -100, 100], "layers_above_bed_m": [0, 1, 2, 5]},
        output={"directory": "out", "mean_every_h": 1, "ssc_estimator": "histogram", "deposit_estimator": "histogram"},
    )
    settings.update(changes)
    return make_scenario(tmp_path, **settings)


@pytest.mark.slow
def test_hourly_means_of_a_settling_cloud_match_its_crossing_times(tmp_path):
    ds = run(settling_cloud(tmp_path), write=False).dataset
    c = MASS / (CELL * CELL * 1.0)  # kg m-3: all the mass in one 10 m x 10 m x 1 m cell
    cell = dict(x=5.0, y=5.0)
    mean = ds["ssc_mean"].sel(**cell).values  # (mean_time, layer)
    hour = 3600.0
    # time in each layer: its thickness over w, counted on 60 s steps (one step either way)
    assert mean[0, 0] * hour / c == pytest.approx(1.0 / W, abs=60.0)
    assert mean[0, 1] * hour / c == pytest.approx(0.5 / W, abs=60.0)
    assert np.all(mean[1] == 0.0)  # all deposited within the first hour
    assert float(ds["ssc_mean"].sum()) == pytest.approx(float(mean.sum()), rel=1e-6)  # in that cell only
    # the net deposition rate: all the mass in the first hour, none in the second
    rate = ds["deposition_rate"].sel(**cell).values
    assert rate[0] == pytest.approx(MASS / CELL**2 / hour, rel=1e-6)
    assert rate[1] == 0.0
    assert float(ds["deposition_rate"].sum()) * hour * CELL**2 == pytest.approx(MASS, rel=1e-6)
    np.testing.assert_allclose(ds["deposit_mass_cumulative"].values,  # the deposit at each interval's end
                               (ds["deposition_rate"] * hour).cumsum("mean_time").values, rtol=1e-6, atol=1e-12)
    np.testing.assert_array_equal(ds["deposit_mass_cumulative"][-1].values, ds["deposit_mass"][-1].values)
    # the time above each threshold keeps accumulating: at the end it is the run's exceedance time, and
    # with one concentration c present it is the integral over c
    cumulative = ds["ssc_exceedance_time_cumulative"]
    np.testing.assert_array_equal(cumulative[-1].values, ds["ssc_exceedance_time"].values)
    assert float(cumulative[0].sel(**cell).isel(ssc_threshold=0, layer=0)) == pytest.approx(
        mean[0, 0] * hour / c, rel=1e-5)
    bounds = ds["mean_time_bounds"].values
    np.testing.assert_array_equal(bounds, [[0.0, hour], [hour, 2 * hour]])
    assert ds["ssc_mean"].attrs["cell_methods"] == "mean_time: mean"


def test_mean_interval_must_fit_the_step(tmp_path):
    from plume.errors import ScenarioError

    with pytest.raises(ScenarioError, match=r"output\.mean_every_h.*whole multiple of time\.step_s"):
        settling_cloud(tmp_path, output={"directory": "out", "mean_every_h": 0.01})
    with pytest.raises(ScenarioError, match=r"output\.mean_every_h.*<= time\.duration_h"):
        settling_cloud(tmp_path, output={"directory": "out", "mean_every_h": 3})


def _peak_traced_bytes(scenario) -> int:
    sim = Simulation(scenario)
    tracemalloc.start()
    try:
        sim.run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        sim.close()


@pytest.mark.slow
def test_memory_of_a_run_does_not_grow_with_its_length(tmp_path):
    """31 and 121 output records of a 200 x 200 cell grid: held in memory, the longer run would need
    about 86 MB more; streamed to disk, its peak is the same (about 11 MB traced, numpy included)."""
    grid = {"resolution_m": 10, "extent_m": [-1000, 1000, -1000, 1000], "layers_above_bed_m": [0, 1, 2, 5]}

    def scenario(hours):
        return settling_cloud(tmp_path, time={"duration_h": hours, "step_s": 60, "output_every_s": 60}, grid=grid,
                              output={"directory": "out", "mean_every_h": 0.5})

    short, long = _peak_traced_bytes(scenario(0.5)), _peak_traced_bytes(scenario(2))
    record_bytes = 200 * 200 * 4 * (3 + 3)  # ssc (3 layers), ssc_peak, deposit, bed stress: float32
    held = 90 * record_bytes  # what 90 more records would have taken in memory
    assert long - short < 0.05 * held, (short, long, held)


@pytest.mark.slow
def test_no_record_file_is_left_behind(tmp_path, monkeypatch):
    """A finished run and an interrupted one (no checkpoints) leave only their result files."""
    scenario = settling_cloud(tmp_path)
    result = run(scenario)
    folder = result.path.parent
    assert sorted(p.name for p in folder.iterdir()) == ["case.nc", "case_metrics.csv", "case_metrics.json"]

    class Stop(KeyboardInterrupt):
        pass

    def interrupted(self, step_index):
        raise Stop()

    monkeypatch.setattr(Simulation, "step", interrupted)
    with pytest.raises(Stop):
        run(scenario)
    assert sorted(p.name for p in folder.iterdir()) == ["case.nc", "case_metrics.csv", "case_metrics.json"]


def test_the_year_scenario_mines_for_a_year_with_resuspension_and_daily_means():
    from pathlib import Path

    from plume.scenario import load_scenario

    scenario = load_scenario(Path(__file__).resolve().parents[1] / "configs" / "long" / "year.yaml")
    (collector,) = scenario.sources
    assert scenario.time.duration_h == 365 * 24 and collector.start_h == 0 and collector.stop_h == 365 * 24
    assert scenario.sediment.resuspension is not None
    assert scenario.output.mean_every_h == 24 and scenario.time.n_outputs <= 60  # not a year of hourly snapshots
    track = collector.track
    assert track.lanes * track.lane_length_m / track.speed_m_s > 0.5 * scenario.time.duration_s  # new ground for months
    assert all(scenario.grid.contains(x, y) for x, y in track.corners())


def test_streamed_fields_are_written_one_record_per_chunk(tmp_path):
    """The fields read lazily from the records go into the result one record per HDF5 chunk: with the
    library's default chunks of several records, each record written rewrote the compressed chunks it
    shared with others (a year's result took over 10 minutes to write instead of seconds)."""
    import netCDF4

    result = run(settling_cloud(tmp_path))
    with netCDF4.Dataset(result.path) as nc:
        assert nc["ssc"].shape[0] > 1  # several records, which the default chunks would group
        for name in ("ssc", "ssc_mean", "deposition_rate"):
            v = nc[name]
            assert v.chunking() == [1, *v.shape[1:]], name


def test_records_read_from_many_dask_threads_come_back_exact(tmp_path):
    """HDF5 is not thread-safe: every variable's records are read under one lock (the one xarray holds).
    With a lock per variable, threads reading two variables of the file at once got 'NetCDF: HDF error'
    or corrupted HDF5 for a later open (a segfault in the test suite)."""
    import dask

    from plume.records import RecordFile

    shape = (3, 40, 50)
    variables = {f"field_{i}": ("time", "layer", "y", "x") for i in range(6)}
    records = RecordFile(tmp_path / "r.records", dict(zip(("layer", "y", "x"), shape)), variables)
    rng = np.random.default_rng(3)
    data = {name: rng.random((12, *shape)).astype(np.float32) for name in variables}
    for name, values in data.items():
        for index, record in enumerate(values):
            records.write(name, index, record)
    arrays = records.open_lazily()
    with dask.config.set(scheduler="threads", num_workers=6):
        for _ in range(15):
            read = dask.compute(*arrays.values())
            for name, values in zip(variables, read):
                np.testing.assert_array_equal(values, data[name])
    records.remove()
    assert not (tmp_path / "r.records").exists()


def test_metric_records_are_read_in_blocks_and_come_back_exact(monkeypatch):
    """plume.analysis.metrics.records reads a lazily held (dask) variable a block of records at a time: every
    record, forward, backward and from the end, equals the array's own, and a pass over 10 records with
    room for 4 in a block computes 3 blocks, not 10 records."""
    import dask
    import dask.array as da
    import xarray as xr

    from plume.analysis.metrics import records

    values = np.arange(10 * 3 * 2, dtype=np.float32).reshape(10, 3, 2)
    lazy = xr.DataArray(da.from_array(values, chunks=(1, 3, 2)), dims=("time", "x", "y"))
    monkeypatch.setattr(records, "BLOCK_BYTES", 4 * 3 * 2 * 4)
    series = records(lazy, ("y", "x"))
    computed = []
    with dask.config.set(scheduler=lambda graph, keys, **kw: computed.append(keys) or dask.get(graph, keys)):
        forward = [series[k].copy() for k in range(10)]
    assert len(computed) == 3
    for k in range(10):
        np.testing.assert_array_equal(forward[k], values[k].T)
        np.testing.assert_array_equal(series[9 - k], values[9 - k].T)
        np.testing.assert_array_equal(series[-1 - k], values[9 - k].T)
    with pytest.raises(IndexError):
        series[10]
