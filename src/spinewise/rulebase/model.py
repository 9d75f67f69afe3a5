"""The rule base as immutable values: questions, vocabulary, roles and rules.

Conditions (a rule's `when`, a question's `asked_when`) are trees of the condition
language in conditions.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from spinewise.rulebase.conditions import Condition, evaluate, questions_read

STATUSES = ("draft", "approved", "retired")
PRESENTATION_STYLES = ("danger", "warning", "caution", "info", "ok")
# The hand-typed `reviewer_role` of a rule: authorship metadata only, it decides nothing.
REVIEWER_ROLES = ("clinician", "engineering")
# Who may sign rules off (the clinic's trust file); only the licensed clinicians count as clinical review.
LICENSED_ROLES = ("physiotherapist", "doctor", "chiropractor", "osteopath")
SIGNER_ROLES = LICENSED_ROLES + ("engineer",)


def role_in_words(role: str) -> str:
    """A signer's role as the reader's language says it; the trust file and the records keep the code."""
    from spinewise.i18n import pgettext

    words = {
        # Translators: a signer's role from the clinic's trust file, shown beside their name.
        "physiotherapist": pgettext("signer role", "physiotherapist"),
        "doctor": pgettext("signer role", "doctor"),
        "chiropractor": pgettext("signer role", "chiropractor"),
        "osteopath": pgettext("signer role", "osteopath"),
        "engineer": pgettext("signer role", "engineer"),
    }
    return words.get(role, role)
DECISIONS = ("approve", "request_changes")
ALERT_PLACES = ("none", "top", "top_and_end")  # where a report boxes a disposition's advice
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")  # CLDR's, for a number's sentence


def plural_category(number) -> str:
    """The CLDR plural category of `number` in the language in use ("one", "other", ...)."""
    from babel import Locale

    from spinewise.i18n import language

    try:
        return Locale.parse(language()).plural_form(number)
    except (ValueError, TypeError):
        return "one" if number == 1 else "other"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str  # "bool", "int", "choice", "multi"
    text: str
    hint: str = ""
    why: str = ""  # why the answer matters, in plain words for a lifter who asks
    section: str = ""
    choices: tuple = ()  # of Choice
    minimum: int | None = None
    maximum: int | None = None
    asked_when: Condition | None = None
    says: Any = None  # what an answer says about the lifter: {answer: sentence}, or one sentence with {answer}
    sign: str = ""  # for a warning sign: the sign in plain words, for the safety net
    line: int = 0

    def statement(self, value) -> str:
        """The answer as a sentence the lifter recognises: "you tuck your tailbone at the top"."""
        if isinstance(self.says, dict) and self.type == "int":  # one sentence per plural form: "1 week", "2 weeks"
            return self.says.get(plural_category(value), self.says["other"]).format(answer=value)
        if isinstance(self.says, dict):
            return self.says[value]
        if self.type == "multi":
            from babel.lists import format_list

            from spinewise.i18n import language

            answer = format_list([self.answer_text([item]).lower() for item in value], locale=language())
        else:
            answer = self.answer_text(value)
        return self.says.format(answer=answer)

    @cached_property  # read for every answer checked
    def allowed_values(self) -> tuple:
        return tuple(choice.value for choice in self.choices)

    def is_asked(self, answers: dict) -> bool:
        return self.asked_when is None or evaluate(self.asked_when, answers)

    def answer_text(self, value) -> str:
        """An answer in words: yes or no, the choice labels, or the number."""
        if self.type == "bool":
            return "yes" if value else "no"
        labels = {choice.value: choice.label for choice in self.choices}
        if self.type == "multi":
            return ", ".join(labels.get(item, str(item)) for item in value)
        return labels.get(value, str(value))

    def describe_allowed(self, style: str = "values") -> str:
        """The answers this question allows, in words: by JSON value for integrators' messages
        ("true or false", "one of a, b"), or by `"labels"` for reviewers ("yes or no", "one of: A (a); B (b)")."""
        if self.type == "int":
            return f"a whole number from {self.minimum} to {self.maximum}"
        if style == "labels":
            if self.type == "bool":
                return "yes or no"
            labels = "; ".join(f"{choice.label} ({choice.value})" for choice in self.choices)
            return ("one of: " if self.type == "choice" else "one or more of: ") + labels
        if self.type == "bool":
            return "true or false"
        listed = ", ".join(self.allowed_values)
        if self.type == "choice":
            return f"one of {listed}"
        return f"a non-empty list of distinct values from {listed}"


@dataclass(frozen=True)
class Instead:
    """Texts a report says instead of an entry's own when `when` holds for this lifter (the first that holds)."""

    when: Condition
    texts: dict = field(hash=False, compare=False)  # field name -> text
    line: int = 0


