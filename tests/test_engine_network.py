"""spinewise's network matches any experta rule the way experta's own matcher does.

The shipped rules use one `Answers` fact, findings and plan items; a rule base that
declares new kinds of fact (a check-in's history, say) gets the same network. Here
rules over two new fact types, joined on a shared variable, with NOT, OR, literals,
predicates and fact bindings, fire on spinewise's network exactly as on experta's.
"""

from spinewise.engine.compat import experta
from spinewise.engine.loop import QuietEngine
from spinewise.engine.matcher import NetworkMatcher
from experta import AS, L, MATCH, NOT, OR, P, W, Fact, Rule


class Week(Fact):
    pass


class Entry(Fact):
    pass


class Rules:
    @Rule(Week(number=MATCH.n), Entry(week=MATCH.n, pain=P(lambda pain: pain >= 5) & MATCH.pain), salience=5)
    def painful_week(self, n, pain):
        self.fired.append(("painful_week", n, pain))

    @Rule(Week(number=MATCH.n), NOT(Entry(week=MATCH.n)), salience=4)
    def missing_entry(self, n):
        self.fired.append(("missing_entry", n))

    @Rule(OR(Entry(pain=L(0) & W("pain")), Entry(trained=L(False) & W("trained"))), salience=3)
    def quiet(self, **bound):
        self.fired.append(("quiet", tuple(sorted(bound.items()))))

    @Rule(AS.week << Week(number=1), NOT(Entry(pain=L(9))), salience=2)
    def first_week_without_nine(self, week):
        self.fired.append(("first_week_without_nine", week["number"]))
        self.declare(Entry(week=5, pain=6, trained=True))


def run(engine_base, facts):
    engine = type("Engine", (engine_base,), {
        **{name: value for name, value in vars(Rules).items() if not name.startswith("__")},
    })()
    engine.fired = []
    engine.reset()
    engine.declare(*facts)
    engine.run()
    return engine.fired


def in_order(fired: list) -> list:
    """The firings, with a run of one rule's firings as a set.

    Two activations of one rule on the same facts (two OR branches) tie on experta's agenda
    key; experta orders them by hashes that change from process to process, so only the
    order between rules, and what each firing saw, can be compared."""
    runs: list = []
    for firing in fired:
        if runs and runs[-1][0] == firing[0]:
            runs[-1][1].add(firing)
        else:
            runs.append((firing[0], {firing}))
    return runs


class Network(QuietEngine):
    __matcher__ = NetworkMatcher


CASES = [
    [Week(number=1), Week(number=2), Entry(week=1, pain=6, trained=True), Entry(week=3, pain=0, trained=False)],
    [Week(number=1), Entry(week=1, pain=9, trained=True)],
    [Week(number=5), Week(number=1), Entry(week=2, pain=0, trained=True)],
    [Entry(week=1, pain=0, trained=False), Week(number=3)],
]


def test_new_fact_types_fire_the_same_rules_in_the_same_order_as_on_experta():
    for facts in CASES:
        expected = run(experta.KnowledgeEngine, [Fact.copy(fact) for fact in facts])
        assert expected  # each case fires something
        assert in_order(run(Network, [Fact.copy(fact) for fact in facts])) == in_order(expected)


def test_the_network_is_reset_between_cases():
    engine = type("Engine", (Network,), {name: value for name, value in vars(Rules).items()
                                          if not name.startswith("__")})()
    for facts in CASES + CASES:
        engine.fired = []
        engine.reset()
        engine.declare(*[Fact.copy(fact) for fact in facts])
        engine.run()
        reference = run(experta.KnowledgeEngine, [Fact.copy(fact) for fact in facts])
        assert in_order(engine.fired) == in_order(reference)
