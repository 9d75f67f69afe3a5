"""The weekly check-in on the web: upload the journal, answer the week's questions a page at a
time (forms only, no JavaScript), read the report, download the journal with the week added."""

import html
import io
import json
import re

import pytest

from checkin_support import FIRST, WEEK, started_journal
from conftest import RULES
from spinewise.web.app import create_app

ASKED = re.compile(r'name="asked" value="(\w+)"')


@pytest.fixture(scope="module")
def client():
    return create_app(RULES, secret="test").test_client()


@pytest.fixture
def journal_text(tmp_path):
    return started_journal(tmp_path).read_text()


def _field(value):
    return "true" if value is True else "false" if value is False else str(value)


def _walk(client, journal_text, week, date="2026-11-09"):
    """Upload, then answer each page with `week`; the pages seen and the last response."""
    response = client.post("/checkin/questions", data={"journal": (io.BytesIO(journal_text.encode()), "j.json"),
                                                        "date": date}, content_type="multipart/form-data")
    pages = []
    while response.status_code == 200 and 'name="asked"' in response.get_data(as_text=True):
        page = response.get_data(as_text=True)
        asked = ASKED.findall(page)
        pages.append(asked)
        fields = {"journal_text": _hidden(page, "journal_text"), "date": _hidden(page, "date"),
                  "answers": _hidden(page, "answers"), "asked": asked}
        fields.update({qid: _field(week[qid]) for qid in asked if qid in week})
        response = client.post("/checkin/questions", data=fields)
    return pages, response


def _hidden(page, name):
    return html.unescape(re.search(rf'name="{name}" value="([^"]*)"', page).group(1))


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
    download = client.post("/checkin/download", data={"journal_text": _hidden(report, "journal_text")})
    assert download.headers["Content-Disposition"] == 'attachment; filename="spinewise-journal.json"'
    entries = json.loads(download.data)["entries"]
    assert [e["kind"] for e in entries] == ["assessment", "checkin"] and entries[1]["date"] == "2026-11-09"


def test_a_nerve_sign_on_the_first_page_gives_the_emergency_report_at_once(client, journal_text):
    pages, response = _walk(client, journal_text, {**WEEK, "leg_weakness": True})
    assert len(pages) == 1
    assert "emergency department" in response.get_data(as_text=True).lower()


@pytest.mark.parametrize("upload, says", [(b"{nope", "not valid JSON"), (b"", "Choose your journal file")])
def test_a_bad_upload_is_one_clear_error(client, upload, says):
    response = client.post("/checkin/questions", data={"journal": (io.BytesIO(upload), "j.json" if upload else ""),
                                                        "date": "2026-11-09"}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert says in response.get_data(as_text=True)


def test_a_checkin_dated_before_the_last_entry_is_refused(client, journal_text):
    _, response = _walk(client, journal_text, WEEK, date="2026-11-01")
    assert response.status_code == 422
    assert "before the last entry" in response.get_data(as_text=True)


def test_a_missing_answer_is_named_in_the_error_summary(client, journal_text):
    response = client.post("/checkin/questions", data={"journal": (io.BytesIO(journal_text.encode()), "j.json"),
                                                        "date": "2026-11-09"}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    fields = {"journal_text": _hidden(page, "journal_text"), "date": "2026-11-09", "answers": "{}",
              "asked": ASKED.findall(page), "saddle_numbness": "false"}
    again = client.post("/checkin/questions", data=fields)
    assert again.status_code == 422
    assert "There is a problem" in again.get_data(as_text=True) and "Select yes or no" in again.get_data(as_text=True)


def test_the_assessment_report_offers_the_journal_that_starts_the_checkins(client):
    from conftest import RULES as rules
    from spinewise.rulebase.load import load_rulebase
    from web_support import Lifter

    lifter = Lifter(client, load_rulebase(rules), FIRST)
    report = lifter.walk()
    assert "/checkin/start-journal" in report.text
    download = client.get("/checkin/start-journal")
    assert download.headers["Content-Disposition"] == 'attachment; filename="spinewise-journal.json"'
    [entry] = json.loads(download.data)["entries"]
    assert entry["kind"] == "assessment" and entry["answers"]["dead_bug"] == "one_leg"
    pages, response = _walk(client, download.data.decode(), WEEK, date="2099-01-01")
    assert response.status_code == 200 and "Weekly check-in, Thursday 1 January 2099" in response.get_data(as_text=True)
