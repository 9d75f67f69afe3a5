"""The questionnaire's pages, Post/Redirect/Get: answers arrive POSTed, every page is a GET.

A POST changes the answers, keeps them in the encrypted cookie (web/state.py) and redirects;
the page it redirects to is rendered from the cookie. So the browser's Back, Forward and
reload never resubmit a form, and no address holds an answer: addresses name a page or
a question, never what was answered. Nothing is stored on the server.
"""

from __future__ import annotations

import dataclasses
import json

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request

from spinewise.i18n import N_, gettext
from spinewise.errors import AnswersError
from spinewise.questionnaire import flow
from spinewise.web import pages, report_page
from spinewise.web.forms import FieldError, read_answer, typed_text
from spinewise.web.policy import CSP
from spinewise.web.state import MAX_AGE, Refused, State, StateError, forget_cookie, new_run, read_cookie, write_cookie
from spinewise.web.urls import url_for

web = Blueprint("web", __name__)


def _questionnaire():
    return current_app.extensions["spinewise"]


def _state() -> State:
    """The answers in progress; a StateError becomes the page that explains it (app.py)."""
    return read_cookie(request, _questionnaire().signer)


def _go(endpoint: str, state: State | None = None, **values):
    """Redirect to a GET page (303: the browser then GETs it), keeping `state` in the cookie first."""
    response = redirect(url_for(endpoint, **values), 303)
    return write_cookie(response, request, _questionnaire().signer, state) if state is not None else response


def _page(template: str, status: int = 200, state: State | None = None, **values):
    q = _questionnaire()
    warning = pages.warning(q.rulebase) if state is not None and state.stop_shown else None
    return Response(render_template(template, rulebase=q.rulebase, warning=warning, **values), status)


# --- start --------------------------------------------------------------------------------

@web.get("/")
def start():
    q = _questionnaire()
    try:
        state = _state()
    except StateError:
        state = None
    count = flow.remaining(q.rulebase, {})
    sections = list(dict.fromkeys(question.section for question in q.rulebase.questions if question.section))
    return _page("start.html.j2", state=state, count=str(count), sections=sections,
                 in_progress=bool(state and state.answers))


@web.post("/start")
def begin():
    """A new questionnaire: whatever was in progress in this browser is forgotten, and its state retired."""
    try:
        _questionnaire().signer.retire(_state().run)
    except StateError:
        pass
    return _onward(State(run=new_run()))


# --- questions ----------------------------------------------------------------------------

@web.get("/question")
def question():
    """The next question to ask, or the page that comes after the last one."""
    return _onward(_state(), keep=False)


@web.get("/question/<question_id>")
def show(question_id):
    """A question by its address (Back, Change): answered ones and the next one; others go to the next."""
    state = _state()
    q = _questionnaire()
    shown = q.rulebase.questions_by_id.get(question_id)
    following = flow.next_question(q.rulebase, state.answers)
    if shown is None or not shown.is_asked(state.answers) or (
            shown.id not in state.answers and shown is not following):
        return _onward(state, keep=False)
    return _ask(shown, state)


@web.post("/answer")
def answer():
    form = request.form  # read first: an oversized body is refused (413) before anything else
    state = _state()
    q = _questionnaire()
    asked = q.rulebase.questions_by_id.get(form.get("question", ""))
    if asked is None or not asked.is_asked(state.answers):
        following = flow.next_question(q.rulebase, state.answers)
        if following is None:
            return _onward(state, keep=False)
        refused = Refused(following.id, gettext("That answer was for a question that is not asked now; answer this one"))
        return _go("web.show", dataclasses.replace(state, refused=refused), question_id=following.id)
    try:
        value = read_answer(asked, form)
    except FieldError as exc:
        refused = Refused(asked.id, str(exc), typed_text(asked, form), tuple(_ticked(asked)))
        return _go("web.show", dataclasses.replace(state, refused=refused), question_id=asked.id)
    answers = flow.keep_asked(q.rulebase, {**state.answers, asked.id: value})
    stopped = q.stops(state, answers)
    if stopped and not state.stop_shown:
        return _go("web.stop", State(answers, stop_shown=True, run=state.run))
    return _onward(State(answers, stop_shown=stopped and state.stop_shown, run=state.run))


@web.get("/stop")
def stop():
    state = _state()
    if not state.stop_shown:
        return _onward(state, keep=False)
    page = pages.stop_page(_questionnaire().rulebase, state.answers)
    return _page("stop.html.j2", page=page)


@web.get("/check")
def check():
    state = _state()
    q = _questionnaire()
    finished = state.answers and (flow.is_complete(q.rulebase, state.answers) or state.stop_shown)
    if not finished:
        return _onward(state, keep=False)
    return _page("check.html.j2", state=state, page=pages.check_page(q.rulebase, state.answers))


# --- the report and its downloads -----------------------------------------------------------

