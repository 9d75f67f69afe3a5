"""Read `roles` in rulebase.yaml: the codes Python acts on, each checked against the vocabulary it names."""

from __future__ import annotations

from spinewise.rulebase.load_fields import Reporter, is_int, keys, known, listed, shown, text
from spinewise.rulebase.load_vocabulary import Vocabulary
from spinewise.rulebase.model import Roles


def read_roles(head, dispositions, vocab: Vocabulary, parameters: dict, report: Reporter) -> Roles | None:
    """`report` is for rulebase.yaml; None when a role is missing or names nothing known."""
    if head is None or "roles" not in head:
        return None
    node = head["roles"]
    if not keys(report, node, ("when_no_rule_decides", "stops_the_questionnaire", "program", "safety_net"),
                what="'roles'"):
        return None
    codes = [d.code for d in dispositions]
    fallback, program = node["when_no_rule_decides"], node["program"]
    if not keys(report, fallback, ("disposition", "finding"), what="roles: 'when_no_rule_decides'") or \
            not keys(report, program, ("disposition", "schedule", "exercises", "tracker_weeks",
                                       "tracker_sessions_per_week"), what="roles: 'program'"):
        return None
    checks = [
        (fallback, "disposition", codes, "disposition"),
        (fallback, "finding", vocab.findings, "finding (add it to findings.yaml)"),
        (node, "stops_the_questionnaire", codes, "disposition"),
        (program, "disposition", codes, "disposition"),
        (program, "schedule", vocab.plan, "plan item (add it to plan.yaml)"),
    ]
    ok = True
    for parent, key, names, kind in checks:
        if not known(names, parent[key]):
            report.error(parent.line_of(key), f"roles: {key} must name a {kind}; {shown(parent[key])} is not one")
            ok = False
    exercises = listed(report, program, "exercises", "roles: program")
    for code in exercises:
        if not known(vocab.plan, code):
            report.error(program.line_of("exercises"), f"roles: exercises: unknown plan item {shown(code)}")
            ok = False
    for key in ("tracker_weeks", "tracker_sessions_per_week"):
        if not is_int(program[key]) or program[key] < 1:
            report.error(program.line_of(key), f"roles: {key} must be a whole number of at least 1")
            ok = False
    if ok and codes and fallback["disposition"] == codes[-1]:
        report.error(fallback.line_of("disposition"), "roles: when no rule decides, spinewise must not fall back "
                                                      f"to the mildest disposition ({codes[-1]}); triage up")
        ok = False
    net = _safety_net(node["safety_net"], vocab, parameters, report)
    if not ok or net is None:
        return None
    return Roles(fallback["disposition"], fallback["finding"], node["stops_the_questionnaire"],
                 program["disposition"], program["schedule"], tuple(exercises), program["tracker_weeks"],
                 program["tracker_sessions_per_week"], *net)


def _safety_net(node, vocab: Vocabulary, parameters: dict, report: Reporter) -> tuple | None:
    if not keys(report, node, ("check_again_after_days", "no_improvement_after_weeks", "weeks_done", "if_worse"),
                what="roles: 'safety_net'"):
        return None
    days, weeks, question = node["check_again_after_days"], node["no_improvement_after_weeks"], node["weeks_done"]
    if isinstance(weeks, dict):
        weeks = parameters[weeks["parameter"]].value if known(parameters, weeks.get("parameter")) else None
    problems = [
        (not is_int(days) or days < 1, "check_again_after_days", "must be a whole number of days, at least 1"),
        (not is_int(weeks), "no_improvement_after_weeks", "must be a whole number or {parameter: name}"),
        (not (known(vocab.questions, question) and vocab.questions[question].type == "int"),
         "weeks_done", "must name a whole-number question"),
    ]
    for wrong, key, message in problems:
        if wrong:
            report.error(node.line_of(key), f"roles: safety_net: {key} {message}")
    if any(wrong for wrong, _, _ in problems):
        return None
    return days, weeks, question, text(report, node, "if_worse", "roles: safety_net")
