"""`spinewise questions`: the question vocabulary, for people and for other tools, in the language in
use (texts, labels and when a question is asked; ids, values and codes never translate)."""

from __future__ import annotations

import json

from spinewise.i18n import language
from spinewise.review.condition_words import allowed_words, sentence, spoken
from spinewise.review.render import render
from spinewise.rulebase import load_rulebase_cached
from spinewise.rulebase.conditions import condition_json
from spinewise.rulebase.words import in_language


def questions(rules_dir=None, fmt: str = "json") -> str:
    """The question vocabulary as JSON (for other tools) or a Markdown table."""
    data = questions_data(load_rulebase_cached(rules_dir))
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return render("questions.md.j2", "markdown", data=data)


def questions_data(rulebase) -> dict:
    """Every question with its type, allowed answers, when it is asked and which rules read it."""
    shown = in_language(rulebase)
    return {
        "rulebase": {"name": rulebase.name, "version": rulebase.version, "sha256": rulebase.content_hash},
        "language": language(),
        "questions": [_question(q, rulebase, shown) for q in rulebase.questions],
    }


def _question(question, rulebase, shown) -> dict:
    there = shown.question(question.id)
    data = {"id": question.id, "section": there.section, "type": question.type, "text": there.text,
            "hint": there.hint, "allowed": allowed_words(there)}
    if question.type == "int":
        data.update(minimum=question.minimum, maximum=question.maximum)
    if question.choices:
        data["choices"] = [{"value": c.value, "label": c.label} for c in there.choices]
    data["asked_when"] = sentence(spoken(question.asked_when, rulebase, shown)) if question.asked_when else None
    data["asked_when_condition"] = condition_json(question.asked_when) if question.asked_when else None
    data["read_by"] = {status: [rule.id for rule in rulebase.rules if rule.status == status and question.id in rule.questions]
                       for status in ("approved", "draft")}
    return data
