"""The clinic's trust file: whose signatures count, kept outside the rule folder it vouches for.

In the manner of git's allowed signers: `--trust FILE` (which the command line puts in
SPINEWISE_TRUST), else SPINEWISE_TRUST, else $XDG_CONFIG_HOME/spinewise/trust.yaml. A
top-level `people:` list, each with name, role, registration, public_key (an OpenSSH
ssh-ed25519 line), optional languages, approves (a clinical safety officer) and
valid_after / valid_before dates. A trust file inside the rule folder is refused; without
a trust file nothing counts as clinically reviewed or approved.

Names are compared after Unicode NFKC normalisation and case folding, so "Jane Doe" typed
with a non-breaking space is the same person; two entries whose names merely look alike
(the same letters once accents, invisible characters and look-alike letters of other
scripts are set aside) are refused, as is a name that mixes scripts.

`apply_trust` works out everything that depends on the trust file: each sign-off's state
and the release approval's.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import unicodedata
from dataclasses import replace
from pathlib import Path

from spinewise.errors import SpinewiseError
from spinewise.rulebase.model import SIGNER_ROLES, Reviewer
from spinewise.rulebase.names import person_named, same_name, scripts, skeleton  # noqa: F401 (same_name: re-exported)

TRUST_VARIABLE = "SPINEWISE_TRUST"
PERSON_KEYS = ("name", "role", "registration", "public_key")
OPTIONAL_KEYS = ("languages", "approves", "valid_after", "valid_before")



class TrustError(SpinewiseError):
    """The trust file cannot be used: missing, inside the rule folder, or with a wrong entry."""


def trust_path(rules_folder=None) -> Path | None:
    """The trust file to read, or None when there is none (only the default place may be absent)."""
    given = os.environ.get(TRUST_VARIABLE, "")
    if given:
        path = Path(given).expanduser()
        if not path.is_file():
            raise TrustError(f"the trust file {given} ({TRUST_VARIABLE} or --trust) does not exist or is not a file")
    else:
        base = os.environ.get("XDG_CONFIG_HOME", "")
        root = Path(base) if os.path.isabs(base) else Path.home() / ".config"
        path = root / "spinewise" / "trust.yaml"
        if not path.is_file():
            return None
    if rules_folder is not None and path.resolve().is_relative_to(Path(rules_folder).resolve()):
        raise TrustError(f"the trust file {path} is inside the rule folder {rules_folder}, which it would vouch for: "
                         "keep it where only the clinic edits it (e.g. ~/.config/spinewise/trust.yaml)")
    return path


def trust_key(folder) -> str:
    """What every trust-dependent field of a rule base is worked out from: the trust file's place and
    bytes, the digest of every file of the rule folder (the approval covers them all), and the
    package's catalogues (a translation's sign-off covers them too)."""
    from spinewise.i18n import PACKAGE_LOCALE
    from spinewise.rulebase.digest import release_digest

    path = trust_path(folder)
    digest = hashlib.sha256()
    if path is not None:
        digest.update(str(path.resolve()).encode() + b"\0" + path.read_bytes())
    digest.update(b"\0" + release_digest(folder).encode())
    for po in sorted(PACKAGE_LOCALE.glob("*/LC_MESSAGES/*.po")):
        digest.update(b"\0" + po.relative_to(PACKAGE_LOCALE).as_posix().encode() + b"\0" + po.read_bytes())
    return digest.hexdigest()


def read_trust(folder) -> tuple[Path | None, tuple]:
    """(the trust file, its people); raises TrustError naming every problem."""
    path = trust_path(folder)
    if path is None:
        return None, ()
    from spinewise.rulebase.load_fields import Reporter
    from spinewise.rulebase.yamlsource import YamlFileError, load_yaml

    report = Reporter([], str(path))
    try:
        data = load_yaml(path, str(path))
    except YamlFileError as exc:
        raise TrustError(f"the trust file is refused: {exc.problem}") from None
    people = _people(data, report)
    errors = [p for p in report.problems if p.severity == "error"]
    if errors:
        raise TrustError("the trust file is refused: " + "; ".join(str(p) for p in errors))
    return path, tuple(people)


def _people(data, report) -> list:
    from spinewise.rulebase.load_fields import keys
    from spinewise.rulebase.signoff import public_key
    from spinewise.rulebase.yamlsource import LocatedList

    if not keys(report, data, ("people",), what="the trust file"):
        return []
    block = data["people"]
    if block is None:
        return []
    if not isinstance(block, LocatedList):
        report.error(data.line_of("people"), "'people' must be a list of people (write [] for nobody yet)")
        return []
    people: list[Reviewer] = []
    for index, node in enumerate(block):
        if not keys(report, node, PERSON_KEYS, OPTIONAL_KEYS, what="a person"):
            continue
        name, role, registration, key = (str(node[k] or "").strip() for k in PERSON_KEYS)
        line = block.line_of(index)
        if role not in SIGNER_ROLES:
            report.error(node.line_of("role"), f"{name}: role {role!r} is not one of {', '.join(SIGNER_ROLES)}")
            continue
        try:
            public_key(key)
        except (ValueError, TypeError):
            report.error(node.line_of("public_key"), f"{name}: public_key must be one OpenSSH ssh-ed25519 public "
                                                     "key line (the .pub file ssh-keygen -t ed25519 writes)")
            continue
        if not name or len(scripts(name)) > 1 or any(unicodedata.category(ch) == "Cf" for ch in name):
            report.error(node.line_of("name"), f"name {name!r} mixes scripts or holds invisible characters: "
                                               "write it in one script")
            continue
        dates = [_date(report, node, k) for k in ("valid_after", "valid_before")]
        languages = node.get("languages") or []
        if not isinstance(languages, list) or not all(isinstance(lang, str) for lang in languages):
            report.error(node.line_of("languages"), f"{name}: languages must be a list of language tags like [en, es]")
            continue
        person = Reviewer(unicodedata.normalize("NFKC", name), role, key, registration, line, tuple(languages),
                          node.get("approves") is True, *dates)
        clash = _clash(person, people)
        if clash:
            report.error(line, clash)
            continue
        people.append(person)
    return people


def _clash(person: Reviewer, people: list) -> str:
    for other in people:
        if skeleton(other.name) != skeleton(person.name):
            continue
        if other.name != person.name:
            return (f"{person.name!r} looks like {other.name!r} (line {other.line}) but is not the same name: two "
                    "people whose names look the same are refused")
        if (other.role, other.registration) != (person.role, person.registration):
            return (f"{person.name!r} is listed twice with a different role or registration (line {other.line}): "
                    "a person's later key repeats the same name, role and registration")
    return ""


def _date(report, node, key: str) -> str:
    value = node.get(key)
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    try:
        return datetime.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        report.error(node.line_of(key), f"{key} must be a date like 2026-12-01, not {value!r}")
        return ""


def apply_trust(rulebase, folder=None):
    """The rule base with its sign-offs and approval checked against the clinic's trust file."""
    from spinewise.rulebase.approval import check_approval, read_approval
    from spinewise.rulebase.signoff import check_signoffs

    folder = Path(folder or rulebase.directory)
    path, people = read_trust(folder)
    trusted = path is not None
    signoffs = check_signoffs(rulebase.signoffs, people, rulebase.rule_hashes, trusted)
    approval = check_approval(read_approval(folder), people, folder, trusted)
    return replace(rulebase, reviewers=people, signoffs=signoffs, trust=trusted,
                   trust_file=str(path) if path else "", approval=approval, trust_key=trust_key(folder))
