import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from spinewise.api import load_triage
from spinewise.cli import main

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
RULES = REPO / "rules"
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session", autouse=True)
def private_home(tmp_path_factory):
    """Rule cache and resume files go to a temporary folder, never the real home (subprocesses too)."""
    home = tmp_path_factory.mktemp("home")
    saved = {name: os.environ.get(name) for name in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME",
                                                     "XDG_CONFIG_HOME", "SPINEWISE_TRUST")}
    os.environ["XDG_CACHE_HOME"] = str(home / "cache")
    os.environ["XDG_STATE_HOME"] = str(home / "state")
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")  # no clinic's trust file unless a test writes one
    os.environ.pop("SPINEWISE_TRUST", None)
    yield home
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True)
def no_trust_file_left_behind(monkeypatch):
    """`--trust FILE` puts the file in SPINEWISE_TRUST for the run: forget it after each test."""
    monkeypatch.setenv("SPINEWISE_TRUST", "")  # empty: no trust file; restored to absent after the test


@pytest.fixture(autouse=True)
def english_after_each_test():
    """A command run with --lang leaves its language set in this process: the next test starts in English."""
    yield
    from spinewise.i18n import SOURCE, set_language

    set_language(SOURCE)


@pytest.fixture(scope="session")
def triage():
    return load_triage(RULES)


@pytest.fixture(scope="session")
def rulebase(triage):
    return triage.rulebase


@pytest.fixture
def rules_copy(tmp_path):
    """A private copy of the shipped rule base, to break or change in a test; English only (its
    translations are left out: a changed text would leave them behind, test_languages.py)."""
    target = tmp_path / "rules"
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("locale"))
    return target


def edit(path, old, new, count=1):
    """Replace `old` (which must be there) by `new` in a rule file."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count))


@pytest.fixture
def healthy():
    """A complete, valid answers object for a healthy, pain-free lifter."""
    return json.loads((EXAMPLES / "healthy_glutes_only.json").read_text())


SERIOUS_FLAGS_NO = {"fever": False, "cancer_history": False, "significant_trauma": False, "night_pain": False,
                    "weight_loss": False}


def with_pain(answers, **pain):
    """`answers` with back pain and every follow-up question answered (the serious flags no)."""
    return {**answers, "back_pain": True, "pain_intensity": 3, "pain_weeks": 1,
            "pain_exacerbated": False, "pain_phase": "lowering", **SERIOUS_FLAGS_NO, **pain}


def with_back_felt(answers, **flags):
    """`answers` of a pain-free lifter who feels the lift in the lower back (so the serious flags are asked)."""
    return {**answers, "feel_location": ["glutes", "lower_back"], **SERIOUS_FLAGS_NO, **flags}


def invoke(*args, input=None, env_columns=None):
    """Run the CLI in-process; stdout and stderr are kept apart (`env_columns`: the COLUMNS it sees)."""
    env = {"COLUMNS": str(env_columns)} if env_columns else None
    before = os.environ.get("COLUMNS")
    try:
        return CliRunner(env=env).invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)
    finally:  # never leave COLUMNS behind for a terminal test that runs later in this process
        if before is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = before


def line_of(path, text):
    """The number of the first line of a file that holds `text`."""
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def check(folder):
    """`spinewise rules check FOLDER`, asserting it never prints a traceback."""
    run = invoke("rules", "check", folder)
    assert "Traceback" not in run.output
    return run
