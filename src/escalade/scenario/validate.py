"""Semantic checks of a structurally valid scenario; every problem is collected.

The checks: ids are unique and every reference resolves (with a did-you-mean
hint); rungs lie on their arena's ladder; constant probabilities lie in
[0, 1] and branch probabilities sum to 1; bounds are ordered and initial values
inside them; distributions have valid parameters; policies name options of
their own actor; cited sources are declared; expressions parse and have the
type their field needs. The checks of options, events and accidents are in
:mod:`escalade.scenario._validate_events`, those of the schema 2 fields and of
private knowledge in :mod:`escalade.scenario.checks`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Sequence
from dataclasses import replace

from escalade.errors import ExpressionError, Issue
from escalade.scenario import checks
from escalade.scenario import expr as ex
from escalade.scenario._validate_events import (
    check_accidents,
    check_events,
    check_options,
    check_plan_steps,
)
from escalade.scenario.distributions import support, uncertainty_problems
from escalade.scenario.ladders import Ladder
from escalade.scenario.reference import builtin_ladder_names
from escalade.scenario.schema import (
    NumberSpec,
    PolicySpec,
    ScenarioSpec,
    SourceRef,
    ThresholdSpec,
)
from escalade.scenario.yamlio import Loaded, Path, format_path

__all__ = ["Checker", "did_you_mean", "support"]

Number = float | str | NumberSpec


def did_you_mean(name: str, known: Iterable[str]) -> str | None:
    """Return a ``did you mean 'x'?`` hint, or a list of the known ids when short.

    Ids about as close as the best (within 0.1 of its similarity) are offered
    too: ``limited_strikes`` could be ``limited_strategic_strikes`` or
    ``limited_conventional_strikes``, and picking one would be a guess.
    """
    known = list(known)
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    if close:
        best = difflib.SequenceMatcher(None, name, close[0]).ratio()
        near = [c for c in close if difflib.SequenceMatcher(None, name, c).ratio() >= best - 0.1]
        return "did you mean " + " or ".join(repr(c) for c in near) + "?"
    if known and len(known) <= 8:
        return "known: " + ", ".join(known)
    return None


def _rung_hint(ladder: Ladder, ref: str) -> str:
    """A did-you-mean for a misspelt rung id, else the ladder's ids (or its range when long)."""
    ids = list(ladder.rung_ids())
    close = did_you_mean(ref, ids)
    if close is not None and close.startswith("did you mean"):
        return close
    numbers = f"give a rung number ({ladder.low}..{ladder.high})"
    if len(ids) <= 15:
        return f"{numbers} or one of its ids: " + ", ".join(ids)
    where = (
        "the scenario format lists them under Built-in ladders"
        if ladder.id in builtin_ladder_names()
        else "the ladder's 'rungs' list them"
    )
    return f"{numbers} or one of its {len(ids)} rung ids; {where}"


def _type_hint(found: ex.Type, wanted: ex.Type, text: str) -> str | None:
    """How to turn ``text`` into what was wanted, for the two mix-ups of number and condition."""
    if found == ex.Type.NUMBER and wanted == ex.Type.BOOL:
        return f"compare the number, e.g. {text + ' > 0'!r} or {text + ' <= 0'!r}"
    if found == ex.Type.BOOL and wanted == ex.Type.NUMBER:
        return f"turn the condition into a number with where(): {f'where({text}, 1, 0)'!r}"
    return None


