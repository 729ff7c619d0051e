"""plume ensemble: sweep files, members as dask tasks on a 2-worker LocalCluster, the ensemble products.

The sweep-file and product tests run no model. The cluster tests run a tiny scenario (500 particles,
1 h, a 50 x 40 grid) and share one LocalCluster; they are marked slow (the cluster's start and the
members' runs take about half a minute).
"""
from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

import helpers
from plume.cli import app
from plume.ensemble import expand, load_sweep, run_ensemble
from plume.ensemble.products import combine, exceedance_probability, metric_table, percentiles
from plume.ensemble.run import run_member
from plume.ensemble.sweep import Member
from plume.errors import ScenarioError

BASE = helpers.scenario_dict(
    currents={"synthetic": {"mean_u_m_s": 0.05, "mean_v_m_s": 0.0,
                            "tides": [{"constituent": "M2", "u_amplitude_m_s": 0.03, "phase_deg": 0}]}},
    turbulence={"horizontal_m2_s": 0.1, "vertical": {"profile": "constant", "value_m2_s": 1.0e-4}},
    sediment={"classes": [{"name": "only", "mass_fraction": 1.0, "settling_m_s": 1.0e-3}]},
    sources=[{"kind": "discharge", "name": "point", "position_m": [0, 0], "height_above_bed_m": 3,
              "rate_kg_s": 1.0, "start_h": 0, "stop_h": 0.5}],
    particles={"count": 500, "seed": 1},
    grid={"resolution_m": 25, "extent_m": [-250, 1000, -500, 500], "layers_above_bed_m": [0, 1, 2, 5]},
)


def write_sweep(folder: Path, sweep: dict, base: dict | None = None, name: str = "sweep.yaml") -> Path:
    helpers.write_scenario(folder / "base.yaml", base or BASE)
    return helpers.write_scenario(folder / name, {"name": "ens", "base": "base.yaml", **sweep})


def sweep_error(tmp_path, sweep: dict, base: dict | None = None) -> str:
    path = write_sweep(tmp_path, sweep, base)
    with pytest.raises(ScenarioError) as err:
        s, _ = load_sweep(path)
        expand(s, path, tmp_path / "out")
    message = str(err.value)
    assert "\n" not in message and message.startswith(str(path))
    return message


# ---------------------------------------------------------------- the sweep file


def test_members_are_every_combination_with_reproducible_draws(tmp_path):
    path = write_sweep(tmp_path, {
        "set": {"particles.count": 200},
        "grid": {"currents.synthetic.mean_u_m_s": [0.02, 0.05]},
        "monte_carlo": {"realisations": 3, "seed": 7,
                        "draw": {"currents.synthetic.tides[0].phase_deg": {"uniform": [10, 20]}}}})
    sweep, _ = load_sweep(path)
    members = expand(sweep, path, tmp_path / "out")
    assert [m.name for m in members] == [f"ens_{i:03d}" for i in range(6)]
    for m in members:
        sc = m.scenario
        assert sc.name == m.name and sc.particles.count == 200 and not sc.output.maps
        assert Path(sc.output.directory) == (tmp_path / "out" / "ens_members")
        assert sc.currents.synthetic.mean_u_m_s == m.varied["currents.synthetic.mean_u_m_s"]
        phase = sc.currents.synthetic.tides[0].phase_deg
        assert 10 <= phase <= 20 and phase == m.varied["currents.synthetic.tides[0].phase_deg"]
        assert sc.particles.seed == m.varied["particles.seed"]
    # a realisation draws the same seed and phase for both speeds; realisations differ from each other
    by_realisation = {}
    for m in members:
        by_realisation.setdefault(m.varied["realisation"], set()).add(m.scenario.particles.seed)
    assert all(len(seeds) == 1 for seeds in by_realisation.values()) and len(by_realisation) == 3
    assert len({s for seeds in by_realisation.values() for s in seeds}) == 3
    again = expand(load_sweep(path)[0], path, tmp_path / "out")  # the same seed: the same members
    assert [m.varied for m in again] == [m.varied for m in members]


def test_a_list_of_scenario_files_is_a_member_coordinate(tmp_path):
    helpers.write_scenario(tmp_path / "a.yaml", helpers.merge(BASE, {"name": "a"}))
    helpers.write_scenario(tmp_path / "b.yaml", helpers.merge(BASE, {"name": "b", "particles": {"count": 300}}))
    path = helpers.write_scenario(tmp_path / "s.yaml", {"name": "two", "scenarios": ["a.yaml", "b.yaml"],
                                                        "grid": {"particles.seed": [1, 2]}})
    members = expand(load_sweep(path)[0], path, tmp_path)
    assert [(m.varied["scenario"], m.varied["particles.seed"], m.scenario.particles.count) for m in members] == \
        [("a.yaml", 1, 500), ("a.yaml", 2, 500), ("b.yaml", 1, 300), ("b.yaml", 2, 300)]


