"""Turn pydantic's validation errors about a scenario into one plain line.

pydantic reports errors as tuples of locations with its own wording
("Input should be greater than 0"), and inserts internal tags into the
location of discriminated unions (``sources.0.collector.rate_kg_s``). Users
should read ``sources[0].rate_kg_s: must be > 0, got -3``. This module does
that translation; the other modules of ``plume.scenario`` hold the models.
"""
from __future__ import annotations

import difflib
import re
import reprlib
import types
import typing
from typing import Any, Iterable, Literal

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticCustomError

MAX_ERRORS = 5  # more than this on one line is noise; the user fixes these first
MAX_VALUE_CHARS = 60

# Error type of the errors that our own validators raise; their ctx holds the
# finished message ("msg") and optionally a location below the validated
# object ("at"), so that a model-level rule can still point at one key.
PLUME_ERROR = "plume"

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def fail(message: str, at: Iterable[str | int] = (), with_value: bool = False) -> PydanticCustomError:
    """An error to raise inside a validator.

    ``at`` is the key path below the object being validated; ``with_value``
    appends ``, got <input>`` (for field-level validators, whose input is the value).
    """
    ctx = {"msg": message, "at": tuple(at), "with_value": with_value}
    return PydanticCustomError(PLUME_ERROR, "{msg}", ctx)


# ---------------------------------------------------------------- values

class _Repr(reprlib.Repr):
    def repr_float(self, x: float, level: int) -> str:
        # 24.0 reads as 24 in the file the user wrote; keep repr for the rest (1e-05, nan)
        return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


_repr = _Repr()
_repr.maxlevel = 2
_repr.maxstring = MAX_VALUE_CHARS
_repr.maxother = MAX_VALUE_CHARS
_repr.maxlong = 40


def show(value: Any) -> str:
    """A short, safe, one-line rendering of a user value, in YAML words where they differ."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    try:
        text = _repr.repr(value)
    except Exception:  # e.g. int too large to print, or a broken __repr__
        text = f"<{type(value).__name__}>"
    if len(text) > MAX_VALUE_CHARS:
        text = text[: MAX_VALUE_CHARS - 3] + "..."
    return one_line(text)


def one_line(text: str) -> str:
    """Collapse every kind of line break (\\n, \\r, \\u2028, ...) into a space."""
    return " ".join(text.splitlines())


def choices(expected: str | Iterable[str]) -> str:
    """``'a' or 'b'`` for two choices, ``one of 'a', 'b', 'c'`` for more."""
    if isinstance(expected, str):
        # pydantic's ctx already quotes them: "'a', 'b' or 'c'" / "'a', 'b'"
        items = [s.strip() for s in re.split(r",| or ", expected) if s.strip()]
    else:
        items = [repr(s) for s in expected]
    if len(items) == 2:
        return f"{items[0]} or {items[1]}"
    return "one of " + ", ".join(items)


# ---------------------------------------------------------------- locations


def _unwrap(tp: Any) -> Any:
    """Strip Annotated[...] and Optional[...] from a type annotation."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _member_for_tag(union: Any, tag: Any) -> Any:
    """The member of a discriminated union of models whose Literal field has value ``tag``."""
    for member in typing.get_args(union):
        if not _is_model(member):
            continue
        for field in member.model_fields.values():
            if typing.get_origin(field.annotation) is Literal and tag in typing.get_args(field.annotation):
                return member
    return None


def _key(elem: Any, first: bool) -> str:
    if isinstance(elem, int) and not isinstance(elem, bool):
        return f"[{elem}]"
    if isinstance(elem, str) and _IDENTIFIER.match(elem):
        return elem if first else "." + elem
    return f"[{show(elem)}]"  # an odd user key: quote it so the line stays readable


def walk(root: type[BaseModel], loc: Iterable[Any]) -> tuple[str, Any]:
    """The display path of ``loc`` (union tags removed) and the type found there (or None)."""
    parts: list[str] = []
    tp: Any = root
    for elem in loc:
        tp = _unwrap(tp)
        origin = typing.get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            member = _member_for_tag(tp, elem)
            if member is not None:  # pydantic's tag: not a key the user wrote
                tp = member
                continue
        if isinstance(elem, str) and elem.startswith(("function-", "lax-", "strict-", "nullable[")):
            continue
        parts.append(_key(elem, not parts))
        if _is_model(tp) and isinstance(elem, str) and elem in tp.model_fields:
            tp = tp.model_fields[elem].annotation
        elif origin in (list, tuple) and isinstance(elem, int):
            args = typing.get_args(tp)
            if origin is tuple and len(args) > 1 and args[-1] is not Ellipsis:
                tp = args[elem] if 0 <= elem < len(args) else None
            else:
                tp = args[0] if args else None
        else:
            tp = None
    return "".join(parts), _unwrap(tp)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# ---------------------------------------------------------------- messages

