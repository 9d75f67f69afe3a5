"""`rules doc`: the rulebook, every rule in plain words with its metadata, plus indexes.

Everything a template shows is prepared here as small frozen values; the templates
(templates/rulebook.md.j2 and rulebook.html.j2) only loop and branch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from spinewise.i18n import gettext, ngettext, pgettext
from spinewise.review.analysis.verify import verify
from spinewise.review.condition_words import allowed_words, sentence, spoken
from spinewise.review.render import render
from spinewise.review.safety import guarantee_words, prove_hazards
from spinewise.rulebase import load_rulebase_cached
from spinewise.rulebase.conditions import Words, answer_tests, fact_tests, names_used
from spinewise.rulebase.words import in_language
from spinewise.rulebase.yamlsource import YamlFileError, load_yaml


def rulebook(rules_dir=None, fmt: str = "markdown") -> str:
    """The rulebook of a rule base, as Markdown or printable HTML."""
    rulebase = load_rulebase_cached(rules_dir)
    book = build_rulebook(rulebase, verify(rulebase), prove_hazards(rulebase))
    return render(f"rulebook.{'html' if fmt == 'html' else 'md'}.j2", fmt, book=book)


@dataclass(frozen=True)
class Said:
    """A text a lifter reads, in the language in use, and its English source when that differs
    (a translation is clinical content: the rulebook shows what it translates). Printed, it is the text."""

    text: str
    source: str = ""  # the English, only when the text shown is a translation of it

    def __str__(self) -> str:
        return self.text


def said(shown: str, english: str) -> Said:
    return Said(shown, english if shown != english else "")


@dataclass(frozen=True)
class Titled:
    code: str
    title: str
    style: str = ""  # a disposition's presentation style


@dataclass(frozen=True)
class ExampleView:
    given: tuple  # of (question label, answer in words)
    expected: tuple  # of (what, Said, detail): what is "disposition", "finds", "does not find" or "plans"
    where: str


@dataclass(frozen=True)
class RuleView:
    id: str
    title: str
    status: str
    version: str
    author: str
    review: str  # clinical sign-off in words: signed by whom and when, not reviewed, or out of date since an edit
    review_state: str  # "signed", "changes_requested", "out_of_date" or "not_reviewed"
    other_reviews: tuple  # of sentences: valid reviews by non-clinicians, shown as such
    source: str
    rationale: str
    where: str  # file:line
    when: Words
    finding: Titled | None
    disposition: Titled | None
    plan: tuple  # of (title, detail such as "level: regress")
    parameters: tuple  # of (name, value, meaning)
    examples: tuple  # of ExampleView


@dataclass(frozen=True)
class TopicView:
    title: str
    description: str
    file: str
    rules: tuple  # of RuleView


@dataclass(frozen=True)
class DispositionView:
    code: str
    style: str
    title: str
    advice: str
    referral: bool
    plan: tuple  # of plan item titles every report with it carries
    rules: tuple  # of Titled (rule id, rule title) that ask for it


@dataclass(frozen=True)
class IndexEntry:
    code: str
    title: str
    detail: str  # a question's allowed answers and when it is asked; empty for findings
    rules: tuple  # of Titled: the rules that draw / read it
    readers: tuple = ()  # of Titled: rules that test a finding or plan item
    drawn_by_spinewise: bool = False  # the finding spinewise itself draws when no rule decides


@dataclass(frozen=True)
class ParameterView:
    name: str
    value: str
    meaning: str
    where: str
    rules: tuple  # of Titled


@dataclass(frozen=True)
class ConditionEntry:
    name: str
    title: str
    description: str
    when: Words
    where: str
    rules: tuple  # of Titled: the rules that use it


@dataclass(frozen=True)
class HazardView:
    id: str
    hazard: str
    guarantee: str  # in words
    controls: tuple  # of Titled
    rationale: str
    verified: str  # how it was verified, or why it is not
    holds: bool
    where: str


@dataclass(frozen=True)
class AttentionView:
    """The clinic's attention list as the rulebook prints it: every line of its review card."""

    lines: tuple  # of (label, text), as `rules review --attention` shows them
    review: str  # where its clinical review stands, in words
    where: str


