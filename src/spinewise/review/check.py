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
