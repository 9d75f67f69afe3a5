"""What every part of the loader shares: where problems go, and reading one field of an entry.

A `Reporter` is the list of problems and the file they are reported against; `at(file)`
gives a reporter for another file that adds to the same list. The readers below check
one field of a YAML mapping and report what is wrong, in the words the messages use.
"""

from __future__ import annotations

import datetime

from spinewise.rulebase.yamlsource import Located, LocatedList, Problem


class Reporter:
    def __init__(self, problems: list, file: str):
        self.problems, self.file = problems, file

    def at(self, file) -> "Reporter":
        return Reporter(self.problems, str(file))

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message, "warning"))

    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def keys(report: Reporter, node, required, optional=(), what="this entry") -> bool:
    """Whether `node` is a mapping with every required key and no unknown one; reports each that is not."""
    if not isinstance(node, Located):
        report.error(getattr(node, "line", 1), f"{what} must be a mapping with keys {', '.join(required)}")
        return False
    ok = True
    for key in node:
        if key not in required and key not in optional:
            allowed = ", ".join(list(required) + list(optional))
            hint = did_you_mean(key, list(required) + list(optional)) or (QUOTE_HINT if node[key] is None else "")
            report.error(node.line_of(key), f"unknown key {key!r} in {what} (allowed: {allowed}){hint}")
            ok = False
    for key in required:
        if key not in node:
            report.error(node.line, f"{what} is missing {key!r}")
            ok = False
    return ok


def code(report: Reporter, node: Located) -> bool:
    """A vocabulary entry's `code` must be a plain word; reports it otherwise."""
    if isinstance(node["code"], str) and node["code"]:
        return True
    report.error(node.line_of("code"), f"code {shown(node['code'])} must be a word such as severe_pain")
    return False


def text(report: Reporter, node: Located, key: str, what: str, required: bool = True) -> str:
    value = node.get(key)
    if value is None:
        if required and key in node:
            report.error(node.line_of(key), f"{what}: {key!r} must not be empty")
        return ""
    if isinstance(value, (datetime.date, int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value.strip():
        report.error(node.line_of(key), f"{what}: {key!r} must be text")
        return ""
    return value.strip()


def listed(report: Reporter, node: Located, key: str, what: str) -> LocatedList:
    value = node.get(key)
    if value is None:
        return LocatedList()
    if not isinstance(value, LocatedList):
        report.error(node.line_of(key), f"{what}: {key!r} must be a list")
        return LocatedList()
    return value


def known(table, name) -> bool:
    """Whether `name`, as written in a rule file, is one of `table`'s names (a list or mapping never is)."""
    return isinstance(name, (str, int, float, bool)) and name in table


def did_you_mean(name, options) -> str:
    """" (did you mean 'fever'?)" for a name close to one of `options`, else ""."""
    import difflib

    if not isinstance(name, str):
        return ""
    close = difflib.get_close_matches(name, [str(option) for option in options], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


QUOTE_HINT = ("; if it is part of a text that contains a comma or a colon, put the whole text in quotes "
              "(\"Left, along the spine\")")


def shown(name) -> str:
    """`name` for a message: quoted, or what was written where a name belongs."""
    if isinstance(name, (list, dict)):
        return f"({'a list' if isinstance(name, list) else 'a mapping'} where a name belongs)"
    return repr(name)


def is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def plain(value):
    """YAML data without the line bookkeeping, dates as ISO text."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
