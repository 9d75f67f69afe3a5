"""What a reviewer is shown for one rule, and its SHA-256: the one thing a sign-off is bound to.

The card holds the rule as the rulebook shows it (title, status, when it runs, condition in
words with its thresholds, conclusions, source, rationale, examples) and everything else
that can change what it concludes or what it puts in front of a lifter (the contract's
list): its finding's and plan items' words, the plan items' phases, what they supersede and
conflict with; its disposition's advice, presentation, referral, moves, required plan and
safety net (the heading, and the rule base's if-worse text and check-again days); the order
of the dispositions; the questions it reads with their hints, answer labels, when they are
asked and what each answer says (a check-in's derived values with how they are derived);
the named conditions' sentences. `spinewise rules review` prints every line of the card (the
template only loops over it) and signs its hash; `rules check`, the reports and the
rulebook recompute the hash from the files as they are now, so an edit of the rule or of
any of those texts voids the sign-off. The hand-typed authorship fields (author,
reviewer, review_date) are not on the card: they decide nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from spinewise.rulebase.conditions import AllOf, AnswerTest, AnyOf, Const, FactTest, Named, Not, answer_tests, nodes, words


@dataclass(frozen=True)
class RuleCard:
    rule_id: str
    lines: tuple  # of (label, text): everything shown, in order

    @property
    def sha256(self) -> str:
        canonical = json.dumps([self.rule_id, [list(line) for line in self.lines]], ensure_ascii=False,
                               separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def rule_card(rulebase, rule) -> RuleCard:
    lines = [("Rule", f"{rule.id}: {rule.title}"), ("Status", rule.status), ("Version", rule.version),
             ("Runs at", ", ".join(rule.at)), ("When", words(rule.when, rulebase, expand=True).sentence())]
    used = {test.parameter for test in answer_tests(rule.when) if test.parameter}
    used |= {name for entry in rule.plan for name in entry.parameters}
    lines += [("Parameter", f"{p.name} = {p.value} ({_flat(p.meaning)})") for p in rulebase.parameters if p.name in used]
    if rule.finding:
        finding = rulebase.finding(rule.finding)
        lines.append(("Finding", f"{finding.title}: {_flat(finding.explanation)}"))
        lines += _instead_lines(rulebase, finding)
    if rule.disposition:
        disposition = rulebase.disposition(rule.disposition)
        lines.append(("Disposition", f"{disposition.title}: {_flat(disposition.advice)}"))
        if disposition.within_days is not None:
            lines.append(("Act within", f"{disposition.within_days} day(s)"))
        lines += _instead_lines(rulebase, disposition)
        lines += _disposition_lines(rulebase, disposition)
    for entry in rule.plan:
        lines += _plan_lines(rulebase, entry)
    lines += [("Tells", _flat(rule.tells))] if rule.tells else []
    lines += [("Because", _flat(rule.because))] if rule.because else []
    lines += [("Source", rule.source), ("Rationale", _flat(rule.rationale))]
    for qid in rule.questions:
        lines += _question_lines(rulebase.question(qid))
        lines += _asked_lines(rulebase, qid)
    if "checkin" in rule.at and rulebase.checkin is not None:
        lines += _derived_lines(rulebase)
        # The derived values read the check-in's own questions (worded for the week), not the assessment's.
        for question in rulebase.checkin.questions:
            lines += [(f"Check-in {label.lower()}", text) for label, text in _question_lines(question)]
            if question.asked_when is not None:
                lines.append(("Check-in asked when", words(question.asked_when, rulebase, expand=True).sentence()))
    for name in dict.fromkeys(node.name for node in nodes(rule.when) if isinstance(node, Named)):
        named = rulebase.condition(name)
        if named.says:
            lines.append(("Condition says", f"{named.title}: {_flat(named.says)}"))
    for example in rule.examples:
        lines.append(("Example", _example(example)))
    if rule.unreachable:
        lines.append(("Kept although it can never fire", _flat(rule.unreachable)))
    return RuleCard(rule.id, tuple(lines))


def rule_hashes(rulebase) -> dict:
    """Rule id -> the SHA-256 of its card, for every rule (and the clinic's attention list, when there is one)."""
    hashes = {rule.id: rule_card(rulebase, rule).sha256 for rule in (*rulebase.rules, *rulebase.checkin_rules)}
    if rulebase.attention is not None:
        card = attention_card(rulebase)
        hashes[card.rule_id] = card.sha256
    return hashes


def attention_card(rulebase) -> RuleCard:
    """The clinic's attention list (attention.yaml) as one card: reviewed and signed like a rule."""
    from spinewise.rulebase.attention import CARD_ID, attention_lines

    return RuleCard(CARD_ID, attention_lines(rulebase))


def _disposition_lines(rulebase, disposition) -> list:
    """What decides how a disposition is shown and what it outranks."""
    lines = [("Disposition order", " > ".join(d.code for d in rulebase.dispositions)),
             ("Presentation", f"{disposition.style}, alert {disposition.alert}"
                              + (", a referral" if disposition.referral else ""))]
    if disposition.required_plan:
        lines.append(("Always with", ", ".join(str(code) for code in disposition.required_plan)))
    if disposition.moves:
        lines.append(("Moves", ", ".join(f"{a} -> {b}" for a, b in sorted(disposition.moves.items()))))
    if disposition.safety_net:
        lines.append(("Safety net", _flat(disposition.safety_net)))
    roles = rulebase.roles
    if roles is not None:
        lines.append(("If worse", _flat(disposition.if_worse or roles.if_worse)))
        lines.append(("Check again", f"after {roles.check_again_days} day(s); no improvement after "
                                     f"{roles.no_improvement_weeks} week(s) means a practitioner"))
    return lines


def _asked_lines(rulebase, qid: str) -> list:
    """When a question is asked, and for a check-in's derived value, how it is derived."""
    question = rulebase.question(qid)
    lines = [("Answers", question.describe_allowed("labels"))]
    if question.asked_when is not None:
        lines.append(("Asked when", words(question.asked_when, rulebase, expand=True).sentence()))
    return lines


_CONDITIONS = (AnswerTest, FactTest, AllOf, AnyOf, Named, Not, Const)


def _derived_lines(rulebase) -> list:
    """How each of the check-in's values is derived (one derived value may feed another)."""
    return [("Derived", f"{d.question.id} ({d.question.describe_allowed()}): {_how(rulebase, d.how)}")
            for d in rulebase.checkin.derived]


def _how(rulebase, how) -> str:
    parts = [words(part, rulebase, expand=True).sentence() if isinstance(part, _CONDITIONS) else
             json.dumps(part, ensure_ascii=False, sort_keys=True, default=str) for part in how]
    return "; ".join(parts)


def _plan_lines(rulebase, entry) -> list:
    item = rulebase.plan_item(entry.code)
    detail = ", ".join(f"{name.replace('_', ' ')}: {value}" for name, value in entry.attributes.items())
    lines = [("Plan", item.title + (f" ({detail})" if detail else "") + (f": {_flat(item.text)}" if item.text else ""))]
    if item.attributes:
        lines.append(("Plan details", json.dumps(item.attributes, ensure_ascii=False, sort_keys=True, default=str)))
    lines += [("Plan step", _flat(step)) for step in item.steps]
    lines += [("Plan dose", _flat(dose)) for dose in item.doses]
    lines += [("Level means", f"{level}: {meaning}") for level, meaning in item.levels.items()]
    lines.append(("Plan phase", item.phase))
    if item.conflicts_with:
        lines.append(("Conflicts with", ", ".join(item.conflicts_with)))
    if item.supersedes:
        lines.append(("Supersedes", ", ".join(item.supersedes)))
    return lines


def _instead_lines(rulebase, entry) -> list:
    """The texts said instead of the entry's own for some lifters, with when they are said."""
    return [("Said instead", f"when {words(instead.when, rulebase, expand=True).sentence()}: "
             + "; ".join(f"{name}: {_flat(text)}" for name, text in instead.texts.items()))
            for instead in entry.instead]


def _question_lines(question) -> list:
    lines = [("Question", question.text + (f" ({_flat(question.hint)})" if question.hint else ""))]
    if question.why:
        lines.append(("Why it is asked", _flat(question.why)))
    if isinstance(question.says, dict):
        lines += [("Answer says", f"{question.answer_text(value)}: {sentence}") for value, sentence in question.says.items()]
    elif question.says:
        lines.append(("Answer says", str(question.says)))
    if question.sign:
        lines.append(("Warning sign", question.sign))
    return lines


def _example(example) -> str:
    expected = {"disposition": example.disposition, "findings": list(example.findings),
                "no_findings": list(example.no_findings),
                "plan": [{"code": e.code, **e.attributes} for e in example.plan]}
    expected = {key: value for key, value in expected.items() if value}
    return json.dumps({"given": example.given, "expect": expected}, ensure_ascii=False, sort_keys=True, default=str)


def _flat(text) -> str:
    return " ".join(str(text).split())
