"""Reading a scenario: the YAML loader, derivation (``extends:``, ``--set``), load_scenario
and scenario_from_dict.

A scenario may derive from another: ``extends: base.yaml`` (a path relative to the file)
takes every key of the base and overrides it with the file's own keys, merged block by
block; a list (``sources``, ``classes``, ``tides`` ...) is replaced whole, as is a block
whose ``kind``, ``model`` or ``profile`` changes, and ``null`` removes a base's value.
Relative paths inside a base stay relative to the base's folder. ``--set key.path=value``
(the value in YAML) then overrides single keys, as if written in the file.
"""
import copy
import os
import re
import stat
from pathlib import Path
from typing import Any, Iterable

import yaml

from plume.errors import ScenarioError

from .errors import one_line, show
from .model import Scenario, validate_data
from .values import _SCIENTIFIC

MAX_SCENARIO_BYTES = 16 * 2**20  # 100,000 waypoints take about 3 MiB
MAX_EXTENDS = 20  # a longer chain is a mistake (or a cycle through symbolic links)
# A block that changes one of these keys is a different kind of block: it replaces the base's.
_KIND_KEYS = ("kind", "model", "profile")


class _Loader(yaml.SafeLoader):
    """yaml.SafeLoader, plus two fixes for hand-written scenario files:
    ``1e-4`` is a float (YAML 1.1 wants ``1.0e-4`` and would give the string "1e-4"),
    and a key given twice is an error (YAML would silently keep the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue  # "<<: *defaults" may be overridden by later keys on purpose
            key = (key_node.tag, key_node.value)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key_node.value!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _SCIENTIFIC, list("-+0123456789"))


# ---------------------------------------------------------------- reading one file


def _read_yaml(path: Path, label: str) -> tuple[Any, str]:
    """(parsed YAML, text) of the file at ``path``; every failure is one ScenarioError line."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):  # /dev/zero or a pipe would be read without end
            raise ScenarioError(f"{label}: is not a regular file (a device or a pipe?); give a YAML scenario file")
        if info.st_size > MAX_SCENARIO_BYTES:
            raise ScenarioError(f"{label}: is {info.st_size / 2**20:.0f} MiB; a scenario file is YAML text of at "
                                f"most {MAX_SCENARIO_BYTES // 2**20} MiB (is it the right file?)")
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise ScenarioError(f"{label}: is a folder, not a scenario file") from None
    except (OSError, ValueError) as exc:
        raise ScenarioError(one_line(f"{label}: cannot read the file ({exc})")) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{label}: not a UTF-8 text file (byte {exc.start})") from None
    try:
        data = yaml.load(text, Loader=_Loader)  # a SafeLoader: no arbitrary objects
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "syntax error"
        raise ScenarioError(one_line(f"{label}: not valid YAML{where}: {what}")) from None
    except RecursionError:
        raise ScenarioError(f"{label}: not valid YAML: nested too deeply") from None
    except Exception as exc:  # e.g. a date like 2026-02-30 fails inside the YAML reader
        raise ScenarioError(one_line(f"{label}: not valid YAML: {exc}")) from None
    if data is None:
        raise ScenarioError(f"{label}: the file is empty")
    return data, text


# ---------------------------------------------------------------- extends: a scenario derived from another


def merged(base: Any, override: Any) -> Any:
    """``override`` laid over ``base``: blocks merged key by key, anything else (lists, numbers,
    null) replaced; a block whose kind, model or profile changes replaces the base's block."""
    if not (isinstance(base, dict) and isinstance(override, dict)):
        return override
    if any(k in override and k in base and override[k] != base[k] for k in _KIND_KEYS):
        return override
    result = dict(base)
    for key, value in override.items():
        result[key] = merged(base[key], value) if key in base else value
    return result


