"""The report page: the HTML report exactly as `--format html` renders it, inside a <main>
landmark, with the web's header and toolbar (print, downloads, change answers) around it
and `data-disposition` on its <body>; report-page.css sets it in the questionnaire's type.

The report document is the report templates' own; this module only inserts around its
<head> and <body> tags and lists the hashes of its inline styles for the page's CSP.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.util
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
BODY = re.compile(r"<body\b([^>]*)>")


@dataclass(frozen=True)
class Download:
    endpoint: str
    label: str
    detail: str


@dataclass(frozen=True)
class ReportPage:
    html: str
    style_hashes: tuple  # 'sha256-...' sources for style-src


def embed(report_html: str, disposition: str, head: str, top: str, actions: str) -> ReportPage:
    """`report_html` with `head` before </head>, `top` first and `actions` last in <body>, and the disposition.

    The report itself becomes the page's <main>; the actions come after it so that its
    advice is the first thing read on a phone.
    """
    hashes = tuple(f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'"
                   for css in STYLE.findall(report_html))
    html = report_html.replace("</head>", f"{head}</head>", 1)
    attribute = Markup(' data-disposition="{}"').format(disposition)
    html = BODY.sub(lambda match: f'<body{match.group(1)}{attribute}>{top}<main id="main">', html, count=1)
    html = html.replace("</body>", f"</main>{actions}</body>", 1)
    return ReportPage(html, hashes)


def _with_command(message: str, command: str) -> Markup:
    """`message` (escaped) with the command set as code, which breaks only before or after it."""
    return escape(message) % {"command": Markup("<code>%s</code>") % command}


@functools.cache
def pdf_available() -> bool:
    """Whether WeasyPrint imports and finds its libraries (the `pdf` extra)."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def fhir_available() -> bool:
    return importlib.util.find_spec("spinewise.fhir") is not None


def journal_offered(rulebase, disposition: str) -> bool:
    """Whether a weekly check-in follows this advice: only then is a journal worth keeping."""
    return rulebase.checkin is not None and disposition in rulebase.checkin.roles.follows


def downloads(journal: bool = True) -> tuple:
    """The downloads the report page offers, in the page's language; only formats this installation
    can make, and the journal only when a weekly check-in follows the advice (`journal`)."""
    from spinewise.i18n import gettext

    offered = [Download("web.download_answers", gettext("Download your answers (JSON)"),
                        _with_command(gettext("Give the file to %(command)s to see this report again."),
                                      "spinewise assess --answers"))]
    if journal:
        offered.append(Download("checkin.start_journal", gettext("Download your journal for the weekly check-ins (JSON)"),
                                _with_command(gettext("Upload it at each weekly check-in on this site, or give it to "
                                                      "%(command)s on a computer."), "spinewise checkin --journal")))
    if pdf_available():
        offered.append(Download("web.download_pdf", gettext("Download this report (PDF)"),
                                gettext("To print or keep.")))
    # FHIR: the one place the FHIR download is offered, once spinewise.fhir exists.
    if fhir_available():
        offered.append(Download("web.download_fhir", gettext("Download this report for a clinic system (FHIR R4 JSON)"),
                                gettext("A Bundle with your answers and the outcome.")))
    return tuple(offered)
