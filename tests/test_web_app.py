"""The web questionnaire through Flask's test client: every path a lifter or a tool can take."""

import html
import json
import re

import pytest

from conftest import EXAMPLES, edit, invoke, with_pain
from spinewise.questionnaire import flow
from spinewise.web import create_app
from web_support import Lifter, asked_question, cookie_state, expected_questions, form_fields, hidden

EMERGENCY = EXAMPLES / "cauda_equina_bladder.json"


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture
def client(app):
    return app.test_client()


def load(name):
    return json.loads((EXAMPLES / name).read_text())


def first_question(client):
    return client.post("/start", follow_redirects=True)


def answer(client, page, value, question=None, **extra):
    """Post `value` (or raw fields when `value` is a list of pairs) to the question on `page`; the page it leads to."""
    from werkzeug.datastructures import MultiDict

    qid = question or hidden(page.text, "question")
    fields = [("question", qid)]
    fields += value if isinstance(value, list) else [(qid, value)]
    return client.post("/answer", data=MultiDict(fields + list(extra.items())), follow_redirects=True)


def show(client, question_id):
    """A question's own address, as the Back and Change links reach it."""
    return client.get(f"/question/{question_id}", follow_redirects=True)


def heading(page):
    return re.search(r"<h1[^>]*>(?:<label[^>]*>)?(.*?)<", page.text, re.S).group(1).strip()


def walk_to(client, rulebase, answers, stop_before):
    """Answer questions from `answers` until `stop_before` is the question shown."""
    page = first_question(client)
    while hidden(page.text, "question") != stop_before:
        question = asked_question(rulebase, page.text)
        page = answer(client, page, form_fields(question, answers[question.id]))
    return page


# --- whole walks ------------------------------------------------------------------------

@pytest.mark.parametrize("example", ["healthy_glutes_only.json", "tuck_pain_on_lowering.json",
                                     "exacerbated_pain_arched.json", "program_finished.json",
                                     "heavy_and_high_reps.json"])
def test_a_lifter_answers_one_question_per_page_in_file_order_to_the_cli_report(client, rulebase, triage,
                                                                                 example, tmp_path):
    answers = load(example)
    lifter = Lifter(client, rulebase, answers)
    report = lifter.walk()

    asked = [hidden(response.text, "question") for kind, response in lifter.pages
             if kind in ("question", "answer") and 'name="question"' in response.text]
    assert asked == expected_questions(rulebase, answers)
    assert report.status_code == 200
    disposition = triage.assess(answers).disposition
    assert f'data-disposition="{disposition}"' in report.text
    assert rulebase.disposition(disposition).title in report.text

    download = client.get("/download/answers")
    assert download.headers["Content-Disposition"] == 'attachment; filename="spinewise-answers.json"'
    assert download.json == answers
    saved = tmp_path / "answers.json"
    saved.write_bytes(download.data)
    replay = invoke("assess", "--answers", saved, "--format", "json")
    assert json.loads(replay.stdout)["disposition"] == disposition


