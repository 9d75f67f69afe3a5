"""experta 1.9.4's own test suite, run with spinewise's matcher in place of experta's.

The files under unit/ are experta's tests exactly as tagged v1.9.4 (see README.md; LGPLv3,
LICENSE here); only the empty __init__.py files are ours, so that their module names
(test_engine, test_rule...) do not clash with spinewise's own tests.

Every KnowledgeEngine built during one of these tests gets spinewise's NetworkMatcher (set
per test and put back after, so spinewise's own tests that compare against experta's
matcher still get experta's). The known differences are marked here as strict expected
failures with the TypeError the matcher raises at build time: if one started to pass (the
matcher silently accepting a shape it does not follow, or the swap no longer in effect,
experta's own matcher then passing them), the strict mark turns it into a failure.
"""

from pathlib import Path

import pytest

from spinewise.engine.compat import experta  # noqa: F401  (experta importable first)
from spinewise.engine.matcher import NetworkMatcher  # noqa: E402

REFUSED_CONSTRUCTS = "TEST, EXISTS and FORALL are refused when the engine is built, naming the construct and the rule"
EARLY_NEGATION = ("~W('x') before x is bound: experta raises RuntimeError at the first declare; "
                  "spinewise's matcher refuses the rule when the engine is built (TypeError naming the rule)")

# test id (path below this folder :: test name) -> why it must fail with spinewise's matcher
KNOWN_DIFFERENCES = {
    "unit/matchers/rete/test_constructions.py::test_TEST_1": REFUSED_CONSTRUCTS,
    "unit/matchers/rete/test_constructions.py::test_TEST_2": REFUSED_CONSTRUCTS,
    "unit/matchers/rete/test_constructions.py::test_TEST_3": REFUSED_CONSTRUCTS,
    "unit/matchers/rete/test_constructions.py::test_TEST_4": REFUSED_CONSTRUCTS,
    "unit/matchers/rete/test_constructions.py::test_EXISTS_1": REFUSED_CONSTRUCTS,
    "unit/matchers/rete/test_constructions.py::test_FORALL_1": REFUSED_CONSTRUCTS,
    "unit/matchers/rete/test_constructions.py::test_OR_not_allow_inside_FORALL_nor_EXISTS":
        REFUSED_CONSTRUCTS + " (experta raises SyntaxError for an OR inside EXISTS)",
    "unit/test_engine.py::test_and_negated_variable__bad_definition": EARLY_NEGATION,
}


HERE = Path(__file__).parent


def _local_id(item) -> str:
    return f"{item.path.relative_to(HERE).as_posix()}::{item.name}"


# Not a difference of the matcher: this test drives experta's DepthStrategy directly (no engine,
# no matcher). Hypothesis sometimes finds a real experta bug in it: removing the third of three
# activations with equal keys looks only one place either side of bisect_left, so the
# activation stays on the agenda. Which seed finds it is chance, so it is not strict.
UPSTREAM_FLAKY = {
    "unit/test_strategy_statemachine.py::runTest":
        "experta's DepthStrategy misses removing an activation among three or more with equal keys "
        "(hypothesis finds it on some seeds); no matcher is involved",
}


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: experta's own mark for its slow tests")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if not item.path.is_relative_to(HERE):
            continue
        reason = KNOWN_DIFFERENCES.get(_local_id(item))
        if reason:
            item.add_marker(pytest.mark.xfail(reason=reason, raises=TypeError, strict=True))
        elif _local_id(item) in UPSTREAM_FLAKY:
            item.add_marker(pytest.mark.xfail(reason=UPSTREAM_FLAKY[_local_id(item)], raises=AssertionError,
                                              strict=False))


@pytest.fixture(autouse=True)
def spinewise_matcher(monkeypatch):
    """Every engine this test builds matches with spinewise's network, not experta's ReteMatcher."""
    monkeypatch.setattr(experta.KnowledgeEngine, "__matcher__", NetworkMatcher)
