"""Read the topic files: their `parameters` and `rules` (condition, conclusions, metadata, examples),
and the checks across files (duplicate rule ids, unused parameters)."""

from __future__ import annotations

import re

from spinewise.rulebase.conditions import answer_tests
from spinewise.rulebase.load_conditions import ConditionReader, Context
from spinewise.rulebase.load_fields import Reporter, did_you_mean, is_int, keys, known, listed, plain, shown, text
from spinewise.rulebase.load_vocabulary import Vocabulary
from spinewise.rulebase.model import REVIEWER_ROLES, STATUSES, Example, Parameter, PlanEntry, Rule, ValueOf
from spinewise.rulebase.yamlsource import Located

RULE_KEYS_REQUIRED = ("id", "title", "version", "author", "status", "source", "rationale", "when", "then")
RULE_KEYS_APPROVED = ("examples",)
# `reviewer`, `reviewer_role` and `review_date` are authorship notes typed by hand: read, shown
# nowhere a lifter looks, and never a sign-off (that is signoffs.yaml). `unreachable` says why a
# rule that can never fire is kept on purpose.
RULE_KEYS_OPTIONAL = ("salience", "reviewer", "reviewer_role", "review_date", "unreachable", "at", "tells", "because")
# `tells`: the reason a lifter reads when the rule moves a dose or a step ("every dead-bug rep kept
# your back down"), one whole sentence part a translator translates; a rule that moves a dose up or
# down must carry one (the words generated from its condition are for the practitioner only).
# `because`: the reason a lifter reads for the rule's finding, where the answers it reads would not
# say it (a count kept by the journal, a streak); {places} name parameters the rule tests.
MOVES = ("up", "down")
OCCASIONS = ("assessment", "checkin")  # `at`: when a rule runs


def read_parameters(topics, report: Reporter) -> list[Parameter]:
    parameters: list[Parameter] = []
    for path, data in topics:
        if data is None or "parameters" not in data:
            continue
        here = report.at(path)
        block = data["parameters"]
        if not isinstance(block, Located):
            here.error(data.line_of("parameters"), "'parameters' must map names to {value, meaning}")
            continue
        for name, node in block.items():
            if not keys(here, node, ("value", "meaning"), what=f"parameter {name}"):
                continue
            if any(p.name == name for p in parameters):
                here.error(block.line_of(name), f"parameter {name!r} is defined twice")
                continue
            value = node["value"]
            if not (is_int(value) or isinstance(value, str)):
                here.error(node.line_of("value"), f"parameter {name}: value must be a whole number or a word")
                continue
            parameters.append(Parameter(name, value, text(here, node, "meaning", name), here.file,
                                        block.line_of(name)))
    return parameters


