"""A language's translation as a reviewer signs it: one card per language, every message on it.

A translation is clinical content (contract, "Words and languages"): the catalogues of a
language (the package's spinewise.po and the rule folder's rules.po) are reviewed and signed
like a rule, as one card whose id is `translation:<lang>`. The card lists every message of
both catalogues: the English source (with its context and plural), the translation, and
the back-translation the translator gave.

Back-translations live in the PO files themselves, as translator comments on the message
they translate back (Babel's `update` keeps translator comments), one or more lines
starting `# back-translation:`:

    # back-translation: your lower back is involved (it hurts, or you notice the hip thrust there)
    msgid "your lower back is involved (it hurts, or you feel hip thrusts there)"
    msgstr "tu zona lumbar está implicada (te duele, o notas el hip thrust ahí)"

A message without one says so on the card ("none given"), so the reviewer sees what was
not back-translated. The card's SHA-256 covers every message's context, source, plural,
translation, fuzzy flag and back-translation: any change of what a lifter reads, or of
what the reviewer relied on, voids the sign-off. Line references and headers are not on
the card (moving a rule in its file changes nothing a lifter reads).

A sign-off of a translation counts only from a licensed clinician whose trust-file entry
lists that language (rulebase/signoff.py `check_signoffs`).
"""

from __future__ import annotations

from pathlib import Path

from spinewise.rulebase.shown import RuleCard

PREFIX = "translation:"
BACK = "back-translation:"


def card_id(lang: str) -> str:
    return f"{PREFIX}{lang}"


def card_language(card: str) -> str | None:
    """The language of a translation card's id ("translation:es" -> "es"); None for a rule's id."""
    return card[len(PREFIX):] if card.startswith(PREFIX) else None


def catalogue_files(lang: str, rules_folder) -> tuple:
    """(what it is called on the card, path) of each catalogue of `lang`: the package's, the rule folder's."""
    from spinewise.i18n import PACKAGE_DOMAIN, RULES_DOMAIN, catalogue_path

    return ((f"the program's texts ({PACKAGE_DOMAIN}.po)", catalogue_path(lang, PACKAGE_DOMAIN)),
            (f"the rule folder's texts (locale/{lang}/LC_MESSAGES/{RULES_DOMAIN}.po)",
             catalogue_path(lang, RULES_DOMAIN, rules_folder)))


def languages(rules_folder) -> list:
    """The languages other than English with catalogues for the package and this rule folder."""
    from spinewise.i18n import SOURCE
    from spinewise.i18n.catalogues import languages_with_catalogues

    return [lang for lang in languages_with_catalogues(rules_folder) if lang != SOURCE]


def translation_card(rules_folder, lang: str) -> RuleCard:
    """Every message of the language's catalogues: source, translation, back-translation."""
    lines = [("Language", lang)]
    for name, path in catalogue_files(lang, rules_folder):
        messages = _messages(path)
        lines.append(("Catalogue", f"{name}: {len(messages)} message(s)"))
        for message in messages:
            lines += _message_lines(message)
    return RuleCard(card_id(lang), tuple(lines))


def translation_hashes(rules_folder) -> dict:
    """Card id -> the SHA-256 of its card, for every language with catalogues."""
    return {card_id(lang): translation_card(rules_folder, lang).sha256 for lang in languages(rules_folder)}


def back_translation(message) -> str:
    """The back-translation the translator wrote in the message's translator comments ("" when none)."""
    said = [comment.strip()[len(BACK):].strip() for comment in message.user_comments
            if comment.strip().lower().startswith(BACK)]
    return " ".join(part for part in said if part)


def _messages(path: Path) -> list:
    from babel.messages.pofile import read_po

    if not Path(path).is_file():
        return []
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    return [message for message in catalog if message.id]


def _message_lines(message) -> list:
    context = f"[{message.context}] " if message.context else ""
    if isinstance(message.id, (tuple, list)):
        source = f"{context}{_flat(message.id[0])} / plural: {_flat(message.id[1])}"
        translation = " | ".join(_flat(form) for form in message.string)
    else:
        source = f"{context}{_flat(message.id)}"
        translation = _flat(message.string)
    if message.fuzzy:
        translation = f"(fuzzy) {translation}"
    return [("Source", source), ("Translation", translation or "(not translated)"),
            ("Back-translation", back_translation(message) or "(none given)")]


def _flat(text) -> str:
    return " ".join(str(text or "").split())
