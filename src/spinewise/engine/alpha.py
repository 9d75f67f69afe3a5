"""The alpha side of the network: which patterns a fact passes, each field check made once.

An `Alpha` is the memory of one distinct pattern: the facts of its type that pass all its
field checks, with the names they bind. Patterns with the same checks share one (a named
condition's test, copied into every rule that reads it, is tested and stored once).

Most checks in a rule base are "this field equals this literal" (an answer `is_true`, a
Finding's `code`). An `AlphaIndex` holds those by field and value, so one dict lookup per
field tells which of them a fact passes; the others on that field fail without being
run. Each alpha with such a check is filed under one of them (its gate) and is looked at
only when its gate passes. Every other check runs once per fact, when an alpha needs it.
"""

from __future__ import annotations

from spinewise.engine.checks import literal_test

MISSING = object()


class Alpha:
    """An alpha memory: the facts of one type that pass every field check of a pattern."""

    __slots__ = ("fact_type", "checks", "memory", "readers", "alone", "plain", "disjoint")

    def __init__(self, fact_type: type, checks: tuple, names: list):
        self.fact_type = fact_type
        self.checks = checks  # (slot, compiled function): one slot per distinct check, shared between alphas
        # `names`: what each check may bind (None: a negated name). Plain: every binding is a
        # keyword argument of the rule (no `~`, no "__"); disjoint: no name bound by two checks.
        self.plain = all(found is not None and not any(name.startswith("__") for name in found) for found in names)
        self.disjoint = self.plain and sum(len(found) for found in names) == len(frozenset().union(*names))
        self.memory: dict = {}  # fact id -> (fact, bindings), kept for the branches that join it (`readers`)
        self.readers: list = []  # (branch, place in the branch, negated), for branches with joins or NOTs
        self.alone: list = []  # branches of this pattern alone: a fact it accepts is a match

    def match(self, fact, results: list):
        """The bindings a fact makes in this pattern, or None when it does not pass.

        `results` holds each check's result for this fact (None: not made yet). A result is
        shared between alphas and never changed, so a one-check alpha's bindings are it."""
        if len(self.checks) == 1:  # experta tests a check's bindings only against earlier checks'
            slot, function = self.checks[0]
            result = results[slot]
            if result is None:
                result = results[slot] = function(fact)
            return None if result is False else _EMPTY if result is True else result
        bound: dict = {}
        for slot, function in self.checks:
            result = results[slot]
            if result is None:
                result = results[slot] = function(fact)
            if result is False:
                return None
            if result is not True:
                if not self.disjoint:
                    for key, value in result.items():
                        if not _agrees(bound, key, value):
                            return None
                bound.update(result)
        return bound


_EMPTY: dict = {}  # never changed


def _agrees(context: dict, key, value) -> bool:
    """experta's rule for adding a binding to a token: one name, one value."""
    if isinstance(key, tuple):  # a negated binding: the name must not hold this value
        return not (key[1] in context and context[key[1]] == value)
    if context.get(key, value) != value:
        return False
    return not ((False, key) in context and context[(False, key)] == value)


class AlphaIndex:
    """The alphas of one fact type, and its literal checks by field and by the value they accept."""

    def __init__(self, alphas: list, slots: int, checks: dict):
        self.template: list = [None] * slots  # a fresh fact's results: False for every literal check
        self.fields: dict = {}  # field -> {value -> [(slot, names it binds)]}
        self.functions: dict = {}  # field -> [(slot, compiled function)]: for a fact missing the field
        used = {slot for alpha in alphas for slot, _ in alpha.checks}
        literal_slots = set()
        for check, (slot, function) in checks.items():
            test = literal_test(check)
            if test is None or slot not in used:
                continue
            field, value, names = test
            self.template[slot] = False
            self.fields.setdefault(field, {}).setdefault(value, []).append((slot, names))
            self.functions.setdefault(field, []).append((slot, function))
            literal_slots.add(slot)
        self.ungated: list = []
        self.gated: dict = {}  # slot of a literal check -> the alphas filed under it
        for alpha in alphas:
            gate = next((slot for slot, _ in alpha.checks if slot in literal_slots), None)
            if gate is None:
                self.ungated.append(alpha)
            else:
                self.gated.setdefault(gate, []).append(alpha)

    def passing(self, fact) -> tuple[list, list]:
        """(the fact's check results so far, the alphas whose gate it passes and those without one)."""
        results = self.template.copy()
        candidates = list(self.ungated)
        gated = self.gated
        for field, by_value in self.fields.items():
            value = fact.get(field, MISSING)
            if value is MISSING and fact.__fields__:  # a declared field may have a default (Fact.__missing__)
                self._run(fact, field, results, candidates)
                continue
            try:
                passed = by_value.get(value)
            except TypeError:  # an unhashable value: the checks decide
                self._run(fact, field, results, candidates)
                continue
            if passed:
                for slot, names in passed:
                    results[slot] = dict.fromkeys(names, value) if names else True
                    if slot in gated:
                        candidates.extend(gated[slot])
        return results, candidates

    def _run(self, fact, field, results: list, candidates: list) -> None:
        for slot, function in self.functions[field]:
            results[slot] = function(fact)
            if results[slot] is not False and slot in self.gated:
                candidates.extend(self.gated[slot])