@pytest.mark.parametrize("sweep, expected", [
    ({"gird": {"particles.seed": [1]}}, "gird: unknown key; did you mean 'grid'?"),
    ({"scenarios": ["base.yaml"]}, "give either base (one scenario file) or scenarios"),
    ({"grid": {"particles.seed": []}}, "grid.particles.seed: must list at least one value"),
    ({"grid": {"name": ["a", "b"]}}, "grid.name: is set by the ensemble for every member"),
    ({"grid": {"sources[0]]x": [1]}}, "not a key path"),
    ({"monte_carlo": {"realisations": 0}}, "monte_carlo.realisations: must be >= 1, got 0"),
    ({"monte_carlo": {"realisations": 2, "draw": {"sources[0].rate_kg_s": {"uniform": [3, 1]}}}},
     "the upper bound must be >= the lower bound"),
    ({"grid": {"particles.seed": [1, 2]}, "monte_carlo": {"realisations": 2}},
     "particles.seed is in grid while monte_carlo.particle_seeds draws it"),
    ({"grid": {"particles.count": list(range(200))}, "monte_carlo": {"realisations": 100}},
     "makes 20000 members, more than 10000"),
    ({"batches": 0}, "batches: must be >= 1, got 0"),
    ({"batches": 600}, "batches: 600 batches of member ens_000's 500 particles would leave a batch empty"),
])
def test_sweep_file_errors_name_the_key(tmp_path, sweep, expected):
    assert expected in sweep_error(tmp_path, sweep)


def test_every_member_is_validated_before_anything_runs(tmp_path):
    message = sweep_error(tmp_path, {"grid": {"particles.count": [100, -5]}})
    assert "member ens_001" in message and "particles.count: must be >= 1, got -5" in message
    message = sweep_error(tmp_path, {"grid": {"currents.synthetic.tides[3].phase_deg": [1]}})
    assert "tides has 1 item" in message
    message = sweep_error(tmp_path, {"grid": {"grid.resolution_m": [25, 50]}})
    assert "differ in grid" in message
    (tmp_path / "base.yaml").unlink()
    path = tmp_path / "sweep.yaml"
    with pytest.raises(ScenarioError, match="base: no such scenario file"):
        expand(load_sweep(path)[0], path, tmp_path)


def test_the_cli_reports_a_bad_sweep_in_one_line(tmp_path):
    path = write_sweep(tmp_path, {"grid": {"particles.count": [0]}})
    result = CliRunner().invoke(app, ["ensemble", str(path), "-q"])
    assert result.exit_code == 2
    assert "member ens_000" in result.output and "particles.count" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "outputs").exists()
    result = CliRunner().invoke(app, ["ensemble", str(path), "--scheduler", "tcp://x:1", "--workers", "2"])
    assert result.exit_code == 2 and "leave one of them out" in result.output


# ---------------------------------------------------------------- the products, on hand-built members


def test_exceedance_probability_is_the_fraction_of_members_at_or_above():
    members = np.array([[[0.0, 1.0], [2.0, 3.0]],
                        [[1.0, 1.0], [0.5, 3.0]],
                        [[0.0, 2.0], [2.5, 0.0]],
                        [[0.0, 0.9], [2.0, 3.0]]])
    p = exceedance_probability(members, [1.0, 2.5])
    assert p.shape == (2, 2, 2)
    np.testing.assert_array_equal(p[0], [[0.25, 0.75], [0.75, 0.75]])
    np.testing.assert_array_equal(p[1], [[0.0, 0.0], [0.25, 0.75]])


def _summary(deposit, ssc, metrics, template):
    return {"final_deposit_thickness": np.asarray(deposit, dtype=np.float32),
            "ssc_max": np.asarray(ssc, dtype=np.float32), "metrics": metrics, "template": template}


