"""The library calls behind the review commands: rules check, doc, test, diff and questions."""

from __future__ import annotations

from pathlib import Path

from spinewise.paths import default_rules_dir


def rules_folder(rules_dir=None) -> Path:
    return Path(rules_dir) if rules_dir else default_rules_dir()


def check_rules(rules_dir=None) -> tuple:
    """Every problem in a rule base folder, and how static verification covered its answer space."""
    from spinewise.rulebase.check import check_rulebase_verified

    return check_rulebase_verified(rules_folder(rules_dir))


def test_rules(rules_dir=None, cases_path=None, include_draft: bool = False):
    """Run every rule's examples and the cases in `cases_path`; a TestRun."""
    from spinewise.api import load_triage
    from spinewise.review.runner import run_tests

    return run_tests(load_triage(rules_folder(rules_dir), include_draft), cases_path)


def render_test_run(run, fmt: str) -> str:
    import dataclasses
    import json

    from spinewise.review.render import render
    from spinewise.review.runner import table_view

    if fmt == "json":
        data = {"passed": run.count("pass"), "failed": run.count("fail"), "skipped": run.count("skip"),
                "tests": [dataclasses.asdict(outcome) for outcome in run.outcomes]}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return render("rules-test.txt.j2", "text", table=table_view(run))


def diff_rules(old_dir, new_dir, cases_path=None, include_draft: bool = False):
    """What changes between two rule bases, on saved cases or on a generated covering set."""
    from spinewise.api import load_triage
    from spinewise.review.diff import diff_cases, diff_generated

    old, new = load_triage(old_dir, include_draft), load_triage(new_dir, include_draft)
    return diff_cases(old, new, cases_path) if cases_path else diff_generated(old, new)


def render_diff(report, fmt: str, generated: bool) -> str:
    import json

    from spinewise.review.diff import diff_json, diff_view
    from spinewise.review.render import render

    if fmt == "json":
        return json.dumps(diff_json(report), indent=2, ensure_ascii=False) + "\n"
    return render("rules-diff.txt.j2", "text", diff=diff_view(report, generated))


def rulebook(rules_dir=None, fmt: str = "markdown") -> str:
    """The rulebook of a rule base, as Markdown or printable HTML."""
    from spinewise.review.render import render
    from spinewise.review.rulebook import build_rulebook
    from spinewise.review.verify import verify
    from spinewise.rulebase.load import load_rulebase

    rulebase = load_rulebase(rules_folder(rules_dir))
    book = build_rulebook(rulebase, verify(rulebase))
    return render(f"rulebook.{'html' if fmt == 'html' else 'md'}.j2", fmt, book=book)


def questions(rules_dir=None, fmt: str = "json") -> str:
    """The question vocabulary as JSON (for other tools) or a Markdown table."""
    import json

    from spinewise.review.render import render
    from spinewise.review.vocabulary import questions_data
    from spinewise.rulebase.load import load_rulebase

    data = questions_data(load_rulebase(rules_folder(rules_dir)))
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return render("questions.md.j2", "markdown", data=data)
