"""Resolve names and infer types, collecting every problem in one pass."""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass, replace
from typing import Final

from escalade.errors import ExpressionError, Issue
from escalade.scenario.expr.ast import (
    ARITHMETIC,
    COMPARISONS,
    Binary,
    Bool,
    Builtin,
    Call,
    Date,
    Expr,
    Not,
    Number,
    String,
    Type,
    Unary,
    Uncertainty,
    Variable,
)

__all__ = ["FUNCTIONS", "Env", "Signature", "check", "names"]


@dataclass(frozen=True)
class Env:
    """The names a scenario defines; the index of a name is its column in the state arrays.

    Parameters
    ----------
    variables, arenas, options, uncertainties : tuple of str
        Ids in column order.
    """

    variables: tuple[str, ...] = ()
    arenas: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    uncertainties: tuple[str, ...] = ()
    parties: tuple[tuple[str, str], ...] = ()
    reader: str | None = None

    def with_reader(self, side: str | None) -> Env:
        """The same names, read by ``side`` (whose view ``rung('arena')`` then is)."""
        return replace(self, reader=side)

    def view(self, arena: str, side: str | None = None) -> tuple[str, int]:
        """Where ``rung(arena[, side])`` is read: ``("views", 2a + party)`` or ``("rungs", a)``.

        Without ``side`` it is the reader's view when the reader is a party of
        the arena, else the arena's common rung (the higher of the two views).
        """
        a = self.index["rungs"][arena]
        side = self.reader if side is None else side
        if side is not None and a < len(self.parties) and side in self.parties[a]:
            return "views", 2 * a + self.parties[a].index(side)
        return "rungs", a

    def last_move(self, arena: str, side: str) -> tuple[int, int, int]:
        """Where ``last_move(arena, side)`` is read: ``(arena, party of side, reader)``.

        The reader is the reading side's party index when it is a party of the
        arena, else 2: the higher of the two parties' views (nature, other sides).
        """
        a = self.index["rungs"][arena]
        parties = self.parties[a]
        reader = parties.index(self.reader) if self.reader in parties else 2
        return a, parties.index(side), reader

    @functools.cached_property
    def index(self) -> dict[str, dict[str, int]]:
        """Column of every name by kind (``variables``, ``rungs``, ``taken``, ``uncertainties``).

        Built once per environment (a scenario compiles every expression against one
        environment), so checking and compiling a name is a dictionary look-up.
        """
        return {
            "variables": {name: i for i, name in enumerate(self.variables)},
            "rungs": {name: i for i, name in enumerate(self.arenas)},
            "taken": {name: i for i, name in enumerate(self.options)},
            "uncertainties": {name: i for i, name in enumerate(self.uncertainties)},
        }


@dataclass(frozen=True)
class Signature:
    """How a function is called: its argument count range and a one-line summary."""

    usage: str
    min_args: int
    max_args: int | None
    summary: str


FUNCTIONS: Final[dict[str, Signature]] = {
    "min": Signature("min(a, b, ...)", 2, None, "smallest argument (nan if any is nan)"),
    "max": Signature("max(a, b, ...)", 2, None, "largest argument (nan if any is nan)"),
    "clip": Signature("clip(x, lo, hi)", 3, 3, "min(max(x, lo), hi)"),
    "abs": Signature("abs(x)", 1, 1, "absolute value"),
    "sqrt": Signature("sqrt(x)", 1, 1, "square root (nan below 0)"),
    "exp": Signature("exp(x)", 1, 1, "e to the power x"),
    "log": Signature("log(x)", 1, 1, "natural logarithm (-inf at 0, nan below 0)"),
    "sin": Signature("sin(x)", 1, 1, "sine (radians)"),
    "cos": Signature("cos(x)", 1, 1, "cosine (radians)"),
    "floor": Signature("floor(x)", 1, 1, "largest integer <= x"),
    "ceil": Signature("ceil(x)", 1, 1, "smallest integer >= x"),
    "where": Signature("where(cond, a, b)", 3, 3, "a where cond is true, else b"),
    "taken": Signature("taken('option')", 1, 1, "the option has succeeded in an earlier round"),
    "rung": Signature(
        "rung('arena') or rung('arena', 'side')",
        1,
        2,
        "the arena's rung: as the reading actor's side sees it, or as the named side does",
    ),
    "last_move": Signature(
        "last_move('arena', 'side')",
        2,
        2,
        "the highest rung of the side's ladder moves in the arena last round, as the reader "
        "sees it (one below the ladder's lowest rung if none)",
    ),
}
"""Every function of the language."""