class Checker:
    """Collects semantic issues of one scenario."""

    def __init__(
        self,
        spec: ScenarioSpec,
        loaded: Loaded,
        ladders: dict[str, Ladder],
        ladder_problems: Sequence[tuple[int, ThresholdSpec, str]] = (),
    ) -> None:
        self.spec = spec
        self.ladder_problems = list(ladder_problems)
        self.loaded = loaded
        self.ladders = ladders
        self.issues: list[Issue] = []
        self.env = spec.expression_env()
        self.actors = {a.id: a for a in spec.actors}
        self.sides = {s.id for s in spec.sides}
        self.arenas = {a.id: a for a in spec.arenas}
        self.sources = {s.id for s in spec.sources}
        self.options_of: dict[str, set[str]] = {}
        for option in spec.options:
            self.options_of.setdefault(option.actor, set()).add(option.id)

    # -- reporting -------------------------------------------------------
    def add(self, path: Path, message: str, hint: str | None = None) -> None:
        """Record an error at ``path``."""
        self.issues.append(self.loaded.issue(path, message, hint))

    def ref(self, path: Path, kind: str, value: str, known: Iterable[str]) -> bool:
        """Check that ``value`` is one of ``known``; record an error if not."""
        known = list(known)
        if value in known:
            return True
        self.add(
            path,
            f"expected the id of a declared {kind}, found {value!r}",
            self._other_kind_hint(kind, value) or did_you_mean(value, known),
        )
        return False

    def _other_kind_hint(self, kind: str, value: str) -> str | None:
        """A side given for an actor (``consent: [argentina]``), or an actor for a side."""
        if kind == "actor" and value in self.sides:
            mine = [a.id for a in self.spec.actors if a.side == value]
            return f"{value!r} is a side; give its actors: {', '.join(mine)}"
        if kind == "side" and value in self.actors:
            return f"{value!r} is an actor, of side {self.actors[value].side!r}"
        return None

    # -- entry point -----------------------------------------------------
    def run(self) -> list[Issue]:
        """Run every check and return the issues found."""
        for check in (
            self.check_unique,
            lambda: checks.check_side_ids(self),
            self.check_actors,
            self.check_arenas,
            self.check_variables,
            lambda: check_options(self),
            lambda: check_events(self),
            lambda: check_accidents(self),
            self.check_uncertainties,
            self.check_strategies,
            self.check_outcomes,
            self.check_sources,
            self.check_knowledge,
            self.check_side_weights,
        ):
            check()
        if not any(i.severity == "error" for i in self.issues):
            from escalade.scenario.lint import lint  # noqa: PLC0415 - lint imports this module

            self.issues += lint(self)
        return self.issues

    def check_knowledge(self) -> None:
        """Private uncertainties are read only by the actors that know them."""
        checks.check_knowledge(self)

    def check_side_weights(self) -> None:
        """Side weights name the side's actors and are >= 0 (see :mod:`checks`)."""
        checks.check_side_weights(self)

    def check_unique(self) -> None:
        """Ids are unique within each section."""
        spec = self.spec
        sections: dict[str, Sequence[object]] = {
            "ladders": spec.ladders,
            "sides": spec.sides,
            "actors": spec.actors,
            "arenas": spec.arenas,
            "variables": spec.variables,
            "options": spec.options,
            "events": spec.events,
            "uncertainties": spec.uncertainties,
            "strategies": spec.strategies,
            "mindsets": spec.mindsets,
            "outcomes": spec.outcomes,
            "sources": spec.sources,
        }
        for section, items in sections.items():
            seen: dict[str, int] = {}
            for i, item in enumerate(items):
                ident = str(getattr(item, "id"))  # noqa: B009 - every item has an id
                if ident in seen:
                    self.add(
                        (section, i, "id"),
                        f"expected a unique id, found {ident!r} again "
                        f"(first at {section}[{seen[ident]}])",
                    )
                else:
                    seen[ident] = i
        for i, v in enumerate(spec.variables):
            if v.id in {"round", "date", "true", "false", "and", "or", "not"}:
                self.add(
                    ("variables", i, "id"),
                    f"expected a variable name, found the reserved word {v.id!r}",
                )

    # -- sections ----------------------------------------------------------
    def check_actors(self) -> None:
        """Actors belong to declared sides; utilities name known things."""
        for i, actor in enumerate(self.spec.actors):
            self.ref(("actors", i, "side"), "side", actor.side, self.sides)
            self.check_source(("actors", i, "source"), actor.source)
            base: Path = ("actors", i, "utility")
            for part in ("per_round", "final"):
                for key, weight in getattr(actor.utility, part).items():
                    self.check_utility_key((*base, part, key), key)
                    self.number((*base, part, key), weight)
            for key, value in actor.utility.thresholds.items():
                self.check_threshold_key((*base, "thresholds", key), key)
                self.number((*base, "thresholds", key), value)
            self.check_policy(("actors", i, "policy"), actor.id, actor.policy)

    def check_utility_key(self, path: Path, key: str) -> None:
        """A utility key is a variable id or ``rung.<arena>``."""
        if key.startswith("rung."):
            self.ref(path, "arena", key.removeprefix("rung."), self.arenas)
            return
        known = [v.id for v in self.spec.variables] + [f"rung.{a}" for a in self.arenas]
        if key not in known:
            self.add(
                path,
                f"expected a variable id or 'rung.<arena>', found {key!r}",
                did_you_mean(key, known),
            )

    def threshold_names(self) -> list[str]:
        """Every ``arena.threshold`` name, and bare threshold ids."""
        names: list[str] = []
        for arena in self.spec.arenas:
            ladder = self.ladders.get(arena.ladder)
            if ladder is None:
                continue
            for t in ladder.thresholds:
                names += [f"{arena.id}.{t.id}", t.id]
        return names

    def check_threshold_key(self, path: Path, key: str) -> None:
        """A threshold key resolves to exactly one arena's threshold."""
        if any(a.ladder not in self.ladders for a in self.spec.arenas):
            return  # an unknown ladder is reported once, at the arena
        names = self.threshold_names()
        if key not in names:
            self.add(
                path,
                f"expected a threshold ('threshold_id' or 'arena.threshold_id'), found {key!r}",
                did_you_mean(key, sorted(set(names))),
            )
        elif "." not in key and names.count(key) > 1:
            self.add(
                path,
                f"expected an unambiguous threshold, found {key!r} in several arenas",
                "write it as 'arena.threshold_id'",
            )

    def check_arenas(self) -> None:
        """Arenas name known sides and ladders, with an initial rung on the ladder."""
        builtin_hint = sorted(self.ladders)
        for i, arena in enumerate(self.spec.arenas):
            for j, party in enumerate(arena.parties):
                self.ref(("arenas", i, "parties", j), "side", party, self.sides)
            if arena.parties[0] == arena.parties[1]:
                self.add(
                    ("arenas", i, "parties"),
                    f"expected two different sides, found {arena.parties[0]!r} twice",
                )
            ladder = self.ladders.get(arena.ladder)
            if ladder is None:
                self.add(
                    ("arenas", i, "ladder"),
                    f"expected a declared or built-in ladder, found {arena.ladder!r}",
                    did_you_mean(arena.ladder, [*builtin_hint, "kahn", "compact"]),
                )
                continue
            self.rung(("arenas", i, "initial"), ladder, arena.initial)
        for i, threshold, message in self.ladder_problems:
            position = self.spec.ladders[i].thresholds.index(threshold)
            ladder = self.ladders.get(self.spec.ladders[i].id)
            # the hint of an option's rung: a did-you-mean, else what the ladder takes
            hint = _rung_hint(ladder, str(threshold.at)) if ladder is not None else None
            self.add(("ladders", i, "thresholds", position, "at"), message, hint)
        for i, spec in enumerate(self.spec.ladders):
            ids = [r.id for r in spec.rungs]
            for j, rung in enumerate(spec.rungs):
                if ids.index(rung.id) != j:
                    self.add(
                        ("ladders", i, "rungs", j, "id"),
                        f"expected a unique rung id, found {rung.id!r} again",
                    )

    def rung(self, path: Path, ladder: Ladder, ref: int | str) -> int | None:
        """Resolve a rung reference on ``ladder``, recording an error if it is off the ladder."""
        index = ladder.rung_index(ref)
        if index is None:
            if isinstance(ref, int):
                self.add(
                    path,
                    f"expected a rung of ladder {ladder.id!r} "
                    f"({ladder.low}..{ladder.high}), found {ref}",
                )
            else:
                self.add(
                    path,
                    f"expected a rung id of ladder {ladder.id!r}, found {ref!r}",
                    _rung_hint(ladder, ref),
                )
        return index

    def check_variables(self) -> None:
        """Bounds are ordered and constant initial values lie inside them."""
        for i, var in enumerate(self.spec.variables):
            path: Path = ("variables", i)
            if math.isnan(var.min) or math.isnan(var.max) or var.min > var.max:
                self.add(
                    (*path, "min"),
                    f"expected min <= max, found min {var.min} > max {var.max}",
                    "swap the bounds",
                )
            value = self.number((*path, "initial"), var.initial)
            if value is not None and not var.min <= value <= var.max:
                self.add(
                    (*path, "initial"),
                    f"expected an initial value within [{var.min}, {var.max}], found {value}",
                )
            self.check_source((*path, "source"), var.source)

    def check_uncertainties(self) -> None:
        """Distributions have valid parameters; nominal values lie in the support."""
        for i, unc in enumerate(self.spec.uncertainties):
            for message, field in uncertainty_problems(unc):
                self.add(("uncertainties", i, field), message)
            checks.check_known_to(self, ("uncertainties", i, "known_to"), unc.known_to)
            self.check_source(("uncertainties", i, "source"), unc.source)

    def check_strategies(self) -> None:
        """Strategies and mindsets name sides, actors of that side, and valid policies."""
        # a mindset of the strategies' side is one error (its side), not one more per policy
        misplaced = checks.check_mindset_sides(self)
        for section in ("strategies", "mindsets"):
            for i, strategy in enumerate(getattr(self.spec, section)):
                path: Path = (section, i)
                if section == "mindsets" and i in misplaced:
                    continue
                # an unknown side (the strategy's or the actor's) is one error, not one more
                # per policy saying that the actor is "of another side"
                known = self.ref((*path, "side"), "side", strategy.side, self.sides)
                for actor_id, policy in strategy.policies.items():
                    ppath: Path = (*path, "policies", actor_id)
                    if not self.ref(ppath, "actor", actor_id, self.actors):
                        continue
                    actor = self.actors[actor_id]
                    if known and actor.side in self.sides and actor.side != strategy.side:
                        self.wrong_side(ppath, strategy.side, actor_id, actor.side)
                        continue  # its options and conditions would be judged as another's
                    self.check_policy(ppath, actor_id, policy)

    def wrong_side(self, path: Path, side: str, actor_id: str, found_side: str) -> None:
        """A strategy's (mindset's) policy for an actor of the other side, with the right ones."""
        mine = [a.id for a in self.spec.actors if a.side == side]
        self.add(
            path,
            f"expected an actor of side {side!r}, found {actor_id!r} of side {found_side!r}",
            f"the actors of side {side!r}: {', '.join(mine)}" if mine else None,
        )

    def check_policy(self, path: Path, actor_id: str, policy: PolicySpec) -> None:
        """A policy's options belong to its actor; its arena exists; its rules type-check."""
        own = sorted(self.options_of.get(actor_id, set()))

        def own_option(p: Path, option: str) -> None:
            if option != "hold" and option not in own:
                self.add(
                    p,
                    f"expected an option of actor {actor_id!r}, found {option!r}",
                    did_you_mean(option, own) or "the actor has no options",
                )

        for j, step in enumerate(policy.steps):
            own_option((*path, "steps", j, "option"), step.option)
        check_plan_steps(self, (*path, "steps"), policy.steps)
        for j, rule in enumerate(policy.rules):
            self.expression((*path, "rules", j, "if"), rule.if_, ex.Type.BOOL)
            own_option((*path, "rules", j, "then"), rule.then)
        if policy.otherwise is not None:
            own_option((*path, "otherwise"), policy.otherwise)
        if policy.arena is not None:
            self.ref((*path, "arena"), "arena", policy.arena, self.arenas)
        if policy.kind == "plan" and not policy.steps:
            self.add((*path, "steps"), "expected at least one step for a 'plan' policy, found none")
        if policy.kind == "rules" and not policy.rules:
            self.add(
                (*path, "rules"), "expected at least one rule for a 'rules' policy, found none"
            )

    def check_outcomes(self) -> None:
        """Outcome expressions type-check (numbers; conditions for ``at: first``)."""
        for i, outcome in enumerate(self.spec.outcomes):
            wanted = ex.Type.BOOL if outcome.at == "first" else None
            self.expression(("outcomes", i, "expr"), outcome.expr, wanted)
        for i, terminal in enumerate(self.spec.terminals()):
            path: Path = (
                ("terminal", i)
                if isinstance(self.spec.terminal[i], str)
                else ("terminal", i, "when")
            )
            self.expression(path, terminal.when, ex.Type.BOOL)
            for actor, value in terminal.utility.items():
                if self.ref(("terminal", i, "utility", actor), "actor", actor, self.actors):
                    self.number(("terminal", i, "utility", actor), value)

    def check_sources(self) -> None:
        """Nothing to check beyond uniqueness; sources are cross-checked where cited."""

    def check_source(self, path: Path, source: SourceRef | None) -> None:
        """A cited source is declared in ``sources``."""
        if source is not None and source.ref is not None:
            self.ref((*path, "ref"), "source", source.ref, self.sources)

    # -- numbers and expressions ----------------------------------------------
    def number(self, path: Path, value: Number) -> float | None:
        """Check a number field; return its value when it is a constant."""
        if isinstance(value, NumberSpec):
            self.check_source((*path, "source"), value.source)
            return self.number((*path, "value"), value.value)
        if isinstance(value, int | float):
            if math.isnan(value):
                self.add(path, "expected a number, found NaN")
                return None
            return float(value)
        compiled = self.expression(path, value, ex.Type.NUMBER)
        if compiled is not None and isinstance(compiled.constant, float | int):
            return float(compiled.constant)
        return None

    def probability(self, path: Path, value: Number) -> float | None:
        """Check a probability; constants must lie in [0, 1]."""
        number = self.number(path, value)
        if number is not None and not 0.0 <= number <= 1.0:
            self.add(path, f"expected a probability in [0, 1], found {number:g}")
            return None
        return number

    def reads(self, text: str) -> frozenset[tuple[str, str]]:
        """The names an expression refers to (none if it does not compile), compiled once."""
        try:
            return self._compile(text).depends
        except ExpressionError:
            return frozenset()

    def _compile(self, text: str) -> ex.Compiled:
        """Parse and compile ``text`` once per scenario (repeated texts are common)."""
        cache: dict[str, ex.Compiled | ExpressionError] = self.__dict__.setdefault("_cache", {})
        if text not in cache:
            try:
                cache[text] = ex.compile_expr(ex.parse(text), self.env)
            except ExpressionError as exc:
                cache[text] = exc
        found = cache[text]
        if isinstance(found, ExpressionError):
            raise found
        return found

    def expression(self, path: Path, text: str, wanted: ex.Type | None) -> ex.Compiled | None:
        """Parse, type-check and compile an expression; record located issues."""
        self.loaded.check_time()
        try:
            compiled = self._compile(text)
        except ExpressionError as exc:
            line, col = self.loaded.position(path)
            for issue in exc.issues:
                message = issue.message
                if issue.col is not None:
                    message = f"in expression {text!r}: {message} (column {issue.col})"
                self.issues.append(
                    replace(
                        issue,
                        message=message,
                        path=format_path(path),
                        file=self.loaded.file,
                        line=line,
                        col=col,
                    )
                )
            return None
        if wanted is not None and compiled.type != wanted:
            found = {
                ex.Type.NUMBER: "a number",
                ex.Type.BOOL: "a condition (true/false)",
                ex.Type.DATE: "a date",
            }[compiled.type]
            expected = {
                ex.Type.NUMBER: "a number",
                ex.Type.BOOL: "a condition (true/false)",
                ex.Type.DATE: "a date",
            }[wanted]
            self.add(
                path,
                f"expected {expected}, found {found} in {text!r}",
                _type_hint(compiled.type, wanted, text),
            )
            return None
        if wanted is None and compiled.type == ex.Type.DATE:
            self.add(path, f"expected a number or a condition, found a date in {text!r}")
            return None
        return compiled
