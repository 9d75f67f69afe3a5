"""The check-in and the questionnaire held against what issue 26 threw at them: each hostile input
gets the app's own 4xx page, with its headers, in the lifter's words, naming what to fix."""

import html
import io
import json
import re

import pytest
from werkzeug.datastructures import MultiDict

from checkin_support import FIRST, WEEK, started_journal
from conftest import RULES, invoke
from spinewise.journal import entry_digest
from spinewise.web.app import create_app
from test_web_checkin import _walk, asked, upload


@pytest.fixture
def client():
    return create_app(RULES, secret="test").test_client()


@pytest.fixture
def journal_text(tmp_path):
    return started_journal(tmp_path).read_text()


def resealed(journal_text, change):
    """The journal with its first entry changed by `change` and sealed again with a valid sha256."""
    data = json.loads(journal_text)
    entry = data["entries"][0]
    change(entry)
    entry["sha256"] = entry_digest(entry)
    return json.dumps(data)


def app_page(response, status):
    assert response.status_code == status, response.text[:300]
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Cache-Control"] == "no-store"
    assert "Traceback" not in response.text and "Go back to the questions" not in response.text
    assert "still kept in this browser" not in response.text
    return html.unescape(response.text)


@pytest.mark.parametrize("date, says", [
    ("9999-12-31", "The day of this check-in, Friday 31 December 9999, is after today"),  # dates in words
    ("2027-12-12", "The day of this check-in, Sunday 12 December 2027, is after today"),
    ("12/11/2026", "Enter the day of this check-in as year-month-day"),
])
def test_a_day_after_today_or_not_a_day_is_refused_at_the_date_field(client, journal_text, date, says):
    text = app_page(upload(client, journal_text, date), 422)
    assert says in text and '<li><a href="#date">' in text and 'id="date-error"' in text


def test_the_cli_refuses_a_checkin_dated_after_today(tmp_path):
    journal = started_journal(tmp_path)
    week = tmp_path / "week.json"
    week.write_text(json.dumps(WEEK))
    before = journal.read_bytes()
    run = invoke("checkin", "--journal", journal, "--answers", week, "--date", "2027-12-12")
    assert run.exit_code == 2 and "--date 2027-12-12 is after today" in run.stderr
    assert "Traceback" not in run.stderr and journal.read_bytes() == before


@pytest.mark.parametrize("change, says", [
    (lambda e: e["result"].__setitem__("plan", [1, None, "x"]), '"plan" is not a list of objects with a "code"'),
    (lambda e: e["result"].__setitem__("findings", "x"), '"findings" is not a list of objects'),
    (lambda e: e["answers"].__setitem__("pain_intensity", "five"), "pain_intensity"),
    (lambda e: e["result"].__setitem__("disposition", 7), "without its advice"),
    (lambda e: e.__setitem__("rulebase", []), '"rulebase" that is not a JSON object'),
])
def test_a_resealed_journal_with_wrong_values_is_refused_in_words(client, journal_text, change, says):
    text = app_page(upload(client, resealed(journal_text, change)), 422)
    assert says in text and '<li><a href="#journal">' in text


def test_deeply_nested_json_and_a_bom_journal(client, journal_text):
    text = app_page(upload(client, b"[" * 100_000), 422)
    assert "nested far deeper than a journal" in text
    with_bom = upload(client, "\ufeff" + journal_text)
    assert with_bom.status_code == 200 and 'name="page" value="1"' in with_bom.text


def test_a_body_over_the_limit_gets_the_apps_own_page_in_journal_words(client, journal_text):
    big = journal_text.encode() + b" " * (1024 * 1024)
    text = app_page(client.post("/checkin/start", data={"journal": (io.BytesIO(big), "j.json")},
                                content_type="multipart/form-data"), 413)
    assert "The file was too large" in text and "up to 1 MB" in text and 'href="/checkin/"' in text


def test_waitress_lets_through_what_the_app_refuses_itself():
    from spinewise.web.checkin import MAX_JOURNAL
    from spinewise.web.serve import outer_body_limit

    assert outer_body_limit() > MAX_JOURNAL


