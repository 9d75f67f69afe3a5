"""The expert-system WHY: which rules read a question's answer and what they conclude.

Generated from the rule base on every request, so it always tells what the rules that
run would do with the answer, never a hand-written story.
"""

from __future__ import annotations

from spinewise.i18n import gettext, pgettext

import shutil
import textwrap

from spinewise.rulebase.conditions import AllOf, AnswerTest, answer_tests, flattened, questions_read, words


def explain(question, rulebase, rules) -> str:
    """Plain text: why `question` is asked, and each rule (of `rules`) that reads its answer."""
    users = [rule for rule in rules if question.id in rule.questions]
    lines = ["Why this question is asked:"]
    if question.asked_when is not None:
        lines.append(wrap(f"It is asked because {describe(question.asked_when, rulebase)}.", "  "))
    if not users:
        lines.append("  No rule uses this answer at the moment; it is kept with your report.")
    else:
        lines.append(f"  {_count(len(users), 'rule uses', 'rules use')} your answer:")
    for rule in users:
        lines.extend(_rule_lines(rule, question.id, rulebase))
    return "\n".join(lines)


def plain_why(question, rulebase, rules=None) -> list[str]:
    """A few plain lines for a lifter: why the answer matters and what each answer leads to.

    The first line is the question's `why` from the rule base (what the hint does not say).
    Then, generated from the rules that read this answer alone (`rules`, default the
    approved ones), the advice each answer leads to on its own (with at most the answers
    that make the question asked), most severe first; answers
    that decide nothing alone get one closing line. No rule ids, codes or finding titles:
    `??` lists the rules.
    """
    rules = rulebase.active_rules() if rules is None else rules
    lines = [question.why.strip()] if question.why else []
    given = set(questions_read(question.asked_when)) if question.asked_when is not None else set()
    outcomes = _plain_outcomes(question, rulebase, [rule for rule in rules if question.id in rule.questions
                                                    and set(rule.questions) <= given | {question.id}])
    lines.extend(outcomes)
    if outcomes:
        lines.append(gettext("Any other answer changes nothing on its own: your report weighs it with the rest."))
    elif not lines:
        lines.append(gettext("Your answer is weighed with your other answers in the report."))
    return lines


def _plain_outcomes(question, rulebase, alone) -> list[str]:
    """"If you answer yes, the advice is: <advice>." per answer that decides the advice on its own."""
    groups: dict = {}
    for rule in alone:
        if rule.disposition:
            disposition = rulebase.disposition(rule.disposition)
            groups.setdefault(_plain_condition(rule.when, question), set()).add((disposition.rank, disposition.title))
    ordered = sorted(groups.items(), key=lambda item: min(item[1]))
    lines = []
    for key, advice in ordered:
        rank, title = min(advice)
        if key:
            sentence = gettext("%(if_you)s %(answer)s, the advice will be at least: %(advice)s.") if rank else \
                gettext("%(if_you)s %(answer)s, the advice will be: %(advice)s.")
            lines.append(sentence % {"if_you": _plain_subject(question), "answer": key, "advice": title})
    return lines


def _plain_subject(question) -> str:
    return {"bool": gettext("If you answer"), "int": gettext("If your answer is"), "choice": gettext("If you choose"),
            "multi": gettext("If you")}[question.type]


def _plain_condition(condition, question) -> str:
    """The part of a condition about `question`, as the answer that meets it."""
    condition = flattened(condition)
    if isinstance(condition, AnswerTest):
        return _plain_answer(condition, question)
    parts = [_plain_condition(item, question) for item in getattr(condition, "items", ())
             if question.id in questions_read(item)]
    return (" and " if isinstance(condition, AllOf) else " or ").join(dict.fromkeys(parts))


