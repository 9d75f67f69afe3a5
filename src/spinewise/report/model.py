"""The report as finished values: templates only loop and branch over what is built here.

Every text comes from the rule base (dispositions, findings, plan items and phases,
questions, named conditions and rules); this module only picks, orders, merges and
formats it for one Result. It never names a rule-base code: it reads the roles.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from babel.lists import format_list

from spinewise.i18n import gettext, language, ngettext
from spinewise.report.dates import days_after, in_words, report_day
from spinewise.rulebase.conditions import Named, nodes, questions_read
from spinewise.rulebase.model import worded
from spinewise.rulebase.words import in_language, level_name, source_parts, source_title, translation_signed_off


@dataclass(frozen=True)
class AnswerView:
    question: str
    answer: str
    section: str = ""
    statement: str = ""  # the answer as a sentence about the lifter: "you tuck your tailbone at the top"


@dataclass(frozen=True)
class FindingView:
    code: str
    title: str
    explanation: str
    because: tuple  # of sentences about the lifter: "you tuck your tailbone at the top"
    rules: tuple  # of (rule id, rule title) that drew it
    source: str
    decided: bool  # one of its rules asked for the reported disposition
    alarming: bool  # one of its rules asked for a referral (a red flag, or stop and see someone)
    brief: bool  # beside a boxed referral, a finding that does not decide is told by title and answers only
    all_because: tuple = ()  # every answer behind it, for the practitioner (`because` leaves out what was said)


@dataclass(frozen=True)
class PlanView:
    code: str
    title: str
    text: str
    steps: tuple
    doses: tuple  # of short sentences: "2 to 3 sets of 10 reps"
    level: str  # e.g. "advanced", with level_note saying what it means in the lifter's words
    level_note: str
    lifts: tuple  # the full list, for the practitioner; the lifter reads `text`
    drawing: str  # a template path of a line drawing, or ""
    source: str
    level_name: str = ""  # the level in the lifter's language


@dataclass(frozen=True)
class PhaseView:
    title: str
    note: str
    items: tuple  # of PlanView
    first: bool  # the phase of what to do now
    brief: bool  # list the items by title, text and dose only


@dataclass(frozen=True)
class AlertView:
    """The box that repeats the referral advice and the answers that called for it."""

    style: str  # the disposition's presentation style
    repeated: bool  # shown again after the plan
    title: str
    advice: str
    by: str  # when to act, in words: "today, Tuesday 24 November 2026" / "by Wednesday 25 November 2026"
    actions: tuple  # of PlanView: what to do now, one line each
    because: tuple  # of sentences: the answers behind the findings that decided the referral (the others follow)


@dataclass(frozen=True)
class TrackerView:
    exercises: tuple  # of (title, dose)
    weeks: tuple  # of (week number, the date the week starts)
    sessions_per_week: int
    levels: tuple  # of the dead-bug levels to tick, when the program plans one, in the lifter's words
    exercises_in_words: str = ""  # "dead bug and neutral-spine hip thrust"
    levels_in_words: str = ""  # "regress, beginner or advanced"


@dataclass(frozen=True)
class SafetyNetView:
    warnings: tuple  # of (heading, signs in plain words): signs that would make it more urgent, not yet present
    check_again: str  # the date to answer the questions again; "" under a referral (again once seen)
    no_improvement: str  # on the program: the date by which no improvement means a practitioner; else ""
    if_worse: str
    moved: bool = False  # at a check-in that did not count: the no-improvement date moved a week later


@dataclass(frozen=True)
class Severity:
    level: int  # 1 for the mildest disposition, scale for the most severe
    scale: int

    @property
    def marks(self) -> tuple:
        """One bool per step of the scale, True when filled (for a printed gauge)."""
        return tuple(step < self.level for step in range(self.scale))


@dataclass(frozen=True)
class ReportView:
    disposition: str
    style: str  # the disposition's presentation style, for colours
    headline: str
    advice: str
    severity: Severity
    referral: bool
    alert: AlertView | None
    findings: tuple  # of FindingView, one per finding (the practitioner's list)
    why: tuple  # of FindingView: the findings the lifter reads (under an emergency, only what calls for it)
    phases: tuple  # of PhaseView, in the order a lifter goes through them, empty ones and the boxed one left out
    tracker: TrackerView | None
    safety_net: SafetyNetView | None  # on every report but the one that stops the questionnaire
    sources: tuple  # every source the findings cite, once each (for the practitioner)
    lifts: tuple  # every lift to pause, in full (for the practitioner; the lifter reads a plan item's text)
    not_asked: tuple  # of question texts
    answers: tuple  # of AnswerView, in question order
    date: str  # in words: "Tuesday 24 November 2026"
    rulebase_name: str
    rulebase_version: str
    rulebase_hash: str
    review_status: str  # whether a clinician reviewed the rules in use, in plain words
    clinician_reviewed: bool
    review_in_brief: str  # the same, in one sentence for the lifter's part
    approval_status: str  # who approved this rule base for use and when, or that no clinic has
    included_drafts: bool
    draft_rules_fired: tuple  # of rule ids
    translation_notice: str = ""  # until a clinician signed the language's catalogues off: says so, in it


def build_view(result, rulebase, today=None) -> ReportView:
    rulebase = in_language(rulebase)
    disposition = rulebase.disposition(result.disposition)
    rules = {rule.id: rule for rule in rulebase.rules}
    facts = frozenset([("finding", f.code) for f in result.findings] + [("plan", p.code) for p in result.plan])
    plan = {p.code: _plan(p, rulebase, result.checkin is not None, result.answers, facts) for p in result.plan}
    day = report_day(today)
    phases = _phases(result, rulebase, plan, disposition.referral)
    boxed = disposition.alert != "none"
    findings = _findings(result, rulebase, rules, facts)
    alert = _alert(disposition, findings, phases[0].items if boxed and phases and phases[0].first else (), day,
                   result.answers, facts)
    if alert:
        phases = tuple(phase for phase in phases if not phase.first)
    emergency = disposition.code == rulebase.roles.stop_disposition
    if emergency:  # what comes after clearance is for the practitioner to decide, not for today
        phases = ()
    said = _said_once(findings, alert.because if alert else ())
    return ReportView(
        disposition=disposition.code,
        style=disposition.style,
        headline=disposition.title,
        advice=worded(disposition, "advice", result.answers, facts).strip(),
        severity=Severity(len(rulebase.dispositions) - disposition.rank, len(rulebase.dispositions)),
        referral=disposition.referral,
        alert=alert,
        findings=said,
        why=tuple(f for f in said if not emergency or f.decided or f.alarming),
        phases=phases,
        tracker=_tracker(rulebase, disposition.code, result, plan, day),
        safety_net=_safety_net(rulebase, result, day),
        sources=tuple(dict.fromkeys(source_title(rulebase, part) for f in findings for part in source_parts(f.source))),
        lifts=tuple(dict.fromkeys(lift for view in plan.values() for lift in view.lifts)),
        not_asked=tuple(rulebase.question(q).text for q in result.not_asked),
        answers=tuple(_answer(rulebase, q.id, result.answers[q.id]) for q in rulebase.questions
                      if q.id in result.answers),
        date=in_words(day),
        rulebase_name=rulebase.name,
        rulebase_version=result.rulebase_version,
        rulebase_hash=result.rulebase_hash,
        review_status=rulebase.review_status(result.included_drafts),
        clinician_reviewed=rulebase.clinician_reviewed(result.included_drafts),
        review_in_brief=rulebase.review_in_brief(result.included_drafts),
        approval_status=rulebase.approval_status(),
        included_drafts=result.included_drafts,
        draft_rules_fired=tuple(r for r in result.rules_fired if r in rules and rules[r].status == "draft"),
        translation_notice=translation_notice(rulebase),
    )


def translation_notice(rulebase) -> str:
    """The notice every report in a language carries until its catalogues are signed off."""
    if rulebase.language == "en" or translation_signed_off(rulebase, rulebase.language):
        return ""
    return _("This translation has not been reviewed by a clinician yet: if a sentence is unclear, "
             "ask a practitioner or read the report in English.")


def _answer(rulebase, qid: str, value) -> AnswerView:
    question = rulebase.question(qid)
    return AnswerView(question.text, question.answer_text(value), question.section, question.statement(value))


def _(message: str, **values) -> str:
    return gettext(message) % values if values else gettext(message)


# -- findings -------------------------------------------------------------------------------

def _findings(result, rulebase, rules, facts) -> tuple:
    """One view per finding, however many rules drew it, in the words that are true for this lifter."""
    grouped: dict = {}
    for finding in result.findings:
        grouped.setdefault(finding.code, []).append(finding)
    boxed = rulebase.disposition(result.disposition).alert != "none"
    return tuple(_finding(code, drawn, rulebase, rules, result, boxed, facts) for code, drawn in grouped.items())


def _said_once(findings: tuple, said: tuple) -> tuple:
    """The findings with every answer said once in the whole report: a sentence the alert box or an
    earlier finding already said is left out (read aloud, nothing is said twice)."""
    seen, views = set(said), []
    for finding in findings:
        because = tuple(sentence for sentence in finding.because if sentence not in seen)
        seen.update(because)
        views.append(replace(finding, because=because, all_because=finding.because))
    return tuple(views)


def _finding(code, drawn, rulebase, rules, result, boxed: bool, facts) -> FindingView:
    disposition = result.disposition
    definition = rulebase.finding(code)
    fired = [rules[f.rule] for f in drawn if f.rule in rules]
    because = tuple(dict.fromkeys(sentence for f in drawn for sentence in _reasons(rules.get(f.rule), f, result,
                                                                                   rulebase)))
    sources = dict.fromkeys(f.source or (rules[f.rule].source if f.rule in rules else "") for f in drawn)
    decided = any(rule.disposition == disposition for rule in fired)
    return FindingView(
        code=code,
        title=worded(definition, "title", result.answers, facts),
        explanation=" ".join(worded(definition, "explanation", result.answers, facts).split()),
        because=because,
        rules=tuple((rule.id, rule.title) for rule in fired) or tuple((f.rule, "") for f in drawn),
        source="; ".join(source for source in sources if source),
        decided=decided,
        alarming=any(rule.disposition and rulebase.disposition(rule.disposition).referral for rule in fired),
        brief=boxed and not decided,
    )


def _reasons(rule, drawn, result, rulebase) -> list:
    """Why the lifter reads this finding: the rule's own sentence where it has one, else what they answered."""
    if rule is not None and rule.because:
        values = {p.name: p.value for p in rulebase.parameters}
        return [rule.because.format(**values)]
    return because_sentences(rule, _told(drawn.because, result), rulebase)


