"""What a reading of the nine weeks found (issue 24, second reading): the report at the usual
weight, a week with no pain, the tracker's week numbers, the practitioner part in Spanish, a
source a lifter understands, the dose sentences and their reasons, the digest at 40 columns, and
one error line naming every problem. Each test failed on the reports before this reading."""

import re

import pytest

from conftest import RULES, TESTS, invoke
from words_support import lifters_part, run_journey

ARCHED = TESTS / "journeys" / "arched_lifter_back_to_usual_weight.json"


@pytest.fixture(scope="module")
def arched(tmp_path_factory):
    return run_journey(ARCHED, tmp_path_factory.mktemp("arched"), "en", 80)


@pytest.fixture(scope="module")
def arched_es(tmp_path_factory):
    return run_journey(ARCHED, tmp_path_factory.mktemp("arched_es"), "es", 80)


@pytest.fixture(scope="module")
def arched_40(tmp_path_factory):
    return run_journey(ARCHED, tmp_path_factory.mktemp("arched_40"), "en", 40)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_at_the_usual_weight_the_report_says_so_not_on_the_way_back(arched):
    usual = flat(lifters_part(arched.reports[8]))  # the first check-in at the usual weight
    assert "Back at your usual weight" in usual
    assert "one more check-in without back symptoms completes the program" in usual
    assert "on the way back to your usual weights" not in usual


def test_a_week_without_pain_is_not_told_that_rest_eases_the_pain(arched):
    for report in arched.reports[1:]:
        assert "rest or changing position eases your pain" not in flat(report)


def test_no_pain_is_not_called_pain_getting_better(arched):
    for number, (report, result) in enumerate(zip(arched.reports, arched.results)):
        painless = result.get("answers", {}).get("back_pain") is False
        if painless and number:
            assert "The pain is getting better" not in lifters_part(report), f"entry {number}"
    returned = flat(lifters_part(arched.reports[5]))  # symptoms returned on the load, no pain
    assert "Back symptoms came back with the load" in returned
    assert "The pain is getting better" not in returned and "No back pain this week" in returned


def test_the_tracker_counts_the_programs_weeks(arched):
    first = re.findall(r"^Week (\d), starting", arched.reports[0], re.M)
    after_two = re.findall(r"^Week (\d), starting", arched.reports[3], re.M)  # 2 weeks counted
    assert first == ["1", "2", "3", "4"]
    assert after_two[0] == "3" and after_two == ["3", "4"]


def test_the_dead_bug_levels_are_named_in_one_order_in_every_report(arched, arched_es):
    for run in (arched, arched_es):
        orders = {m for report in run.reports for m in re.findall(r"\(([^()]*(?:regress|regresi)[^()]*)\)",
                                                                      flat(report)) if "," in m}
        assert len(orders) == 1, orders


def test_a_dose_is_a_whole_sentence_with_reps(arched):
    first = flat(arched.reports[0])
    assert "build up to 3 sets of 15 reps." in first
    assert "build up to 3 sets of 10 reps." in first


def test_a_dose_change_gives_the_rules_own_reason_once(arched, arched_es):
    week1 = flat(lifters_part(arched.reports[1]))
    assert "Up to 3 sets of 10 reps (advanced level), because every dead-bug rep kept your back down." in week1
    assert ("Stays at 2 sets of 10 reps until a week that counts with the thumb distance unchanged and nothing "
            "felt in your lower back.") in week1
    spanish = flat(lifters_part(arched_es.reports[1]))
    assert "Dead bug: Sube a 3 series" in spanish
    assert not re.search(r": [^.]*: ", spanish.split("Qué ha cambiado")[1].split("Próxima")[0].replace(" - ", "\n")
                         .splitlines()[1]), "one colon after the exercise"
    assert "Se mantiene:" not in spanish and "dejaron" not in flat(arched_es.reports[0])


def test_a_rule_that_moves_a_dose_without_its_own_reason_is_refused(tmp_path):
    import shutil

    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("locale"))
    path = folder / "70-checkin.yaml"
    text = path.read_text()
    path.write_text(text.replace('    tells: "Up to {dose}, because every dead-bug rep kept your back down."\n', "", 1))
    run = invoke("rules", "check", folder)
    assert run.exit_code != 0
    assert re.search(r"70-checkin\.yaml:\d+: rule ci-db-up-sets moves dead_bug up but has no 'tells'", run.stdout + run.stderr)


