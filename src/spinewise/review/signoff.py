"""`rules review`: a clinician reads each rule as it is shown to a lifter and signs a decision.

Each rule is shown as its card (rulebase/shown.py: the rule and every text it puts in
front of a lifter), through templates/rules-review.txt.j2, which prints every line of the
card. The decision is recorded in the rule folder's signoffs.yaml at once, bound to the
card's SHA-256, chained to the record before it and signed with the reviewer's OpenSSH
ed25519 private key, so an interrupted review keeps what was decided. The reviewer must be
in the clinic's trust file (rulebase/trust.py), and a key that is not theirs is refused
before anything is shown or recorded. The date is the real one: SOURCE_DATE_EPOCH, which
makes builds reproducible, must not backdate a signature.
"""

from __future__ import annotations

import base64
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

from spinewise.errors import SpinewiseError
from spinewise.i18n import gettext, ngettext
from spinewise.review.render import render
from spinewise.rulebase import rules_folder
from spinewise.rulebase.load import load_rulebase
from spinewise.rulebase.load_fields import did_you_mean
from spinewise.rulebase.model import SignOff
from spinewise.rulebase.shown import rule_card
from spinewise.rulebase.signoff import SIGNOFFS_FILE, append_records, chain_head, public_key, record_digest, signed_bytes
from spinewise.rulebase.trust import person_named

DECISION_WORDS = {"approve": "approved", "request_changes": "changes requested", "skip": "skipped"}


class ReviewError(SpinewiseError):
    """A review cannot start: an unknown reviewer or rule, or a key that is not the reviewer's."""


class NeedPassphrase(SpinewiseError):
    """The private key is protected by a passphrase and none was given."""


@dataclass(frozen=True)
class TranslationItem:
    """A language's catalogues, reviewed as one card (rulebase/translations.py)."""

    id: str  # "translation:<lang>"
    lang: str
    file: str  # where its messages are, for the review's heading


@dataclass(frozen=True)
class AttentionItem:
    """The clinic's attention list (attention.yaml), reviewed as one card (rulebase/attention.py)."""

    id: str
    file: str


@dataclass(frozen=True)
class Session:
    folder: Path
    rulebase: object
    reviewer: object
    key: object  # the Ed25519 private key
    rules: tuple  # of Rule (in rule-base order), then the AttentionItem and TranslationItems asked for


def start_review(rules_dir, reviewer_name: str, key_file, rule_ids=(), passphrase: str | None = None,
                 translations=(), attention: bool = False) -> Session:
    """Everything checked before a card is shown: the rule base, the reviewer, the key, the rules,
    the attention list and the translations. Without --translation or --attention only rules are
    reviewed; with either and no --rule, only what they name."""
    folder = rules_folder(rules_dir)
    rulebase = load_rulebase(folder)
    reviewer, key = signer(rulebase, reviewer_name, key_file, passphrase)
    items = _chosen_attention(rulebase, attention) + _chosen_translations(folder, reviewer, translations)
    rules = _chosen_rules(rulebase, rule_ids, reviewer.name) if rule_ids or not items else ()
    return Session(folder, rulebase, reviewer, key, rules + items)


def _chosen_attention(rulebase, asked: bool) -> tuple:
    from spinewise.rulebase.attention import CARD_ID
    from spinewise.rulebase.load_attention import ATTENTION_FILE

    if not asked:
        return ()
    if rulebase.attention is None:
        raise ReviewError(f"this rule base has no attention list ({ATTENTION_FILE}) to review; nothing was recorded")
    return (AttentionItem(CARD_ID, ATTENTION_FILE),)


def _chosen_translations(folder, reviewer, langs) -> tuple:
    """A card for each language asked for; refused when it has no catalogues or the reviewer does not read it."""
    from spinewise.rulebase.translations import card_id, catalogue_files, languages

    have = languages(folder)
    items = []
    for lang in dict.fromkeys(langs):
        if lang not in have:
            raise ReviewError(f"no translation {lang!r} to review (languages with catalogues: "
                              f"{', '.join(have) or 'none'}); nothing was recorded")
        if lang not in reviewer.languages:
            raise ReviewError(f"{reviewer.name}'s entry in the trust file does not list the language {lang}: only a "
                              f"person whose entry lists it (languages: [{lang}]) signs its translation; nothing "
                              "was recorded")
        files = ", ".join(str(path) for _, path in catalogue_files(lang, folder))
        items.append(TranslationItem(card_id(lang), lang, files))
    return tuple(items)


