"""Signed sign-offs: signoffs.yaml in the rule folder, a chain of signed records.

Who may sign is the clinic's decision, in its trust file outside the rule folder
(rulebase/trust.py); reviewers.yaml decides nothing any more. signoffs.yaml is a list of
records, one per decision, each signed with the reviewer's private key over
`signed_bytes`: the rule, reviewer, role, registration, date, decision, note, the SHA-256
of the rule card that was shown (rulebase/shown.py), whether it was given in bulk
(`--yes`), the request for changes it resolves, and the digest of the record before it.
So the records form a chain: a record removed, moved or edited breaks the link of the one
after it, and `rules check` names it.

Signatures are Ed25519 through the `cryptography` package (keys read with its OpenSSH
loaders); nothing here is home-made crypto. The chain is checked when the rule base is
read; the signatures are checked against the trust file (`check_signoffs`): a signature
that does not verify, a broken chain, or a signer not in the trust file is an error for
`rules check` and the record counts for nothing; a hash that no longer matches the rule
makes it out of date (a warning) and it counts as not reviewed.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
from dataclasses import replace
from pathlib import Path

from spinewise.rulebase.load_fields import Reporter, keys
from spinewise.rulebase.model import DECISIONS, SignOff
from spinewise.rulebase.yamlsource import LocatedList

REVIEWERS_FILE = "reviewers.yaml"
SIGNOFFS_FILE = "signoffs.yaml"
RECORD_KEYS = ("rule", "reviewer", "role", "registration", "date", "decision", "note", "sha256", "bulk",
               "resolves", "previous", "signature")


def signed_bytes(record: SignOff) -> bytes:
    """The canonical text a sign-off's signature covers (sorted-key JSON, UTF-8)."""
    fields = {"rule": record.rule, "reviewer": record.reviewer, "role": record.role,
              "registration": record.registration, "date": record.date, "decision": record.decision,
              "note": record.note, "sha256": record.sha256, "bulk": record.bulk, "resolves": record.resolves,
              "previous": record.previous, "what": "spinewise rule sign-off v2"}
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def record_digest(record: SignOff) -> str:
    """What the next record's `previous` names: the SHA-256 of this record's signed text and signature."""
    return hashlib.sha256(signed_bytes(record) + b"\0" + record.signature.encode("ascii", "replace")).hexdigest()


def public_key(line: str):
    """The Ed25519 key of an OpenSSH public key line; ValueError when it is not one."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_ssh_public_key

    key = load_ssh_public_key(line.strip().encode("ascii", "replace"))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an ssh-ed25519 key")
    return key


def verifies(key_line: str, message: bytes, signature: str) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        public_key(key_line).verify(base64.b64decode(signature, validate=True), message)
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


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
        if not keys(report, node, RECORD_KEYS, what="a sign-off record (written by `spinewise rules review`; "
                                                    "a record from before version 4 must be signed again)"):
            continue
        fields = {key: _plain_text(node[key]) for key in RECORD_KEYS if key != "bulk"}
        if fields["decision"] not in DECISIONS:
            report.error(node.line_of("decision"), f"sign-off decision {fields['decision']!r} is not one of "
                                                   f"{', '.join(DECISIONS)}")
            continue
        record = SignOff(**fields, bulk=node["bulk"] is True, line=block.line_of(index))
        records.append(replace(record, digest=record_digest(record)))
    return chain(records)


def read_signoffs_file(folder) -> list:
    """The records of a folder's signoffs.yaml as they are on disk now (what a new record chains to)."""
    from spinewise.errors import RuleBaseError
    from spinewise.rulebase.yamlsource import YamlFileError, load_yaml

    path = Path(folder) / SIGNOFFS_FILE
    if not path.is_file():
        return []
    report = Reporter([], str(path))
    try:
        records = read_signoffs(load_yaml(path, str(path)), report)
    except YamlFileError as exc:
        raise RuleBaseError([exc.problem]) from None
    errors = [p for p in report.problems if p.severity == "error"]
    if errors:
        raise RuleBaseError(errors)
    return records


def chain(records: list) -> list:
    """Each record marked `chained` when its `previous` names the record before it."""
    linked, before = [], ""
    for record in records:
        linked.append(replace(record, chained=record.previous == before))
        before = record.digest
    return linked


def chain_head(records) -> str:
    """The digest a new record names as `previous`."""
    return records[-1].digest if records else ""


def _plain_text(value) -> str:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()  # an unquoted date; the signature still covers its text
    return "" if value is None else str(value)


