"""Read conditions as written in rule files into trees of the condition language (conditions.py).

`not` is pushed down to the leaves as it is read (De Morgan), so a tree holds only
all/any, named references and leaves that may be negated. Named conditions, written once
under `conditions:` in a topic file, are read where they are first referenced, once per
polarity, and reported against the file that defines them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from spinewise.rulebase.conditions import AllOf, AnswerTest, AnyOf, FactTest, Named, answer_tests
from spinewise.rulebase.load_fields import Reporter, did_you_mean, is_int, keys, known, plain, shown, text
from spinewise.rulebase.load_vocabulary import QUESTION_ID
from spinewise.rulebase.model import Instead, NamedCondition, Question
from spinewise.rulebase.operators import OPERATORS
from spinewise.rulebase.yamlsource import Located, LocatedList

_INVALID = object()


@dataclass(frozen=True)
class Context:
    """What a condition may name where it is written."""

    questions: dict
    parameters: dict
    findings: set
    plan: dict
    facts_allowed: bool = True  # finding and plan tests: in rules, not in a question's asked_when


class ConditionReader:
    """Reads conditions, resolving `{condition: name}` against the named conditions collected first."""

    def __init__(self):
        self.named_raw: dict = {}  # condition name -> (node, file)
        self.parsed: dict = {}  # (name, negated, facts allowed) -> Named
        self.resolving: set = set()
        self.used: set = set()

    # -- named conditions ---------------------------------------------------------------

    def collect_named(self, topics, report: Reporter) -> None:
        """Note every topic file's `conditions:` block; they are read when referenced."""
        for path, data in topics:
            if data is None or "conditions" not in data:
                continue
            here = report.at(path)
            block = data["conditions"]
            if not isinstance(block, Located):
                here.error(data.line_of("conditions"), "'conditions' must map names to {title, when}")
                continue
            for name, node in block.items():
                if not isinstance(name, str) or not QUESTION_ID.fullmatch(name):
                    here.error(block.line_of(name), f"condition name {shown(name)} must be a lower-case word")
                elif name in self.named_raw:
                    here.error(block.line_of(name), f"condition {name!r} is defined twice "
                                                    f"(first in {self.named_raw[name][1]})")
                elif keys(here, node, ("title", "when", "says"), ("description",), what=f"condition {name}"):
                    self.named_raw[name] = (node, here.file)

    def named_conditions(self, context: Context, report: Reporter) -> tuple:
        """Every named condition, read as rules read them (so unused ones are checked too)."""
        named, unused = [], set(self.named_raw) - self.used
        for name, (raw, file) in self.named_raw.items():
            here = report.at(file)
            if name in unused:
                here.warn(raw.line, f"condition {name!r} is used by no rule or question")
            reference = Located(condition=name)
            reference.line = raw.line
            parsed = self._named(reference, context, False, here)
            if parsed is not None:
                what = f"condition {name}"
                named.append(NamedCondition(name, text(here, raw, "title", what), parsed.condition,
                                            text(here, raw, "description", what, False),
                                            text(here, raw, "says", what), file, raw.line))
        return tuple(named)

    def _named(self, node: Located, context: Context, negate: bool, report: Reporter):
        """A `{condition: name}` reference, read once per polarity and kind of context."""
        if len(node) != 1:
            report.error(node.line, "a 'condition' reference has only the name, e.g. {condition: no_warning_sign}")
            return None
        name = node["condition"]
        if not known(self.named_raw, name):
            names = ", ".join(self.named_raw) or "none are defined"
            report.error(node.line_of("condition"), f"unknown condition {shown(name)}{did_you_mean(name, self.named_raw)} "
                                                    f"(named conditions: {names})")
            return None
        self.used.add(name)
        key = (name, negate, context.facts_allowed)
        if key not in self.parsed:
            if name in self.resolving:
                report.error(node.line_of("condition"), f"condition {name!r} refers to itself")
                return None
            raw, file = self.named_raw[name]
            self.resolving.add(name)
            inner = self.read(raw["when"], context, raw.line_of("when"), report.at(file), negate)
            self.resolving.discard(name)
            self.parsed[key] = None if inner is None else Named(name, inner, negate, node.line)
        return self.parsed[key]

    # -- texts said instead for some lifters ------------------------------------------------

    def instead(self, entries: list, fields: tuple, context: Context, report: Reporter) -> list:
        """`entries` (findings, dispositions or plan items) with their `instead` lists read: each item is
        {when: condition, <field>: text (or a list of texts, for steps), ...}, and says those texts
        instead when the condition holds."""
        read = []
        for entry in entries:
            items = []
            for node in entry.instead:
                what = f"{entry.code}: an 'instead'"
                if not keys(report, node, ("when",), fields, what=what):
                    continue
                texts = {name: tuple(" ".join(str(item).split()) for item in node[name])
                         if isinstance(node[name], list) else " ".join(text(report, node, name, what).split())
                         for name in fields if name in node}
                if not texts:
                    report.error(node.line, f"{what} needs at least one of {', '.join(fields)}")
                    continue
                condition = self.read(node["when"], context, node.line_of("when"), report)
                if condition is not None:
                    items.append(Instead(condition, texts, node.line))
            read.append(dataclasses.replace(entry, instead=tuple(items)))
        return read

    # -- a question's asked_when ----------------------------------------------------------

    def asked_when(self, questions: list, raw_asked_when: dict, report: Reporter) -> list:
        """Questions with their `asked_when` read; it may test only questions asked before."""
        read = []
        every = {q.id: q for q in questions}
        for index, question in enumerate(questions):
            if question.id in raw_asked_when:
                raw, line, file = raw_asked_when[question.id]
                here = report.at(file)
                earlier = {q.id: q for q in questions[:index]}
                condition = self.read(raw, Context(every, {}, set(), {}, facts_allowed=False), line, here)
                later = [test.question for test in answer_tests(condition) if test.question not in earlier] \
                    if condition else []
                if later:
                    here.error(line, f"question {question.id}: 'asked_when' may only test questions asked "
                                     f"before it, not {', '.join(dict.fromkeys(later))}")
                question = dataclasses.replace(question, asked_when=condition)
            read.append(question)
        return read

    # -- the tree -------------------------------------------------------------------------

    def read(self, node, context: Context, line: int, report: Reporter, negate: bool = False):
        """The condition `node` as a tree, or None after reporting why it cannot be read."""
        if not isinstance(node, Located) or len(node) == 0:
            report.error(getattr(node, "line", line),
                         "a condition is a mapping: all/any/not, or a question, finding or plan test")
            return None
        for combinator in ("all", "any"):
            if combinator in node:
                return self._combination(node, combinator, context, negate, report)
        if "not" in node:
            if len(node) != 1:
                report.error(node.line, "'not' takes exactly one condition and nothing beside it")
                return None
            return self.read(node["not"], context, node.line_of("not"), report, not negate)
        if "question" in node:
            return _answer_test(node, context, negate, report)
        if "condition" in node:
            return self._named(node, context, negate, report)
        for kind in ("finding", "plan"):
            if kind in node:
                return _fact_test(node, kind, context, negate, report)
        report.error(node.line, f"unknown condition keys {', '.join(map(str, node))} "
                                "(use all, any, not, question, finding, plan or condition)")
        return None

    def _combination(self, node: Located, combinator: str, context, negate: bool, report: Reporter):
        if len(node) != 1:
            report.error(node.line, f"'{combinator}' takes a list of conditions and nothing beside it")
            return None
        items = node[combinator]
        if not isinstance(items, LocatedList) or not items:
            report.error(node.line_of(combinator), f"'{combinator}' needs a non-empty list of conditions")
            return None
        parts = [self.read(item, context, items.line_of(i), report, negate) for i, item in enumerate(items)]
        if any(part is None for part in parts):
            return None
        conjunctive = (combinator == "all") != negate  # De Morgan when negated
        return AllOf(tuple(parts)) if conjunctive else AnyOf(tuple(parts))


