"""The scenario key reference, docs/scenario.md, generated from the pydantic models.

Every key of a scenario file with its type, unit, default, allowed range and meaning, read
from the models themselves (field annotations, bounds, defaults and ``description``), so the
reference cannot drift from what the loader accepts. Regenerate it with one command:

    python -m plume.scenario.reference > docs/scenario.md

tests/test_scenario_reference.py fails when a key has no description or the file is stale.
"""
import inspect
import sys
import types
import typing
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Iterator, Literal, Union

from annotated_types import Ge, Gt, Interval, Le, Lt, MaxLen, MinLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from .model import Scenario

COMMAND = "python -m plume.scenario.reference > docs/scenario.md"

# Units read from a key's name, longest suffix first (keys carry their unit: DESIGN.md section 3).
_UNIT_SUFFIXES = [
    ("_kg_m2_s", "kg m-2 s-1"), ("_kg_m3", "kg/m3"), ("_kg_s", "kg/s"), ("_m3_s", "m3/s"), ("_m2_s", "m2/s"),
    ("_m_s", "m/s"), ("_mg_l", "mg/L"), ("_pa_s", "Pa s"), ("_per_h", "1/h"), ("_pa", "Pa"), ("_deg", "degrees"),
    ("_um", "µm"), ("_mm", "mm"), ("_kg", "kg"), ("_m", "m"), ("_s", "s"), ("_h", "h"),
]
_UNIT_OF_KEY = {"lon": "degrees east", "lat": "degrees north", "start": "UTC"}


class Block(typing.NamedTuple):
    """One table of the reference: the keys of ``model`` found at ``path``."""

    path: str  # e.g. "sources[].track"; "" for the top level
    model: type[BaseModel]
    variant: str  # e.g. "kind: collector" for one member of a discriminated union, else ""


def unit_of(key: str) -> str:
    """The unit a key's name carries (``rate_kg_s`` -> kg/s), or "" for a key without one."""
    if key in _UNIT_OF_KEY:
        return _UNIT_OF_KEY[key]
    for suffix, unit in _UNIT_SUFFIXES:
        if key.endswith(suffix):
            return unit
    return ""


def key_of(name: str, field: FieldInfo) -> str:
    """The key as written in a scenario file (the alias, e.g. ``from``, where there is one)."""
    return field.alias or name


def fields_of(model: type[BaseModel]) -> Iterator[tuple[str, FieldInfo]]:
    """(key, field) of a model in declaration order."""
    for name, field in model.model_fields.items():
        yield key_of(name, field), field


# ---------------------------------------------------------------- types and bounds


def split_annotation(tp: Any) -> tuple[Any, list]:
    """(bare type, metadata) of a possibly Annotated type."""
    meta: list = []
    while typing.get_origin(tp) is Annotated:
        meta = [*tp.__metadata__, *meta]
        tp = typing.get_args(tp)[0]
    return tp, meta


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (Union, types.UnionType)


def _is_model(tp: Any) -> bool:
    return inspect.isclass(tp) and issubclass(tp, BaseModel)


