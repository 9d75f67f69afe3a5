"""The installed `spinewise` command in a real pseudo-terminal, read as a person sees it."""

import json
import os
import shutil
import sys
from pathlib import Path

import pexpect
import pytest

from conftest import EXAMPLES
from spinewise.questionnaire.resume import FILE_NAME

COMMAND = shutil.which("spinewise", path=str(Path(sys.executable).parent)) or shutil.which("spinewise")
HEALTHY_LINES = ["n"] * 4 + ["1", "n", "n", "n", "3", "n", "10", "3", "0"]


@pytest.fixture
def terminal(tmp_path):
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "COLUMNS": "100"}

    def spawn(*args):
        child = pexpect.spawn(COMMAND, ["assess", *args], env=env, encoding="utf-8", timeout=30,
                              dimensions=(40, 100))
        return child

    spawn.resume_file = tmp_path / "state" / "spinewise" / FILE_NAME
    return spawn


def answer(child, text):
    child.expect_exact("Your answer (")
    child.expect_exact("? = why): ")
    child.sendline(text)


def test_a_person_stops_with_ctrl_c_and_resumes_to_the_report(terminal):
    child = terminal()
    child.expect_exact("Question 1 of about 13")
    child.expect_exact("Do you have numbness or tingling in the saddle area?")
    answer(child, "?")
    child.expect_exact("If you answer yes: Go to an emergency department now")
    answer(child, "??")
    child.expect_exact("Saddle numbness suggests cauda equina syndrome")
    for text in HEALTHY_LINES[:5]:
        answer(child, text)
    child.expect_exact("Question 6 of about 13")
    child.expect_exact("Your answer (")
    child.sendintr()
    child.expect_exact("Your 5 answers are kept in")
    child.expect_exact("To continue where you stopped, run: spinewise assess --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert len(json.loads(terminal.resume_file.read_text())["answers"]) == 5

    child = terminal("--resume")
    child.expect_exact("Continuing your unfinished questionnaire: 5 answers kept.")
    child.expect_exact("Question 6 of about 13")
    child.expect_exact("Do you have lower-back pain or discomfort during or after hip thrusts?")
    for text in HEALTHY_LINES[5:]:
        answer(child, text)
    child.expect_exact("Keep training")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert not terminal.resume_file.exists()


def test_a_person_with_saddle_numbness_sees_the_emergency_advice_first(terminal, tmp_path):
    saved = tmp_path / "answers.json"
    child = terminal("--save-answers", str(saved))
    answer(child, "yes")
    child.expect_exact("GO TO AN EMERGENCY DEPARTMENT NOW")
    child.expect_exact("call your local emergency")
    child.expect_exact("for a full report anyway? [y/N]: ")
    child.sendline("")
    child.expect_exact("REMINDER: GO TO AN EMERGENCY DEPARTMENT NOW")  # the report, to its end
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert json.loads(saved.read_text()) == {"saddle_numbness": True}


def test_a_wrong_entry_is_answered_on_the_terminal_and_asked_again(terminal):
    child = terminal("--format", "json")
    answer(child, "perhaps")
    child.expect_exact("Error: please type y or n.")
    child.expect_exact("Your answer (y/n; ? = why): ")
    child.sendline("n")
    child.expect_exact("Question 2 of about 13")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_the_examples_answers_file_format_is_what_the_terminal_saves(terminal, tmp_path):
    saved = tmp_path / "answers.json"
    child = terminal("--save-answers", str(saved), "--format", "json")
    for text in HEALTHY_LINES:
        answer(child, text)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert json.loads(saved.read_text()) == json.loads((EXAMPLES / "healthy_glutes_only.json").read_text())


def test_closing_the_terminal_keeps_the_answers_given(terminal):
    child = terminal()
    for text in HEALTHY_LINES[:3]:
        answer(child, text)
    child.expect_exact("Question 4 of about 13")
    child.close(force=True)  # hang up, as when the terminal window is closed

    assert json.loads(terminal.resume_file.read_text())["answers"] == {
        "saddle_numbness": False, "bladder_bowel_change": False, "leg_weakness": False}


def test_a_pdf_for_the_terminal_is_refused_before_any_question(terminal):
    child = terminal("--format", "pdf")
    child.expect_exact("a PDF report cannot be shown on a terminal")
    before = child.before
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "Question 1" not in before + child.before
