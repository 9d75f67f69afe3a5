"""`rules check` for the languages: a language is offered only when its catalogues translate
every lifter-facing message of this rule folder and of the package, hold no fuzzy entry and keep
every placeholder (contract, "Words and languages"). A problem with a message a red-flag
question or an urgent referral shows is named as such: it must never reach a lifter in English
by accident, nor half-checked."""

from __future__ import annotations

from pathlib import Path

from spinewise.i18n import RULES_DOMAIN, SOURCE, normal
from spinewise.i18n.catalogues import language_problems
from spinewise.rulebase.words import rule_messages
from spinewise.rulebase.yamlsource import Problem, YamlFileError, load_yaml


def rule_folder_messages(folder: Path) -> list:
    """(context, msgid) of every lifter-facing text in the rule folder, as the extractor finds them."""
    found = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = load_yaml(path)
        except YamlFileError:
            continue  # reported by the loader
        found += [(context, normal(text)) for _, context, text, _ in rule_messages(path.name, data)]
    return list(dict.fromkeys(found))


def red_flag_texts(rulebase) -> set:
    """The texts a lifter reads about a warning sign or an urgent referral."""
    texts = set()
    questions = list(rulebase.questions) + (list(rulebase.checkin.questions) if rulebase.checkin else [])
    for question in questions:
        if question.sign:
            says = question.says.values() if isinstance(question.says, dict) else [question.says or ""]
            texts.update([question.text, question.hint, question.why, question.sign, *says])
    for disposition in rulebase.dispositions:
        if disposition.alert != "none" or disposition.safety_net:
            texts.update([disposition.title, disposition.advice, disposition.safety_net])
    return {normal(text) for text in texts if text}


def catalogue_problems(folder, rulebase=None) -> tuple[list[Problem], list[str]]:
    folder = Path(folder)
    # The rule folder says which languages it offers (its locale/); each also needs the package's catalogue.
    languages = sorted({p.name for p in (folder / "locale").glob("*") if (p / "LC_MESSAGES").is_dir()} - {SOURCE})
    required = rule_folder_messages(folder)
    urgent = red_flag_texts(rulebase) if rulebase is not None else set()
    problems, offered = [], [SOURCE]
    for lang in languages:
        found = language_problems(lang, folder, required)
        if not found:
            offered.append(lang)
        for problem in found:
            message = problem.message
            if any(text[:60] in message for text in urgent) or _is_urgent(problem, urgent):
                message = f"a red-flag message: {message}"
            problems.append(Problem(problem.file, problem.line, f"language {lang} not offered: {message}"))
    return problems, [f"languages offered: {', '.join(offered)}"]


def _is_urgent(problem, urgent: set) -> bool:
    quoted = problem.message.split("'", 1)[-1].rstrip("'.")
    quoted = quoted.removesuffix("...")
    return bool(quoted) and any(text.startswith(quoted) for text in urgent)


__all__ = ["catalogue_problems", "rule_folder_messages", "RULES_DOMAIN"]
