"""Scenario derivation: `extends: base.yaml` merged key by key, and `--set key.path=value`."""
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from helpers import BASE, merge
from plume.cli import app
from plume.errors import ScenarioError
from plume.scenario import load_scenario, scenario_from_dict
from plume.scenario.loading import merged, with_settings

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def write(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def without(data: dict, *keys: str) -> dict:
    return {k: v for k, v in data.items() if k not in keys}


# ---------------------------------------------------------------- merging


def test_blocks_merge_key_by_key_and_lists_are_replaced():
    base = {"a": {"x": 1, "y": [1, 2, 3], "z": {"p": 1, "q": 2}}, "b": 5}
    over = {"a": {"y": [9], "z": {"q": 3}}, "c": None}
    assert merged(base, over) == {"a": {"x": 1, "y": [9], "z": {"p": 1, "q": 3}}, "b": 5, "c": None}
    assert base["a"]["y"] == [1, 2, 3]  # the base is not changed


def test_null_removes_and_a_new_kind_replaces_the_block():
    base = {"vertical": {"profile": "boundary_layer", "thickness_m": 20}, "hills": {"rms_height_m": 100}}
    over = {"vertical": {"profile": "constant", "value_m2_s": 1e-4}, "hills": None}
    assert merged(base, over) == {"vertical": {"profile": "constant", "value_m2_s": 1e-4}, "hills": None}
    # the same profile: merged key by key
    assert merged(base, {"vertical": {"profile": "boundary_layer", "background_m2_s": 1e-5}})["vertical"] == \
        {"profile": "boundary_layer", "thickness_m": 20, "background_m2_s": 1e-5}


# ---------------------------------------------------------------- extends


def test_extends_overrides_the_base_and_keeps_the_rest(tmp_path):
    write(tmp_path / "base.yaml", BASE)
    variant = write(tmp_path / "variant.yaml", {
        "extends": "base.yaml", "name": "variant",
        "time": {"duration_h": 2},
        "sources": [{"kind": "discharge", "name": "other", "position_m": [10, 20], "height_above_bed_m": 5,
                     "mass_kg": 3.0}],
    })
    s = load_scenario(variant)
    assert s.name == "variant" and s.title == BASE["title"]
    assert s.time.duration_h == 2 and s.time.step_s == 60 and s.time.output_every_s == 600  # merged
    assert [src.name for src in s.sources] == ["other"] and s.sources[0].mass_kg == 3.0  # replaced
    assert s.grid == load_scenario(tmp_path / "base.yaml").grid
    assert "extending" in s.source_text and "duration_h: 2" in s.source_text  # provenance: what was used


def test_relative_paths_in_a_base_stay_relative_to_the_base(tmp_path):
    (tmp_path / "areas.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    write(tmp_path / "base.yaml", merge(BASE, {"output": {"directory": "results", "overlays": ["areas.geojson"]}}))
    variant = write(tmp_path / "designs" / "v.yaml", {"extends": "../base.yaml", "name": "v"})
    s = load_scenario(variant)
    assert s.output.directory.resolve() == (tmp_path / "results").resolve()
    assert [p.resolve() for p in s.output.overlays] == [(tmp_path / "areas.geojson").resolve()]
    # a path the variant gives itself is relative to the variant
    own = write(tmp_path / "designs" / "own.yaml", {"extends": "../base.yaml", "output": {"directory": "mine"}})
    assert load_scenario(own).output.directory.resolve() == (tmp_path / "designs" / "mine").resolve()


def test_a_chain_of_bases(tmp_path):
    write(tmp_path / "a.yaml", BASE)
    write(tmp_path / "b.yaml", {"extends": "a.yaml", "particles": {"count": 77}})
    c = write(tmp_path / "c.yaml", {"extends": "b.yaml", "particles": {"seed": 5}})
    s = load_scenario(c)
    assert (s.particles.count, s.particles.seed) == (77, 5)
    assert "c.yaml, extending" in s.source_text and "b.yaml <- " in s.source_text


@pytest.mark.parametrize("files, expected", [
    ({"v.yaml": {"extends": "missing.yaml"}}, "v.yaml: extends: no such file: missing.yaml"),
    ({"v.yaml": {"extends": 3}}, "v.yaml: extends: must be the path of a scenario file, got 3"),
    ({"v.yaml": {"extends": "w.yaml"}, "w.yaml": {"extends": "v.yaml"}}, "extends: v.yaml extends this file again"),
    ({"v.yaml": {"extends": "v.yaml"}}, "extends: v.yaml extends this file again"),
    ({"v.yaml": {"extends": "w.yaml"}, "w.yaml": [1, 2]}, "w.yaml: the top level must be a mapping"),
    ({"v.yaml": {"extends": "w.yaml", "name": "v"}, "w.yaml": without(BASE, "particles")},
     "v.yaml: particles: required key missing"),
])
def test_extends_errors_are_one_line(tmp_path, files, expected):
    for name, data in files.items():
        write(tmp_path / name, data)
    with pytest.raises(ScenarioError) as err:
        load_scenario(tmp_path / "v.yaml")
    message = str(err.value)
    assert expected in message and "\n" not in message


def test_extends_from_a_dict_resolves_against_base_dir(tmp_path):
    write(tmp_path / "base.yaml", BASE)
    s = scenario_from_dict({"extends": "base.yaml", "name": "d"}, tmp_path)
    assert s.name == "d" and s.particles.count == BASE["particles"]["count"]


# ---------------------------------------------------------------- --set


def test_set_parses_yaml_values_and_key_paths(tmp_path):
    path = write(tmp_path / "s.yaml", BASE)
    s = load_scenario(path, [
        "particles.count=2e3",                      # 2e3: a number, as in the file
        "sources[0].mass_kg=2.5",
        "sources.0.position_m=[5, -5]",
        "turbulence.vertical={profile: constant, value_m2_s: 1e-4}",
        "sediment.hindered_settling.exponent=3",    # a block the file does not have
        "title=a b = c",                            # only the first '=' splits
    ])
    assert s.particles.count == 2000 and s.sources[0].mass_kg == 2.5 and s.sources[0].position_m == (5, -5)
    assert s.turbulence.vertical.value_m2_s == 1e-4 and s.sediment.hindered_settling.exponent == 3
    assert s.title == "a b = c"
    assert "with --set particles.count=2e3" in s.source_text.splitlines()[0]


def test_set_does_not_change_the_callers_data():
    data = {"a": {"b": 1}}
    assert with_settings(data, ["a.b=2"], "x") == {"a": {"b": 2}} and data == {"a": {"b": 1}}


@pytest.mark.parametrize("setting, expected", [
    ("particles.count", "--set particles.count: must be key.path=value"),
    ("=3", "must be key.path=value"),
    ("sources[3].mass_kg=1", "--set sources[3].mass_kg: sources has 1 item (numbered from 0), no item 3"),
    ("sources.name=x", "--set sources.name: sources is a list: give an item number, e.g. sources[0]"),
    ("name.first=x", "--set name.first: name is 'case', not a block of keys"),
    ("particles.count=[1, 2", "--set particles.count: cannot read it"),
    ("particles.count=-3", "particles.count: must be >= 1, got -3"),
    ("particles.cuont=3", "particles.cuont"),
])
def test_set_errors_name_the_key_path(tmp_path, setting, expected):
    path = write(tmp_path / "s.yaml", BASE)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path, [setting])
    assert expected in str(err.value) and "\n" not in str(err.value)


@pytest.mark.slow
def test_cli_check_and_run_take_set(tmp_path):
    path = write(tmp_path / "s.yaml", BASE)
    ok = runner.invoke(app, ["check", str(path), "--set", "particles.count=10", "--set", "name=renamed"])
    assert ok.exit_code == 0, ok.output
    assert "'renamed'" in ok.output and " 10 particles" in ok.output
    bad = runner.invoke(app, ["run", str(path), "-q", "--set", "sources[0].mass_kg=-1"])
    assert bad.exit_code == 2
    lines = [ln for ln in bad.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "sources[0].mass_kg: must be > 0, got -1" in lines[0]
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- the shipped collector designs


def test_collector_designs_share_everything_but_the_collector():
    folder = ROOT / "configs" / "collectors"
    designs = {p.stem: load_scenario(p) for p in sorted(folder.glob("*.yaml")) if p.stem != "base"}
    assert sorted(designs) == ["narrow_slow", "raised_diffuser", "wide_fast"]
    own = ("name", "title", "sources", "output")
    dumps = [without(s.model_dump(), *own) for s in designs.values()]
    assert all(d == dumps[0] for d in dumps)
    assert len({s.sources[0].rate_kg_s for s in designs.values()}) == 3
    # the base's relative data path still points at the shipped bathymetry
    assert all(s.bathymetry.file.resolve() == (ROOT / "data/bathymetry/ccz_etopo1_0.1deg.nc").resolve()
               for s in designs.values())
    outputs = {s.output.directory.resolve() for s in designs.values()}
    assert len(outputs) == 3 and all(p.parent == (ROOT / "outputs" / "collectors").resolve() for p in outputs)
    assert not any(s.output.maps or s.output.trajectories for s in designs.values())
    with pytest.raises(ScenarioError, match="base.yaml: .*name: required key missing"):
        load_scenario(folder / "base.yaml")  # not a scenario by itself