def worded(entry, name: str, answers: dict, facts=frozenset()) -> str:
    """The text `name` of a finding or disposition as this lifter reads it: the first `instead` whose
    condition holds for the answers and conclusions (("finding"|"plan", code) pairs), else its own."""
    for instead in getattr(entry, "instead", ()):
        if name in instead.texts and evaluate(instead.when, answers, facts):
            return instead.texts[name]
    return getattr(entry, name)


@dataclass(frozen=True)
class Disposition:
    code: str
    rank: int  # 0 is the most severe
    title: str
    advice: str
    required_plan: tuple = ()
    referral: bool = False
    style: str = ""  # how severe it looks: one of PRESENTATION_STYLES
    alert: str = "none"  # one of ALERT_PLACES
    moves: dict = field(default_factory=dict, hash=False, compare=False)  # plan phase -> phase shown instead
    safety_net: str = ""  # heading of this disposition's warning signs in other reports' safety net
    within_days: int | None = None  # a referral: act within this many days (0 = today)
    instead: tuple = ()  # of Instead: advice said instead for some lifters
    if_worse: str = ""  # its safety net's "if it gets worse", when the rule base's own does not fit it


@dataclass(frozen=True)
class FindingDef:
    code: str
    title: str
    explanation: str = ""
    instead: tuple = ()  # of Instead: title or explanation said instead for some lifters


@dataclass(frozen=True)
class PlanDef:
    code: str
    title: str
    text: str = ""
    steps: tuple = ()
    attributes: dict = field(default_factory=dict, hash=False, compare=False)  # name -> default or None
    phase: str = ""  # when it is done, one of the rule base's phases (a disposition may move it)
    supersedes: tuple = ()  # plan codes this item makes redundant
    conflicts_with: tuple = ()  # plan codes that cannot be done in the same phase
    doses: tuple = ()  # sentences with {attribute} places, filled from the planned attributes
    drawings: dict = field(default_factory=dict, hash=False, compare=False)  # level (or "") -> drawing file
    source: str = ""
    levels: dict = field(default_factory=dict, hash=False, compare=False)  # level -> what it means, to the lifter
    instead: tuple = ()  # of Instead: steps said instead for some lifters (a cue only for the fault they have)


@dataclass(frozen=True)
class Phase:
    code: str
    title: str
    note: str = ""  # said under the phase's heading in a report
    brief: bool = False  # a report lists its items by title, text and dose only (the details come later)


@dataclass(frozen=True)
class PlanEntry:
    code: str
    attributes: dict = field(default_factory=dict, hash=False, compare=False)
    parameters: tuple = ()  # names of the parameters its attribute values come from