def test_combined_products_on_a_hand_built_ensemble(tmp_path):
    from plume.ensemble.sweep import Sweep

    template = xr.Dataset(
        {"depth": (("y", "x"), np.full((2, 3), 4000.0))},
        coords={"x": [0.0, 10.0, 20.0], "y": [0.0, 10.0], "layer": [0.5, 1.5],
                "deposit_threshold": [1e-4, 1e-3], "ssc_threshold": [1e-3]})
    deposit = [np.full((2, 3), v) for v in (0.0, 5e-4, 2e-3, 2e-3)]  # thickness (m)
    ssc = [np.zeros((2, 2, 3)) for _ in range(4)]
    ssc[1][1, 0, 0] = 5e-3  # member 1 exceeds in cell (0, 0), upper layer only
    ssc[2][0, 0, 0] = 1e-3  # member 2 just reaches it
    area = [1.0, 2.0, 3.0, 4.0]
    metrics = [[("area_m2", a, "m2", "an area"), ("time_s", 3600.0, "s", "time")] for a in area]
    metrics[3].append(("nodules_t", 7.0, "t", "only one member has it"))
    summaries = [_summary(d, s, m, template) for d, s, m in zip(deposit, ssc, metrics)]
    members = [Member(i, f"e_{i:03d}", None, {"particles.seed": i + 10, "scenario": "a.yaml"}) for i in range(4)]
    sweep = Sweep(name="e", base=Path("a.yaml"), percentiles=[5, 50, 95])
    ds = combine(members, summaries, sweep, "name: e\n", failed={"e_004": "boom"})

    np.testing.assert_array_equal(ds.deposit_exceedance_probability.sel(deposit_threshold=1e-4).values, 0.75)
    np.testing.assert_array_equal(ds.deposit_exceedance_probability.sel(deposit_threshold=1e-3).values, 0.5)
    p_ssc = ds.ssc_exceedance_probability.values[0]
    assert p_ssc[0, 0] == 0.5 and p_ssc.sum() == 0.5
    pct = ds.metric_percentile.sel(metric="area_m2").values
    np.testing.assert_allclose(pct, np.percentile(area, [5, 50, 95]))
    np.testing.assert_allclose(pct, [1.15, 2.5, 3.85])
    nodules = ds.metric_value.sel(metric="nodules_t").values
    assert np.isnan(nodules[:3]).all() and nodules[3] == 7.0
    assert (ds.metric_percentile.sel(metric="nodules_t").values == 7.0).all()
    assert list(ds.particles_seed.values) == [10, 11, 12, 13] and ds.particles_seed.attrs["scenario_key"] == \
        "particles.seed"
    assert ds.attrs["plume_product"] == "ensemble" and ds.attrs["members_failed"] == "e_004: boom"
    assert ds.attrs["members_planned"] == 5 and ds.attrs["members_finished"] == 4
    assert ds.deposit_exceedance_probability.attrs["units"] == "1"
    from plume.output import write_dataset

    write_dataset(ds, tmp_path / "e.nc")  # CF-NetCDF as written by the command
    with xr.open_dataset(tmp_path / "e.nc") as back:
        assert back.metric_units.sel(metric="area_m2").item() == "m2"
        assert back.member_name.values.tolist() == [m.name for m in members]


def test_metric_table_and_percentiles_skip_missing_values():
    names, values, units, _ = metric_table([{"metrics": [("a", 1.0, "m", "")]},
                                            {"metrics": [("b", 2.0, "s", ""), ("a", 3.0, "m", "")]}])
    assert names == ["a", "b"] and units == {"a": "m", "b": "s"}
    np.testing.assert_array_equal(values, [[1.0, np.nan], [3.0, 2.0]])
    np.testing.assert_allclose(percentiles(values, [50]), [[2.0, 2.0]])


# ---------------------------------------------------------------- members on a 2-worker LocalCluster


@pytest.fixture(scope="module")
def client():
    from plume.ensemble.run import cluster_client

    with cluster_client(workers=2) as c:
        yield c


def attempts_counted(folder, scenario):
    """The member task, counting its attempts in a file per member (the retries happen on the workers)."""
    with open(Path(folder) / f"{scenario.name}.attempts", "a") as f:
        f.write("x")
    return run_member(scenario)


def cf_high_priority_failures(path: Path, folder: Path) -> list[str]:
    """The IOOS compliance checker's CF 1.10 high-priority failures (as tests/test_compliance.py runs it)."""
    import json
    import warnings

    from compliance_checker.runner import ComplianceChecker
    from compliance_checker.suite import CheckSuite

    report = folder / "cf.json"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the checker's own deprecations
        CheckSuite.load_all_available_checkers()
        ComplianceChecker.run_checker(str(path), ["cf:1.10"], 0, "normal", output_filename=str(report),
                                      output_format="json")
    result = json.loads(report.read_text())["cf:1.10"]
    return [f"{item['name']}: {item['msgs']}" for item in result["high_priorities"]
            if item["value"][0] < item["value"][1]]


