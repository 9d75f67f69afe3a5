"""Checking a language's catalogues: every message translated, nothing fuzzy, every placeholder kept.

A language is offered only when both its catalogues pass (contract, "Words and languages").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spinewise.i18n import PACKAGE_DOMAIN, PACKAGE_LOCALE, RULES_DOMAIN, SOURCE, catalogue_path, normal

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|\{(\w+)\}")
COUNTS = {"count", "n"}  # a plural's singular form may say "once" instead of the number


@dataclass(frozen=True)
class CatalogueProblem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def placeholders(text: str) -> set:
    return {a or b for a, b in PLACEHOLDER.findall(text or "")}


def _short(text) -> str:
    text = text[0] if isinstance(text, (tuple, list)) else text
    text = normal(text)
    return text if len(text) <= 70 else text[:67] + "..."


def check_po(path: Path, required=()) -> list[CatalogueProblem]:
    """Problems of one PO file; `required`: (context, msgid) pairs that must be in it."""
    from babel.messages.pofile import read_po

    name = str(path)
    if not path.is_file():
        return [CatalogueProblem(name, 1, "missing catalogue")]
    try:
        with open(path, "rb") as handle:
            catalog = read_po(handle)
    except Exception as exc:  # noqa: BLE001 - any parse failure is one problem with the file
        return [CatalogueProblem(name, 1, f"cannot read the catalogue: {exc}")]
    problems, present = [], set()
    for message in catalog:
        if not message.id:
            continue
        key_id = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
        present.add((message.context, normal(key_id)))
        line = message.lineno or 1
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if message.fuzzy:
            problems.append(CatalogueProblem(name, line, f"fuzzy (not yet checked), never used: {_short(message.id)!r}"))
        elif not all(strings):
            problems.append(CatalogueProblem(name, line, f"not translated: {_short(message.id)!r}"))
        else:
            sources = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
            wanted = set().union(*(placeholders(s) for s in sources))
            for index, string in enumerate(strings):
                got = placeholders(string)
                missing = wanted - got - (COUNTS if index == 0 and len(strings) > 1 else set())
                extra = got - wanted
                if missing or extra:
                    said = ", ".join([f"drops {{{m}}}" for m in sorted(missing)] + [f"adds {{{e}}}" for e in sorted(extra)])
                    problems.append(CatalogueProblem(name, line, f"{said} of {_short(message.id)!r}"))
    for context, msgid in required:
        if (context, normal(msgid)) not in present:
            problems.append(CatalogueProblem(name, 1, f"not in the catalogue: {_short(msgid)!r}"
                                                      + (f" (context {context})" if context else "")))
    return problems


def languages_with_catalogues(rules_folder=None) -> list[str]:
    """The languages the package has a catalogue for (and, given a rule folder, that it has one for too)."""
    if not PACKAGE_LOCALE.is_dir():
        return []
    langs = sorted(p.name for p in PACKAGE_LOCALE.iterdir() if (p / "LC_MESSAGES" / f"{PACKAGE_DOMAIN}.po").is_file())
    if rules_folder is None:
        return langs
    return [lang for lang in langs if catalogue_path(lang, RULES_DOMAIN, rules_folder).is_file()]


def language_problems(lang: str, rules_folder, required=()) -> list[CatalogueProblem]:
    return check_po(catalogue_path(lang, PACKAGE_DOMAIN)) + \
        check_po(catalogue_path(lang, RULES_DOMAIN, rules_folder), required)


def offered(rules_folder) -> tuple:
    """English, and each language whose catalogues (package and this rule folder) pass the check."""
    return _offered(str(rules_folder), _stamp(rules_folder))


def _stamp(rules_folder) -> tuple:
    paths = [catalogue_path(lang, d, rules_folder) for lang in languages_with_catalogues(rules_folder)
             for d in (PACKAGE_DOMAIN, RULES_DOMAIN)]
    return tuple((str(p), p.stat().st_mtime_ns if p.exists() else 0) for p in paths)


@lru_cache(maxsize=8)
def _offered(rules_folder: str, stamp: tuple) -> tuple:  # noqa: ARG001 - stamp keys the cache
    return (SOURCE,) + tuple(lang for lang in languages_with_catalogues(rules_folder)
                             if lang != SOURCE and not language_problems(lang, rules_folder))
