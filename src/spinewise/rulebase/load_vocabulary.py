"""Read the vocabulary files: questions.yaml, findings.yaml, plan.yaml (phases and plan items)
and the dispositions in rulebase.yaml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spinewise.rulebase.load_fields import Reporter, code, is_int, keys, known, listed, plain, shown, text
from spinewise.rulebase.model import (
    ALERT_PLACES, PLURAL_CATEGORIES, PRESENTATION_STYLES, Choice, Disposition, FindingDef, Phase, PlanDef, Question,
)
from spinewise.rulebase.yamlsource import Located

QUESTION_TYPES = ("bool", "int", "choice", "multi")
QUESTION_ID = re.compile(r"[a-z][a-z0-9_]*")
_DRAWING = re.compile(r"[a-z0-9-]+\.svg")


@dataclass
class Vocabulary:
    """The codes rules may name, as read so far."""

    questions: dict = field(default_factory=dict)  # id -> Question
    findings: set = field(default_factory=set)
    plan: dict = field(default_factory=dict)  # code -> PlanDef
    dispositions: set = field(default_factory=set)
    phases: list = field(default_factory=list)  # of Phase


# -- questions.yaml -------------------------------------------------------------------

def read_questions(data, report: Reporter) -> tuple[list[Question], dict]:
    """The questions, and their `asked_when` as written (id -> (node, line, file)), read once
    named conditions are known."""
    asked_when: dict = {}
    if data is None or not keys(report, data, ("questions",), what="questions.yaml"):
        return [], asked_when
    questions: list[Question] = []
    seen: dict = {}
    for node in listed(report, data, "questions", "questions.yaml"):
        question = _question(node, seen, report)
        if question:
            seen[question.id] = question
            questions.append(question)
            if "asked_when" in node:
                asked_when[question.id] = (node["asked_when"], node.line_of("asked_when"), report.file)
    return questions, asked_when


def _question(node, seen: dict, report: Reporter) -> Question | None:
    required = ("id", "type", "text", "says")
    optional = ("hint", "why", "section", "choices", "minimum", "maximum", "asked_when", "sign")
    if not keys(report, node, required, optional, what="a question"):
        return None
    qid, qtype = node["id"], node["type"]
    if not isinstance(qid, str) or not QUESTION_ID.fullmatch(qid):
        report.error(node.line_of("id"), f"question id {qid!r} must be a lower-case word of letters, digits and _")
        return None
    if qid in seen:
        report.error(node.line_of("id"), f"question {qid!r} is defined twice")
        return None
    if qtype not in QUESTION_TYPES:
        report.error(node.line_of("type"), f"question {qid}: type {qtype!r} is not one of {', '.join(QUESTION_TYPES)}")
        return None
    what = f"question {qid}"
    choices = _choices(node, what, report) if qtype in ("choice", "multi") else ()
    minimum = maximum = None
    if qtype == "int":
        minimum, maximum = node.get("minimum"), node.get("maximum")
        if not is_int(minimum) or not is_int(maximum) or minimum > maximum:
            report.error(node.line, f"{what}: an int question needs whole-number 'minimum' <= 'maximum'")
            return None
    return Question(
        id=qid, type=qtype, text=text(report, node, "text", what), hint=text(report, node, "hint", what, False),
        why=text(report, node, "why", what, False),
        section=text(report, node, "section", what, False), choices=choices, minimum=minimum, maximum=maximum,
        says=_says(node, qtype, choices, what, report), sign=text(report, node, "sign", what, False), line=node.line,
    )


def _says(node: Located, qtype: str, choices: tuple, what: str, report: Reporter):
    """What each answer says about the lifter: a sentence per answer, or one with an {answer} place."""
    says = node["says"]
    if qtype in ("int", "multi"):
        if isinstance(says, str) and "{answer}" in says and not re.search(r"{(?!answer})", says):
            return " ".join(says.split())
        if qtype == "int" and isinstance(says, dict) and "other" in says and set(says) <= set(PLURAL_CATEGORIES) \
                and all(isinstance(v, str) and "{answer}" in v for v in says.values()):
            return {key: " ".join(value.split()) for key, value in says.items()}
        report.error(node.line_of("says"), f"{what}: 'says' is one sentence with an {{answer}} place"
                     + (", or one per plural form (one, other) for a number" if qtype == "int" else ""))
        return "{answer}"
    expected = [True, False] if qtype == "bool" else [c.value for c in choices]
    if not isinstance(says, dict) or sorted(map(str, says)) != sorted(map(str, expected)) or \
            not all(isinstance(v, str) and v.strip() for v in says.values()):
        names = "yes and no" if qtype == "bool" else ", ".join(expected)
        report.error(node.line_of("says"), f"{what}: 'says' needs a sentence for each answer ({names})")
        return {value: str(value) for value in expected}
    return {key: " ".join(value.split()) for key, value in says.items()}


def _choices(node: Located, what: str, report: Reporter) -> tuple:
    choices = []
    for item in listed(report, node, "choices", what):
        if not keys(report, item, ("value", "label"), what=f"{what}: a choice"):
            continue
        if not isinstance(item["value"], str):
            report.error(item.line_of("value"), f"{what}: choice values must be text")
            continue
        choices.append(Choice(item["value"], text(report, item, "label", what)))
    values = [c.value for c in choices]
    if not choices:
        report.error(node.line, f"{what}: a choice question needs a non-empty 'choices' list")
    elif len(set(values)) != len(values):
        report.error(node.line_of("choices"), f"{what}: choice values repeat")
    return tuple(choices)


# -- findings.yaml --------------------------------------------------------------------

def read_findings(data, report: Reporter) -> list[FindingDef]:
    if data is None or not keys(report, data, ("findings",), what="findings.yaml"):
        return []
    findings = []
    for node in listed(report, data, "findings", "findings.yaml"):
        if keys(report, node, ("code", "title"), ("explanation", "instead"), what="a finding") and code(report, node):
            if any(f.code == node["code"] for f in findings):
                report.error(node.line_of("code"), f"finding {node['code']!r} is defined twice")
                continue
            what = f"finding {node['code']}"
            findings.append(FindingDef(str(node["code"]), text(report, node, "title", what),
                                       text(report, node, "explanation", what, False),
                                       tuple(listed(report, node, "instead", what))))
    return findings


# -- plan.yaml ------------------------------------------------------------------------

def read_phases(data, report: Reporter) -> list[Phase]:
    phases = []
    for node in listed(report, data, "phases", "plan.yaml") if data is not None else ():
        if keys(report, node, ("code", "title"), ("note", "brief"), what="a phase") and code(report, node):
            what = f"phase {node['code']}"
            if not isinstance(node.get("brief", False), bool):
                report.error(node.line_of("brief"), f"{what}: 'brief' is true or false")
            phases.append(Phase(str(node["code"]), text(report, node, "title", what),
                                text(report, node, "note", what, False), node.get("brief") is True))
    if data is not None and not phases:
        report.error(data.line, "plan.yaml: 'phases' must list the plan's phases in order, the first being now")
    return phases


def read_plan_items(data, phases, report: Reporter) -> list[PlanDef]:
    if data is None or not keys(report, data, ("phases", "plan_items"), what="plan.yaml"):
        return []
    items, nodes = [], {}
    optional = ("text", "steps", "attributes", "supersedes", "conflicts_with", "doses", "drawings", "source",
                "levels", "instead")
    phase_codes = [p.code for p in phases]
    for node in listed(report, data, "plan_items", "plan.yaml"):
        if not keys(report, node, ("code", "title", "phase"), optional, what="a plan item") or not code(report, node):
            continue
        nodes[str(node["code"])] = node
        items.append(_plan_item(node, phase_codes, report))
    codes = {p.code for p in items}
    for item in items:
        for key in ("supersedes", "conflicts_with"):
            for other in getattr(item, key):
                if not known(codes, other):
                    report.error(nodes[item.code].line_of(key), f"plan item {item.code}: {key} unknown plan item "
                                                                f"{shown(other)}")
    return items


def _plan_item(node: Located, phase_codes: list, report: Reporter) -> PlanDef:
    what = f"plan item {node['code']}"
    attributes = node.get("attributes") or {}
    if not isinstance(attributes, dict):
        report.error(node.line_of("attributes"), f"{what}: 'attributes' must map names to default values")
        attributes = {}
    if not known(phase_codes, node["phase"]):
        report.error(node.line_of("phase"), f"{what}: phase {shown(node['phase'])} is not one of "
                                            f"{', '.join(phase_codes)}")
    return PlanDef(
        code=str(node["code"]), title=text(report, node, "title", what), text=text(report, node, "text", what, False),
        steps=_sentences(node, "steps", attributes, what, report), attributes=plain(attributes), phase=str(node["phase"]),
        supersedes=tuple(listed(report, node, "supersedes", what)),
        conflicts_with=tuple(listed(report, node, "conflicts_with", what)),
        doses=_sentences(node, "doses", attributes, what, report), drawings=_drawings(node, what, report),
        source=text(report, node, "source", what, False), levels=_levels(node, what, report),
        instead=tuple(listed(report, node, "instead", what)),
    )


def _levels(node: Located, what: str, report: Reporter) -> dict:
    levels = node.get("levels") or {}
    if not isinstance(levels, dict) or not all(isinstance(v, str) and v.strip() for v in levels.values()):
        report.error(node.line_of("levels"), f"{what}: 'levels' maps a level to what it means, in a lifter's words")
        return {}
    return {str(level): " ".join(meaning.split()) for level, meaning in levels.items()}


def fills_only(sentence: str, attributes) -> bool:
    """Whether every {place} of a dose or step sentence names one of the item's attributes, braces whole."""
    names = re.findall(r"{(\w*)}", sentence)
    return all(name in attributes for name in names) and sentence.count("{") == sentence.count("}") == len(names)


