"""The words of the line drawings (templates/drawings/*.svg): their title and their description
for screen readers are catalogue messages like every other sentence a lifter meets.

The drawing files stay plain SVG (valid XML, nothing to run); a report includes a drawing
through `in_language`, which puts each text in the language in use, and `extract_svg` gives
Babel the same texts to put in the catalogue.
"""

from __future__ import annotations

import html
import re

# aria-label="..." on the <svg> element, and the text of its <title>
WORDS = re.compile(r'(aria-label=")([^"]*)(")|(<title>)([^<]*)(</title>)')


def svg_texts(source: str) -> list:
    """(line, text) of every text of a drawing, in file order."""
    found = []
    for match in WORDS.finditer(source):
        text = match.group(2) if match.group(2) is not None else match.group(5)
        found.append((source.count("\n", 0, match.start()) + 1, html.unescape(text)))
    return found


def extract_svg(fileobj, keywords, comment_tags, options):  # noqa: ARG001 - Babel's extractor signature
    source = fileobj.read().decode("utf-8")
    for line, text in svg_texts(source):
        yield line, "gettext", text, ["a line drawing's title or its description for screen readers"]


def in_language(source: str, gettext) -> str:
    """The drawing with its texts translated (escaped for the attribute or the element)."""
    def swap(match):
        if match.group(2) is not None:
            return match.group(1) + html.escape(gettext(html.unescape(match.group(2))), quote=True) + match.group(3)
        return match.group(4) + html.escape(gettext(html.unescape(match.group(5))), quote=False) + match.group(6)

    return WORDS.sub(swap, source)
