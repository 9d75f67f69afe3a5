"""The HTML report printed by a real browser: headless Chromium prints it to PDF on A4 and
Letter, and poppler's pdfinfo/pdftotext read back the page count and the words.

.ci/run installs Chromium and poppler-utils from Debian when they are missing; these tests
skip only where that was impossible.
"""

import re
import shutil
import subprocess

import pytest

from conftest import invoke
from report_support import BY_DISPOSITION, PINNED_EPOCH, answers_file

BROWSER = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-pdf-header-footer"]
PAPER = {"A4": "A4", "Letter": "letter"}

pytestmark = pytest.mark.skipif(
    not (BROWSER and shutil.which("pdfinfo") and shutil.which("pdftotext")),
    reason="needs Chromium and poppler-utils (Debian: apt-get install chromium poppler-utils; .ci/run does)")


@pytest.fixture(autouse=True)
def pinned_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)


def printed(disposition, paper, tmp_path):
    """(page count, page 1 text, whole text) of the HTML report printed on `paper`."""
    html = tmp_path / f"{disposition}.html"
    run = invoke("assess", "--answers", answers_file(BY_DISPOSITION[disposition], tmp_path), "--output", html)
    assert run.exit_code == 0, run.stderr
    # The report leaves the paper size to the printer; pin it as a user's print dialog would.
    source = html.read_text()
    assert "@page { size: auto;" in source
    html.write_text(source.replace("@page { size: auto;", f"@page {{ size: {PAPER[paper]};"))
    pdf = tmp_path / f"{disposition}-{paper}.pdf"
    subprocess.run([BROWSER, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}",
                    html.as_uri()], capture_output=True, timeout=180, check=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert f"({PAPER[paper]})" in info

    def text(*page_range):
        command = ["pdftotext", *page_range, str(pdf), "-"]
        return " ".join(subprocess.run(command, capture_output=True, text=True, check=True).stdout.split())

    return pages, text("-f", "1", "-l", "1"), text()


@pytest.mark.parametrize("paper", PAPER)
def test_typical_report_prints_on_two_pages_with_its_tracker(paper, tmp_path, rulebase):
    pages, first, whole = printed("corrective_program", paper, tmp_path)
    assert pages <= 2
    assert "Pause loaded hip thrusts and do the corrective program" in first
    assert "Start with 2 sets of 10 reps; build up to 3 sets of 15" in whole
    assert "WEEKLY TRACKER" in whole and whole.count("☐ yes ☐ no") == 12
    assert "educational triage, not a diagnosis" in whole and rulebase.content_hash in whole


@pytest.mark.parametrize("paper", PAPER)
def test_emergency_advice_is_on_the_first_printed_page(paper, tmp_path, rulebase):
    pages, first, whole = printed("emergency", paper, tmp_path)
    assert pages <= 2
    advice = " ".join(rulebase.disposition("emergency").advice.split())
    assert "GO TO AN EMERGENCY DEPARTMENT NOW" in first and advice in first


@pytest.mark.parametrize("disposition", BY_DISPOSITION)
def test_every_disposition_prints_whole_on_a4(disposition, tmp_path, rulebase):
    pages, first, whole = printed(disposition, "A4", tmp_path)
    assert pages <= 3
    assert rulebase.disposition(disposition).title in first
    assert "educational triage, not a diagnosis" in whole
    assert " ".join(rulebase.questions[0].text.split()) in whole, "the answers appendix is printed"
