"""The matcher refuses, when the engine is built, every rule shape it would not follow exactly as
experta does, naming the rule: TEST, EXISTS and FORALL, and a negated binding read before the
name is bound (experta raises on it; following it loosely would fire on pairs it excludes)."""

import pytest

from spinewise.engine.compat import experta  # noqa: F401  (experta importable first)
from experta import EXISTS, FORALL, TEST, Fact, KnowledgeEngine, Rule, W  # noqa: E402

from spinewise.engine.matcher import NetworkMatcher  # noqa: E402


def engine_with(rule_name, rule):
    return type("Engine", (KnowledgeEngine,), {"__matcher__": NetworkMatcher, rule_name: rule})


def test_a_negated_binding_before_its_name_is_bound_is_refused_naming_the_rule():
    rule = Rule(Fact(a=~W("x")), Fact(b=W("x")))(lambda self, x: None)
    with pytest.raises(TypeError, match=r"rule <lambda>: ~W\('x'\) comes before 'x' is bound"):
        engine_with("pairs", rule)()


def test_the_same_negation_after_the_name_is_bound_is_built_and_excludes_equal_pairs():
    fired = []
    rule = Rule(Fact(b=W("x")), Fact(a=~W("x")))(lambda self, x: fired.append(x))
    engine = engine_with("pairs", rule)()
    engine.reset()
    engine.declare(Fact(b=1), Fact(a=1), Fact(a=2))
    engine.run()
    assert fired == [1]  # b=1 with a=2 only: a=1 is excluded


@pytest.mark.parametrize("element", [TEST(lambda: True), EXISTS(Fact(a=1)), FORALL(Fact(a=1), Fact(b=1))],
                         ids=["TEST", "EXISTS", "FORALL"])
def test_test_exists_and_forall_are_refused_naming_the_rule(element):
    def decide(self):
        return None

    with pytest.raises(TypeError, match=r"rule decide: (TEST|EXISTS|FORALL) is not supported by this matcher"):
        engine_with("decide", Rule(element)(decide))()