def _sentences(node: Located, key: str, attributes: dict, what: str, report: Reporter) -> tuple:
    """Doses or steps: sentences whose {places} name attributes of the item."""
    sentences = []
    for sentence in listed(report, node, key, what):
        if not isinstance(sentence, str) or not fills_only(sentence, attributes):
            kind = "a dose" if key == "doses" else "a step"
            report.error(node.line_of(key), f"{what}: {kind} is a sentence whose {{places}} name attributes "
                                            f"of this item ({', '.join(attributes) or 'none'})")
            continue
        sentences.append(" ".join(sentence.split()))
    return tuple(sentences)


def _drawings(node: Located, what: str, report: Reporter) -> dict:
    drawings = node.get("drawings") or {}
    if not isinstance(drawings, dict) or not all(isinstance(v, str) and _DRAWING.fullmatch(v)
                                                 for v in drawings.values()):
        report.error(node.line_of("drawings"), f"{what}: 'drawings' maps a level (or 'any') to a file name "
                                               "such as dead-bug-beginner.svg in templates/drawings")
        return {}
    return {str(level): name for level, name in drawings.items()}


# -- the dispositions in rulebase.yaml ----------------------------------------------------

def read_dispositions(head, vocab: Vocabulary, report: Reporter) -> list[Disposition]:
    """`report` is for rulebase.yaml; the entries are read in the order given, most severe first."""
    dispositions = []
    for rank, node in enumerate(listed(report, head, "dispositions", "rulebase.yaml")):
        if not keys(report, node, ("code", "title", "advice", "presentation"),
                    ("plan", "referral", "moves", "safety_net", "within_days", "instead", "if_worse"),
                    what="a disposition") or not code(report, node):
            continue
        what = f"disposition {node['code']}"
        plan = tuple(listed(report, node, "plan", what))
        for item in plan:
            if not known(vocab.plan, item):
                report.error(node.line_of("plan"), f"{what}: unknown plan item {shown(item)}")
        style, alert = _presentation(node["presentation"], what, report)
        dispositions.append(Disposition(str(node["code"]), rank, text(report, node, "title", what),
                                        text(report, node, "advice", what), plan, node.get("referral") is True,
                                        style, alert, _moves(node, what, vocab.phases, report),
                                        text(report, node, "safety_net", what, False),
                                        _within_days(node, what, report), tuple(listed(report, node, "instead", what)),
                                        text(report, node, "if_worse", what, False)))
    if not dispositions:
        report.error(head.line, "rulebase.yaml: 'dispositions' must list at least one disposition, most severe first")
    return dispositions


