"""Pydantic's validation errors in our words: where, what was expected, what was found, a hint.

:func:`pydantic_issues` turns a :class:`pydantic.ValidationError` raised on a
scenario (or an observed timeline) into located :class:`~escalade.errors.Issue`
objects, one per field path; :func:`date_reason` says why a date written in the
right form does not exist.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from escalade.errors import Issue
from escalade.scenario.schema import POLICY_CLASSES, UNCERTAINTY_CLASSES, ScenarioSpec
from escalade.scenario.validate import did_you_mean
from escalade.scenario.yamlio import Loaded, Path

__all__ = ["data_path", "date_format_hint", "date_reason", "pydantic_issues"]


def pydantic_issues(exc: ValidationError, loaded: Loaded) -> list[Issue]:
    """Turn pydantic errors into located issues, one per field path."""
    grouped: dict[Path, list[dict[str, Any]]] = defaultdict(list)
    for error in exc.errors(include_url=False):
        path, model_tail = data_path(loaded.data, error["loc"])
        value = error.get("input")
        if error["type"] == "union_tag_invalid" and isinstance(value, dict):
            path += tuple(tag for tag in _TAGGED if tag in value)[:1]  # point at the bad tag
        grouped[path].append({**error, "tail": model_tail})
    issues: list[Issue] = []
    for path, errors in grouped.items():
        message, hint = _describe(path, errors)
        issues.append(loaded.issue(path, message, hint))
    return issues


def data_path(data: Any, loc: tuple[Any, ...]) -> tuple[Path, tuple[Any, ...]]:
    """Keep the parts of a pydantic ``loc`` that walk the data (drop union branch names)."""
    path: list[str | int] = []
    node = data
    rest: list[Any] = []
    for part in loc:
        if (isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node)) or (
            isinstance(part, str) and isinstance(node, dict) and part in node
        ):
            path.append(part)
            node = node[part]  # type: ignore[index]
        else:
            rest.append(part)
    return tuple(path), tuple(rest)


_FIELD_TYPES = {
    "float_parsing": "a number",
    "float_type": "a number",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
    "date_parsing": "a date (YYYY-MM-DD)",
    "date_type": "a date (YYYY-MM-DD)",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _describe(path: Path, errors: list[dict[str, Any]]) -> tuple[str, str | None]:
    found = _found(errors[0].get("input"))
    types = {e["type"] for e in errors}
    if "extra_forbidden" in types:
        error = next(e for e in errors if e["type"] == "extra_forbidden")
        name = str(path[-1]) if path else str(error["loc"][-1])
        return _unknown_field(name, error)
    tagged = next((e for e in errors if e["type"].startswith("union_tag_")), None)
    if tagged is not None:
        return _bad_tag(tagged)
    if "missing" in types:
        error = next(e for e in errors if e["type"] == "missing")
        name = error["tail"][-1] if error["tail"] else error["loc"][-1]
        return f"missing required field {name!r}", None
    if "finite_number" in types:
        return f"expected a finite number, found {found}", "infinite and NaN values are refused"
    if len(errors) > 1 and all(
        e["type"] in _FIELD_TYPES or e["type"].endswith("_type") for e in errors
    ):
        kinds = sorted({_FIELD_TYPES.get(e["type"], e["type"]) for e in errors})
        if "a number" in kinds and "text" in kinds:
            return (
                f"expected a number, an expression or {{value: ..., source: ...}}, found {found}",
                None,
            )
        return _either(kinds, errors[0].get("input"), found)
    error = errors[0]
    kind = error["type"]
    if kind in _FIELD_TYPES:
        return _wrong_type(path, kind, error.get("input"), found)
    if kind == "string_pattern_mismatch":
        return (
            f"expected an id in lowercase letters, digits, '_' and '-' (a slug), found {found}",
            "ids start with a letter, and a '-' joins two parts (not last, not doubled), "
            "e.g. 'ukraine_position' or 'kursk-mini'",
        )
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"expected one of {expected}, found {found}", did_you_mean(
            str(error.get("input")), _literals(expected)
        )
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, "), None
    message = str(error["msg"])
    if message.startswith("Input should be "):
        message = "expected a value that is " + message.removeprefix("Input should be ")
    return f"{message[0].lower()}{message[1:]}, found {found}", None


def _either(kinds: list[str], value: Any, found: str) -> tuple[str, str | None]:
    """A value of none of several types; a date among them that does not exist says why."""
    expected = f"expected {' or '.join(kinds)}, found {found}"
    reason = date_reason(value) if any(k.startswith("a date") for k in kinds) else None
    if reason is None:
        return expected, None
    hint = _month_hint(value) or "dates are written YYYY-MM-DD, the month before the day"
    return f"{expected} ({reason})", hint


def _wrong_type(path: Path, kind: str, value: Any, found: str) -> tuple[str, str | None]:
    """A value of the wrong type; a date that is written right but does not exist says why."""
    reason = date_reason(value) if kind.startswith("date_") else None
    if reason is not None:
        return f"expected {_FIELD_TYPES[kind]}, found {found} ({reason})", _month_hint(value)
    if kind.startswith("date_"):
        return f"expected {_FIELD_TYPES[kind]}, found {found}", date_format_hint(value)
    return f"expected {_FIELD_TYPES[kind]}, found {found}", _fixed_number_hint(path, kind, value)


_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%B %d, %Y", "%b %d, %Y", "%d %b. %Y")
_LOOSE_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


def date_format_hint(value: Any) -> str:
    """The date written as YYYY-MM-DD when it is one in another format ("25 October 2020").

    Examples
    --------
    >>> date_format_hint("20 Oct 2020")
    'write it as 2020-10-20'
    >>> date_format_hint("2020/11/08")
    'write it as 2020-11-08'
    """
    text = " ".join(str(value).split())
    day: dt.date | None = None
    loose = _LOOSE_ISO.fullmatch(text)
    if loose is not None:
        try:
            day = dt.date(int(loose[1]), int(loose[2]), int(loose[3]))
        except ValueError:
            day = None
    for fmt in _DATE_FORMATS if day is None else ():
        try:
            day = dt.datetime.strptime(text, fmt).date()
            break
        except ValueError:
            continue
    if day is not None:
        return f"write it as {day.isoformat()}"
    return "write dates as YYYY-MM-DD, e.g. 2024-11-05"


_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def date_reason(value: object) -> str | None:
    """Why ``value``, written as a date (YYYY-MM-DD), is not one; None if its format is wrong.

    Parameters
    ----------
    value : object
        What the file or command line gave.

    Returns
    -------
    str or None
        E.g. ``"day is out of range for month"`` for ``2017-06-31``; None when
        ``value`` is not text in the YYYY-MM-DD format (then the format is the problem)
        or is a real date.

    Examples
    --------
    >>> date_reason("2017-06-31")
    'day is out of range for month'
    >>> date_reason("2017-6-3") is None
    True
    """
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value.strip()):
        return None
    try:
        dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        return str(exc)
    return None


def _month_hint(value: Any) -> str | None:
    """How many days the month of a date that does not exist has (e.g. for 2017-06-31)."""
    match = _ISO_DAY.fullmatch(str(value).strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        return None
    year, month = int(match[1]), int(match[2])
    days = calendar.monthrange(year, month)[1]
    return f"{calendar.month_name[month]} {year} has {days} days"


_EXPRESSION_CHARS = frozenset("$+-*/()<>=")


def _fixed_number_hint(path: Path, kind: str, value: Any) -> str | None:
    """Why an expression or ``$uncertainty`` is refused where a plain number is expected."""
    if not (kind.startswith(("float_", "int_")) and isinstance(value, str)):
        return None
    if "policy" in path or "policies" in path:
        return (
            "a policy's lambda, offset, depth, samples and horizon are fixed numbers, not "
            "expressions or uncertainties; to compare values, write one mindset or strategy "
            "per value"
        )
    if _EXPRESSION_CHARS & set(value):
        return (
            "this field takes a fixed number; expressions and $uncertainties are read only "
            "by the fields listed under 'Numbers' in the scenario format docs"
        )
    return None


def _found(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _literals(expected: str) -> list[str]:
    return [
        part.strip().strip("'\"")
        for part in expected.replace(" or ", ",").split(",")
        if part.strip()
    ]


_TAGGED: dict[str, tuple[str, Mapping[str, type[BaseModel]]]] = {
    "kind": ("policy", POLICY_CLASSES),
    "dist": ("distribution", UNCERTAINTY_CLASSES),
}
"""Discriminated unions: the tag field, what a member is called, and its classes."""


_FIELD_ALIASES = {
    "min": "low", "max": "high", "lower": "low", "upper": "high", "mu": "mean", "sigma": "sd",
    "std": "sd", "stdev": "sd", "choices": "values", "options": "values", "probs": "weights",
}  # fmt: skip
"""Other names of a distribution's fields ("min" is "low": it read "did you mean 'nominal'")."""