def _path_keys() -> list[list[str]]:
    """Key paths of the file-path keys (``[]`` steps into a list), read from the models."""
    from pathlib import PurePath

    from .reference import is_list, split_annotation, blocks, fields_of  # the reference walks the same models

    def holds_path(tp: Any) -> bool:
        tp, _ = split_annotation(tp)
        if isinstance(tp, type) and issubclass(tp, PurePath):
            return True
        return any(holds_path(a) for a in getattr(tp, "__args__", ()) if a is not type(None))

    found = []
    for block in blocks():
        for key, field in fields_of(block.model):
            if holds_path(field.annotation):
                steps = [s for s in block.path.replace("[]", ".[]").split(".") if s] + [key]
                found.append(steps + (["[]"] if is_list(field.annotation) else []))
    return found


def _rebased(data: Any, steps: list[str], source_dir: Path, target_dir: Path) -> Any:
    """``data`` with the relative paths at ``steps`` made relative to ``target_dir`` instead of
    ``source_dir`` (so that a base's paths keep pointing where the base meant)."""
    if not steps:
        if isinstance(data, str) and data.strip() and not data.startswith("~") and not os.path.isabs(data):
            return os.path.relpath(os.path.join(source_dir, data), target_dir)
        return data
    head, rest = steps[0], steps[1:]
    if head == "[]":
        return [_rebased(item, rest, source_dir, target_dir) for item in data] if isinstance(data, list) else data
    if isinstance(data, dict) and head in data:
        return {**data, head: _rebased(data[head], rest, source_dir, target_dir)}
    return data


def _derived(data: Any, folder: Path, label: str, chain: tuple[Path, ...]) -> tuple[Any, list[str]]:
    """``data`` with its ``extends:`` chain resolved: (merged data, the bases' labels)."""
    if not isinstance(data, dict) or "extends" not in data:
        return data, []
    data = dict(data)
    base_name = data.pop("extends")
    if not isinstance(base_name, str) or not base_name.strip():
        raise ScenarioError(one_line(f"{label}: extends: must be the path of a scenario file, got {show(base_name)}"))
    base_path = Path(folder, os.path.expanduser(base_name))
    base_label = one_line(str(Path(label).parent / base_name)) if label != "<scenario>" else base_name
    if not base_path.is_file():
        what = "is a folder, not a scenario file" if base_path.is_dir() else "no such file"
        raise ScenarioError(one_line(f"{label}: extends: {what}: {base_name}"))
    if base_path.resolve() in chain:
        raise ScenarioError(one_line(f"{label}: extends: {base_name} extends this file again (a cycle)"))
    if len(chain) >= MAX_EXTENDS:
        raise ScenarioError(f"{label}: extends: more than {MAX_EXTENDS} files in the chain")
    base, _ = _read_yaml(base_path, base_label)
    if not isinstance(base, dict):
        raise ScenarioError(f"{base_label}: the top level must be a mapping of keys, got a {type(base).__name__}")
    base, bases = _derived(base, base_path.parent, base_label, chain + (base_path.resolve(),))
    for steps in _path_keys():
        base = _rebased(base, steps, base_path.parent.absolute(), Path(folder).absolute())
    return merged(base, data), [base_label, *bases]


# ---------------------------------------------------------------- --set key.path=value

_STEP = re.compile(r"\[(\d+)\]")


def _key_path(text: str) -> list[str | int]:
    """``sources[0].rate_kg_s`` (or ``sources.0.rate_kg_s``) as ['sources', 0, 'rate_kg_s']."""
    steps: list[str | int] = []
    for part in text.split("."):
        name, *indices = _STEP.split(part)
        if name.strip():
            steps.append(int(name) if name.isdigit() else name.strip())
        elif not indices:
            raise ValueError("an empty key")
        for i, extra in enumerate(indices):
            if i % 2 == 0:
                steps.append(int(extra))
            elif extra:
                raise ValueError(f"unexpected {extra!r} after an index")
    return steps


