"""Write reports whole or not at all, readable by the owner only: they hold health data."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from spinewise.errors import OutputError


def write_private(path, data: str | bytes, what: str = "the report") -> None:
    """Write `data` to `path` atomically (temporary file in the same folder, then rename), mode 0600."""
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if target.is_dir():
        raise OutputError(f"cannot write {what} to {target}: it is a folder; give a file name")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {what} to {target}: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except BaseException as exc:
        _remove_quietly(temporary)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {what} to {target}: {exc.strerror}") from None
        raise


def open_private_stream(path):
    """A text stream to a new file at `path` with mode 0600 (for streamed batch output)."""
    target = Path(path)
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.chmod(target, 0o600)
    except OSError as exc:
        raise OutputError(f"cannot write to {target}: {exc.strerror}") from None
    return os.fdopen(descriptor, "w", encoding="utf-8", newline="\n")


def _remove_quietly(path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
