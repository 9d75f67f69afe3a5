"""Failing closed: a rule base that `rules check` finds errors in gives no advice.

`assess`, `checkin`, `batch` and `serve` ask `refuse_broken_rules` first. Running the
whole check (the safety case's proofs, every example, every signature) at each start-up
would cost most of a second, so its verdict is kept in the user's cache, keyed by
everything it was worked out from: the rule files (content hash), the trust file and every
file of the folder (trust_key), and the code that checks them. A run of `rules check`
stores its verdict too. The cache folder is the rule cache's, which only its owner can
enter; a verdict file that is not private, or unreadable, is worked out again.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from spinewise.errors import SpinewiseError

_CHECKED_PACKAGES = ("review", "rulebase", "engine", "checkin")
_SHOWN = 2  # errors named on the one line
_LONGEST = 200  # characters of each


class BrokenRules(SpinewiseError):
    """The rule base has errors: no advice is given from it."""


def refuse_broken_rules(rules_dir=None) -> None:
    """Raise BrokenRules naming the first errors when `rules check` finds any in the rule base."""
    from spinewise.rulebase import rules_folder

    from spinewise.rulebase import load_rulebase_cached

    folder = rules_folder(rules_dir)
    load_rulebase_cached(folder)  # a rule base that cannot even be read says so in the loader's words
    errors = cached_errors(folder)
    if errors is None:
        problems, _ = check_and_keep(folder)
        errors = [str(p) for p in problems if p.severity == "error"]
    if errors:
        more = f" and {len(errors) - _SHOWN} more" if len(errors) > _SHOWN else ""
        named = "; ".join(error if len(error) <= _LONGEST else error[:_LONGEST - 3].rstrip() + "..."
                          for error in errors[:_SHOWN])
        raise BrokenRules(f"the rule base in {folder} has errors, so it gives no advice: {named}{more}; "
                          f"spinewise rules check {folder} lists every problem")


def check_and_keep(rules_dir=None) -> tuple:
    """`rules check` (review/check.py), its verdict kept for the commands that give advice."""
    from spinewise.review.check import check_rules
    from spinewise.rulebase import rules_folder

    problems, summary = check_rules(rules_dir)
    store_verdict(rules_folder(rules_dir), [str(p) for p in problems if p.severity == "error"])
    return problems, summary


def _slot(folder: Path) -> Path | None:
    from spinewise.rulebase.cache import cache_dir
    from spinewise.rulebase.digest import content_hash
    from spinewise.rulebase.trust import trust_key

    try:
        digest = hashlib.sha256(content_hash(folder).encode() + b"\0" + trust_key(folder).encode() + b"\0"
                                + _code_version().encode())
        return cache_dir() / "verdicts" / digest.hexdigest()[:40]
    except (OSError, RuntimeError, KeyError):
        return None


def _code_version() -> str:
    from spinewise import __version__

    root = Path(__file__).resolve().parent.parent
    parts = [__version__]
    for package in _CHECKED_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            info = path.stat()
            parts.append(f"{path.name}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def cached_errors(folder: Path) -> list | None:
    """The errors of the stored verdict ([] for a clean rule base), or None when there is none to trust."""
    slot = _slot(folder)
    if slot is None:
        return None
    try:
        for place in (slot.parent.parent, slot.parent):
            if not _private(os.lstat(place), stat.S_ISDIR):
                return None
        descriptor = os.open(slot, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(descriptor, "r", encoding="utf-8") as stream:
            if not _private(os.fstat(stream.fileno()), stat.S_ISREG):
                return None
            text = stream.read()
    except OSError:
        return None
    head, _, rest = text.partition("\n")
    if head == "clean":
        return []
    if head == "errors":
        return [line for line in rest.splitlines() if line]
    return None


def store_verdict(folder: Path, errors: list) -> None:
    """Keep `rules check`'s verdict; any failure only costs the next start-up a check."""
    import tempfile

    slot = _slot(Path(folder))
    if slot is None or os.environ.get("SPINEWISE_NO_CACHE"):
        return
    try:
        # parents=True would make the cache folder itself with the umask's mode, and a verdict in a
        # folder others can enter is never trusted: each level is made owner-only.
        slot.parent.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        slot.parent.mkdir(mode=0o700, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=slot.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write("errors\n" + "".join(f"{e}\n" for e in errors) if errors else "clean\n")
        os.replace(temporary, slot)
    except OSError:
        return


def _private(info: os.stat_result, kind) -> bool:
    return kind(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077