def _set(data: dict, steps: list[str | int], value: Any) -> None:
    """Set ``data`` at ``steps`` to ``value``, making missing blocks; ValueError names the problem."""
    node: Any = data
    for depth, step in enumerate(steps):
        last = depth == len(steps) - 1
        where = _shown(steps[:depth]) or "the top level"
        if isinstance(node, list):
            if not isinstance(step, int):
                raise ValueError(f"{where} is a list: give an item number, e.g. {where}[0]")
            if not 0 <= step < len(node):
                raise ValueError(f"{where} has {len(node)} item{'s' if len(node) != 1 else ''} (numbered from 0), "
                                 f"no item {step}")
        elif isinstance(node, dict):
            step = str(step)
            if not last and node.get(step) is None:
                node[step] = {}  # e.g. --set sediment.hindered_settling.exponent=4 on a file without it
        else:
            raise ValueError(f"{where} is {show(node)}, not a block of keys")
        if last:
            node[step] = value
        else:
            node = node[step]


def _shown(steps: Iterable[str | int]) -> str:
    text = ""
    for s in steps:
        text += f"[{s}]" if isinstance(s, int) else (f".{s}" if text else str(s))
    return text


def with_settings(data: Any, settings: Iterable[str], label: str) -> Any:
    """A copy of ``data`` with each ``key.path=value`` of ``settings`` applied (the value parsed as YAML)."""
    data = copy.deepcopy(data)
    for setting in settings:
        path_text, sep, value_text = str(setting).partition("=")
        shown = one_line(path_text.strip()) or one_line(str(setting))
        if not sep or not path_text.strip():
            raise ScenarioError(one_line(f"{label}: --set {setting}: must be key.path=value, "
                                         f"e.g. sources[0].rate_kg_s=20"))
        try:
            steps = _key_path(path_text.strip())
            value = yaml.load(value_text, Loader=_Loader) if value_text.strip() else None
        except (ValueError, yaml.YAMLError) as exc:
            what = getattr(exc, "problem", None) or exc
            raise ScenarioError(one_line(f"{label}: --set {shown}: cannot read it ({what})")) from None
        if not isinstance(data, dict):
            raise ScenarioError(f"{label}: the top level must be a mapping of keys")
        try:
            _set(data, steps, value)
        except ValueError as exc:
            raise ScenarioError(one_line(f"{label}: --set {shown}: {exc}")) from None
    return data


def _provenance(label: str, bases: list[str], settings: list[str], data: Any) -> str:
    """The scenario actually used, as YAML with a header naming where it came from."""
    lines = [f"# {label}" + (f", extending {' <- '.join(bases)}" if bases else "")
             + (f", with --set {', '.join(settings)}" if settings else "")]
    try:
        body = yaml.safe_dump(data, sort_keys=False)
    except yaml.YAMLError:
        body = repr(data) + "\n"
    return one_line(lines[0]) + "\n" + body


# ---------------------------------------------------------------- entry points


def scenario_from_dict(data: dict, base_dir: Path, label: str = "<scenario>",
                       settings: Iterable[str] = ()) -> Scenario:
    """Validate a scenario given as a dict; relative paths (``extends:`` too) resolve against ``base_dir``."""
    settings = [str(s) for s in settings]
    data, _ = _derived(data, Path(base_dir), str(label), ())
    if settings:
        data = with_settings(data, settings, str(label))
    return validate_data(data, base_dir, str(label), None, None)


def load_scenario(path: str | Path, settings: Iterable[str] = ()) -> Scenario:
    """Read, validate and return the scenario file at ``path``, with its ``extends:`` chain
    merged and each ``key.path=value`` of ``settings`` applied."""
    label = one_line(str(path))
    settings = [str(s) for s in settings]
    data, text = _read_yaml(Path(path), label)
    folder = Path(path).parent
    data, bases = _derived(data, folder, label, (Path(path).resolve(),))
    if settings:
        data = with_settings(data, settings, label)
    if bases or settings:
        text = _provenance(label, bases, settings, data)
    return validate_data(data, folder, label, text, Path(path))
