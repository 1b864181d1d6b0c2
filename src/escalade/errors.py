"""The exception tree of escalade.

Every error escalade raises on purpose derives from :class:`EscaladeError`.
Errors caused by user input are worded the same way everywhere: *where*
(file, line, column and field path), *what was expected*, *what was found*,
and a *hint*::

    EscaladeError
    ├── ScenarioError (ValueError)        a scenario file or text is invalid; carries Issues
    │   └── ExpressionError               an expression does not parse or type-check
    ├── UsageError (ValueError)           an argument is out of range or malformed
    ├── SimulationError (RuntimeError)    a run produced NaN/inf or a policy misbehaved
    ├── SolverError (RuntimeError)        a solver failed or its answer failed verification
    │   ├── UnsupportedGameError (TypeError)   a solver was given a game it does not accept
    │   └── GameTooLargeError                   a game exceeds a size limit
    ├── GameFormatError (ValueError)      an .efg/.nfg file is malformed; carries Issues
    ├── EvidenceError (ValueError)        an article or source text cannot be read
    ├── ResultsFormatError (ValueError)   a results store or bundle is unreadable
    └── DependencyNotInstalled (ImportError)  an optional extra is missing

The command line maps each class to an exit status through ``exit_code``.

An error about an argument names the argument the way the library calls it,
never as a command-line flag: ``parameter`` holds its Python name, the message
starts with it (``chunk_size: expected ...``) and writes any other parameter it
mentions between backticks (``hint: lower `chunk_size` or `workers` instead``).
:meth:`EscaladeError.render_parameters` shows those names in a front end's own
terms: the command line shows its flags (``--chunk-size``), the dashboard the
names as they are.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "DependencyNotInstalled",
    "EscaladeError",
    "EvidenceError",
    "ExpressionError",
    "GameFormatError",
    "GameTooLargeError",
    "Issue",
    "ResultsFormatError",
    "ScenarioError",
    "SimulationError",
    "SolverError",
    "UnsupportedGameError",
    "UsageError",
    "closest_id_hint",
    "named_id_hint",
    "separate_ids_hint",
]

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in user input.

    Parameters
    ----------
    message : str
        What was expected and what was found, e.g.
        ``"expected a probability in [0, 1], found 1.5"``.
    path : str
        The field path, e.g. ``"options[2].success"``; empty for the document.
    file : str or None
        The file name (or ``"<string>"``) the input came from.
    line, col : int or None
        1-based line and column of the offending node, when known.
    hint : str or None
        A suggestion, e.g. ``"did you mean 'ukraine'?"``.
    severity : {"error", "warning"}
        Warnings are reported but do not make the input invalid.
    """

    message: str
    path: str = ""
    file: str | None = None
    line: int | None = None
    col: int | None = None
    hint: str | None = None
    severity: Severity = "error"

    def location(self) -> str:
        """Return ``file:line:col`` (as much of it as is known)."""
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def render(self) -> str:
        """Return the one-line form ``file:line:col: path: message (hint)``."""
        text = f"{self.location()}: "
        if self.path:
            text += f"{self.path}: "
        if self.severity == "warning":
            text += "warning: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


_MENTION = re.compile(r"`([a-z][a-z0-9_]*)`")


class EscaladeError(Exception):
    """Root of every error escalade raises on purpose.

    Parameters
    ----------
    *args
        The message (as for :class:`Exception`).
    parameter : str, optional
        The Python name of the argument the error is about, e.g. ``"chunk_size"``;
        the message starts with it and writes other parameters between backticks.
    """

    exit_code: int = 1
    parameter: str | None = None

    def __init__(self, *args: object, parameter: str | None = None) -> None:
        super().__init__(*args)
        if parameter is not None:
            self.parameter = parameter  # an instance attribute, so it survives pickling

    def render_parameters(self, name: Callable[[str], str]) -> str:
        """Return the message with each parameter name shown as ``name(parameter)``.

        Only an error with a ``parameter`` is rewritten: its leading name and every
        backticked lower-case name, e.g. ``lambda p: "--" + p.replace("_", "-")``
        turns ``chunk_size: ... lower `workers` instead`` into ``--chunk-size: ...
        lower --workers instead``.
        """
        text = str(self)
        if self.parameter is None:
            return text
        lead = self.parameter
        if text.startswith(lead) and not text[len(lead) : len(lead) + 1].isidentifier():
            text = name(lead) + text[len(lead) :]
        return _MENTION.sub(lambda m: name(m.group(1)), text)


class _IssuesMixin(EscaladeError):
    """An error that carries a list of :class:`Issue`."""

    def __init__(self, issues: Iterable[Issue] | str, *, file: str | None = None) -> None:
        if isinstance(issues, str):
            issues = [Issue(issues, file=file)]
        self.issues: tuple[Issue, ...] = tuple(issues)
        super().__init__(self.render())

    def render(self) -> str:
        """Return all issues, one per line."""
        return "\n".join(issue.render() for issue in self.issues)

    @property
    def errors(self) -> tuple[Issue, ...]:
        """The issues of severity ``error``."""
        return tuple(i for i in self.issues if i.severity == "error")


