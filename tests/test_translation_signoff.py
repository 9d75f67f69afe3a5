"""A translation is clinical content: a language's catalogues are reviewed and signed like a rule
(`rules review --translation LANG`), by a clinician whose trust-file entry lists the language;
until then, and after any edit of a message, every report in that language says, in that
language, that the translation has not been reviewed by a clinician."""

import shutil

import pytest

from conftest import EXAMPLES, RULES, edit, invoke
from trust_support import make_key, person, records, write_trust

ANSWERS = EXAMPLES / "healthy_glutes_only.json"
NOT_REVIEWED = "Esta traducción todavía no la ha revisado ningún profesional sanitario"
CATALOGUE = "locale/es/LC_MESSAGES/rules.po"
# one message of the rule folder's Spanish catalogue, and its translation
SOURCE = 'msgid "you have none of the warning signs"\n'
TRANSLATED = 'msgstr "no tienes ninguna de las señales de alarma"\n'


@pytest.fixture
def spanish(tmp_path):
    """A copy of the shipped rules with their Spanish catalogue, and a trust file (beside it, not inside)
    listing Ana, a physiotherapist who reads Spanish, and Bob, a doctor who does not."""
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("*.mo"))
    ana, bob = make_key(tmp_path / "ana"), make_key(tmp_path / "bob")
    trust = write_trust(tmp_path / "trust.yaml", person("Ana Ruiz", "physiotherapist", ana, "CGFE 28/1234", languages=["es"]),
                        person("Bob Hale", "doctor", bob, "GMC 7654321"))
    return folder, trust, ana, bob


def sign_spanish(folder, trust, name, key, *extra, input=None):
    return invoke("rules", "review", folder, "--trust", trust, "--reviewer", name, "--key", key,
                  "--translation", "es", *extra, input=input)


def spanish_report(folder, trust, fmt):
    run = invoke("assess", "--answers", ANSWERS, "--format", fmt, "--rules", folder, "--trust", trust, "--lang", "es")
    assert run.exit_code == 0, run.output
    return " ".join(run.stdout.split())


def test_the_card_shows_every_message_beside_its_translation_and_back_translation(spanish):
    folder, trust, ana, _ = spanish
    catalogue = folder / CATALOGUE
    # the translator's back-translation shipped with the message, read from its translator comment
    assert "# back-translation: you do not have any of the alarm signs\n" in catalogue.read_text()
    # a message whose back-translation is taken out (this one's is a single comment line)
    edit(catalogue, "# back-translation: you do not have any of the alarm signs of a serious cause\n", "")
    run = sign_spanish(folder, trust, "Ana Ruiz", ana, "--yes")
    assert run.exit_code == 0, run.output
    lines = run.stdout.splitlines()
    at = lines.index("Source: you have none of the warning signs")
    assert lines[at + 1:at + 3] == ["Translation: no tienes ninguna de las señales de alarma",
                                    "Back-translation: you do not have any of the alarm signs"]
    at = lines.index("Source: you have none of the warning signs of a serious cause")
    assert lines[at + 2] == "Back-translation: (none given)"  # a message the translator did not back-translate says so
    assert sum(line.startswith("Source: ") for line in lines) == catalogue.read_text().count("\nmsgid ") + \
        (RULES.parent / "src/spinewise/locale/es/LC_MESSAGES/spinewise.po").read_text().count("\nmsgid ") - 2
    [signed] = records(folder)
    assert signed["rule"] == "translation:es" and signed["reviewer"] == "Ana Ruiz" and signed["bulk"] is True


def test_until_signed_every_spanish_report_says_so_in_spanish_and_once_signed_it_stops(spanish):
    folder, trust, ana, _ = spanish
    for fmt in ("text", "markdown", "html"):
        assert NOT_REVIEWED in spanish_report(folder, trust, fmt), fmt
    assert sign_spanish(folder, trust, "Ana Ruiz", ana, "--yes").exit_code == 0
    for fmt in ("text", "markdown", "html"):
        assert NOT_REVIEWED not in spanish_report(folder, trust, fmt), fmt
    book = invoke("rules", "doc", folder, "--trust", trust).stdout
    assert "> **Translation into `es`:** signed off by Ana Ruiz (physiotherapist, CGFE 28/1234) on " in book
    check = invoke("rules", "check", folder, "--trust", trust)
    assert check.exit_code == 0 and "translation" not in check.output


