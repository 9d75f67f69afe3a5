"""Every offered translation on every display text of a FHIR resource, with the standard
extension (http://hl7.org/fhir/StructureDefinition/translation): the resource is built once per
language from the rule base in that language and the texts of the others are attached, element
by element, to the primary one's (`_text`, `_display`, `_title`, ...)."""

from __future__ import annotations

TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
TEXT_KEYS = ("text", "display", "title", "description")


def with_translations(primary: dict, lang: str, others: dict) -> dict:
    """`primary` (built in `lang`) with each text of `others` ({language: the same resource built in it})
    as a translation extension; the resource says its language."""
    return _merge(primary, others, lang)


def _merge(node, others: dict, primary: str):
    if isinstance(node, list):
        return [_merge(item, {lang: other[i] for lang, other in others.items()
                              if isinstance(other, list) and i < len(other)}, primary) for i, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    merged = {"resourceType": node["resourceType"], "language": primary} if "resourceType" in node else {}
    for key, value in node.items():
        twins = {lang: other.get(key) for lang, other in others.items() if isinstance(other, dict)}
        if key == "resourceType":
            continue
        merged[key] = _merge(value, {lang: twin for lang, twin in twins.items() if twin is not None}, primary)
        if key in TEXT_KEYS and isinstance(value, str):
            extensions = [{"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": lang},
                                                              {"url": "content", "valueString": twin}]}
                          for lang, twin in sorted(twins.items()) if isinstance(twin, str) and twin != value]
            if extensions:
                merged[f"_{key}"] = {"extension": extensions}
    return merged
