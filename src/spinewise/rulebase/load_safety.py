"""Read safety.yaml: the hazards of the safety case, each a guarantee over answers and results.

A hazard says what could go wrong for a lifter (`hazard`), for which answers (`when`, in
the rules' own condition language; left out: every answers set), what the result then
always does (`guarantee`), the rules that control it and why. `scope` is `assessment`
(proved over every answers set of the questionnaire) or `checkin` (proved over every
check-in after any journal entry, once check-ins exist). The guarantees:

  disposition_at_least: CODE       the disposition is CODE or more severe
  disposition_never: [CODE, ...]   the disposition is none of these
  findings_never: [CODE, ...]      none of these findings is drawn
  plan_never_now: [CODE, ...]      none of these plan items is shown as something to do now
  safety_net: true                 the report carries a safety net (its warning signs)
  plan_change_never: {CODE: CHANGE}  (check-ins) no plan item CODE with that `change`

and `when_disposition: [CODE, ...]` narrows a hazard to results with one of those dispositions.
A hazard states its thresholds as numbers: one that names a parameter the rules read would
move with the rule it is meant to hold to account, so it is an error.
"""

from __future__ import annotations

from spinewise.rulebase.conditions import answer_tests
from spinewise.rulebase.load_conditions import Context
from spinewise.rulebase.load_fields import Reporter, did_you_mean, keys, known, shown, text
from spinewise.rulebase.model import Hazard
from spinewise.rulebase.yamlsource import LocatedList

SAFETY_FILE = "safety.yaml"
SCOPES = ("assessment", "checkin")
GUARANTEES = ("disposition_at_least", "disposition_never", "findings_never", "plan_never_now", "safety_net",
              "plan_change_never", "when_disposition")
HAZARD_KEYS = ("id", "hazard", "guarantee", "controls", "rationale")


def read_hazards(data, report: Reporter, vocab, conditions, parameters, rule_ids) -> list[Hazard]:
    if data is None:
        return []
    if not keys(report, data, ("hazards",), ("description",), what=SAFETY_FILE):
        return []
    block = data["hazards"]
    if not isinstance(block, LocatedList):
        report.error(data.line_of("hazards"), "'hazards' must be a list")
        return []
    context = Context(vocab.questions, parameters, vocab.findings, vocab.plan)
    hazards: list[Hazard] = []
    for index, node in enumerate(block):
        if not keys(report, node, HAZARD_KEYS, ("scope", "when"), what="a hazard"):
            continue
        what = f"hazard {node['id']}"
        if any(h.id == str(node["id"]) for h in hazards):
            report.error(node.line_of("id"), f"{what} is listed twice")
            continue
        scope = node.get("scope", "assessment")
        if scope not in SCOPES:
            report.error(node.line_of("scope"), f"{what}: scope {shown(scope)} is not one of {', '.join(SCOPES)}")
            continue
        when = None
        if "when" in node:
            when = conditions.read(node["when"], context, node.line_of("when"), report)
            if when is None:
                continue
            named = sorted({test.parameter for test in answer_tests(when) if test.parameter})
            if named:
                report.error(node.line_of("when"), (
                    f"{what} names the parameter {', '.join(named)}, which the rules read: a hazard states its "
                    "thresholds as numbers (value: 7), so that an edit of the parameter cannot move the hazard "
                    "with the rule"))
                continue
        guarantee = _guarantee(node, what, vocab, report)
        if guarantee is not None and scope != "checkin" and "plan_change_never" in dict(guarantee):
            report.error(node.line_of("guarantee"), f"{what}: plan_change_never is a check-in guarantee: add `scope: checkin`")
            continue
        controls = _controls(node, what, rule_ids, report)
        if guarantee is None or controls is None:
            continue
        hazards.append(Hazard(str(node["id"]), text(report, node, "hazard", what), scope, when, guarantee, controls,
                              text(report, node, "rationale", what), report.file, block.line_of(index)))
    return hazards


def _guarantee(node, what: str, vocab, report: Reporter):
    block = node["guarantee"]
    if not keys(report, block, (), GUARANTEES, what=f"{what}: guarantee"):
        return None
    if not any(kind != "when_disposition" for kind in block):
        report.error(block.line, f"{what}: a guarantee needs one of {', '.join(GUARANTEES[:-1])}")
        return None
    tables = {"disposition_at_least": vocab.dispositions, "disposition_never": vocab.dispositions,
              "when_disposition": vocab.dispositions, "findings_never": vocab.findings,
              "plan_never_now": vocab.plan}
    parts = []
    for kind, value in block.items():
        if kind == "safety_net":
            if value is not True:
                report.error(block.line_of(kind), f"{what}: safety_net takes only true")
                return None
            parts.append((kind, True))
            continue
        if kind == "plan_change_never":
            changes = _plan_changes(block, what, vocab, report)
            if changes is None:
                return None
            parts.append((kind, changes))
            continue
        codes = [value] if kind == "disposition_at_least" else value
        if not isinstance(codes, list) or not codes:
            report.error(block.line_of(kind), f"{what}: {kind} takes " + (
                "one code" if kind == "disposition_at_least" else "a list of codes"))
            return None
        for code in codes:
            if not known(tables[kind], code):
                report.error(block.line_of(kind), f"{what}: {kind}: unknown code {shown(code)}"
                                                  f"{did_you_mean(code, tables[kind])}")
                return None
        parts.append((kind, value if kind == "disposition_at_least" else tuple(codes)))
    return tuple(parts)


def _plan_changes(block, what: str, vocab, report: Reporter):
    """plan_change_never's mapping of plan codes to the `change` the plan item must never carry."""
    value = block["plan_change_never"]
    if not isinstance(value, dict) or not value:
        report.error(block.line_of("plan_change_never"), f"{what}: plan_change_never takes a mapping of plan codes "
                                                         f"to a change, e.g. {{reintroduce_load: up}}")
        return None
    for code, change in value.items():
        if not known(vocab.plan, code):
            report.error(block.line_of("plan_change_never"), f"{what}: plan_change_never: unknown code {shown(code)}"
                                                             f"{did_you_mean(code, vocab.plan)}")
            return None
        if not isinstance(change, str):
            report.error(block.line_of("plan_change_never"), f"{what}: plan_change_never: the change of {code} must "
                                                             f"be a word such as up, hold or down")
            return None
    return tuple((str(code), str(change)) for code, change in value.items())


def _controls(node, what: str, rule_ids, report: Reporter):
    controls = node["controls"]
    if not isinstance(controls, list) or not controls:
        report.error(node.line_of("controls"), f"{what}: controls must list the rules that control it")
        return None
    for rid in controls:
        if rid not in rule_ids:
            report.error(node.line_of("controls"), f"{what}: controls names unknown rule {shown(rid)}"
                                                   f"{did_you_mean(rid, rule_ids)}")
            return None
    return tuple(str(rid) for rid in controls)
