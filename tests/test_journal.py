"""The journal file: owner-only, sealed entries, a damaged or hand-edited journal named and left
alone, the default place, and `journal show` in every format."""

import json
import re
import os

import pytest

from checkin_support import FIRST, WEEK
from conftest import invoke


def _start(tmp_path, name="journal.json"):
    journal = tmp_path / name
    answers = tmp_path / "first.json"
    answers.write_text(json.dumps(FIRST))
    run = invoke("assess", "--answers", answers, "--journal", journal, "--date", "2026-11-02", "--format", "json")
    assert run.exit_code == 0, run.stderr
    return journal


def _checkin(journal, tmp_path, date="2026-11-09", answers=WEEK, *more):
    path = tmp_path / "week.json"
    path.write_text(json.dumps(answers))
    return invoke("checkin", "--journal", journal, "--answers", path, "--date", date, *more)


def test_the_journal_is_owner_only_and_holds_each_entry_with_its_rule_base(tmp_path):
    journal = _start(tmp_path)
    assert _checkin(journal, tmp_path, "2026-11-09", WEEK, "--format", "json").exit_code == 0
    assert os.stat(journal).st_mode & 0o777 == 0o600
    data = json.loads(journal.read_text())
    assert data["format"] == "spinewise journal" and data["version"] == 1
    kinds = [entry["kind"] for entry in data["entries"]]
    assert kinds == ["assessment", "checkin"]
    for entry in data["entries"]:
        assert entry["rulebase"]["sha256"] and entry["rulebase"]["version"]
        assert entry["answers"] and entry["result"]["disposition"]
    assert data["entries"][1]["result"]["checkin"]["weeks_counted"] == 1


def test_without_journal_option_the_journal_is_in_xdg_data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    answers = tmp_path / "first.json"
    answers.write_text(json.dumps(FIRST))
    assert invoke("assess", "--answers", answers, "--journal", tmp_path / "data" / "spinewise" / "journal.json",
                  "--format", "json").exit_code == 0
    week = tmp_path / "week.json"
    week.write_text(json.dumps(WEEK))
    run = invoke("checkin", "--answers", week, "--format", "json")
    assert run.exit_code == 0, run.stderr
    assert len(json.loads((tmp_path / "data" / "spinewise" / "journal.json").read_text())["entries"]) == 2


