"""The RETE network that matches experta rules against the facts of one case.

experta's own matcher (experta.matchers.ReteMatcher) is correct but slow for this
workload: every node logs on every token (about 410 logging calls a case with logging
off), every node copies the token it receives, the alpha tests are re-run per rule
branch, a reset walks every node, and after each firing every rule is polled. This
matcher reads the same rules the same way (experta's `prepare_rule`: disjunctive normal
form, an `InitialFact` before a leading NOT) and builds the same kind of network:

- alpha: one memory per distinct pattern (patterns with the same field checks share it,
  so a named condition copied into several rules is tested and stored once), fed by
  field checks shared between all patterns (one `FeatureCheck` object per distinct test;
  each is evaluated once per fact);
- beta: per rule branch, its positive patterns joined left to right with experta's
  binding rule (a name bound twice must hold the same value) and its NOT patterns
  blocking the matches they agree with; a branch of one pattern needs no join;
- conflict set: each full match is an experta `Activation`, handed to experta's agenda
  and strategy as experta's matcher hands them over. Its context holds exactly the
  keyword arguments experta's run passes the rule (experta's also holds a name for each
  anonymous pattern and the negated bindings, which its run drops before each firing).

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
from experta.matchers.rete.utils import prepare_rule  # noqa: E402
from experta.rule import Rule  # noqa: E402

from spinewise.engine.alpha import Alpha, AlphaIndex  # noqa: E402
from spinewise.engine.checks import bound_names, compiled, field_check, negated_names  # noqa: E402


def _consistent(left: dict, right: dict) -> bool:
    """experta's SameContextCheck between a partial match and a new pattern's bindings."""
    for key, value in left.items():
        if key in right and value != right[key]:
            return False
        if (False, key) in right and value == right[(False, key)]:
            return False
    return True


class Branch:
    """One conjunction of a rule in disjunctive normal form: positive patterns and NOTs, in order.

    A step is (alpha, negated, capture): `capture` is the name the rule binds the fact to
    (`AS.name << Fact(...)`), or None."""

    __slots__ = ("rule", "steps", "live", "alone", "plain")

    def __init__(self, rule: Rule, steps: list):
        self.rule = rule
        self.steps = steps
        self.live: dict = {}  # the ids of a full match's facts -> its Activation
        # one positive pattern and nothing else: a fact it accepts is a match, no join to make
        self.alone = len(steps) == 1 and not steps[0][1]
        self.plain = all(alpha.plain and not (capture or "").startswith("__") for alpha, _, capture in steps)

    def matches(self, fixed=None):
        """(facts, context) of every full match; with `fixed` = (place, fact id), only those using that fact."""
        partial = [((), {})]
        for place, (alpha, negated, capture) in enumerate(self.steps):
            if negated:
                partial = [(facts, context) for facts, context in partial
                           if not any(_consistent(context, _captured(bound, capture, fact))
                                      for fact, bound in alpha.memory.values())]
            else:
                if fixed is not None and fixed[0] == place:
                    candidates = [alpha.memory[fixed[1]]]
                else:
                    candidates = alpha.memory.values()
                grown = []
                for facts, context in partial:
                    for fact, bound in candidates:
                        bound = _captured(bound, capture, fact)
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
        for other, (alpha, negated, _) in enumerate(self.steps):
            if not negated and other != place and not alpha.memory:
                return False
        return True


def _captured(bound: dict, capture, fact) -> dict:
    return bound if capture is None else {**bound, capture: fact}


def _ids(facts: tuple) -> tuple:
    return tuple([fact["__factid__"] for fact in facts])


def _arguments(context: dict) -> dict:
    """The keyword arguments experta's run passes a rule: a negated binding only constrains the
    match, and a name starting with "__" is never passed."""
    return {key: value for key, value in context.items() if isinstance(key, str) and not key.startswith("__")}


class NetworkMatcher(Matcher):
    """experta's Matcher interface over the network above."""

    def __init__(self, engine):
        super().__init__(engine)
        self.alphas_by_type: dict = {}  # fact type -> [Alpha]
        self.branches: list = []
        self._dirty_alphas: list = []
        self._dirty_branches: list = []
        self.added: dict = {}  # id -> Activation, in the order made (a removal before handing over cancels it)
        self.removed: dict = {}
        self.build_network()

    # -- building ---------------------------------------------------------------------

    def build_network(self) -> None:
        checks: dict = {}
        alphas: dict = {}  # (fact type, check slots) -> Alpha
        for rule in self.engine.get_rules():
            name = _rule_name(rule)
            rule = prepare_rule(rule)  # a new Rule, as experta's activations carry it (not bound to the engine)
            try:
                conjunctions = _branches(rule)
            except TypeError as exc:
                raise TypeError(f"rule {name}: {exc}") from None
            for conjunction in conjunctions:
                steps = []
                bound: set = set()
                for element in conjunction:
                    negated = isinstance(element, NOT)
                    fact = element[0] if negated else element
                    if not isinstance(fact, Fact):
                        raise TypeError(f"rule {name}: {type(fact).__name__} is not supported by this matcher")
                    checks_here = [field_check(key, value) for key, value in fact.items() if key != "__bind__"]
                    early = sorted(set().union(*(negated_names(check) for check in checks_here)) - bound
                                   - set().union(*(bound_names(check) or set() for check in checks_here)))
                    if early and not negated:
                        raise TypeError(f"rule {name}: ~W({early[0]!r}) comes before {early[0]!r} is bound; experta "
                                        "refuses this shape and this matcher would not follow it exactly: bind the name "
                                        "in an earlier pattern")
                    if not negated:
                        bound |= set().union(*(bound_names(check) or set() for check in checks_here))
                        bound |= {fact.get("__bind__")} - {None}
                    tested = tuple(_shared(checks, key, value) for key, value in fact.items() if key != "__bind__")
                    alpha = alphas.get((type(fact), tested))
                    if alpha is None:
                        alpha = alphas[type(fact), tested] = Alpha(type(fact), tested, [
                            bound_names(field_check(key, value)) for key, value in fact.items() if key != "__bind__"])
                    steps.append((alpha, negated, fact.get("__bind__")))
                branch = Branch(rule, steps)
                if branch.alone:
                    steps[0][0].alone.append(branch)
                else:
                    for place, (alpha, negated, _) in enumerate(steps):
                        alpha.readers.append((branch, place, negated))
                self.branches.append(branch)
        for alpha in alphas.values():
            self.alphas_by_type.setdefault(alpha.fact_type, []).append(alpha)
        self.index = {kind: AlphaIndex(found, len(checks), checks) for kind, found in self.alphas_by_type.items()}

    # -- experta's Matcher interface --------------------------------------------------

    def reset(self) -> None:
        for alpha in self._dirty_alphas:
            alpha.memory.clear()
        for branch in self._dirty_branches:
            branch.live.clear()
        self._dirty_alphas, self._dirty_branches = [], []
        self.added, self.removed = {}, {}

    def changes(self, adding=None, deleting=None):
        for fact in deleting or ():
            self._remove(fact)
        for fact in adding or ():
            self._add(fact)
        if not self.added and not self.removed:
            return [], []
        added, removed = list(self.added.values()), list(self.removed.values())
        self.added, self.removed = {}, {}
        return added, removed

    # -- propagation ------------------------------------------------------------------

    def _add(self, fact) -> None:
        index = self.index.get(type(fact))
        if index is None:
            return
        key = fact["__factid__"]
        results, candidates = index.passing(fact)
        for alpha in candidates:
            bound = alpha.match(fact, results)
            if bound is None:
                continue
            if alpha.readers:  # a branch of this pattern alone reads no memory: its match is the fact
                if not alpha.memory:
                    self._dirty_alphas.append(alpha)
                alpha.memory[key] = (fact, bound)
            for branch in alpha.alone:
                capture = branch.steps[0][2]
                self._activate(branch, (fact,), bound if capture is None and branch.plain
                               else _arguments(_captured(bound, capture, fact)), (key,))
            for branch, place, negated in alpha.readers:
                if negated:
                    self._block(branch)
                elif branch.complete_with(place):
                    for facts, context in branch.matches((place, key)):
                        self._activate(branch, facts, context if branch.plain else _arguments(context))

    def _remove(self, fact) -> None:
        key = fact["__factid__"]
        for alpha in self.alphas_by_type.get(type(fact), ()):
            for branch in alpha.alone:
                if (key,) in branch.live:
                    self._deactivate(branch, (key,))
            if alpha.memory.pop(key, None) is None:
                continue
            for branch, _, _ in alpha.readers:
                self._rematch(branch)

    def _activate(self, branch: Branch, facts: tuple, context: dict, ids: tuple | None = None) -> None:
        """Hand a new full match over as an Activation (`context`: the rule's keyword arguments, never changed)."""
        live = branch.live
        ids = ids or _ids(facts)
        if ids in live:
            return
        if not live:
            self._dirty_branches.append(branch)
        activation = live[ids] = Activation(branch.rule, facts, context)
        self.added[id(activation)] = activation

    def _deactivate(self, branch: Branch, ids: tuple) -> None:
        activation = branch.live.pop(ids)
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
        now = {_ids(facts): (facts, context) for facts, context in branch.matches()}
        for ids in [ids for ids in branch.live if ids not in now]:
            self._deactivate(branch, ids)
        for ids, (facts, context) in now.items():
            if ids not in branch.live:
                self._activate(branch, facts, context if branch.plain else _arguments(context), ids)


def _rule_name(rule) -> str:
    """The name a rule is known by in its engine class (the function it decorates)."""
    wrapped = getattr(rule, "_wrapped", None)
    return getattr(wrapped, "__name__", None) or repr(rule)


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
    raise TypeError(f"{type(element).__name__} is not supported by this matcher (only patterns, AND, OR and NOT are)")


__all__ = ["NetworkMatcher"]