@dataclass(frozen=True)
class Rulebook:
    name: str
    version: str
    content_hash: str
    description: str
    review_status: str  # whether a clinician reviewed the rules in use, in plain words
    counts: tuple  # of "63 in use (approved)"-like phrases
    dispositions: tuple
    topics: tuple  # of TopicView, approved rules
    drafts: tuple  # of RuleView
    retired: tuple  # of RuleView
    by_finding: tuple
    by_plan: tuple
    by_question: tuple
    unread_questions: tuple  # of IndexEntry
    parameters: tuple
    conditions: tuple  # of ConditionEntry
    verification: str  # how the answer space was covered
    problems: tuple  # of (severity, message) from static verification
    safety_case: tuple = ()  # of HazardView
    attention: AttentionView | None = None  # the clinic's attention list, when the rule base has one
    translations: tuple = ()  # of (language, where its clinical review stands, in words)


def build_rulebook(rulebase, verification, proofs=()) -> Rulebook:
    folder = Path(rulebase.directory)
    every = rulebase.rules + tuple(rule for rule in rulebase.checkin_rules if "assessment" not in rule.at)
    approved = [rule for rule in every if rule.status == "approved"]  # the weekly check-in's rules too
    shown = in_language(rulebase)  # the lifter-facing texts in the language in use, beside their English
    views = {rule.id: _rule_view(rule, rulebase, shown) for rule in every}
    topics = []
    for file in dict.fromkeys(rule.file for rule in approved):
        rules = tuple(views[rule.id] for rule in approved if rule.file == file)
        info = _topic_info(Path(file))
        topics.append(TopicView(info.get("topic", Path(file).stem), info.get("description", ""), Path(file).name, rules))
    number = {status: sum(1 for rule in every if rule.status == status) for status in ("approved", "draft", "retired")}
    counts = (ngettext("%(count)s in use (approved)", "%(count)s in use (approved)", number["approved"]),
              ngettext("%(count)s draft", "%(count)s draft", number["draft"]),
              ngettext("%(count)s retired", "%(count)s retired", number["retired"]),
              ngettext("%(count)s question", "%(count)s questions", len(rulebase.questions)))
    counts = tuple(text % {"count": n} for text, n in zip(counts, (*number.values(), len(rulebase.questions))))
    return Rulebook(
        name=rulebase.name, version=rulebase.version, content_hash=rulebase.content_hash,
        description=_topic_info(folder / "rulebase.yaml").get("description", ""),
        review_status=rulebase.review_status() + " " + rulebase.approval_status(),
        counts=counts,
        dispositions=tuple(_disposition_view(d, approved, rulebase, shown) for d in rulebase.dispositions),
        topics=tuple(topics),
        drafts=tuple(views[rule.id] for rule in rulebase.rules if rule.status == "draft"),
        retired=tuple(views[rule.id] for rule in rulebase.rules if rule.status == "retired"),
        by_finding=tuple(_finding_entry(f, approved, rulebase, shown) for f in rulebase.findings),
        by_plan=tuple(_plan_entry(p, approved, shown) for p in rulebase.plan_items),
        by_question=tuple(entry for entry in _question_entries(rulebase, approved, shown) if entry.rules),
        unread_questions=tuple(entry for entry in _question_entries(rulebase, approved, shown) if not entry.rules),
        parameters=tuple(_parameter_view(p, approved) for p in rulebase.parameters),
        conditions=tuple(_condition_entry(c, rulebase, approved) for c in rulebase.conditions),
        verification=verification.coverage,
        problems=tuple((p.severity, f"{Path(p.file).name}:{p.line}: {p.message}") for p in verification.problems),
        safety_case=tuple(_hazard_view(proof, rulebase) for proof in proofs),
        attention=_attention_view(rulebase),
        translations=_translation_reviews(rulebase),
    )