@pytest.mark.parametrize("damage, named", [
    (lambda text: text[: len(text) // 2], "stops being valid JSON at line"),
    (lambda text: text.replace('"pain_intensity": 5', '"pain_intensity": 2', 1), "entry 1 (assessment of 2026-11-02) was changed"),
    (lambda text: text.replace('"date": "2026-11-09"', '"date": "2026-11-01"', 1), "entry 2 (checkin of 2026-11-01) is dated 2026-11-01, before"),
    (lambda text: text.replace('"version": 1', '"version": 7', 1), "has version 7"),
    (lambda text: text.replace('"kind": "checkin"', '"kind": "diary"', 1), "entry 2 (diary of 2026-11-09) has kind 'diary'"),
])
def test_a_damaged_or_hand_edited_journal_is_named_and_never_overwritten(tmp_path, damage, named):
    journal = _start(tmp_path)
    assert _checkin(journal, tmp_path, "2026-11-09", WEEK, "--format", "json").exit_code == 0
    pretty = json.dumps(json.loads(journal.read_text()), indent=1)
    broken = damage(pretty)
    assert broken != pretty
    journal.write_text(broken)

    run = _checkin(journal, tmp_path, "2026-11-16", WEEK, "--format", "json")

    assert run.exit_code == 2
    assert named in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "left as it is" in run.stderr or "reads version" in run.stderr
    assert journal.read_text() == broken
    show = invoke("journal", "show", "--journal", journal, "--format", "text")
    assert show.exit_code == 2 and named in show.stderr


def test_an_assessment_on_an_existing_journal_adds_an_entry(tmp_path):
    journal = _start(tmp_path)
    answers = tmp_path / "again.json"
    answers.write_text(json.dumps({**FIRST, "pain_intensity": 3}))
    run = invoke("assess", "--answers", answers, "--journal", journal, "--date", "2026-11-20", "--format", "json")
    assert run.exit_code == 0
    assert [e["kind"] for e in json.loads(journal.read_text())["entries"]] == ["assessment", "assessment"]


def test_a_bad_date_is_refused(tmp_path):
    journal = _start(tmp_path)
    run = _checkin(journal, tmp_path, "2026-13-01", WEEK, "--format", "json")
    assert run.exit_code == 2 and "YYYY-MM-DD" in run.stderr


def test_the_first_report_of_a_journal_says_when_to_check_in(tmp_path):
    answers = tmp_path / "first.json"
    answers.write_text(json.dumps(FIRST))
    journal = tmp_path / "j.json"
    run = invoke("assess", "--answers", answers, "--journal", journal, "--date", "2026-11-02", "--format", "text")
    assert "Check in once a week, first on Monday 9 November 2026" in " ".join(run.stdout.split())
    assert f"spinewise checkin --journal {journal}" in " ".join(run.stdout.split())
    assert f"  spinewise checkin --journal {journal}\n\nWHY\n" in run.stdout, "the command, then a blank line"
    plain = invoke("assess", "--answers", answers, "--format", "text")
    assert "Check in once a week" not in plain.stdout


def test_a_first_report_dated_with_date_counts_every_date_from_that_day(tmp_path):
    answers = tmp_path / "first.json"
    answers.write_text(json.dumps(FIRST))
    run = invoke("assess", "--answers", answers, "--journal", tmp_path / "j.json", "--date", "2026-09-01",
                 "--format", "text")
    said = " ".join(run.stdout.split())
    assert said.startswith("SPINEWISE REPORT, Tuesday 1 September 2026")
    assert "Week 1, starting Tuesday 1 September 2026" in said and "Date: Tuesday 1 September 2026." in said
    years = set(re.findall(r"\b\d{1,2} [A-Z][a-z]+ (\d{4})", said))
    months = set(re.findall(r"\b\d{1,2} ([A-Z][a-z]+) \d{4}", said))
    assert years == {"2026"} and months <= {"September", "October"}, "one timeline, from --date"


def test_the_checkin_report_says_the_week_what_changed_and_why_and_the_next_date(tmp_path):
    journal = _start(tmp_path)
    run = _checkin(journal, tmp_path, "2026-11-09", WEEK, "--format", "text")
    text = " ".join(run.stdout.split())
    assert "SPINEWISE REPORT, Monday 9 November 2026 WEEKLY CHECK-IN" in text
    assert "This week counted toward the program: 1 week has counted so far." in text
    assert "Dead bug: Up to 3 sets of 10 reps (beginner level), because every dead-bug rep kept your back down." in text
    assert "Pain by entry (worst pain 0-10): 2 Nov: 5, 9 Nov: 3" in text
    assert "Next check-in: Monday 16 November 2026" in text
    assert "Your worst pain is 2 points lower than when you started" in text


def test_the_checkin_report_in_html_draws_the_pain_with_a_text_alternative(tmp_path):
    journal = _start(tmp_path)
    html = _checkin(journal, tmp_path, "2026-11-09", WEEK, "--format", "html").stdout
    assert "<svg" in html and 'role="img"' in html
    assert "Worst pain (0 to 10) at each entry: 2 Nov: 5; 9 Nov: 3." in html.replace("\u00a0", " ")  # day kept with month
    markdown = _checkin(journal, tmp_path, "2026-11-16", WEEK, "--format", "markdown").stdout
    assert "**Weekly check-in, Monday 16 November 2026**" in markdown


@pytest.mark.parametrize("fmt, marker", [("text", "YOUR JOURNAL"), ("markdown", "| Date |"), ("html", "<svg"),
                                         ("json", '"format": "spinewise journal"')])
def test_journal_show_lists_every_entry(tmp_path, fmt, marker):
    journal = _start(tmp_path)
    _checkin(journal, tmp_path, "2026-11-09", WEEK, "--format", "json")
    run = invoke("journal", "show", "--journal", journal, "--format", fmt)
    assert run.exit_code == 0, run.stderr
    assert marker in run.stdout
    if fmt == "json":
        assert "2026-11-09" in run.stdout and "2026-11-02" in run.stdout
    else:  # people read dates in words
        assert "Monday 9 November 2026" in run.stdout and "Monday 2 November 2026" in run.stdout
        assert "2026-11-0" not in run.stdout.replace(str(journal), "")


def test_journal_show_without_a_journal_says_how_to_start_one(tmp_path):
    run = invoke("journal", "show", "--journal", tmp_path / "none.json", "--format", "text")
    assert run.exit_code == 2 and "spinewise assess --journal" in run.stderr


def test_journal_show_fhir_is_a_valid_r4b_bundle_with_pain_observations_and_the_current_plan(tmp_path):
    from fhir_support import entries, validate

    journal = _start(tmp_path)
    _checkin(journal, tmp_path, "2026-11-09", WEEK, "--format", "json")
    run = invoke("journal", "show", "--journal", journal, "--format", "fhir")
    assert run.exit_code == 0, run.stderr
    bundle = json.loads(run.stdout)
    validate(bundle)
    responses = entries(bundle, "QuestionnaireResponse")
    assert [r["authored"] for r in responses] == ["2026-11-02", "2026-11-09"]
    pains = entries(bundle, "Observation")
    assert [(p["code"]["coding"][0]["code"], p["valueInteger"], p["effectiveDateTime"]) for p in pains] == [
        ("72514-3", 5, "2026-11-02"), ("72514-3", 3, "2026-11-09")]
    plan = entries(bundle, "CarePlan")[0]
    doses = {detail["detail"]["code"]["coding"][0]["code"]: detail["detail"] for detail in plan["activity"]}
    assert any(extension["extension"][1].get("valueInteger") == 3
               for extension in doses["dead_bug"]["extension"][1:] if extension["extension"][0]["valueString"] == "sets")


def test_a_checkin_result_in_fhir_is_a_valid_bundle_of_the_checkin_answers(tmp_path):
    from fhir_support import entries, validate

    journal = _start(tmp_path)
    run = _checkin(journal, tmp_path, "2026-11-09", WEEK, "--format", "fhir")
    assert run.exit_code == 0, run.stderr
    bundle = json.loads(run.stdout)
    validate(bundle)
    items = [item["linkId"] for group in entries(bundle, "QuestionnaireResponse")[0]["item"] for item in group["item"]]
    assert "sessions_done" in items and "dead_bug_control" in items


def test_a_journal_written_by_an_earlier_rule_base_stays_readable(tmp_path):
    """Entries are read, never rerun: codes and versions this rule base no longer has are shown as written."""
    from spinewise.journal import journal_text, new_entry, read_journal
    import datetime

    journal = _start(tmp_path)
    entries = read_journal(journal).entries
    old = dict(entries[0]["result"])
    old["rulebase"] = {"version": "1.0.0", "sha256": "0" * 64, "included_drafts": False}
    old["findings"] = old["findings"] + [{"code": "retired_finding", "rule": "old-rule", "because": {}, "source": ""}]
    old["plan"] = old["plan"] + [{"code": "retired_item", "sets": 1, "change": "start", "phase": "now"}]
    entry = new_entry("assessment", datetime.date(2026, 11, 2), entries[0]["answers"], old)
    journal.write_text(journal_text([entry]))
    for fmt in ("text", "html", "fhir"):
        run = invoke("journal", "show", "--journal", journal, "--format", fmt)
        assert run.exit_code == 0, (fmt, run.stderr)
    assert "retired finding" in invoke("journal", "show", "--journal", journal, "--format", "text").stdout
    assert _checkin(journal, tmp_path, "2026-11-09", WEEK, "--format", "json").exit_code == 0


@pytest.mark.parametrize("content, english, spanish", [
    (b'{"format": "spinewise journal", "entries": [', "stops being valid JSON at line 1, column",
     "deja de ser JSON válido en la línea 1, columna"),
    (b"\x89PNG\r\n\x1a\n", "is not a text file", "no es un archivo de texto"),
    (b'{"hello": 1}', 'is not a spinewise journal (it has no "format": "spinewise journal")',
     'no es un diario de spinewise (no tiene "format": "spinewise journal")'),
])
def test_a_damaged_journal_is_named_in_the_lifters_language_without_pythons_words(tmp_path, content, english,
                                                                                     spanish):
    journal = tmp_path / "journal.json"
    journal.write_bytes(content)
    week = tmp_path / "week.json"
    week.write_text(json.dumps(WEEK))
    for lang, expected in (("en", english), ("es", spanish)):
        run = invoke("checkin", "--journal", journal, "--answers", week, "--lang", lang)
        assert run.exit_code == 2
        line = " ".join(run.stderr.split())
        assert expected in line, line
        assert "Expecting" not in line and "codec" not in line and "0x89" not in line
    assert journal.read_bytes() == content


def test_date_is_checked_and_dates_the_report_without_a_journal_too(tmp_path):
    answers = tmp_path / "first.json"
    answers.write_text(json.dumps(FIRST))
    bad = invoke("assess", "--answers", answers, "--date", "2026-13-40", "--format", "text")
    assert bad.exit_code == 2 and bad.stdout == "" and "--date '2026-13-40' is not a date" in bad.stderr
    dated = invoke("assess", "--answers", answers, "--date", "2026-09-01", "--format", "text")
    assert dated.stdout.startswith("SPINEWISE REPORT, Tuesday 1 September 2026")
