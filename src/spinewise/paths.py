"""Where the shipped rule base and templates are, installed or in a source checkout."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def _shipped(name: str) -> Path:
    installed = _PACKAGE / "_shipped" / name
    if installed.is_dir():
        return installed
    return _CHECKOUT / name


def default_rules_dir() -> Path:
    return _shipped("rules")


def templates_dir() -> Path:
    return _shipped("templates")
