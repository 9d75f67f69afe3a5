"""The RETE network that matches experta rules against the facts of one case.

experta's own matcher (experta.matchers.ReteMatcher) is correct but slow for this
workload: every node logs on every token (about 410 logging calls a case with logging
off), every node copies the token it receives, the alpha tests are re-run per rule
branch, a reset walks every node, and after each firing every rule is polled. This
matcher reads the same rules the same way (experta's `prepare_rule`: disjunctive normal
form, an `InitialFact` before a leading NOT) and builds the same kind of network:

- alpha: one memory per fact pattern, fed by field checks shared between all patterns
  (one `FeatureCheck` object per distinct test; each is evaluated once per fact);
- beta: per rule branch, its positive patterns joined left to right with experta's
  binding rule (a name bound twice must hold the same value) and its NOT patterns
  blocking the matches they agree with;
- conflict set: each full match is an experta `Activation`, handed to experta's agenda
  and strategy exactly as experta's matcher hands them over.

Only what a change reaches is computed: a fact reaches the patterns of its type, a
pattern the branches that read it, and a branch whose other patterns are still empty
stops at once. A reset empties only the memories the last case filled.
"""

from __future__ import annotations

from spinewise.engine.compat import experta  # noqa: F401  (experta must be importable first)
from experta.abstract import Matcher  # noqa: E402
from experta.activation import Activation  # noqa: E402
from experta.conditionalelement import AND, NOT, OR  # noqa: E402
from experta.fact import Fact  # noqa: E402
from experta.fieldconstraint import FieldConstraint, L  # noqa: E402
from experta.matchers.rete.utils import prepare_rule  # noqa: E402
from experta.rule import Rule  # noqa: E402

from spinewise.engine.checks import compiled, field_check  # noqa: E402


class Pattern:
    """An alpha memory: the facts of one type that pass every field check of one pattern."""

    __slots__ = ("fact_type", "checks", "capture", "memory", "readers")

    def __init__(self, pattern: Fact, checks: list):
        self.fact_type = type(pattern)
        self.checks = checks  # (slot, compiled function): one slot per distinct check, shared between patterns
        bind = pattern.get("__bind__")
        self.capture = bind if bind is not None else f"__pattern_{id(pattern)}__"
        self.memory: dict = {}  # fact id -> (fact, bindings)
        self.readers: list = []  # (branch, place in the branch, negated)

    def match(self, fact, results: dict):
        """The bindings a fact makes in this pattern, or None when it does not pass."""
        bound: dict = {}
        for slot, function in self.checks:
            result = results.get(slot)
            if result is None:
                result = results[slot] = function(fact)
            if result is False:
                return None
            if result is not True:
                for key, value in result.items():
                    if not _agrees(bound, key, value):
                        return None
                bound.update(result)
        bound[self.capture] = fact
        return bound


def _agrees(context: dict, key, value) -> bool:
    """experta's rule for adding a binding to a token: one name, one value."""
    if isinstance(key, tuple):  # a negated binding: the name must not hold this value
        return not (key[1] in context and context[key[1]] == value)
    if context.get(key, value) != value:
        return False
    return not ((False, key) in context and context[(False, key)] == value)


def _consistent(left: dict, right: dict) -> bool:
    """experta's SameContextCheck between a partial match and a new pattern's bindings."""
    for key, value in left.items():
        if key in right and value != right[key]:
            return False
        if (False, key) in right and value == right[(False, key)]:
            return False
    return True


