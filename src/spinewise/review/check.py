"""`rules check`: every problem in a rule base, as `file:line: message` rows.

Beside loading problems and static verification (analysis/verify.py): every rule's
examples are run (a failing one is an error), every hazard of the safety case is proved
(review/safety.py), and every sign-off is checked against its reviewer's key and the rule
as it is now (rulebase/signoff.py)."""

from __future__ import annotations

from pathlib import Path

from spinewise.answers import check_answers
from spinewise.errors import AnswersError
from spinewise.rulebase import rules_folder
from spinewise.rulebase.load import read_rulebase
from spinewise.review.expect import example_answers  # noqa: F401 (where `rules test` finds it too)
from spinewise.rulebase.yamlsource import Problem


def check_rules(rules_dir=None) -> tuple[list[Problem], list[str]]:
    """Every problem in a rule base folder, and lines saying how static verification covered its
    answer space and how the safety case was verified (none if the rule base could not be read)."""
    from spinewise.review.analysis.verify import verify

    # Uncached on purpose: the cache keeps only valid rule bases, without their warnings.
    from spinewise.engine.triage import Triage
    from spinewise.review.safety import hazard_problems, prove_hazards, safety_summary
    from spinewise.rulebase.approval import approval_problems
    from spinewise.rulebase.signoff import signoff_problems
    from spinewise.rulebase.trust import apply_trust

    rulebase, problems = read_rulebase(rules_folder(rules_dir))
    summary = []
    if rulebase is not None:
        rulebase = apply_trust(rulebase)
        invalid = check_examples(rulebase)
        problems.extend(invalid)
        problems.extend(check_checkin_examples(rulebase))
        verification = verify(rulebase)
        problems.extend(verification.problems)
        if verification.coverage:
            summary.append(f"static verification: {verification.coverage}")
        triage = Triage(rulebase)
        if not invalid:
            problems.extend(failing_examples(triage))
        proofs = prove_hazards(rulebase)
        problems.extend(hazard_problems(rulebase, proofs, triage))
        if proofs:
            summary.append(f"safety case: {safety_summary(proofs)}")
        problems.extend(signoff_problems(rulebase))
        problems.extend(approval_problems(rulebase))
        problems.extend(_attention_problems(rulebase, summary))
    from spinewise.review.languages import catalogue_problems

    language_rows, offered = catalogue_problems(rules_folder(rules_dir), rulebase)
    problems.extend(language_rows)
    summary.extend(offered)
    return sorted(problems, key=lambda p: (p.file, p.line)), summary


def _attention_problems(rulebase, summary: list) -> list[Problem]:
    """The clinic's attention hazards (attention.yaml), proved over every state of a lifter."""
    from spinewise.review.attention import attention_problems, attention_summary, prove_attention

    proofs = prove_attention(rulebase)
    if proofs:
        summary.append(f"clinic attention: {attention_summary(proofs)}")
    return attention_problems(rulebase, proofs)


def check_examples(rulebase) -> list[Problem]:
    """Examples whose answers are invalid. An answer missing from `example_baseline` (a new
    question) is one problem there, not one per example."""
    problems, unbaselined = [], {}
    for rule in rulebase.rules:
        for example in rule.examples:
            answers = example_answers(rulebase, example)
            try:
                check = check_answers(rulebase, answers)
                check.raise_problems(missing_allowed=True)
                for qid in check.missing:
                    if qid not in rulebase.baseline:
                        unbaselined.setdefault(qid, []).append(rule.id)
                        continue
                    raise AnswersError(f"no answer to {qid}, which would be asked")
            except AnswersError as exc:
                problems.append(Problem(rule.file, example.line, f"rule {rule.id}: example answers are invalid: {exc}"))
    file = str(Path(rulebase.directory) / "rulebase.yaml")
    line = _line_of(Path(file), "example_baseline:")
    for qid, rule_ids in unbaselined.items():
        question = rulebase.question(qid)
        rules = list(dict.fromkeys(rule_ids))
        problems.append(Problem(file, line, (
            f"example_baseline has no answer to {qid}, which {len(rule_ids)} rule example(s) would be asked "
            f"(in {len(rules)} rule(s): {', '.join(rules)}): add a line `{qid}: ...` under example_baseline "
            f"with the answer of a healthy lifter ({question.describe_allowed()})")))
    return problems


def failing_examples(triage) -> list[Problem]:
    """Every rule example whose result is not what it expects, as an error at the example."""
    from spinewise.review.test import run_tests

    problems = []
    rules = {rule.id: rule for rule in triage.rulebase.rules}
    for outcome in run_tests(triage).outcomes:
        # Check-in rules' examples are reported by check_checkin_examples (their rules are not in `rules`).
        if outcome.status == "fail" and outcome.test.startswith("rule "):
            rule = rules[outcome.test.split()[1]]
            problems.append(Problem(rule.file, int(outcome.where.rsplit(":", 1)[1]), (
                f"{outcome.test} fails: {'; '.join(outcome.problems)} (expected {outcome.expected}; "
                f"`spinewise rules test` shows every example)")))
    return problems


def _line_of(path: Path, text: str) -> int:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1
    return next((number for number, line in enumerate(lines, 1) if line.startswith(text)), 1)


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