_ORDERED: Final = frozenset({Type.NUMBER, Type.DATE})
_REFERENCES: Final = frozenset({"taken", "rung", "last_move"})
"""The functions whose arguments are quoted ids."""
_FIXED_RESULT: Final[dict[str, Type]] = {
    "taken": Type.BOOL,
    **dict.fromkeys(
        ("rung", "last_move", "abs", "sqrt", "exp", "log", "sin", "cos", "floor", "ceil"),
        Type.NUMBER,
    ),
}


def names(expr: Expr) -> frozenset[tuple[str, str]]:
    """Return the names ``expr`` refers to, as ``(kind, name)`` pairs.

    Kinds are ``variable``, ``arena``, ``option``, ``uncertainty`` and
    ``builtin`` (``round`` or ``date``). Names are not checked against a
    scenario: see :func:`check`.

    Examples
    --------
    >>> from escalade.scenario.expr import names, parse
    >>> sorted(names(parse("x + rung('ukraine') + $u > round")))
    [('arena', 'ukraine'), ('builtin', 'round'), ('uncertainty', 'u'), ('variable', 'x')]
    """
    found: set[tuple[str, str]] = set()
    stack = [expr]
    while stack:  # one pass, no recursion; validation asks this of every expression
        node = stack.pop()
        if isinstance(node, Binary):
            stack += (node.left, node.right)
        elif isinstance(node, Call):
            stack += node.args
            if node.func in _REFERENCES and node.args and isinstance(node.args[0], String):
                kind = "option" if node.func == "taken" else "arena"
                found.add((kind, node.args[0].value))
        elif isinstance(node, Variable):
            found.add(("variable", node.name))
        elif isinstance(node, Uncertainty):
            found.add(("uncertainty", node.name))
        elif isinstance(node, Builtin):
            found.add(("builtin", node.name))
        elif isinstance(node, Unary | Not):
            stack.append(node.operand)
    return frozenset(found)


def check(expr: Expr, env: Env) -> Type:
    """Check names and types of ``expr`` against ``env`` and return its type.

    Parameters
    ----------
    expr : Expr
        A syntax tree from :func:`parse`.
    env : Env
        The names the scenario defines.

    Returns
    -------
    Type
        ``NUMBER``, ``BOOL`` or ``DATE``.

    Raises
    ------
    ExpressionError
        Listing every unknown name, wrong argument count and type error found.
    """
    checker = _Checker(env)
    result = checker.visit(expr)
    if checker.issues:
        raise ExpressionError(checker.issues)
    assert result is not None
    return result


def _suggest(name: str, candidates: tuple[str, ...]) -> str | None:
    """``did you mean 'x'?``; with nothing close, the candidates when there are few."""
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if candidates and len(candidates) <= 8:
        return "known: " + ", ".join(candidates)
    return None


def _pair(left: Type, right: Type) -> str:
    if left == right:
        return f"two {'true/false values' if left is Type.BOOL else left.value + 's'}"
    return f"{left.noun} and {right.noun}"


