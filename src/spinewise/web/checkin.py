"""The weekly check-in on the web: upload the journal, answer this week's questions (the
ones that can be asked from what is known, a page at a time), read the check-in report and
download the journal with this week added. Works without JavaScript (a file input and forms).

Post/Redirect/Get, like the questionnaire: each POST keeps the check-in's state (the
uploaded journal, the day and the answers so far) in its own encrypted cookie (web/state.py,
split into parts when the journal is long) and redirects to a GET page with its own address:
/checkin/page/N, /checkin/report. Back, Forward and reload show a page rendered from that
state; nothing is resubmitted. The server keeps nothing: the journal goes back to the
lifter as a download, and the cookie goes when the browser closes.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request

from spinewise.errors import SpinewiseError
from spinewise.i18n import N_, gettext, pgettext
from spinewise.report.dates import in_words, iso_in_words
from spinewise.web.forms import FieldError, read_answer
from spinewise.web.state import StateError, cookie_value, fits, new_run, write_value
from spinewise.web.urls import url_for

checkin_web = Blueprint("checkin", __name__, url_prefix="/checkin")
MAX_JOURNAL = 1024 * 1024  # bytes a check-in form may carry: a year of weekly entries is a few hundred kilobytes
JOURNAL_NAME = "spinewise-journal.json"
COOKIE = "spinewise_checkin"
PATH = "/checkin"


@checkin_web.before_request
def _room_for_a_journal():
    request.max_content_length = MAX_JOURNAL
    request.max_form_memory_size = MAX_JOURNAL


def _questionnaire():
    return current_app.extensions["spinewise"]


def _page(template: str, status: int = 200, warning=None, **values):
    return Response(render_template(template, rulebase=_questionnaire().rulebase,
                                    warning=warning if warning is not None else assessment_warning(), **values),
                    status)


def assessment_warning():
    """The stop advice when the questionnaire in this browser reached it: kept above every page."""
    from spinewise.web import pages
    from spinewise.web.state import read_cookie

    q = _questionnaire()
    try:
        stop_shown = read_cookie(request, q.signer).stop_shown
    except StateError:
        return None
    return pages.warning(q.rulebase) if stop_shown else None


# --- the state -----------------------------------------------------------------------------

def _state() -> dict:
    """The check-in in progress: {"n": run, "j": journal text, "d": day, "a": answers, ...}."""
    sealer = _questionnaire().checkin_sealer
    try:
        state = sealer.open(cookie_value(request, COOKIE))
    except StateError as exc:
        if exc.kind == "missing" or request.endpoint in ("checkin.start", "checkin.upload"):
            return {}
        abort(_state_refused(exc.kind))
    if not isinstance(state, dict) or state.get("n") in sealer.retired:
        if request.endpoint in ("checkin.start", "checkin.upload"):
            return {}
        abort(_state_refused("retired"))
    return state


def _state_refused(kind: str):
    """Why the check-in in progress cannot go on, and the way back: upload the journal again."""
    from spinewise.web.state import forget_cookie

    response = _page("error.html.j2", 400, title=gettext("This check-in cannot go on"),
                     text=gettext(STATE_TEXTS.get(kind, STATE_TEXTS["unreadable"])), kept=False, area="checkin",
                     detail="")
    return forget_cookie(response, request, COOKIE, PATH)


STATE_TEXTS = {  # catalogue messages, translated where the page is made
    "restarted": N_("The spinewise server was restarted after you uploaded your journal. Your journal file is "
                    "unchanged: upload it again to check in."),
    "rules_changed": N_("The check-in questions were updated after you uploaded your journal. Your journal file is "
                        "unchanged: upload it again to check in."),
    "expired": N_("You uploaded your journal more than 8 hours ago, and this browser keeps a check-in only for a "
                  "working day. Your journal file is unchanged: upload it again to check in."),
    "retired": N_("A newer check-in was started in this browser, so this one is no longer used. Your journal file "
                  "is unchanged: upload it again to check in."),
    "unreadable": N_("What this browser kept of your check-in could not be read back, so it was not used. Your "
                     "journal file is unchanged: upload it again to check in."),
}


def _go(endpoint: str, state: dict | None = None, **values):
    response = redirect(url_for(endpoint, **values), 303)
    if state is not None:
        write_value(response, request, _questionnaire().checkin_sealer.seal(state), COOKIE, PATH)
    return response


def _in_progress() -> dict:
    """The state of a check-in with its journal uploaded; otherwise the lifter is sent to the start."""
    state = _state()
    if "j" not in state:
        abort(redirect(url_for("checkin.start"), 303))
    return state


# --- upload -------------------------------------------------------------------------------

@checkin_web.get("/")
def start():
    state = _state()
    error = state.get("e")
    values = {"today": state.get("t", _today().isoformat()), "max_day": _today().isoformat(), "error": error or "",
              "error_field": state.get("f", "journal")}
    response = _page("checkin_start.html.j2", 422 if error else 200, **values)
    if error:  # shown once: a reload shows the form as new
        write_value(response, request, _questionnaire().checkin_sealer.seal({"n": state.get("n", "")}), COOKIE, PATH)
    return response


@checkin_web.post("/start")
def upload():
    """The journal and the day: checked, then kept in the check-in's cookie for the pages that follow."""
    from spinewise import api
    from spinewise.journal import JournalError, parse_date, read_journal_text

    sealer = _questionnaire().checkin_sealer
    try:
        sealer.retired.add(_state().get("n", ""), sealer.max_age)
    except StateError:
        pass
    run = new_run()
    date_text = request.form.get("date", "").strip()
    upload = request.files.get("journal")

    def refuse(message: str, where: str):
        return _go("checkin.start", {"n": run, "e": message, "f": where, "t": date_text[:40]})

    if upload is None or not upload.filename:
        return refuse(gettext("Choose your journal file to upload (spinewise-journal.json)"), "journal")
    raw = upload.read()
    if not raw.strip():
        return refuse(gettext("The file %(name)s is empty: choose the journal file spinewise gave you "
                              "(spinewise-journal.json)") % {"name": _shown_name(upload.filename)}, "journal")
    day, problem = _day(date_text)
    if problem:
        return refuse(problem, "date")
    try:
        entries = read_journal_text(raw)
        text = raw.decode("utf-8-sig")
    except JournalError as exc:
        return refuse(_sentence(str(exc)), "journal")
    journal = _journal(entries)
    last = journal.last
    if last is not None and parse_date(last["date"]) > _today():
        return refuse(gettext("The last entry in your journal is dated %(last)s, after today (%(today)s), so no day "
                              "can follow it yet: check that this is your journal, and the date on the device that "
                              "wrote it") % {"last": iso_in_words(last["date"]), "today": in_words(_today())},
                      "journal")
    if last is not None and day < parse_date(last["date"]):
        return refuse(gettext("The day of this check-in, %(day)s, is before the last entry in your journal "
                              "(%(last)s): enter that day or a later one") % {"day": in_words(day),
                                                                             "last": iso_in_words(last["date"])},
                      "date")
    why_not = api.checkin_refusal(journal, day)
    if why_not:
        return refuse(_sentence(why_not), "journal")
    try:
        _bound(journal, day)
    except SpinewiseError as exc:
        return refuse(_sentence(str(exc)), "journal")
    state = {"n": run, "j": text, "d": day.isoformat(), "a": {}}
    if not fits(sealer.seal(state)):
        return refuse(gettext("Your journal is too long to check in on this web page (%(count)s entries): check in "
                              "on your computer with: %(command)s") % {
            "count": len(entries), "command": f"spinewise checkin --journal {JOURNAL_NAME}"}, "journal")
    return _go("checkin.page", state, number=1)


