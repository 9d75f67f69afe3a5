"""The lifter's journal: one JSON file holding every assessment and check-in, in date order.

The lifter owns it (it can be copied, e-mailed to a physiotherapist, replayed), so it is
plain JSON, written whole or not at all and readable by the owner only. Each entry keeps
its date, answers, result and the rule base's version and hash, and a SHA-256 of its own
content: an entry damaged or edited by hand is named, and the journal is never rewritten
over it. Entries written by an earlier rule base stay readable: they are read, never rerun.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from spinewise.errors import SpinewiseError

FORMAT = "spinewise journal"
VERSION = 1
KINDS = ("assessment", "checkin")
ENTRY_KEYS = ("kind", "date", "answers", "result", "rulebase", "sha256")


class JournalError(SpinewiseError):
    """A journal that cannot be read, or an entry it cannot take: one line, exit status 2."""


@dataclass
class Journal:
    path: Path
    entries: list = field(default_factory=list)  # of dict, oldest first

    @property
    def last(self) -> dict | None:
        return self.entries[-1] if self.entries else None

    def run(self) -> list:
        """The entries since the latest assessment, that assessment first: the program under way."""
        starts = [index for index, entry in enumerate(self.entries) if entry["kind"] == "assessment"]
        return self.entries[starts[-1]:] if starts else []

    def to_json(self) -> dict:
        return {"format": FORMAT, "version": VERSION, "entries": self.entries}


def default_journal_path() -> Path:
    """`$XDG_DATA_HOME/spinewise/journal.json` (default ~/.local/share/spinewise/journal.json)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "spinewise" / "journal.json"


def journal_path(path=None) -> Path:
    return Path(path) if path else default_journal_path()


def read_journal(path, missing_ok: bool = False) -> Journal:
    """The journal at `path`; a missing file is an empty journal when `missing_ok`."""
    from spinewise.i18n import N_

    target = journal_path(path)
    try:
        data = target.read_bytes()
    except FileNotFoundError:
        if missing_ok:
            return Journal(target)
        from spinewise.i18n import gettext

        raise JournalError(gettext("there is no journal at %(path)s: start one with %(command)s") % {
            "path": target, "command": f"`spinewise assess --journal {target}`"}) from None
    except IsADirectoryError:
        raise JournalError(_journal_said(N_("%(journal)s is a folder, not a file"), target)) from None
    except OSError as exc:
        raise JournalError(_journal_said(N_("%(journal)s cannot be read: %(reason)s"), target,
                                         reason=exc.strerror)) from None
    return Journal(target, _entries(data, target))


def read_journal_text(data: bytes, path=None) -> list:
    """The entries of a journal given as bytes (an upload: no path); raises JournalError like read_journal."""
    return _entries(data, path)


def _journal_said(message: str, path, **values) -> str:
    """One of the messages below about the journal at `path` (None: the lifter's upload), in the
    reader's language, with where it is said as the sentence's subject."""
    from spinewise.i18n import gettext

    # Translators: the subject of a sentence about a damaged journal file: its path, or the one uploaded.
    journal = gettext("the journal %(path)s") % {"path": path} if path is not None else gettext("your journal")
    return gettext(message) % {"journal": journal, **values}


def _entries(data: bytes, path) -> list:
    from spinewise.i18n import N_

    if not data.strip():
        raise JournalError(_journal_said(N_("%(journal)s is empty: a spinewise journal starts with %(start)s"), path,
                                         start=f'{{"format": "{FORMAT}"'))
    try:
        value = json.loads(data.decode("utf-8-sig"))  # a byte-order mark, as some editors write, is no damage
    except UnicodeDecodeError:
        raise JournalError(_journal_said(N_("%(journal)s is damaged: it is not a text file; it was left as it is"),
                                         path)) from None
    except json.JSONDecodeError as exc:
        raise JournalError(_journal_said(N_("%(journal)s is damaged: it stops being valid JSON at line %(line)s, "
                                            "column %(column)s; it was left as it is"), path,
                                         line=exc.lineno, column=exc.colno)) from None
    except RecursionError:
        raise JournalError(_journal_said(N_("%(journal)s is damaged: its JSON is nested far deeper than a "
                                            "journal's; it was left as it is"), path)) from None
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise JournalError(_journal_said(N_("%(journal)s is not a spinewise journal (it has no %(format)s); it was "
                                            "left as it is"), path, format=f'"format": "{FORMAT}"'))
    if value.get("version") != VERSION:
        raise JournalError(_journal_said(N_("%(journal)s has version %(found)s; this spinewise reads version "
                                            "%(version)s"), path, found=repr(value.get("version")), version=VERSION))
    entries = value.get("entries")
    if not isinstance(entries, list):
        raise JournalError(_journal_said(N_("%(journal)s is damaged: %(entries)s must be a list; it was left as it "
                                            "is"), path, entries='"entries"'))
    where = f"the journal {path}" if path is not None else "your journal"
    previous = None
    for number, entry in enumerate(entries, 1):
        problem = entry_problem(entry, previous, number)
        if problem:
            label = f"entry {number}"
            if isinstance(entry, dict) and isinstance(entry.get("date"), str):
                label += f" ({entry.get('kind', '?')} of {entry['date']})"
            raise JournalError(f"{where}: {label} {problem}; the journal was left as it is")
        previous = entry
    return entries


