"""The project's wrapper over Babel: `python -m spinewise.i18n extract|update|compile [--rules DIR]`.

extract: the package's template (spinewise/locale/spinewise.pot) from the Python code and the
  Jinja templates, and the rule folder's (<rules>/locale/rules.pot) from its YAML files;
update:  every language's PO files brought up to date with the templates (new messages empty,
  changed ones fuzzy: neither is ever shown to a lifter);
compile: every PO file checked and compiled to .mo beside it; exit 1 naming file:line of every
  message untranslated, fuzzy or dropping a placeholder.
"""

from __future__ import annotations

import sys
from pathlib import Path

from spinewise.i18n import PACKAGE_DOMAIN, PACKAGE_LOCALE, RULES_DOMAIN

RULES_METHOD = "spinewise.rulebase.words:extract_rules"
DRAWINGS_METHOD = "spinewise.i18n.drawings:extract_svg"
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
COMMENT_TAGS = ("Translators:",)


def _folders(argv):
    from spinewise.paths import default_rules_dir, templates_dir

    rules = Path(argv[argv.index("--rules") + 1]) if "--rules" in argv else default_rules_dir()
    return PACKAGE_LOCALE.parent, templates_dir(), rules


def _catalog(project: str):
    from babel.messages.catalog import Catalog

    import datetime

    # A fixed creation date: extracting twice from the same sources writes the same file.
    return Catalog(project=project, version="4", copyright_holder="spinewise", msgid_bugs_address="",
                   charset="utf-8", fuzzy=False,
                   creation_date=datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc))


def _add(catalog, found, base: Path):
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(str(Path(filename)), lineno)], auto_comments=comments, context=context)


def package_catalog():
    """The package's messages: the Python code's gettext calls and the Jinja templates'."""
    from babel.messages.extract import extract_from_dir

    package, templates, _ = _folders([])
    catalog = _catalog("spinewise")
    _add(catalog, extract_from_dir(str(package), method_map=[("**.py", "python")], comment_tags=COMMENT_TAGS,
                                   strip_comment_tags=True), package)
    found = extract_from_dir(str(templates), method_map=[("**.j2", "jinja2.ext:babel_extract"),
                                                         ("drawings/*.html", "jinja2.ext:babel_extract"),
                                                         ("drawings/*.svg", DRAWINGS_METHOD)],
                             options_map={"**.j2": JINJA_OPTIONS, "drawings/*.html": JINJA_OPTIONS},
                             comment_tags=COMMENT_TAGS, strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        catalog.add(message, None, [(f"templates/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def rules_catalog(rules: Path):
    """A rule folder's lifter-facing texts (rulebase/words.py says which)."""
    from babel.messages.extract import extract_from_dir

    catalog = _catalog("spinewise rules")
    for filename, lineno, message, comments, context in extract_from_dir(str(rules), method_map=[("*.yaml", RULES_METHOD)]):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def extract(argv) -> int:
    """With --rules DIR only that rule folder's template; else the package's and the shipped rules'."""
    from babel.messages.pofile import write_po

    _, _, rules = _folders(argv)
    if "--rules" not in argv:
        catalog = package_catalog()
        _write(write_po, catalog, PACKAGE_LOCALE / f"{PACKAGE_DOMAIN}.pot")
        print(f"extracted {len(catalog)} package messages")
    rule_catalog = rules_catalog(rules)
    _write(write_po, rule_catalog, rules / "locale" / f"{RULES_DOMAIN}.pot")
    print(f"extracted {len(rule_catalog)} rule-file messages from {rules}")
    return 0


def _write(write_po, catalog, path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=False, include_lineno=True)


def _pairs(argv):
    _, _, rules = _folders(argv)
    folders = ((rules / "locale", RULES_DOMAIN),)
    return folders if "--rules" in argv else ((PACKAGE_LOCALE, PACKAGE_DOMAIN),) + folders


def update(argv) -> int:
    from babel.messages.pofile import read_po, write_po

    for folder, domain in _pairs(argv):
        with open(folder / f"{domain}.pot", "rb") as handle:
            template = read_po(handle)
        for po in sorted(folder.glob(f"*/LC_MESSAGES/{domain}.po")):
            with open(po, "rb") as handle:
                catalog = read_po(handle, locale=po.parent.parent.name)
            catalog.update(template, no_fuzzy_matching=False)
            catalog.obsolete.clear()
            _write(write_po, catalog, po)
            print(f"updated {po}")
    return 0


def compile_(argv) -> int:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    from spinewise.i18n.catalogues import check_po

    problems = []
    for folder, domain in _pairs(argv):
        for po in sorted(folder.glob(f"*/LC_MESSAGES/{domain}.po")):
            problems += check_po(po)
            with open(po, "rb") as handle:
                catalog = read_po(handle)
            with open(po.with_suffix(".mo"), "wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            print(f"compiled {po.with_suffix('.mo')}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


COMMANDS = {"extract": extract, "update": update, "compile": compile_}


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS:
        print("usage: python -m spinewise.i18n extract|update|compile [--rules DIR]", file=sys.stderr)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