def _translation_reviews(rulebase) -> tuple:
    """Each translated language and where its sign-off stands (`rules review --translation LANG`)."""
    from spinewise.rulebase.translations import card_id, languages

    return tuple((lang, rulebase.rule_review(card_id(lang)).words(gettext("a message of its catalogues")))
                 for lang in languages(rulebase.directory))


def _attention_view(rulebase) -> AttentionView | None:
    from spinewise.rulebase.attention import CARD_ID
    from spinewise.rulebase.shown import attention_card

    if rulebase.attention is None:
        return None
    return AttentionView(attention_card(rulebase).lines, rulebase.rule_review(CARD_ID).words(gettext("the list")),
                         Path(rulebase.attention.file).name or "attention.yaml")


def _hazard_view(proof, rulebase) -> HazardView:
    hazard = proof.hazard
    rules = {rule.id: rule for rule in rulebase.rules + rulebase.checkin_rules}
    verified = proof.how if proof.status != "broken" else (
        "BROKEN: `spinewise rules check` names an answers set that breaks it")
    return HazardView(hazard.id, hazard.hazard.rstrip("."), guarantee_words(rulebase, hazard),
                      tuple(_titled(rules[rid]) for rid in hazard.controls), " ".join(hazard.rationale.split()),
                      verified, proof.status in ("proved", "sampled"), f"{Path(hazard.file).name}:{hazard.line}")


def _topic_info(path: Path) -> dict:
    """A file's `topic` and `description`, which the model does not keep."""
    try:
        data = load_yaml(path)
    except YamlFileError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: " ".join(str(data[key]).split()) for key in ("topic", "description") if data.get(key)}


def _titled(rule) -> Titled:
    return Titled(rule.id, rule.title)


def _rule_view(rule, rulebase, shown) -> RuleView:
    review = rulebase.rule_review(rule.id)
    used = {test.parameter for test in answer_tests(rule.when) if test.parameter}
    used |= {name for entry in rule.plan for name in entry.parameters}
    return RuleView(
        id=rule.id, title=rule.title, status=rule.status, version=rule.version, author=rule.author,
        review=review.words(), review_state=review.state,
        other_reviews=tuple(_other_review(who, date, decision) for who, date, decision in review.other),
        source=rule.source, rationale=" ".join(rule.rationale.split()),
        where=f"{Path(rule.file).name}:{rule.line}", when=spoken(rule.when, rulebase, shown),
        finding=Titled(rule.finding, _finding_title(rule.finding, rulebase, shown)) if rule.finding else None,
        disposition=_disposition_titled(rule.disposition, rulebase, shown) if rule.disposition else None,
        plan=tuple((_plan_title(e.code, rulebase, shown), _attributes(e.attributes)) for e in rule.plan),
        parameters=tuple((p.name, str(p.value), p.meaning) for p in rulebase.parameters if p.name in used),
        examples=tuple(_example_view(rule, example, rulebase, shown) for example in rule.examples),
    )


def _other_review(who: str, date: str, decision: str) -> str:
    if decision == "approve":
        return gettext("approved by %(who)s on %(date)s (not a clinical sign-off)") % {"who": who, "date": date}
    return gettext("changes requested by %(who)s on %(date)s (not a clinical sign-off)") % {"who": who, "date": date}


def _finding_title(code: str, rulebase, shown) -> Said:
    return said(shown.finding(code).title, rulebase.finding(code).title)


def _plan_title(code: str, rulebase, shown) -> Said:
    return said(shown.plan_item(code).title, rulebase.plan_item(code).title)


def _disposition_titled(code: str, rulebase, shown) -> Titled:
    disposition = rulebase.disposition(code)
    return Titled(code, said(shown.disposition(code).title, disposition.title), disposition.style)