@pytest.mark.slow
def test_members_on_a_cluster_equal_the_members_run_one_by_one(tmp_path, client):
    from plume.solver import run

    path = write_sweep(tmp_path, {"grid": {"currents.synthetic.mean_u_m_s": [0.02, 0.05]},
                                  "monte_carlo": {"realisations": 2, "seed": 3}})
    members = expand(load_sweep(path)[0], path, tmp_path / "outputs")
    alone = [run(m.scenario, write=False).dataset for m in members]  # also compiles the step here first
    result = run_ensemble(path, client=client)
    assert not result.outcome.failed and result.path == tmp_path / "outputs" / "ens.nc"
    with xr.open_dataset(result.path) as ds:
        assert ds.sizes["member"] == 4
        np.testing.assert_allclose(ds.currents_synthetic_mean_u_m_s.values, [0.02, 0.02, 0.05, 0.05])
        for i, (m, one) in enumerate(zip(members, alone)):
            np.testing.assert_array_equal(ds.final_deposit_thickness.values[i], one.deposit_thickness.values[-1])
            np.testing.assert_array_equal(ds.ssc_max.values[i], one.ssc_max.values)
            with xr.open_dataset(tmp_path / "outputs" / "ens_members" / f"{m.name}.nc") as written:
                np.testing.assert_array_equal(written.ssc.values, one.ssc.values)
        stacked = np.stack([one.deposit_thickness.values[-1] for one in alone])
        np.testing.assert_allclose(ds.deposit_exceedance_probability.values,
                                   exceedance_probability(stacked, ds.deposit_threshold.values))
        assert ds.deposit_exceedance_probability.max() == 1.0  # the release cell: every member
        area = ds.metric_value.sel(metric="deposit_area_0.001mm_m2").values
        np.testing.assert_allclose(ds.metric_percentile.sel(metric="deposit_area_0.001mm_m2", percentile=50),
                                   np.median(area))
    if importlib.util.find_spec("compliance_checker") is not None:  # the IOOS CF checker, when installed
        assert cf_high_priority_failures(result.path, tmp_path) == []
    # the file draws as probability maps and compares as its members' median
    runner = CliRunner()
    maps = runner.invoke(app, ["map", str(result.path)])
    assert maps.exit_code == 0, maps.output
    assert {p.name for p in (tmp_path / "outputs" / "ens_maps").iterdir()} == \
        {"deposit_probability.png", "ssc_probability.png"}
    member = tmp_path / "outputs" / "ens_members" / "ens_000.nc"
    compared = runner.invoke(app, ["compare", str(result.path), str(member), "-o", str(tmp_path / "cmp")])
    assert compared.exit_code == 0, compared.output
    text = (tmp_path / "cmp" / "comparison.csv").read_text().splitlines()
    assert text[1].startswith("ens (median),") and text[2].startswith("ens_000,")
    column = text[0].split(",").index("deposit_area_0.001mm_m2")
    assert float(text[1].split(",")[column]) == pytest.approx(np.median(area))


@pytest.mark.slow
def test_a_failing_member_is_retried_then_reported(tmp_path, client):
    import cloudpickle

    # the currents file covers 3 h from 1 April: a member starting on 2 April fails when it runs
    helpers.write_currents_cmems(tmp_path / "cur.nc", "2026-04-01T00:00:00", 3, lambda h: 0.05, lambda h: 0.0)
    base = helpers.merge(BASE, {"currents": {"file": "cur.nc"}})
    base["currents"].pop("synthetic")
    path = write_sweep(tmp_path, {"grid": {"time.start": ["2026-04-01T00:00:00Z", "2026-04-02T00:00:00Z"]},
                                  "retries": 2}, base)
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import the tests
    try:
        result = run_ensemble(path, client=client, task=functools.partial(attempts_counted, tmp_path))
    finally:
        cloudpickle.unregister_pickle_by_value(sys.modules[__name__])
    assert (tmp_path / "ens_000.attempts").read_text() == "x"
    assert (tmp_path / "ens_001.attempts").read_text() == "xxx"  # 1 + 2 retries
    assert list(result.outcome.failed) == ["ens_001"]
    assert "cur.nc" in result.outcome.failed["ens_001"] and "time covers" in result.outcome.failed["ens_001"]
    with xr.open_dataset(result.path) as ds:  # the other member's results are kept
        assert ds.member_name.values.tolist() == ["ens_000"] and "ens_001" in ds.attrs["members_failed"]
    assert (tmp_path / "outputs" / "ens_members" / "ens_000.nc").is_file()
    assert not (tmp_path / "outputs" / "ens_members" / "ens_001.nc").exists()

    # the command, submitting to a running scheduler, exits 1 and names the failed member
    out = CliRunner().invoke(app, ["ensemble", str(path), "-q", "--scheduler", client.scheduler.address,
                                   "-o", str(tmp_path / "cli")])
    assert out.exit_code == 1
    assert "1 of 2 members failed after their retries: ens_001 (" in out.output
    assert "the ensemble file holds the 1 that finished" in out.output and "Traceback" not in out.output
    assert (tmp_path / "cli" / "ens.nc").is_file()


