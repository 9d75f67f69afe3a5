"""The pages. Answers only ever arrive POSTed, with the signed state; nothing is stored."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, render_template, request

from spinewise.errors import AnswersError
from spinewise.questionnaire import flow
from spinewise.web import pages, report_page
from spinewise.web.policy import CSP
from spinewise.web.forms import FieldError, read_answer, typed_text
from spinewise.web.state import State, StateError

web = Blueprint("web", __name__)


def _questionnaire():
    return current_app.extensions["spinewise"]


def _state() -> State:
    try:
        return _questionnaire().signer.load(request.form.get("state"))
    except StateError as exc:
        abort(400, description=str(exc))


def _page(template: str, status: int = 200, **values):
    return render_template(template, rulebase=_questionnaire().rulebase, **values), status


@web.get("/")
def start():
    q = _questionnaire()
    count = sum(1 for _ in flow.still_to_ask(q.rulebase, {}))
    sections = list(dict.fromkeys(question.section for question in q.rulebase.questions if question.section))
    return _page("start.html.j2", state=q.signer.dump(State()), count=count, sections=sections)


@web.post("/question")
def question():
    """Show the question named in `show` (a change or a back link), else the next one to ask."""
    state = _state()
    q = _questionnaire()
    shown = q.rulebase.questions_by_id.get(request.form.get("show", ""))
    if shown is None or not shown.is_asked(state.answers):
        return _next(state)
    return _ask(shown, state)


@web.post("/answer")
def answer():
    state = _state()
    q = _questionnaire()
    asked = q.rulebase.questions_by_id.get(request.form.get("question", ""))
    if asked is None or not asked.is_asked(state.answers):
        return _next(state, error="That answer was for a question that is not asked now; answer this one")
    try:
        value = read_answer(asked, request.form)
    except FieldError as exc:
        return _ask(asked, state, error=str(exc), typed=typed_text(asked, request.form), given=_ticked(asked))
    answers = flow.keep_asked(q.rulebase, {**state.answers, asked.id: value})
    stopped = q.stops(state, answers)
    if stopped and not state.stop_shown:
        shown = State(answers, stop_shown=True)
        page = pages.stop_page(q.rulebase, answers, q.signer.dump(shown), asked.id)
        return _page("stop.html.j2", page=page)
    return _next(State(answers, stop_shown=stopped and state.stop_shown))


@web.post("/check")
def check():
    state = _state()
    q = _questionnaire()
    finished = state.answers and (flow.is_complete(q.rulebase, state.answers) or state.stop_shown)
    if not finished:
        return _next(state)
    return _page("check.html.j2", page=pages.check_page(q.rulebase, state.answers, request.form["state"]))


@web.post("/report")
def report():
    state = _state()
    result = _result(state)
    if result is None:
        return _next(state)
    q = _questionnaire()
    from spinewise.report.render import render_report

    values = {"state": request.form["state"], "downloads": report_page.downloads()}
    page = report_page.embed(render_report(result, q.rulebase, "html"), result.disposition,
                             render_template("report_head.html.j2"), render_template("report_top.html.j2", **values),
                             render_template("report_actions.html.j2", **values))
    response = Response(page.html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = CSP.format(styles="".join(" " + h for h in page.style_hashes))
    return response


@web.post("/download/answers")
def download_answers():
    state = _state()
    answers = {question.id: state.answers[question.id] for question in flow.answered(_questionnaire().rulebase,
                                                                                        state.answers)}
    return _attachment(json.dumps(answers, indent=2, ensure_ascii=False) + "\n", "application/json",
                       "spinewise-answers.json")


@web.post("/download/pdf")
def download_pdf():
    result = _result(_state())
    if result is None or not report_page.pdf_available():
        abort(404)
    from spinewise.report.render import render_pdf, render_report

    pdf = render_pdf(render_report(result, _questionnaire().rulebase, "html"))
    return _attachment(pdf, "application/pdf", "spinewise-report.pdf")


@web.post("/download/fhir")
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
    try:
        return _questionnaire().assess(state.answers)
    except AnswersError:
        return None


def _next(state: State, error: str = ""):
    q = _questionnaire()
    following = flow.next_question(q.rulebase, state.answers)
    token = q.signer.dump(state)
    if following is None:
        return _page("check.html.j2", page=pages.check_page(q.rulebase, state.answers, token))
    return _ask(following, state, error=error, token=token)


def _ask(question, state: State, *, error: str = "", typed=None, given=None, token=None):
    q = _questionnaire()
    page = pages.question_page(question, q.rulebase, q.why(question), state.answers,
                               token or q.signer.dump(state), error=error, typed=typed, given=given)
    return _page("question.html.j2", 422 if error else 200, page=page)


def _ticked(question):
    """The boxes ticked in a refused form, to show them ticked again."""
    if question.type == "multi":
        return [value for value in request.form.getlist(question.id) if value in question.allowed_values]
    return None


def _attachment(body, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
