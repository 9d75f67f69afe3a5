"""`pip install .` into a fresh virtual environment works on every supported Python it finds here."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO

PYTHONS = ["python3.10", "python3.11", "python3.12", "python3.13"]


def find_interpreter(python: str):
    """`python` on PATH, or one that pyenv has installed but not activated."""
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    candidates = [shutil.which(python)] + sorted(str(p) for p in pyenv_root.glob(f"versions/*/bin/{python}"))
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "--version"], capture_output=True).returncode == 0:
            return candidate
    return None


@pytest.mark.parametrize("python", PYTHONS)
def test_fresh_install_assesses_an_example(python, tmp_path):
    interpreter = find_interpreter(python)
    if interpreter is None:
        pytest.skip(f"{python} is not installed on this machine")
    venv = tmp_path / "venv"
    subprocess.run([interpreter, "-m", "venv", str(venv)], check=True)
    install = subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                              str(REPO)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]

    run = subprocess.run([str(venv / "bin" / "spinewise"), "assess", "--answers",
                          str(EXAMPLES / "tuck_pain_on_lowering.json"), "--format", "json"],
                         capture_output=True, text=True, cwd=tmp_path)

    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["disposition"] == "corrective_program"
    shipped = subprocess.run([str(venv / "bin" / "spinewise"), "rules", "check"], capture_output=True, text=True,
                             cwd=tmp_path)
    assert shipped.returncode == 0, shipped.stdout
