"""The rule base: read a folder of YAML rule files into immutable values.

Every command that needs a rule base loads it through `load_rulebase_cached` here
(validated once, then kept in the user's cache while the files are unchanged). Only
`rules check` reads uncached, through `load.read_rulebase`, because it wants the list of
problems, warnings included, that a cached (valid) rule base no longer carries.

Nothing is imported at the top of this module: `spinewise --help` stays fast and a cache
hit never imports YAML.
"""

from __future__ import annotations

from pathlib import Path


def rules_folder(rules_dir=None) -> Path:
    """The folder given, else the shipped rule base."""
    from spinewise.paths import default_rules_dir

    return Path(rules_dir) if rules_dir else default_rules_dir()


def load_rulebase_cached(rules_dir=None):
    """The validated rule base in `rules_dir` (default: the shipped one); raises RuleBaseError."""
    from spinewise.rulebase.cache import load_rulebase_cached as load

    return load(rules_folder(rules_dir))
