"""Keep a validated rule base between runs, so a cold `spinewise assess` skips YAML and validation.

One cache file per rule folder lives in $XDG_CACHE_HOME/spinewise (default ~/.cache/spinewise),
a folder only the user can enter. A cached rule base is used only when all of these hold,
and anything else (a missing, foreign, corrupt or stale file) is silently rebuilt:

- the folder and file belong to the user and nobody else can read or write them;
- the payload's SHA-256, stored beside it, matches (a torn or damaged file is refused);
- it names the same rule folder, the same loader code and Python, and the same content
  hash as the rule files have right now, so it can never run rules that differ from them;
- it was checked against the same trust file, byte for byte, and the same files of the
  folder (the release approval covers every one), so no sign-off counts that would not now;
- it unpickles to nothing but the rule-base model's and condition trees' own classes (no other
  code can run).
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import stat
import sys
from pathlib import Path

from spinewise import __version__
from spinewise.rulebase import attention, conditions, model
from spinewise.rulebase.digest import content_hash

MAGIC = b"spinewise rule-base cache 1\n"
DISABLE_VARIABLE = "SPINEWISE_NO_CACHE"
MAX_ENTRIES = 32
# Every module whose code shapes the RuleBase read from the files: a change to any of them
# must not reuse a rule base the old code built.
_LOADER_SOURCES = ("conditions.py", "digest.py", "load.py", "load_checkin.py", "load_conditions.py", "load_fields.py", "load_roles.py",
                   "load_rules.py", "load_safety.py", "load_vocabulary.py", "model.py", "operators.py", "shown.py",
                   "signoff.py", "yamlsource.py", "trust.py", "approval.py", "names.py",
                   "attention.py", "load_attention.py", "translations.py")
# The classes a rule base is made of: the model's, the condition trees' (conditions.py) and the
# clinic's attention levels (attention.py).
_MODULES = {module.__name__: module for module in (model, conditions, attention)}
_MODEL_CLASSES = frozenset((module.__name__, name) for module in _MODULES.values()
                           for name, value in vars(module).items()
                           if isinstance(value, type) and value.__module__ == module.__name__)


def load_rulebase_cached(directory) -> model.RuleBase:
    """The rule base in `directory`, from the cache when it provably matches the files."""
    folder = Path(directory)
    if os.environ.get(DISABLE_VARIABLE) or not folder.is_dir():
        return load_rulebase(folder)
    from spinewise.rulebase.trust import trust_key

    trusted = trust_key(folder)  # raises TrustError for a trust file that cannot be read
    try:
        current = content_hash(folder)
        cache = cache_dir()
        slot = cache / f"{_slot_name(folder)}.pickle"
    except (OSError, RuntimeError, KeyError):  # unreadable files, or no home folder to cache in
        return load_rulebase(folder)
    cached = _read(slot, cache)
    if isinstance(cached, model.RuleBase) and cached.content_hash == current and cached.directory == str(folder) \
            and cached.trust_key == trusted:
        return cached
    rulebase = load_rulebase(folder)
    if rulebase.content_hash == current and rulebase.trust_key == trusted:  # nothing changed while they were read
        _write(slot, cache, rulebase)
    return rulebase


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "spinewise"


def _slot_name(folder: Path) -> str:
    """One slot per rule folder and loader version: a rebuilt rule base replaces the stale one."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0{folder}\0".encode())
    for name in _LOADER_SOURCES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:32]


def _private(info: os.stat_result, kind) -> bool:
    return kind(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def _read(slot: Path, cache: Path):
    try:
        if not _private(os.lstat(cache), stat.S_ISDIR):
            return None
        descriptor = os.open(slot, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(descriptor, "rb") as stream:
            if not _private(os.fstat(stream.fileno()), stat.S_ISREG):
                return None
            data = stream.read()
        head, digest, payload = data[:len(MAGIC)], data[len(MAGIC):len(MAGIC) + 64], data[len(MAGIC) + 65:]
        if head != MAGIC or digest != hashlib.sha256(payload).hexdigest().encode():
            return None
        return _ModelUnpickler(io.BytesIO(payload)).load()
    except Exception:  # any unreadable or unexpected cache is rebuilt, never trusted
        return None


def _write(slot: Path, cache: Path, rulebase) -> None:
    import tempfile  # only a cache miss writes

    try:
        payload = pickle.dumps(rulebase, protocol=pickle.HIGHEST_PROTOCOL)
        cache.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(os.lstat(cache), stat.S_ISDIR):
            return
        handle, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=cache)  # created 0600
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
            os.replace(temporary, slot)
        except BaseException:
            os.unlink(temporary)
            raise
        _forget_oldest(cache)
    except Exception:  # e.g. a full disk, or no owner ids on this system: the next run only loses speed
        return


def _forget_oldest(cache: Path) -> None:
    """Keep the newest MAX_ENTRIES rule folders: temporary copies must not pile up for ever."""
    entries = sorted(cache.glob("*.pickle"), key=lambda path: path.stat().st_mtime, reverse=True)
    for stale in entries[MAX_ENTRIES:]:
        stale.unlink(missing_ok=True)


def load_rulebase(folder: Path) -> model.RuleBase:
    from spinewise.rulebase.load import load_rulebase as read_and_validate  # imports YAML: only on a miss

    return read_and_validate(folder)


class _ModelUnpickler(pickle.Unpickler):
    """Rebuilds only rule-base model objects and plain data; refuses every other class."""

    def find_class(self, module, name):
        if (module, name) in _MODEL_CLASSES:
            return getattr(_MODULES[module], name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a rule base")
