"""Read a rule-base folder into a `RuleBase`, collecting every problem as `file:line: message`.

The folder holds four vocabulary files (rulebase.yaml, questions.yaml, findings.yaml,
plan.yaml) and any number of topic files, each with optional `parameters`, named
`conditions` and a list of `rules`. Reading never stops at the first problem: a
clinician fixing a file wants the whole list at once.

This module reads the folder in order; each kind of content has its own reader:
load_vocabulary.py (questions, findings, plan items, phases, dispositions),
load_conditions.py (conditions and named conditions), load_rules.py (parameters and
rules), load_roles.py (the roles in rulebase.yaml), load_fields.py (what they share).
"""

from __future__ import annotations


from dataclasses import replace
from pathlib import Path

from spinewise.errors import RuleBaseError
from spinewise.rulebase.digest import content_hash
from spinewise.rulebase.load_attention import ATTENTION_FILE, read_attention
from spinewise.rulebase.load_checkin import finish_checkin, read_checkin_vocabulary
from spinewise.rulebase.load_conditions import ConditionReader, Context
from spinewise.rulebase.load_fields import Reporter, keys, plain, text
from spinewise.rulebase.load_roles import read_roles
from spinewise.rulebase.load_safety import SAFETY_FILE, read_hazards
from spinewise.rulebase.load_rules import RuleReader, cross_checks, read_parameters
from spinewise.rulebase.load_vocabulary import (
    Vocabulary, fills_only, read_dispositions, read_findings, read_phases, read_plan_items, read_questions,
)
from spinewise.rulebase.model import RuleBase
from spinewise.rulebase.shown import rule_hashes
from spinewise.rulebase.translations import translation_hashes
from spinewise.rulebase.digest import APPROVAL_FILE
from spinewise.rulebase.signoff import REVIEWERS_FILE, SIGNOFFS_FILE, read_signoffs
from spinewise.rulebase.strata import negation_problems
from spinewise.rulebase.yamlsource import Located, Problem, YamlFileError, load_yaml

VOCABULARY_FILES = ("rulebase.yaml", "questions.yaml", "findings.yaml", "plan.yaml")
CHECKIN_FILE = "checkin.yaml"  # optional: the weekly check-in's vocabulary
# Beside the rules, optional: the signed decisions, the safety case, the release approval, and
# reviewers.yaml, which decided who may sign before version 4 and decides nothing now.
REVIEW_FILES = (REVIEWERS_FILE, SIGNOFFS_FILE, SAFETY_FILE, APPROVAL_FILE)
HEAD_KEYS = ("name", "version", "dispositions", "roles", "example_baseline")


def load_rulebase(directory) -> RuleBase:
    """The rule base in `directory`, its sign-offs checked against the clinic's trust file (raises
    TrustError when that cannot be read); raises RuleBaseError listing every error found."""
    from spinewise.rulebase.trust import apply_trust

    rulebase, problems = read_rulebase(directory)
    errors = [p for p in problems if p.severity == "error"]
    if errors or rulebase is None:
        raise RuleBaseError(errors)
    return apply_trust(rulebase)


def read_rulebase(directory) -> tuple[RuleBase | None, list[Problem]]:
    """The rule base (None when it cannot be built) and every problem, errors and warnings."""
    folder = Path(directory)
    report = Reporter([], str(folder))
    return _read(folder, report), report.problems