def test_the_report_page_is_the_html_report_with_the_web_toolbar(client, rulebase, triage, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795478400")
    answers = load("tuck_pain_on_lowering.json")
    report = Lifter(client, rulebase, answers).walk()
    from spinewise.report.render import render_report

    alone = render_report(triage.assess(answers), rulebase, "html")
    body = alone[alone.index("<header class=\"top\">"):alone.index("</body>")]
    assert body in report.text, "the report's body is embedded unchanged"
    assert "Print this report" in report.text and "WEEKLY TRACKER".lower() in report.text.lower()
    top, advice, actions = (report.text.index(text, report.text.index("<body")) for text in ("Check or change your answers",
                                                                  rulebase.disposition("corrective_program").title,
                                                                  "Print this report"))
    assert top < advice < actions, "the advice comes before the print and download buttons"
    style = re.search(r"<style>(.*?)</style>", report.text, re.S).group(1)
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in report.headers["Content-Security-Policy"]


# --- each question type, posted in the answers-file vocabulary ---------------------------

def test_yes_no_is_posted_as_true_or_false(client, rulebase):
    page = answer(client, first_question(client), "false")
    assert heading(page) == rulebase.questions[1].text
    assert "Question 2 of 13 to 22" in page.text


def test_whole_numbers_multi_and_choices_are_taken_in_the_answers_vocabulary(client, rulebase, healthy):
    answers = with_pain(healthy, pain_intensity=4, pain_phase="top", feel_location=["core", "glutes"])
    page = walk_to(client, rulebase, answers, "feel_location")
    assert page.text.count('type="checkbox"') == len(rulebase.question("feel_location").choices)
    page = answer(client, page, [("feel_location", "core"), ("feel_location", "glutes")])
    page = answer(client, page, "true")  # back_pain
    assert heading(page) == rulebase.question("pain_intensity").text
    assert 'inputmode="numeric"' in page.text
    page = answer(client, page, " 4 ")
    page = answer(client, page, "2")
    page = answer(client, page, "false")
    assert page.text.count('type="radio"') == len(rulebase.question("pain_phase").choices)
    page = answer(client, page, "top")
    state = cookie_state(client)
    assert state.answers["feel_location"] == ["glutes", "core"]  # in the question's own order
    assert state.answers["pain_intensity"] == 4 and state.answers["pain_phase"] == "top"


def test_follow_up_questions_are_asked_only_when_their_condition_holds(client, rulebase, healthy):
    no_pain = Lifter(client, rulebase, healthy)
    no_pain.walk()
    texts = " ".join(response.text for _, response in no_pain.pages)
    assert rulebase.question("pain_intensity").text not in texts

    page = walk_to(client, rulebase, with_pain(healthy), "back_pain")
    assert re.search(r"Question 6 of 13 to 22\b", page.text)
    page = answer(client, page, "true")
    assert heading(page) == rulebase.question("pain_intensity").text
    assert re.search(r"Question 7 of 22\b", page.text), "the count narrows to what will be asked"


def test_why_are_we_asking_this_gives_the_plain_lines_from_the_rules(client, rulebase):
    from spinewise.questionnaire.why import plain_why

    page = first_question(client)
    assert "<summary" in page.text and "Why are we asking this?" in page.text
    for line in plain_why(rulebase.questions[0], rulebase):
        assert f"<p>{line}</p>" in page.text.replace("&#34;", '"').replace("&#39;", "'")
    assert "rf-saddle" not in page.text


# --- back and change -----------------------------------------------------------------------

def test_back_shows_the_previous_question_with_its_answer_and_keeps_later_ones(client, rulebase, healthy):
    page = walk_to(client, rulebase, healthy, "leg_weakness")
    assert '<a href="/question/bladder_bowel_change" class="back-link">Back</a>' in page.text
    back = show(client, "bladder_bowel_change")
    assert heading(back) == rulebase.question("bladder_bowel_change").text
    assert re.search(r'value="false" checked', back.text)
    assert "Question 2 of 13 to 22" in back.text
    onward = answer(client, back, "false")
    assert heading(onward) == rulebase.question("leg_weakness").text


def test_a_page_shown_to_one_lifter_never_shows_another_lifters_answer(app, rulebase, healthy):
    """Question pages with nothing chosen are rendered once and reused (web/app.py); a lifter
    going back to an answered question, or a refused answer, must get their own page."""
    first, second = app.test_client(), app.test_client()
    walk_to(first, rulebase, healthy, "leg_weakness")
    walk_to(second, rulebase, {**healthy, "bladder_bowel_change": True}, "bladder_bowel_change")
    fresh = show(second, "bladder_bowel_change")
    assert "checked" not in fresh.text, "the second lifter has not answered it yet"
    assert re.search(r'value="false" checked', show(first, "bladder_bowel_change").text)
    refused = answer(second, fresh, "maybe")
    assert refused.status_code == 422 and "error-summary" in refused.text
    kept = [page for page in app.extensions["spinewise"]._unanswered.values()
            if re.search(r" checked>|error-summary", page)]
    assert not kept, kept[0]


def test_the_first_question_goes_back_to_the_start_page(client):
    assert '<a href="/" class="back-link">Back</a>' in first_question(client).text


def test_changing_an_answer_from_check_your_answers_drops_and_adds_follow_ups(client, rulebase, healthy):
    lifter = Lifter(client, rulebase, with_pain(healthy))
    check = lifter.answer_all(lifter.start())
    assert "<h1 class=\"heading-l\">Check your answers</h1>" in check.text
    assert rulebase.question("pain_intensity").text in check.text
    assert check.text.count(">Change<span class=\"visually-hidden\">") == len(expected_questions(
        rulebase, with_pain(healthy)))

    assert '<a href="/question/back_pain" class="change-link">Change' in check.text
    change = show(client, "back_pain")
    assert re.search(r'value="true" checked', change.text)
    check = answer(client, change, "false")
    assert "Check your answers" in check.text, "no new question: straight back to the check page"
    assert rulebase.question("pain_intensity").text not in check.text

    change = show(client, "back_pain")
    follow_up = answer(client, change, "true")
    assert heading(follow_up) == rulebase.question("pain_intensity").text


def test_a_question_that_is_not_asked_cannot_be_shown_or_answered(client, rulebase, healthy):
    page = walk_to(client, rulebase, healthy, "tailbone_tuck")
    shown = show(client, "pain_intensity")
    assert heading(shown) == rulebase.question("tailbone_tuck").text
    forged = answer(client, page, "5", question="pain_intensity")
    assert forged.status_code == 422
    assert "not asked now" in forged.text and heading(forged) == rulebase.question("tailbone_tuck").text


# --- the stop disposition ----------------------------------------------------------------

def test_in_spanish_the_emergency_warning_is_headed_in_spanish_on_its_page_and_above_the_next(client):
    client.get("/language/es/")
    page = answer(client, first_question(client), "true")
    assert '<h1 class="heading-l">Aviso: ' in page.text and "Warning" not in page.text
    other = client.get(re.search(r'href="(/question[^"]*)"', page.text).group(1), follow_redirects=True)
    assert 'id="warning-title">Aviso: ' in other.text and "Warning" not in other.text


def test_saddle_numbness_shows_the_emergency_advice_at_once_then_offers_both_ways(client, rulebase):
    stop = flow.stop_disposition(rulebase)
    page = answer(client, first_question(client), "true")
    assert re.search(r'<div class="stop" role="alert">\s*<h1 class="heading-l">Warning: ' + re.escape(stop.title),
                     page.text)
    assert " ".join(stop.advice.split()) in page.text
    assert "See your report now" in page.text and "Answer the other 12 to 21 questions" in page.text

    report = client.get("/report")
    assert f'data-disposition="{stop.code}"' in report.text
    assert "Questions not asked" in report.text

    onward = client.get("/question", follow_redirects=True)
    assert heading(onward) == rulebase.questions[1].text
    second = answer(client, onward, "true")  # another emergency answer: no second interruption
    assert 'class="stop"' not in second.text and heading(second) == rulebase.questions[2].text


def test_the_emergency_lifter_who_finishes_gets_a_full_report(client, rulebase, triage):
    answers = {**load("healthy_glutes_only.json"), "saddle_numbness": True}
    lifter = Lifter(client, rulebase, answers)
    report = lifter.walk(finish_after_stop=True)
    assert sum(1 for _, response in lifter.pages if 'class="stop"' in response.text) == 1
    assert 'data-disposition="emergency"' in report.text and "Questions not asked" not in report.text


def test_undoing_the_emergency_answer_leaves_the_stop_page_behind(client, rulebase):
    page = answer(client, first_question(client), "true")
    back = show(client, "saddle_numbness")
    onward = answer(client, back, "false")
    assert heading(onward) == rulebase.questions[1].text
    assert "warning-box" not in onward.text
    again = answer(client, show(client, "saddle_numbness"), "true")
    assert 'class="stop"' in again.text, "the advice is shown again for a new emergency answer"


# --- bad input ------------------------------------------------------------------------------

@pytest.mark.parametrize("question, fields, message", [
    ("saddle_numbness", [], "Select yes or no"),
    ("saddle_numbness", [("saddle_numbness", "maybe")], "Select yes or no; “maybe” is not an answer"),
    ("saddle_numbness", [("saddle_numbness", "true"), ("saddle_numbness", "false")], "Select yes or no"),
    ("feel_location", [], "Select every answer that applies, at least one"),
    ("feel_location", [("feel_location", "knees")], "“knees” is not one of them"),
    ("feel_location", [("feel_location", "core"), ("feel_location", "core")], "Select each answer once"),
    ("pain_intensity", [("pain_intensity", "")], "Enter a whole number from 0 to 10"),
    ("pain_intensity", [("pain_intensity", "11")], "Enter a whole number from 0 to 10; 11 is too high"),
    ("pain_intensity", [("pain_intensity", "four")], "in digits only"),
    ("pain_intensity", [("pain_intensity", "3.5")], "in digits only"),
    ("pain_intensity", [("pain_intensity", "9" * 5000)], "in digits only"),
    ("pain_phase", [("pain_phase", "sideways")], "“sideways” is not one of them"),
    ("pain_phase", [], "Select one answer"),
])
def test_a_bad_field_gets_the_question_again_with_an_error_summary(client, rulebase, healthy, question, fields,
                                                                   message):
    page = walk_to(client, rulebase, with_pain(healthy, feel_location=["glutes"]), question)
    again = answer(client, page, fields)

    assert again.status_code == 422
    assert heading(again) == rulebase.question(question).text
    assert re.search(r'<div class="error-summary" role="alert" aria-labelledby="error-summary-title" '
                     r'tabindex="-1" autofocus>', again.text)
    assert re.search(f'<li><a href="#{question}">[^<]*{re.escape(message)}', again.text), "it links to the field"
    assert re.search(f'id="{question}-error"><span class="visually-hidden">Error:</span> [^<]*{re.escape(message)}',
                     again.text)
    assert f'aria-describedby="{question}-hint {question}-error"' in again.text
    assert again.text.count(f'id="{question}"') == 1, "the summary's link target exists once"
    assert "<title>Error: " in again.text and "Traceback" not in again.text


def test_a_refused_number_is_shown_as_typed_and_ticked_boxes_stay_ticked(client, rulebase, healthy):
    page = walk_to(client, rulebase, with_pain(healthy), "pain_intensity")
    again = answer(client, page, [("pain_intensity", "12")])
    assert 'value="12"' in again.text
    page = walk_to(client, rulebase, healthy, "feel_location")
    again = answer(client, page, [("feel_location", "core"), ("feel_location", "knees")])
    assert re.search(r'value="core" checked', again.text) and 'value="knees"' not in again.text


def set_state(client, value):
    from spinewise.web.state import COOKIE

    client.set_cookie(COOKIE, value)


def test_answers_are_found_among_other_cookies_of_the_same_site(client, rulebase, healthy):
    """A reverse proxy or another app on the same host may set cookies of its own, before or after ours."""
    page = walk_to(client, rulebase, healthy, "leg_weakness")
    client.set_cookie("a_proxy", "x=1")
    client.set_cookie("spinewise_answers_old", "stale")
    client.set_cookie("z_other", "y")
    assert heading(client.get("/question", follow_redirects=True)) == heading(page)
    assert cookie_state(client).answers == {qid: healthy[qid] for qid in ("saddle_numbness", "bladder_bowel_change")}


@pytest.mark.parametrize("paths", [("/question", "/check", "/report", "/download/answers", "/stop")])
def test_no_answers_in_progress_is_said_plainly(client, paths):
    for path in paths:
        response = client.get(path)
        assert response.status_code == 400
        assert "There are no answers in progress" in response.text and "Start again" in response.text
        assert "changed" not in response.text and "Traceback" not in response.text
    refused = client.post("/answer", data={"question": "saddle_numbness", "saddle_numbness": "true"})
    assert refused.status_code == 400 and "There are no answers in progress" in refused.text


def test_a_state_changed_by_one_character_cannot_be_read_and_is_forgotten(client):
    answer(client, first_question(client), "false")
    from spinewise.web.state import COOKIE

    state = client.get_cookie(COOKIE).value
    set_state(client, state[:-3] + ("A" if state[-3] != "A" else "B") + state[-2:])
    response = client.get("/report")
    assert response.status_code == 400 and "Your answers could not be read" in response.text
    assert f"{COOKIE}=;" in response.headers["Set-Cookie"], "the unreadable cookie is dropped"


def test_a_server_restart_is_explained_without_sounding_like_tampering(client, rulebase):
    answer(client, first_question(client), "false")
    restarted = create_app()  # a new process: a new random secret
    from spinewise.web.state import COOKIE

    other = restarted.test_client()
    set_state(other, client.get_cookie(COOKIE).value)
    response = other.get("/question")
    assert response.status_code == 400
    assert "The questionnaire was restarted" in response.text
    assert "server was restarted" in response.text and "cannot be recovered" in response.text
    for alarming in ("changed", "tamper", "forged", "another server"):
        assert alarming not in response.text


def test_an_expired_state_or_one_from_another_rule_base_is_explained(app, client, rules_copy):
    answer(client, first_question(client), "false")
    signer = app.extensions["spinewise"].signer
    signer.max_age, kept = -1, signer.max_age
    try:
        expired = client.get("/question")
    finally:
        signer.max_age = kept
    assert expired.status_code == 400 and "Your answers have expired" in expired.text

    edit(rules_copy / "rulebase.yaml", 'version: "', 'version: "9')
    other = create_app(rules_copy, secret="shared").test_client()
    mine = create_app(secret="shared").test_client()
    answer(mine, first_question(mine), "false")
    from spinewise.web.state import COOKIE

    set_state(other, mine.get_cookie(COOKIE).value)
    response = other.get("/question")
    assert response.status_code == 400 and "The questions were updated" in response.text


def test_an_oversized_body_gets_413(client):
    response = client.post("/answer", data={"state": "x", "padding": "y" * 100_000})
    assert response.status_code == 413 and "too large" in response.text


def test_an_unknown_path_is_page_not_found_and_says_the_answers_are_unaffected(client):
    answer(client, first_question(client), "false")
    missing = client.get("/questoin")
    assert missing.status_code == 404 and "Page not found" in missing.text
    assert "If you typed it, check it" in missing.text and "not affected" in missing.text
    assert "Nothing you answered was kept" not in missing.text
    assert "Go back to the questions" in missing.text
    assert client.get("/question", follow_redirects=True).status_code == 200, "the answers in progress are kept"
    assert client.get("/answer").status_code == 405


# --- privacy, headers, escaping ------------------------------------------------------------

def test_pages_send_strict_security_headers_and_no_store(client, rulebase, healthy):
    lifter = Lifter(client, rulebase, healthy)
    lifter.walk()
    for kind, response in lifter.pages:
        csp = response.headers["Content-Security-Policy"]
        assert csp.startswith("default-src 'self'") and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
    css = client.get("/static/spinewise.css")
    assert css.status_code == 200 and "no-store" not in css.headers.get("Cache-Control", "")


def test_every_post_redirects_to_a_get_page_and_no_address_holds_an_answer(client, rulebase, healthy):
    """Post/Redirect/Get: Back, Forward and reload never resubmit a form; answers stay out of addresses."""
    answers = with_pain(healthy, pain_intensity=4)
    lifter = Lifter(client, rulebase, answers)
    lifter.walk()
    for _, response in lifter.pages:
        for earlier in response.history:
            assert earlier.status_code == 303
            assert "?" not in earlier.headers["Location"]
        assert response.request.method == "GET", "every page shown was fetched with GET"
        assert "?" not in response.request.url
        assert not re.search(r'<form(?![^>]*method="post")', response.text)
        assert 'name="state"' not in response.text, "no answers in the page's forms either"
        for url in re.findall(r'(?:src|href|action)="([^"]*)"', response.text):
            assert url.startswith(("/", "#")), url
            assert "?" not in url
        assert "style=" not in response.text and "<script>" not in response.text


def test_the_cookie_is_owner_only_and_holds_only_the_answers(client, rulebase, healthy):
    lifter = Lifter(client, rulebase, healthy)
    lifter.walk()
    set_cookie = next(response.history[-1].headers["Set-Cookie"] for kind, response in lifter.pages
                      if kind == "answer")
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and "Path=/" in set_cookie
    assert "Expires" not in set_cookie and "Max-Age" not in set_cookie, "gone when the browser closes"
    assert cookie_state(client).answers == healthy
    secure = client.post("/start", base_url="https://localhost")
    assert "; Secure" in secure.headers["Set-Cookie"]


def test_the_stop_advice_stays_above_every_page_after_the_lifter_goes_on(client, rulebase, triage):
    stop = flow.stop_disposition(rulebase)
    answers = {**load("healthy_glutes_only.json"), "saddle_numbness": True}
    lifter = Lifter(client, rulebase, answers)
    report = lifter.walk(finish_after_stop=True)
    after = [response for kind, response in lifter.pages[lifter.pages.index(next(
        page for page in lifter.pages if 'class="stop"' in page[1].text)) + 1:] if "data-disposition" not in
        response.text]
    assert len(after) >= len(answers) - 1
    for response in after:
        assert f'<h2 class="warning-box__title" id="warning-title">Warning: {stop.title}</h2>' in response.text
        assert " ".join(stop.advice.split()) in response.text
    assert stop.title in report.text


def test_rule_base_texts_are_escaped(rules_copy):
    edit(rules_copy / "questions.yaml", "hint: \"The saddle area is", "hint: \"<script>alert(1)</script> The saddle area is")
    client = create_app(rules_copy).test_client()
    page = first_question(client)
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_a_spanish_report_page_offers_its_downloads_in_spanish(client, rulebase, healthy):
    client.get("/language/es/")
    Lifter(client, rulebase, healthy).walk()  # ends at the check page: its link is in Spanish
    report = client.get("/report")
    assert '<html lang="es">' in report.text
    assert "Descarga tus respuestas (JSON)" in report.text
    assert "Download" not in report.text, "no English left on the downloads"


def test_the_pdf_download_is_offered_only_where_weasyprint_works(client, rulebase, healthy):
    from spinewise.web.report_page import fhir_available, pdf_available

    report = Lifter(client, rulebase, healthy).walk()
    assert ("Download this report (PDF)" in report.text) == pdf_available()
    assert ("FHIR" in report.text) == fhir_available()
    if pdf_available():
        pdf = client.get("/download/pdf")
        assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


# --- a Spanish lifter reads Spanish everywhere -------------------------------------------------

def test_in_spanish_a_number_field_says_its_range_in_spanish(client, rulebase):
    from checkin_support import FIRST

    client.get("/language/es/")
    page = walk_to(client, rulebase, FIRST, "pain_intensity")
    assert re.search(r'<span class="input-suffix">\s*de 0 a 10\s*</span>', page.text), page.text
    assert " to 10" not in page.text


def test_in_spanish_check_your_answers_says_si_and_lists_the_places_as_a_phrase(client, rulebase):
    from checkin_support import FIRST

    client.get("/language/es/")
    check = Lifter(client, rulebase, FIRST).walk()  # in Spanish it stops at the check page
    values = [html.unescape(value).strip()
              for value in re.findall(r'<dd class="summary-list__value">(.*?)</dd>', check.text, re.S)]
    assert "Sí" in values and "No" in values
    assert not {"yes", "no", "true", "false"} & set(values), values
    assert "Glúteos y zona lumbar" in values, values


def test_in_english_check_your_answers_lists_the_places_as_a_phrase(client, rulebase):
    from checkin_support import FIRST

    lifter = Lifter(client, rulebase, FIRST)
    check = lifter.answer_all(lifter.start())
    values = [html.unescape(value).strip()
              for value in re.findall(r'<dd class="summary-list__value">(.*?)</dd>', check.text, re.S)]
    assert "Yes" in values and "Glutes (buttocks) and lower back" in values, values


def test_in_spanish_the_report_page_has_the_language_switch_and_a_spanish_tracker_on_a_phone(client, rulebase):
    from checkin_support import FIRST

    client.get("/language/es/")
    Lifter(client, rulebase, FIRST).walk()
    report = client.get("/report").text
    header = report[report.index('<header class="web-header">'):report.index("</header>")]
    assert 'href="/language/en/report"' in header and 'lang="en">English</a>' in header
    # the tracker's cards on a phone label each box with its column's heading, in Spanish
    for label in ("Semana", "Empieza", "Sesiones hechas", "Dolor máx. (0-10)", "Notas"):
        assert report.count(f'data-label="{label}"') == 4, label
    css = client.get("/static/report-page.css").text
    assert "attr(data-label)" in css and not re.search(r'content: "[A-Z]', css), "no English labels in the CSS"
    switched = client.get("/language/en/report", follow_redirects=True).text
    assert '<html lang="en">' in switched and 'data-label="Week"' in switched