@dataclass(frozen=True)
class Example:
    given: dict = field(hash=False, compare=False)
    disposition: str | None = None
    findings: tuple = ()
    no_findings: tuple = ()
    plan: tuple = ()  # of PlanEntry: the code, and any attributes it must have
    line: int = 0


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    version: str
    author: str
    reviewer: str
    review_date: str
    status: str
    source: str
    rationale: str
    when: Condition
    finding: str | None = None
    disposition: str | None = None
    plan: tuple = ()  # of PlanEntry
    salience: int = 0
    examples: tuple = ()  # of Example
    topic: str = ""
    file: str = ""
    line: int = 0
    reviewer_role: str = ""  # authorship metadata typed by hand; clinical sign-off is signoffs.yaml
    unreachable: str = ""  # why a rule that can never fire is kept on purpose ("" = it must be able to fire)
    at: tuple = ("assessment",)  # when it runs: at the first assessment, at a weekly check-in, or both
    tells: str = ""  # the reason a lifter reads when it moves a dose or a step (a catalogue message)
    because: str = ""  # the reason a lifter reads for its finding, {parameter} places filled (a catalogue message)

    @property
    def questions(self) -> list[str]:
        return questions_read(self.when)


@dataclass(frozen=True)
class Parameter:
    name: str
    value: Any
    meaning: str
    file: str
    line: int


@dataclass(frozen=True)
class NamedCondition:
    """A condition written once under `conditions:` and referenced as `{condition: name}`."""

    name: str
    title: str
    when: Condition
    description: str = ""
    says: str = ""  # the condition as one sentence to the lifter, when it explains a finding
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class ValueOf:
    """A plan attribute written `{value_of: name}`: the answer or derived value `name` of this case."""

    name: str

    def __str__(self) -> str:
        return f"the value of {self.name}"


@dataclass(frozen=True)
class Derived:
    """A value the rule base computes for a check-in (checkin.yaml `derived:`), which rules test
    like an answer. `how` is one of: ("journal", spec) read from the lifter's journal; ("when",
    Condition); ("sum", terms); ("if", Condition, then-term, else-term). A term is a number or
    the name of an answer or earlier derived value (yes counts as 1)."""

    question: Question  # its type, range and the sentence a report says about it
    how: tuple = field(hash=False, compare=False)
    stage: str = "history"  # "history": from the journal alone, before the answers are checked; "week": after


@dataclass(frozen=True)
class CheckinRoles:
    """What Python needs to know about check-ins (rulebase.yaml `roles: checkin:`)."""

    follows: tuple  # dispositions after which a weekly check-in is allowed
    week_counted: str  # the derived value saying whether this week counts
    weeks_counted: str  # ... how many program weeks have counted
    pain_change: str  # ... this week's worst pain minus the first assessment's
    every_days: int  # check in again after this many days
    pain_answer: str = ""  # the answer each entry's pain is read from, for the chart


@dataclass(frozen=True)
class Checkin:
    """The weekly check-in's vocabulary (checkin.yaml): its questions, derived values and roles."""

    questions: tuple  # of Question, in the order they are asked
    derived: tuple  # of Derived, in the order they are computed
    baseline: dict = field(hash=False, compare=False)  # answers and history that check-in rule examples start from
    roles: CheckinRoles | None = None
    redefined: dict = field(default_factory=dict, hash=False, compare=False)  # named condition -> (it, its negation)


@dataclass(frozen=True)
class Roles:
    """What Python needs to know about the rule base's codes, declared in rulebase.yaml."""

    no_decision_disposition: str  # when no rule gives a disposition (never the mildest)
    no_decision_finding: str  # the finding that says so
    stop_disposition: str  # reaching it stops the questionnaire and allows missing answers
    program_disposition: str  # the corrective program, with the printed tracker
    schedule_item: str  # the plan item whose attributes give the tracker's weeks
    program_exercises: tuple  # plan items the tracker lists with their doses
    tracker_weeks: int  # when the schedule gives no weeks
    tracker_sessions_per_week: int
    check_again_days: int  # the safety net: answer again after this many days
    no_improvement_weeks: int  # on the program, no improvement by then means a practitioner
    weeks_done_question: str  # the question that says how many program weeks are done
    if_worse: str  # what to do if it gets worse


