"""What a reviewer reads about questions: the answers a question allows, in words.

Conditions in words live with the condition language (rulebase/conditions.py: `words`).
"""

from __future__ import annotations


def allowed_text(question) -> str:
    """The answers a question allows, in a reviewer's words."""
    if question.type == "bool":
        return "yes or no"
    if question.type == "int":
        return f"a whole number from {question.minimum} to {question.maximum}"
    labels = "; ".join(f"{choice.label} ({choice.value})" for choice in question.choices)
    return ("one of: " if question.type == "choice" else "one or more of: ") + labels
