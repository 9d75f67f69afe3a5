"""Read attention.yaml: the clinic's attention levels, their parameters and hazards (see attention.py)."""

from __future__ import annotations

from spinewise.rulebase.attention import (
    ORDERS, PLACEHOLDERS, Attention, AttentionHazard, AttentionLevel, AttentionText, fact_questions, placeholders,
)
from spinewise.rulebase.load_conditions import ConditionReader, Context
from spinewise.rulebase.load_fields import Reporter, keys, listed, shown, text
from spinewise.rulebase.load_rules import read_parameters
from spinewise.rulebase.load_vocabulary import QUESTION_ID

ATTENTION_FILE = "attention.yaml"
ATTENTION_KEYS = ("levels",)
OPTIONAL_KEYS = ("description", "parameters", "conditions", "hazards")


def read_attention(path, data, report: Reporter, dispositions, findings, parameters: dict) -> Attention | None:
    """The attention levels of attention.yaml (None after reporting why they cannot be read)."""
    if data is None or not keys(report, data, ATTENTION_KEYS, OPTIONAL_KEYS, what=ATTENTION_FILE):
        return None
    own = read_parameters([(path, data)], report)
    for parameter in own:
        if parameter.name in parameters:
            report.error(parameter.line, f"parameter {parameter.name!r} is already defined in {parameters[parameter.name].file}")
    facts = fact_questions(dispositions, findings)
    conditions = ConditionReader()
    conditions.collect_named([(path, data)], report)
    context = Context(facts, {p.name: p for p in own}, set(), {}, facts_allowed=False)
    levels = [level for node in listed(report, data, "levels", ATTENTION_FILE)
              if (level := _level(node, conditions, context, report)) is not None]
    if not levels and not report.has_errors():
        report.error(data.line_of("levels"), "'levels' needs at least one attention level")
    codes = [level.code for level in levels]
    said = codes + [text.code for level in levels for text in level.instead]
    for level in levels:
        for text in level.instead:
            if said.count(text.code) > 1:
                report.error(text.line, f"attention level {level.code}: what it says instead is coded {text.code!r}, "
                                        "a code already taken")
    for level in levels:
        if codes.count(level.code) > 1:
            report.error(level.line, f"attention level {level.code!r} is defined twice")
    if levels and levels[-1].when is not None:
        report.error(levels[-1].line, f"the last attention level ({levels[-1].code}) must have no 'when': "
                                      "every lifter belongs to some level")
    hazards = [hazard for node in listed(report, data, "hazards", ATTENTION_FILE)
               if (hazard := _hazard(node, conditions, context, codes, report)) is not None]
    conditions.named_conditions(context, report)
    return Attention(tuple(levels), facts, tuple(hazards), tuple(own), report.file)


def _level(node, conditions: ConditionReader, context: Context, report: Reporter) -> AttentionLevel | None:
    if not keys(report, node, ("code", "title", "reason"), ("when", "order", "description", "instead"),
                what="an attention level"):
        return None
    code = node["code"]
    what = f"attention level {code}"
    if not isinstance(code, str) or not QUESTION_ID.fullmatch(code):
        report.error(node.line_of("code"), f"attention level code {shown(code)} must be a lower-case word")
        return None
    order = node.get("order", "severity")
    if order not in ORDERS:
        report.error(node.line_of("order"), f"{what}: order {shown(order)} is not one of {', '.join(ORDERS)}")
        return None
    reason = _reason(node, what, report)
    if reason is None:
        return None
    when = None
    if "when" in node:
        when = conditions.read(node["when"], context, node.line_of("when"), report)
        if when is None:
            return None
    instead = [said for item in listed(report, node, "instead", what)
               if (said := _instead(item, what, conditions, context, report)) is not None]
    return AttentionLevel(code, text(report, node, "title", what), reason, when, order, node.line, tuple(instead))


def _reason(node, what: str, report: Reporter) -> str | None:
    reason = " ".join(text(report, node, "reason", what).split())
    unknown = [name for name in placeholders(reason) if name not in PLACEHOLDERS]
    if unknown:
        report.error(node.line_of("reason"), f"{what}: the reason names {', '.join(map(shown, unknown))} "
                                             f"(a reason may say {', '.join('{' + p + '}' for p in PLACEHOLDERS)})")
        return None
    return reason


def _instead(node, level: str, conditions: ConditionReader, context: Context, report: Reporter):
    """What a level says instead when its `when` holds: its own code, title and reason."""
    if not keys(report, node, ("code", "when", "title", "reason"), (), what=f"{level}: what it says instead"):
        return None
    code = node["code"]
    if not isinstance(code, str) or not QUESTION_ID.fullmatch(code):
        report.error(node.line_of("code"), f"{level}: instead's code {shown(code)} must be a lower-case word")
        return None
    what = f"{level}, instead {code}"
    reason = _reason(node, what, report)
    when = conditions.read(node["when"], context, node.line_of("when"), report)
    if reason is None or when is None:
        return None
    return AttentionText(code, text(report, node, "title", what), reason, when, node.line)


def _hazard(node, conditions: ConditionReader, context: Context, codes: list, report: Reporter):
    if not keys(report, node, ("id", "hazard", "never_below"), ("controls", "rationale"), what="an attention hazard"):
        return None
    what = f"attention hazard {node['id']}"
    above = conditions.read(node["never_below"], context, node.line_of("never_below"), report)
    controls = tuple(str(code) for code in listed(report, node, "controls", what))
    for code in controls:
        if code not in codes:
            report.error(node.line_of("controls"), f"{what}: control {shown(code)} is not an attention level")
    if above is None:
        return None
    return AttentionHazard(str(node["id"]), text(report, node, "hazard", what), above, controls,
                           " ".join(text(report, node, "rationale", what, False).split()), node.line)