@dataclass(frozen=True)
class Reviewer:
    """Someone whose signature the clinic accepts: one entry of its trust file (`people:`)."""

    name: str
    role: str  # one of SIGNER_ROLES
    public_key: str  # an OpenSSH ssh-ed25519 public key line
    registration: str = ""
    line: int = 0
    languages: tuple = ()  # the catalogues they may sign
    approves: bool = False  # a clinical safety officer: may approve a release
    valid_after: str = ""  # ISO dates bounding when this key signs (empty: unbounded)
    valid_before: str = ""

    def valid_on(self, date: str) -> bool:
        return (not self.valid_after or date >= self.valid_after) and (not self.valid_before or date < self.valid_before)

    @property
    def licensed(self) -> bool:
        return self.role in LICENSED_ROLES

    def described(self) -> str:
        """"Jane Doe (physiotherapist, HCPC PH12345)"."""
        detail = ", ".join(part for part in (role_in_words(self.role), self.registration) if part)
        return f"{self.name} ({detail})"


@dataclass(frozen=True)
class SignOff:
    """One signed review decision from signoffs.yaml, and what it is worth now."""

    rule: str
    reviewer: str
    role: str
    date: str
    decision: str  # one of DECISIONS
    note: str
    sha256: str  # of the rule as it was shown to the reviewer (rulebase/shown.py)
    signature: str  # base64 Ed25519 signature over signoff.signed_bytes(...)
    line: int = 0
    # What it is worth against the rule files as they are now: "valid", "out_of_date" (the
    # rule or a text it shows changed since), "bad_signature", "unlisted" (the signer is not
    # in the clinic's trust file), "untrusted" (no trust file was read), "key_not_valid" (signed
    # outside the key's valid dates), "broken_chain" (a record before it was removed, moved
    # or edited), "no_rule" (the rule id is gone), "not_their_language" (a translation signed by
    # someone whose trust-file entry does not list its language).
    state: str = "valid"
    licensed: bool = False  # signed by a licensed clinician
    registration: str = ""
    bulk: bool = False  # approved with --yes, without being asked rule by rule
    previous: str = ""  # the digest of the record before it ("" for the first)
    resolves: str = ""  # the digest of a request for changes this decision resolves
    digest: str = ""  # this record's own digest (what the next record's `previous` names)
    chained: bool = True  # its `previous` names the record before it

    @property
    def counts(self) -> bool:
        """A clinical approval of the rule as it is now."""
        return self.state == "valid" and self.licensed and self.decision == "approve"


@dataclass(frozen=True)
class Approval:
    """A release approval (approval.yaml): a clinical safety officer approved every file of the folder."""

    by: str
    role: str
    registration: str
    date: str
    note: str
    sha256: str  # of every file of the rule folder but approval.yaml (digest.release_digest)
    signature: str
    line: int = 0
    signoffs_head: str = ""  # the digest of the last sign-off record when it was approved ("" for none)
    # "valid", "void" (a file changed since), "bad_signature", "unlisted", "not_approver",
    # "key_not_valid", "untrusted" (no trust file was read)
    state: str = "valid"

    def as_json(self) -> dict:
        return {"by": self.by, "role": self.role, "registration": self.registration, "date": self.date}


@dataclass(frozen=True)
class RuleReview:
    """Where one rule stands in clinical review, for the rulebook and the reports."""

    state: str  # "signed", "changes_requested", "out_of_date", "not_reviewed"
    signers: tuple = ()  # of (reviewer described, date) of the valid clinical approvals
    voided: tuple = ()  # of (reviewer described, date) of clinical approvals an edit voided
    other: tuple = ()  # of (reviewer described, date, decision) of valid non-clinical reviews
    requests: tuple = ()  # of (reviewer described, date, note, digest) of the requests for changes still standing

    def words(self, edited: str = "") -> str:
        """Where it stands in words, in the language in use; `edited`: what an edit that voided a
        sign-off changed (default: the rule or a text it shows)."""
        from spinewise.i18n import gettext

        if self.state == "changes_requested":
            asked = "; ".join(gettext("%(who)s on %(date)s asked: %(note)s (request %(digest)s)")
                              % {"who": who, "date": date, "note": note, "digest": digest[:12]}
                              for who, date, note, digest in self.requests)
            return gettext("changes requested, not signed off (%(requests)s)") % {"requests": asked}
        if self.state == "signed":
            return gettext("signed off by %(signers)s") % {"signers": "; ".join(
                gettext("%(who)s on %(date)s") % {"who": who, "date": date} for who, date in self.signers)}
        if self.state == "out_of_date":
            who, date = self.voided[-1]
            return gettext("out of date: signed off by %(who)s on %(date)s, but %(edited)s was edited since") % {
                "who": who, "date": date, "edited": edited or gettext("the rule or a text it shows")}
        return gettext("not reviewed by a licensed clinician")


