"""The language of each page, for both Flask apps (the questionnaire and the clinic): the visible
switch on every page (/language/<code>/<the page>, which keeps the choice in a cookie and goes back
to the page; `?lang=` does the same), else the browser's Accept-Language, else the server's
`--lang`; `<html lang>` follows it."""

from __future__ import annotations

from flask import redirect, request

from spinewise import i18n

COOKIE = "spinewise_lang"
NAMES = {"en": "English", "es": "Español"}  # each language named in itself, as a switch shows it


def install(app, languages, default: str) -> None:
    """Pages of `app` in one of `languages` (the offered ones: i18n.catalogues.offered), each request's choice."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext,
                                            npgettext=i18n.npgettext)
    app.jinja_env.globals["language"] = i18n.language
    app.jinja_env.filters["in_words"] = i18n.iso_day_in_words

    @app.before_request
    def choose():
        asked = request.args.get("lang", "")
        kept = request.cookies.get(COOKIE, "")
        if asked in languages:
            lang = asked
        elif kept in languages:
            lang = kept
        elif request.headers.get("Accept-Language"):
            lang = i18n.from_accept_language(request.headers["Accept-Language"], languages)
        else:
            lang = default if default in languages else i18n.SOURCE
        i18n.set_language(lang)

    def switch_to(code: str, page: str = ""):
        """Show `page` (a path of this site) in language `code`, and keep the choice."""
        response = redirect(f"{request.script_root}/{page.lstrip('/')}", 303)
        if code in languages:
            response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                                secure=request.is_secure)
        return response

    app.add_url_rule("/language/<code>/", "language_switch", switch_to)
    app.add_url_rule("/language/<code>/<path:page>", "language_switch_page", switch_to)

    @app.after_request
    def keep(response):
        asked = request.args.get("lang", "")
        if asked in languages and request.cookies.get(COOKIE) != asked:
            response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                                secure=request.is_secure)
        return response

    @app.context_processor
    def switch():
        """The other offered languages, each a link to this same page in it."""
        others = [(code, NAMES.get(code, code)) for code in languages if code != i18n.language()]
        return {"other_languages": others, "language_names": NAMES}
