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
