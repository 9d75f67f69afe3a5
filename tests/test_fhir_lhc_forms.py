"""The printed Questionnaire in a form filler nobody here wrote: LHC-Forms (the NLM's SDC renderer) in Chromium.

A lifter fills the form by clicking and typing; the QuestionnaireResponse LHC-Forms
exports gives `assess` the same result as the plain answers file, and the result Bundle
names the subject and author the clinic set. LHC-Forms comes from `npm pack lforms` (its
built files need none of its dependencies); the test skips, saying why, without npm,
Playwright or Chromium.
"""

import functools
import http.server
import json
import os
import shutil
import threading

import pytest

from conftest import TESTS, invoke
from fhir_support import entries, validate
from node_support import unpacked
from spinewise.fhir.questionnaire import ALERT_LINK, CONTINUE_LINK

CHROMIUM = "/usr/bin/chromium"
PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/webcomponent/styles.css">
<script src="/webcomponent/assets/lib/zone.min.js"></script>
<script src="/webcomponent/runtime.js" type="module"></script>
<script src="/webcomponent/polyfills.js" type="module"></script>
<script src="/webcomponent/main.js" type="module"></script>
</head><body><div id="form"></div></body></html>"""
SUBJECT = {"reference": "Patient/lifter-17", "display": "Sam Lifter"}
AUTHOR = {"reference": "Practitioner/coach-3", "display": "Alex Coach"}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        return None


@pytest.fixture(scope="module")
def lforms_site(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's Chromium (/usr/bin/chromium) is needed")
    pytest.importorskip("playwright.sync_api", reason="Playwright is in the test extra")
    built = unpacked("lforms") / "dist" / "lforms"
    site = tmp_path_factory.mktemp("lforms")
    shutil.copytree(built, site, dirs_exist_ok=True)
    (site / "form.html").write_text(PAGE)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def questionnaire():
    run = invoke("questions", "--format", "fhir")
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture
def form(browser, lforms_site, questionnaire):
    """A page with the printed Questionnaire loaded into LHC-Forms, exactly as printed."""
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{lforms_site}/form.html")
    page.wait_for_function("() => !!(window.LForms && LForms.Util && LForms.Util.addFormToPage)")
    page.add_script_tag(url="/fhir/R4/lformsFHIR.min.js")
    page.wait_for_function("() => !!(LForms.FHIR && LForms.FHIR.R4)")
    outcome = page.evaluate("q => LForms.Util.addFormToPage(q, 'form').then(() => 'loaded', e => String(e))",
                            questionnaire)
    assert outcome == "loaded"
    yield page
    assert errors == []
    page.close()


def _item(page, qid):
    return page.locator(f'[id="item-{qid}/1/1"]')


def fill(page, rulebase, answers):
    """Answer as a lifter would: click Yes or No, pick from the lists, type the numbers, in question order."""
    for question in rulebase.questions:
        if question.id not in answers:
            continue
        value = answers[question.id]
        if question.type == "bool":
            _item(page, question.id).get_by_text("Yes" if value else "No", exact=True).click()
        elif question.type == "int":
            field = page.locator(f'[id="{question.id}/1/1"]')
            field.fill(str(value))
            field.press("Tab")
        else:
            labels = {c.value: c.label for c in question.choices}
            for choice in value if isinstance(value, list) else [value]:
                page.locator(f'[id="{question.id}/1/1"]').click()
                page.locator("#lhc-tools-searchResults li", has_text=labels[choice]).first.click()
            page.keyboard.press("Escape")


def export(page) -> dict:
    return page.evaluate("() => LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', "
                         "document.getElementById('form'))")


def assess(tmp_path, data, fmt):
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data))
    run = invoke("assess", "--answers", path, "--format", fmt)
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def test_a_lifter_fills_the_form_in_lhc_forms_and_gets_the_same_result(form, rulebase, tmp_path):
    answers = json.loads((TESTS / "vignettes" / "tuck_pain_on_lowering.json").read_text())["answers"]
    fill(form, rulebase, answers)
    response = export(form)
    validate(response)

    assert assess(tmp_path, response, "json") == assess(tmp_path, answers, "json")

    response.update(subject=SUBJECT, author=AUTHOR, source=SUBJECT, id="lhc-response-1",
                    identifier={"system": "urn:clinic:forms", "value": "F-88"})
    bundle = assess(tmp_path, response, "fhir")
    validate(bundle)
    (kept,), (impression,), (plan,) = (entries(bundle, kind) for kind in
                                       ("QuestionnaireResponse", "ClinicalImpression", "CarePlan"))
    assert {key: value for key, value in kept.items() if key != "text"} == response  # kept as given
    assert kept["text"]["div"]  # with a narrative added, as it had none
    assert impression["subject"] == plan["subject"] == SUBJECT
    assert plan["author"] == AUTHOR and impression["assessor"] == AUTHOR and plan["contributor"] == [SUBJECT]
    assert impression["effectiveDateTime"] == response["authored"]


def test_an_emergency_answer_shows_the_advice_and_asks_nothing_more(form, rulebase, tmp_path):
    first = rulebase.questions[0]
    advice = form.get_by_text(rulebase.stop_disposition.title)
    assert advice.count() == 0
    later = rulebase.questions[-1]
    assert _item(form, later.id).count() == 1

    _item(form, first.id).get_by_text("Yes", exact=True).click()

    advice.first.wait_for()
    assert _item(form, later.id).count() == 0  # no form filler demands the other answers
    assert _item(form, rulebase.questions[1].id).count() == 0
    result = assess(tmp_path, export(form), "json")
    assert result["disposition"] == rulebase.roles.stop_disposition
    assert later.id in result["not_asked"]

    form.locator(f'[id="item-{CONTINUE_LINK}/1/1"]').get_by_text("Yes", exact=True).click()
    _item(form, later.id).wait_for()  # going on for a full report brings the rest back
    assert _item(form, rulebase.questions[1].id).count() == 1


def test_groups_show_only_with_their_questions(form, rulebase, questionnaire):
    conditional = [g for g in questionnaire["item"] if g["linkId"] != ALERT_LINK
                   and all("enableWhen" in i or "extension" in i for i in g["item"] if i["type"] != "display")
                   and all(rulebase.question(i["linkId"]).asked_when is not None for i in g["item"])]
    assert conditional
    for group in conditional:
        assert form.get_by_text(group["text"], exact=True).count() == 0


def test_lhc_forms_own_validity_check_passes_on_the_emergency_path(form, rulebase):
    """LHC-Forms skips, in its validity check, the items plain enableWhen hides but not those an
    enableWhenExpression hides; after an emergency answer nothing it hides may be required."""
    _item(form, rulebase.questions[0].id).get_by_text("Yes", exact=True).click()
    form.get_by_text(rulebase.stop_disposition.title).first.wait_for()
    errors = form.evaluate("() => LForms.Util.checkValidity(document.getElementById('form'))")
    assert errors is None, errors


def test_the_checkin_questionnaire_loads_and_an_emergency_answer_leaves_it_valid(browser, lforms_site, tmp_path):
    """The check-in's own Questionnaire, as printed, in LHC-Forms: the journal's values first, then
    a nerve sign; LHC-Forms finds nothing missing, and `checkin` reads the response it exports."""
    from checkin_support import started_journal

    checkin = json.loads(invoke("questions", "--format", "fhir-checkin").stdout)
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{lforms_site}/form.html")
    page.wait_for_function("() => !!(window.LForms && LForms.Util && LForms.Util.addFormToPage)")
    page.add_script_tag(url="/fhir/R4/lformsFHIR.min.js")
    page.wait_for_function("() => !!(LForms.FHIR && LForms.FHIR.R4)")
    assert page.evaluate("q => LForms.Util.addFormToPage(q, 'form').then(() => 'loaded', e => String(e))",
                         checkin) == "loaded"
    page.locator('[id="last_disposition/1/1"]').click()
    page.locator("#lhc-tools-searchResults li", has_text="corrective_program").first.click()
    page.keyboard.press("Escape")
    _item(page, "cancer_history_answered").get_by_text("No", exact=True).click()
    for qid in ("saddle_numbness", "bladder_bowel_change"):
        _item(page, qid).get_by_text("No", exact=True).click()
    _item(page, "leg_weakness").get_by_text("Yes", exact=True).click()
    assert page.evaluate("() => LForms.Util.checkValidity(document.getElementById('form'))") is None
    response = export(page)
    validate(response)
    path = tmp_path / "response.json"
    path.write_text(json.dumps(response))
    journal = started_journal(tmp_path)
    run = invoke("checkin", "--journal", journal, "--answers", path, "--date", "2026-11-09", "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["disposition"] == "emergency"
    assert errors == []
    page.close()