_BOUNDS = {
    "greater_than": ("gt", ">"),
    "greater_than_equal": ("ge", ">="),
    "less_than": ("lt", "<"),
    "less_than_equal": ("le", "<="),
}

_TYPE_WORDS = {
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "finite_number": "must be a finite number (not NaN or infinity)",
    "int_type": "must be an integer",
    "int_parsing": "must be an integer",
    "int_from_float": "must be an integer",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "dict_type": "must be a mapping of keys",
    "model_type": "must be a mapping of keys",
    "model_attributes_type": "must be a mapping of keys",
    "path_type": "must be a file path (text)",
    "datetime_type": "must be a date and time such as 2026-04-01T00:00:00Z",
    "datetime_parsing": "must be a date and time such as 2026-04-01T00:00:00Z",
    "recursion_loop": "refers to itself (a YAML alias loop)",
}


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def describe(err: dict[str, Any], root: type[BaseModel]) -> str:
    """One error as ``path: what is wrong, got value``."""
    kind = err.get("type", "")
    loc = tuple(err.get("loc", ()))
    ctx = err.get("ctx") or {}
    value = err.get("input")
    got = f", got {show(value)}"

    if kind == PLUME_ERROR:
        path, _ = walk(root, loc + tuple(ctx.get("at", ())))
        suffix = got if ctx.get("with_value") else ""
        return f"{path or '(top level)'}: {ctx.get('msg', '')}{suffix}"

    if kind in ("extra_forbidden", "invalid_key"):
        parent, tp = walk(root, loc[:-1])
        name = loc[-1] if loc else "?"
        allowed = list(tp.model_fields) if _is_model(tp) else []
        key = name if isinstance(name, str) else show(name)
        where = _join(parent, key) if isinstance(name, str) and _IDENTIFIER.match(name) else (
            f"{parent or '(top level)'}: key {show(name)}"
        )
        close = difflib.get_close_matches(str(name), allowed, n=1, cutoff=0.6)
        if close:
            return f"{where}: unknown key; did you mean {close[0]!r}?"
        if allowed:
            return f"{where}: unknown key; allowed keys: {', '.join(allowed)}"
        return f"{where}: unknown key"

    path, _ = walk(root, loc)
    path = path or "(top level)"
    if kind == "missing":
        return f"{path}: required key missing"
    if kind == "union_tag_invalid":
        tag_key = str(ctx.get("discriminator", "kind")).strip("'")
        tag = value.get(tag_key, ctx.get("tag")) if isinstance(value, dict) else ctx.get("tag")
        return f"{_join(path, tag_key)}: must be {choices(ctx.get('expected_tags', ''))}, got {show(tag)}"
    if kind == "union_tag_not_found":
        tag_key = str(ctx.get("discriminator", "kind")).strip("'")
        if not isinstance(value, dict):
            return f"{path}: must be a mapping of keys{got}"
        _, union = walk(root, loc)
        tags = [t for m in typing.get_args(union) if _is_model(m)
                for f in m.model_fields.values() if typing.get_origin(f.annotation) is Literal
                for t in typing.get_args(f.annotation)]
        return f"{_join(path, tag_key)}: required key missing; must be {choices(tags)}"
    if kind in _BOUNDS:
        name, op = _BOUNDS[kind]
        return f"{path}: must be {op} {_number(ctx.get(name))}{got}"
    if kind == "literal_error":
        return f"{path}: must be {choices(ctx.get('expected', ''))}{got}"
    if kind in ("too_short", "too_long"):
        word = "at least" if kind == "too_short" else "at most"
        limit = ctx.get("min_length" if kind == "too_short" else "max_length")
        if kind == "too_short" and limit == 1 and isinstance(value, str):
            return f"{path}: must not be empty"
        unit = "character" if isinstance(value, str) else "item"
        return f"{path}: must have {word} {limit} {unit}{'s' if limit != 1 else ''}{got}"
    if kind in _TYPE_WORDS:
        return f"{path}: {_TYPE_WORDS[kind]}{got}"
    if kind in ("value_error", "assertion_error"):
        msg = str(err.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return f"{path}: {msg}"
    msg = str(err.get("msg", "invalid value"))
    return f"{path}: {msg[:1].lower() + msg[1:]}{got}"


def summarize(messages: list[str]) -> str:
    """Join distinct messages with '; ', at most MAX_ERRORS of them."""
    unique = list(dict.fromkeys(messages))
    text = "; ".join(unique[:MAX_ERRORS])
    if len(unique) > MAX_ERRORS:
        text += f" (and {len(unique) - MAX_ERRORS} more)"
    return text


def format_validation_error(exc: ValidationError, root: type[BaseModel]) -> str:
    """The whole ValidationError as one line (without the file label)."""
    messages = []
    for err in exc.errors(include_url=False):
        try:
            messages.append(describe(err, root))
        except Exception:  # never let the formatter itself hide the real problem
            messages.append(f"{'.'.join(map(str, err.get('loc', ())))}: {err.get('msg', 'invalid value')}")
    return one_line(summarize(messages))
