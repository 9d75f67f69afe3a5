"""Robustness as a property: the journal reader, the check-in's derivation and the web check-in's
handlers fed arbitrary bytes, arbitrary JSON and arbitrary form fields. Never a 500, never a
traceback, and a refused input never changes a journal."""

import io
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from checkin_support import WEEK, started_journal
from conftest import RULES, invoke
from spinewise.errors import SpinewiseError
from spinewise.journal import Journal, entry_digest, read_journal_text
from spinewise.web.app import create_app

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])
JSON = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False)
                    | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12)
KEYS = st.sampled_from(["kind", "date", "answers", "result", "rulebase", "derived", "plan", "findings", "checkin",
                        "disposition", "code", "level", "sets", "pain_intensity", "weeks_on_program", "x"])
PLAUSIBLE = st.recursive(JSON, lambda inner: st.dictionaries(KEYS, inner, max_size=5), max_leaves=16)


def _started(tmp_path_factory):
    return json.loads(started_journal(tmp_path_factory.mktemp("j")).read_text())


def _with_entry_changed(journal: dict, path: list, value) -> bytes:
    """The journal with one value of its first entry replaced, sealed again (a valid sha256)."""
    data = json.loads(json.dumps(journal))
    entry = data["entries"][0]
    holder = entry
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value
    entry["sha256"] = entry_digest(entry)
    return json.dumps(data).encode()


ENTRY_PATHS = st.sampled_from([["result", "plan"], ["result", "findings"], ["result", "checkin"], ["answers"],
                               ["result", "disposition"], ["rulebase"], ["derived"], ["result"],
                               ["answers", "pain_intensity"], ["answers", "weeks_on_program"], ["result", "plan", 0],
                               ["result", "plan", 0, "sets"], ["result", "plan", 0, "code"], ["date"], ["kind"]])


def _read_and_derive(data: bytes):
    """What a check-in does with an upload before any question: read, refuse or derive. Only SpinewiseError may leave."""
    import datetime

    from spinewise import api
    from spinewise.checkin.derive import history_values
    from spinewise.checkin.view import checkin_triage

    try:
        journal = Journal(None, read_journal_text(data))
        day = datetime.date(2026, 11, 30)
        if api.checkin_refusal(journal, day) is None:
            history_values(checkin_triage().rulebase.checkin, journal, day)
            api.checkin(journal, WEEK, day, write=False)
    except SpinewiseError:
        pass


@SETTINGS
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_never_crash_the_journal_reader(data):
    _read_and_derive(data)


@SETTINGS
@given(path=ENTRY_PATHS, value=PLAUSIBLE)
def test_a_resealed_journal_with_any_json_in_it_is_read_or_refused(tmp_path_factory, path, value):
    journal = _started(tmp_path_factory)
    try:
        data = _with_entry_changed(journal, path, value)
    except (KeyError, IndexError, TypeError):
        return
    _read_and_derive(data)


def _client():
    return create_app(RULES, secret="fuzz").test_client()


@SETTINGS
@given(data=st.binary(max_size=300) | PLAUSIBLE.map(lambda v: json.dumps(v).encode()),
       date=st.text(max_size=12))
def test_any_upload_gets_a_page_never_a_500(data, date):
    client = _client()
    response = client.post("/checkin/start", data={"journal": (io.BytesIO(data), "j.json"), "date": date},
                           content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code < 500 and "Traceback" not in response.text


FIELD_NAMES = st.sampled_from(["page", "answers", "date", "journal_text", "saddle_numbness", "bladder_bowel_change",
                               "leg_weakness", "radiating_leg_pain", "back_pain", "pain_intensity", "sessions_done",
                               "dead_bug_control", "thumb_distance", "asked", "x"])


@SETTINGS
@given(fields=st.lists(st.tuples(FIELD_NAMES, st.text(max_size=10) | st.sampled_from(["1", "2", "true", "false"])),
                       max_size=12))
def test_any_form_fields_on_a_checkin_in_progress_never_give_a_500(tmp_path_factory, fields):
    client = _client()
    journal = started_journal(tmp_path_factory.mktemp("j")).read_text()
    client.post("/checkin/start", data={"journal": (io.BytesIO(journal.encode()), "j.json"), "date": "2026-11-09"},
                content_type="multipart/form-data")
    response = client.post("/checkin/answer", data=MultiDict(fields), follow_redirects=True)
    assert response.status_code < 500 and "Traceback" not in response.text
    for path in ("/checkin/report", "/checkin/download", "/checkin/page/1", "/checkin/page/3"):
        assert client.get(path, follow_redirects=True).status_code < 500


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.dictionaries(st.sampled_from(sorted(WEEK) + ["zzz"]), JSON, max_size=6))
def test_a_refused_checkin_never_changes_the_journal(tmp_path_factory, answers):
    folder = tmp_path_factory.mktemp("j")
    journal = started_journal(folder)
    before = journal.read_bytes()
    week = folder / "week.json"
    week.write_text(json.dumps({**WEEK, **answers}))
    run = invoke("checkin", "--journal", journal, "--answers", week, "--date", "2026-11-09", "--format", "json")
    assert "Traceback" not in run.stderr
    if run.exit_code != 0:
        assert run.exit_code == 2 and journal.read_bytes() == before
