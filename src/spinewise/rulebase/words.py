"""The lifter-facing texts of the rule files: what a translator translates, and the rule base in
the lifter's language.

One table (`TEXTS`) says which keys of which file a lifter reads; the Babel extractor
(`extract_rules`, `python -m spinewise.i18n extract`) and `in_language` both follow it, so
a text is either in the catalogue or it is not a lifter's text. Answer labels and answer
sentences are short and repeat across questions ("Yes", "No"), so they carry the question id
as message context; every other text is its own msgid. Rule titles, rationales, sources and
named conditions' titles are for clinicians and the practitioner part: they stay in English.
"""

from __future__ import annotations

from dataclasses import replace

import yaml

from spinewise.i18n import language, normal, rule_text
from spinewise.rulebase.yamlsource import Located, LocatedList, _Loader

QUESTION_KEYS = ("section", "text", "hint", "why", "sign")
LEVEL_CONTEXT = "level"  # a plan item's level is a code in the rules and a word to the lifter
SOURCE_CONTEXT = "source"  # a rule's source, cited in the practitioner part of a report


def source_parts(source) -> list:
    """The sources one rule cites ("NICE guideline NG59; NHS guidance ..."), one title each."""
    if not isinstance(source, str):
        return []
    parts, depth, current = [], 0, ""
    for char in source:  # a ";" inside brackets ("Farrar et al. 2001; Childs et al. 2005") splits nothing
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [part.strip().strip('"').strip() for part in parts + [current] if part.strip().strip('"').strip()]


def source_title(rulebase, part: str) -> str:
    """A source's title in the language in use."""
    return rule_text(part, SOURCE_CONTEXT, rulebase.directory) if rulebase is not None else part


def rule_messages(name: str, data):
    """(line, context, text, comment) of every lifter-facing text in one rule file's data."""
    if not isinstance(data, dict):
        return
    if name in ("questions.yaml", "checkin.yaml"):
        for node in _items(data.get("questions")):
            yield from _question(node, name)
        for node in _items(data.get("derived")):
            yield from _says(node, name)
    if name == "findings.yaml":
        for node in _nodes(data.get("findings")):
            yield from _keys(node, ("title", "explanation"), f"finding {node.get('code')}")
            for instead in _nodes(node.get("instead")):
                yield from _keys(instead, ("title", "explanation"), f"finding {node.get('code')}, said instead")
    if name == "plan.yaml":
        for node in _nodes(data.get("phases")):
            yield from _keys(node, ("title", "note"), f"phase {node.get('code')}")
        for node in _nodes(data.get("plan_items")):
            what = f"plan item {node.get('code')}"
            yield from _keys(node, ("title", "text"), what)
            for key in ("steps", "doses"):
                items = node.get(key)
                for index, step in enumerate(_items(items)):
                    if isinstance(step, str):
                        yield items.line_of(index), None, step, f"{what}, {key[:-1]}; keep every {{placeholder}}"
            for instead in _items(node.get("instead")):
                for key in ("steps", "doses"):
                    items = instead.get(key) if isinstance(instead, dict) else None
                    for index, step in enumerate(_items(items)):
                        if isinstance(step, str):
                            yield items.line_of(index), None, step, \
                                f"{what}, {key[:-1]} said instead; keep every {{placeholder}}"
            levels = node.get("levels")
            if isinstance(levels, dict):
                for level, meaning in levels.items():
                    if isinstance(meaning, str):
                        yield levels.line_of(level), LEVEL_CONTEXT, str(level), f"{what}: the name of the level {level}"
                        yield levels.line_of(level), None, meaning, f"{what}, level {level}"
    if name == "rulebase.yaml":
        for node in _nodes(data.get("dispositions")):
            what = f"disposition {node.get('code')}"
            yield from _keys(node, ("title", "advice", "safety_net", "if_worse"), what)
            for instead in _nodes(node.get("instead")):
                yield from _keys(instead, ("advice",), f"{what}, said instead")
        net = (data.get("roles") or {}).get("safety_net") if isinstance(data.get("roles"), dict) else None
        if isinstance(net, dict):
            yield from _keys(net, ("if_worse",), "the safety net")
    if name == "attention.yaml":  # the clinic's list, as a practitioner reads it in their language
        for node in _nodes(data.get("levels")):
            what = f"attention level {node.get('code')}"
            yield from _attention_texts(node, what)
            for instead in _nodes(node.get("instead")):
                yield from _attention_texts(instead, f"{what}, said instead as {instead.get('code')}")
    if name not in ("questions.yaml", "checkin.yaml", "findings.yaml", "plan.yaml", "rulebase.yaml"):
        conditions = data.get("conditions")
        if isinstance(conditions, dict):
            for cname, node in conditions.items():
                if isinstance(node, dict) and isinstance(node.get("says"), str):
                    yield node.line_of("says"), None, node["says"], f"what the condition {cname} says to the lifter"
        for node in _items(data.get("rules")):
            for part in source_parts(node.get("source") if isinstance(node, dict) else None):
                yield node.line_of("source"), SOURCE_CONTEXT, part, \
                    f"rule {node.get('id')}: a source the practitioner part cites (a title or a guideline)"
            if isinstance(node, dict) and isinstance(node.get("tells"), str):
                yield node.line_of("tells"), None, node["tells"], \
                    f"rule {node.get('id')}: what changed in a dose and why, as the lifter reads it; keep {{dose}}"
            if isinstance(node, dict) and isinstance(node.get("because"), str):
                yield node.line_of("because"), None, node["because"], \
                    f"rule {node.get('id')}: the reason for its finding, as the lifter reads it (after 'Because'); " \
                    "keep every {placeholder}"