def _unknown_field(name: str, error: dict[str, Any]) -> tuple[str, str | None]:
    """``unknown field`` naming the policy kind or distribution when in a tagged union."""
    model = _model_of(error)
    known = [] if model is None else _fields_of(model)
    for tag, (noun, classes) in _TAGGED.items():
        if model is None or model not in classes.values() or tag not in model.model_fields:
            continue
        member = next(str(part) for part in reversed(error["loc"]) if part in classes)
        owners = [k for k, cls in classes.items() if name in _fields_of(cls)]
        shared = _fields_of(model.__mro__[1])  # the union's base class: fields every member has
        own = ", ".join(repr(f) for f in known if f not in shared)
        hint = f"a {member!r} {noun} takes {own or 'no other field'}"
        if owners:
            hint = f"{name!r} belongs to {tag} {' or '.join(repr(o) for o in owners)}; {hint}"
        else:
            alias = _FIELD_ALIASES.get(name)
            close = f"did you mean {alias!r}?" if alias in known else did_you_mean(name, known)
            hint = f"{close}; {hint}" if close else hint
        return f"unknown field {name!r} for a {member!r} {noun}", hint
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        return f"unknown field {name!r}", _split_text_hint(name)
    return f"unknown field {name!r}", did_you_mean(name, known) if known else None