@pytest.mark.parametrize("fields", [
    [("page", "zzz")], [("page", "99")], [("page", "")], [("page", "1"), ("answers", '{"zzz":1}')],
    [("page", "1"), ("saddle_numbness", "maybe"), ("answers", '{"pain_intensity": "text"}')],
])
def test_a_tampered_form_is_refused_and_the_checkin_goes_on(client, journal_text, fields):
    upload(client, journal_text)
    response = client.post("/checkin/answer", data=MultiDict(fields), follow_redirects=True)
    assert response.status_code in (400, 422)
    app_page(response, response.status_code)
    pages, report = _walk_on(client, WEEK)
    assert report.status_code == 200 and "Weekly check-in, Monday 9 November 2026" in report.text


def _walk_on(client, week):
    """Answer the check-in in progress from its first page."""
    response = client.get("/checkin/page/1", follow_redirects=True)
    pages = []
    while 'name="page"' in response.text:
        ids = asked(response.text)
        pages.append(ids)
        number = re.search(r'name="page" value="(\d+)"', response.text).group(1)
        fields = [("page", number)] + [(qid, "true" if week[qid] is True else "false" if week[qid] is False
                                        else str(week[qid])) for qid in ids]
        response = client.post("/checkin/answer", data=MultiDict(fields), follow_redirects=True)
    return pages, response


def test_back_forward_and_reload_show_each_page_with_its_answers(client, journal_text):
    """Post/Redirect/Get: every POST answers 303, every page is a GET of its own address."""
    first = upload(client, journal_text)
    assert first.history[0].status_code == 303 and first.request.path == "/checkin/page/1"
    pages, report = _walk(client, journal_text, WEEK)
    assert report.request.path == "/checkin/report" and report.history[-1].status_code == 303
    back = client.get("/checkin/page/1")
    assert back.status_code == 200
    assert re.search(r'name="saddle_numbness" type="radio" value="false" checked', back.text)
    page_two = client.get("/checkin/page/2")
    assert re.search(r'name="pain_intensity" type="text" inputmode="numeric" autocomplete="off" value="3"',
                     page_two.text)
    assert client.get("/checkin/report").text == client.get("/checkin/report").text, "a reload shows the same"


def test_the_checkin_state_is_encrypted_and_an_old_one_is_refused(client, journal_text):
    upload(client, journal_text)
    client.post("/checkin/answer", data={"page": "1", "saddle_numbness": "false", "bladder_bowel_change": "false",
                                         "leg_weakness": "false", "radiating_leg_pain": "false"})
    cookies = {c.key: c.value for c in client._cookies.values()}
    joined = "".join(value for key, value in sorted(cookies.items()) if key.startswith("spinewise_checkin"))
    for clear in ("saddle", "assessment", "pain_intensity"):
        assert clear not in joined
    import base64

    raw = base64.urlsafe_b64decode(joined.split(".", 1)[1] + "==")
    assert b"saddle" not in raw and b"spinewise journal" not in raw
    old = client.get_cookie("spinewise_checkin", path="/checkin").value
    upload(client, journal_text)  # a new check-in retires the old one
    client.set_cookie("spinewise_checkin", old, path="/checkin")
    text = app_page(client.get("/checkin/page/1"), 400)
    assert "A newer check-in was started in this browser" in text


def test_start_again_retires_the_old_answers(client):
    from conftest import RULES as rules
    from spinewise.rulebase.load import load_rulebase
    from spinewise.web.state import COOKIE
    from web_support import Lifter

    Lifter(client, load_rulebase(rules), FIRST).walk()
    old = client.get_cookie(COOKIE).value
    assert "saddle_numbness" not in old
    client.post("/start")
    client.set_cookie(COOKIE, old)
    report = client.get("/report")
    assert report.status_code == 400 and "These answers were replaced" in report.text
    answer = client.post("/answer", data={"question": "saddle_numbness", "saddle_numbness": "false"})
    assert answer.status_code == 400