def test_the_spanish_practitioner_part_is_spanish(arched_es):
    report = arched_es.reports[8]
    practitioner = flat(report[report.index("PARA TU PROFESIONAL SANITARIO"):])
    assert "Ninguna clínica ha aprobado el uso de esta base de reglas." in practitioner
    assert "No clinic" not in practitioner and "trust file" not in practitioner
    assert "Cómo quitar el dolor lumbar que provocan los hip thrusts" in practitioner


def test_the_sources_say_a_spinewise_choice_in_words_a_lifter_understands(arched):
    last = flat(arched.reports[-1])
    assert "clinical-knowledge.md" not in last
    assert "spinewise's own suggestion, not from the article" in last


def test_the_digest_fits_forty_columns_in_groups(arched_40, rulebase):
    for report in arched_40.reports:
        wide = [line for line in report.splitlines() if len(line) > 40 and "/" not in line]
        assert wide == [], "only a path may be wider than the terminal"
        digest = rulebase.content_hash
        assert " ".join(digest[i:i + 8] for i in range(0, 64, 8)) in flat(report)


def test_a_future_date_without_a_journal_names_both_problems(tmp_path):
    run = invoke("checkin", "--journal", tmp_path / "none.json", "--date", "2999-01-01", "--format", "json")
    assert run.exit_code == 2 and len(run.stderr.strip().splitlines()) == 1
    assert "2999-01-01 is after today" in run.stderr and "there is no journal at" in run.stderr


def _spanish_client():
    from spinewise.web import create_app

    return create_app(RULES, secret="x" * 32).test_client()


SPANISH = {"Accept-Language": "es"}


def test_a_spanish_form_error_is_spanish():
    client = _spanish_client()
    client.get("/", headers=SPANISH)
    page = client.post("/start", headers=SPANISH, follow_redirects=True).get_data(as_text=True)
    question = re.search(r'<input type="hidden" name="question" value="([^"]+)">', page).group(1)
    refused = client.post("/answer", data={"question": question}, headers=SPANISH,
                          follow_redirects=True).get_data(as_text=True)
    assert "Elige sí o no" in refused and "Select yes or no" not in refused


def test_spanish_check_in_errors_and_state_pages_are_spanish():
    client = _spanish_client()
    missing = client.get("/checkin/nowhere", headers=SPANISH).get_data(as_text=True)
    assert "No hay ninguna página en esta dirección" in missing and "Your journal file" not in missing
    assert "Sube tu diario para hacer la revisión semanal" in missing
    no_file = client.post("/checkin/start", data={"date": ""}, headers=SPANISH,
                          follow_redirects=True).get_data(as_text=True)
    assert "Elige el archivo de diario que vas a subir" in no_file and "Choose your journal" not in no_file


def test_the_drawings_speak_the_reports_language():
    from spinewise import api
    from spinewise.i18n import using

    answers = __import__("json").loads(ARCHED.read_text())["first"]
    with using("es"):
        page = api.render(api.assess(answers, RULES), "html", RULES)
    assert "Dead bug, nivel avanzado. Tumbado boca arriba" in page
    assert "Zona lumbar pegada al suelo" in page and "Lower back pressed to the floor" not in page
    assert "Hip thrust with a neutral spine: body level" not in page