def test_someone_whose_entry_does_not_list_the_language_cannot_sign_it(spanish):
    folder, trust, _, bob = spanish
    run = sign_spanish(folder, trust, "Bob Hale", bob, "--yes")
    assert run.exit_code == 2
    assert "does not list the language es" in run.output and "nothing was recorded" in run.output
    assert "Traceback" not in run.output and not (folder / "signoffs.yaml").exists()


def test_after_the_rules_only_someone_who_reads_the_language_is_told_to_sign_its_translation(spanish):
    folder, trust, ana, bob = spanish
    by_bob = invoke("rules", "review", folder, "--trust", trust, "--reviewer", "Bob Hale", "--key", bob,
                    "--rule", "rf-saddle-numbness", "--yes")
    assert by_bob.exit_code == 0, by_bob.output
    assert "--translation es" not in by_bob.stderr
    assert "the translation into es, by a reviewer whose trust entry lists es" in by_bob.stderr
    by_ana = invoke("rules", "review", folder, "--trust", trust, "--reviewer", "Ana Ruiz", "--key", ana,
                    "--rule", "rf-saddle-numbness", "--yes")
    assert by_ana.exit_code == 0, by_ana.output
    assert "the translation into es: --translation es" in by_ana.stderr


def test_a_sign_off_by_someone_the_trust_file_no_longer_lists_for_the_language_counts_for_nothing(spanish, tmp_path):
    folder, trust, ana, bob = spanish
    assert sign_spanish(folder, trust, "Ana Ruiz", ana, "--yes").exit_code == 0
    write_trust(trust, person("Ana Ruiz", "physiotherapist", ana, "CGFE 28/1234"), person("Bob Hale", "doctor", bob))
    check = invoke("rules", "check", folder, "--trust", trust)
    assert "sign-off of the es translation by Ana Ruiz" in check.output
    assert "does not list the language es" in check.output
    assert NOT_REVIEWED in spanish_report(folder, trust, "text")


def test_editing_a_translation_after_signing_voids_the_sign_off(spanish):
    folder, trust, ana, _ = spanish
    assert sign_spanish(folder, trust, "Ana Ruiz", ana, "--yes").exit_code == 0
    edit(folder / CATALOGUE, TRANSLATED, 'msgstr "no tienes ninguna señal de alarma"\n')
    check = invoke("rules", "check", folder, "--trust", trust)
    assert "sign-off of the es translation by Ana Ruiz" in check.output and "is out of date" in check.output
    assert "spinewise rules review --translation es" in check.output
    assert NOT_REVIEWED in spanish_report(folder, trust, "text")


def test_a_back_translation_changed_after_signing_voids_it_too(spanish):
    folder, trust, ana, _ = spanish
    assert sign_spanish(folder, trust, "Ana Ruiz", ana, "--yes").exit_code == 0
    edit(folder / CATALOGUE, "# back-translation: you do not have any of the alarm signs\n",
         "# back-translation: you have no warning signs at all\n")
    assert NOT_REVIEWED in spanish_report(folder, trust, "text")


def test_a_request_for_changes_to_the_translation_keeps_the_notice_until_resolved(spanish):
    folder, trust, ana, _ = spanish
    asked = sign_spanish(folder, trust, "Ana Ruiz", ana, input="r\n'alarma' should be 'alerta' here\n")
    assert asked.exit_code == 0, asked.output
    assert NOT_REVIEWED in spanish_report(folder, trust, "text")
    request = records(folder)[0]
    assert request["decision"] == "request_changes" and "alerta" in request["note"]
    assert sign_spanish(folder, trust, "Ana Ruiz", ana, "--yes").exit_code == 0
    assert NOT_REVIEWED not in spanish_report(folder, trust, "text")


def test_every_shipped_spanish_message_carries_the_translators_back_translation():
    """The clinician signing the Spanish reads what it says in English: a message added without its
    back-translation would reach the card as '(none given)' and be signed unread."""
    from babel.messages.pofile import read_po

    from spinewise.i18n import catalogue_path
    from spinewise.rulebase.translations import back_translation

    missing = []
    for path in (catalogue_path("es", "spinewise"), RULES / CATALOGUE):
        with open(path, "rb") as handle:
            catalog = read_po(handle)
        missing += [f"{path.name}: {m.id!r}" for m in catalog if m.id and not back_translation(m).strip()]
    assert not missing, f"{len(missing)} message(s) without a back-translation, e.g. {missing[:3]}"
