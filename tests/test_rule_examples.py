"""Every rule's own examples, as written in the rule files, hold."""

import pytest

from conftest import RULES
from spinewise.review.expect import example_answers
from spinewise.rulebase.load import load_rulebase

RULEBASE = load_rulebase(RULES)
EXAMPLES = [(rule, index, example) for rule in RULEBASE.rules if rule.status != "retired"
            for index, example in enumerate(rule.examples)]


def test_every_rule_that_runs_has_an_example():
    assert all(rule.examples for rule in RULEBASE.rules if rule.status != "retired")


@pytest.mark.parametrize("rule, index, example", EXAMPLES, ids=lambda v: v.id if hasattr(v, "id") else None)
def test_rule_example(rule, index, example, triage):
    result = triage.assess(example_answers(RULEBASE, example))

    fired = result.rules_fired
    assert example.disposition in (None, result.disposition), f"{rule.file}:{example.line}"
    for code in example.findings:
        assert code in result.finding_codes, f"{rule.file}:{example.line}: expected finding {code}"
    for code in example.no_findings:
        assert code not in result.finding_codes, f"{rule.file}:{example.line}: unexpected finding {code}"
    planned = {item.code: item.attributes for item in result.plan}
    for entry in example.plan:
        assert entry.code in planned, f"{rule.file}:{example.line}: expected plan item {entry.code}"
        for name, value in entry.attributes.items():
            assert planned[entry.code].get(name) == value, f"{rule.file}:{example.line}: {entry.code}.{name}"
    if rule.finding in example.findings:
        assert rule.id in fired, f"{rule.file}:{example.line}: the rule itself should fire"