class RuleReader:
    """Reads the rules of topic files against the vocabulary, parameters and named conditions."""

    def __init__(self, vocab: Vocabulary, parameters: dict, conditions: ConditionReader):
        self.vocab, self.parameters, self.conditions = vocab, parameters, conditions

    def topic(self, path, data, report: Reporter) -> list[Rule]:
        """The rules of one topic file; `report` is for that file."""
        if data is None:
            return []
        if not keys(report, data, ("topic", "rules"), ("parameters", "conditions", "salience", "description", "at"),
                    what=path.name):
            return []
        topic = text(report, data, "topic", path.name)
        default_at = _occasions(data, ("assessment",), path.name, report)
        default_salience = data.get("salience", 0)
        if not is_int(default_salience):
            report.error(data.line_of("salience"), "'salience' must be a whole number")
            default_salience = 0
        rules = []
        for node in listed(report, data, "rules", path.name):
            rule = self._rule(node, topic, default_salience, default_at, report)
            if rule:
                rules.append(rule)
        return rules

    def _rule(self, node, topic: str, default_salience: int, default_at: tuple, report: Reporter) -> Rule | None:
        rid = node.get("id") if isinstance(node, Located) else None
        what = f"rule {rid}" if rid else "a rule"
        complete = keys(report, node, RULE_KEYS_REQUIRED, RULE_KEYS_APPROVED + RULE_KEYS_OPTIONAL, what=what)
        if not isinstance(node, Located):
            return None
        status = node.get("status")
        if status not in STATUSES:
            if status is not None:
                report.error(node.line_of("status"), f"{what}: status {status!r} is not one of {', '.join(STATUSES)}")
            return None
        if status != "retired":
            for key in RULE_KEYS_APPROVED:
                if key not in node and (status == "approved" or key == "examples"):
                    report.error(node.line, f"{what} is missing {key!r} (needed before it can run)")
        if not complete:
            return None
        salience = node.get("salience", default_salience)
        if not is_int(salience):
            report.error(node.line_of("salience"), f"{what}: salience must be a whole number")
            salience = 0
        context = Context(self.vocab.questions, self.parameters, self.vocab.findings, self.vocab.plan)
        when = self.conditions.read(node["when"], context, node.line_of("when"), report)
        finding, disposition, plan = self._then(node["then"], what, report)
        examples = self._examples(node, what, report)
        if when is None:
            return None
        return Rule(
            id=str(rid), title=text(report, node, "title", what), version=text(report, node, "version", what),
            author=text(report, node, "author", what), reviewer=text(report, node, "reviewer", what, False),
            reviewer_role=_reviewer_role(node, what, report),
            review_date=text(report, node, "review_date", what, False), status=status,
            source=text(report, node, "source", what), rationale=text(report, node, "rationale", what),
            when=when, finding=finding, disposition=disposition, plan=plan, salience=salience,
            examples=examples, topic=topic, file=report.file, line=node.line,
            unreachable=text(report, node, "unreachable", what, False),
            at=_occasions(node, default_at, what, report),
            tells=_tells(node, plan, what, report),
            because=_because(node, finding, when, what, report),
        )

    def _then(self, node, what: str, report: Reporter):
        if not keys(report, node, (), ("finding", "disposition", "plan"), what=f"{what}: 'then'"):
            return None, None, ()
        if not node:
            report.error(node.line, f"{what}: 'then' must give a finding, a disposition or plan items")
        finding, disposition = node.get("finding"), node.get("disposition")
        if finding is not None and not known(self.vocab.findings, finding):
            report.error(node.line_of("finding"), f"{what}: unknown finding {shown(finding)}"
                                                  f"{did_you_mean(finding, self.vocab.findings)} (add it to findings.yaml)")
        if disposition is not None and not known(self.vocab.dispositions, disposition):
            allowed = ", ".join(self.vocab.dispositions)
            report.error(node.line_of("disposition"), f"{what}: unknown disposition {shown(disposition)}"
                                                      f"{did_you_mean(disposition, self.vocab.dispositions)} "
                                                      f"(allowed: {allowed})")
        if disposition is not None and finding is None:
            report.error(node.line, f"{what}: a rule that sets a disposition must name the finding that explains it")
        entries = (self._plan_entry(item, node, what, report) for item in listed(report, node, "plan", what))
        return finding, disposition, tuple(entry for entry in entries if entry)

    def _plan_entry(self, item, parent: Located, what: str, report: Reporter) -> PlanEntry | None:
        if isinstance(item, str):
            item = Located(code=item)
            item.line = parent.line_of("plan")
        if not isinstance(item, dict) or "code" not in item:
            report.error(getattr(item, "line", parent.line), f"{what}: a plan entry is a code or a mapping with 'code'")
            return None
        if not known(self.vocab.plan, item["code"]):
            report.error(item.line, f"{what}: unknown plan item {shown(item['code'])}"
                                    f"{did_you_mean(item['code'], self.vocab.plan)} (add it to plan.yaml)")
            return None
        definition = self.vocab.plan[item["code"]]
        attributes = {k: v for k, v in item.items() if k != "code"}
        parameters = tuple(value["parameter"] for value in attributes.values()
                           if isinstance(value, dict) and known(self.parameters, value.get("parameter")))
        for name, value in attributes.items():
            if name not in definition.attributes:
                allowed = ", ".join(definition.attributes) or "none"
                report.error(item.line_of(name), f"{what}: plan item {item['code']} has no attribute {name!r} "
                                                 f"(allowed: {allowed})")
            if isinstance(value, dict):
                attributes[name] = self._attribute_parameter(item, name, value, what, report)
        return PlanEntry(item["code"], plain(attributes), parameters)

    def _attribute_parameter(self, item: Located, name: str, value: dict, what: str, report: Reporter):
        """An attribute written as {parameter: name} takes the named parameter's value; one written as
        {value_of: id} takes the case's answer or derived value `id` when the rules run."""
        if len(value) == 1 and "value_of" in value:
            if not known(self.vocab.questions, value["value_of"]):
                report.error(item.line_of(name), f"{what}: attribute {name}: value_of names no known question or "
                                                 f"derived value: {shown(value['value_of'])}")
                return None
            return ValueOf(value["value_of"])
        parameter = value.get("parameter") if len(value) == 1 else None
        if not known(self.parameters, parameter):
            report.error(item.line_of(name), f"{what}: attribute {name} is a value or {{parameter: name}} of a "
                                             f"known parameter (known: {', '.join(self.parameters) or 'none'})")
            return None
        return self.parameters[parameter].value

    def _examples(self, node: Located, what: str, report: Reporter) -> tuple:
        examples = []
        for item in listed(report, node, "examples", what):
            if not keys(report, item, ("given", "expect"), what=f"{what}: an example"):
                continue
            expect = item["expect"]
            expect_keys = ("disposition", "findings", "no_findings", "plan")
            if not keys(report, expect, (), expect_keys, what=f"{what}: 'expect'") or not isinstance(item["given"], dict):
                if not isinstance(item["given"], dict):
                    report.error(item.line_of("given"), f"{what}: an example's 'given' maps question ids to answers")
                continue
            lists = {key: tuple(listed(report, expect, key, what)) for key in ("findings", "no_findings")}
            self._check_expected_codes(expect, lists, what, report)
            plan = tuple(entry for entry in (self._plan_entry(entry, expect, what, report)
                                             for entry in listed(report, expect, "plan", what)) if entry)
            examples.append(Example(plain(item["given"]), expect.get("disposition"), lists["findings"],
                                    lists["no_findings"], plan, item.line))
        return tuple(examples)

    def _check_expected_codes(self, expect: Located, lists: dict, what: str, report: Reporter) -> None:
        if "disposition" in expect and not known(self.vocab.dispositions, expect["disposition"]):
            report.error(expect.line_of("disposition"),
                         f"{what}: example expects unknown disposition {shown(expect['disposition'])}")
        for key in ("findings", "no_findings"):
            for code in lists[key]:
                if not known(self.vocab.findings, code):
                    report.error(expect.line_of(key), f"{what}: example names unknown finding {shown(code)}")