def entry_problem(entry, previous, number: int) -> str | None:
    """What is wrong with one entry, or None."""
    if not isinstance(entry, dict):
        return "is not a JSON object"
    missing = [key for key in ENTRY_KEYS if key not in entry]
    if missing:
        return f"lacks {', '.join(missing)}"
    if entry["kind"] not in KINDS:
        return f"has kind {entry['kind']!r} (allowed: {', '.join(KINDS)})"
    if number == 1 and entry["kind"] != "assessment":
        return "is a check-in, but a journal starts with an assessment"
    day = parse_date(entry["date"])
    if day is None:
        return f"has date {entry['date']!r}, which is not a date YYYY-MM-DD"
    if previous is not None and day < parse_date(previous["date"]):
        return f"is dated {entry['date']}, before the entry above it ({previous['date']})"
    shape = _shape_problem(entry)
    if shape:
        return shape
    if entry["sha256"] != entry_digest(entry):
        return "was changed after it was written (its sha256 does not match its content)"
    return None


def _shape_problem(entry: dict) -> str | None:
    """What is of the wrong shape in an entry: what a check-in reads must be what spinewise writes."""
    result = entry["result"]
    if not isinstance(entry["answers"], dict) or not isinstance(result, dict):
        return "has answers or a result that is not a JSON object"
    if not isinstance(result.get("disposition"), str):
        return "has a result without its advice (\"disposition\" must be a code)"
    for name in ("plan", "findings"):
        items = result.get(name, [])
        if not isinstance(items, list) or not all(isinstance(item, dict) and isinstance(item.get("code"), str)
                                                  for item in items):
            return f"has a result whose \"{name}\" is not a list of objects with a \"code\""
    for holder, name in ((result, "checkin"), (entry, "derived")):
        if not isinstance(holder.get(name, {}), dict):
            return f"has \"{name}\" that is not a JSON object"
    if not isinstance(entry["rulebase"], dict):
        return "has \"rulebase\" that is not a JSON object"
    return None


def entry_digest(entry: dict) -> str:
    """SHA-256 of the entry's canonical JSON, without its own sha256."""
    content = {key: value for key, value in entry.items() if key != "sha256"}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_date(text) -> datetime.date | None:
    if not isinstance(text, str) or len(text) != 10:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def new_entry(kind: str, day: datetime.date, answers: dict, result_json: dict, **extra) -> dict:
    """A journal entry for a result (its JSON form), sealed with its digest."""
    result = {key: value for key, value in result_json.items() if key != "answers"}
    entry = {"kind": kind, "date": day.isoformat(), "answers": answers, **extra, "result": result,
             "rulebase": dict(result_json.get("rulebase", {}))}
    entry["sha256"] = entry_digest(entry)
    return entry


def append_entry(journal: Journal, entry: dict) -> None:
    """Add `entry` and write the whole journal (atomically, owner-only); the journal is unchanged on failure."""
    from spinewise.output import write_private

    journal.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_private(journal.path, journal_text(journal.entries + [entry]), what="the journal")
    journal.entries.append(entry)


def journal_text(entries: list) -> str:
    """The journal file's text: one entry per line (easy to read and to diff, and fast to write)."""
    lines = ",\n".join(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) for entry in entries)
    return f'{{"format": "{FORMAT}", "version": {VERSION}, "entries": [\n{lines}\n]}}\n'

