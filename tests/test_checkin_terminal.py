"""The weekly check-in in a real pseudo-terminal: nerve signs first, Ctrl-C keeps the answers and
`--resume` continues, the emergency advice shown at once, and the journal untouched until the end."""

import json
import os
import shutil
import sys
from pathlib import Path

import pexpect
import pytest

from checkin_support import started_journal

COMMAND = shutil.which("spinewise", path=str(Path(sys.executable).parent)) or shutil.which("spinewise")


@pytest.fixture
def journal(tmp_path):
    return started_journal(tmp_path)


@pytest.fixture
def terminal(tmp_path, journal):
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "COLUMNS": "100"}

    def spawn(*args):
        return pexpect.spawn(COMMAND, ["checkin", "--journal", str(journal), "--date", "2026-11-09",
                                       "--format", "text", *args], env=env, encoding="utf-8", timeout=60,
                             dimensions=(40, 100))
    return spawn


def answer(child, text):
    child.expect_exact("Your answer (")
    child.expect_exact("? = why): ")
    child.sendline(text)


def test_a_lifter_stops_a_checkin_with_ctrl_c_and_resumes_it_to_the_report(terminal, journal):
    before = journal.read_text()
    child = terminal()
    child.expect_exact("Since you last answered these questions, have you had numbness or tingling in the saddle area?")
    for text in ["n", "n", "n", "n", "y"]:
        answer(child, text)
    child.expect_exact("did you feel the exercises or lifts working in your lower back?")
    child.expect_exact("Your answer (")
    child.sendintr()
    child.expect_exact("Your 5 answers are kept in")
    child.expect(r"spinewise checkin --resume\s+--journal")
    child.expect(r"--date\s+2026-11-09")  # following the hint as given is not refused for its date
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert journal.read_text() == before

    child = terminal("--resume")
    child.expect_exact("Continuing your unfinished questionnaire: 5 answers kept.")
    for text in ["n", "4", "n", "n", "n", "n", "n", "3", "1", "1"]:
        answer(child, text)
    child.expect_exact("SPINEWISE REPORT, Monday 9 November 2026")
    child.expect_exact("WEEKLY CHECK-IN")
    child.expect_exact("This week counted toward the program:")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert [e["kind"] for e in json.loads(journal.read_text())["entries"]] == ["assessment", "checkin"]


def test_a_nerve_sign_shows_the_emergency_advice_at_once(terminal, journal):
    child = terminal()
    for text in ["n", "n", "y"]:
        answer(child, text)
    child.expect_exact("GO TO AN EMERGENCY DEPARTMENT NOW")
    child.expect_exact("Answer the other")
    child.sendline("n")
    child.expect_exact("Stopping here")
    child.expect(pexpect.EOF)
    child.close()
    assert json.loads(journal.read_text())["entries"][-1]["result"]["disposition"] == "emergency"