def _day(text: str):
    """The check-in's day from the form (empty: today), or the problem in the lifter's words."""
    from spinewise.journal import parse_date

    today = _today()
    if not text:
        return today, None
    day = parse_date(text)
    if day is None:
        return None, gettext("Enter the day of this check-in as year-month-day, like %(example)s") % {
            "example": today.isoformat()}
    if day > today:
        return None, gettext("The day of this check-in, %(day)s, is after today (%(today)s): enter today or an "
                             "earlier day") % {"day": in_words(day), "today": in_words(today)}
    return day, None


def _today() -> datetime.date:
    from spinewise.report.dates import report_day

    return report_day()


def _shown_name(name: str) -> str:
    name = Path(name).name
    return f"“{name[:40]}…”" if len(name) > 40 else f"“{name}”"


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


# --- the week's questions ---------------------------------------------------------------

@checkin_web.get("/page/<int:number>")
def page(number: int):
    state = _in_progress()
    week = _week(state)
    if week.complete and number > len(week.pages):
        return _go("checkin.report")
    if not 1 <= number <= len(week.pages):
        return _go("checkin.page", number=len(week.pages))
    refused = state.get("r") if state.get("rp") == number else None
    response = _questions_page(week, number, state, refused or {})
    if state.get("r"):  # a refusal is shown once
        kept = {key: value for key, value in state.items() if key not in ("r", "rp", "rt")}
        write_value(response, request, _questionnaire().checkin_sealer.seal(kept), COOKIE, PATH)
    return response