def _read(folder: Path, report: Reporter) -> RuleBase | None:
    if not folder.is_dir():
        report.error(1, "not a folder of rule files")
        return None
    loaded = {name: _load(folder / name, report) for name in VOCABULARY_FILES}
    if any(data is None for data, _ in loaded.values()):
        # A vocabulary file that cannot be read at all would make every code it defines
        # "unknown" in every rule: report only why it cannot be read.
        return None
    head, head_report = loaded["rulebase.yaml"]
    questions, raw_asked_when = read_questions(*loaded["questions.yaml"])
    findings = read_findings(*loaded["findings.yaml"])
    plan_data, plan_report = loaded["plan.yaml"]
    phases = read_phases(plan_data, plan_report)
    plan_items = read_plan_items(plan_data, phases, plan_report)
    vocab = Vocabulary({q.id: q for q in questions}, {f.code for f in findings}, {p.code: p for p in plan_items},
                       phases=phases)
    # The dispositions are read even when another key of rulebase.yaml is wrong, so one
    # missing key is one problem, not a cascade of "unknown disposition" rows.
    if head is not None:
        keys(head_report, head, HEAD_KEYS, ("description",), what="rulebase.yaml")
    dispositions = read_dispositions(head, vocab, head_report) if head is not None and "dispositions" in head else []
    vocab.dispositions = {d.code for d in dispositions}
    topic_files = [p for p in sorted(folder.glob("*.yaml")) if p.name not in VOCABULARY_FILES + REVIEW_FILES + (CHECKIN_FILE, ATTENTION_FILE)]
    if not topic_files:
        report.error(1, "no rule files: add a topic file with a 'rules' list")
    topics = [(path, _load(path, report)[0]) for path in topic_files]
    parameters = {p.name: p for p in read_parameters(topics, report)}
    conditions = ConditionReader()
    conditions.collect_named(topics, report)
    questions = conditions.asked_when(questions, raw_asked_when, report)
    # The weekly check-in (optional): its questions and derived values join the names rules may test.
    checkin_data, checkin_report = _load(folder / "checkin.yaml", report) if (folder / "checkin.yaml").is_file() \
        else (None, None)
    checkin_questions, derived, checkin_asked_when = read_checkin_vocabulary(
        checkin_data, checkin_report, vocab.dispositions) if checkin_data is not None else ([], [], {})
    vocab.questions = {**{d[0].id: d[0] for d in derived}, **{q.id: q for q in checkin_questions},
                       **{q.id: q for q in questions}}
    reader = RuleReader(vocab, parameters, conditions)
    every_rule = [rule for path, data in topics for rule in reader.topic(path, data, report.at(path))]
    rules = [rule for rule in every_rule if "assessment" in rule.at]
    _assessment_rules_read_assessment_questions(rules, {q.id for q in questions}, report)
    context = Context(vocab.questions, parameters, vocab.findings, vocab.plan)
    findings = conditions.instead(findings, ("title", "explanation"), context, report.at(folder / "findings.yaml"))
    dispositions = conditions.instead(dispositions, ("advice",), context, head_report)
    plan_items = conditions.instead(plan_items, ("steps", "doses"), context, plan_report)
    _places_said_instead(plan_items, plan_report)
    checkin = finish_checkin(checkin_questions, derived, checkin_asked_when, checkin_data, conditions, context,
                             parameters, list(vocab.dispositions), checkin_report) if checkin_data is not None else None
    hazards = read_hazards(*_optional(folder / SAFETY_FILE, report), vocab, conditions, parameters,
                           _rule_ids_written(topics))
    _reviewers_decide_nothing(folder, report)
    signoffs = read_signoffs(*_optional(folder / SIGNOFFS_FILE, report))
    named = conditions.named_conditions(context, report)
    # The clinic's attention list (optional): which lifters a practitioner looks at first.
    attention = read_attention(folder / ATTENTION_FILE, *_load(folder / ATTENTION_FILE, report), dispositions,
                               findings, parameters) if (folder / ATTENTION_FILE).is_file() else None
    roles = read_roles(head, dispositions, vocab, parameters, head_report)
    cross_checks(every_rule, list(parameters.values()), report, checkin)
    for problem in negation_problems(every_rule):
        report.at(problem.file).error(problem.line, problem.message)
    if head is None or roles is None or report.has_errors():
        return None
    rulebase = RuleBase(
        name=text(head_report, head, "name", "rulebase.yaml"),
        version=text(head_report, head, "version", "rulebase.yaml"),
        directory=str(folder),
        content_hash=content_hash(folder),
        questions=tuple(questions),
        dispositions=tuple(dispositions),
        findings=tuple(findings),
        plan_items=tuple(plan_items),
        phases=tuple(phases),
        parameters=tuple(parameters.values()) + (attention.parameters if attention else ()),
        rules=tuple(rules),
        baseline=_baseline(head, head_report),
        roles=roles,
        conditions=named,
        checkin=checkin,
        checkin_rules=tuple(rule for rule in every_rule if "checkin" in rule.at),
        hazards=tuple(hazards),
        attention=attention,
    )
    # Until apply_trust checks them against the clinic's trust file, no record counts.
    signoffs = tuple(replace(record, state="broken_chain" if not record.chained else "untrusted")
                     for record in signoffs)
    # A translation is signed like a rule: its card (rulebase/translations.py) joins the rules' cards.
    return replace(rulebase, rule_hashes={**rule_hashes(rulebase), **translation_hashes(folder)}, signoffs=signoffs)


