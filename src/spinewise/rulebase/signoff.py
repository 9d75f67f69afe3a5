"""Reviewers and signed sign-offs: reviewers.yaml and signoffs.yaml in the rule folder.

reviewers.yaml lists who may sign (name, role, optional registration, an OpenSSH
ssh-ed25519 public key line). signoffs.yaml is a list of records, one per decision, each
signed with the reviewer's private key over `signed_bytes`: the reviewer, role, date,
decision, note and the SHA-256 of the rule card that was shown (rulebase/shown.py). The
rule id is part of the signed text too, so a record cannot be moved to another rule.

Signatures are Ed25519 through the `cryptography` package (keys read with its OpenSSH
loaders); nothing here is home-made crypto. A record is checked against the files as they
are now: a signature that does not verify, or a reviewer not listed, is an error for
`rules check` and the record counts for nothing; a hash that no longer matches the rule
makes it out of date (a warning) and it counts as not reviewed.
"""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import replace
from pathlib import Path

from spinewise.rulebase.load_fields import Reporter, keys
from spinewise.rulebase.model import DECISIONS, SIGNER_ROLES, Reviewer, SignOff
from spinewise.rulebase.yamlsource import LocatedList

REVIEWERS_FILE = "reviewers.yaml"
SIGNOFFS_FILE = "signoffs.yaml"
RECORD_KEYS = ("rule", "reviewer", "role", "date", "decision", "note", "sha256", "signature")