def _items(value):
    return [item for item in value if isinstance(item, dict) or isinstance(item, str)] \
        if isinstance(value, list) else []


def _nodes(value):
    """The mappings of a list: an entry written as a plain string is the loader's to report (file:line)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _keys(node, names, what):
    if not isinstance(node, dict):
        return
    for key in names:
        if isinstance(node.get(key), str):
            yield node.line_of(key), None, node[key], f"{what}, {key}"


def _attention_texts(node, what):
    if isinstance(node.get("title"), str):
        yield node.line_of("title"), None, node["title"], f"{what}: the label the clinic's list gives its lifters"
    if isinstance(node.get("reason"), str):
        yield node.line_of("reason"), None, node["reason"], \
            f"{what}: the reason the clinic's list gives, one sentence; keep every {{placeholder}}"


def _question(node, name):
    if not isinstance(node, dict):
        return
    qid = str(node.get("id"))
    yield from _keys(node, QUESTION_KEYS, f"{name}: question {qid}")
    for index, choice in enumerate(_items(node.get("choices"))):
        if isinstance(choice, dict) and isinstance(choice.get("label"), str):
            yield choice.line, qid, choice["label"], f"question {qid}, answer {choice.get('value')}"
    yield from _says(node, name)


def _says(node, name):
    if not isinstance(node, dict):
        return
    qid = str(node.get("id"))
    says = node.get("says")
    if isinstance(says, str):
        yield node.line_of("says"), qid, says, f"{name}: {qid}, the answer as a sentence; keep {{answer}}"
    elif isinstance(says, dict):
        for answer, sentence in says.items():
            if isinstance(sentence, str):
                yield says.line_of(answer), qid, sentence, f"{name}: {qid}, what the answer {answer} says"


def extract_rules(fileobj, keywords, comment_tags, options):  # noqa: ARG001 - Babel's extractor signature
    """Babel extractor for rule files (method `spinewise.rulebase.words:extract_rules`)."""
    name = str(getattr(fileobj, "name", "")).replace("\\", "/").rsplit("/", 1)[-1]
    data = yaml.load(fileobj.read().decode("utf-8"), Loader=_Loader)
    for line, context, text, comment in rule_messages(name, data):
        message = normal(text)
        if context:
            yield line, "pgettext", (context, message), [comment]
        else:
            yield line, "gettext", message, [comment]


def level_name(rulebase, level: str) -> str:
    """A level as the lifter reads it, in the language in use ("advanced", "avanzado")."""
    if rulebase is None or not level:
        return level
    return rule_text(level, LEVEL_CONTEXT, rulebase.directory)


def translation_signed_off(rulebase, lang: str) -> bool:
    """Whether a licensed clinician whose trust-file entry lists `lang` signed off the language's
    catalogues (the package's and the rule folder's) as they are now, with no request for
    changes standing (rulebase/translations.py: one card per language)."""
    from spinewise.rulebase.translations import card_id

    if lang == "en":
        return True
    return rulebase is not None and rulebase.rule_review(card_id(lang)).state == "signed"


# -- the rule base in the lifter's language -------------------------------------------------------

_translated: dict = {}


def in_language(rulebase):
    """The rule base with every lifter-facing text in the language in use (itself for English)."""
    lang = language()
    if rulebase is None or getattr(rulebase, "language", "en") == lang or lang == "en":
        return rulebase
    key = (id(rulebase), lang)
    kept = _translated.get(key)
    if kept is None or kept[0] is not rulebase:
        if len(_translated) >= 64:  # a check-in's bound view is made per request: keep the cache small
            _translated.clear()
        kept = (rulebase, _translate(rulebase, lang))
        _translated[key] = kept
    return kept[1]


_folder: list = [None]  # the rule folder being translated (its locale/ holds the catalogues)


def _t(text, context=None):
    return rule_text(text, context, _folder[0]) if isinstance(text, str) and text else text


def _question_in(q):
    says = q.says
    if isinstance(says, dict):
        says = {key: _t(value, q.id) for key, value in says.items()}
    elif isinstance(says, str):
        says = _t(says, q.id)
    return replace(q, section=_t(q.section), text=_t(q.text), hint=_t(q.hint), why=_t(q.why), sign=_t(q.sign),
                   choices=tuple(replace(c, label=_t(c.label, q.id)) for c in q.choices), says=says)


def _instead(entry, names):
    def said(key, value):
        if key not in names:
            return value
        return tuple(_t(item) for item in value) if isinstance(value, tuple) else _t(value)

    return tuple(replace(i, texts={k: said(k, v) for k, v in i.texts.items()}) for i in entry.instead)


def _told(rules) -> tuple:
    return tuple(replace(r, tells=_t(r.tells), because=_t(r.because)) if r.tells or r.because else r for r in rules)


def _translate(rb, lang):
    _folder[0] = rb.directory
    checkin = rb.checkin
    if checkin is not None:
        checkin = replace(checkin, questions=tuple(_question_in(q) for q in checkin.questions),
                          derived=tuple(replace(d, question=_question_in(d.question)) for d in checkin.derived))
    return replace(
        rb, language=lang, checkin=checkin,
        questions=tuple(_question_in(q) for q in rb.questions),
        dispositions=tuple(replace(d, title=_t(d.title), advice=_t(d.advice), safety_net=_t(d.safety_net), if_worse=_t(d.if_worse),
                                   instead=_instead(d, ("advice",))) for d in rb.dispositions),
        findings=tuple(replace(f, title=_t(f.title), explanation=_t(f.explanation),
                               instead=_instead(f, ("title", "explanation"))) for f in rb.findings),
        plan_items=tuple(replace(p, title=_t(p.title), text=_t(p.text), steps=tuple(_t(s) for s in p.steps),
                                 doses=tuple(_t(s) for s in p.doses),
                                 levels={k: _t(v) for k, v in p.levels.items()},
                                 instead=_instead(p, ("steps", "doses"))) for p in rb.plan_items),
        phases=tuple(replace(p, title=_t(p.title), note=_t(p.note)) for p in rb.phases),
        conditions=tuple(replace(c, says=_t(c.says)) for c in rb.conditions),
        rules=_told(rb.rules), checkin_rules=_told(rb.checkin_rules),
        roles=replace(rb.roles, if_worse=_t(rb.roles.if_worse)) if rb.roles else rb.roles,
        attention=_attention_in(rb.attention),
    )


def _attention_in(attention):
    """The clinic's attention list with its labels and reasons in the language (order and conditions unchanged)."""
    if attention is None:
        return None
    return replace(attention, levels=tuple(
        replace(level, title=_t(level.title), reason=_t(level.reason),
                instead=tuple(replace(text, title=_t(text.title), reason=_t(text.reason)) for text in level.instead))
        for level in attention.levels))


__all__ = ["rule_messages", "extract_rules", "in_language", "Located", "LocatedList"]
