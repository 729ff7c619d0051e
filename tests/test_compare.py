"""`plume compare` and the metrics files on small real runs (issue 6)."""
import json
import sys
import types

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

import plume
from helpers import scenario_dict, write_scenario
from plume.cli import app

runner = CliRunner()


def collector_run(settling_m_s, duration_h=1, **changes):
    data = scenario_dict(
        time={"duration_h": duration_h, "step_s": 60, "output_every_s": 900},
        currents={"synthetic": {"mean_u_m_s": 0.05, "mean_v_m_s": 0.0}},
        turbulence={"horizontal_m2_s": 0.05, "vertical": {"profile": "constant", "value_m2_s": 1e-4}},
        sediment={"classes": [{"name": "only", "mass_fraction": 1.0, "settling_m_s": settling_m_s}]},
        sources=[{"kind": "collector", "name": "c", "start_h": 0, "stop_h": 1, "rate_kg_s": 2.0,
                  "nodule_rate_kg_s": 10.0,
                  "release_height_m": 2, "release_width_m": 10,
                  "track": {"origin_m": [-100, -50], "lanes": 2, "lane_length_m": 100, "lane_spacing_m": 20,
                            "speed_m_s": 0.1}}],
        particles={"count": 1500, "seed": 3},
        grid={"resolution_m": 20, "extent_m": [-600, 600, -600, 600], "layers_above_bed_m": [0, 1, 2, 5]},
        thresholds={"deposit_mm": [0.001, 0.01], "ssc_mg_l": [0.1, 1]},
        output={"directory": "out", "metric_distances_m": [100, 500]},
    )
    data.update(changes)
    return data


def nodule_rate_supported():
    from plume.scenario.sources import Collector

    return "nodule_rate_kg_s" in Collector.model_fields


def run_file(folder, name, data):
    if not nodule_rate_supported():  # another issue adds the field; the runs work without it
        for source in data["sources"]:
            source.pop("nodule_rate_kg_s", None)
    data = {**data, "name": name}
    path = write_scenario(folder / f"{name}.yaml", data)
    result = runner.invoke(app, ["run", str(path), "-q"])
    assert result.exit_code == 0, result.output
    return folder / "out" / f"{name}.nc"


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("compare")
    return {
        "fast": run_file(folder, "fast", collector_run(2e-3)),
        "slow": run_file(folder, "slow", collector_run(2e-4)),
        "fast_long": run_file(folder, "fast_long", collector_run(2e-3, duration_h=2)),
        "thresholds": run_file(folder, "thresholds", collector_run(
            2e-3, thresholds={"deposit_mm": [0.001, 0.1], "ssc_mg_l": [0.1, 1]})),
        "grid": run_file(folder, "grid", collector_run(
            2e-3, grid={"resolution_m": 30, "extent_m": [-600, 600, -600, 600], "layers_above_bed_m": [0, 1, 2, 5]})),
    }


