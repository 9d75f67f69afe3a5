"""`rules approve`: a clinical safety officer approves the whole rule folder for use.

The approval signs the SHA-256 of every file of the folder (rulebase/approval.py), so it
covers the rules, questions, plan, rule-base settings, check-in vocabulary, safety case,
catalogues and the sign-off records alike; a change of any file voids it. Only a person
whose trust-file entry says `approves: true` may approve, and never while `rules check`
finds errors.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from pathlib import Path

from spinewise.review.signoff import ReviewError, signer, today
from spinewise.rulebase import rules_folder
from spinewise.rulebase.approval import APPROVAL_KEYS, approval_bytes
from spinewise.rulebase.digest import APPROVAL_FILE, release_digest
from spinewise.rulebase.load import load_rulebase
from spinewise.rulebase.model import Approval


def approve_release(rules_dir, name: str, key_file, note: str = "", passphrase: str | None = None) -> Approval:
    """Sign and write approval.yaml; ReviewError (nothing written) when it cannot be given."""
    from spinewise.review.check import check_rules

    folder = rules_folder(rules_dir)
    rulebase = load_rulebase(folder)
    person, key = signer(rulebase, name, key_file, passphrase)
    if not person.approves:
        raise ReviewError(f"{person.name} is not a clinical safety officer in the trust file {rulebase.trust_file} "
                          "(approves: true), so cannot approve a release; nothing was recorded")
    errors = [p for p in check_rules(folder)[0] if p.severity == "error"]
    if errors:
        more = f" and {len(errors) - 1} more" if len(errors) > 1 else ""
        raise ReviewError(f"a rule base with errors cannot be approved: {errors[0]}{more}; fix them first "
                          f"(spinewise rules check {folder}); nothing was recorded")
    from spinewise.rulebase.signoff import chain_head

    approval = Approval(person.name, person.role, person.registration, today(), note.strip(),
                        release_digest(folder), "", signoffs_head=chain_head(rulebase.signoffs))
    signature = base64.b64encode(key.sign(approval_bytes(approval))).decode("ascii")
    approval = Approval(**{**approval.__dict__, "signature": signature})
    _write(folder, approval)
    return approval


def _write(folder: Path, approval: Approval) -> None:
    values = dict(zip(APPROVAL_KEYS, (approval.by, approval.role, approval.registration, approval.date,
                                      approval.note, approval.sha256, approval.signoffs_head, approval.signature)))
    text = (HEADER + "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in values.items()))
    handle, temporary = tempfile.mkstemp(prefix=".approval.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, folder / APPROVAL_FILE)
    except BaseException:
        os.unlink(temporary)
        raise


HEADER = """\
# The release approval, written by `spinewise rules approve` (see README.md in this folder).
# The signature covers the SHA-256 of every other file of this folder: any change to any
# of them voids the approval until the clinical safety officer approves again. It also covers
# the digest of the last sign-off record (signoffs_head), so removing that record is an error.
"""
