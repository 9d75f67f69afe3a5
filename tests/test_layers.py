"""The package keeps its layers: cli -> web -> api -> interfaces -> engine -> rulebase, without cycles.

The contracts are in pyproject.toml under [tool.importlinter]; `lint-imports` checks them.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is in the test extra")


def lint_imports(project: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(project / "src")}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=project, env=env, capture_output=True, text=True)


def test_the_source_keeps_every_import_contract():
    run = lint_imports(REPO)

    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_a_rule_base_module_importing_review_breaks_the_layers(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(REPO / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    shutil.copy(REPO / "pyproject.toml", project)
    strata = project / "src" / "spinewise" / "rulebase" / "strata.py"
    strata.write_text(strata.read_text() + "\nfrom spinewise.review.analysis import verify  # noqa\n")

    run = lint_imports(project)

    assert run.returncode == 1
    assert "spinewise.rulebase.strata -> spinewise.review.analysis.verify" in run.stdout