@dataclass(frozen=True)
class Hazard:
    """A hazard of the safety case (safety.yaml): what could go wrong and the guarantee that prevents it."""

    id: str
    hazard: str
    scope: str  # "assessment" (proved over every answers set) or "checkin"
    when: Condition | None  # over answers; None: every answers set
    guarantee: tuple  # of (kind, value): disposition_at_least, disposition_never, findings_never, plan_never_now, safety_net
    controls: tuple  # rule ids
    rationale: str = ""
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class RuleBase:
    name: str
    version: str
    directory: str
    content_hash: str
    questions: tuple  # of Question, in the order they are asked
    dispositions: tuple  # of Disposition, most severe first
    findings: tuple  # of FindingDef
    plan_items: tuple  # of PlanDef
    phases: tuple  # of Phase, in the order a lifter goes through them; the first is what to do now
    parameters: tuple  # of Parameter
    rules: tuple  # of Rule, every status, in file order
    baseline: dict = field(hash=False, compare=False)  # a healthy lifter's answers, for examples
    roles: Roles | None = None
    conditions: tuple = ()  # of NamedCondition
    reviewers: tuple = ()  # of Reviewer: the people of the clinic's trust file (empty without one)
    signoffs: tuple = ()  # of SignOff (signoffs.yaml), each already checked against the files
    rule_hashes: dict = field(default_factory=dict, hash=False, compare=False)  # rule id -> sha256 of what review shows
    hazards: tuple = ()  # of Hazard (safety.yaml)
    checkin: Checkin | None = None  # the weekly check-in, when the rule base has checkin.yaml
    checkin_rules: tuple = ()  # of Rule, every status: the rules that run at a check-in
    trust: bool = False  # a trust file was read: signatures were checked against it
    trust_file: str = ""
    approval: Approval | None = None  # approval.yaml as read, with its state
    trust_key: str = ""  # what the trust-dependent fields were worked out from (rulebase/trust.py)
    language: str = "en"  # the language of its lifter-facing texts (rulebase/words.py translates them)
    attention: Any = None  # the clinic's attention levels (attention.yaml), when the rule base has them

    @property
    def fallback_disposition(self) -> str:
        return self.roles.no_decision_disposition

    def question(self, qid: str) -> Question:
        """A question by id; also one only the weekly check-in asks, or a value it derives, which a
        rule run at both may test (they are not answers to the questionnaire: see questions_by_id)."""
        found = self.questions_by_id.get(qid)
        if found is None and self.checkin is not None:
            found = next((q for q in self.checkin.questions if q.id == qid), None) or \
                next((d.question for d in self.checkin.derived if d.question.id == qid), None)
        if found is None:
            raise KeyError(qid)
        return found

    @cached_property
    def questions_by_id(self) -> dict:
        return {q.id: q for q in self.questions}

    @cached_property
    def question_places(self) -> dict:
        """Question id -> its place in the order questions are asked (0 first)."""
        return {q.id: place for place, q in enumerate(self.questions)}

    def disposition(self, code: str) -> Disposition:
        return _by_code(self.dispositions, code, "disposition")

    def finding(self, code: str) -> FindingDef:
        return _by_code(self.findings, code, "finding")

    def plan_item(self, code: str) -> PlanDef:
        return _by_code(self.plan_items, code, "plan item")

    def condition(self, name: str) -> NamedCondition:
        return next(c for c in self.conditions if c.name == name)

    def phase_under(self, disposition: str, plan_code: str) -> str:
        """The phase a plan item is shown in under a disposition (a referral moves the program later)."""
        phase = self.plan_item(plan_code).phase
        return self.disposition(disposition).moves.get(phase, phase)

    def is_current(self, disposition: str, plan_code: str) -> bool:
        return self.phase_under(disposition, plan_code) == self.phases[0].code

    def rule_review(self, rule_id: str) -> RuleReview:
        """Where one rule stands: signed off, changes requested, out of date since an edit, or not reviewed.

        Worked out once per rule: the sign-offs were checked against the files when this rule
        base was loaded, and a rule base never changes (every report asks, for every rule)."""
        found = self._reviews.get(rule_id)
        if found is None:
            found = self._reviews[rule_id] = self._review_of(rule_id)
        return found

    @cached_property
    def _reviews(self) -> dict:
        return {}

    def _review_of(self, rule_id: str) -> RuleReview:
        records = [s for s in self.signoffs if s.rule == rule_id]
        clinical = [s for s in records if s.licensed and s.state in ("valid", "out_of_date")]
        current = [s for s in clinical if s.state == "valid"]
        signers = tuple((self._described(s), s.date) for s in current if s.decision == "approve")
        voided = tuple((self._described(s), s.date) for s in clinical if s.state == "out_of_date"
                       and s.decision == "approve")
        other = tuple((self._described(s), s.date, s.decision) for s in records if not s.licensed and s.state == "valid")
        standing = standing_requests(records)
        requests = tuple((self._described(s), s.date, s.note, s.digest) for s in standing)
        if standing:
            state = "changes_requested"
        elif signers:
            state = "signed"
        elif voided:
            state = "out_of_date"
        else:
            state = "not_reviewed"
        return RuleReview(state, signers, voided, other, requests)

    def _described(self, signoff) -> str:
        reviewer = next((r for r in self.reviewers if r.name == signoff.reviewer), None)
        return reviewer.described() if reviewer else f"{signoff.reviewer} ({role_in_words(signoff.role)})"

    def reviewable_rules(self, include_draft: bool = False) -> tuple:
        """Every rule in use, the check-in's included: what clinical review counts."""
        wanted = ("approved", "draft") if include_draft else ("approved",)
        seen = {rule.id for rule in self.active_rules(include_draft)}
        extra = tuple(rule for rule in self.checkin_rules if rule.status in wanted and rule.id not in seen)
        return self.active_rules(include_draft) + extra

    def _rule_states(self, include_draft: bool = False) -> list:
        """Each rule in use's review state: signed, changes_requested, out_of_date or not_reviewed."""
        return [self.rule_review(rule.id).state for rule in self.reviewable_rules(include_draft)]

    def review_counts(self, include_draft: bool = False) -> dict:
        """The JSON result's `review`: rules in use, those with a valid clinical sign-off, those out of
        date, the release approval, and whether a trust file was read."""
        states = self._rule_states(include_draft)
        approval = self.valid_approval
        return {"rules_in_use": len(states), "signed_off": states.count("signed"),
                "out_of_date": states.count("out_of_date"),
                "approved": approval.as_json() if approval else None, "trust": self.trust}

    @property
    def valid_approval(self) -> Approval | None:
        return self.approval if self.approval is not None and self.approval.state == "valid" else None

    def clinicians_who_signed(self, include_draft: bool = False) -> tuple:
        """The licensed clinicians with a valid sign-off of a rule in use, described, in signing order."""
        names = [who for rule in self.reviewable_rules(include_draft) for who, _ in self.rule_review(rule.id).signers]
        return tuple(dict.fromkeys(names))

    def clinician_reviewed(self, include_draft: bool = False) -> bool:
        """Whether every rule in use carries a valid clinical sign-off."""
        counts = self.review_counts(include_draft)
        return counts["rules_in_use"] > 0 and counts["signed_off"] == counts["rules_in_use"]

    def changes_requested(self, include_draft: bool = False) -> tuple:
        """(rule id, reviewer described, date, what to change) of every request for changes still standing."""
        return tuple((rule.id, *request[:3]) for rule in self.reviewable_rules(include_draft)
                     for request in self.rule_review(rule.id).requests)

    def review_status(self, include_draft: bool = False) -> str:
        """Whether licensed clinicians signed off the rules in use, in words a lifter reads: whole
        catalogue sentences, one per fact, in the language in use."""
        from spinewise.i18n import gettext, ngettext

        if not self.trust:
            return gettext("No clinic's trust file was read, so no rule counts as reviewed by a clinician: the "
                           "spinewise engineering team encoded the rules from a strength coach's article and "
                           "standard red-flag guidance (NICE NG59).") + self._not_verified()
        states = self._rule_states(include_draft)
        total, signed, stale = len(states), states.count("signed"), states.count("out_of_date")
        unreviewed = states.count("not_reviewed")
        signers = self.clinicians_who_signed(include_draft)
        who = ", ".join(signers)
        if total and signed == total and len(signers) > 1:
            sentences = [ngettext("The rule in use was signed off by licensed clinicians: %(who)s.",
                                  "Every rule in use (%(count)s) was signed off by licensed clinicians: %(who)s.",
                                  total) % {"count": total, "who": who}]
        elif total and signed == total:
            sentences = [ngettext("The rule in use was signed off by a licensed clinician: %(who)s.",
                                  "Every rule in use (%(count)s) was signed off by a licensed clinician: %(who)s.",
                                  total) % {"count": total, "who": who}]
        elif signed:
            sentences = [ngettext("A licensed clinician (%(who)s) signed off %(signed)s of the %(total)s rules in use.",
                                  "Licensed clinicians (%(who)s) signed off %(signed)s of the %(total)s rules in use.",
                                  len(signers)) % {"signed": signed, "total": total, "who": who}]
        elif unreviewed == total:
            sentences = [gettext("No licensed clinician has reviewed the rules in use yet: the spinewise engineering "
                                 "team encoded them from a strength coach's article and standard red-flag guidance "
                                 "(NICE NG59) and checked them against the project's written clinical knowledge "
                                 "(0 of %(count)s rules reviewed by a clinician).") % {"count": total}]
        else:
            sentences = [gettext("No rule in use carries a licensed clinician's sign-off that holds for it as it is "
                                 "now.")]
        if stale:
            sentences.append(ngettext("%(count)s rule was signed off before an edit, so that sign-off no longer counts.",
                                      "%(count)s rules were signed off before an edit, so those sign-offs no longer "
                                      "count.", stale) % {"count": stale})
        if unreviewed and unreviewed != total:
            sentences.append(ngettext("%(count)s rule has not been reviewed by a clinician yet.",
                                      "%(count)s rules have not been reviewed by a clinician yet.",
                                      unreviewed) % {"count": unreviewed})
        for rule, by, date, note in self.changes_requested(include_draft):
            sentences.append(gettext("Changes requested and not yet resolved for %(rule)s (%(who)s, %(date)s): "
                                     "%(note)s") % {"rule": rule, "who": by, "date": date, "note": note})
        return " ".join(sentences) + self._not_verified()

    def _not_verified(self) -> str:
        """The signers of records that count for nothing, named as not verified."""
        from spinewise.i18n import gettext

        unverified = list(dict.fromkeys(f"{s.reviewer} ({role_in_words(s.role)})" for s in self.signoffs
                                        if s.state not in ("valid", "out_of_date", "no_rule", "not_their_language")))
        if not unverified:
            return ""
        return " " + gettext("Sign-offs in the rule folder that could not be verified against the clinic's trust "
                             "file, and count for nothing: %(who)s.") % {"who": ", ".join(unverified)}

    def approval_status(self) -> str:
        """Who approved this rule base for use and when, or that no clinic has, in words a lifter reads."""
        from spinewise.i18n import day_in_words, gettext

        approval = self.valid_approval
        if approval is not None:
            who = ", ".join(part for part in (role_in_words(approval.role), approval.registration) if part)
            return gettext("%(name)s (%(who)s) approved this rule base for use on %(date)s.") % {
                "name": approval.by, "who": who, "date": _day(approval.date, day_in_words)}
        if self.trust and self.approval is not None and self.approval.state == "void":
            return gettext("No clinic has approved this rule base for use as it is now: it changed after it was "
                           "approved on %(date)s.") % {"date": _day(self.approval.date, day_in_words)}
        return gettext("No clinic has approved this rule base for use.")

    def review_in_brief(self, include_draft: bool = False) -> str:
        """One sentence for the lifter's part of a report: who signed the rules behind the advice."""
        approved = self.valid_approval
        return self._reviewed_in_brief(include_draft) + (" " + self.approval_status() if approved else "")

    def _reviewed_in_brief(self, include_draft: bool) -> str:
        from spinewise.i18n import gettext, ngettext

        if not self.trust:
            return gettext("No clinician's review of these rules could be verified.")
        states = self._rule_states(include_draft)
        total, signed = len(states), states.count("signed")
        signers = [name.split(" (")[0] for name in self.clinicians_who_signed(include_draft)]
        who = ", ".join(signers)
        if total and signed == total:
            return ngettext("Every rule behind this advice was signed off by a licensed clinician (%(who)s).",
                            "Every rule behind this advice was signed off by licensed clinicians (%(who)s).",
                            len(signers)) % {"who": who}
        if signed:
            # The rest await a review whether never reviewed, changed since, or sent back with changes asked.
            rest = total - signed
            return ngettext("A licensed clinician (%(who)s) signed off %(signed)s of the %(total)s rules behind this "
                            "advice.", "Licensed clinicians (%(who)s) signed off %(signed)s of the %(total)s rules "
                            "behind this advice.", len(signers)) % {"who": who, "signed": signed, "total": total} + \
                " " + ngettext("The other one awaits a clinician's review.", "The other %(count)s await a clinician's "
                               "review.", rest) % {"count": rest}
        if states.count("not_reviewed") == total:
            return gettext("No licensed clinician has reviewed the rules behind this advice yet.")
        return gettext("No clinician's sign-off holds for the rules behind this advice as they are now.")

    def safety_net_signs(self, include_draft: bool = False) -> tuple:
        """(heading, warning signs) of every disposition that heads a safety net: the signs (questions
        with a `sign`) that the rules giving it test."""
        groups = []
        for disposition in self.dispositions:
            if not disposition.safety_net:
                continue
            read = [q for rule in self.active_rules(include_draft) if rule.disposition == disposition.code
                    for q in rule.questions]
            signs = tuple(dict.fromkeys(self.question(q).sign for q in read if self.question(q).sign))
            if signs:
                groups.append((disposition.safety_net, signs))
        return tuple(groups)

    @property
    def stop_disposition(self) -> Disposition:
        return self.disposition(self.roles.stop_disposition)

    def active_rules(self, include_draft: bool = False) -> tuple:
        wanted = ("approved", "draft") if include_draft else ("approved",)
        return tuple(rule for rule in self.rules if rule.status in wanted)


def standing_requests(records) -> list:
    """The valid requests for changes among one rule's records that no later valid decision resolved:
    a later decision by the same person, or one that names the request (`resolves`)."""
    valid = [s for s in records if s.state in ("valid", "out_of_date") and s.licensed]
    standing = []
    for place, record in enumerate(valid):
        if record.decision != "request_changes":
            continue
        later = valid[place + 1:]
        if not any(s.reviewer == record.reviewer or (s.resolves and s.resolves == record.digest) for s in later):
            standing.append(record)
    return standing


def _by_code(entries, code: str, kind: str):
    for entry in entries:
        if entry.code == code:
            return entry
    raise KeyError(f"the rule base has no {kind} {code!r}")


def _day(value, in_words) -> str:
    """A date the rule folder records (ISO text or a date) in words, as every date a lifter reads."""
    import datetime

    try:
        day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return in_words(day)
