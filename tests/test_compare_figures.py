"""plume compare --maps: the bar chart shows the threshold areas, overlays on the panels, no axis multiplier."""
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from helpers import scenario_dict, write_scenario

pytest.importorskip("cartopy")

import plume  # noqa: E402
from plume.cli import app  # noqa: E402
from plume.maps import comparison, load_overlay  # noqa: E402

runner = CliRunner()
SITE = (-116.9, 10.4)


def design(name, settling_m_s, rate_kg_s):
    return scenario_dict(
        name=name,
        time={"duration_h": 1, "step_s": 60, "output_every_s": 900},
        currents={"synthetic": {"mean_u_m_s": 0.05, "mean_v_m_s": 0.0}},
        turbulence={"horizontal_m2_s": 0.05, "vertical": {"profile": "constant", "value_m2_s": 1e-4}},
        sediment={"classes": [{"name": "only", "mass_fraction": 1.0, "settling_m_s": settling_m_s}]},
        sources=[{"kind": "collector", "name": "c", "start_h": 0, "stop_h": 1, "rate_kg_s": rate_kg_s,
                  "release_height_m": 2, "release_width_m": 10,
                  "track": {"origin_m": [-100, -50], "lanes": 2, "lane_length_m": 100, "lane_spacing_m": 20,
                            "speed_m_s": 0.1}}],
        particles={"count": 1500, "seed": 3},
        grid={"resolution_m": 20, "extent_m": [-600, 600, -600, 600], "layers_above_bed_m": [0, 1, 2, 5]},
        # one particle of A leaves 0.04 mm on a cell, of B 0.12 mm
        thresholds={"deposit_mm": [0.05, 0.2], "ssc_mg_l": [0.1, 1]},
        output={"directory": "out"},
    )


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("designs")
    paths = []
    for name, settling, rate in (("A", 2e-3, 2.0), ("B", 2e-3, 6.0)):
        path = write_scenario(folder / f"{name}.yaml", design(name, settling, rate))
        result = runner.invoke(app, ["run", str(path), "-q"])
        assert result.exit_code == 0, result.output
        paths.append(folder / "out" / f"{name}.nc")
    return paths


@pytest.fixture()
def areas(tmp_path):
    lon0, lat0 = SITE
    d = 0.0018  # about 200 m
    ring = [[lon0 - d, lat0 - d], [lon0 + d, lat0 - d], [lon0 + d, lat0 + d], [lon0 - d, lat0 + d],
            [lon0 - d, lat0 - d]]
    path = tmp_path / "contract.geojson"
    path.write_text(json.dumps({"type": "Feature", "properties": {"name": "contract X"},
                                "geometry": {"type": "Polygon", "coordinates": [ring]}}))
    return path


@pytest.mark.slow
def test_compare_maps_with_overlays_writes_the_figures(results, areas, tmp_path):
    result = runner.invoke(app, ["compare", *map(str, results), "-o", str(tmp_path), "--maps", "--overlay", str(areas)])
    assert result.exit_code == 0, result.output
    for name in ("comparison.csv", "comparison.md", "comparison_deposit.png", "comparison_metrics.png"):
        assert (tmp_path / name).stat().st_size > 0, name
    alone = runner.invoke(app, ["compare", *map(str, results), "-o", str(tmp_path), "--overlay", str(areas)])
    assert alone.exit_code == 2 and "add --maps" in alone.output
    missing = runner.invoke(app, ["compare", *map(str, results), "-o", str(tmp_path), "--maps",
                                  "--overlay", str(tmp_path / "nope.geojson")])
    assert missing.exit_code == 2 and "no such file" in missing.output


@pytest.mark.slow
def test_overlays_on_every_deposit_panel(results, areas):
    table = plume.compare(results)
    fig = comparison.deposit_panels(table.datasets, table.labels, [load_overlay(areas)])
    panels = [a for a in fig.axes if hasattr(a, "projection")]
    assert len(panels) == 2
    for ax in panels:
        assert len([p for p in ax.patches if p.get_gid() == "overlay"]) == 1


@pytest.mark.slow
def test_bar_chart_shows_the_threshold_areas_without_a_multiplier(results):
    table = plume.compare(results)
    frame = table.area_frame()
    chart = comparison.metrics_chart(table.datasets, table.labels, frame)
    chart.canvas.draw()
    visible = [a for a in chart.axes if a.get_visible()]
    assert [a.get_title() for a in visible] == [
        "deposit ≥ 0.05 mm (km²)", "deposit ≥ 0.05 mm outside footprint (km²)",
        "deposit ≥ 0.2 mm (km²)", "deposit ≥ 0.2 mm outside footprint (km²)",
        "near-bed SSC ≥ 0.1 mg/L (km²)", "near-bed SSC ≥ 0.1 mg/L outside footprint (km²)",
        "near-bed SSC ≥ 1 mg/L (km²)", "near-bed SSC ≥ 1 mg/L outside footprint (km²)"]
    heights = [p.get_height() for p in visible[0].patches]
    assert heights == pytest.approx([table.value(lab, "deposit_area_0.05mm_m2") * 1e-6 for lab in table.labels])
    # three times the rate covers more ground above each threshold
    thicker = [p.get_height() for p in visible[2].patches]
    assert heights[1] > heights[0] > 0 and thicker[1] > thicker[0]
    # the swept footprint (two 100 m lanes, 10 m wide) is taken off the areas outside it
    outside = [p.get_height() for p in visible[1].patches]
    assert all(0 < o < h for o, h in zip(outside, heights))
    for ax in visible:
        assert ax.yaxis.get_offset_text().get_text() == ""  # no "1e-2" over the panel, under its title
        labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        assert labels and all("e" not in t or float(t) != 0 for t in labels)
    assert np.isfinite(frame.values).all()
    # each bar carries two standard errors of its area (the particle groups' spread) as an error bar
    se = frame.attrs["uncertainty"]["deposit ≥ 0.05 mm (km²)"]
    assert se == pytest.approx([table.uncertainty(lab, "deposit_area_0.05mm_m2") * 1e-6 for lab in table.labels])
    assert all(v > 0 for v in se)
    lines = [c for c in visible[0].containers if hasattr(c, "lines") and c.lines and c.lines[2]]
    bars = lines[0].lines[2][0].get_segments()  # one vertical segment per bar: height -/+ 2 se
    assert [s[1][1] - s[0][1] for s in bars] == pytest.approx([4.0 * v for v in se])
