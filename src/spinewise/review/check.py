"""`rules check`: every problem in a rule base, as `file:line: message` rows."""

from __future__ import annotations

from spinewise.answers import check_answers
from spinewise.errors import AnswersError
from spinewise.rulebase import rules_folder
from spinewise.rulebase.load import read_rulebase
from spinewise.rulebase.yamlsource import Problem


def check_rules(rules_dir=None) -> tuple[list[Problem], str]:
    """Every problem in a rule base folder, and how static verification covered its answer space
    ("" if it could not run)."""
    from spinewise.review.analysis.verify import verify

    # Uncached on purpose: the cache keeps only valid rule bases, without their warnings.
    rulebase, problems = read_rulebase(rules_folder(rules_dir))
    coverage = ""
    if rulebase is not None:
        problems.extend(check_examples(rulebase))
        problems.extend(check_checkin_examples(rulebase))
        verification = verify(rulebase)
        problems.extend(verification.problems)
        coverage = verification.coverage
    return sorted(problems, key=lambda p: (p.file, p.line)), coverage


def example_answers(rulebase, example) -> dict:
    """An example's answers: the baseline lifter, changed where the example says."""
    answers = {**rulebase.baseline, **example.given}
    return {qid: value for qid, value in answers.items()
            if qid in example.given or qid not in rulebase.questions_by_id
            or rulebase.question(qid).is_asked(answers)}


def check_checkin_examples(rulebase) -> list[Problem]:
    """The check-in rules' examples: their answers valid, and the outcome each expects."""
    if rulebase.checkin is None or rulebase.checkin.roles is None:
        return []
    from spinewise.checkin.examples import run_checkin_examples
    from spinewise.checkin.view import checkin_view
    from spinewise.engine.triage import Triage
    from spinewise.review.expect import from_example

    problems = []
    for run in run_checkin_examples(Triage(checkin_view(rulebase))):
        if run.problem:
            problems.append(Problem(run.rule.file, run.example.line,
                                    f"rule {run.rule.id}: example answers are invalid: {run.problem}"))
            continue
        for mismatch in from_example(run.rule, run.example).mismatches(run.result):
            problems.append(Problem(run.rule.file, run.example.line, f"rule {run.rule.id}: example #{run.number}: "
                                                                     f"{mismatch}"))
    return problems


def check_examples(rulebase) -> list[Problem]:
    problems = []
    for rule in rulebase.rules:
        for example in rule.examples:
            answers = example_answers(rulebase, example)
            try:
                check = check_answers(rulebase, answers)
                check.raise_problems(missing_allowed=True)
                if check.missing:
                    raise AnswersError(f"no answer to {check.missing[0]}, which would be asked")
            except AnswersError as exc:
                problems.append(Problem(rule.file, example.line, f"rule {rule.id}: example answers are invalid: {exc}"))
    return problems
