"""spinewise's network follows experta when facts come and go during a run, not only when declared.

A rule that retracts a fact takes back every match that used it (a rule of one pattern,
a join, a NOT it was blocking); a field written as an OR of literals is read as experta
reads it, one branch per literal; patterns with the same tests share one alpha memory
and still bind each rule's own names. Each case runs on spinewise's network and on
experta's own, and the two must fire the same rules on the same bindings in the same order.
"""

from spinewise.engine.compat import experta
from spinewise.engine.loop import QuietEngine
from spinewise.engine.matcher import NetworkMatcher
from experta import AS, L, MATCH, NOT, W, Fact, Rule

from test_engine_network import in_order


class Signal(Fact):
    pass


class Gate(Fact):
    pass


class Rules:
    @Rule(AS.signal << Signal(level=MATCH.level), salience=9)
    def seen(self, signal, level):
        self.fired.append(("seen", level))
        if level == 3:
            self.retract(signal)  # takes back `strong`, `paired` and `unblocked` matches on it

    @Rule(Signal(level=L(3) | L(4)), salience=8)
    def strong(self):
        self.fired.append(("strong",))

    @Rule(Signal(level=MATCH.level), Gate(level=MATCH.level), salience=7)
    def paired(self, level):
        self.fired.append(("paired", level))

    @Rule(Gate(level=MATCH.level), NOT(Signal(level=MATCH.level)), salience=6)
    def unblocked(self, level):
        self.fired.append(("unblocked", level))

    @Rule(Signal(level=L(2) & W("two")), salience=5)
    def two(self, two):
        self.fired.append(("two", two))

    @Rule(Signal(level=L(2) & W("again")), salience=4)
    def two_again(self, again):  # the same test as `two`, another name bound
        self.fired.append(("two_again", again))


def run(engine_base, facts):
    engine = type("Engine", (engine_base,), {
        name: value for name, value in vars(Rules).items() if not name.startswith("__")})()
    engine.fired = []
    engine.reset()
    engine.declare(*facts)
    engine.run()
    return engine.fired


class Network(QuietEngine):
    __matcher__ = NetworkMatcher


CASES = [
    [Signal(level=3), Gate(level=3)],
    [Gate(level=3), Signal(level=3), Signal(level=4)],
    [Signal(level=2), Gate(level=2), Gate(level=5)],
    [Signal(level=4), Gate(level=4), Signal(level=3), Gate(level=3)],
]


def test_retracting_a_fact_during_the_run_takes_back_its_matches_as_on_experta():
    for facts in CASES:
        expected = run(experta.KnowledgeEngine, [Fact.copy(fact) for fact in facts])
        assert ("seen", 3) in expected or ("seen", 2) in expected
        assert in_order(run(Network, [Fact.copy(fact) for fact in facts])) == in_order(expected)


def test_a_retracted_fact_no_longer_blocks_a_not():
    fired = run(Network, [Fact.copy(fact) for fact in CASES[0]])
    assert ("unblocked", 3) in fired and ("paired", 3) not in fired