def _tells(node, plan, what: str, report: Reporter) -> str:
    tells = text(report, node, "tells", what, False)
    moved = [(entry.code, entry.attributes["change"]) for entry in plan if entry.attributes.get("change") in MOVES]
    if moved and not tells and node.get("status") != "retired":
        code, change = moved[0]
        report.error(node.line, f"{what} moves {code} {change} but has no 'tells': the reason the lifter reads, "
                                f"in words (for example: every rep kept your back down)")
    if tells and set(re.findall(r"\{(\w*)\}", tells)) != {"dose"}:
        report.error(node.line_of("tells"), f"{what}: 'tells' must say {{dose}} once, and no other {{placeholder}}")
    return tells


def _because(node, finding, when, what: str, report: Reporter) -> str:
    because = text(report, node, "because", what, False)
    if because and not finding:
        report.error(node.line_of("because"), f"{what}: 'because' is the reason for the rule's finding: it draws none")
    tested = {test.parameter for test in answer_tests(when) if test.parameter} if when is not None else set()
    unknown = [name for name in re.findall(r"\{(\w*)\}", because) if name not in tested]
    if unknown:
        report.error(node.line_of("because"), f"{what}: 'because' may fill only the parameters the rule tests "
                                              f"({', '.join(sorted(tested)) or 'none'}), not {{{unknown[0]}}}")
    return because


def _occasions(node: Located, default: tuple, what: str, report: Reporter) -> tuple:
    """`at: [assessment, checkin]`: when a rule (or every rule of a topic file) runs."""
    if "at" not in node:
        return default
    value = node["at"]
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or not value or any(not known(OCCASIONS, item) for item in value):
        report.error(node.line_of("at"), f"{what}: 'at' must list one or more of {', '.join(OCCASIONS)}")
        return default
    return tuple(dict.fromkeys(value))


def _reviewer_role(node: Located, what: str, report: Reporter) -> str:
    role = node.get("reviewer_role")
    if role is not None and not known(REVIEWER_ROLES, role):
        report.error(node.line_of("reviewer_role"), f"{what}: reviewer_role {shown(role)} is not one of "
                                                    f"{', '.join(REVIEWER_ROLES)}")
        return ""
    return role or ""


def cross_checks(rules: list[Rule], parameters: list[Parameter], report: Reporter, checkin=None) -> None:
    """Duplicate rule ids (and ids the review cards of the attention list and translations are signed
    under) and parameters no rule uses, each reported in its own file."""
    from spinewise.rulebase.attention import CARD_ID as RESERVED_CARD
    from spinewise.rulebase.translations import PREFIX as RESERVED_PREFIX

    seen: dict = {}
    for rule in rules:
        if rule.id == RESERVED_CARD or rule.id.startswith(RESERVED_PREFIX):
            # the review cards of the attention list and of each translation are signed under these names
            report.at(rule.file).error(rule.line, f"rule id {rule.id!r} is reserved for the review of "
                                                  f"{'the attention list' if rule.id == RESERVED_CARD else 'a translation'}"
                                                  ": give the rule another id")
        elif rule.id in seen:
            report.at(rule.file).error(rule.line, f"duplicate rule id {rule.id!r} (first at {seen[rule.id]})")
        else:
            seen[rule.id] = f"{rule.file}:{rule.line}"
    used = {test.parameter for rule in rules for test in answer_tests(rule.when)}
    used |= {name for rule in rules for entry in rule.plan for name in entry.parameters}
    for derived in checkin.derived if checkin else ():  # the check-in's derived values may test parameters too
        used |= {test.parameter for part in derived.how[1:] if not isinstance(part, (str, int, tuple, dict))
                 and part is not None for test in answer_tests(part)}
    for parameter in parameters:
        if parameter.name not in used:
            report.at(parameter.file).warn(parameter.line, f"parameter {parameter.name!r} is used by no rule")