def _number(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return f"{v:,}".replace(",", "_") if abs(v) >= 100_000 else str(v)
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _bounds(meta: list) -> str:
    """'> 0', '0 to 1', '0 to < 1', 'at least 2 items' from annotated-types metadata."""
    lower = upper = None
    items = []
    for m in meta:
        parts = [m] if not isinstance(m, Interval) else [
            c(v) for c, v in ((Gt, m.gt), (Ge, m.ge), (Lt, m.lt), (Le, m.le)) if v is not None]
        for p in parts:
            if isinstance(p, Gt):
                lower = f"> {_number(p.gt)}"
            elif isinstance(p, Ge):
                lower = f">= {_number(p.ge)}"
            elif isinstance(p, Lt):
                upper = f"< {_number(p.lt)}"
            elif isinstance(p, Le):
                upper = f"<= {_number(p.le)}"
            elif isinstance(p, MinLen) and p.min_length > 0:
                items.append(f"at least {p.min_length} item{'s' if p.min_length > 1 else ''}")
            elif isinstance(p, MaxLen):
                items.append(f"at most {_number(p.max_length)} items")
    if lower and upper and lower.startswith(">=") and upper.startswith("<="):
        value = f"{lower[3:]} to {upper[3:]}"
    elif lower and upper:
        value = f"{lower}, {upper}"
    else:
        value = lower or upper or ""
    return "; ".join(x for x in (value, *items) if x)


def describe_type(tp: Any) -> tuple[str, str]:
    """(type in words, allowed range) of an annotation."""
    tp, meta = split_annotation(tp)
    if _is_union(tp):
        members = [m for m in typing.get_args(tp) if m is not type(None)]
        if len(members) > 1 and all(_is_model(split_annotation(m)[0]) for m in members):  # a discriminated union
            return "block, " + " or ".join(f"`{_variant(split_annotation(m)[0])}`" for m in members), _bounds(meta)
        described = [describe_type(m) for m in members]
        words = " or ".join(d[0] for d in described)
        ranges = "; ".join(d[1] for d in described if d[1])
        if len(members) < len(typing.get_args(tp)):
            words += " or null"
        return words, "; ".join(x for x in (ranges, _bounds(meta)) if x)
    origin = typing.get_origin(tp)
    if origin is Literal and len(typing.get_args(tp)) == 1:
        return f"`{typing.get_args(tp)[0]}`", ""
    if origin is Literal:
        return "one of " + ", ".join(f"`{v}`" for v in typing.get_args(tp)), ""
    if origin is list:
        item_words, item_range = describe_type(typing.get_args(tp)[0])
        item_range = f"each {item_range}" if item_range else ""
        return f"list of {item_words}", "; ".join(x for x in (item_range, _bounds(meta)) if x)
    if origin is tuple:
        n = len(typing.get_args(tp))
        item_range = describe_type(typing.get_args(tp)[0])[1]
        return f"[{n} numbers]", f"each {item_range}" if item_range else ""
    if _is_model(tp):
        return "block", ""
    words = {float: "number", int: "integer", str: "text", bool: "true or false", Path: "file path",
             datetime: "date and time"}.get(tp, getattr(tp, "__name__", str(tp)))
    return words, _bounds(meta)


def default_of(field: FieldInfo) -> str:
    """The default as a reader would write it, 'required' when there is none."""
    if field.default_factory is not None:
        value = field.default_factory()
    elif field.default is PydanticUndefined:
        return "required"
    else:
        value = field.default
    if value is None:
        return "null"
    if isinstance(value, (BaseModel, dict)):
        return "(its keys' defaults)"
    if isinstance(value, list):
        if len(value) > 8:
            return f"{len(value)} values (see meaning)"
        return "[" + ", ".join(_number(v) for v in value) + "]"
    if isinstance(value, str):
        return f"`{value}`" if value else '""'
    return _number(value)


# ---------------------------------------------------------------- walking the models


def _models_in(tp: Any) -> list[type[BaseModel]]:
    """The models an annotation holds (a block, a list of blocks, a union of blocks)."""
    tp, _ = split_annotation(tp)
    if _is_model(tp):
        return [tp]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(tp):
        if arg is not type(None):
            found.extend(m for m in _models_in(arg) if m not in found)
    return found


def is_list(tp: Any) -> bool:
    tp, _ = split_annotation(tp)
    if _is_union(tp):
        return any(is_list(a) for a in typing.get_args(tp))
    return typing.get_origin(tp) is list


def _variant(model: type[BaseModel]) -> str:
    """'kind: collector' for a model told apart by a one-value Literal key, else ''."""
    for key, field in fields_of(model):
        tp, _ = split_annotation(field.annotation)
        if typing.get_origin(tp) is Literal and len(typing.get_args(tp)) == 1 and field.is_required():
            return f"{key}: {typing.get_args(tp)[0]}"
    return ""


def blocks(model: type[BaseModel] = Scenario, path: str = "", variant: str = "") -> Iterator[Block]:
    """Every block of the scenario, depth first, in the order of the keys."""
    yield Block(path, model, variant)
    for key, field in fields_of(model):
        inner = _models_in(field.annotation)
        child = f"{path}.{key}" if path else key
        child += "[]" if is_list(field.annotation) else ""
        for sub in inner:
            yield from blocks(sub, child, _variant(sub) if len(inner) > 1 else "")


def undocumented_keys() -> list[str]:
    """Key paths that have no description (the test requires none)."""
    missing = []
    for block in blocks():
        for key, field in fields_of(block.model):
            if not (field.description or "").strip():
                where = f"{block.path}.{key}" if block.path else key
                missing.append(f"{where} ({block.model.__name__})")
    return missing


# ---------------------------------------------------------------- rendering


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _prose(doc: str | None) -> str:
    """A model's docstring as one markdown paragraph (``x`` becomes `x`)."""
    text = inspect.cleandoc(doc or "")
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    return "\n\n".join(paragraphs).replace("``", "`")


def _heading(block: Block) -> str:
    if not block.path:
        return "## Top level"
    return f"## `{block.path}`" + (f" with `{block.variant}`" if block.variant else "")


def render_block(block: Block) -> str:
    lines = [_heading(block), "", _prose(block.model.__doc__), "",
             "| Key | Type | Unit | Default | Allowed | Meaning |",
             "|---|---|---|---|---|---|"]
    for key, field in fields_of(block.model):
        words, allowed = describe_type(field.annotation)
        allowed = "; ".join(x for x in (allowed, _bounds(field.metadata)) if x)
        lines.append("| " + " | ".join(_cell(c) for c in (
            f"`{key}`", words, unit_of(key), default_of(field), allowed, field.description or "")) + " |")
    return "\n".join(lines) + "\n"


def render() -> str:
    """The whole of docs/scenario.md."""
    intro = f"""# Scenario file keys

<!-- Generated from the pydantic models in plume/scenario/ by `{COMMAND}`; do not edit by hand. -->

A scenario is a YAML file; this page lists every key it may hold. Keys carry their unit in
their name (`rate_kg_s`, `duration_h`); the Unit column spells it out. A key whose default
is "required" must be given; `null` means "not given" (the meaning says what that does).
Relative file paths are relative to the scenario file's folder. A misspelt or unknown key
is an error. `a[]` is a list of blocks: each item has the keys of the `a[]` table; where
the items are of several kinds (`kind: collector` or `kind: discharge`), each kind has its
own table. A scenario may derive from another with `extends:` and keys may be overridden
with `plume run --set key.path=value` (see the README). `configs/default.yaml` is a
complete example.
"""
    return intro + "".join("\n" + render_block(b) for b in blocks())


def main() -> None:
    sys.stdout.write(render())


if __name__ == "__main__":
    main()
