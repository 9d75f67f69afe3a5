"""The clinic's web app (Flask, served by waitress): practitioners sign in and follow the lifters
who shared their journal; lifters share and withdraw. No JavaScript; Post/Redirect/Get; a CSRF
token on every form; every view, export, note, acknowledgement, share and withdrawal audited.

Page texts are gettext messages (`{% trans %}` and `_()`), said in the language each request
chooses (i18n/pages.py: the switch on every page, else Accept-Language, else English)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import traceback

import jinja2
from flask import Blueprint, Flask, abort, current_app, g, make_response, redirect, render_template, request, url_for

from spinewise.clinic import lifters, pages, store
from spinewise.clinic import secrets as sec
from spinewise.clinic.attention import attention_list
from spinewise.clinic.db import ClinicError
from spinewise.i18n import N_
from spinewise.i18n import gettext as _
from spinewise.i18n import pages as language_pages
from spinewise.i18n.catalogues import offered
from spinewise.paths import templates_dir
from spinewise.rulebase import rules_folder

SESSION_COOKIE = "clinic_session"
CSRF_COOKIE = "clinic_csrf"
PAGE_SIZE = 50
MAX_BODY = 4 * 1024 * 1024  # a journal of several years is well under this
CSP = ("default-src 'self'; style-src 'self'{styles}; img-src 'self' data:; frame-ancestors 'none'; "
       "form-action 'self'; base-uri 'none'; object-src 'none'")
STYLE = re.compile(r"<style>(.*?)</style>", re.S)

clinic_web = Blueprint("clinic", __name__)


class ClinicApp(Flask):
    def select_jinja_autoescape(self, filename) -> bool:
        return True

    def log_exception(self, exc_info) -> None:
        kind, _value, trace = exc_info
        self.logger.error("%s on %s %s (message withheld: it may hold health data)\n%s", kind.__name__,
                          request.method, request.path, "".join(traceback.format_tb(trace)))


def create_clinic_app(url: str | None = None, rules_dir=None) -> Flask:
    from spinewise import api

    folder = templates_dir() / "clinic"
    app = ClinicApp(__name__, template_folder=str(folder), static_folder=str(templates_dir() / "web" / "static"),
                    static_url_path="/static")
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY, MAX_FORM_MEMORY_SIZE=MAX_BODY, SEND_FILE_MAX_AGE_DEFAULT=3600)
    app.jinja_env.undefined = jinja2.StrictUndefined
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    language_pages.install(app, offered(rules_folder(rules_dir)), "en")
    app.jinja_env.globals.update(csrf_token=_csrf_token)
    app.extensions["clinic"] = {"url": url, "rulebase": api.load_rulebase(rules_dir), "rules_dir": rules_dir}
    app.register_blueprint(clinic_web)
    app.before_request(_who)
    app.after_request(_headers)
    for status in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(status, _error_page)
    return app


def _url():
    return current_app.extensions["clinic"]["url"]


def _rulebase():
    return current_app.extensions["clinic"]["rulebase"]


# -- sessions and CSRF ------------------------------------------------------------------------

def _who():
    g.new_csrf = None
    g.who = None if request.endpoint == "static" else store.signed_in(_url(), request.cookies.get(SESSION_COOKIE))


def _signed_in():
    if g.who is None:
        abort(redirect(url_for("clinic.sign_in_page")))
    return g.who


def _csrf_token() -> str:
    if g.who is not None:
        return g.who.csrf
    token = request.cookies.get(CSRF_COOKIE) or g.new_csrf
    if not token:
        token = g.new_csrf = sec.token()
    return token


def _check_csrf() -> None:
    sent = request.form.get("csrf", "")
    expected = g.who.csrf if g.who is not None else request.cookies.get(CSRF_COOKIE, "")
    if not sent or not expected or not sec.same(sent, expected):
        abort(400)


def _headers(response):
    if "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = CSP.format(styles="")
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    if request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    if g.get("new_csrf"):
        response.set_cookie(CSRF_COOKIE, g.new_csrf, httponly=True, samesite="Strict", secure=request.is_secure)
    return response


def _page(template: str, status: int = 200, **values):
    return render_template(template, who=g.who, **values), status


# -- practitioners ------------------------------------------------------------------------------

@clinic_web.get("/")
def home():
    return redirect(url_for("clinic.attention_page" if g.who else "clinic.sign_in_page"))


@clinic_web.route("/signin", methods=("GET", "POST"))
def sign_in_page():
    if request.method == "GET":
        return _page("signin.html.j2", email="", error="")
    _check_csrf()
    email = request.form.get("email", "")
    try:
        who = store.sign_in(_url(), email, request.form.get("password", ""), request.remote_addr or "")
    except store.AddressPaused as exc:
        error = _("Too many attempts from your network address: signing in from it is paused until %(time)s UTC.")
        return _page("signin.html.j2", 429, email=email, error=error % {"time": f"{exc.until:%H:%M}"})
    except ClinicError as exc:
        return _page("signin.html.j2", 400, email=email, error=str(exc))
    response = redirect(url_for("clinic.attention_page"))
    response.set_cookie(SESSION_COOKIE, who.token, httponly=True, samesite="Strict", secure=request.is_secure,
                        expires=who.expires_at)
    return response


@clinic_web.post("/signout")
def sign_out():
    who = _signed_in()
    _check_csrf()
    store.sign_out(_url(), who)
    response = redirect(url_for("clinic.sign_in_page"))
    response.delete_cookie(SESSION_COOKIE)
    return response


@clinic_web.route("/signup/<token>", methods=("GET", "POST"))
def sign_up(token):
    try:
        person = store.signup_person(_url(), token)
    except ClinicError as exc:
        return _page("message.html.j2", 404, title=_("This sign-up link cannot be used"), text=str(exc))
    reset = store.is_reset_link(_url(), token)
    if request.method == "GET":
        return _page("signup.html.j2", person=person, reset=reset, errors=[])
    _check_csrf()
    password, repeated = request.form.get("password", ""), request.form.get("repeated", "")
    errors = store.password_problems(password, repeated)
    if errors:
        return _page("signup.html.j2", 400, person=person, reset=reset, errors=errors)
    store.complete_signup(_url(), token, password, repeated)
    return redirect(url_for("clinic.sign_in_page", ready=1))


@clinic_web.get("/list")
def attention_page():
    who = _signed_in()
    number = request.args.get("page", "1")
    number = int(number) if number.isdigit() and int(number) >= 1 else 1
    rows, total = attention_list(_url(), _rulebase(), pages.today(), who.clinic_id, who.email,
                                 start=(number - 1) * PAGE_SIZE, count=PAGE_SIZE)
    last = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return _page("list.html.j2", rows=pages.list_rows(rows, _rulebase()), total=total, number=number, last=last,
                 first_shown=(number - 1) * PAGE_SIZE + 1 if rows else 0,
                 last_shown=(number - 1) * PAGE_SIZE + len(rows))


def _record(label: str, action: str):
    try:
        return lifters.lifter_record(_url(), g.who, label, action)
    except LookupError:
        abort(404)


@clinic_web.get("/lifters/<label>")
def lifter(label):
    _signed_in()
    record = _record(label, "view_lifter")
    return _page("lifter.html.j2", page=pages.lifter_page(record, _rulebase()), note="", error="")


@clinic_web.get("/lifters/<label>/history")
def history(label):
    _signed_in()
    from spinewise.journal import Journal
    from spinewise.report.checkin import render_journal

    record = _record(label, "view_history")
    html = render_journal(Journal(None, record.entries), _rulebase(), "html",
                          heading=_("The journal of %(label)s, as shared with the clinic") % {"label": label})
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'"
                      for css in STYLE.findall(html))
    response = make_response(html)
    response.headers["Content-Security-Policy"] = CSP.format(styles=" " + hashes if hashes else "")
    return response


@clinic_web.get("/lifters/<label>/fhir")
def fhir_export(label):
    _signed_in()
    from spinewise.fhir.journal import journal_bundle
    from spinewise.journal import Journal

    record = _record(label, "export_fhir")
    body = json.dumps(journal_bundle(Journal(None, record.entries), _rulebase()), indent=2, ensure_ascii=False)
    response = make_response(body + "\n")
    response.headers["Content-Type"] = "application/fhir+json; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{label}.fhir.json"'
    return response


@clinic_web.post("/lifters/<label>/notes")
def add_note(label):
    who = _signed_in()
    _check_csrf()
    text = request.form.get("note", "")
    try:
        lifters.add_note(_url(), who, label, text)
    except LookupError:
        abort(404)
    except ClinicError as exc:
        record = _record(label, "view_lifter")
        return _page("lifter.html.j2", 400, page=pages.lifter_page(record, _rulebase()), note=text, error=str(exc))
    return redirect(url_for("clinic.lifter", label=label) + "#notes")


@clinic_web.post("/lifters/<label>/acknowledge")
def acknowledge(label):
    who = _signed_in()
    _check_csrf()
    try:
        lifters.acknowledge(_url(), who, label, request.form.get("entry", ""))
    except LookupError:
        abort(404)
    except ClinicError as exc:
        return _page("message.html.j2", 409, title=_("Not acknowledged"), text=str(exc))
    return redirect(url_for("clinic.lifter", label=label))


@clinic_web.route("/share-codes", methods=("GET", "POST"))
def share_codes():
    who = _signed_in()
    if request.method == "POST":
        _check_csrf()
        code = store.new_share_code(_url(), who.email, who.clinic_id)
        return redirect(url_for("clinic.share_codes", code=code))
    code = request.args.get("code", "")
    return _page("share_codes.html.j2", code=code if re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", code) else "",
                 share_url=url_for("clinic.share_page", _external=True))


@clinic_web.get("/practitioners")
def practitioners_page():
    who = _signed_in()
    if who.role != "admin":
        abort(403)
    token, email = request.args.get("link", ""), request.args.get("for", "")
    link = url_for("clinic.sign_up", token=token, _external=True) if re.fullmatch(r"[\w-]{43}", token) else ""
    people = store.practitioners(_url(), who.clinic_id)
    named = next((person.name for person in people if person.email == email), "") if link else ""
    return _page("practitioners.html.j2", people=people, link=link if named else "", named=named)


@clinic_web.post("/practitioners/reset")
def reset_password():
    who = _signed_in()
    if who.role != "admin":
        abort(403)
    _check_csrf()
    email = request.form.get("email", "")
    try:
        token = store.issue_password_reset(_url(), email, who.email, who.clinic_id)
    except ClinicError:
        abort(404)
    if email.strip().lower() == who.email:  # their own: their session has just ended with the others
        return redirect(url_for("clinic.sign_up", token=token))
    return redirect(url_for("clinic.practitioners_page", link=token, **{"for": email.strip().lower()}))


@clinic_web.get("/audit")
def audit_page():
    who = _signed_in()
    if who.role != "admin":
        abort(403)
    store.record(_url(), who, "view_audit")
    return _page("audit.html.j2", rows=pages.audit_rows(store.audit_rows(_url(), who.clinic_id, limit=500)))


# -- lifters: share and withdraw ------------------------------------------------------------------

@clinic_web.route("/share", methods=("GET", "POST"))
def share_page():
    if request.method == "GET":
        return _page("share.html.j2", code="", errors=[], sees=lifters.WHAT_THE_CLINIC_SEES)
    _check_csrf()
    code, upload = request.form.get("code", "").strip(), request.files.get("journal")
    errors = []
    if not code:
        errors.append(("code", _("Enter the share code the clinic gave you.")))
    if upload is None or not upload.filename:
        errors.append(("journal", _("Choose your journal file (journal.json).")))
    if not request.form.get("consent"):
        errors.append(("consent", _("Tick the box to agree that the clinic sees your journal.")))
    if not errors:
        try:
            shared = lifters.share(_url(), code, upload.read(), _rulebase())
        except ClinicError as exc:
            errors.append(("code" if isinstance(exc, lifters.ShareCodeError) else "journal", str(exc)))
    if errors:
        return _page("share.html.j2", 400, code=code, errors=errors, sees=lifters.WHAT_THE_CLINIC_SEES)
    return redirect(url_for("clinic.withdraw_page", token=shared.withdraw_token, shared=shared.added))


@clinic_web.route("/withdraw/<token>", methods=("GET", "POST"))
def withdraw_page(token):
    if request.method == "POST":
        _check_csrf()
        try:
            lifters.withdraw(_url(), token)
        except ClinicError:
            abort(404)
        return redirect(url_for("clinic.withdrawn"))
    if not lifters.withdrawal_known(_url(), token):
        abort(404)
    added = request.args.get("shared", "")
    return _page("withdraw.html.j2", added=int(added) if added.isdigit() else None,
                 link=url_for("clinic.withdraw_page", token=token, _external=True))


@clinic_web.get("/withdrawn")
def withdrawn():
    return _page("message.html.j2", title=_("Your journal was withdrawn"),
                 text=_("The clinic holds nothing of your journal now. Its audit log keeps only that it was "
                        "withdrawn, and when."))


@clinic_web.post("/api/share")
def api_share():
    body = request.get_json(silent=True) or {}
    code, journal = body.get("code"), body.get("journal")
    if not isinstance(code, str) or not isinstance(journal, str):
        return {"error": "send {\"code\": CODE, \"journal\": the journal file's text}"}, 400
    try:
        shared = lifters.share(_url(), code, journal.encode("utf-8"), _rulebase())
    except ClinicError as exc:
        return {"error": str(exc)}, 400
    return {"lifter": shared.label, "added": shared.added, "total": shared.total,
            "withdraw_link": url_for("clinic.withdraw_page", token=shared.withdraw_token, _external=True)}


@clinic_web.post("/api/withdraw")
def api_withdraw():
    body = request.get_json(silent=True) or {}
    token = body.get("token")
    if not isinstance(token, str):
        return {"error": "send {\"token\": the last part of the withdrawal link}"}, 400
    try:
        lifters.withdraw(_url(), token)
    except ClinicError as exc:
        return {"error": str(exc)}, 404
    return {"withdrawn": True}


ERRORS = {
    400: (N_("This page cannot be shown"), N_("What was sent cannot be used: the form may be out of date. Go back, "
                                            "reload the page and try again.")),
    403: (N_("Not for your role"), N_("Only the clinic's admins can see this page.")),
    404: (N_("Page not found"), N_("There is no page at this address. If you typed it, check it.")),
    405: (N_("This page cannot be shown"), N_("This address is only reached from a form.")),
    413: (N_("The file was too large"), N_("What was sent was much larger than any journal, so it was not used.")),
    500: (N_("Sorry, something went wrong"), N_("The server could not make this page. Try again in a moment.")),
}


def _error_page(error):
    status = getattr(error, "code", 500) or 500
    if request.path.startswith("/api/"):
        return {"error": _(ERRORS.get(status, ERRORS[500])[1])}, status
    title, text = ERRORS.get(status, ERRORS[500])
    return render_template("message.html.j2", who=g.get("who"), title=_(title), text=_(text)), status
