"""Install an earlier commit of spinewise into its own virtual environment, for before/after figures.

    python benchmarks/before.py 99cccaa /tmp/spinewise-before
    python benchmarks/run.py --before /tmp/spinewise-before/venv/bin/python

The commit's tree is exported with `git archive` (the worktree is not touched) and
installed with the Python running this script; the path of the new environment's Python
is printed last.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def install(commit: str, folder: Path) -> Path:
    source, venv = folder / "src", folder / "venv"
    source.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile() as archive:
        subprocess.run(["git", "-C", str(REPO), "archive", commit], stdout=archive, check=True)
        archive.seek(0)
        with tarfile.open(fileobj=archive) as tar:
            tar.extractall(source, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    base = Path(sys.base_prefix) / "bin" / "python3"
    subprocess.run([str(base), "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(source)], check=True)
    return venv / "bin" / "python"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("commit")
    parser.add_argument("folder", type=Path)
    options = parser.parse_args()
    print(install(options.commit, options.folder))


if __name__ == "__main__":
    main()
