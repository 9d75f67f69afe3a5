"""The weekly check-in on the web: upload the journal, answer this week's questions (the
ones that can be asked from what is known, a page at a time), read the check-in report and
download the journal with this week added. The server keeps nothing: the journal travels
in each form and goes back to the lifter. Works without JavaScript (a file input and forms).
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request

from spinewise.errors import AnswersError, SpinewiseError
from spinewise.i18n import pgettext
from spinewise.web.forms import FieldError, read_answer

checkin_web = Blueprint("checkin", __name__, url_prefix="/checkin")
MAX_JOURNAL = 2 * 1024 * 1024  # bytes: a year of weekly entries is a few hundred kilobytes
JOURNAL_NAME = "spinewise-journal.json"


@checkin_web.before_request
def _room_for_a_journal():
    request.max_content_length = MAX_JOURNAL
    request.max_form_memory_size = MAX_JOURNAL


def _rulebase():
    return current_app.extensions["spinewise"].rulebase


def _page(template: str, status: int = 200, **values):
    return render_template(template, rulebase=_rulebase(), warning=None, **values), status


@checkin_web.get("/")
def start():
    from spinewise.report.dates import report_date

    return _page("checkin_start.html.j2", today=report_date(), error="")


@checkin_web.post("/questions")
def questions():
    """The next page of this week's questions, or the report once every question is answered."""
    from spinewise import api

    loaded = _journal_and_day()
    if isinstance(loaded, tuple) and len(loaded) == 2 and isinstance(loaded[0], str):
        return loaded
    journal, text, day = loaded
    why_not = api.checkin_refusal(journal, day)
    if why_not:
        return _page("checkin_start.html.j2", 422, today=day.isoformat(), error=why_not)
    answers = _carried_answers()
    view, triage = _bound(journal, day)
    page_questions = [q for q in view.questions if q.id in request.form.getlist("asked")]
    errors = {}
    for question in page_questions:
        try:
            answers[question.id] = read_answer(question, request.form)
        except FieldError as exc:
            errors[question.id] = str(exc)
    if errors:
        return _questions_page(view, text, day, answers, page_questions, errors)
    from spinewise.questionnaire import flow

    answers = flow.keep_asked(view, answers)
    if not flow.reaches_stop(triage, answers):
        following = _ready(view, answers)
        if following:
            return _questions_page(view, text, day, answers, following, {})
    return _report(journal, text, day, answers)


@checkin_web.post("/download")
def download():
    """The journal carried in the form, as the file to keep (checked to be a whole journal first)."""
    from spinewise.journal import JournalError, read_journal_text

    text = request.form.get("journal_text", "")
    try:
        read_journal_text(text.encode("utf-8"), "the journal")
    except JournalError:
        abort(400, description="the journal carried in the form is not a whole spinewise journal")
    return _attachment(text, JOURNAL_NAME)


@checkin_web.get("/start-journal")
def start_journal():
    """A new journal holding the assessment just made (from the report page), to keep for the check-ins."""
    from spinewise.journal import journal_text, new_entry
    from spinewise.report.dates import report_day
    from spinewise.web.views import _result, _state

    result = _result(_state())
    if result is None:
        abort(400, description="the answers carried in the form are not complete")
    entry = new_entry("assessment", report_day(), dict(result.answers), result.to_json())
    return _attachment(journal_text([entry]), JOURNAL_NAME)


# --- helpers ----------------------------------------------------------------------------

def _journal_and_day():
    from spinewise.api import checkin_day
    from spinewise.journal import Journal, JournalError, read_journal_text

    upload = request.files.get("journal")
    if upload is not None and upload.filename:
        raw = upload.read()
    else:
        raw = request.form.get("journal_text", "").encode("utf-8")
    date_text = request.form.get("date", "")
    if not raw:
        return _page("checkin_start.html.j2", 422, today=date_text, error="Choose your journal file to upload")
    try:
        entries = read_journal_text(raw, "your journal")
        day = checkin_day(date_text or None)
    except (JournalError, AnswersError) as exc:
        return _page("checkin_start.html.j2", 422, today=date_text, error=_sentence(str(exc)))
    return Journal(Path(JOURNAL_NAME), entries), raw.decode("utf-8"), day


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


def _carried_answers() -> dict:
    try:
        answers = json.loads(request.form.get("answers", "{}"))
    except ValueError:
        abort(400, description="the answers carried in the form are not readable")
    return answers if isinstance(answers, dict) else {}


def _bound(journal, day):
    from spinewise.checkin.derive import history_values
    from spinewise.checkin.view import bound_view, checkin_triage
    from spinewise.engine.triage import Triage

    view = checkin_triage().rulebase
    bound = bound_view(view, history_values(view.checkin, journal, day))
    return bound, Triage(bound)


def _ready(view, answers: dict) -> list:
    """The questions still to ask whose asking is decided by the answers so far."""
    from spinewise.rulebase.conditions import questions_read

    asked = {q.id for q in view.questions}
    ready = []
    for question in view.questions:
        if question.id in answers or not question.is_asked(answers):
            continue
        reads = set(questions_read(question.asked_when)) & asked if question.asked_when else set()
        if reads <= set(answers):
            ready.append(question)
    return ready


def _questions_page(view, text, day, answers, page_questions, errors):
    from spinewise.rulebase.words import in_language

    view = in_language(view)
    page_questions = [view.question(q.id) for q in page_questions]
    fields = [_field(q, answers, errors.get(q.id, "")) for q in page_questions]
    return _page("checkin_questions.html.j2", 422 if errors else 200, fields=fields, journal_text=text,
                 date=day.isoformat(), answers=json.dumps(answers), errors=errors)


def _field(question, answers, error):
    if question.type == "bool":
        options = [("true", pgettext("answer label", "Yes")), ("false", pgettext("answer label", "No"))]
    elif question.type in ("choice", "multi"):
        options = [(c.value, c.label) for c in question.choices]
    else:
        options = []
    return {"id": question.id, "text": question.text, "hint": question.hint, "section": question.section,
            "kind": "number" if question.type == "int" else ("checkbox" if question.type == "multi" else "radio"),
            "options": options, "minimum": question.minimum, "maximum": question.maximum, "error": error,
            "typed": request.form.get(question.id, "")}


def _report(journal, text, day, answers):
    from spinewise import api
    from spinewise.journal import journal_text
    from spinewise.web import report_page
    from spinewise.web.policy import CSP

    try:
        outcome = api.checkin(journal, answers, day, write=False)
    except SpinewiseError as exc:
        return _page("checkin_start.html.j2", 422, today=day.isoformat(), error=_sentence(str(exc)))
    html = api.render_checkin(outcome, journal, "html", pending=outcome.entry)
    updated_text = journal_text(journal.entries + [outcome.entry])
    values = {"journal_text": updated_text}
    page = report_page.embed(html, outcome.result.disposition, render_template("report_head.html.j2"),
                             render_template("checkin_report_top.html.j2", **values),
                             render_template("checkin_report_actions.html.j2", **values))
    response = Response(page.html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CSP.format(styles="".join(" " + h for h in page.style_hashes))
    return response


def _attachment(body, name: str) -> Response:
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
