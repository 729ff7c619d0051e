"""Reading a scenario: the YAML loader, load_scenario and scenario_from_dict."""
import os
import stat
from pathlib import Path

import yaml

from plume.errors import ScenarioError

from .errors import one_line
from .model import Scenario, _validate
from .values import _SCIENTIFIC

MAX_SCENARIO_BYTES = 16 * 2**20  # 100,000 waypoints take about 3 MiB


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


def scenario_from_dict(data: dict, base_dir: Path, label: str = "<scenario>") -> Scenario:
    """Validate a scenario given as a dict; relative paths resolve against ``base_dir``."""
    return _validate(data, base_dir, str(label), None, None)


def load_scenario(path: str | Path) -> Scenario:
    """Read, validate and return the scenario file at ``path``."""
    label = one_line(str(path))
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
    return _validate(data, Path(path).parent, label, text, Path(path))