def card_of(rulebase, item):
    """What the reviewer is shown and signs for a rule or a translation."""
    from spinewise.rulebase.shown import attention_card
    from spinewise.rulebase.translations import translation_card

    if isinstance(item, TranslationItem):
        return translation_card(rulebase.directory, item.lang)
    if isinstance(item, AttentionItem):
        return attention_card(rulebase)
    return rule_card(rulebase, item)


def signer(rulebase, name: str, key_file, passphrase: str | None = None) -> tuple:
    """(the trust-file entry of `name` whose key `key_file` holds, the private key); ReviewError when
    there is no trust file, the name is not in it, or the key is not theirs."""
    if not rulebase.trust:
        raise ReviewError("no trust file was read, so no signature would count: the clinic lists the people "
                          "whose signatures it accepts in its trust file (--trust FILE, SPINEWISE_TRUST, or "
                          "$XDG_CONFIG_HOME/spinewise/trust.yaml); nothing was recorded")
    entries = person_named(rulebase.reviewers, name)
    if not entries:
        names = [r.name for r in rulebase.reviewers]
        listed = ", ".join(names) or "nobody is listed yet"
        raise ReviewError(f"{name!r} is not in the trust file {rulebase.trust_file}{did_you_mean(name, names)} "
                          f"(people: {listed}); the clinic's safety officer adds a name, role, registration and "
                          "public key there first")
    key = read_private_key(key_file, passphrase)
    mine = _raw(key.public_key())
    entry = next((e for e in entries if _raw(public_key(e.public_key)) == mine), None)
    if entry is None:
        raise ReviewError(f"the key in {key_file} is not {entries[0].name}'s: it does not match the public key "
                          f"the trust file lists for {entries[0].name}; nothing was recorded")
    if not entry.valid_on(today()):
        raise ReviewError(f"the trust file lists this key of {entry.name}'s as valid only "
                          f"{_validity(entry)}; nothing was recorded")
    return entry, key


def _validity(entry) -> str:
    return " ".join(part for part in (f"from {entry.valid_after}" if entry.valid_after else "",
                                      f"before {entry.valid_before}" if entry.valid_before else "") if part)


def key_warning(key_file) -> str:
    """A warning when the private key file can be read by others than its owner ("" when it is private)."""
    try:
        mode = os.stat(key_file).st_mode
    except OSError:
        return ""
    if mode & 0o077:
        return (f"warning: the private key {key_file} can be read by others than you (mode {mode & 0o777:o}); "
                f"anyone who can read it can sign in your name: chmod 600 {key_file}")
    return ""


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
    """The rules named, else every rule in use (the check-in's too) this reviewer has not yet decided on as it is now."""
    by_id = {rule.id: rule for rule in (*rulebase.rules, *rulebase.checkin_rules)}
    unknown = [rid for rid in rule_ids if rid not in by_id]
    if unknown:
        raise ReviewError("; ".join(f"no rule {rid!r}{did_you_mean(rid, by_id)}" for rid in unknown))
    if rule_ids:
        return tuple(by_id[rid] for rid in dict.fromkeys(rule_ids))
    decided = {s.rule for s in rulebase.signoffs if s.reviewer == reviewer_name and s.state == "valid"}
    return tuple(rule for rule in rulebase.reviewable_rules() if rule.id not in decided)


def show_rule(session: Session, rule, number: int) -> str:
    """The review screen for one rule: every line of its card, and where it stands now."""
    from spinewise.review.card_words import shown_lines, translated_rule_card

    card = card_of(session.rulebase, rule)  # what is signed: its hash never depends on --lang
    kind = {TranslationItem: "translation", AttentionItem: "attention"}.get(type(rule), "rule")
    translated = translated_rule_card(session.rulebase, rule) if kind == "rule" else None
    standing = session.rulebase.rule_review(rule.id).words()
    return render("rules-review.txt.j2", "text", card=card, lines=shown_lines(card, translated), number=number,
                  total=len(session.rules), standing=standing, card_kind=kind,
                  file=rule.file if kind != "rule" else f"{Path(rule.file).name}:{rule.line}")