class ScenarioError(_IssuesMixin, ValueError):
    """A scenario is invalid; ``issues`` lists every problem found."""

    exit_code = 2


class ExpressionError(ScenarioError):
    """An expression does not parse, names something unknown, or mixes types."""


class UsageError(EscaladeError, ValueError):
    """An argument given by the user is out of range or malformed."""

    exit_code = 2


class SimulationError(EscaladeError, RuntimeError):
    """A run produced a non-finite number or a policy broke its contract."""


class SolverError(EscaladeError, RuntimeError):
    """A solver failed, or its answer failed the regret check."""


class UnsupportedGameError(SolverError, TypeError):
    """A solver was given a game of a type it does not declare support for."""

    exit_code = 2


class GameTooLargeError(SolverError):
    """A game exceeds a size limit; the message names the size and the limit."""

    exit_code = 2


class GameFormatError(_IssuesMixin, ValueError):
    """A Gambit ``.efg``/``.nfg`` file is malformed."""

    exit_code = 2


class EvidenceError(EscaladeError, ValueError):
    """An article or source text cannot be read."""

    exit_code = 2


class ResultsFormatError(EscaladeError, ValueError):
    """A results store or bundle is missing, unreadable or of an unknown version."""

    exit_code = 2


class DependencyNotInstalled(EscaladeError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""

    exit_code = 3

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"this feature needs the optional package {package!r}, which is not installed "
            f"(install it with: pip install 'escalade[{extra}]')"
        )


def separate_ids_hint(parameter: str, chosen: Iterable[str], known: Iterable[str]) -> str:
    """A hint for ids joined by commas where a list of ids was expected (else "").

    Parameters
    ----------
    parameter : str
        The Python name of the list argument, e.g. ``"strategies"``; the hint writes it
        between backticks, so a front end shows it in its own terms (``--strategies``).
    chosen : iterable of str
        The values given.
    known : iterable of str
        The valid ids.

    Returns
    -------
    str
        ``"; hint: separate ids with spaces: `strategies` a b"`` when a value holds a comma
        and every part of it is a valid id, else ``""``.

    Examples
    --------
    >>> separate_ids_hint("strategies", ["a,b"], ["a", "b", "c"])
    '; hint: separate ids with spaces: `strategies` a b'
    >>> separate_ids_hint("strategies", ["a,x"], ["a", "b"])
    ''
    """
    valid = set(known)
    values = list(chosen)
    joined = [v for v in values if "," in v]
    parts = [p.strip() for v in joined for p in v.split(",") if p.strip()]
    if not joined or not all(p in valid for p in parts):
        return ""
    ids = [p.strip() for v in values for p in v.split(",") if p.strip()]
    return f"; hint: separate ids with spaces: `{parameter}` {' '.join(ids)}"


def closest_id_hint(unknown: Iterable[str], known: Iterable[str]) -> str:
    """A did-you-mean hint for the first unknown id that is close to a valid one (else "").

    Examples
    --------
    >>> closest_id_hint(["calibrate"], ["status_quo", "calibrated", "massive"])
    "; hint: did you mean 'calibrated'?"
    >>> closest_id_hint(["xyz"], ["status_quo"])
    ''
    """
    valid = list(known)
    for name in unknown:
        close = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
        if close:
            return f"; hint: did you mean {close[0]!r}?"
    return ""


def swapped_id_hint(unknown: Iterable[str], others: Iterable[str], kind: str) -> str:
    """A hint for a mindset's id given as a strategy, or the other way round (else "").

    Examples
    --------
    >>> swapped_id_hint(["status_quo"], ["status_quo", "firmness"], "mindsets")
    "; hint: 'status_quo' is a strategy, not a mindset"
    """
    pair = {"strategies": ("mindset", "strategy"), "mindsets": ("strategy", "mindset")}
    other, this = pair.get(kind.lstrip("-"), ("", ""))
    valid = set(others)
    for name in unknown:
        if other and name in valid:
            return f"; hint: {name!r} is a {other}, not a {this}"
    return ""


def named_id_hint(unknown: Iterable[str], names: Mapping[str, str]) -> str:
    """A hint for a name given where an id was expected (else "").

    A value equal to an element's name, or to its first word, case aside, is
    taken to mean that element: ``armenia`` for actor ``arm`` named "Armenia",
    or for side ``arm_bloc`` named "Armenia and Artsakh".

    Examples
    --------
    >>> named_id_hint(["armenia"], {"arm": "Armenia", "aze": "Azerbaijan"})
    "; hint: 'armenia' is the name of 'arm' (Armenia); give its id, arm"
    >>> named_id_hint(["georgia"], {"arm": "Armenia"})
    ''
    """
    for value in unknown:
        wanted = value.strip().casefold()
        for ident, name in names.items():
            words = name.casefold().split()
            if wanted and words and wanted in (name.casefold(), words[0]):
                return f"; hint: {value!r} is the name of {ident!r} ({name}); give its id, {ident}"
    return ""
