"""`--lang` on every command whose output a person reads (cli.py and cli_clinic.py share it)."""

from __future__ import annotations

import functools
import os

import click


class LanguageRefused(click.ClickException):
    """A language that is not offered: one line naming the offered ones, exit status 2."""

    exit_code = 2


def lang_option(command):
    """`--lang TAG`: the language of everything the command prints for a person (default: LC_ALL,
    LC_MESSAGES, LANG, else English); a language not offered is refused, naming the offered ones."""

    @functools.wraps(command)
    def wrapper(*args, lang=None, **kwargs):
        choose_language(lang, kwargs.get("directory") or kwargs.get("rules_dir"))
        return command(*args, **kwargs)

    return click.option("--lang", "lang", metavar="TAG", default=None,
                        help="Language of the texts, e.g. --lang es (default: from LC_ALL, LC_MESSAGES or LANG, "
                             "else en).")(wrapper)


def choose_language(asked, rules_dir) -> str:
    from spinewise import i18n

    wanted = i18n.tag(asked) if asked else next(
        (i18n.tag(v) for v in (os.environ.get(n, "") for n in i18n.ENVIRONMENT) if v.strip()), "")
    offered = (i18n.SOURCE,)
    if wanted and wanted != i18n.SOURCE:
        from spinewise.i18n.catalogues import offered as offered_languages
        from spinewise.rulebase import rules_folder

        offered = offered_languages(rules_folder(rules_dir))
    try:
        lang = i18n.choose(asked, offered)
    except i18n.LanguageRefused as exc:
        raise LanguageRefused(str(exc)) from None
    i18n.set_language(lang)
    return lang