def signed_bytes(rule: str, reviewer: str, role: str, date: str, decision: str, note: str, sha256: str) -> bytes:
    """The canonical text a sign-off's signature covers (sorted-key JSON, UTF-8)."""
    fields = {"rule": rule, "reviewer": reviewer, "role": role, "date": date, "decision": decision,
              "note": note, "sha256": sha256, "what": "spinewise rule sign-off v1"}
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def public_key(line: str):
    """The Ed25519 key of an OpenSSH public key line; ValueError when it is not one."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_ssh_public_key

    key = load_ssh_public_key(line.strip().encode("ascii", "replace"))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an ssh-ed25519 key")
    return key


def verifies(reviewer: Reviewer, record: SignOff) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        signature = base64.b64decode(record.signature, validate=True)
        public_key(reviewer.public_key).verify(signature, signed_bytes(
            record.rule, record.reviewer, record.role, record.date, record.decision, record.note, record.sha256))
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def read_reviewers(data, report: Reporter) -> list[Reviewer]:
    """The reviewers of reviewers.yaml (None data: the file is absent, nobody may sign)."""
    if data is None:
        return []
    if not keys(report, data, ("reviewers",), what=REVIEWERS_FILE):
        return []
    block = data["reviewers"]
    if block is None:
        return []
    if not isinstance(block, LocatedList):
        report.error(data.line_of("reviewers"), "'reviewers' must be a list (write [] for nobody yet)")
        return []
    reviewers: list[Reviewer] = []
    for index, node in enumerate(block):
        line = block.line_of(index)
        if not keys(report, node, ("name", "role", "public_key"), ("registration",), what="a reviewer"):
            continue
        name, role, key = (str(node[k]).strip() for k in ("name", "role", "public_key"))
        if role not in SIGNER_ROLES:
            report.error(node.line_of("role"), f"reviewer {name}: role {role!r} is not one of {', '.join(SIGNER_ROLES)}")
            continue
        try:
            public_key(key)
        except (ValueError, TypeError):
            report.error(node.line_of("public_key"), f"reviewer {name}: public_key must be one OpenSSH ssh-ed25519 "
                                                     "public key line (the .pub file ssh-keygen -t ed25519 writes)")
            continue
        if any(r.name == name for r in reviewers):
            report.error(line, f"reviewer {name!r} is listed twice")
            continue
        reviewers.append(Reviewer(name, role, key, str(node.get("registration") or ""), line))
    return reviewers


def read_signoffs(data, report: Reporter) -> list[SignOff]:
    """The records of signoffs.yaml as written, not yet checked (`check_signoffs` does that)."""
    if data is None:
        return []
    if not keys(report, data, ("signoffs",), what=SIGNOFFS_FILE):
        return []
    block = data["signoffs"]
    if block is None:
        return []
    if not isinstance(block, LocatedList):
        report.error(data.line_of("signoffs"), "'signoffs' must be a list of records")
        return []
    records = []
    for index, node in enumerate(block):
        if not keys(report, node, RECORD_KEYS, what="a sign-off record"):
            continue
        fields = {key: _plain_text(node[key]) for key in RECORD_KEYS}
        if fields["decision"] not in DECISIONS:
            report.error(node.line_of("decision"), f"sign-off decision {fields['decision']!r} is not one of "
                                                   f"{', '.join(DECISIONS)}")
            continue
        records.append(SignOff(**fields, line=block.line_of(index)))
    return records


def _plain_text(value) -> str:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()  # an unquoted date; the signature still covers its text
    return "" if value is None else str(value)


def check_signoffs(records, reviewers, hashes: dict) -> tuple:
    """Each record with its `state` against the reviewers and the rule cards as they are now."""
    by_name = {reviewer.name: reviewer for reviewer in reviewers}
    checked = []
    for record in records:
        reviewer = by_name.get(record.reviewer)
        if reviewer is None:
            state = "unlisted"
        elif record.role != reviewer.role or not verifies(reviewer, record):
            state = "bad_signature"
        elif record.rule not in hashes:
            state = "no_rule"
        elif hashes[record.rule] != record.sha256:
            state = "out_of_date"
        else:
            state = "valid"
        checked.append(replace(record, state=state, licensed=bool(reviewer and reviewer.licensed)))
    return tuple(checked)


def signoff_problems(rulebase) -> list:
    """`rules check` rows for the sign-offs: errors for bad signatures and unlisted reviewers,
    a warning for each sign-off an edit voided."""
    from spinewise.rulebase.yamlsource import Problem

    file = str(Path(rulebase.directory) / SIGNOFFS_FILE)
    problems = []
    for record in rulebase.signoffs:
        what = f"sign-off of rule {record.rule} by {record.reviewer} on {record.date}"
        if record.state == "unlisted":
            problems.append(Problem(file, record.line, f"{what}: {record.reviewer} is not listed in {REVIEWERS_FILE}; "
                                                       "it counts for nothing"))
        elif record.state == "bad_signature":
            problems.append(Problem(file, record.line, f"{what}: the signature does not verify against "
                                                       f"{record.reviewer}'s key in {REVIEWERS_FILE} (the record was "
                                                       "changed after signing, or signed with another key); it counts "
                                                       "for nothing"))
        elif record.state == "no_rule":
            problems.append(Problem(file, record.line, f"{what}: there is no rule {record.rule} any more",
                                    "warning"))
        elif record.state == "out_of_date" and record.licensed and record.decision == "approve":
            problems.append(Problem(file, record.line, (
                f"{what} is out of date: rule {record.rule} or a text it shows was edited since, so it counts as not "
                f"reviewed until a clinician signs it again (spinewise rules review --rule {record.rule})"), "warning"))
    return problems


def record_yaml(record: SignOff) -> str:
    """One record as a YAML list item, every text quoted (JSON strings are valid YAML)."""
    lines = [f"  - rule: {json.dumps(record.rule)}"]
    lines += [f"    {key}: {json.dumps(getattr(record, key), ensure_ascii=False)}" for key in RECORD_KEYS[1:]]
    return "\n".join(lines) + "\n"


def append_records(folder: Path, records) -> None:
    """Add records to signoffs.yaml, creating it when absent; the file is replaced whole."""
    import os
    import tempfile

    path = Path(folder) / SIGNOFFS_FILE
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if not text.endswith("\n"):
            text += "\n"
        if text.rstrip().endswith("signoffs: []"):
            text = text.rstrip()[:-2].rstrip() + "\n"
    else:
        text = SIGNOFFS_HEADER
    text += "".join(record_yaml(record) for record in records)
    handle, temporary = tempfile.mkstemp(prefix=".signoffs.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


SIGNOFFS_HEADER = """\
# Signed review decisions, written by `spinewise rules review` (see README.md in this folder).
# Do not edit by hand: each signature covers the rule, reviewer, role, date, decision, note
# and the SHA-256 of what the reviewer was shown, so any change makes the record count for
# nothing and `rules check` report it.
signoffs:
"""
