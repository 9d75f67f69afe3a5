"""The expert-system WHY: which rules read a question's answer and what they conclude.

Generated from the rule base on every request, so it always tells what the rules that
run would do with the answer, never a hand-written story.
"""

from __future__ import annotations

import textwrap

from spinewise.rulebase.conditions import AllOf, AnswerTest, FactTest, answer_tests, flattened

WIDTH = 78


def explain(question, rulebase, rules) -> str:
    """Plain text: why `question` is asked, and each rule (of `rules`) that reads its answer."""
    users = [rule for rule in rules if question.id in rule.questions]
    lines = ["Why this question is asked:"]
    if question.asked_when is not None:
        lines.append(wrap(f"It is asked because {describe(question.asked_when, question.id)}.", "  "))
    if not users:
        lines.append("  No rule uses this answer at the moment; it is kept with your report.")
    else:
        lines.append(f"  {_count(len(users), 'rule uses', 'rules use')} your answer:")
    for rule in users:
        lines.extend(_rule_lines(rule, question.id, rulebase))
    return "\n".join(lines)


LONG_CONDITION = 5  # questions; past this the WHY names only what the rule needs of this answer


def _rule_lines(rule, focus: str, rulebase) -> list[str]:
    lines = [wrap(rule.title, "  * ", "    "),
             wrap(f"when {_condition_text(rule, focus)}", "      ")]
    concludes = _conclusions(rule, rulebase)
    if concludes:
        lines.append(wrap("then: " + "; ".join(concludes), "      "))
    if rule.rationale:
        lines.append(wrap(f"because: {rule.rationale.strip()}", "      "))
    lines.append(wrap(f"(rule {rule.id}; source: {rule.source})", "      "))
    return lines


def _condition_text(rule, focus: str) -> str:
    others = len(rule.questions) - 1
    if others < LONG_CONDITION:
        return describe(rule.when, focus)
    needs = " or ".join(dict.fromkeys(_describe_test(test, focus) for test in _tests_of(rule.when, focus)))
    return (f"{needs}, together with {others} other answers "
            "(`spinewise rules doc` prints the whole condition)")


def _tests_of(condition, question: str) -> list:
    return [test for test in answer_tests(condition) if test.question == question]


def _conclusions(rule, rulebase) -> list[str]:
    parts = []
    if rule.finding:
        parts.append(f"finding \"{_finding_title(rule.finding, rulebase)}\"")
    if rule.disposition:
        disposition = rulebase.disposition(rule.disposition)
        parts.append(f"advice \"{disposition.title}\"" + (" (or more urgent)" if disposition.rank else ""))
    if rule.plan:
        parts.append("plan: " + ", ".join(rulebase.plan_item(entry.code).title for entry in rule.plan))
    return parts


def describe(condition, focus: str = "", nested: bool = False) -> str:
    """A condition in words; the question being asked reads as `your answer`."""
    condition = flattened(condition)
    if isinstance(condition, AnswerTest):
        return _describe_test(condition, focus)
    if isinstance(condition, FactTest):
        return _describe_fact(condition)
    joiner = " and " if isinstance(condition, AllOf) else " or "
    text = joiner.join(describe(item, focus, nested=True) for item in condition.items)
    return f"({text})" if nested and len(condition.items) > 1 else text


def _describe_test(test: AnswerTest, focus: str) -> str:
    subject = "your answer" if test.question == focus else f"your answer to {test.question.replace('_', ' ')}"
    meaning = test.meaning
    if test.value is None:
        return f"{subject} {meaning}"
    values = test.value if isinstance(test.value, (list, tuple)) else [test.value]
    return f"{subject} {meaning} {', '.join(str(value).replace('_', ' ') for value in values)}"


def _describe_fact(fact: FactTest) -> str:
    code = fact.code.replace("_", " ")
    if fact.kind == "finding":
        return f"the finding {code} was {'not ' if fact.negated else ''}drawn"
    return f"the plan {'does not include' if fact.negated else 'includes'} {code}"


def _finding_title(code: str, rulebase) -> str:
    known = {finding.code: finding.title for finding in rulebase.findings}
    return known.get(code, code.replace("_", " "))


def _count(number: int, one: str, many: str) -> str:
    return f"1 {one}" if number == 1 else f"{number} {many}"


def wrap(text: str, indent: str = "", rest: str | None = None) -> str:
    """`text` filled to the screen width, never breaking a word such as all-clear."""
    return textwrap.fill(" ".join(text.split()), WIDTH, initial_indent=indent, break_on_hyphens=False,
                         subsequent_indent=rest if rest is not None else indent, break_long_words=False)
