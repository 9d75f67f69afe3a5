"""Shared helpers for the report tests: pinned date, answers of every disposition, copied rule bases."""

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from conftest import EXAMPLES, RULES, TESTS

GOLDEN = TESTS / "golden"
PINNED_EPOCH = "1795478400"  # 2026-11-24, so golden reports do not change with the day they run
PINNED_DATE = "Tuesday 24 November 2026"  # reports say dates in words

# One answers file per disposition, most severe first.
BY_DISPOSITION = {
    "emergency": EXAMPLES / "cauda_equina_bladder.json",
    "urgent_consultation": TESTS / "cases" / "cancer_history_and_night_pain.json",
    "consultation": EXAMPLES / "exacerbated_pain_arched.json",
    "corrective_program": EXAMPLES / "tuck_pain_on_lowering.json",
    "reintroduce_load": EXAMPLES / "program_finished.json",
    "continue_training": EXAMPLES / "healthy_glutes_only.json",
}


def answers_file(path: Path, folder: Path) -> Path:
    """An answers file for `path`: examples are already one; test cases keep theirs under "answers"."""
    data = json.loads(path.read_text())
    if "answers" not in data:
        return path
    target = folder / path.name
    target.write_text(json.dumps(data["answers"]))
    return target


def copied_rules(folder: Path, edit_file: str, old: str, new: str) -> Path:
    """A copy of the shipped rule base with one text replaced in one file."""
    target = folder / "rules"
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("locale"))  # English only: see rules_copy
    path = target / edit_file
    text = path.read_text()
    assert old in text, f"{old!r} not in {edit_file}"
    path.write_text(text.replace(old, new, 1))
    return target


# The longest report the questions allow, for the print tests: every red flag that can come together,
# the worst pain for over a year, every technique finding, too much load and reps, the weakest core.
WORST_CASE = {
    "saddle_numbness": True, "bladder_bowel_change": True, "leg_weakness": True, "radiating_leg_pain": True,
    "feel_location": ["glutes", "hamstrings", "lower_back", "thighs", "core"],
    "back_pain": True, "pain_intensity": 10, "pain_weeks": 60, "pain_exacerbated": True, "pain_phase": "lowering",
    "fever": True, "cancer_history": True, "significant_trauma": True, "night_pain": True, "weight_loss": True,
    "tailbone_tuck": True, "arched_back": True, "thumb_test": "closer",
    "load_increase": True, "reps_per_set": 100, "dead_bug": "cannot_keep_back_down", "weeks_on_program": 5,
}


def worst_case_file(folder: Path) -> Path:
    target = folder / "worst_case.json"
    target.write_text(json.dumps(WORST_CASE))
    return target


def print_cases(folder: Path) -> dict:
    """Every disposition's example and the worst case, as answers files."""
    return {**{d: answers_file(path, folder) for d, path in BY_DISPOSITION.items()}, "worst_case": worst_case_file(folder)}


# -- printed reports (poppler's pdfinfo and pdftotext read them back) --------------------------------

def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pdf_words(pdf: Path) -> list:
    """Per page, every word as (x0, y0, x1, y1, word), from `pdftotext -bbox`."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    word = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
    return [[(*map(float, found[:4]), html.unescape(found[4])) for found in word.findall(page)]
            for page in re.findall(r"<page[^>]*>(.*?)</page>", out, re.S)]


def overprinted(pdf: Path) -> list:
    """(page, word, word) for every two words printed over each other: boxes that cross in both directions."""
    found = []
    for number, words in enumerate(pdf_words(pdf), 1):
        words.sort(key=lambda w: w[1])
        for index, a in enumerate(words):
            for b in words[index + 1:]:
                if b[1] >= a[3]:
                    break
                across = min(a[2], b[2]) - max(a[0], b[0])
                down = min(a[3], b[3]) - max(a[1], b[1])
                if across > 1 and down > 0.3 * min(a[3] - a[1], b[3] - b[1]):
                    found.append((number, a[4], b[4]))
    return found


def page_fill(pdf: Path) -> list:
    """Per page, how much of the page height its words span (0 for an empty page)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    fills = []
    for height, page in re.findall(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', out, re.S):
        tops = [float(y) for y in re.findall(r'yMin="([\d.]+)"', page)]
        bottoms = [float(y) for y in re.findall(r'yMax="([\d.]+)"', page)]
        fills.append((max(bottoms) - min(tops)) / float(height) if tops else 0.0)
    return fills


def page_limit(html_text: str) -> int:
    """Issue 11: a report prints on 2 pages, 3 when it carries the weekly tracker."""
    return 3 if '<section class="tracker">' in html_text else 2


def has_font(family: str) -> bool:
    """Whether fontconfig knows `family`; page counts are measured with the report's first font."""
    if not shutil.which("fc-list"):
        return True  # cannot tell; let the page counts speak
    return family in subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
