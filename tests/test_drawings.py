"""The line drawings for the HTML and PDF report: self-contained, printable, and described for screen readers."""

import re
import xml.etree.ElementTree as ET

import pytest

from conftest import REPO

DRAWINGS = REPO / "templates" / "drawings"
SVG = "{http://www.w3.org/2000/svg}"
EXPECTED = {"dead-bug-regress", "dead-bug-beginner", "dead-bug-advanced", "hip-thrust-neutral"}
FILES = sorted(DRAWINGS.glob("*.svg"))


def test_every_exercise_has_its_drawing():
    assert EXPECTED <= {path.stem for path in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_a_drawing_is_one_described_image_that_needs_nothing_else(path):
    text = path.read_text(encoding="utf-8")
    root = ET.fromstring(text)  # well-formed XML, or this raises

    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and len(title.text.split()) >= 4, "a title that says what the drawing shows"
    assert len(root.get("aria-label", "").split()) >= 10, "an aria-label that describes the position"
    assert 200 <= float(root.get("width")) <= 260 and root.get("viewBox")
    for forbidden in ("href", "url(", "<image", "<script", "@import", "<foreignObject", "<text", "font-family"):
        assert forbidden not in text, f"{forbidden} in {path.name}: drawings carry no links, fonts or scripts"
    assert all(element.tag.startswith(SVG) for element in root.iter()), "SVG elements only"


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.stem)
def test_a_drawing_prints_in_black_on_white(path):
    colours = set(re.findall(r'(?:stroke|fill)="([^"]+)"', path.read_text(encoding="utf-8")))
    assert colours <= {"#000", "#fff", "none"}, colours
