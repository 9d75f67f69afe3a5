"""The content hash of a rule-base folder: what a result cites and what the rule cache is keyed by.

Kept apart from the loader so that hashing a folder does not import YAML.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def content_hash(directory: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(directory).glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


APPROVAL_FILE = "approval.yaml"


def release_digest(directory: Path) -> str:
    """The SHA-256 a release approval signs: every file of the rule folder, at any depth, by its path
    inside the folder, approval.yaml itself aside."""
    folder = Path(directory)
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if relative == APPROVAL_FILE:
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
