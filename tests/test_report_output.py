"""Where the report goes: PDF files and their missing extra, and text shaped for a terminal or a pipe."""

import os
import re
import shutil
import stat
import subprocess
import sys

import pexpect
import pytest

from conftest import EXAMPLES, invoke
from report_support import PINNED_EPOCH

ANSI = re.compile(r"\x1b\[[0-9;]*m")
TUCK = EXAMPLES / "tuck_pain_on_lowering.json"


@pytest.fixture(autouse=True)
def pinned_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)


def needs_weasyprint():
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:  # OSError: installed, but the Pango library is missing
        pytest.skip(f"the pdf extra cannot run here (pip install 'spinewise[pdf]', Debian libpango-1.0-0): {exc}")


def pdf_text(path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (Debian poppler-utils) is not installed; .ci/run installs it")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_pdf_report_is_written_privately_and_says_what_to_do(tmp_path):
    needs_weasyprint()
    target = tmp_path / "report.pdf"
    run = invoke("assess", "--answers", TUCK, "--output", target)
    assert run.exit_code == 0 and run.stdout == "" and run.stderr == ""
    assert target.read_bytes().startswith(b"%PDF-")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    text = " ".join(pdf_text(target).split())
    assert "Pause loaded hip thrusts and do the corrective program" in text
    assert "Start with 2 sets of 10 reps; build up to 3 sets of 15" in text
    assert "educational triage, not a diagnosis" in text
    info = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)) <= 2


def test_pdf_can_be_piped_but_is_not_a_text_format(tmp_path):
    needs_weasyprint()
    run = invoke("assess", "--answers", TUCK, "--format", "pdf")
    assert run.exit_code == 0 and run.stdout_bytes.startswith(b"%PDF-")


def test_missing_pdf_extra_is_one_clear_line_and_keeps_the_old_report(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # makes `import weasyprint` fail as if not installed
    target = tmp_path / "report.pdf"
    target.write_bytes(b"last week's report")
    run = invoke("assess", "--answers", TUCK, "--output", target)
    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr.strip().splitlines() == [
        "Error: PDF output needs the optional PDF support: pip install 'spinewise[pdf]' "
        "(WeasyPrint and the Pango library)"]
    assert target.read_bytes() == b"last week's report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def spinewise_on_terminal(columns: int, **env) -> str:
    child = pexpect.spawn(sys.executable, ["-m", "spinewise", "assess", "--answers", str(TUCK), "--format", "text"],
                          env={**os.environ, **env}, dimensions=(50, columns), encoding="utf-8", timeout=60)
    output = child.read()
    child.close()
    assert child.exitstatus == 0, output
    return output.replace("\r\n", "\n")


def test_text_on_a_terminal_wraps_to_its_width_and_uses_colour():
    output = spinewise_on_terminal(64)
    assert ANSI.search(output)
    lines = ANSI.sub("", output).splitlines()
    assert max(len(line) for line in lines) == 64
    assert "PAUSE LOADED HIP THRUSTS AND DO THE CORRECTIVE PROGRAM" in lines


def test_no_color_keeps_a_terminal_report_plain():
    assert not ANSI.search(spinewise_on_terminal(100, NO_COLOR="1"))


def test_piped_text_has_no_colour_and_wraps_at_80():
    run = subprocess.run([sys.executable, "-m", "spinewise", "assess", "--answers", str(TUCK), "--format", "text"],
                         capture_output=True, text=True, check=True)
    assert not ANSI.search(run.stdout)
    widths = [len(line) for line in run.stdout.splitlines()]
    assert max(widths) == 80 and sum(width > 60 for width in widths) > 10