def record(session: Session, rule, decision: str, note: str = "", bulk: bool = False, resolves: str = "") -> SignOff:
    """Sign a decision on the rule as shown now and add it to the chain in signoffs.yaml."""
    if decision == "request_changes" and not note.strip():
        raise ReviewError(f"a request for changes to {rule.id} must say what should change; nothing was recorded")
    from spinewise.rulebase.signoff import read_signoffs_file

    reviewer = session.reviewer
    entry = SignOff(rule.id, reviewer.name, reviewer.role, today(), decision, note.strip(),
                    card_of(session.rulebase, rule).sha256, "", registration=reviewer.registration, bulk=bulk,
                    previous=chain_head(read_signoffs_file(session.folder)), resolves=resolves)
    signature = base64.b64encode(session.key.sign(signed_bytes(entry))).decode("ascii")
    entry = replace(entry, signature=signature)
    append_records(session.folder, [entry])
    return replace(entry, digest=record_digest(entry))


def today() -> str:
    """The real date (UTC). Never SOURCE_DATE_EPOCH: a signature's date must not be set by the environment."""
    return time.strftime("%Y-%m-%d", time.gmtime())


def standing_request(session: Session, rule_id: str, digest_start: str):
    """The standing request for changes to `rule_id` whose digest starts with `digest_start`."""
    review = [s for s in session.rulebase.signoffs if s.rule == rule_id and s.decision == "request_changes"]
    found = [s for s in review if s.digest.startswith(digest_start)]
    if len(digest_start) < 8 or len(found) != 1:
        ids = ", ".join(s.digest[:12] for s in review) or "none"
        raise ReviewError(f"--resolves {digest_start!r} names no one request for changes to {rule_id} "
                          f"(its requests: {ids}; give at least 8 characters)")
    return found[0]


def _decided(decision: str, count: int) -> str:
    if decision == "approve":
        return ngettext("%(count)s approved", "%(count)s approved", count) % {"count": count}
    if decision == "request_changes":
        return ngettext("%(count)s changes requested", "%(count)s changes requested", count) % {"count": count}
    return ngettext("%(count)s skipped", "%(count)s skipped", count) % {"count": count}


def summary(session: Session, decisions: list) -> str:
    counts = {key: sum(1 for d in decisions if d == key) for key in DECISION_WORDS}
    said = ", ".join(_decided(key, n) for key, n in counts.items() if n) or gettext("nothing decided")
    clinical = "" if session.reviewer.licensed else "; " + gettext(
        "%(name)s is listed as %(role)s, so these count as an engineer's review, not a clinical sign-off") % {
        "name": session.reviewer.name, "role": session.reviewer.role}
    recorded = sum(1 for d in decisions if d != "skip")
    where = (gettext("recorded in %(file)s") % {"file": session.folder / SIGNOFFS_FILE} if recorded
             else gettext("nothing recorded"))
    return f"{session.reviewer.name}: {said}; {where}{clinical}.{_also_to_sign(session)}"


def _also_to_sign(session: Session) -> str:
    """After a review of rules only: the other cards of the folder, which only their own flags show,
    so a clinician who reviewed every rule does not take the folder for signed."""
    from spinewise.rulebase.translations import languages

    if any(isinstance(item, (AttentionItem, TranslationItem)) for item in session.rules):
        return ""
    others = [gettext("the attention list: --attention")] if session.rulebase.attention is not None else []
    # A translation is signed only by someone whose trust entry lists its language: name the command
    # to this reviewer only for those, and say who else must sign the rest.
    others += [(gettext("the translation into %(language)s: --translation %(language)s")
                if lang in session.reviewer.languages else
                gettext("the translation into %(language)s, by a reviewer whose trust entry lists %(language)s"))
               % {"language": lang} for lang in languages(session.folder)]
    return " " + gettext("Reviewed apart from the rules: %(others)s.") % {"others": "; ".join(others)} if others else ""
