"""`rules doc --lang es` and `rules review --lang es`: a rulebook and review cards a Spanish-speaking
physiotherapist reads, the translated lifter texts shown with the English they translate, and the
signed card's digest the same in either language (contract, "Words and languages")."""

import re
import shutil
import subprocess

import pytest
import yaml

from conftest import RULES, invoke

# Fixed sentences of the rulebook: (English, Spanish), as the markdown and the HTML print them.
MARKDOWN_SENTENCES = [
    ("A rule's status *approved* means it runs; it is not a clinical sign-off.",
     "Que una regla tenga el estado *aprobada* significa que se aplica; no es una validación clínica."),
    ("## Dispositions, most severe first", "## Conductas, de la más grave a la menos grave"),
    ("Every report with it carries:", "Todo informe con esta conducta incluye:"),
    ("Asked for by:", "La piden:"),
    ("**Clinical sign-off:** not reviewed by a licensed clinician.",
     "**Validación clínica:** sin revisar por un profesional sanitario colegiado."),
    ("**Translation into `es`:** not reviewed by a licensed clinician.",
     "**Traducción al `es`:** sin revisar por un profesional sanitario colegiado."),
    ("## Index of findings", "## Índice de hallazgos"),
    ("## Static verification", "## Verificación estática"),
]
HTML_SENTENCES = [
    ("A rule marked <em>in use</em> (status approved) runs; that is not a clinical sign-off.",
     "Una regla marcada <em>en uso</em> (estado aprobada) se aplica; eso no es una validación clínica."),
    ("Dispositions, most severe first", "Conductas, de la más grave a la menos grave"),
    ("Kept for the record; they never run.", "Se conservan como registro; nunca se aplican."),
    ("<strong>How to read a rule.</strong>", "<strong>Cómo leer una regla.</strong>"),
    ('<span class="label">Always carries</span>', '<span class="label">Siempre incluye</span>'),
]
EMERGENCY_EN = "Go to an emergency department now"
EMERGENCY_ES = "Ve ahora a un servicio de urgencias"
ADVICE_EN = "Nothing in your answers points at your lower back. Keep training as you are."
ADVICE_ES = "Nada en tus respuestas apunta a tu zona lumbar. Sigue entrenando como hasta ahora."


def book(fmt, lang):
    run = invoke("rules", "doc", RULES, "--format", fmt, "--lang", lang)
    assert run.exit_code == 0, run.output
    return run.stdout


@pytest.mark.parametrize("fmt, sentences", [("markdown", MARKDOWN_SENTENCES), ("html", HTML_SENTENCES)])
def test_the_spanish_rulebook_says_its_fixed_sentences_in_spanish_only(fmt, sentences):
    english, spanish = book(fmt, "en"), book(fmt, "es")
    for en, es in sentences:
        assert en in english, en
        assert es in spanish, es
        assert en not in spanish, en


def test_the_spanish_markdown_rulebook_shows_a_disposition_in_spanish_with_its_english_source():
    spanish = book("markdown", "es")
    assert f"### 1. {EMERGENCY_ES} (En inglés: {EMERGENCY_EN}) (`emergency`)" in spanish
    assert f"{ADVICE_ES}\n\n*En inglés: {ADVICE_EN}*" in spanish
    # the condition reads in Spanish: the question as the lifter reads it, the operator and the answer
    assert "**Cuando** la respuesta a *¿Tienes adormecimiento u hormigueo en la zona del sillín?* es sí" in spanish
    assert "se pregunta solo cuando la respuesta a “¿Tienes dolor o molestias en la zona lumbar" in spanish
    # rule titles and ids stay as they are
    assert "#### Saddle numbness suggests cauda equina syndrome" in spanish and "`rf-saddle-numbness`" in spanish


def test_the_spanish_html_rulebook_marks_the_english_source_as_english():
    spanish = book("html", "es")
    assert '<html lang="es">' in spanish
    assert f'<p>{ADVICE_ES}</p><p class="en" lang="en">En inglés: {ADVICE_EN}</p>' in spanish
    assert f'{EMERGENCY_ES} <span class="en" lang="en">(En inglés: {EMERGENCY_EN})</span>' in spanish