def _reviewers_decide_nothing(folder: Path, report: Reporter) -> None:
    path = folder / REVIEWERS_FILE
    listed = path.is_file() and any(line.lstrip().startswith("- ") for line in
                                    path.read_text(encoding="utf-8", errors="replace").splitlines())
    if listed:
        report.at(path).warn(1, "reviewers.yaml decides nothing since version 4: who may sign is the clinic's "
                                "decision, in its trust file outside the rule folder (see README.md)")


def _rule_ids_written(topics) -> list:
    """Every rule id the topic files write, read or not (a broken rule is not also an unknown id)."""
    return [str(node["id"]) for _, data in topics if isinstance(data, dict)
            for node in (data.get("rules") if isinstance(data.get("rules"), list) else [])
            if isinstance(node, dict) and "id" in node]


def _optional(path: Path, report: Reporter) -> tuple:
    """Like `_load`, for a file the folder may leave out (None data when it is absent)."""
    return _load(path, report) if path.exists() else (None, report.at(path))


def _load(path: Path, report: Reporter) -> tuple:
    """A file's YAML mapping (None after reporting why not) and the reporter for that file."""
    here = report.at(path)
    if not path.is_file():
        here.error(1, f"missing: a rule base needs {path.name}")
        return None, here
    try:
        data = load_yaml(path, here.file)
    except YamlFileError as exc:
        report.problems.append(exc.problem)
        return None, here
    if not isinstance(data, Located):
        here.error(getattr(data, "line", 1), "the file must be a YAML mapping of keys to values")
        return None, here
    return data, here


def _baseline(head: Located, report: Reporter) -> dict:
    baseline = head.get("example_baseline")
    if not isinstance(baseline, dict):
        report.error(head.line_of("example_baseline"), "'example_baseline' must map question ids to answers")
        return {}
    return plain(baseline)


def _places_said_instead(plan_items: list, report) -> None:
    """Steps and doses said instead fill the same {places} as the item's own: its attributes."""
    for item in plan_items:
        for instead in item.instead:
            for kind, sentences in instead.texts.items():
                for sentence in sentences:
                    if not fills_only(sentence, item.attributes):
                        report.error(instead.line, f"{item.code}: {kind} said instead are sentences whose "
                                                   f"{{places}} name attributes of this item "
                                                   f"({', '.join(item.attributes) or 'none'})")


def _assessment_rules_read_assessment_questions(rules: list, asked: set, report) -> None:
    """A rule run at the first assessment can only read what the assessment asks: a name the
    weekly check-in alone defines would never be answered there, and the analysis has no such question."""
    for rule in rules:
        unasked = [qid for qid in rule.questions if qid not in asked]
        if unasked:
            report.at(rule.file).error(rule.line, f"rule {rule.id} runs at the first assessment but reads {unasked[0]}, "
                                                  "which questions.yaml does not ask: ask it there, or run the rule "
                                                  "only at the check-in (at: [checkin])")