@web.get("/report")
def report():
    state = _state()
    result = _result(state)
    if result is None:
        return _onward(state, keep=False)
    q = _questionnaire()
    from spinewise.report.render import render_report

    values = {"downloads": report_page.downloads(report_page.journal_offered(q.rulebase, result.disposition))}
    page = report_page.embed(render_report(result, q.rulebase, "html"), result.disposition,
                             render_template("report_head.html.j2"),
                             render_template("report_top.html.j2", rulebase=q.rulebase, **values),
                             render_template("report_actions.html.j2", **values))
    response = Response(page.html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CSP.format(styles="".join(" " + h for h in page.style_hashes))
    return response


@web.get("/download/answers")
def download_answers():
    state = _state()
    answers = {question.id: state.answers[question.id] for question in flow.answered(_questionnaire().rulebase,
                                                                                        state.answers)}
    return _attachment(json.dumps(answers, indent=2, ensure_ascii=False) + "\n", "application/json",
                       "spinewise-answers.json")


@web.get("/download/pdf")
def download_pdf():
    result = _result(_state())
    if result is None or not report_page.pdf_available():
        abort(404)
    from spinewise.report.render import render_pdf, render_report

    pdf = render_pdf(render_report(result, _questionnaire().rulebase, "html"))
    return _attachment(pdf, "application/pdf", "spinewise-report.pdf")


@web.get("/download/fhir")
def download_fhir():
    result = _result(_state())
    if result is None or not report_page.fhir_available():
        abort(404)
    from spinewise.fhir import result_bundle

    bundle = result_bundle(result, _questionnaire().rulebase)
    return _attachment(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n", "application/fhir+json",
                       "spinewise-report.fhir.json")


# --- helpers ----------------------------------------------------------------------------

def _result(state: State):
    """The assessment for complete answers (or answers that reach the stop disposition), else None."""
    if not state.answers:
        return None
    try:
        return _questionnaire().assess(state.answers)
    except AnswersError:
        return None


def _onward(state: State, keep: bool = True):
    """Redirect to the next question's own address (so each question is its own entry in the
    browser's history), or to the check page after the last; `keep` stores `state` first."""
    following = flow.next_question(_questionnaire().rulebase, state.answers)
    kept = state if keep else None
    if following is None:
        return _go("web.check", kept) if state.answers else _go("web.start", kept)
    return _go("web.show", kept, question_id=following.id)


def _ask(question, state: State):
    """The question's page; a refused answer to it is shown once with its error, then forgotten."""
    q = _questionnaire()
    refused = state.refused if state.refused and state.refused.question == question.id else None
    page = pages.question_page(question, q.rulebase, q.why(question), state.answers,
                               error=refused.error if refused else "",
                               typed=refused.typed if refused else None,
                               given=list(refused.ticked) if refused and question.type == "multi" else None)
    if refused or any(option.checked for option in page.options) or page.typed:
        response = _page("question.html.j2", 422 if refused else 200, state=state, page=page)
    else:
        response = Response(q.unanswered_page(page, state.stop_shown, lambda: _page(
            "question.html.j2", state=state, page=page).get_data(as_text=True)))
    if state.refused:
        write_cookie(response, request, q.signer, dataclasses.replace(state, refused=None))
    return response


def _ticked(question):
    """The boxes ticked in a refused form, to show them ticked again."""
    if question.type == "multi":
        return [value for value in request.form.getlist(question.id) if value in question.allowed_values]
    return []


def _attachment(body, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def state_error_page(error: StateError):
    """Why the answers in progress cannot be used, in words for the lifter; the cookie is dropped."""
    said = STATE_ERRORS[error.kind]
    response = Response(render_template("error.html.j2", rulebase=_questionnaire().rulebase, warning=None,
                                        area="questionnaire", detail="", title=gettext(said["title"]),
                                        text=gettext(said["text"]) % {"hours": MAX_AGE // 3600}
                                        if "%(hours)s" in said["text"] else gettext(said["text"]),
                                        kept=said["kept"]), 400)
    return forget_cookie(response, request)


STATE_ERRORS = {
    "missing": {"title": N_("There are no answers in progress"),
                "text": N_("This browser holds no answers from this questionnaire. Start from the beginning. If this "
                        "happens after answering, your browser may be blocking cookies: the questionnaire keeps "
                        "your answers in one, in this browser only, until you close it."),
                "kept": False},
    "restarted": {"title": N_("The questionnaire was restarted"),
                  "text": N_("The spinewise server was restarted after you began, and answers given before a restart "
                          "cannot be recovered. Nothing is wrong with what you answered: please answer the "
                          "questions again."),
                  "kept": False},
    "rules_changed": {"title": N_("The questions were updated"),
                      "text": N_("The questions were updated after you began, so the answers you gave no longer fit "
                              "them. Please answer the questions again."),
                      "kept": False},
    "expired": {"title": N_("Your answers have expired"),
                "text": N_("You started more than %(hours)s hours ago. To keep your answers private, they "
                           "are kept only for a working day: please answer the questions again."),
                "kept": False},
    "retired": {"title": N_("These answers were replaced"),
                "text": N_("The questionnaire was started again in this browser after these answers were given, so "
                        "they are no longer used. Please answer the questions again."),
                "kept": False},
    "unreadable": {"title": N_("Your answers could not be read"),
                   "text": N_("The answers kept in this browser could not be read back, so they were not used. "
                           "Please answer the questions again."),
                   "kept": False},
}
