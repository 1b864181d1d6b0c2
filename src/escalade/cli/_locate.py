"""Where in the scenario file a simulation error's element is written.

A :class:`~escalade.errors.SimulationError` names the element it stopped on
(``option 'strike' success, round 3: ...``) but the engine does not know the
file. The command line adds ``file:line:col: field.path:`` in front, found
from the element's id in the scenario it loaded.
"""

from __future__ import annotations

import re
from pathlib import Path

from escalade.errors import EscaladeError

__all__ = ["located"]

_ELEMENT = re.compile(
    r"^(?P<kind>option|event|accidents) '(?P<id>[^']+)' "
    r"(?P<field>success|prob|branch '(?P<branch>[^']+)'|up \+ down|up|down|revert),"
)


def _field_path(message: str, spec: object) -> tuple[str | int, ...] | None:
    """The scenario field path of the element a message starts with, or None."""
    match = _ELEMENT.match(message)
    if match is None:
        return None
    kind, ident, field = match["kind"], match["id"], match["field"]
    if kind == "accidents":
        return ("accidents", ident, "up" if field == "up + down" else field)
    items = list(getattr(spec, "options" if kind == "option" else "events", ()))
    index = next((i for i, item in enumerate(items) if item.id == ident), None)
    if index is None:
        return None
    section = "options" if kind == "option" else "events"
    if match["branch"]:
        branches = list(items[index].branches)
        b = next((j for j, br in enumerate(branches) if br.id == match["branch"]), None)
        return None if b is None else (section, index, "branches", b, "prob")
    return (section, index, field)


def located(message: str, scenario: str | None) -> str:
    """``message`` with the file, line, column and field path of its element in front.

    The message is returned unchanged when the scenario is not a readable file
    (a catalog id, say) or the element is not found in it.
    """
    if not scenario or not Path(scenario).is_file():
        return message
    from escalade.scenario import load_scenario  # loaded only when there is an error

    try:
        loaded = load_scenario(scenario)
    except EscaladeError:  # the original error matters, not this one
        return message
    path = _field_path(message, loaded.spec)
    if path is None:
        return message
    line, col = loaded.position(path)
    where = ":".join(str(p) for p in (scenario, line, col) if p is not None)
    field = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in path)
    return f"{where}: {field.replace('.[', '[')}: {message}"