@pytest.mark.slow
def test_faster_settling_deposits_more_near_the_track(runs, tmp_path):
    result = runner.invoke(app, ["compare", str(runs["fast"]), str(runs["slow"]), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "deposited_fraction_within_100m" in result.output
    table = plume.compare([runs["fast"], runs["slow"]])
    assert table.labels == ["fast", "slow"]
    near_fast = table.value("fast", "deposited_fraction_within_100m")
    near_slow = table.value("slow", "deposited_fraction_within_100m")
    # 2 m at 2 mm/s: everything lands within ~20 min; at 0.2 mm/s almost nothing lands in an hour
    assert near_fast > 0.5 and near_fast > 2 * near_slow
    assert table.value("fast", "deposited_fraction_within_500m") >= near_fast
    assert table.value("fast", "mass_deposited_kg") > table.value("slow", "mass_deposited_kg")
    released = table.value("fast", "mass_released_kg")
    assert released == pytest.approx(2.0 * 3600.0, rel=1e-9)
    assert table.value("fast", "deposit_area_0.001mm_m2_per_t_sediment") == pytest.approx(
        table.value("fast", "deposit_area_0.001mm_m2") / 7.2, rel=1e-12)
    if nodule_rate_supported():
        assert table.value("fast", "nodules_collected_t") == pytest.approx(36.0)
    # the deposit's reach is bounded by the drift: 0.05 m/s for at most an hour, plus spreading
    reach = table.value("fast", "deposit_max_distance_0.001mm_m")
    assert 0.0 < reach <= 0.05 * 3600 + 200
    csv_text = (tmp_path / "comparison.csv").read_text().splitlines()
    assert len(csv_text) == 3 and csv_text[0].startswith("scenario,file,time_s,")
    head = csv_text[0].split(",")
    fast = dict(zip(head, csv_text[1].split(",")))
    assert float(fast["deposited_fraction_within_100m"]) == near_fast
    md = (tmp_path / "comparison.md").read_text().splitlines()
    # transposed: one row per metric, one column per run
    assert md[0] == "| metric | unit | fast | slow | meaning |"
    rows = {line.split(" | ")[0].strip("| `"): line.split(" | ") for line in md[2:] if line.startswith("| `")}
    assert len(rows) == len(table.columns) and "time_s" in rows
    # each cell is the value and its standard error from the particle groups: "0.706 ± 0.0032"
    value, se = (float(v) for v in rows["deposited_fraction_within_100m"][2].split(" ± "))
    assert value == pytest.approx(near_fast, rel=1e-3) and 0.0 < se < 0.1
    assert float(rows["deposited_fraction_within_100m"][3].split(" ± ")[0]) == pytest.approx(near_slow, rel=1e-3,
                                                                                           abs=1e-4)
    assert float(f'{float(fast["deposited_fraction_within_100m_uncertainty"]):.2g}') == se  # shown to 2 digits


@pytest.mark.slow
def test_runs_of_different_duration_compare_at_the_common_final_time(runs):
    table = plume.compare([runs["fast"], runs["fast_long"]])
    assert table.value("fast_long", "time_s") == 3600.0
    assert any("common final output time, 1 h" in note for note in table.notes)
    # the same particles and steps up to 1 h: the longer run, cut at 1 h, gives the same numbers
    for name in ("deposit_area_0.001mm_m2", "deposited_fraction_within_100m", "deposit_max_distance_0.001mm_m",
                 "mass_deposited_kg", "ssc_area_0.1mg_l_m2"):
        assert table.value("fast_long", name) == table.value("fast", name), name


@pytest.mark.slow
@pytest.mark.parametrize("other, words", [("thresholds", "deposit thresholds differ"),
                                          ("grid", "output grids differ")])
def test_unfair_comparisons_are_refused_with_one_line(runs, tmp_path, other, words):
    result = runner.invoke(app, ["compare", str(runs["fast"]), str(runs[other]), "-o", str(tmp_path)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("plume: error: cannot compare 'fast' and")
    assert words in lines[0]
    assert not (tmp_path / "comparison.csv").exists()


@pytest.mark.slow
def test_compare_refuses_a_missing_or_foreign_file(runs, tmp_path):
    foreign = tmp_path / "foreign.nc"
    xr.Dataset({"a": ("x", [1.0])}).to_netcdf(foreign)
    text = tmp_path / "notes.txt"
    text.write_text("not a NetCDF file\n")
    for args in ([str(runs["fast"]), str(tmp_path / "nope.nc")], [str(runs["fast"]), str(foreign)],
                 [str(runs["fast"]), str(text)], [str(runs["fast"])]):
        result = runner.invoke(app, ["compare", *args, "-o", str(tmp_path)])
        assert result.exit_code == 2, result.output
        assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


@pytest.mark.slow
def test_maps_option_hands_the_runs_to_the_figures(runs, tmp_path, monkeypatch):
    calls = []

    def comparison_figures(datasets, labels, out_dir, table=None, overlays=()):
        calls.append((len(datasets), list(labels), out_dir, table))
        path = out_dir / "figure.png"
        path.write_bytes(b"png")
        return [path]

    monkeypatch.setitem(sys.modules, "plume.maps", types.SimpleNamespace(comparison_figures=comparison_figures))
    result = runner.invoke(app, ["compare", str(runs["fast"]), str(runs["slow"]), "-o", str(tmp_path), "--maps"])
    assert result.exit_code == 0, result.output
    (n, labels, out_dir, table), = calls
    assert n == 2 and labels == ["fast", "slow"] and out_dir.parent == tmp_path  # drawn into the staging folder
    assert (tmp_path / "figure.png").read_bytes() == b"png"  # and moved in with the table
    # the bar chart gets the threshold areas (km2) at the compared time, not the first columns of the table
    assert list(table.columns) == [
        "deposit ≥ 0.001 mm (km²)", "deposit ≥ 0.001 mm outside footprint (km²)",
        "deposit ≥ 0.01 mm (km²)", "deposit ≥ 0.01 mm outside footprint (km²)",
        "near-bed SSC ≥ 0.1 mg/L (km²)", "near-bed SSC ≥ 0.1 mg/L outside footprint (km²)",
        "near-bed SSC ≥ 1 mg/L (km²)", "near-bed SSC ≥ 1 mg/L outside footprint (km²)"]
    compared = plume.compare([runs["fast"], runs["slow"]])
    assert table.loc["slow", "deposit ≥ 0.001 mm (km²)"] == pytest.approx(
        compared.value("slow", "deposit_area_0.001mm_m2") * 1e-6)
    assert "figure.png" in result.output


@pytest.mark.slow
def test_metrics_files_and_open_result(runs):
    ds = plume.open_result(runs["fast"])
    for name in ("ssc_exposure", "deposit_max_distance", "ssc_max_distance", "deposited_fraction_within",
                 "distance_to_track", "source_name", "track_x", "track_lat"):
        assert name in ds.variables, name
    np.testing.assert_allclose(ds.distance_limit.values, [100.0, 500.0])
    assert list(ds.source_name.values) == ["c"] and list(ds.source_kind.values) == ["collector"]
    np.testing.assert_allclose(ds.track_x.values, [-100, -100, -80, -80])
    np.testing.assert_allclose(ds.track_y.values, [-50, 50, 50, -50])
    # the file's exceedance time is accumulated on the model step: whole steps, and never less than the
    # hourly snapshots show above a threshold for all of the interval before them
    step_s = 60.0 if "step_s" not in ds.attrs else float(ds.attrs["step_s"])
    exposure_s = ds.ssc_exceedance_time.values
    assert np.allclose(exposure_s / step_s, np.round(exposure_s / step_s), atol=1e-3)
    assert exposure_s.max() > 0
    csv_path = runs["fast"].with_name("fast_metrics.csv")
    document = json.loads(runs["fast"].with_name("fast_metrics.json").read_text())
    assert document["scenario"] == "fast"
    rows = {line.split(",")[0]: line.split(",")[1] for line in csv_path.read_text().splitlines()[1:]}
    fraction = float(ds.deposited_fraction_within.sel(distance_limit=100.0))
    assert float(rows["deposited_fraction_within_100m"]) == document["metrics"]["deposited_fraction_within_100m"]
    assert document["metrics"]["deposited_fraction_within_100m"] == pytest.approx(fraction, rel=1e-12)
    assert document["units"]["deposit_area_0.001mm_m2"] == "m2"
    assert document["metrics"]["deposit_area_0.001mm_m2"] == float(ds.deposit_area[-1, 0])
    # each metric's standard error (delete-a-group jackknife) is in the file, the CSV and the JSON
    se = float(ds.deposited_fraction_within_uncertainty.sel(distance_limit=100.0))
    assert 0.0 < se < 0.5 * fraction
    assert document["uncertainties"]["deposited_fraction_within_100m"] == pytest.approx(se, rel=1e-12)
    assert csv_path.read_text().splitlines()[0] == "name,value,uncertainty,units,description"
    assert ds.ssc_area_uncertainty.attrs["units"] == "m2" and ds.sizes["group"] == 8
