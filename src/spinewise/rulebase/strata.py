"""Strata: the order in which rules must be allowed to fire for `not` to mean what it says.

A rule that reads `not: {finding: X}` may only fire once every rule that could draw X
has had its chance; experta does not take a firing back. So each rule gets a stratum:
at least that of every rule whose conclusion it reads, and one more than that of every
rule whose conclusion it reads negated. The engine fires lower strata first, whatever
the salience and file order. A negation that depends on its own conclusion has no
stratum and is refused when the rule base is read.
"""

from __future__ import annotations

from spinewise.rulebase.conditions import fact_tests


def strata(rules) -> dict:
    """Rule id -> stratum (0 first); raises ValueError naming the rules caught in a negation cycle."""
    rules = [rule for rule in rules if rule.status != "retired"]
    producers: dict = {}
    for rule in rules:
        for key in _conclusions(rule):
            producers.setdefault(key, []).append(rule)
    reads = {rule.id: [(test, producers.get((test.kind, test.code), ())) for test in fact_tests(rule.when)]
             for rule in rules}
    level = {rule.id: 0 for rule in rules}
    for _ in range(len(rules) + 1):
        changed = False
        for rule in rules:
            for test, makers in reads[rule.id]:
                for maker in makers:
                    need = level[maker.id] + (1 if test.negated else 0)
                    if level[rule.id] < need:
                        level[rule.id], changed = need, True
        if not changed:
            return level
    raise ValueError([rule for rule in rules if level[rule.id] >= len(rules)])


def negation_problems(rules) -> list:
    """A `Problem` at each rule caught in a cycle through `not` (for the loader)."""
    try:
        strata(rules)
    except ValueError as exc:
        (caught,) = exc.args
        return [_cycle(rule) for rule in caught if any(test.negated for test in fact_tests(rule.when))]
    return []


def _cycle(rule):
    from spinewise.rulebase.yamlsource import Problem  # the loader's; YAML is not imported on the engine's path
    negated = ", ".join(f"{{{t.kind}: {t.code}}}" for t in fact_tests(rule.when) if t.negated)
    return Problem(rule.file, rule.line, (
        f"rule {rule.id}: 'not: {negated}' depends on its own conclusions (a cycle through 'not'), so its "
        "result would follow the firing order; test the answers instead: write the condition of the rules "
        "that draw it under 'conditions:' and use 'not: {condition: <name>}'"))


def _conclusions(rule):
    """What a rule concludes (a code written wrongly, already reported, counts for nothing)."""
    if isinstance(rule.finding, str):
        yield ("finding", rule.finding)
    for entry in rule.plan:
        if isinstance(entry.code, str):
            yield ("plan", entry.code)
