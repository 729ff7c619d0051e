"""Value types and shared checks for the scenario models: numbers, text, paths, dates, limits."""
import math
import numbers
import os
import re
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated, Any

from annotated_types import Interval
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationInfo

from .errors import fail

# Hard limits that keep a typo (step_s: 0.001) from asking for weeks or terabytes.
MAX_STEPS = 10_000_000
MAX_OUTPUTS = 100_000
MAX_CELLS = 25_000_000
MAX_OUTPUT_BYTES = 64 * 2**30  # uncompressed records on disk (they stream there: plume.records)
MAX_DISTANCE_M = 1.0e7  # a quarter of the Earth's circumference: no local frame reaches further
MAX_DEPTH_M = 12_000.0  # the deepest ocean is 10,935 m (Challenger Deep)
REL_TOL = 1e-9  # for "is a whole multiple of" checks on floats

# ---------------------------------------------------------------- value types
# Our own before-validators instead of pydantic's lax coercion: YAML `true`
# must not become 1.0, "3" must not become 3, and NaN/inf never get in.


_SCIENTIFIC = re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$")


def _as_number(v: Any) -> Any:
    if isinstance(v, str) and _SCIENTIFIC.match(v.strip()):
        v = float(v.replace("_", ""))  # 1e-4: a float in YAML 1.2, a string to yaml.safe_load
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise fail("must be a number", with_value=True)
    try:
        finite = math.isfinite(float(v))
    except (OverflowError, ValueError, TypeError):
        finite = False
    if not finite:
        raise fail("must be a finite number (not NaN or infinity)", with_value=True)
    return v if isinstance(v, int) else float(v)  # keep ints so errors echo "got -3"


def _as_integer(v: Any) -> int:
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return int(v)
    if isinstance(v, float) and v.is_integer():  # 2e5 is a fine particle count
        return int(v)
    raise fail("must be an integer", with_value=True)


def _as_text(v: Any) -> str:
    if not isinstance(v, str):
        raise fail("must be text", with_value=True)
    if not v.strip():
        raise fail("must not be empty", with_value=True)
    return v


def _as_path(v: Any) -> Path:
    if isinstance(v, os.PathLike):
        v = os.fspath(v)
    if not isinstance(v, str):
        raise fail("must be a file path (text)", with_value=True)
    if not v.strip():
        raise fail("must not be empty", with_value=True)
    if "\x00" in v:
        raise fail("must not contain a NUL character", with_value=True)
    return Path(v)


def _fixed_length(n: int, hint: str) -> BeforeValidator:
    """A list of exactly n items (pydantic would report a short one as 'missing' items)."""
    def check(v: Any) -> Any:
        if not isinstance(v, (list, tuple)) or len(v) != n:
            raise fail(f"must be a list of {n} numbers {hint}", with_value=True)
        return v
    return BeforeValidator(check)


def _as_start(v: Any) -> datetime:
    example = "must be a date and time such as 2026-04-01T00:00:00Z"
    if isinstance(v, datetime):
        t = v
    elif isinstance(v, date):
        t = datetime(v.year, v.month, v.day)
    elif isinstance(v, str):
        try:
            t = datetime.fromisoformat(v.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise fail(example, with_value=True) from None
    else:
        raise fail(example, with_value=True)
    try:  # naive means UTC; store aware UTC
        return t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise fail("is outside the representable dates", with_value=True) from None


def num(**bounds: float) -> Any:
    """A finite float (ints accepted, bools not) with bounds such as gt=0, le=1."""
    return Annotated[float, BeforeValidator(_as_number), Interval(**bounds)]


def integer(**bounds: int) -> Any:
    """An int (integral floats accepted, bools not) with bounds."""
    return Annotated[int, BeforeValidator(_as_integer), Interval(**bounds)]


Text = Annotated[str, BeforeValidator(_as_text)]
FilePath = Annotated[Path, BeforeValidator(_as_path)]
Metres = num(ge=-MAX_DISTANCE_M, le=MAX_DISTANCE_M)
PointM = Annotated[tuple[Metres, Metres], _fixed_length(2, "[x, y] in metres")]
ExtentM = Annotated[tuple[Metres, Metres, Metres, Metres], _fixed_length(4, "[x min, x max, y min, y max] in metres")]
UtcDatetime = Annotated[datetime, BeforeValidator(_as_start)]


def _path_text(p: Path) -> str:
    s = str(p)
    s = s if s.isprintable() else repr(s)
    return s if len(s) <= 200 else s[:90] + "..." + s[-90:]


def resolve_path(p: Path | None, info: ValidationInfo, must_exist: bool) -> Path | None:
    """Relative paths are relative to the scenario file's folder (passed in the context)."""
    if p is None:
        return None
    try:
        p = p.expanduser()
    except RuntimeError:  # no home directory to expand ~ to: keep it literal
        pass
    base = (info.context or {}).get("base_dir") or Path.cwd()
    p = p if p.is_absolute() else Path(base) / p
    if must_exist:  # os.path.* never raise (long names, NUL bytes): they just say False
        if not os.path.exists(p):
            raise fail(f"no such file: {_path_text(p)}")
        if os.path.isdir(p):
            raise fail(f"is a folder, not a file: {_path_text(p)}")
    return p


def is_increasing(values: list[float]) -> bool:
    return all(a < b for a, b in zip(values, values[1:]))


def whole_multiple(total: float, part: float) -> int | None:
    """``total / part`` when it is a whole number >= 1 (within REL_TOL), else None."""
    n = round(total / part)
    return n if n >= 1 and abs(n * part - total) <= REL_TOL * total else None


def exactly_one(model: BaseModel, *names: str) -> None:
    given = [n for n in names if getattr(model, n) is not None]
    listed = ", ".join(names[:-1]) + f" or {names[-1]}"
    if len(given) > 1:
        both = "both" if len(given) == 2 else "several"
        raise fail(f"give either {listed}, not {both}" if len(names) == 2
                   else f"give only one of {listed}, got {' and '.join(given)}")
    if not given:
        raise fail(f"give one of {listed}")


class StrictModel(BaseModel):
    # extra="forbid": a misspelt key must be an error, never silently ignored.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