def _condition_entry(named, rulebase, rules) -> ConditionEntry:
    users = tuple(_titled(rule) for rule in rules if named.name in names_used(rule.when))
    return ConditionEntry(named.name, named.title, " ".join(named.description.split()),
                          spoken(named.when, rulebase, in_language(rulebase)),
                          f"{Path(named.file).name}:{named.line}", users)


def _attributes(attributes: dict) -> str:
    return ", ".join(f"{name.replace('_', ' ')}: {value}" for name, value in attributes.items())


def _example_view(rule, example, rulebase, shown) -> ExampleView:
    given = tuple((_label(qid), _answer_words(shown.question(qid), value)) for qid, value in example.given.items()
                  if qid in rulebase.questions_by_id)
    expected = []
    if example.disposition:
        expected.append(("disposition", _disposition_titled(example.disposition, rulebase, shown).title, ""))
    expected += [("finds", _finding_title(code, rulebase, shown), "") for code in example.findings]
    expected += [("does not find", _finding_title(code, rulebase, shown), "") for code in example.no_findings]
    expected += [("plans", _plan_title(e.code, rulebase, shown), _attributes(e.attributes)) for e in example.plan]
    return ExampleView(given, tuple(expected), f"{Path(rule.file).name}:{example.line}")


def _answer_words(question, value) -> str:
    """An answer in words in the language in use (the choice labels come translated with the question)."""
    if question.type == "bool":
        return pgettext("answer", "yes") if value else pgettext("answer", "no")
    return question.answer_text(value)


def _label(qid: str) -> str:
    return qid.replace("_", " ").capitalize()


def _disposition_view(disposition, rules, rulebase, shown) -> DispositionView:
    there = shown.disposition(disposition.code)
    return DispositionView(
        disposition.code, disposition.style, said(there.title, disposition.title),
        said(" ".join(there.advice.split()), " ".join(disposition.advice.split())), disposition.referral,
        tuple(_plan_title(code, rulebase, shown) for code in disposition.required_plan),
        tuple(_titled(rule) for rule in rules if rule.disposition == disposition.code),
    )


def _finding_entry(finding, rules, rulebase, shown) -> IndexEntry:
    readers = tuple(_titled(rule) for rule in rules
                    if any(f.kind == "finding" and f.code == finding.code for f in fact_tests(rule.when)))
    return IndexEntry(finding.code, _finding_title(finding.code, rulebase, shown), "",
                      tuple(_titled(rule) for rule in rules if rule.finding == finding.code), readers,
                      finding.code == rulebase.roles.no_decision_finding)


def _plan_entry(item, rules, shown) -> IndexEntry:
    readers = tuple(_titled(rule) for rule in rules
                    if any(f.kind == "plan" and f.code == item.code for f in fact_tests(rule.when)))
    planners = tuple(_titled(rule) for rule in rules if any(e.code == item.code for e in rule.plan))
    return IndexEntry(item.code, said(shown.plan_item(item.code).title, item.title), "", planners, readers)


def _question_entries(rulebase, rules, shown) -> list[IndexEntry]:
    entries = []
    for question in rulebase.questions:
        there = shown.question(question.id)
        asked = (gettext("asked only when %(condition)s") % {"condition": sentence(spoken(question.asked_when, rulebase, shown))}
                 if question.asked_when else gettext("always asked"))
        detail = f"{allowed_words(there)}; {asked}"
        readers = tuple(_titled(rule) for rule in rules if question.id in rule.questions)
        entries.append(IndexEntry(question.id, said(there.text, question.text), detail, readers))
    return entries


def _parameter_view(parameter, rules) -> ParameterView:
    users = tuple(_titled(rule) for rule in rules
                  if any(test.parameter == parameter.name for test in answer_tests(rule.when))
                  or any(parameter.name in entry.parameters for entry in rule.plan))
    return ParameterView(parameter.name, str(parameter.value), parameter.meaning,
                         f"{Path(parameter.file).name}:{parameter.line}", users)