def _told(because: dict, result) -> dict:
    """At a check-in, the answers the lifter gave this week: the values derived from the journal
    (counts, the last entry's advice) are said once in the check-in part, in their own sentences."""
    if result.checkin is None:
        return because
    return {qid: value for qid, value in because.items() if qid in result.answers}


def because_sentences(rule, because: dict, rulebase) -> list[str]:
    """The answers behind a finding as what the lifter said; a named condition's answers as its one sentence.

    Never more sentences than answers: a named condition only ever replaces the answers it read."""
    sentences: dict = {}  # first question -> sentence, to keep question order
    covered: set = set()
    for named in _named_conditions(rule.when) if rule else ():
        read = [q for q in questions_read(named.condition) if q in because and q not in covered]
        if read:
            sentences[read[0]] = rulebase.condition(named.name).says
            covered.update(read)
    for qid, value in because.items():
        if qid not in covered and qid in rulebase.questions_by_id:
            sentences[qid] = rulebase.question(qid).statement(value)
    order = {q.id: index for index, q in enumerate(rulebase.questions)}  # values derived at a check-in come last
    return [sentences[q] for q in sorted(sentences, key=lambda qid: order.get(qid, len(order)))]


def _named_conditions(condition) -> list:
    """Named conditions the lifter can be told in one sentence, outermost first (not negated ones)."""
    found, inside = [], set()
    for node in nodes(condition):
        if isinstance(node, Named) and not node.negated and id(node) not in inside:
            found.append(node)
            inside.update(id(n) for n in nodes(node.condition))
    return found