def check_signoffs(records, people, hashes: dict, trusted: bool) -> tuple:
    """Each record with its `state` against the trust file's people and the rule cards as they are now."""
    from spinewise.rulebase.names import same_name

    checked = []
    for record in records:
        signer = next((person for person in people if same_name(person.name, record.reviewer)
                       and verifies(person.public_key, signed_bytes(record), record.signature)), None)
        if not record.chained:
            state = "broken_chain"
        elif not trusted:
            state = "untrusted"
        elif signer is None:
            named = [person for person in people if same_name(person.name, record.reviewer)]
            state = "bad_signature" if named else "unlisted"
        elif (signer.name, signer.role, signer.registration) != (record.reviewer, record.role, record.registration):
            state = "bad_signature"
        elif not signer.valid_on(record.date):
            state = "key_not_valid"
        elif record.rule not in hashes:
            state = "no_rule"
        elif hashes[record.rule] != record.sha256:
            state = "out_of_date"
        elif not _may_sign(signer, record.rule):
            state = "not_their_language"
        else:
            state = "valid"
        checked.append(replace(record, state=state, licensed=bool(signer and signer.licensed)))
    return tuple(checked)


def _may_sign(signer, card: str) -> bool:
    """A translation is signed only by someone whose trust-file entry lists its language."""
    from spinewise.rulebase.translations import card_language

    lang = card_language(card)
    return lang is None or lang in signer.languages


def _stale(card: str, lang: str | None) -> str:
    """Why a sign-off an edit voided no longer counts, and how to sign it again."""
    from spinewise.rulebase.attention import CARD_ID as ATTENTION_CARD

    if lang:
        return (f"a message of its catalogues was edited since, so every report in {lang} says the translation has "
                f"not been reviewed until a clinician who reads {lang} signs it again (spinewise rules review "
                f"--translation {lang})")
    if card == ATTENTION_CARD:
        return ("attention.yaml, or the dispositions it reads, changed since, so it counts as not reviewed until a "
                "clinician signs it again (spinewise rules review --attention)")
    return (f"rule {card} or a text it shows was edited since, so it counts as not reviewed until a clinician signs "
            f"it again (spinewise rules review --rule {card})")


def signoff_problems(rulebase) -> list:
    """`rules check` rows for the sign-offs: errors for a broken chain, bad signatures and signers the
    trust file does not list, a warning for each sign-off an edit voided."""
    from spinewise.rulebase.attention import CARD_ID as ATTENTION_CARD
    from spinewise.rulebase.translations import card_language
    from spinewise.rulebase.yamlsource import Problem

    file = str(Path(rulebase.directory) / SIGNOFFS_FILE)
    trust = rulebase.trust_file or "the trust file"
    problems = []
    for place, record in enumerate(rulebase.signoffs):
        lang = card_language(record.rule)
        card = f"the {lang} translation" if lang else "the attention list" if record.rule == ATTENTION_CARD \
            else f"rule {record.rule}"
        what = f"sign-off of {card} by {record.reviewer} on {record.date}"
        signed_again = any(later.rule == record.rule and later.reviewer == record.reviewer and later.state == "valid"
                           for later in rulebase.signoffs[place + 1:])
        if record.state == "broken_chain":
            problems.append(Problem(file, record.line, (
                f"{what}: does not follow the record before it (a record was removed, moved or edited above it, "
                "or this one was moved); the chain of sign-offs is broken and this record counts for nothing")))
        elif record.state == "unlisted":
            problems.append(Problem(file, record.line, f"{what}: {record.reviewer} is not in {trust}; "
                                                       "it counts for nothing"))
        elif record.state == "bad_signature":
            problems.append(Problem(file, record.line, f"{what}: the signature does not verify against "
                                                       f"{record.reviewer}'s entry in {trust} (the record was "
                                                       "changed after signing, or signed with another key); it counts "
                                                       "for nothing"))
        elif record.state == "key_not_valid":
            problems.append(Problem(file, record.line, f"{what}: signed on a date outside the valid dates of "
                                                       f"{record.reviewer}'s key in {trust}; it counts for nothing"))
        elif record.state == "not_their_language":
            problems.append(Problem(file, record.line, (
                f"{what}: {record.reviewer}'s entry in {trust} does not list the language "
                f"{lang} (languages: [...]), so this sign-off of a translation counts "
                "for nothing"), "warning"))
        elif record.state == "no_rule":
            problems.append(Problem(file, record.line, f"{what}: there is no rule {record.rule} any more",
                                    "warning"))
        elif record.state == "out_of_date" and record.licensed and record.decision == "approve" and not signed_again:
            problems.append(Problem(file, record.line, f"{what} is out of date: {_stale(record.rule, lang)}",
                                    "warning"))
    if rulebase.signoffs and not rulebase.trust:
        problems.append(Problem(file, 1, (
            f"no trust file was read, so none of the {len(rulebase.signoffs)} sign-offs counts as clinical review "
            "(give --trust FILE, set SPINEWISE_TRUST, or keep it at $XDG_CONFIG_HOME/spinewise/trust.yaml)"),
            "warning"))
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
# Do not edit by hand: each signature covers the rule, reviewer, role, registration, date,
# decision, note, bulk flag, the SHA-256 of what the reviewer was shown and the digest of
# the record before it, so any change, removal or move makes `rules check` report it.
signoffs:
"""
