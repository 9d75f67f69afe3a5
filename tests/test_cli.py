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
            ["rules", "diff"]]


def test_version():
    run = invoke("--version")
    assert run.exit_code == 0 and __version__ in run.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command):
    run = invoke(*command, "--help")
    assert run.exit_code == 0
    assert "Example" in run.stdout and "spinewise " in run.stdout
    if command != ["rules"]:
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
