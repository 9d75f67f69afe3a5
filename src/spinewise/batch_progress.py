"""The progress bar of `spinewise batch`: drawn on a terminal only, measured in input bytes."""

from __future__ import annotations

import contextlib
import os
import stat
import sys

import click


@contextlib.contextmanager
def batch_progress(input_path: str, output_path: str):
    """Yield a callback taking the input bytes done, or None when no bar should be drawn."""
    size = _input_size(input_path)
    results_on_terminal = output_path == "-" and sys.stdout.isatty()
    if not size or results_on_terminal or not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(length=size, label="assessing", file=sys.stderr) as bar:
        yield bar.update


def _input_size(path: str) -> int:
    if path == "-":
        return 0
    try:
        info = os.stat(path)
    except OSError:
        return 0
    return info.st_size if stat.S_ISREG(info.st_mode) else 0