def _answer_words() -> dict:
    """How an operator's meaning reads as the lifter's answer ("at least 7", "tick Lower back")."""
    return {
        "is yes": pgettext("answer", "yes"), "is no": pgettext("answer", "no"),
        "is at least": gettext("at least %(value)s"), "is at most": gettext("at most %(value)s"),
        "is more than": gettext("more than %(value)s"), "is less than": gettext("less than %(value)s"),
        "is not": gettext("anything but %(value)s"), "is none of": gettext("anything but %(value)s"),
        "includes": gettext("tick %(value)s"), "includes any of": gettext("tick any of %(value)s"),
        "does not include": gettext("do not tick %(value)s"), "includes none of": gettext("tick none of %(value)s"),
        "includes nothing but": gettext("tick only %(value)s"),
        "includes something other than": gettext("tick something other than %(value)s"),
    }


def _plain_answer(test, question) -> str:
    """One test on the asked question as the answer that meets it: "yes", "at least 7", "tick Lower back"."""
    meaning = test.meaning
    words = _answer_words()
    if question.type == "bool":
        return words.get(meaning, meaning.removeprefix("is "))
    labels = {choice.value: choice.label for choice in question.choices}
    values = test.value if isinstance(test.value, (list, tuple)) else [test.value]
    shown = gettext(" or ").join(f"“{labels[value]}”" if value in labels else str(value) for value in values)
    if meaning in ("is", "is one of"):
        return shown
    return words[meaning] % {"value": shown} if meaning in words else f"{meaning.removeprefix('is ')} {shown}"


LONG_CONDITION = 5  # questions; past this the WHY names only what the rule needs of this answer


def _rule_lines(rule, focus: str, rulebase) -> list[str]:
    lines = [wrap(rule.title, "  * ", "    "),
             wrap(f"when {_condition_text(rule, focus, rulebase)}", "      ")]
    concludes = _conclusions(rule, rulebase)
    if concludes:
        lines.append(wrap("then: " + "; ".join(concludes), "      "))
    if rule.rationale:
        lines.append(wrap(f"because: {rule.rationale.strip()}", "      "))
    lines.append(wrap(f"(rule {rule.id}; source: {rule.source})", "      "))
    return lines


def _condition_text(rule, focus: str, rulebase) -> str:
    others = len(rule.questions) - 1
    if others < LONG_CONDITION:
        return describe(rule.when, rulebase, focus)
    needs = " or ".join(dict.fromkeys(describe(test, rulebase, focus) for test in _tests_of(rule.when, focus)))
    return (f"{needs}, together with {others} other answers "
            "(`spinewise rules doc` prints the whole condition)")


def _tests_of(condition, question: str) -> list:
    return [test for test in answer_tests(condition) if test.question == question]


def _conclusions(rule, rulebase) -> list[str]:
    parts = []
    if rule.finding:
        parts.append(f"finding \"{_finding_title(rule.finding, rulebase)}\"")
    if rule.disposition:
        disposition = rulebase.disposition(rule.disposition)
        parts.append(f"advice \"{disposition.title}\"" + (" (or more urgent)" if disposition.rank else ""))
    if rule.plan:
        parts.append("plan: " + ", ".join(rulebase.plan_item(entry.code).title for entry in rule.plan))
    return parts


def describe(condition, rulebase, focus: str = "") -> str:
    """A condition in words (the condition language's own reading), named conditions read through."""
    text = words(condition, rulebase, expand=True, focus=focus).sentence()
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def _finding_title(code: str, rulebase) -> str:
    known = {finding.code: finding.title for finding in rulebase.findings}
    return known.get(code, code.replace("_", " "))


def _count(number: int, one: str, many: str) -> str:
    return f"1 {one}" if number == 1 else f"{number} {many}"


def screen_width() -> int:
    """The terminal's width (one column spare, so a full line never wraps on its own), at most 100 columns."""
    return min(max(shutil.get_terminal_size((80, 24)).columns - 1, 20), 100)


def wrap(text: str, indent: str = "", rest: str | None = None) -> str:
    """`text` filled to the terminal's width, never breaking a word such as all-clear."""
    return textwrap.fill(" ".join(text.split()), screen_width(), initial_indent=indent, break_on_hyphens=False,
                         subsequent_indent=rest if rest is not None else indent, break_long_words=False)
