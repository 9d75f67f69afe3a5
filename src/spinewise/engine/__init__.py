"""The experta engine: compile a rule base, assess answers (triage.py).

`load_triage` is the one way a command gets a compiled engine: built once per process
and rule folder, from the cached rule base. experta is imported only on first use.
"""

from __future__ import annotations

import functools


def load_triage(rules_dir=None, include_draft: bool = False):
    """The compiled engine for a rule base (default: the shipped one), built once per process and reused."""
    from spinewise.rulebase import rules_folder
    from spinewise.rulebase.digest import content_hash
    from spinewise.rulebase.trust import trust_key

    folder = rules_folder(rules_dir).resolve()
    if not folder.is_dir():
        return _triage(str(folder), include_draft, "", "")
    # Keyed by what it was built from: an edited rule file or trust file builds it again.
    return _triage(str(folder), include_draft, content_hash(folder), trust_key(folder))


@functools.lru_cache(maxsize=8)
def _triage(folder: str, include_draft: bool, content: str, trusted: str):  # noqa: ARG001 - cache keys
    from spinewise.engine.triage import Triage
    from spinewise.rulebase import load_rulebase_cached

    return Triage(load_rulebase_cached(folder), include_draft)
