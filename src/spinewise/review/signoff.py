"""`rules review`: a clinician reads each rule as it is shown to a lifter and signs a decision.

Each rule is shown as its card (rulebase/shown.py: the rule and every text it puts in
front of a lifter), through templates/rules-review.txt.j2, which prints every line of the
card. The decision is recorded in the rule folder's signoffs.yaml at once, bound to the
card's SHA-256 and signed with the reviewer's OpenSSH ed25519 private key, so an
interrupted review keeps what was decided. A key that is not the named reviewer's is
refused before anything is shown or recorded.
"""

from __future__ import annotations

import base64
import datetime
import os
from dataclasses import dataclass
from pathlib import Path

from spinewise.errors import SpinewiseError
from spinewise.review.render import render
from spinewise.rulebase import rules_folder
from spinewise.rulebase.load import load_rulebase
from spinewise.rulebase.load_fields import did_you_mean
from spinewise.rulebase.model import SignOff
from spinewise.rulebase.shown import rule_card
from spinewise.rulebase.signoff import REVIEWERS_FILE, SIGNOFFS_FILE, append_records, public_key, signed_bytes

DECISION_WORDS = {"approve": "approved", "request_changes": "changes requested", "skip": "skipped"}


class ReviewError(SpinewiseError):
    """A review cannot start: an unknown reviewer or rule, or a key that is not the reviewer's."""


class NeedPassphrase(SpinewiseError):
    """The private key is protected by a passphrase and none was given."""


@dataclass(frozen=True)
class Session:
    folder: Path
    rulebase: object
    reviewer: object
    key: object  # the Ed25519 private key
    rules: tuple  # of Rule, in rule-base order


def start_review(rules_dir, reviewer_name: str, key_file, rule_ids=(), passphrase: str | None = None) -> Session:
    """Everything checked before a rule is shown: the rule base, the reviewer, the key, the rules."""
    folder = rules_folder(rules_dir)
    rulebase = load_rulebase(folder)
    reviewer = next((r for r in rulebase.reviewers if r.name == reviewer_name), None)
    if reviewer is None:
        listed = ", ".join(r.name for r in rulebase.reviewers) or "nobody is listed yet"
        raise ReviewError(f"{reviewer_name!r} is not a reviewer in {folder / REVIEWERS_FILE}"
                          f"{did_you_mean(reviewer_name, [r.name for r in rulebase.reviewers])} (reviewers: {listed}); "
                          "add a name, role and public key there first")
    key = read_private_key(key_file, passphrase)
    if _raw(key.public_key()) != _raw(public_key(reviewer.public_key)):
        raise ReviewError(f"the key in {key_file} is not {reviewer.name}'s: it does not match the public key "
                          f"listed for {reviewer.name} in {REVIEWERS_FILE}; nothing was recorded")
    return Session(folder, rulebase, reviewer, key, _chosen_rules(rulebase, rule_ids, reviewer.name))


def read_private_key(key_file, passphrase: str | None = None):
    """The Ed25519 private key of an OpenSSH key file (ssh-keygen -t ed25519)."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_ssh_private_key

    try:
        data = Path(key_file).read_bytes()
    except OSError as exc:
        raise ReviewError(f"cannot read the key file {key_file}: {exc.strerror}") from None
    try:
        key = load_ssh_private_key(data, password=passphrase.encode() if passphrase else None)
    except TypeError:  # encrypted and no passphrase, or a passphrase for a key without one
        if passphrase:
            key = load_ssh_private_key(data, password=None)
        else:
            raise NeedPassphrase(f"the key {key_file} is protected by a passphrase") from None
    except UnsupportedAlgorithm:
        raise ReviewError(f"the key {key_file} is protected by a passphrase, which needs the bcrypt package "
                          "(pip install bcrypt); nothing was recorded") from None
    except ValueError as exc:
        if passphrase and ("incorrect password" in str(exc).lower() or "corrupt" in str(exc).lower()):
            raise ReviewError(f"the passphrase does not open the key {key_file}; nothing was recorded") from None
        raise ReviewError(f"{key_file} is not an OpenSSH private key (make one with ssh-keygen -t ed25519)") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ReviewError(f"{key_file} is not an ed25519 key; make one with ssh-keygen -t ed25519")
    return key


def _raw(key) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _chosen_rules(rulebase, rule_ids, reviewer_name: str) -> tuple:
    """The rules named, else every rule in use that this reviewer has not yet decided on as it is now."""
    by_id = {rule.id: rule for rule in rulebase.rules}
    unknown = [rid for rid in rule_ids if rid not in by_id]
    if unknown:
        raise ReviewError("; ".join(f"no rule {rid!r}{did_you_mean(rid, by_id)}" for rid in unknown))
    if rule_ids:
        return tuple(by_id[rid] for rid in dict.fromkeys(rule_ids))
    decided = {s.rule for s in rulebase.signoffs if s.reviewer == reviewer_name and s.state == "valid"}
    return tuple(rule for rule in rulebase.active_rules() if rule.id not in decided)


def show_rule(session: Session, rule, number: int) -> str:
    """The review screen for one rule: every line of its card, and where it stands now."""
    card = rule_card(session.rulebase, rule)
    return render("rules-review.txt.j2", "text", card=card, number=number, total=len(session.rules),
                  standing=session.rulebase.rule_review(rule.id).words(), file=f"{Path(rule.file).name}:{rule.line}")


def record(session: Session, rule, decision: str, note: str = "", today: str | None = None) -> SignOff:
    """Sign a decision on the rule as shown now and add it to signoffs.yaml."""
    sha256 = rule_card(session.rulebase, rule).sha256
    date = today or review_date()
    reviewer = session.reviewer
    message = signed_bytes(rule.id, reviewer.name, reviewer.role, date, decision, note, sha256)
    signature = base64.b64encode(session.key.sign(message)).decode("ascii")
    entry = SignOff(rule.id, reviewer.name, reviewer.role, date, decision, note, sha256, signature)
    append_records(session.folder, [entry])
    return entry


def review_date() -> str:
    """Today, or the day SOURCE_DATE_EPOCH names (for reproducible runs)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc).date().isoformat()
    return datetime.date.today().isoformat()


def summary(session: Session, decisions: list) -> str:
    counts = {word: sum(1 for d in decisions if d == key) for key, word in DECISION_WORDS.items()}
    said = ", ".join(f"{n} {word}" for word, n in counts.items() if n) or "nothing decided"
    clinical = "" if session.reviewer.licensed else (
        f"; {session.reviewer.name} is listed as {session.reviewer.role}, so these count as an engineer's review, "
        "not a clinical sign-off")
    recorded = sum(1 for d in decisions if d != "skip")
    where = f"recorded in {session.folder / SIGNOFFS_FILE}" if recorded else "nothing recorded"
    return f"{session.reviewer.name}: {said}; {where}{clinical}."