def _within_days(node: Located, what: str, report: Reporter) -> int | None:
    days = node.get("within_days")
    if days is not None and (not is_int(days) or days < 0):
        report.error(node.line_of("within_days"), f"{what}: 'within_days' is a whole number of days (0 for today)")
        return None
    return days


def _moves(node: Located, what: str, phases: list, report: Reporter) -> dict:
    moves = node.get("moves") or {}
    codes = [p.code for p in phases]
    if not isinstance(moves, dict) or not all(known(codes, k) and known(codes, v) for k, v in moves.items()):
        report.error(node.line_of("moves"), f"{what}: 'moves' maps a phase to the phase its plan items are "
                                            f"shown in instead (phases: {', '.join(codes)})")
        return {}
    return dict(moves)


def _presentation(node, what: str, report: Reporter) -> tuple[str, str]:
    if not keys(report, node, ("style", "alert"), what=f"{what}: 'presentation'"):
        return "", "none"
    style = node["style"]
    if not known(PRESENTATION_STYLES, style):
        report.error(node.line_of("style"), f"{what}: style {shown(style)} is not one of {', '.join(PRESENTATION_STYLES)}")
    if not known(ALERT_PLACES, node["alert"]):
        report.error(node.line_of("alert"), f"{what}: alert {shown(node['alert'])} is not one of "
                                            f"{', '.join(ALERT_PLACES)} (where the report boxes the advice)")
        return str(style), "none"
    return str(style), node["alert"]
