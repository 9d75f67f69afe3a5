"""The installed `spinewise` command in a real pseudo-terminal, read as a person sees it."""

import json
import re
import os
import shutil
import sys
import time
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


def interrupt(child):
    """Ctrl-C once the prompt waits for input: one sent while Python is still on its way into the
    read is noted but does not interrupt it (a person would press Ctrl-C again)."""
    time.sleep(0.3)
    child.sendintr()


def answer(child, text):
    child.expect_exact("Your answer (")
    child.expect_exact("? = why): ")
    child.sendline(text)


def test_a_person_stops_with_ctrl_c_and_resumes_to_the_report(terminal):
    child = terminal()
    child.expect_exact("Question 1 of 13 to 22")
    child.expect_exact("Do you have numbness or tingling in the saddle area?")
    answer(child, "?")
    child.expect_exact("If you answer yes, the advice will be: Go to an emergency department now")
    answer(child, "??")
    child.expect_exact("Saddle numbness suggests cauda equina syndrome")
    for text in HEALTHY_LINES[:5]:
        answer(child, text)
    child.expect_exact("Question 6 of 13 to 22")
    child.expect_exact("Your answer (")
    interrupt(child)
    child.expect_exact("Your 5 answers are kept in")
    child.expect_exact("To continue where you stopped, run: spinewise assess --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert len(json.loads(terminal.resume_file.read_text())["answers"]) == 5

    child = terminal("--resume")
    child.expect_exact("Continuing your unfinished questionnaire: 5 answers kept.")
    child.expect_exact("Question 6 of 13 to 22")
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
    child.expect_exact("for a full report anyway? (y/n; ? = what this means) [n]: ")
    child.sendline("")
    child.expect_exact("Go to an emergency department now")
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
    child.expect_exact("Question 2 of 13 to 22")
    interrupt(child)
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
    child.expect_exact("Question 4 of 13 to 22")
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


# --- what the lifter reads, and keeping what was typed (issue 17) ------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def screen_lines(text: str) -> list[str]:
    """What a terminal shows, line by line: colours dropped, what was typed included."""
    return [line.rstrip("\r").split("\r")[-1] for line in ANSI.sub("", text).split("\n")]


def test_save_answers_given_at_the_start_is_honoured_after_ctrl_c_and_resume(terminal, tmp_path):
    saved = tmp_path / "me.json"
    child = terminal("--save-answers", str(saved), "--format", "json")
    for text in HEALTHY_LINES[:5]:
        answer(child, text)
    child.expect_exact("Your answer (")
    interrupt(child)
    child.expect(pexpect.EOF)
    assert f"They will be written to {saved} when you finish." in " ".join(child.before.split())
    child.close()

    child = terminal("--resume", "--format", "json")  # as the stop message advises: no --save-answers
    child.expect_exact("Question 6 of")
    assert f"Your answers will be written to {saved} at the end, as asked when you started." in " ".join(
        child.before.split())
    for text in HEALTHY_LINES[5:]:
        answer(child, text)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert json.loads(saved.read_text()) == json.loads((EXAMPLES / "healthy_glutes_only.json").read_text())


def test_declining_to_continue_asks_before_forgetting_the_unfinished_answers(terminal):
    child = terminal("--format", "json")
    for text in HEALTHY_LINES[:3]:
        answer(child, text)
    child.expect_exact("Your answer (")
    interrupt(child)
    child.expect_exact("Your 3 answers are kept")
    child.expect(pexpect.EOF)
    child.close()

    child = terminal("--format", "json")
    child.expect_exact("Continue it? (y/n) [y]: ")
    child.sendline("n")
    child.expect_exact("Start again and forget those 3 answers? (y/n) [n]: ")
    child.sendline("")  # changed their mind: the answers are still there
    child.expect_exact("Continuing your unfinished questionnaire: 3 answers kept.")
    child.expect_exact("Question 4 of 13 to 22")
    interrupt(child)
    child.expect(pexpect.EOF)
    child.close()
    assert len(json.loads(terminal.resume_file.read_text())["answers"]) == 3


def test_one_answer_is_kept_in_the_singular(terminal):
    child = terminal()
    answer(child, "n")
    child.expect_exact("Your answer (")
    interrupt(child)
    child.expect_exact("Your 1 answer is kept in")
    child.expect(pexpect.EOF)
    child.close()


def test_at_40_columns_every_line_fits_and_no_word_is_broken(tmp_path):
    """An emergency lifter who asks why, mistypes, goes back, finishes, and a Ctrl-C on the way."""
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "COLUMNS": "40", "LINES": "50"}
    child = pexpect.spawn(COMMAND, ["assess", "--format", "json"], env=env, encoding="utf-8", timeout=30,
                          dimensions=(50, 40))
    shown = []

    def reply(prompt_end, text):
        child.expect(r"[)\]]: ")
        shown.append(child.before + child.after)
        child.sendline(text)

    for text in ["?", "??", "perhaps", "n", "back", "", "y"]:
        reply("): ", text)
    reply("[n]: ", "?")
    reply("[n]: ", "y")
    for text in ["n", "n", "1", "y", "5"]:
        reply("): ", text)
    child.expect_exact("Your answer (")
    shown.append(child.before + child.after)
    interrupt(child)
    child.expect(pexpect.EOF)
    shown.append(child.before)
    child.close()

    lines = screen_lines("".join(shown))
    too_long = [line for line in lines if len(line) > 40 and " " in line]  # a long path alone may not fit
    assert not too_long, too_long
    text = " ".join("".join(shown).split())
    for phrase in ["spinewise assess --resume", "together with", "Go to an emergency department now"]:
        assert phrase in ANSI.sub("", text)
    assert "!!" not in text and "Error: invalid input" not in text