def _alert(disposition, findings, actions: tuple, day, answers, facts) -> AlertView | None:
    """The boxed referral: what to do and by when, and the answers that decided it (the report's
    reasons, right below the box, name every other finding briefly)."""
    if disposition.alert == "none":
        return None
    because = tuple(dict.fromkeys(sentence for f in findings if f.decided for sentence in f.because))
    return AlertView(disposition.style, disposition.alert == "top_and_end", disposition.title,
                     worded(disposition, "advice", answers, facts).strip(), _by(disposition.within_days, day),
                     actions, because)


def _by(days, day) -> str:
    if days is None:
        return ""
    if days == 0:
        return _("today, %(date)s", date=in_words(day))
    return _("by %(date)s", date=days_after(day, days))


# -- the plan ---------------------------------------------------------------------------------

def _phases(result, rulebase, plan: dict, referral: bool) -> tuple:
    """The plan by phase; under a referral every later phase is brief (the practitioner decides it)."""
    views = []
    for index, phase in enumerate(rulebase.phases):
        items = tuple(plan[p.code] for p in result.plan if p.phase == phase.code)
        if items:
            views.append(PhaseView(phase.title, " ".join(phase.note.split()), items, index == 0,
                                   phase.brief or (referral and index > 0)))
    return tuple(views)


def _plan(item, rulebase, at_checkin: bool = False, answers=None, facts=frozenset()) -> PlanView:
    definition = rulebase.plan_item(item.code)
    attributes = item.attributes
    # At a check-in a dose is this week's, said once: the plan item's own dose sentences tell the
    # whole program (where it starts and where it builds up to), which a check-in has moved on from.
    this_week = at_checkin and attributes.get("sets") is not None and attributes.get("reps") is not None
    level = str(attributes.get("level", ""))
    drawing = definition.drawings.get(level) or definition.drawings.get("any", "")
    return PlanView(
        code=item.code,
        title=definition.title,
        text=definition.text.strip(),
        steps=tuple(step.format(**attributes) for step in worded(definition, "steps", answers or {}, facts)),
        doses=(dose_words({**attributes, "level": ""}, rulebase),) if this_week else
        tuple(dose.format(**attributes) for dose in worded(definition, "doses", answers or {}, facts)),
        level=level,
        level_note=definition.levels.get(level, "") if level else "",
        lifts=tuple(attributes.get("lifts", ())),
        drawing=f"drawings/{drawing}" if drawing else "",
        source=definition.source,
        level_name=level_name(rulebase, level) if level else "",
    )


