"""docs/scenario.md: every scenario key documented, generated from the models, never stale."""
from pathlib import Path

import pytest

from plume.scenario import Scenario, SedimentClass, SedimentSpec
from plume.scenario.reference import COMMAND, blocks, describe_type, render, undocumented_keys, unit_of
from plume.scenario.values import num

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "scenario.md"


def _row(text: str, key: str, heading: str) -> list[str]:
    """The cells of `key`'s row in the table under `heading`."""
    section = text.split(heading + "\n", 1)[1].split("\n## ", 1)[0]
    for line in section.splitlines():
        if line.startswith(f"| `{key}` |"):
            return [c.strip() for c in line.strip("|").split("|")]
    raise AssertionError(f"no row for {key} under {heading}")


def test_every_key_has_a_description():
    assert undocumented_keys() == []


def test_the_reference_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == render(), f"docs/scenario.md is stale: run `{COMMAND}`"


def test_every_model_reached_and_every_key_listed():
    text = render()
    seen = {b.model for b in blocks()}
    assert {Scenario, SedimentSpec, SedimentClass.Floc} <= seen
    for block in blocks():
        for name, field in block.model.model_fields.items():
            assert f"| `{field.alias or name}` |" in text
    # the union members each get their own table, named by their discriminator
    assert "## `sources[]` with `kind: collector`" in text and "## `sources[]` with `kind: discharge`" in text
    assert "## `sources[].track`" in text and "## `turbulence.vertical` with `profile: table`" in text


def test_rows_carry_unit_default_and_range():
    text = render()
    assert _row(text, "grain_density_kg_m3", "## `sediment`") == [
        "`grain_density_kg_m3`", "number", "kg/m3", "2650", "> 0, <= 25000", "Density of the mineral grains."]
    near_field = "## `sources[].near_field` with `model: turbidity_current`"
    unit, default, allowed = _row(text, "lofted_fraction", near_field)[2:5]
    assert (unit, default, allowed) == ("", "0.05", ">= 0, < 1")
    rate = _row(text, "rate_kg_s", "## `sources[]` with `kind: collector`")
    assert rate[1:5] == ["number", "kg/s", "required", "> 0, <= 100_000"]
    assert _row(text, "deposit_mm", "## `thresholds`")[3:5] == ["[0.1, 1, 10]", "each > 0, <= 10000; at least 1 item"]
    assert _row(text, "from", "## `sediment.flocculation[]`")[0] == "`from`"  # the alias, as written in YAML


@pytest.mark.parametrize("key, unit", [("rate_kg_s", "kg/s"), ("speed_m_s", "m/s"), ("value_m2_s", "m2/s"),
                                       ("erosion_rate_kg_m2_s", "kg m-2 s-1"), ("step_s", "s"), ("stop_h", "h"),
                                       ("ssc_mg_l", "mg/L"), ("heading_deg", "degrees"), ("diameter_um", "µm"),
                                       ("lanes", ""), ("lat", "degrees north")])
def test_unit_from_the_key_name(key, unit):
    assert unit_of(key) == unit


def test_type_words():
    assert describe_type(num(gt=0, le=1)) == ("number", "> 0, <= 1")
    assert describe_type(num(ge=0, le=1) | None) == ("number or null", "0 to 1")
    assert describe_type(list[num(gt=0)]) == ("list of number", "each > 0")


def test_readme_links_the_reference_not_design():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/scenario.md)" in readme and "DESIGN.md" not in readme
