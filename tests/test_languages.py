"""Languages (contract "Words and languages"): --lang and the locale variables, a refused
language, the JSON result's language, the catalogues `rules check` refuses, the notice of an
unreviewed translation, and the web's Accept-Language, switch and <html lang>."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, RULES, check, invoke

TUCK = EXAMPLES / "tuck_pain_on_lowering.json"
RULES_PO = Path("locale") / "es" / "LC_MESSAGES" / "rules.po"
SPINEWISE = str(Path(sys.executable).parent / "spinewise")


def _spanish_rules(tmp_path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("*.mo"))
    return folder


def _entry_line(po: Path, msgid_start: str) -> int:
    lines = po.read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(f'msgid "{msgid_start}'))


def test_lang_es_gives_a_spanish_report_that_says_its_translation_is_unreviewed():
    run = invoke("assess", "--answers", TUCK, "--format", "text", "--lang", "es")
    assert run.exit_code == 0, run.stderr
    assert "POR QUÉ" in run.stdout and "RED DE SEGURIDAD" in run.stdout
    assert "Esta traducción todavía no la ha revisado ningún profesional sanitario" in run.stdout
    english = invoke("assess", "--answers", TUCK, "--format", "text").stdout
    assert "has not been reviewed by a clinician" not in english  # English is the source, not a translation


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_every_format_carries_the_unreviewed_translation_notice(fmt):
    out = invoke("assess", "--answers", TUCK, "--format", fmt, "--lang", "es").stdout
    assert "Esta traducción todavía no la ha revisado ningún profesional sanitario" in out
    if fmt == "html":
        assert '<html lang="es">' in out


def test_a_language_not_offered_is_refused_naming_the_offered_ones():
    run = invoke("assess", "--answers", TUCK, "--lang", "fr")
    assert run.exit_code == 2
    assert "the languages offered are: en, es" in run.stderr and "Traceback" not in run.stderr


def test_json_results_say_their_language_and_keep_codes():
    spanish = json.loads(invoke("assess", "--answers", TUCK, "--format", "json", "--lang", "es").stdout)
    english = json.loads(invoke("assess", "--answers", TUCK, "--format", "json").stdout)
    assert spanish["language"] == "es" and english["language"] == "en"
    assert spanish["disposition"] == english["disposition"]
    assert [f["code"] for f in spanish["findings"]] == [f["code"] for f in english["findings"]]


@pytest.mark.parametrize("variables, expected", [
    ({"LC_ALL": "es_ES.UTF-8"}, "POR QUÉ"), ({"LC_ALL": "", "LC_MESSAGES": "es_MX", "LANG": "en_GB.UTF-8"}, "POR QUÉ"),
    ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "es_AR.UTF-8"}, "POR QUÉ"),
    ({"LC_ALL": "", "LC_MESSAGES": "", "LANG": "de_DE.UTF-8"}, "WHY"),  # not offered: English, not an error
    ({"LC_ALL": "C", "LANG": "es_ES.UTF-8"}, "WHY"),
])
def test_without_lang_the_locale_variables_choose(variables, expected):
    env = {key: value for key, value in __import__("os").environ.items() if key not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    env.update(variables)
    run = subprocess.run([SPINEWISE, "assess", "--answers", str(TUCK), "--format", "text"], capture_output=True,
                         text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert f"\n{expected}\n" in run.stdout


def test_rules_check_accepts_the_shipped_spanish_catalogues():
    run = check(RULES)
    assert run.exit_code == 0, run.output
    assert "languages offered: en, es" in run.stdout


def _blank(po: Path, msgid_start: str, fuzzy: bool = False) -> int:
    """Empty (or mark fuzzy) the translation of the message starting with `msgid_start`; its line."""
    lines = po.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f'msgid "{msgid_start}'))
    if fuzzy:
        lines.insert(at, "#, fuzzy")
        po.write_text("\n".join(lines) + "\n")
        return at + 2
    end = at + 1
    while not lines[end].startswith("msgstr"):
        end += 1
    stop = end + 1
    while stop < len(lines) and lines[stop].startswith('"'):
        stop += 1
    lines[end:stop] = ['msgstr ""']
    po.write_text("\n".join(lines) + "\n")
    return at + 1


@pytest.mark.parametrize("fuzzy", [False, True], ids=["untranslated", "fuzzy"])
def test_rules_check_refuses_a_red_flag_message_untranslated_or_fuzzy(tmp_path, fuzzy):
    folder = _spanish_rules(tmp_path)
    po = folder / RULES_PO
    line = _blank(po, "Do you have numbness or tingling in the saddle area?", fuzzy)
    run = check(folder)
    assert run.exit_code == 1
    row = next(r for r in run.stdout.splitlines() if "saddle area" in r)
    assert row.startswith(f"{po}:{line}: language es not offered: a red-flag message: ")
    assert ("fuzzy" if fuzzy else "not translated") in row
    # and the language is refused where a lifter would meet it
    refused = invoke("assess", "--answers", TUCK, "--lang", "es", "--rules", folder)
    assert refused.exit_code == 2 and "the languages offered are: en" in refused.stderr


def test_rules_check_refuses_a_translation_that_drops_a_placeholder(tmp_path):
    folder = _spanish_rules(tmp_path)
    po = folder / RULES_PO
    text = po.read_text()
    assert "llevas {answer} semanas en el programa correctivo" in text
    po.write_text(text.replace("llevas {answer} semanas en el programa correctivo", "llevas semanas en el programa"))
    run = check(folder)
    assert run.exit_code == 1
    assert re.search(rf"{re.escape(str(po))}:\d+: language es not offered: drops {{answer}} of 'you have spent", run.stdout)


def test_rules_check_refuses_a_rule_text_missing_from_the_catalogue(tmp_path):
    folder = _spanish_rules(tmp_path)
    findings = folder / "findings.yaml"
    findings.write_text(findings.read_text().replace("title: Severe pain", "title: Very severe pain"))
    run = check(folder)
    assert run.exit_code == 1
    assert "language es not offered: not in the catalogue: 'Very severe pain'" in run.stdout


def test_the_wrapper_extracts_updates_and_compiles_clean(tmp_path):
    folder = _spanish_rules(tmp_path)
    for step in ("extract", "update", "compile"):
        run = subprocess.run([sys.executable, "-m", "spinewise.i18n", step, "--rules", str(folder)],
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stdout + run.stderr
    assert (folder / "locale" / "es" / "LC_MESSAGES" / "rules.mo").is_file()
    # the shipped catalogues hold every message the extraction finds: nothing new, nothing fuzzy
    assert "#, fuzzy" not in (folder / RULES_PO).read_text()


def test_the_web_follows_accept_language_and_offers_a_switch():
    from spinewise.web import create_app

    client = create_app(RULES, secret="x" * 32).test_client()
    spanish = client.get("/", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="es">' in spanish and 'hreflang="en"' in spanish and "English" in spanish
    assert "Responde a preguntas cortas (13 a 22, según tus respuestas)" in spanish and "short questions" not in spanish
    english = client.get("/", headers={"Accept-Language": "de, en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="en">' in english and 'hreflang="es"' in english and "Español" in english
    assert 'href="/language/es/"' in english  # the switch: a plain link, no script, no query
    switched = client.get("/language/es/", headers={"Accept-Language": "en"})
    assert switched.status_code == 303 and switched.headers["Location"].endswith("/")
    again = client.get("/", headers={"Accept-Language": "en"})  # the cookie keeps the choice
    assert '<html lang="es">' in again.get_data(as_text=True)
    assert client.get("/language/xx/", headers={"Accept-Language": "en"}).status_code == 303  # refused quietly


def test_the_question_list_in_spanish_reads_in_spanish_and_keeps_ids_values_and_codes():
    english = json.loads(invoke("questions", "--format", "json").stdout)
    spanish = json.loads(invoke("questions", "--format", "json", "--lang", "es").stdout)
    assert (english["language"], spanish["language"]) == ("en", "es")
    pairs = list(zip(english["questions"], spanish["questions"]))
    assert all(en["id"] == es["id"] and en["read_by"] == es["read_by"] for en, es in pairs)
    assert all(en["text"] != es["text"] for en, es in pairs), "every question's text is in Spanish"
    fever = next(es for en, es in pairs if en["id"] == "fever")
    assert fever["asked_when"].startswith("la condición “tu zona lumbar está implicada")
    assert [c["value"] for c in next(es for es in spanish["questions"] if es["id"] == "thumb_test")["choices"]] == \
        ["spread", "closer", "unchanged", "not_tried"]
    table = invoke("questions", "--format", "markdown", "--lang", "es").stdout
    assert table.startswith("# Preguntas: ") and "| Pregunta | Id | Respuestas | Se pregunta |" in table
    assert "yes or no" not in table and "always" not in table


def test_the_spanish_rulebook_states_each_guarantee_in_spanish():
    book = invoke("rules", "doc", "--lang", "es").stdout
    guarantees = [line for line in book.splitlines() if line.startswith("- **Garantía:**")]
    assert len(guarantees) > 10
    assert not [line for line in guarantees if "the advice is" in line or "the answer to" in line or " holds" in line]
    english = invoke("rules", "doc").stdout
    assert 'the advice is at least "See a doctor within 24 hours"' in english


def test_the_fhir_questionnaire_carries_every_translation_and_lang_picks_the_primary_text():
    from fhir.resources.R4B.questionnaire import Questionnaire

    english = json.loads(invoke("questions", "--format", "fhir").stdout)
    spanish = json.loads(invoke("questions", "--format", "fhir", "--lang", "es").stdout)
    Questionnaire.model_validate(english)
    Questionnaire.model_validate(spanish)
    assert english["language"] == "en" and spanish["language"] == "es"

    def items(node):
        for item in node.get("item", []):
            yield item
            yield from items(item)

    questions = [item for item in items(english) if item["type"] not in ("group", "display")]
    assert questions
    for item in questions:
        [translation] = item["_text"]["extension"]
        parts = {part["url"]: next(v for k, v in part.items() if k.startswith("value")) for part in translation["extension"]}
        assert translation["url"] == "http://hl7.org/fhir/StructureDefinition/translation" and parts["lang"] == "es"
        assert parts["content"] != item["text"]
    first = next(item for item in items(spanish) if item["type"] == "boolean")
    assert first["text"].startswith("¿") and first["_text"]["extension"][0]["extension"][0]["valueCode"] == "en"


def test_the_journals_history_in_spanish_says_its_translation_is_unreviewed(tmp_path):
    journal = tmp_path / "j.json"
    assert invoke("assess", "--answers", EXAMPLES / "tuck_pain_on_lowering.json", "--journal", journal,
                  "--format", "json").exit_code == 0
    for fmt in ("text", "markdown", "html"):
        spanish = " ".join(invoke("journal", "show", "--journal", journal, "--format", fmt, "--lang", "es").stdout.split())
        assert "Esta traducción todavía no la ha revisado ningún profesional sanitario" in spanish
        english = invoke("journal", "show", "--journal", journal, "--format", fmt).stdout
        assert "has not been reviewed by a clinician" not in english and "traducción" not in english
