"""The text report at any terminal width from 40 columns: every line fits, no word is split,
and severity is said in words a screen reader can read out."""

import json
import os
import re
import sys

import pexpect
import pytest

from conftest import EXAMPLES, REPO
from report_support import copied_rules
from spinewise.api import load_triage, render
from spinewise.report.model import build_view

EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))
WIDTHS = (40, 60, 100)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def terminal_env() -> dict:
    """The environment without COLUMNS or LINES (a test runner may set them): the pty's size decides."""
    return {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}


def flat(text: str) -> str:
    """Lines joined back into one run of words: a word split across lines shows up as two words."""
    return " ".join(text.split()).lower()


def source_texts(view) -> list[str]:
    """Every sentence from the rule base that the report shows."""
    texts = [view.headline, view.advice, *view.lifts]
    if view.alert:
        texts += [item.text for item in view.alert.actions] + list(view.alert.because)
    for finding in view.findings:
        texts += [finding.title, *finding.because]
        texts += [] if finding.brief else [finding.explanation]
    for phase in view.phases:
        for item in phase.items:
            texts += [item.title, *item.doses, item.level_note]
            texts += [] if phase.brief else [item.text, *item.steps]
    if view.safety_net:
        texts += [view.safety_net.if_worse, *(sign for _, signs in view.safety_net.warnings for sign in signs)]
    texts += [said.statement for said in view.answers]
    return [text for text in texts if text]


def assert_fits(text: str, width: int) -> None:
    for line in text.splitlines():
        if len(line) > width:  # only a word longer than the line (the rule-base hash) may run over
            assert len(line.split()) == 1, f"{len(line)} > {width}: {line!r}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda path: path.stem)
def test_every_line_fits_and_no_word_is_split(example, width, triage):
    result = triage.assess(json.loads(example.read_text()))
    text = render(result, "text", width=width)

    assert_fits(text, width)
    joined = flat(text)
    for source in source_texts(build_view(result, triage.rulebase)):
        assert flat(source) in joined, f"split or lost at {width} columns: {source!r}"
    digest = triage.rulebase.content_hash
    assert " ".join(digest[i:i + 8] for i in range(0, 64, 8)) in " ".join(text.split()), "the digest whole, in groups"


@pytest.mark.parametrize("width", (40, 52, 61, 62, 80))
def test_the_tracker_keeps_one_block_per_week_at_every_width(width, triage):
    result = triage.assess(json.loads((EXAMPLES / "tuck_pain_on_lowering.json").read_text()))
    text = render(result, "text", width=width)
    tracker = text[text.index("WEEKLY TRACKER"):text.index("ABOUT THIS REPORT")]
    assert_fits(tracker, width)
    assert len(re.findall(r"^Week \d, starting\b", tracker, re.M)) == 4
    assert len(re.findall(r"\b\w+day \d+ \w+ \d{4}:$", tracker, re.M)) == 4, "each date whole, its weekday with it"
    flat = " ".join(tracker.split())
    assert len(re.findall(r"Week \d, starting \w+day \d+ \w+ \d{4}:", flat)) == 4
    assert flat.count("Sessions ____ Pain ____ Back? yes / no Level ________ Notes ____") == 4


def test_a_word_longer_than_the_line_runs_over_whole(tmp_path):
    url = "https://example.org/guidance/low-back-pain-and-sciatica-in-over-16s/recommendations"
    rules = copied_rules(tmp_path, "rulebase.yaml", "before you load your hips and lower back again.",
                         f"before you load your hips and lower back again. {url}")
    triage = load_triage(rules)
    result = triage.assess(json.loads((EXAMPLES / "exacerbated_pain_arched.json").read_text()))
    text = render(result, "text", rules, width=40)
    assert url in text.splitlines()
    assert_fits(text, 40)


def test_severity_is_said_in_words(triage):
    result = triage.assess(json.loads((EXAMPLES / "cauda_equina_bladder.json").read_text()))
    text = render(result, "text", width=60)
    scale = len(triage.rulebase.dispositions)
    assert f"Urgency: {scale} of {scale} (the higher, the more urgent)." in text
    assert text.splitlines()[2].startswith("WARNING: ")
    assert not re.search(r"[^\w\s]{3,}", text), "no row of punctuation"


@pytest.mark.parametrize("columns", (40, 100))
def test_on_a_terminal_the_report_follows_the_terminal_width(columns):
    child = pexpect.spawn(sys.executable, ["-m", "spinewise", "assess", "--answers",
                                           str(EXAMPLES / "tuck_pain_on_lowering.json"), "--format", "text"],
                          cwd=str(REPO), env={**terminal_env(), "NO_COLOR": "1"}, dimensions=(50, columns),
                          encoding="utf-8", timeout=60)
    output = ANSI.sub("", child.read()).replace("\r\n", "\n")
    child.close()
    assert child.exitstatus == 0, output
    assert_fits(output, columns)
    widest = max(len(line) for line in output.splitlines() if len(line.split()) > 1)
    assert columns - 12 <= widest <= columns
    assert "pause loaded hip thrusts and do the corrective program" in flat(output)


@pytest.mark.parametrize("width", (40, 52, 80))
def test_a_short_aside_in_brackets_is_never_broken_across_lines(width, triage):
    for example in EXAMPLE_FILES:
        text = render(triage.assess(json.loads(example.read_text())), "text", width=width)
        broken = [line for line in text.splitlines()
                  if re.search(r"\([^()]{0,22}$", line) and len(line) < width - 24]
        assert not broken, f"an aside in brackets opened and not closed on the line at {width} columns: {broken}"
        asides = re.findall(r"\([^()]{1,24}\)", " ".join(text.split()))
        assert all(aside in text for aside in asides), "each short aside whole on one line"


SPANISH_WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda path: path.stem)
def test_a_spanish_report_at_40_columns_keeps_dates_fields_and_labels_whole(example):
    from conftest import invoke

    run = invoke("assess", "--answers", example, "--format", "text", "--lang", "es", env_columns=40)
    assert run.exit_code == 0, run.output
    lines = run.stdout.splitlines()
    assert_fits(run.stdout, 40)
    assert not [line for line in lines if line.rstrip().endswith(tuple(day + "," for day in SPANISH_WEEKDAYS))], \
        "a weekday never ends a line without its date"
    tracker = [line for line in lines if "¿Espalda?" in line]
    assert all("¿Espalda? sí / no" in line for line in tracker), "a tracker field is never split"


def test_a_checkin_at_40_columns_prints_its_command_whole(tmp_path):
    from conftest import TESTS
    from words_support import run_journey

    run = run_journey(TESTS / "journeys" / "hip_thrust_steps.json", tmp_path, lang="es", width=40)
    commands = [line for report in run.reports for line in report.splitlines() if "spinewise checkin" in line]
    assert commands and all(line.strip().startswith("spinewise checkin --journal /") for line in commands), \
        "copied from the terminal, the command runs: its path is on its line"
