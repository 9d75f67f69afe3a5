"""The weekly check-in on the web: upload the journal, answer the week's questions a page at a
time (forms only, no JavaScript), read the report, download the journal with the week added."""

import html
import io
import json
import re

import pytest
from werkzeug.datastructures import MultiDict

from checkin_support import FIRST, WEEK, started_journal
from conftest import RULES
from spinewise.web.app import create_app

PAGE = re.compile(r'name="page" value="(\d+)"')


@pytest.fixture(scope="module")
def client():
    return create_app(RULES, secret="test").test_client()


@pytest.fixture
def journal_text(tmp_path):
    return started_journal(tmp_path).read_text()


def _field(value):
    return "true" if value is True else "false" if value is False else str(value)


def asked(page):
    """The question ids a check-in page asks, in order."""
    found = re.findall(r'<input class="(?:choices__input|input input--number)" id="[\w-]+" name="(\w+)"', page)
    return list(dict.fromkeys(found))


def upload(client, journal, date="2026-11-09", name="j.json"):
    data = journal if isinstance(journal, bytes) else journal.encode()
    return client.post("/checkin/start", data={"journal": (io.BytesIO(data), name), "date": date},
                       content_type="multipart/form-data", follow_redirects=True)


def _walk(client, journal_text, week, date="2026-11-09"):
    """Upload, then answer each page with `week`; the pages seen and the last response."""
    response = upload(client, journal_text, date)
    pages = []
    while response.status_code == 200 and 'name="page"' in response.get_data(as_text=True):
        page = response.get_data(as_text=True)
        ids = asked(page)
        pages.append(ids)
        fields = [("page", PAGE.search(page).group(1))]
        for qid in ids:
            value = week.get(qid)
            fields += [(qid, _field(item)) for item in (value if isinstance(value, list) else [value])
                       if item is not None]
        response = client.post("/checkin/answer", data=MultiDict(fields), follow_redirects=True)
    return pages, response


def test_the_start_page_offers_the_weekly_checkin(client):
    assert 'href="/checkin/"' in client.get("/").get_data(as_text=True)
    page = client.get("/checkin/").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page


def test_a_week_on_the_web_gives_the_checkin_report_and_the_journal_to_download(client, journal_text):
    pages, response = _walk(client, journal_text, WEEK)
    assert pages[0][:4] == ["saddle_numbness", "bladder_bowel_change", "leg_weakness", "radiating_leg_pain"]
    assert "pain_intensity" in pages[1] and "dead_bug_control" in pages[1]
    report = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Weekly check-in, Monday 9 November 2026" in report and "<svg" in report
    assert "Dead bug</strong>: Up to 3 sets of 10 reps" in report
    assert 'href="/checkin/download"' in report and "journal_text" not in report, "the journal is not in the page"
    assert "spinewise checkin" not in report and "Next check-in: Monday 16 November 2026. Download your journal" in report, \
        "a web page names no command to type: the next check-in is an upload on this site"
    download = client.get("/checkin/download")
    assert download.headers["Content-Disposition"] == 'attachment; filename="spinewise-journal.json"'
    entries = json.loads(download.data)["entries"]
    assert [e["kind"] for e in entries] == ["assessment", "checkin"] and entries[1]["date"] == "2026-11-09"


def test_a_nerve_sign_on_the_first_page_gives_the_emergency_report_at_once(client, journal_text):
    pages, response = _walk(client, journal_text, {**WEEK, "leg_weakness": True})
    assert len(pages) == 1
    assert "emergency department" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("upload_bytes, name, says", [
    (b"{nope", "j.json", "stops being valid JSON at line 1, column 2"),
    (b"", "", "Choose your journal file to upload"),
    (b"", "spinewise-journal.json", "The file “spinewise-journal.json” is empty"),
])
def test_a_bad_upload_is_one_clear_error(client, upload_bytes, name, says):
    response = client.post("/checkin/start", data={"journal": (io.BytesIO(upload_bytes), name), "date": "2026-11-09"},
                           content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 422
    assert says in response.text and '<a href="#journal">' in response.text
    assert "Go back to the questions" not in response.text


def test_a_checkin_dated_before_the_last_entry_is_refused_at_the_date_field(client, journal_text):
    _, response = _walk(client, journal_text, WEEK, date="2026-11-01")
    assert response.status_code == 422
    assert "before the last entry in your journal (Monday 2 November 2026)" in response.text  # dates in words
    assert '<a href="#date">' in response.text


def test_a_missing_answer_is_named_in_the_error_summary(client, journal_text):
    response = upload(client, journal_text)
    again = client.post("/checkin/answer", data={"page": "1", "saddle_numbness": "false"}, follow_redirects=True)
    assert again.status_code == 422 and again.request.method == "GET"
    assert "There is a problem" in again.text and "Select yes or no" in again.text
    assert re.search(r'id="saddle_numbness-2" name="saddle_numbness" type="radio" value="false" checked', again.text), \
        "what was chosen is shown again"


def test_the_assessment_report_offers_the_journal_that_starts_the_checkins(client):
    from conftest import RULES as rules
    from spinewise.report.dates import report_day
    from spinewise.rulebase.load import load_rulebase
    from spinewise.report.dates import in_words
    from web_support import Lifter

    lifter = Lifter(client, load_rulebase(rules), FIRST)
    report = lifter.walk()
    assert "/checkin/start-journal" in report.text
    download = client.get("/checkin/start-journal")
    assert download.headers["Content-Disposition"] == 'attachment; filename="spinewise-journal.json"'
    [entry] = json.loads(download.data)["entries"]
    assert entry["kind"] == "assessment" and entry["answers"]["dead_bug"] == "one_leg"
    today = report_day()
    pages, response = _walk(client, download.data.decode(), WEEK, date=today.isoformat())
    assert response.status_code == 200 and f"Weekly check-in, {in_words(today)}" in response.text


def test_in_spanish_the_checkin_speaks_spanish_from_its_date_field_to_its_report_header(client, journal_text):
    client.get("/language/es/")
    try:
        start = client.get("/checkin/").get_data(as_text=True)
        assert re.search(r'<input class="input input--date" id="date" name="date" type="date" value="[\d-]+" '
                         r'max="[\d-]+"', start), "a date picker, not a free-text ISO field"
        assert "AAAA" not in start and "YYYY" not in start
        pages = []
        response = upload(client, journal_text)
        while 'name="page"' in response.get_data(as_text=True):
            page = response.get_data(as_text=True)
            pages.append(page)
            fields = [("page", PAGE.search(page).group(1))]
            fields += [(qid, _field(WEEK[qid])) for qid in asked(page)]
            response = client.post("/checkin/answer", data=MultiDict(fields), follow_redirects=True)
        suffixes = [html.unescape(text).strip() for page in pages
                    for text in re.findall(r'<span class="input-suffix">(.*?)</span>', page, re.S)]
        assert "de 0 a 14" in suffixes and not [text for text in suffixes if " to " in text], suffixes
        report = response.get_data(as_text=True)
        header = report[report.index('<header class="web-header">'):report.index("</header>")]
        assert 'href="/language/en/checkin/report"' in header and ">English</a>" in header
        assert "Revisión semanal" in report
    finally:
        client.get("/language/en/")
