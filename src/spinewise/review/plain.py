"""Rule conditions in plain words, as structured parts the templates emphasise as they like.

A leaf reads "the answer to <question> <verb> <value>": the subject is the question's
own text, the verb comes from the operator table, and the value is the answer's label
(a choice's label, yes/no, or the number with the parameter it came from).
"""

from __future__ import annotations

from dataclasses import dataclass

from spinewise.rulebase.model import AllOf, AnswerTest, AnyOf, FactTest


@dataclass(frozen=True)
class ConditionView:
    kind: str  # "answer", "finding", "plan", "all" or "any"
    subject: str = ""  # the question's text, or the finding's or plan item's title
    code: str = ""  # question id, finding or plan code
    verb: str = ""  # "is at least", "has been drawn", ...
    value: str = ""  # "7", "yes" is folded into the verb, choice labels
    parameter: str = ""  # the named parameter the value comes from
    items: tuple = ()  # for all/any

    @property
    def is_group(self) -> bool:
        return self.kind in ("all", "any")

    def sentence(self) -> str:
        """The whole condition as one line of plain text (for the question index and JSON)."""
        if self.is_group:
            joiner = " and " if self.kind == "all" else " or "
            return "(" + joiner.join(item.sentence() for item in self.items) + ")"
        if self.kind == "answer":
            value = f" {self.value}" if self.value else ""
            return f"the answer to \"{self.subject}\" {self.verb}{value}"
        return f"{self.subject} {self.verb}"


def condition_view(condition, rulebase) -> ConditionView:
    if isinstance(condition, (AllOf, AnyOf)):
        kind = "all" if isinstance(condition, AllOf) else "any"
        items = []
        for item in (condition_view(item, rulebase) for item in condition.items):
            # "all of: a, all of: b, c" reads as "all of: a, b, c" (a `not any` becomes a nested `all`).
            items.extend(item.items if item.kind == kind else (item,))
        return ConditionView(kind, items=tuple(items))
    if isinstance(condition, FactTest):
        return _fact_view(condition, rulebase)
    return _answer_view(condition, rulebase)


def _fact_view(test: FactTest, rulebase) -> ConditionView:
    if test.kind == "finding":
        title = rulebase.finding(test.code).title
        verb = "has not been found" if test.negated else "has been found"
        return ConditionView("finding", f"the finding \u201c{title}\u201d", test.code, verb)
    title = rulebase.plan_item(test.code).title
    verb = "is not planned" if test.negated else "is planned"
    return ConditionView("plan", f"the plan item \u201c{title}\u201d", test.code, verb)


def _answer_view(test: AnswerTest, rulebase) -> ConditionView:
    question = rulebase.question(test.question)
    return ConditionView("answer", question.text, question.id, test.meaning, value_text(question, test.value),
                         test.parameter or "")


def value_text(question, value) -> str:
    """An operand or an answer in words: choice labels, yes/no, numbers."""
    if value is None:
        return ""
    if isinstance(value, list):
        labels = [value_text(question, item) for item in value]
        return ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else labels[0]
    if isinstance(value, bool):
        return "yes" if value else "no"
    labels = {choice.value: choice.label for choice in question.choices}
    return labels.get(value, str(value))


def allowed_text(question) -> str:
    """The answers a question allows, in a reviewer's words."""
    if question.type == "bool":
        return "yes or no"
    if question.type == "int":
        return f"a whole number from {question.minimum} to {question.maximum}"
    labels = "; ".join(f"{choice.label} ({choice.value})" for choice in question.choices)
    return ("one of: " if question.type == "choice" else "one or more of: ") + labels


def condition_json(condition) -> dict:
    """A question-only condition as the rule files write it (after `not` is pushed to the tests)."""
    if isinstance(condition, (AllOf, AnyOf)):
        return {"all" if isinstance(condition, AllOf) else "any": [condition_json(c) for c in condition.items]}
    data = {"question": condition.question, "operator": condition.operator}
    if condition.value is not None:
        data["value"] = condition.value
    return {"not": data} if condition.negated else data
