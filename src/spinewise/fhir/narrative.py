"""Narrative (`text`) for any resource spinewise writes: a title, paragraphs and a list, as escaped XHTML.

FHIR's dom-6 asks every DomainResource for a human-readable summary; validators warn
without one. The summary is built from the same words as the resource, never from markup
a rule file could inject (everything is escaped).
"""

from __future__ import annotations

from html import escape

XHTML = "http://www.w3.org/1999/xhtml"


def narrative(title: str, paragraphs=(), items=()) -> dict:
    """`text` with status generated: the title in bold, then each paragraph, then a bulleted list."""
    parts = [f"<p><b>{escape(title)}</b></p>"]
    parts += [f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs if paragraph]
    if items:
        parts.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>")
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{"".join(parts)}</div>'}


def with_text(resource: dict, text: dict) -> dict:
    """The resource with `text` placed after its id and meta, where FHIR's JSON puts it."""
    head = {key: resource[key] for key in ("resourceType", "id", "meta", "implicitRules", "language") if key in resource}
    return {**head, "text": text, **{k: v for k, v in resource.items() if k not in head and k != "text"}}


def answer_words(value) -> str:
    """A FHIR answer value as words: yes/no, a number, or a coding's display."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return str(value.get("display") or value.get("code") or "")
    return str(value)