@pytest.mark.parametrize("renderer", ["weasyprint", "chromium"])
def test_the_spanish_tracker_prints_whole_on_the_page(renderer, tmp_path):
    """Spanish level names and dates are longer: the tracker's last columns (levels, notes) were cut
    off at the page's edge. Every level of every week and the notes column are printed."""
    import shutil
    import subprocess

    answers = tmp_path / "first.json"
    answers.write_text(__import__("json").dumps(__import__("json").loads(ARCHED.read_text())["first"]))
    pdf = tmp_path / "report.pdf"
    if renderer == "weasyprint":
        run = invoke("assess", "--answers", answers, "--lang", "es", "--format", "pdf", "--output", pdf)
        if run.exit_code != 0:
            pytest.skip(f"no PDF renderer here: {run.stderr}")
    else:
        from test_report_browser import BROWSER, chromium_pdf

        if not shutil.which(BROWSER):
            pytest.skip("no Chromium here")
        html = tmp_path / "report.html"
        assert invoke("assess", "--answers", answers, "--lang", "es", "--output", html).exit_code == 0
        chromium_pdf(html, pdf, tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    tracker = text[text.index("REGISTRO SEMANAL"):text.index("PARA TU PROFESIONAL SANITARIO")]
    assert "Notas" in tracker
    for level in ("regresión", "principiante", "avanzado"):
        assert tracker.count(f"☐ {level}") == 4, level


def test_journal_show_names_each_finding_as_that_week_said_it(arched):
    weeks = arched.journal.split("\n\n")
    painless = next(block for block in weeks if "30 November 2026" in block)
    assert "No back pain this week" in painless and "The pain is getting better" not in painless
    usual = next(block for block in weeks if "28 December 2026" in block)
    assert "Back at your usual weight" in usual and "Bringing load back" not in usual


def test_the_pain_chart_in_words_keeps_each_day_with_its_month(tmp_path):
    run = run_journey(ARCHED, tmp_path, "es", 80, fmt="html")
    last = run.reports[-1]
    caption = re.search(r"Peor dolor \(de 0 a 10\) en cada entrada: [^<]*", last).group(0)
    assert not re.search(r"\b\d{1,2} (nov|dic|ene)\b", caption), caption


def test_a_future_date_without_a_journal_is_said_in_spanish(tmp_path):
    run = invoke("checkin", "--journal", tmp_path / "none.json", "--date", "2999-01-01", "--lang", "es")
    assert run.exit_code == 2 and len(run.stderr.strip().splitlines()) == 1
    assert "es posterior a hoy" in run.stderr and "no hay ningún diario en" in run.stderr
    assert "after today" not in run.stderr


def test_a_journals_first_report_names_the_check_in_not_answering_again(arched, arched_es):
    first = flat(arched.reports[0])
    assert "answer these questions again on" not in first
    assert "Check again: at your first weekly check-in on Monday 9 November 2026" in first
    assert "en tu primera revisión semanal, el lunes, 9 de noviembre de 2026" in flat(arched_es.reports[0])


@pytest.mark.parametrize("lang, notes", [("en", "Notes"), ("es", "Notas")])
@pytest.mark.parametrize("renderer", ["weasyprint", "chromium"])
def test_the_trackers_last_column_is_inside_the_page(lang, notes, renderer, tmp_path):
    """The reading found the tracker's Notes column cut by the page's right edge (the headings did not
    wrap): its heading ends inside the right margin, in both languages and both renderers."""
    import json
    import shutil
    import subprocess

    answers = tmp_path / "first.json"
    answers.write_text(json.dumps(json.loads(ARCHED.read_text())["first"]))
    pdf = tmp_path / "report.pdf"
    if renderer == "weasyprint":
        run = invoke("assess", "--answers", answers, "--lang", lang, "--format", "pdf", "--output", pdf)
        if run.exit_code != 0:
            pytest.skip(f"no PDF renderer here: {run.stderr}")
    else:
        from test_report_browser import BROWSER, chromium_pdf

        if not shutil.which(BROWSER):
            pytest.skip("no Chromium here")
        html = tmp_path / "report.html"
        assert invoke("assess", "--answers", answers, "--lang", lang, "--output", html).exit_code == 0
        chromium_pdf(html, pdf, tmp_path)
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    ends = [float(x) for x in re.findall(rf'xMax="([\d.]+)" yMax="[\d.]+">{notes}</word>', boxes)]
    assert ends and max(ends) <= width - 20, f"{notes} ends at {max(ends or [0]):.0f} of {width:.0f} pt"


def test_an_approved_rule_base_is_said_approved_in_spanish_in_both_parts(tmp_path):
    """The approval sentence appended to the lifter's part was English on a Spanish report."""
    import json
    import os
    import shutil

    from trust_support import make_key, person, write_trust

    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)  # with its catalogues: Spanish stays offered
    key = make_key(tmp_path / "ann")
    trust = write_trust(tmp_path / "trust.yaml", person("Ann Lee", "doctor", key, "GMC 1111111", approves=True))
    before = os.environ.get("SPINEWISE_TRUST")
    os.environ["SPINEWISE_TRUST"] = str(trust)
    try:
        assert invoke("rules", "approve", folder, "--reviewer", "Ann Lee", "--key", key).exit_code == 0
        answers = tmp_path / "first.json"
        answers.write_text(json.dumps(json.loads(ARCHED.read_text())["first"]))
        run = invoke("assess", "--answers", answers, "--rules", folder, "--lang", "es", "--format", "text")
    finally:
        if before is None:
            os.environ.pop("SPINEWISE_TRUST", None)
        else:
            os.environ["SPINEWISE_TRUST"] = before
    assert run.exit_code == 0, run.stderr
    text = flat(run.stdout)
    assert "approved this rule base" not in text
    assert text.count("Ann Lee (médico, GMC 1111111) aprobó el uso de esta base de reglas el ") == 2, \
        "once in the lifter's part, once for the practitioner, the trust file's role in Spanish too"
    assert not re.search(r"el \d{4}-\d{2}-\d{2}", text), "the date in words"
