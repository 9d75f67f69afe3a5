"""`rules test`: run every rule's own examples and a cases file, and tabulate pass or fail."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from spinewise.engine import load_triage
from spinewise.errors import AnswersError
from spinewise.review.cases import read_cases
from spinewise.review.expect import example_answers, from_case, from_example, result_summary
from spinewise.review.render import render


@dataclass(frozen=True)
class Outcome:
    status: str  # "pass", "fail" or "skip"
    test: str  # "rule pain-severe #2" or "case tuck_pain"
    where: str  # file:line
    given: str  # the answers, in short
    expected: str
    got: str = ""
    problems: tuple = ()  # why it failed, in plain words


@dataclass(frozen=True)
class TestRun:
    folder: str
    outcomes: tuple
    included_drafts: bool

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def failed(self) -> bool:
        return self.count("fail") > 0


def test_rules(rules_dir=None, cases_path=None, include_draft: bool = False) -> TestRun:
    """Run every rule's examples and the cases in `cases_path` on the rule base in `rules_dir`."""
    return run_tests(load_triage(rules_dir, include_draft), cases_path)


test_rules.__test__ = False  # a command: pytest must not collect it where a test module imports it


def render_test_run(run, fmt: str) -> str:
    """The run as the pass/fail table a clinician reads, or as JSON."""
    if fmt == "json":
        data = {"passed": run.count("pass"), "failed": run.count("fail"), "skipped": run.count("skip"),
                "tests": [dataclasses.asdict(outcome) for outcome in run.outcomes]}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return render("rules-test.txt.j2", "text", table=table_view(run))


def run_tests(triage, cases_path=None) -> TestRun:
    """Every runnable rule's examples, then each case of `cases_path`, on a compiled rule base."""
    rulebase = triage.rulebase
    outcomes = []
    for rule in rulebase.rules:
        if rule.status == "retired":
            continue
        for number, example in enumerate(rule.examples, start=1):
            where = f"{Path(rule.file).name}:{example.line}"
            name, given = f"rule {rule.id} #{number}", _given(example.given)
            expectation = from_example(rule, example)
            if rule.status == "draft" and not triage.include_draft:
                outcomes.append(Outcome("skip", name, where, given, "draft rule: run with --include-draft"))
                continue
            outcomes.append(_run(triage, example_answers(rulebase, example), expectation, name, where, given))
    outcomes += _checkin_outcomes(rulebase, triage.include_draft)
    if cases_path:
        for case in read_cases(cases_path, need_answers_key=True):
            where = f"{Path(cases_path).name}:{case.line}"
            expectation = from_case(case.data, f"{Path(cases_path).name} line {case.line}")
            outcomes.append(_run(triage, case.answers, expectation, f"case {case.label}", where, _given(case.answers)))
    return TestRun(rulebase.directory, tuple(outcomes), triage.include_draft)


def _checkin_outcomes(rulebase, include_draft: bool) -> list:
    """The examples of the rules that run only at weekly check-ins, run as check-ins."""
    if rulebase.checkin is None or rulebase.checkin.roles is None:
        return []
    from spinewise.checkin.examples import run_checkin_examples
    from spinewise.checkin.view import checkin_view
    from spinewise.engine.triage import Triage

    outcomes = []
    for run in run_checkin_examples(Triage(checkin_view(rulebase), include_draft)):
        where = f"{Path(run.rule.file).name}:{run.example.line}"
        name, given = f"check-in rule {run.rule.id} #{run.number}", _given(run.given)
        expectation = from_example(run.rule, run.example)
        if run.problem:
            outcomes.append(Outcome("fail", name, where, given, expectation.summary(), "invalid answers",
                                    (run.problem,)))
            continue
        problems = expectation.mismatches(run.result)
        outcomes.append(Outcome("fail" if problems else "pass", name, where, given, expectation.summary(),
                                result_summary(run.result), tuple(problems)))
    return outcomes


def _run(triage, answers, expectation, name, where, given) -> Outcome:
    try:
        result = triage.assess(answers)
    except AnswersError as exc:
        return Outcome("fail", name, where, given, expectation.summary(), "invalid answers", (str(exc),))
    problems = expectation.mismatches(result)
    return Outcome("fail" if problems else "pass", name, where, given, expectation.summary(),
                   result_summary(result), tuple(problems))


def _given(answers: dict) -> str:
    return ", ".join(f"{qid} {_value(value)}" for qid, value in answers.items()) or "the baseline answers"


def _value(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "+".join(map(str, value))
    return str(value)


@dataclass(frozen=True)
class TableView:
    title: str
    heading: str
    rows: tuple  # of (cells padded to the columns, Outcome)
    summary: str


def table_view(run: TestRun) -> TableView:
    """The pass/fail table a clinician reads: columns padded to their widest cell."""
    width = max([len(o.test) for o in run.outcomes] + [4])
    where_width = max([len(o.where) for o in run.outcomes] + [5])

    def cells(status, test, where, expected):
        return f"{status:6}  {test:{width}}  {where:{where_width}}  {expected}"

    rows = tuple((cells("FAIL" if o.status == "fail" else o.status, o.test, o.where, o.expected), o)
                 for o in run.outcomes)
    title = f"rule base {run.folder}" + (" (draft rules included)" if run.included_drafts else "")
    summary = f"{run.count('pass')} passed, {run.count('fail')} failed, {run.count('skip')} skipped"
    return TableView(title, cells("RESULT", "TEST", "WHERE", "EXPECTED"), rows, summary)
