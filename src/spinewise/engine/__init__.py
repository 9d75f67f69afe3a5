"""The experta engine: compile a rule base, assess answers (triage.py).

`load_triage` is the one way a command gets a compiled engine: built once per process
and rule folder, from the cached rule base. experta is imported only on first use.
"""

from __future__ import annotations

import functools


def load_triage(rules_dir=None, include_draft: bool = False):
    """The compiled engine for a rule base (default: the shipped one), built once per process and reused."""
    from spinewise.rulebase import rules_folder

    return _triage(str(rules_folder(rules_dir).resolve()), include_draft)


@functools.lru_cache(maxsize=8)
def _triage(folder: str, include_draft: bool):
    from spinewise.engine.triage import Triage
    from spinewise.rulebase import load_rulebase_cached

    return Triage(load_rulebase_cached(folder), include_draft)