def _fact_test(node: Located, kind: str, context: Context, negate: bool, report: Reporter):
    if not context.facts_allowed:
        report.error(node.line, f"'{kind}' tests are for rules; here only questions can be tested")
        return None
    if len(node) != 1:
        report.error(node.line, f"a '{kind}' test has only the code, e.g. {{{kind}: some_code}}")
        return None
    codes = context.findings if kind == "finding" else context.plan
    code = node[kind]
    if not known(codes, code):
        report.error(node.line_of(kind), f"unknown {kind} {shown(code)}{did_you_mean(code, codes)}")
        return None
    return FactTest(kind, code, negate, node.line)


def _answer_test(node: Located, context: Context, negate: bool, report: Reporter):
    if not keys(report, node, ("question", "operator"), ("value", "parameter"), what="a question test"):
        return None
    qid, op_name = node["question"], node["operator"]
    if not known(context.questions, qid):
        report.error(node.line_of("question"), f"unknown question {shown(qid)}{did_you_mean(qid, context.questions)}")
        return None
    question = context.questions[qid]
    operator = OPERATORS[op_name] if known(OPERATORS, op_name) else None
    if operator is None or question.type not in operator.applies_to:
        fitting = ", ".join(name for name, op in OPERATORS.items() if question.type in op.applies_to)
        report.error(node.line_of("operator"), f"operator {shown(op_name)} does not fit {question.type} question "
                                               f"{qid} (allowed: {fitting})")
        return None
    value, parameter = _operand(node, operator, context, report)
    if value is _INVALID:
        return None
    if not _operand_fits(node, question, operator, value, report):
        return None
    test = AnswerTest(qid, op_name, value, parameter, negate, node.line)
    _check_satisfiable(node, question, test, report)
    return test