class _Checker:
    def __init__(self, env: Env) -> None:
        self.env = env
        self.issues: list[Issue] = []

    def report(self, node: Expr, message: str, hint: str | None = None) -> None:
        self.issues.append(Issue(message, col=node.col + 1, hint=hint))

    def visit(self, node: Expr) -> Type | None:
        # The most frequent nodes first: validation visits every expression of a file.
        if isinstance(node, Binary):
            return self.binary(node)
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Number):
            return Type.NUMBER
        if isinstance(node, Bool):
            return Type.BOOL
        if isinstance(node, Date):
            return Type.DATE
        if isinstance(node, Builtin):
            return Type.DATE if node.name == "date" else Type.NUMBER
        if isinstance(node, Variable | Uncertainty):
            return self.name(node)
        if isinstance(node, String):
            self.report(
                node,
                f"unexpected string {node.value!r}",
                "strings are only allowed as the arguments of taken(), rung() and last_move()",
            )
            return None
        if isinstance(node, Unary | Not):
            return self.unary(node)
        raise TypeError(f"not an expression node: {node!r}")

    def name(self, node: Variable | Uncertainty) -> Type:
        if isinstance(node, Uncertainty):
            if node.name not in self.env.index["uncertainties"]:
                close = difflib.get_close_matches(node.name, self.env.uncertainties, n=1)
                hint = f"did you mean '${close[0]}'?" if close else None
                if hint is None and node.name in self.env.variables:
                    hint = f"'{node.name}' is a variable: write it without '$'"
                self.report(node, f"unknown uncertainty '${node.name}'", hint)
            return Type.NUMBER
        if node.name not in self.env.index["variables"]:
            if node.name in self.env.arenas:
                hint = f"'{node.name}' is an arena: write rung('{node.name}')"
            elif node.name in self.env.uncertainties:
                hint = f"'{node.name}' is an uncertainty: write ${node.name}"
            elif node.name in self.env.options:
                hint = f"'{node.name}' is an option: write taken('{node.name}')"
            else:
                hint = _suggest(node.name, self.env.variables)
            self.report(node, f"unknown variable '{node.name}'", hint)
        return Type.NUMBER

    def unary(self, node: Unary | Not) -> Type | None:
        operand = self.visit(node.operand)
        wanted = Type.BOOL if isinstance(node, Not) else Type.NUMBER
        symbol = "not" if isinstance(node, Not) else node.op
        if operand is not None and operand is not wanted:
            what = "a true/false operand" if wanted is Type.BOOL else "a number"
            hint = "compare the number with something, e.g. x > 0" if wanted is Type.BOOL else None
            self.report(node, f"{symbol!r} needs {what}, found {operand.noun}", hint)
        return wanted

    def binary(self, node: Binary) -> Type | None:
        left, right = self.visit(node.left), self.visit(node.right)
        if left is None or right is None:
            return _binary_result(node.op, left, right)
        if node.op in ("and", "or"):
            bad = next((t for t in (left, right) if t is not Type.BOOL), None)
            if bad is not None:
                self.report(
                    node,
                    f"{node.op!r} needs true/false operands, found {bad.noun}",
                    "compare numbers first, e.g. x > 0",
                )
            return Type.BOOL
        if node.op in COMPARISONS:
            self.comparison(node, left, right)
            return Type.BOOL
        return self.arithmetic(node, left, right)

    def comparison(self, node: Binary, left: Type, right: Type) -> None:
        if left is right and (left in _ORDERED or node.op in ("==", "!=")):
            return
        hint = None
        if Type.DATE in (left, right) and Type.NUMBER in (left, right):
            hint = (
                "write dates as YYYY-MM-DD, e.g. 2024-11-05; date - 2024-11-05 is a number of days"
            )
        elif left is right is Type.BOOL:
            hint = "true/false values can only be compared with '==' or '!='"
        self.report(
            node,
            f"{node.op!r} compares two numbers or two dates, found {_pair(left, right)}",
            hint,
        )

    def arithmetic(self, node: Binary, left: Type, right: Type) -> Type | None:
        result = _binary_result(node.op, left, right)
        if result is not None:
            return result
        if Type.BOOL in (left, right):
            self.report(
                node,
                f"{node.op!r} needs numbers, found {_pair(left, right)}",
                "true/false is not a number: use where(cond, 1, 0)",
            )
        elif node.op == "+":
            self.report(node, "'+' cannot add two dates", "subtract them to get days: a - b")
        elif node.op == "-":
            self.report(node, "'-' cannot subtract a date from a number", "write date - number")
        else:
            self.report(
                node,
                f"{node.op!r} needs numbers, found {_pair(left, right)}",
                "dates allow only date - date, date + number and date - number",
            )
        return Type.DATE if node.op in ("+", "-") and Type.DATE in (left, right) else Type.NUMBER

    def call(self, node: Call) -> Type | None:
        signature = FUNCTIONS.get(node.func)
        if signature is None:
            for arg in node.args:
                self.visit(arg)
            close = _suggest(node.func, tuple(FUNCTIONS))
            listing = "the functions are: " + ", ".join(FUNCTIONS)
            self.report(
                node,
                f"unknown function '{node.func}'",
                f"{close} {listing}" if close else listing,
            )
            return None
        count = len(node.args)
        if count < signature.min_args or (
            signature.max_args is not None and count > signature.max_args
        ):
            if signature.max_args is None:
                expected = f"at least {signature.min_args} arguments"
            else:
                plural = "s" if signature.max_args != 1 else ""
                expected = f"{signature.max_args} argument{plural}"
            self.report(
                node, f"{node.func}() takes {expected}, found {count}", f"write {signature.usage}"
            )
            for arg in node.args:
                if not isinstance(arg, String):
                    self.visit(arg)
            return _FIXED_RESULT.get(node.func)
        if node.func in _REFERENCES:
            return self.reference(node)
        types = [self.visit(arg) for arg in node.args]
        return self.function_type(node, types)

    def reference(self, node: Call) -> Type:
        arg = node.args[0]
        kind, known = (
            ("option", self.env.options) if node.func == "taken" else ("arena", self.env.arenas)
        )
        if not isinstance(arg, String):
            example = arg.name if isinstance(arg, Variable) else kind
            more = ", 'side'" if node.func == "last_move" else ""
            self.report(
                arg,
                f"{node.func}() expects an {kind} id string, found an expression",
                f"write {node.func}('{example}'{more})",
            )
        elif arg.value not in self.env.index["taken" if node.func == "taken" else "rungs"]:
            self.report(arg, f"unknown {kind} '{arg.value}'", _suggest(arg.value, known))
        elif len(node.args) == 2:
            self.side(node, arg.value)
        return Type.BOOL if node.func == "taken" else Type.NUMBER

    def side(self, node: Call, arena: str) -> None:
        """The second argument of ``rung()`` or ``last_move()``: a party side of the arena."""
        arg = node.args[1]
        a = self.env.index["rungs"][arena]
        parties = self.env.parties[a] if a < len(self.env.parties) else ()
        if not isinstance(arg, String):
            self.report(
                arg,
                f"{node.func}() expects a side id string second, found an expression",
                f"write {node.func}('{arena}', '{parties[0] if parties else 'side'}')",
            )
        elif not parties and node.func == "last_move":
            self.report(
                arg,
                f"expected a party side of arena '{arena}', found '{arg.value}'",
                "the arena has no parties here, and last_move() reads the moves of a party",
            )
        elif parties and arg.value not in parties:
            self.report(
                arg,
                f"expected a party side of arena '{arena}' ({', '.join(parties)}), "
                f"found '{arg.value}'",
                _suggest(arg.value, parties),
            )

    def function_type(self, node: Call, types: list[Type | None]) -> Type | None:
        if node.func == "where":
            cond, *branches = types
            if cond is not None and cond is not Type.BOOL:
                self.report(
                    node.args[0],
                    f"where() needs a true/false condition first, found {cond.noun}",
                    "write where(x > 0, a, b)",
                )
            a, b = branches
            if a is not None and b is not None and a is not b:
                self.report(
                    node, f"where() needs both branches of the same type, found {_pair(a, b)}"
                )
            return a if a is not None else b
        known = [t for t in types if t is not None]
        if node.func in ("min", "max", "clip"):
            if known and all(t is known[0] for t in known) and known[0] in _ORDERED:
                return known[0]
            if known:
                found = ", ".join(sorted({t.noun for t in known}))
                self.report(node, f"{node.func}() needs numbers (or all dates), found {found}")
            return Type.NUMBER
        bad = next((t for t in known if t is not Type.NUMBER), None)
        if bad is not None:
            self.report(node, f"{node.func}() needs a number, found {bad.noun}")
        return Type.NUMBER


def _binary_result(op: str, left: Type | None, right: Type | None) -> Type | None:
    if op in ("and", "or") or op in COMPARISONS:
        return Type.BOOL
    assert op in ARITHMETIC
    if left is Type.NUMBER and right is Type.NUMBER:
        return Type.NUMBER
    if op == "+" and {left, right} == {Type.DATE, Type.NUMBER}:
        return Type.DATE
    if op == "-" and left is Type.DATE:
        return {Type.NUMBER: Type.DATE, Type.DATE: Type.NUMBER}.get(right)  # type: ignore[arg-type]
    return None
