"""The engine base every compiled rule base extends: each firing is recorded with its answers, and
its conclusions are declared as facts other rules match."""

from __future__ import annotations

from spinewise.engine.compat import experta
from spinewise.engine.facts import Finding, Planned, new_fact
from spinewise.engine.loop import QuietEngine
from spinewise.engine.matcher import NetworkMatcher
from spinewise.rulebase.model import Rule


class RecordingEngine(experta.KnowledgeEngine):
    """Every compiled rule's action is `on_fire`: it records the firing and declares its conclusions.

    `read_conclusions` holds the (kind, code) pairs some rule matches; only those become
    facts (a fact no pattern reads only costs a declaration). None declares every one."""

    read_conclusions: frozenset | None = None

    def reset(self, **kwargs):
        self.firings: dict = {}  # rule id -> (rule, because); an `any` rule may fire once per branch
        self.because_of: dict = {}
        super().reset(**kwargs)

    @staticmethod
    def on_fire(rule: Rule, fact_bindings: dict, concludes: tuple, engine, /, **bound) -> None:
        """Record a firing with the answers it fired on; declare the conclusions (`concludes`:
        its (kind, code) pairs) that are new in this case and that some rule reads.

        A compiled rule's action is this function with its first three arguments given
        (functools.partial), so experta's call `action(engine, **bindings)` lands here
        without a Python frame between (positional-only, so any question id can be a binding).

        `because` holds the answers as the fact holds them (experta freezes a list into a
        tuple; `thawed` gives it back). A `because` dict is never changed once stored: a
        second firing or producer stores a merged copy, so one dict stands for a firing,
        its conclusions and the keyword arguments it came in as."""
        because_of = engine.because_of
        because = bound
        if fact_bindings:
            because = {}
            for name, value in bound.items():
                if name in fact_bindings:
                    because.update(because_of.get(fact_bindings[name], {}))
                else:
                    because[name] = value
        earlier = engine.firings.get(rule.id)
        if earlier is not None:
            because = {**earlier[1], **because}
        engine.firings[rule.id] = (rule, because)
        facts = []
        for key in concludes:
            known = because_of.get(key)
            if known is not None:
                because_of[key] = {**known, **because}
                continue
            because_of[key] = because
            if engine.read_conclusions is None or key in engine.read_conclusions:
                facts.append(new_fact(Finding if key[0] == "finding" else Planned, {"code": key[1]}))
        if facts:
            engine.declare(*facts)

    def get_deffacts(self):
        # experta finds the deffacts with inspect.getmembers on every reset; they never change
        if not hasattr(self, "_deffacts"):
            self._deffacts = super().get_deffacts()
        return self._deffacts


class TriageEngine(RecordingEngine, QuietEngine):
    """The engine spinewise runs: the recording above on spinewise's network and quiet loop."""

    __matcher__ = NetworkMatcher
