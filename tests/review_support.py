"""Helpers for the review tests: deliberately broken copies of the shipped rule base."""

from conftest import edit, line_of  # noqa: F401 (re-exported for the review tests)

RULE_TEMPLATE = """
  - id: {id}
    title: {title}
    version: "1.0"
    status: {status}
    author: review tests
    reviewer: review tests
    reviewer_role: engineering
    review_date: 2026-11-24
    source: NICE guideline NG59
    rationale: Added by a test to break the rule base on purpose.
    when:
{when}
    then:
{then}
    examples:
      - given: {given}
        expect: {{}}
"""


def add_rule(folder, rule_id, when, then, given="{}", status="approved", title="Test rule"):
    """Append a rule to a topic file of its own (70-extra.yaml), indenting `when`/`then` lines."""
    path = folder / "70-extra.yaml"
    if not path.exists():
        path.write_text("topic: Extra rules added by a test\nrules:\n")
    indent = lambda block: "\n".join("      " + line for line in block.strip().splitlines())
    path.write_text(path.read_text() + RULE_TEMPLATE.format(
        id=rule_id, title=title, status=status, when=indent(when), then=indent(then), given=given))
    return path
