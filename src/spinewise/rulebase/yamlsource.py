"""Read YAML rule files as plain data that remembers the line of every key and item.

Only YAML's safe subset is read (no Python objects, no tags that run code). Mappings
come back as `Located` dicts and sequences as `LocatedList`, so a problem found later
can still be reported as `file:line: message`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.where}{self.message}"

    @property
    def where(self) -> str:
        """"file:line: ", or "" for a problem about something absent (no file, no line to point at)."""
        return f"{self.file}:{self.line}: " if self.file else ""


class Located(dict):
    """A YAML mapping: `line` is where it starts, `lines[key]` where each key is."""

    line = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines: dict = {}

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class LocatedList(list):
    line = 0

    def __init__(self, *args):
        super().__init__(*args)
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if index < len(self.lines) else self.line


class DuplicateKey(yaml.MarkedYAMLError):
    pass


class _Loader(_Base):
    pass


def _construct_mapping(loader, node):
    mapping = Located()
    mapping.line = node.start_mark.line + 1
    yield mapping
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)):
            raise DuplicateKey(None, None, "a key must be a plain word", key_node.start_mark)
        if key in mapping:
            raise DuplicateKey(None, None, f"key {key!r} appears twice in this mapping", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = key_node.start_mark.line + 1


def _construct_sequence(loader, node):
    sequence = LocatedList()
    sequence.line = node.start_mark.line + 1
    yield sequence
    for item in node.value:
        sequence.append(loader.construct_object(item, deep=True))
        sequence.lines.append(item.start_mark.line + 1)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


class YamlFileError(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def _hint(message: str) -> str:
    if "twice" in message or "plain word" in message:
        return ""
    return ("; a text that contains a colon, a comma inside { } or [ ], or starts with a quote or a dash "
            "must be put in quotes: label: \"Left side: along the spine\"")


def _empty_list_hint(text: str, line: int) -> str:
    """Advice when entries were added below a list written empty (`reviewers: []`, `people: []`)."""
    lines = text.splitlines()
    before = [row for row in lines[:max(line - 1, 0)] if row.strip() and not row.lstrip().startswith("#")]
    here = lines[line - 1].lstrip() if 0 < line <= len(lines) else ""
    following = any(row.lstrip().startswith("- ") for row in lines[line - 1:line + 1])
    if before and before[-1].rstrip().endswith("[]") and (following or here.startswith("-")):
        key = before[-1].split(":")[0].strip()
        return (f"; `{key}: []` says the list is empty, so the entries below it cannot be read: "
                f"write `{key}:` alone on its line, with each entry below it starting with '- '")
    return ""


def load_yaml(path: Path, display_name: str | None = None):
    """Parse one YAML file; any syntax or encoding problem becomes YamlFileError."""
    name = display_name or str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlFileError(Problem(name, 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")) from None
    except OSError as exc:
        raise YamlFileError(Problem(name, 1, f"cannot read the file: {exc.strerror}")) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        hint = _empty_list_hint(text, line) or _hint(message)
        raise YamlFileError(Problem(name, line, f"YAML syntax: {message}{hint}")) from None
    except yaml.YAMLError as exc:
        raise YamlFileError(Problem(name, 1, f"YAML syntax: {exc}")) from None
    except RecursionError:
        raise YamlFileError(Problem(name, 1, "YAML nesting is too deep")) from None