def test_the_english_rulebook_shows_no_second_language():
    english = book("markdown", "en") + book("html", "en")
    assert "En inglés" not in english and "English:" not in english and 'class="en"' not in english.split("</style>")[1]


# -- rules review --lang es ---------------------------------------------------------------------

def keygen(path):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", path.name, "-f", str(path)], check=True)
    return path


@pytest.fixture
def clinic(tmp_path, monkeypatch):
    """Two copies of the shipped rules with their translations, and a physiotherapist who reads Spanish."""
    if shutil.which("ssh-keygen") is None:
        pytest.skip("needs OpenSSH's ssh-keygen")
    key = keygen(tmp_path / "ana")
    trust = tmp_path / "trust.yaml"
    trust.write_text(yaml.safe_dump({"people": [{
        "name": "Ana Ruiz", "role": "physiotherapist", "registration": "CGCFE 1234", "languages": ["es"],
        "public_key": key.with_suffix(".pub").read_text().strip()}]}, sort_keys=False))
    monkeypatch.setenv("SPINEWISE_TRUST", str(trust))
    folders = {}
    for lang in ("en", "es"):
        folders[lang] = tmp_path / lang / "rules"
        shutil.copytree(RULES, folders[lang])
    return folders, key


def reviewed(folder, key, lang):
    run = invoke("rules", "review", folder, "--reviewer", "Ana Ruiz", "--key", key, "--rule", "rf-saddle-numbness",
                 "--yes", "--lang", lang)
    assert run.exit_code == 0, run.output
    return run.stdout


def test_a_spanish_review_card_signs_the_same_digest_as_the_english_one(clinic):
    folders, key = clinic
    english, spanish = reviewed(folders["en"], key, "en"), reviewed(folders["es"], key, "es")
    digest_en = re.search(r"What you sign: SHA-256 ([0-9a-f]{64}) of everything above\.", english).group(1)
    digest_es = re.search(r"Lo que firma: SHA-256 ([0-9a-f]{64}) de todo lo anterior tal como está escrito en inglés",
                          spanish).group(1)
    assert digest_es == digest_en
    recorded = [yaml.safe_load((folders[lang] / "signoffs.yaml").read_text()) for lang in ("en", "es")]
    assert str(recorded[0]).count(digest_en) == 1 and str(recorded[1]).count(digest_en) == 1


def test_a_spanish_review_card_reads_in_spanish_with_the_english_under_each_translated_line(clinic):
    folders, key = clinic
    spanish = reviewed(folders["es"], key, "es")
    assert "==== Regla 1 de 1 (10-red-flags.yaml:58) ====" in spanish
    assert "Ahora: sin revisar por un profesional sanitario colegiado" in spanish
    assert "Regla: rf-saddle-numbness: Saddle numbness suggests cauda equina syndrome" in spanish
    assert "Cuando: la respuesta a “¿Tienes adormecimiento u hormigueo en la zona del sillín?” es sí\n" \
           "    En inglés: the answer to \"Do you have numbness or tingling in the saddle area?\" is yes\n" in spanish
    disposition = spanish.index(f"Conducta: {EMERGENCY_ES}:")
    assert spanish[disposition:].split("\n")[1].startswith(f"    En inglés: {EMERGENCY_EN}:")
    for english_label in ("\nNow:", "\nDisposition:", "\nFinding:", "\nQuestion:", "What you sign"):
        assert english_label not in spanish


def test_a_spanish_review_asks_and_sums_up_in_spanish(clinic):
    folders, key = clinic
    run = invoke("rules", "review", folders["es"], "--reviewer", "Ana Ruiz", "--key", key, "--rule",
                 "rf-saddle-numbness", "--lang", "es", input="s\n")
    assert run.exit_code == 0, run.output
    assert "¿Aprobar (a), pedir cambios (r) u omitir (s)? [a/r/s]" in run.stdout
    assert "Ana Ruiz: 1 omitida; no se ha registrado nada." in run.stderr
    assert not (folders["es"] / "signoffs.yaml").exists() or "rf-saddle-numbness" not in (
        folders["es"] / "signoffs.yaml").read_text()