@checkin_web.post("/answer")
def answer():
    """One page's answers: kept, then the next page, or the report once the week is answered."""
    from spinewise.questionnaire import flow

    form = request.form  # read first: an oversized body is refused (413) before anything else
    state = _in_progress()
    week = _week(state)
    number = form.get("page", "")
    if not number.isdigit() or not 1 <= int(number) <= len(week.pages):
        abort(400, description="that form was for a page of this check-in that is not shown now")
    number = int(number)
    answers = dict(state["a"])
    errors, typed = {}, {}
    for question in week.pages[number - 1]:
        try:
            answers[question.id] = read_answer(question, form)
        except FieldError as exc:
            errors[question.id] = str(exc)
            answers.pop(question.id, None)
        typed[question.id] = [value[:20] for value in form.getlist(question.id)[:20]]
    answers = flow.keep_asked(week.view, answers)
    kept = {**state, "a": answers}
    if errors:
        return _go("checkin.page", {**kept, "r": errors, "rp": number, "rt": typed}, number=number)
    following = _week(kept)
    if following.complete and len(following.pages) == number:
        return _go("checkin.report", kept)
    return _go("checkin.page", kept, number=number + 1)


class Week:
    """The pages of this week's questions for the answers so far: each page holds the questions
    the answers on the pages before it make ready; `complete` once every page is answered (or
    an answer reaches the stop advice, which then ends the questions)."""

    def __init__(self, journal, day, view, triage, answers: dict):
        from spinewise.questionnaire import flow

        self.journal, self.day, self.view, self.triage = journal, day, view, triage
        self.pages, self.shown, self.complete, self.stopped = [], {}, False, False
        while True:
            ready = _ready(view, self.shown)
            if not ready:
                self.complete = True
                return
            self.pages.append(ready)
            if any(question.id not in answers for question in ready):
                return
            self.shown.update({question.id: answers[question.id] for question in ready})
            if flow.reaches_stop(triage, self.shown):
                self.complete = self.stopped = True
                return


def _week(state: dict) -> Week:
    from spinewise.journal import parse_date, read_journal_text

    journal = _journal(read_journal_text(state["j"].encode("utf-8")))
    day = parse_date(state["d"])
    view, triage = _bound(journal, day)
    answers = state.get("a") if isinstance(state.get("a"), dict) else {}
    return Week(journal, day, view, triage, answers)


def _journal(entries):
    from spinewise.journal import Journal

    return Journal(Path(JOURNAL_NAME), entries)


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