# ---------------------------------------------------------------- particle batches


def test_batches_of_a_deterministic_member_give_the_one_run_exactly(tmp_path):
    """Without mixing every particle of a point release follows one path: whatever the particle count,
    the linear fields are the same, so the batches' weighted mean must equal the one run to the bit.
    (SSC and the deposit are linear in the particles with the histogram estimators; the kernel
    estimators' bandwidths adapt to the particle count, docs/ensembles.md.)"""
    from plume.ensemble.batches import batch_counts, batch_scenarios, combine_batches
    from plume.scenario import scenario_from_dict
    from plume.solver import run

    assert batch_counts(10, 3) == [4, 3, 3] and sum(batch_counts(900, 7)) == 900
    still = {"horizontal_m2_s": 0.0, "vertical": {"profile": "constant", "value_m2_s": 0.0}}
    sc = scenario_from_dict(helpers.merge(BASE, {"turbulence": still, "particles": {"count": 900},
                                                 "output": {"ssc_estimator": "histogram",
                                                            "deposit_estimator": "histogram"}}), tmp_path)
    parts = batch_scenarios(sc, 3)
    assert [p.particles.count for p in parts] == [300, 300, 300]
    assert len({p.particles.seed for p in parts}) == 3
    assert [p.particles.seed for p in batch_scenarios(sc, 3)] == [p.particles.seed for p in parts]
    one = run(sc, write=False).dataset
    combined = combine_batches([run(p, write=False).dataset for p in parts], [300, 300, 300])
    for name in ("ssc", "deposit_mass", "deposit_thickness", "deposit_area", "mass_released", "mass_deposited",
                 "mass_suspended", "ssc_one_particle", "ssc_exposure"):
        np.testing.assert_allclose(combined[name].values, one[name].values, rtol=1e-6, err_msg=name)
    assert combined.attrs["particles_released"] == 900 and combined.attrs["particle_batches"] == 3
    assert "ssc_exceedance_time_longest" not in combined and "output snapshots" in combined.ssc_max.attrs["comment"]
    # ssc_max from the snapshots is at most the step-wise maximum of the one run
    assert (combined.ssc_max.values <= one.ssc_max.values + 1e-9).all()


@pytest.mark.slow
def test_batched_members_on_a_cluster_within_statistical_tolerance(tmp_path, client):
    """A member of 4000 mixing particles in 2 batches on the cluster: its file is the batches' combination,
    and its deposited mass matches one run of 4000 particles within 3 standard errors of the two estimates."""
    from plume.ensemble.batches import batch_scenarios, combine_batches
    from plume.solver import run

    path = write_sweep(tmp_path, {"set": {"particles.count": 4000}, "batches": 2})
    result = run_ensemble(path, client=client)
    assert not result.outcome.failed
    member = result.members[0]
    with xr.open_dataset(tmp_path / "outputs" / "ens_members" / "ens_000.nc") as written:
        parts = batch_scenarios(member.scenario, 2)
        here = combine_batches([run(p, write=False).dataset for p in parts], [2000, 2000])
        np.testing.assert_allclose(written.deposit_mass.values, here.deposit_mass.values, rtol=1e-6)
        assert written.attrs["particle_batches"] == 2 and written.attrs["particles_released"] == 4000
        one = run(member.scenario, write=False).dataset
        released = float(one.mass_released[-1])
        p = float(one.mass_deposited[-1]) / released
        sigma = np.sqrt(2 * p * (1 - p) / 4000)  # the difference of two independent estimates of p
        assert abs(float(written.mass_deposited[-1]) / released - p) < 3 * sigma
        assert float(written.mass_released[-1]) == pytest.approx(released, rel=1e-9)