def _operand(node: Located, operator, context: Context, report: Reporter):
    given = [key for key in ("value", "parameter") if key in node]
    if operator.value_kind == "none":
        if given:
            report.error(node.line_of(given[0]), f"operator {operator.name} takes no value")
            return _INVALID, None
        return None, None
    if len(given) != 1:
        report.error(node.line, f"operator {operator.name} needs exactly one of 'value' or 'parameter'")
        return _INVALID, None
    if given[0] == "parameter":
        name = node["parameter"]
        if not known(context.parameters, name):
            report.error(node.line_of("parameter"), f"unknown parameter {shown(name)}"
                                                    f"{did_you_mean(name, context.parameters)}")
            return _INVALID, None
        return context.parameters[name].value, name
    return plain(node["value"]), None


def _operand_fits(node: Located, question: Question, operator, value, report: Reporter) -> bool:
    values = value if operator.value_kind == "list" else [value]
    if operator.value_kind == "list" and (not isinstance(value, list) or not value):
        report.error(node.line, f"operator {operator.name} needs a non-empty list of values")
        return False
    for item in values:
        if question.type == "int" and not is_int(item):
            report.error(node.line, f"question {question.id} is a whole number; {item!r} is not")
            return False
        if question.type in ("choice", "multi") and item not in question.allowed_values:
            report.error(node.line, f"{item!r} is not an answer to {question.id} "
                                    f"(allowed: {', '.join(question.allowed_values)})")
            return False
    return True


def _check_satisfiable(node: Located, question: Question, test: AnswerTest, report: Reporter) -> None:
    if question.type != "int" or question.maximum - question.minimum > 10_000:
        return
    outcomes = {test.holds({question.id: n}) for n in range(question.minimum, question.maximum + 1)}
    span = f"{question.id} is from {question.minimum} to {question.maximum}"
    if test.parameter:
        span += f"; parameter {test.parameter} is {test.value}"
    if outcomes == {False}:
        report.error(node.line, f"impossible value: this test can never be true ({span})")
    elif outcomes == {True}:
        report.warn(node.line, f"this test is always true ({span})")