def _questions_page(week: Week, number: int, state: dict, errors: dict):
    from spinewise.web import pages

    from spinewise.rulebase.words import in_language

    typed = state.get("rt", {}) if errors else {}
    view = in_language(week.view)
    page_questions = [view.question(q.id) for q in week.pages[number - 1]]
    fields = [_field(q, state["a"], errors.get(q.id, ""), typed.get(q.id)) for q in page_questions]
    warning = pages.warning(week.view) if _reaches_stop(week, state["a"]) else None
    return _page("checkin_questions.html.j2", 422 if errors else 200, warning=warning or assessment_warning(),
                 fields=fields, number=number, date=week.day.isoformat(), errors=errors)


def _reaches_stop(week: Week, answers: dict) -> bool:
    from spinewise.questionnaire import flow

    return bool(answers) and flow.reaches_stop(week.triage, flow.keep_asked(week.view, dict(answers)))


def _field(question, answers, error, typed):
    if question.type == "bool":
        options = [("true", pgettext("answer label", "Yes")), ("false", pgettext("answer label", "No"))]
    elif question.type in ("choice", "multi"):
        options = [(c.value, c.label) for c in question.choices]
    else:
        options = []
    if typed is None:
        given = answers.get(question.id)
        typed = [] if given is None else [_form_value(item) for item in (given if isinstance(given, list) else [given])]
    return {"id": question.id, "text": question.text, "hint": question.hint, "section": question.section,
            "kind": "number" if question.type == "int" else ("checkbox" if question.type == "multi" else "radio"),
            "options": options, "minimum": question.minimum, "maximum": question.maximum, "error": error,
            "typed": typed[0] if typed else "", "chosen": typed}


def _form_value(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


# --- the report and the journal ----------------------------------------------------------

@checkin_web.get("/report")
def report():
    from spinewise import api
    from spinewise.web import report_page
    from spinewise.web.policy import CSP

    outcome, week = _outcome()
    html = api.render_checkin(outcome, week.journal, "html", pending=outcome.entry, web=True)
    values = {"back": len(week.pages)}
    page = report_page.embed(html, outcome.result.disposition, render_template("report_head.html.j2"),
                             render_template("checkin_report_top.html.j2", rulebase=_questionnaire().rulebase,
                                                             **values),
                             render_template("checkin_report_actions.html.j2", **values))
    response = Response(page.html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CSP.format(styles="".join(" " + h for h in page.style_hashes))
    return response


@checkin_web.get("/download")
def download():
    """The journal with this week added, as the file to keep."""
    from spinewise.journal import journal_text

    outcome, week = _outcome()
    return _attachment(journal_text(week.journal.entries + [outcome.entry]), JOURNAL_NAME)


def _outcome():
    """The check-in's outcome for the answered week; an unanswered week goes to its current page."""
    from spinewise import api

    state = _in_progress()
    week = _week(state)
    if not week.complete:
        abort(redirect(url_for("checkin.page", number=len(week.pages)), 303))
    try:
        return api.checkin(week.journal, week.shown, week.day, write=False), week
    except SpinewiseError as exc:  # the week's answers, each checked on its page, do not make a check-in
        abort(422, description=_sentence(str(exc)))


@checkin_web.get("/start-journal")
def start_journal():
    """A new journal holding the assessment just made (from the report page), to keep for the check-ins."""
    from spinewise.journal import journal_text, new_entry
    from spinewise.report.dates import report_day
    from spinewise.web.report_page import journal_offered
    from spinewise.web.views import _result, _state

    result = _result(_state())
    if result is None or not journal_offered(_questionnaire().rulebase, result.disposition):
        abort(404)
    entry = new_entry("assessment", report_day(), dict(result.answers), result.to_json())
    return _attachment(journal_text([entry]), JOURNAL_NAME)


def _attachment(body, name: str) -> Response:
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