class Branch:
    """One conjunction of a rule in disjunctive normal form: positive patterns and NOTs, in order."""

    __slots__ = ("rule", "steps", "positives", "live")

    def __init__(self, rule: Rule, steps: list):
        self.rule = rule
        self.steps = steps  # (Pattern, negated) in the rule's order
        self.positives = [pattern for pattern, negated in steps if not negated]
        self.live: dict = {}  # the facts of a full match -> its Activation

    def matches(self, fixed=None):
        """(facts, context) of every full match; with `fixed` = (place, fact id), only those using that fact."""
        partial = [((), {})]
        for place, (pattern, negated) in enumerate(self.steps):
            if negated:
                partial = [(facts, context) for facts, context in partial
                           if not any(_consistent(context, bound) for _, bound in pattern.memory.values())]
            else:
                if fixed is not None and fixed[0] == place:
                    candidates = [pattern.memory[fixed[1]]]
                else:
                    candidates = pattern.memory.values()
                grown = []
                for facts, context in partial:
                    for fact, bound in candidates:
                        if _consistent(context, bound):
                            joined = dict(context)
                            for key, value in bound.items():
                                if not isinstance(key, tuple):
                                    joined[key] = value
                            grown.append((facts + (fact,), joined))
                partial = grown
            if not partial:
                return []
        return partial

    def complete_with(self, place: int) -> bool:
        """Whether every positive pattern other than the one at `place` has a fact (else no match can form)."""
        for other, (pattern, negated) in enumerate(self.steps):
            if not negated and other != place and not pattern.memory:
                return False
        return True


class NetworkMatcher(Matcher):
    """experta's Matcher interface over the network above."""

    def __init__(self, engine):
        super().__init__(engine)
        self.patterns_by_type: dict = {}  # fact type -> [Pattern]
        self.branches: list = []
        self._dirty_patterns: list = []
        self._dirty_branches: list = []
        self.added: dict = {}  # id -> Activation, in the order made (a removal before handing over cancels it)
        self.removed: dict = {}
        self.build_network()

    # -- building ---------------------------------------------------------------------

    def build_network(self) -> None:
        checks: dict = {}
        patterns: dict = {}
        literals: dict = {}  # Pattern -> {field: the literal it must equal}
        for rule in self.engine.get_rules():
            rule = prepare_rule(rule)  # a new Rule, as experta's activations carry it (not bound to the engine)
            for conjunction in _branches(rule):
                steps = []
                for element in conjunction:
                    negated = isinstance(element, NOT)
                    fact = element[0] if negated else element
                    if not isinstance(fact, Fact):
                        raise TypeError(f"rule {rule!r}: {type(fact).__name__} is not supported by this matcher")
                    if id(fact) not in patterns:
                        patterns[id(fact)] = Pattern(fact, [_shared(checks, key, value)
                                                            for key, value in fact.items()
                                                            if key != "__bind__"])
                        literals[patterns[id(fact)]] = _literals(fact)
                    steps.append((patterns[id(fact)], negated))
                branch = Branch(rule, steps)
                for place, (pattern, negated) in enumerate(steps):
                    pattern.readers.append((branch, place, negated))
                self.branches.append(branch)
        for pattern in patterns.values():
            self.patterns_by_type.setdefault(pattern.fact_type, []).append(pattern)
        self.index = {kind: LiteralIndex(found, literals) for kind, found in self.patterns_by_type.items()}

    # -- experta's Matcher interface --------------------------------------------------

    def reset(self) -> None:
        for pattern in self._dirty_patterns:
            pattern.memory.clear()
        for branch in self._dirty_branches:
            branch.live.clear()
        self._dirty_patterns, self._dirty_branches = [], []
        self.added, self.removed = {}, {}

    def changes(self, adding=None, deleting=None):
        for fact in deleting or ():
            self._remove(fact)
        for fact in adding or ():
            self._add(fact)
        added, removed = list(self.added.values()), list(self.removed.values())
        self.added, self.removed = {}, {}
        return added, removed

    # -- propagation ------------------------------------------------------------------

    def _add(self, fact) -> None:
        results: dict = {}
        key = fact["__factid__"]
        index = self.index.get(type(fact))
        for pattern in index.candidates(fact) if index else ():
            bound = pattern.match(fact, results)
            if bound is None:
                continue
            if not pattern.memory:
                self._dirty_patterns.append(pattern)
            pattern.memory[key] = (fact, bound)
            for branch, place, negated in pattern.readers:
                if negated:
                    self._block(branch)
                elif branch.complete_with(place):
                    for facts, context in branch.matches((place, key)):
                        self._activate(branch, facts, context)

    def _remove(self, fact) -> None:
        key = fact["__factid__"]
        for pattern in self.patterns_by_type.get(type(fact), ()):
            if pattern.memory.pop(key, None) is None:
                continue
            for branch, _, _ in pattern.readers:
                self._rematch(branch)

    def _activate(self, branch: Branch, facts: tuple, context: dict) -> None:
        if facts in branch.live:
            return
        activation = Activation(branch.rule, frozenset(facts), {k: v for k, v in context.items()
                                                                 if isinstance(k, str)})
        if not branch.live:
            self._dirty_branches.append(branch)
        branch.live[facts] = activation
        if id(activation) in self.removed:
            del self.removed[id(activation)]
        else:
            self.added[id(activation)] = activation

    def _deactivate(self, branch: Branch, facts: tuple) -> None:
        activation = branch.live.pop(facts)
        if id(activation) in self.added:
            del self.added[id(activation)]
        else:
            self.removed[id(activation)] = activation

    def _block(self, branch: Branch) -> None:
        """A NOT pattern gained a fact: the matches it agrees with are no longer matches.

        A NOT reads only what the patterns before it bound, so the branch is matched again."""
        if branch.live:
            self._rematch(branch)

    def _rematch(self, branch: Branch) -> None:
        """Bring a branch's matches up to date from its memories (after a removal or a block)."""
        now = {facts: context for facts, context in branch.matches()}
        for facts in [facts for facts in branch.live if facts not in now]:
            self._deactivate(branch, facts)
        for facts, context in now.items():
            if facts not in branch.live:
                self._activate(branch, facts, context)