def _split_text_hint(name: str) -> str:
    """Why a key that is no field name is there: an unquoted comma split a text in ``{...}``."""
    return (
        f"{name!r} is not a field name but text: inside {{...}} an unquoted comma ends a value "
        "and the text after it becomes a key; quote the value, e.g. "
        'name: "Strikes (air, sea)"'
    )


def _bad_tag(error: dict[str, Any]) -> tuple[str, str | None]:
    """An unknown or missing ``kind`` / ``dist``."""
    value = error.get("input")
    tag = "dist" if isinstance(value, dict) and "dist" in value else "kind"
    if "dist" in str(error.get("ctx", {}).get("discriminator", "")):
        tag = "dist"
    classes = _TAGGED[tag][1]
    known = list(dict.fromkeys(classes))
    found = value.get(tag) if isinstance(value, dict) else None
    if error["type"] == "union_tag_not_found" or found is None:
        return f"missing required field {tag!r}", f"one of: {', '.join(known)}"
    listed = ", ".join(repr(k) for k in known[:-1]) + f" or {known[-1]!r}"
    return f"expected one of {listed}, found {_found(found)}", did_you_mean(str(found), known)


def _fields_of(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _model_of(error: dict[str, Any]) -> type[BaseModel] | None:
    """Best-effort: the schema class an error's ``loc`` ends in (union tags followed)."""
    model: type[BaseModel] | None = ScenarioSpec
    for part in list(error["loc"][:-1]):
        if model is None:
            break
        for tag, (_noun, classes) in _TAGGED.items():
            if part in classes and tag in model.model_fields:
                model = classes[part]
                break
        else:
            field = model.model_fields.get(part) if isinstance(part, str) else None
            if field is not None:
                model = _inner_model(field.annotation)
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