def test_the_stop_prompt_explains_both_ways_and_the_warning_stays_until_the_report(terminal, rulebase):
    emergency = rulebase.dispositions[0]
    child = terminal("--format", "json")
    answer(child, "y")
    child.expect_exact(f"WARNING: {emergency.title.upper()}")
    child.expect_exact("Answer the other 12 to 21 questions for a full report anyway?")
    child.expect_exact("[n]: ")
    child.sendline("?")
    child.expect_exact("Yes: the questions go on")
    child.expect_exact("No: the report is made now from your 1 answer")
    child.expect_exact("[n]: ")
    child.sendline("y")
    asked = 0
    lines = ["n", "n", "n", "1,5", "y", "3", "0", "n", "2", "n", "n", "n", "n", "n", "n", "y", "1", "n", "8", "2", "0"]
    for text in lines:
        child.expect_exact(f"WARNING: {emergency.title.upper()}")  # above every question still asked
        child.expect(r"Question (\d+) of (\d+)(?: to (\d+))?")
        number, fewest, most = child.match.group(1), child.match.group(2), child.match.group(3)
        asked += 1
        answer(child, text)
    assert (number, fewest, most) == (str(asked + 1), str(asked + 1), None)  # the last question: "22 of 22"
    assert 12 <= asked <= 21
    child.expect_exact("That was the last question.")
    child.expect_exact(f"WARNING: {emergency.title.upper()}")
    child.expect_exact("call your local emergency")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_back_asks_the_previous_question_with_the_earlier_answer_as_the_default(terminal):
    child = terminal("--format", "json")
    answer(child, "n")
    answer(child, "back")
    child.expect_exact("Do you have numbness or tingling in the saddle area?")
    child.expect_exact("Your earlier answer: no. Press Enter to keep it, or type another.")
    child.expect_exact("Your answer (y/n; ? = why) [n]: ")
    child.sendline("")
    child.expect_exact("Question 2 of 13 to 22")
    interrupt(child)
    child.expect(pexpect.EOF)
    child.close()
    assert json.loads(terminal.resume_file.read_text())["answers"] == {"saddle_numbness": False}


def test_question_mark_says_what_the_hint_does_not(terminal, rulebase):
    """At every question, `?` gives why it matters: never the hint again, no empty or alarming outcome lists."""
    from spinewise.questionnaire.why import plain_why

    for question in rulebase.questions:
        lines = plain_why(question, rulebase)
        text = " ".join(lines)
        assert question.hint not in text
        assert "Pick the closest one" not in text
        assert ": ." not in text and "“: " not in text
        assert not any(finding.title in text for finding in rulebase.findings)
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", text)  # no codes
        assert len(lines) <= 4
