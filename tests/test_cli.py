"""The command surface: version, help with real examples, formats and private output files."""

import json
import os
import stat
import subprocess
import sys

import pytest

from conftest import EXAMPLES, invoke
from spinewise import __version__

COMMANDS = [["assess"], ["batch"], ["questions"], ["rules"], ["rules", "check"], ["rules", "doc"], ["rules", "test"],
            ["rules", "diff"], ["rules", "review"], ["checkin"], ["journal"], ["journal", "show"]]


def test_version():
    run = invoke("--version")
    assert run.exit_code == 0 and __version__ in run.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command):
    run = invoke(*command, "--help")
    assert run.exit_code == 0
    assert "Example" in run.stdout and "spinewise " in run.stdout
    if command not in (["rules"], ["journal"]):  # groups: their commands take --rules
        assert "--rules DIR" in run.stdout


def test_version_does_not_import_the_engine_or_templates():
    code = ("import sys; from spinewise.cli import main\n"
            "try: main(['--version'])\nexcept SystemExit: pass\n"
            "print(sorted(m for m in ('experta', 'jinja2', 'yaml') if m in sys.modules))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip().endswith("[]")


def test_json_result_has_the_contract_shape():
    run = invoke("assess", "--answers", EXAMPLES / "tuck_pain_on_lowering.json", "--format", "json")
    result = json.loads(run.stdout)
    assert result["disposition"] == "corrective_program"
    finding = next(f for f in result["findings"] if f["code"] == "lumbar_flexion_under_load")
    assert finding == {"code": "lumbar_flexion_under_load", "rule": "tech-lumbar-flexion",
                       "because": {"tailbone_tuck": True, "thumb_test": "closer"},
                       "source": "WHY DO HIP THRUSTS HURT MY LOWER BACK? / Perspective #1: Lumbar Movement Under Load"}
    dead_bug = next(p for p in result["plan"] if p["code"] == "dead_bug")
    assert (dead_bug["level"], dead_bug["sets"], dead_bug["reps"]) == ("advanced", 2, 10)


def test_output_file_is_private_and_complete(tmp_path):
    target = tmp_path / "report.json"
    run = invoke("assess", "--answers", EXAMPLES / "healthy_glutes_only.json", "--output", target)
    assert run.exit_code == 0 and run.stdout == ""
    assert json.loads(target.read_text())["disposition"] == "continue_training"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_unwritable_output_is_a_clear_error(tmp_path):
    run = invoke("assess", "--answers", EXAMPLES / "healthy_glutes_only.json", "--output",
                 tmp_path / "missing-folder" / "r.json")
    assert run.exit_code == 2
    assert "cannot write the report" in run.stderr and "Traceback" not in run.stderr


def test_pause_list_names_the_lifts():
    run = invoke("assess", "--answers", EXAMPLES / "exacerbated_pain_arched.json", "--format", "json")
    pause = next(p for p in json.loads(run.stdout)["plan"] if p["code"] == "pause_hip_extension_lifts")
    assert "Romanian deadlift" in pause["lifts"] and "back squat" in pause["lifts"] and len(pause["lifts"]) == 13


# --- bad input: one plain line, exit status 2, in every command (issue 17) --------------

HEALTHY = EXAMPLES / "healthy_glutes_only.json"


def one_line_error(run) -> str:
    assert run.exit_code == 2, (run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), run.stderr
    assert "Usage:" not in run.stderr and "Traceback" not in run.stderr
    return lines[0]


@pytest.mark.parametrize("args", [
    ["assess", "--answers", HEALTHY, "--rules", "{tmp}/missing"],
    ["questions", "--rules", "{tmp}/missing"],
    ["rules", "check", "{tmp}/missing"],
    ["rules", "doc", "{tmp}/missing"],
    ["rules", "test", "{tmp}/missing"],
    ["rules", "diff", "{tmp}/missing"],
], ids=lambda args: " ".join(map(str, args[:2])))
def test_a_missing_rule_folder_is_said_to_be_missing(args, tmp_path):
    line = one_line_error(invoke(*[str(arg).format(tmp=tmp_path) for arg in args]))
    assert f"there is no folder '{tmp_path}/missing'" in line
    assert "broken" not in line and ":1:" not in line


@pytest.mark.parametrize("args, option", [
    (["assess", "--answers", HEALTHY, "--output", "{tmp}"], "--output"),
    (["assess", "--answers", HEALTHY, "--save-answers", "{tmp}"], "--save-answers"),
    (["rules", "doc", "--output", "{tmp}"], "--output"),
    (["batch", "{answers}", "--output", "{tmp}"], "--output"),
])
def test_an_output_that_is_a_folder_is_one_line(args, option, tmp_path):
    answers = tmp_path / "a.jsonl"
    answers.write_text(HEALTHY.read_text().replace("\n", "") + "\n")
    line = one_line_error(invoke(*[str(arg).format(tmp=tmp_path, answers=answers) for arg in args]))
    assert line.startswith(f"Error: {option}: '{tmp_path}' is a folder; give a file name in it")


@pytest.mark.parametrize("content, name", [(b"", "me.json"), (b"  \n", "me.json")])
def test_an_empty_answers_file_is_said_to_be_empty(content, name, tmp_path):
    (tmp_path / name).write_bytes(content)
    line = one_line_error(invoke("assess", "--answers", tmp_path / name))
    assert f"{tmp_path / name} is empty" in line and "Expecting value" not in line


def test_empty_standard_input_is_said_to_be_empty():
    line = one_line_error(invoke("assess", "--answers", "-", input=""))
    assert "standard input is empty" in line


def test_an_unknown_output_extension_is_refused_with_the_allowed_ones(tmp_path):
    line = one_line_error(invoke("assess", "--answers", HEALTHY, "--output", tmp_path / "r.docx"))
    assert "no report format writes .docx files" in line
    assert ".txt" in line and ".html" in line and ".pdf" in line and "--format" in line
    assert not (tmp_path / "r.docx").exists()


def test_blank_lines_in_a_batch_are_skipped_not_refused(tmp_path):
    one = HEALTHY.read_text().replace("\n", "")
    source = tmp_path / "in.jsonl"
    source.write_text(f"{one}\n\n   \n{one}\n\n")
    run = invoke("batch", source)
    assert run.exit_code == 0, run.stderr
    results = [json.loads(line) for line in run.stdout.splitlines()]
    assert [result["disposition"] for result in results] == ["continue_training", "continue_training"]
    assert "2 assessed, 0 refused" in run.stderr


@pytest.mark.parametrize("group", [[], ["rules"]], ids=["spinewise", "spinewise rules"])
def test_help_lists_commands_in_whole_sentences_without_markdown(group):
    run = invoke(*group, "--help")
    listing = run.stdout[run.stdout.index("Commands:"):]
    rows = [line.strip() for line in listing.splitlines()[1:] if line.strip()]
    assert rows and all(row.endswith(".") and not row.endswith("...") for row in rows), rows
    for command in COMMANDS:
        assert "`" not in invoke(*command, "--help").stdout
