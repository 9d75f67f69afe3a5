"""experta's reset / declare / run, as experta runs them, without its per-step costs.

experta's KnowledgeEngine logs each declared fact and each firing through `logging` even
with logging off, inspects every deffacts' signature on each reset, and keys the agenda
through an `lru_cache` that hashes each activation's rule, facts and context. A case here
is one reset, one declared fact and one run, so these costs are most of what remains
once the network is fast. The steps below are experta's, in experta's order: the same
facts get the same ids, the same activations the same agenda keys, the same rules fire
in the same order. When any experta watcher is switched on (experta.watch), experta's
own logging loop runs instead, so its trace is complete.
"""

from __future__ import annotations

import bisect
import inspect
from itertools import chain
from operator import attrgetter, itemgetter

from spinewise.engine.compat import experta
from experta import watchers  # noqa: E402
from experta.agenda import Agenda  # noqa: E402
from experta.conditionalelement import ConditionalElement  # noqa: E402
from experta.factlist import FactList  # noqa: E402
from experta.strategies import DepthStrategy  # noqa: E402

_WATCHERS = [getattr(watchers, name) for name in ("RULES", "AGENDA", "FACTS", "ACTIVATIONS", "MATCHER", "MATCH",
                                                    "ENGINE") if hasattr(watchers, name)]


def watched() -> bool:
    """Whether any experta watcher has a level of its own (experta.watch sets one)."""
    for logger in _WATCHERS:
        if logger.level:
            return True
    return False


class QuietFactList(FactList):
    """experta's FactList.declare, without the log line per fact (and its fact id without a call per field)."""

    @staticmethod
    def _get_fact_id(fact):
        return frozenset([fact.__class__] + [(k, v) for k, v in fact.items()
                                             if not (isinstance(k, str) and k.startswith("__") and k.endswith("__"))])

    def declare(self, fact):
        if not isinstance(fact, experta.Fact):
            raise ValueError("The fact must descend the Fact class.")
        if fact.__fields__:
            fact.validate()
        fact_id = self._get_fact_id(fact)
        if self.duplication or fact_id not in self.reference_counter:
            index = self.last_index
            dict.__setitem__(fact, "__factid__", index)
            self[index] = fact
            self.last_index += 1
            self.added.append(fact)
            self.reference_counter[fact_id] += 1
            return fact
        return None


class DepthFirst(DepthStrategy):
    """experta's depth strategy: the same key (salience, then newest facts first), the same order.

    experta inserts each new activation with `bisect.insort`, comparing activations through
    their Python `__lt__`; here the keys are compared directly (the list stays sorted by key,
    and an activation goes after those with an equal key, as insort puts it)."""

    def get_key(self, activation):
        return (activation.rule.salience, sorted(map(_FACT_ID, activation.facts), reverse=True))

    def _update_agenda(self, agenda, added, removed):
        if removed:
            super()._update_agenda(agenda, (), removed)
        for activation in added:  # self.get_key, without a call each
            activation.key = (activation.rule.salience, sorted(map(_FACT_ID, activation.facts), reverse=True))
        if len(added) == 1:
            bisect.insort_right(agenda.activations, added[0], key=_KEY)
        elif added:  # a stable sort keeps equal keys in the order insort would leave them
            agenda.activations = sorted(agenda.activations + list(added), key=_KEY)


_KEY = attrgetter("key")
_FACT_ID = itemgetter("__factid__")


def _refuse(facts) -> None:
    """experta's checks of facts about to be declared, in experta's order (a "__name__" key passes)."""
    if any(fact.has_field_constraints() for fact in facts):
        raise TypeError("Declared facts cannot contain conditional elements")
    if any(fact.has_nested_accessor() for fact in facts):
        raise KeyError("Cannot declare facts containing double underscores as keys.")


class QuietEngine(experta.KnowledgeEngine):
    __strategy__ = DepthFirst

    def reset(self, **kwargs):
        if watched():
            return super().reset(**kwargs)
        self.agenda = Agenda()
        self.facts = QuietFactList()
        self.matcher.reset()
        facts = [deffacts(**(kwargs if takes_all else {k: v for k, v in kwargs.items() if k in names}))
                 for deffacts, takes_all, names in self._deffacts_calls()]
        self._declare_all(list(chain.from_iterable(facts)))
        self.running = False

    def _deffacts_calls(self) -> list:
        """(deffacts, takes any keyword, the keywords it takes): experta inspects these on every reset."""
        if "_deffacts_calls_cache" not in self.__dict__:
            calls = []
            for deffacts in self.get_deffacts():
                parameters = inspect.signature(deffacts).parameters.values()
                takes_all = any(p.kind == inspect.Parameter.VAR_KEYWORD for p in parameters)
                calls.append((deffacts, takes_all, {p.name for p in parameters}))
            self._deffacts_calls_cache = calls
        return self._deffacts_calls_cache

    def declare(self, *facts):
        if not self._quiet_run and watched():
            return super().declare(*facts)
        if not self.facts:
            watchers.ENGINE.warning("Declaring fact before reset()")
        return self._declare_all(facts)

    def _declare_all(self, facts):
        for fact in facts:  # a field experta's has_field_constraints or has_nested_accessor could refuse
            for key, value in fact.items():
                if isinstance(value, ConditionalElement) or "__" in str(key):
                    _refuse(facts)
        last = None
        for fact in facts:
            last = self.facts.declare(fact)
        if not self.running:
            self._update_agenda()
        return last

    def _update_agenda(self) -> None:
        """experta's get_activations + strategy.update_agenda, when a fact was declared or retracted since."""
        if self.facts.added or self.facts.removed:
            added, removed = self.matcher.changes(*self.facts.changes)
            if added or removed:
                self.strategy._update_agenda(self.agenda, added, removed)

    _quiet_run = False  # inside run(), once it found no watcher on

    def run(self, steps=float("inf")):
        """experta's run loop. The matcher hands each activation over with exactly the keyword
        arguments of its rule (NetworkMatcher does), so the context is passed as it is, and an
        action that takes any keyword is called as experta's Rule.__call__ calls it."""
        if watched():
            return super().run(steps)
        self.running = self._quiet_run = True
        try:
            while steps > 0 and self.running:
                if self.facts.added or self.facts.removed:  # the last firing declared or retracted
                    self._update_agenda()
                activation = self.agenda.get_next()
                if activation is None:
                    break
                steps -= 1
                rule = activation.rule
                if rule._wrapped_args or rule._wrapped_self is not None or rule._wrapped is None:
                    rule(self, **activation.context)
                else:  # what Rule.__call__ does for an action that takes every keyword (a compiled rule's)
                    rule._wrapped(self, **activation.context)
        finally:
            self.running = self._quiet_run = False
