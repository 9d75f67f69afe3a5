"""The release approval: approval.yaml, a clinical safety officer's signature over the whole folder.

`spinewise rules approve` signs the SHA-256 of every file of the rule folder (approval.yaml
aside: digest.release_digest) with the key of a person whose trust-file entry says
`approves: true`. Any change of any file voids it: rules, questions, plan, rule-base
settings, check-in vocabulary, safety case, catalogues and sign-off records alike.

It also signs the head of the chain of sign-offs (the digest of the last record of
signoffs.yaml). Each record names the one before it, so a record removed from the middle
breaks the chain; the head is what catches the last record removed: an approval whose
signature verifies and whose head is no longer in the chain is an error naming it, even
though the approval itself is void by then.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from spinewise.rulebase.digest import APPROVAL_FILE, release_digest
from spinewise.rulebase.model import Approval

APPROVAL_KEYS = ("approved_by", "role", "registration", "date", "note", "sha256", "signoffs_head", "signature")
VERIFIED = ("valid", "void", "not_approver", "key_not_valid")  # states in which the signature verified


def approval_bytes(approval: Approval) -> bytes:
    fields = {"approved_by": approval.by, "role": approval.role, "registration": approval.registration,
              "date": approval.date, "note": approval.note, "sha256": approval.sha256,
              "signoffs_head": approval.signoffs_head, "what": "spinewise release approval v2"}
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def read_approval(folder) -> Approval | None:
    """approval.yaml as written (state "unreadable" when it is not an approval), or None when absent."""
    path = Path(folder) / APPROVAL_FILE
    if not path.is_file():
        return None
    from spinewise.rulebase.yamlsource import YamlFileError, load_yaml

    try:
        data = load_yaml(path, str(path))
    except YamlFileError:
        data = None
    if not isinstance(data, dict) or set(data) != set(APPROVAL_KEYS):
        return Approval("", "", "", "", "", "", "", 1, "unreadable")
    text = {key: "" if data[key] is None else str(data[key]) for key in APPROVAL_KEYS}
    return Approval(text["approved_by"], text["role"], text["registration"], text["date"], text["note"],
                    text["sha256"], text["signature"], 1, signoffs_head=text["signoffs_head"])


def check_approval(approval: Approval | None, people, folder, trusted: bool) -> Approval | None:
    from spinewise.rulebase.signoff import verifies
    from spinewise.rulebase.names import person_named

    if approval is None or approval.state == "unreadable":
        return approval
    signer = next((p for p in person_named(people, approval.by)
                   if verifies(p.public_key, approval_bytes(approval), approval.signature)), None)
    if not trusted:
        state = "untrusted"
    elif signer is None:
        state = "bad_signature" if person_named(people, approval.by) else "unlisted"
    elif (signer.name, signer.role, signer.registration) != (approval.by, approval.role, approval.registration):
        state = "bad_signature"
    elif not signer.approves:
        state = "not_approver"
    elif not signer.valid_on(approval.date):
        state = "key_not_valid"
    elif approval.sha256 != release_digest(Path(folder)):
        state = "void"
    else:
        state = "valid"
    return replace(approval, state=state)


def approval_problems(rulebase) -> list:
    """`rules check` rows: a forged or unlisted approval is an error; a voided one, or none, a warning."""
    from spinewise.rulebase.yamlsource import Problem

    file = str(Path(rulebase.directory) / APPROVAL_FILE)
    approval = rulebase.approval
    if approval is None:  # no file to point at: the row says where it would be
        return [Problem("", 0, f"no clinic has approved this rule base for use: there is no {APPROVAL_FILE} in "
                               f"{rulebase.directory} (spinewise rules approve)", "warning")]
    what = f"the approval by {approval.by} on {approval.date}"
    trust = rulebase.trust_file or "the trust file"
    messages = {
        "unreadable": ("error", "not an approval written by `spinewise rules approve`; it counts for nothing"),
        "bad_signature": ("error", f"{what}: the signature does not verify against {approval.by}'s entry in {trust}; "
                                   "it counts for nothing"),
        "unlisted": ("error", f"{what}: {approval.by} is not in {trust}; it counts for nothing"),
        "not_approver": ("error", f"{what}: {approval.by} is not a clinical safety officer in {trust} (approves: "
                                  "true); it counts for nothing"),
        "key_not_valid": ("error", f"{what}: signed outside the valid dates of {approval.by}'s key; it counts for "
                                   "nothing"),
        "untrusted": ("warning", f"{what} cannot be verified: no trust file was read"),
        "void": ("warning", f"{what} is void: a file of the rule folder changed since; the rule base is not "
                            "approved until it is approved again (spinewise rules approve)"),
    }
    problems = []
    if approval.state in messages:
        severity, message = messages[approval.state]
        problems.append(Problem(file, approval.line, message, severity))
    return problems + _chain_cut(rulebase, approval, file, what)


def _chain_cut(rulebase, approval: Approval, file: str, what: str) -> list:
    """An error when the sign-off record the approval signed as the chain's head is gone."""
    from spinewise.rulebase.signoff import SIGNOFFS_FILE
    from spinewise.rulebase.yamlsource import Problem

    if approval.state not in VERIFIED or not approval.signoffs_head:
        return []
    if approval.signoffs_head in {record.digest for record in rulebase.signoffs}:
        return []
    return [Problem(file, _line_of(Path(file), "signoffs_head:"), (
        f"{what} covered the chain of sign-offs up to record {approval.signoffs_head[:12]}, which is no longer in "
        f"{SIGNOFFS_FILE}: the last record(s) were removed or changed; the chain of sign-offs is broken"))]


def _line_of(path: Path, start: str) -> int:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return next((number for number, line in enumerate(lines, 1) if line.startswith(start)), 1)
