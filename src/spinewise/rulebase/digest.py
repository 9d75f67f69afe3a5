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