def test_a_link_from_another_site_keeps_the_answers_in_progress(client):
    from spinewise.web.state import COOKIE

    client.post("/start")
    client.post("/answer", data={"question": "saddle_numbness", "saddle_numbness": "false"})
    kept = client.get_cookie(COOKIE).value
    assert "SameSite=Lax" in client.post("/answer", data={"question": "bladder_bowel_change",
                                                          "bladder_bowel_change": "false"}).headers["Set-Cookie"]
    stranger = create_app(RULES, secret="test").test_client()  # as a cross-site request arrives: no cookie
    response = stranger.get("/question")
    assert response.status_code == 400 and "Set-Cookie" not in response.headers, "nothing to delete, nothing deleted"
    assert kept


def test_the_emergency_warning_stays_on_the_start_404_and_checkin_pages(client):
    client.post("/start")
    client.post("/answer", data={"question": "saddle_numbness", "saddle_numbness": "true"})
    for path, status in (("/", 200), ("/nowhere", 404), ("/checkin/", 200), ("/checkin/nowhere", 404)):
        response = client.get(path)
        assert response.status_code == status and 'class="warning-box"' in response.text, path


@pytest.mark.parametrize("answers, offered", [
    ({**FIRST}, True),
    ({**FIRST, "saddle_numbness": True}, False),
])
def test_the_journal_is_offered_only_where_a_checkin_follows(client, answers, offered):
    from conftest import RULES as rules
    from spinewise.rulebase.load import load_rulebase
    from web_support import Lifter

    report = Lifter(client, load_rulebase(rules), answers).walk(finish_after_stop=False)
    assert ("/checkin/start-journal" in report.text) == offered
    assert (client.get("/checkin/start-journal").status_code == 200) == offered


def test_the_journal_is_not_offered_after_keep_training(client):
    from conftest import RULES as rules
    from spinewise.rulebase.load import load_rulebase
    from web_support import Lifter

    healthy = json.loads((RULES.parent / "examples" / "healthy_glutes_only.json").read_text())
    report = Lifter(client, load_rulebase(rules), healthy).walk()
    assert 'data-disposition="continue_training"' in report.text
    assert "/checkin/start-journal" not in report.text


def test_through_waitress_a_body_over_the_apps_limit_gets_the_apps_page_with_its_headers(journal_text):
    """The one limit is the app's: waitress lets a 1.5 MB upload through for the app to refuse in words."""
    import http.client
    import threading

    from spinewise.web.serve import make_server

    waitress = make_server(create_app(RULES, secret="test"), "127.0.0.1", 0)
    threading.Thread(target=waitress.run, daemon=True).start()
    try:
        boundary = "xyz"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"journal\"; filename=\"j.json\"\r\n"
                f"Content-Type: application/json\r\n\r\n").encode() + journal_text.encode() + b" " * 1_500_000 + \
            f"\r\n--{boundary}--\r\n".encode()
        connection = http.client.HTTPConnection("127.0.0.1", waitress.effective_port, timeout=30)
        connection.request("POST", "/checkin/start", body,
                           {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        response = connection.getresponse()
        text = response.read().decode()
    finally:
        waitress.close()
    assert response.status == 413
    assert response.getheader("Content-Security-Policy").startswith("default-src 'self'")
    assert "The file was too large" in text and 'href="/checkin/"' in text


@pytest.mark.parametrize("value", ["garbage", "0123456789abcdef.AAAA", ""])
def test_a_forged_checkin_cookie_is_refused_in_words_and_dropped(client, journal_text, value):
    upload(client, journal_text)
    real = client.get_cookie("spinewise_checkin", path="/checkin").value
    forged = value or real[:-2] + ("AA" if real[-2:] != "AA" else "BB")
    client.set_cookie("spinewise_checkin", forged, path="/checkin")
    response = client.get("/checkin/page/1")
    text = app_page(response, 400)
    assert "This check-in cannot go on" in text and "upload it again" in text
    assert "spinewise_checkin=;" in response.headers["Set-Cookie"]


def test_a_journal_dated_after_today_is_named_as_such(client, journal_text):
    future = resealed(journal_text, lambda entry: entry.__setitem__("date", "2099-01-01"))
    text = app_page(upload(client, future, date=""), 422)
    assert "The last entry in your journal is dated Thursday 1 January 2099, after today" in text