def dose_words(attributes: dict, rulebase=None) -> str:
    """A dose as words: "3 sets of 15 reps (advanced level)", "step 2"."""
    if attributes.get("step") is not None and attributes.get("sets") is None:
        return _("step %(step)s", step=attributes["step"])
    sets, reps = attributes.get("sets"), attributes.get("reps")
    dose = ngettext("%(count)s set of %(reps)s reps", "%(count)s sets of %(reps)s reps", sets) % {"count": sets, "reps": reps}
    if attributes.get("level"):
        dose = _("%(dose)s (%(level)s level)", dose=dose, level=level_name(rulebase, str(attributes["level"])))
    return dose


def _tracker(rulebase, disposition: str, result, plan: dict, day) -> TrackerView | None:
    """One row per week of the corrective program still ahead (at its longest), to print and fill in,
    numbered as the program's weeks: after 2 counted weeks the first row is week 3."""
    roles = rulebase.roles
    schedule = next((p.attributes for p in result.plan if p.code == roles.schedule_item), None)
    if disposition != roles.program_disposition or schedule is None:
        return None
    weeks = int(schedule.get("weeks_max") or schedule.get("weeks_min") or roles.tracker_weeks)
    per_week = int(schedule.get("sessions_per_week_max") or schedule.get("sessions_per_week_min")
                   or roles.tracker_sessions_per_week)
    exercises = tuple((view.title, "; ".join(view.doses)) for code, view in plan.items()
                      if code in roles.program_exercises)
    levels = tuple(dict.fromkeys(level_name(rulebase, level) for view in plan.values() if view.level
                                 for level in _levels_of(rulebase, view.code)))
    done = _weeks_done(result, roles)
    rows = tuple((week, days_after(day, 7 * (week - done - 1))) for week in range(done + 1, max(weeks, done + 1) + 1))
    return TrackerView(exercises, rows, per_week, levels,
                       format_list([title.lower() for title, _dose in exercises], locale=language()),
                       format_list(list(levels), style="or", locale=language()) if levels else "")


def _weeks_done(result, roles) -> int:
    """The program weeks that have counted: at a check-in the journal's count, at a first assessment
    the weeks the lifter said they had done."""
    done = (result.checkin or {}).get("weeks_counted") if result.checkin else result.answers.get(roles.weeks_done_question)
    return done if isinstance(done, int) and done >= 0 else 0


def _levels_of(rulebase, code: str) -> list[str]:
    """Every level the rules can set for a plan item, in the order the plan item lists them (easiest
    first), so every report names them in one order (a level a check-in rule carries over from the
    journal is a name, not a level: it is left out)."""
    known = rulebase.plan_item(code).levels
    set_by_rules = {str(entry.attributes["level"]) for rule in rulebase.rules if rule.status != "retired"
                    for entry in rule.plan if entry.code == code and "level" in entry.attributes}
    return [level for level in known if level in set_by_rules]


# -- the safety net -----------------------------------------------------

def _safety_net(rulebase, result, day) -> SafetyNetView | None:
    """The signs that would make it more urgent than the report says, and when to answer again."""
    roles = rulebase.roles
    if result.disposition == roles.stop_disposition:
        return None
    reported = rulebase.disposition(result.disposition)
    warnings = tuple((d.safety_net, signs) for d in rulebase.dispositions if d.safety_net and d.rank < reported.rank
                     for signs in [_signs_for(rulebase, d.code, result.answers)] if signs)
    no_improvement = ""
    if result.disposition == roles.program_disposition:
        done = result.answers.get(roles.weeks_done_question, 0)
        no_improvement = days_after(day, 7 * max(roles.no_improvement_weeks - done, 1))
    check_again = "" if reported.referral else days_after(day, roles.check_again_days)
    return SafetyNetView(warnings, check_again, no_improvement, " ".join((reported.if_worse or roles.if_worse).split()))


def _signs_for(rulebase, disposition: str, answers: dict) -> tuple:
    """The warning signs (questions with a `sign`) that the rules giving a disposition test, but for
    those the lifter already answered yes to: those are not something to watch for, they are why."""
    read = [q for rule in rulebase.active_rules() if rule.disposition == disposition for q in rule.questions]
    return tuple(dict.fromkeys(rulebase.question(q).sign for q in read
                               if rulebase.question(q).sign and answers.get(q) is not True))