class LiteralIndex:
    """The patterns of one fact type, found by the literal a field must equal (a Finding's `code`).

    Without it every Finding would be tested against every Finding pattern; the test is
    still made, this only skips the patterns whose literal the fact cannot equal."""

    def __init__(self, patterns: list, literals: dict):
        counts: dict = {}
        for pattern in patterns:
            for field in literals[pattern]:
                counts[field] = counts.get(field, 0) + 1
        self.field = max(counts, key=counts.get) if counts else None
        self.by_value: dict = {}
        self.others: list = []
        for pattern in patterns:
            if self.field in literals[pattern]:
                self.by_value.setdefault(literals[pattern][self.field], []).append(pattern)
            else:
                self.others.append(pattern)

    def candidates(self, fact) -> list:
        if self.field is None or not self.by_value:
            return self.others
        try:
            found = self.by_value.get(fact[self.field], [])
        except (KeyError, TypeError):
            return self.others
        return self.others + found if self.others else found


def _literals(pattern: Fact) -> dict:
    """{field: value} for each field the pattern requires to equal a hashable literal, binding nothing."""
    found = {}
    for key, value in pattern.items():
        if isinstance(key, str) and key.startswith("__"):
            continue
        literal = value if not isinstance(value, FieldConstraint) else (
            value.value if isinstance(value, L) and value.__bind__ is None else _NO_LITERAL)
        if literal is _NO_LITERAL:
            continue
        try:
            hash(literal)
        except TypeError:
            continue
        found[key] = literal
    return found


_NO_LITERAL = object()


def _shared(checks: dict, key, value) -> tuple:
    check = field_check(key, value)
    if check not in checks:
        checks[check] = (len(checks), compiled(check))
    return checks[check]


def _branches(prepared) -> list[list]:
    """The conjunctions of a prepared rule, each a flat list of patterns and NOT(pattern)s."""
    if isinstance(prepared[0], OR):  # as experta's ReteMatcher.build_beta_part reads it
        return [_flat(branch) for branch in prepared[0]]
    return [_flat(prepared)]


def _flat(element) -> list:
    if isinstance(element, (Fact, NOT)):
        return [element]
    if isinstance(element, (AND, Rule)):
        return [part for item in element for part in _flat(item)]
    raise TypeError(f"{type(element).__name__} is not supported by this matcher")


__all__ = ["NetworkMatcher"]
