"""The web questionnaire in a real browser: Playwright driving Debian's Chromium.

Lifters walk it with and without JavaScript, axe-core checks every kind of page, each
kind is photographed at 375 px and at desktop width (set SPINEWISE_WEB_SHOTS=DIR to keep
the PNGs), and the report page is printed to PDF. Playwright's own browser download is
not used: Chromium comes from Debian (.ci/run installs it).
"""

import json
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import EXAMPLES, TESTS, with_pain

CHROMIUM = next((path for path in ("/usr/bin/chromium", shutil.which("chromium") or "") if path and
                 Path(path).exists()), None)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    sync_playwright = None

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or sync_playwright is None,
    reason="needs Chromium (Debian: apt-get install chromium; .ci/run does) and playwright (the test extra)")

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                                     "best-practice"]},
               "resultTypes": ["violations"]}
WIDTHS = {"phone": 375, "desktop": 1280}


@pytest.fixture(scope="module")
def server():
    from spinewise.web import create_app
    from spinewise.web.serve import address, make_server

    waitress = make_server(create_app(), "127.0.0.1", 0)
    thread = threading.Thread(target=waitress.run, daemon=True)
    thread.start()
    yield address(waitress).rstrip("/")
    waitress.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("SPINEWISE_WEB_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_page(browser, width=375, javascript=True):
    context = browser.new_context(viewport={"width": width, "height": 800}, java_script_enabled=javascript)
    return context.new_page()


def answer_shown_question(page, rulebase, answers):
    qid = page.locator("input[name=question]").get_attribute("value")
    question = rulebase.question(qid)
    value = answers[qid]
    labels = {choice.value: choice.label for choice in question.choices}
    if question.type == "bool":
        page.get_by_label("Yes" if value else "No", exact=True).check()
    elif question.type == "int":
        page.get_by_label(question.text).fill(str(value))
    elif question.type == "choice":
        page.get_by_label(labels[value], exact=True).check()
    else:
        for item in value:
            page.get_by_label(labels[item], exact=True).check()
    page.get_by_role("button", name="Continue").click()


def walk(page, rulebase, answers, finish_after_stop=True, visit=lambda page, kind: None):
    """From the start page to the report, answering as `answers` says; `visit` sees every page."""
    visit(page, "start")
    page.get_by_role("button", name="Start now").click()
    # Each kind of page is told by what it holds; wait until one of them has arrived, or a
    # page still loading under a busy CI machine would be taken for the check page.
    report, question, stop = (page.locator(css) for css in ("body[data-disposition]", "input[name=question]", ".stop"))
    check = page.get_by_role("link", name="See your report", exact=True)
    arrived = report.or_(question).or_(stop).or_(check).first
    while arrived.wait_for(state="attached") or not report.count():
        if question.count():
            visit(page, "question")
            answer_shown_question(page, rulebase, answers)
        elif stop.count():
            visit(page, "stop")
            finish = finish_after_stop and page.get_by_role("link", name=re.compile("Answer the other")).count()
            page.get_by_role("link", name=re.compile("Answer the other" if finish else "See your report now")).click()
        else:
            visit(page, "check")
            check.click()
    visit(page, "report")
    return page.locator("body").get_attribute("data-disposition")


LIFTERS = {
    "healthy": (EXAMPLES / "healthy_glutes_only.json", True),
    "corrective program, JavaScript off": (EXAMPLES / "tuck_pain_on_lowering.json", False),
    "saddle numbness": (None, True),
}


@pytest.mark.parametrize("lifter", LIFTERS)
def test_three_lifters_reach_the_right_report(browser, server, triage, lifter):
    path, javascript = LIFTERS[lifter]
    answers = json.loads(path.read_text()) if path else {"saddle_numbness": True}
    page = new_page(browser, javascript=javascript)
    page.goto(server)
    disposition = walk(page, triage.rulebase, answers, finish_after_stop=False)

    assert disposition == triage.assess(answers).disposition
    assert page.get_by_role("heading", name=triage.rulebase.disposition(disposition).title).first.is_visible()
    print_button = page.get_by_role("button", name="Print this report")
    assert print_button.is_visible() == javascript, "the print button is a scripted enhancement"
    assert page.get_by_text("use your browser’s Print command").is_visible() != javascript
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download your answers")).click()
    assert json.loads(Path(download.value.path()).read_text()) == answers
    page.context.close()


def test_the_stop_advice_is_an_alert_shown_the_moment_it_is_answered(browser, server, rulebase):
    page = new_page(browser)
    page.goto(server)
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    alert = page.get_by_role("alert")
    assert rulebase.dispositions[0].title in alert.inner_text()
    page.context.close()


def test_the_error_summary_takes_focus_and_its_link_reaches_the_field(browser, server):
    page = new_page(browser)
    page.goto(server)
    page.get_by_role("button", name="Start now").click()
    page.get_by_role("button", name="Continue").click()
    # autofocus is applied once the page has loaded; wait for it rather than race it on a busy machine
    page.wait_for_function("document.activeElement.className === 'error-summary'", timeout=5000)
    page.get_by_role("link", name="Select yes or no").click()
    assert page.evaluate("document.activeElement.id") == "saddle_numbness"
    page.context.close()


def test_a_keyboard_alone_answers_opens_why_and_goes_back(browser, server, rulebase):
    page = new_page(browser, width=1280)
    page.goto(server)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    focus_then(page, "Start now", "Enter")
    for expected in rulebase.questions[1:4]:
        focus_then(page, "Yes", "ArrowRight")  # arrows move within a radio group and select: No
        focus_then(page, "Why are we asking this?", "Enter")
        assert page.locator("details").get_attribute("open") is not None
        focus_then(page, "Continue", "Enter")
        assert page.locator("h1").inner_text() == expected.text
    focus_then(page, "Back", "Enter")
    assert page.locator("h1").inner_text() == rulebase.questions[2].text
    assert page.locator("input[value=false]").is_checked()
    page.context.close()


def focus_then(page, name: str, key: str, limit: int = 30):
    """Tab until the focused element is named `name`, then press `key` (and wait for the page it sends)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("(e => (e.labels && e.labels[0] ? e.labels[0].textContent : e.textContent)"
                                ".trim())(document.activeElement)")
        if focused == name:
            if name in ("Start now", "Continue", "Back"):
                with page.expect_navigation():
                    page.keyboard.press(key)
            else:
                page.keyboard.press(key)
            return
    raise AssertionError(f"Tab never reached {name!r}")


TARGETS = ".back-link, .change-link, .button, .web-link, .web-button, .choices__input"


def test_every_kind_of_page_passes_axe_and_fits_a_phone(browser, server, rulebase, shots, healthy):
    """axe-core finds no violation of any impact on any page; nothing is wider than a phone; 44 px targets."""
    from axe_playwright_python.sync_playwright import Axe

    axe, problems, seen = Axe(), [], {}
    answers = with_pain({**healthy, "saddle_numbness": True}, feel_location=["glutes", "lower_back"])

    def visit(page, kind):
        qid = page.locator("input[name=question]").get_attribute("value") if kind == "question" else ""
        kind = f"question-{rulebase.question(qid).type}" if qid else kind
        if kind in seen:
            return
        if kind == "question-bool" and not seen.get("error"):  # the error state of a question, first
            page.get_by_role("button", name="Continue").click()
            check(page, "question-error")
            seen["error"] = True
        check(page, kind)
        seen[kind] = True

    def check(page, kind):
        if page.locator("details").count():
            page.locator("details summary").click()
        for name, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 800})
            page.screenshot(path=str(shots / f"{kind}-{name}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth")
            if overflow > width:
                problems.append(f"{kind}: {overflow} px wide at {width} px")
        page.set_viewport_size({"width": 375, "height": 800})
        for violation in axe.run(page, options=AXE_OPTIONS).response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            problems.append(f"{kind}: {violation['id']} ({violation['impact']}): {targets}")
        small = page.evaluate("""selector => [...document.querySelectorAll(selector)]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.textContent.trim().slice(0, 30), Math.round(e.getBoundingClientRect().height)])
            .filter(([_, height]) => height < 44)""", TARGETS)
        problems.extend(f"{kind}: {text!r} is {height} px tall" for text, height in small)

    page = new_page(browser)
    page.goto(server)
    walk(page, rulebase, answers, visit=visit)
    page.goto(server + "/no/such/page")
    check(page, "not-found")
    page.context.add_cookies([{"name": "spinewise_answers", "value": "00000000" + "x" * 20, "url": server}])
    page.goto(server + "/question")
    check(page, "restarted")
    page.goto(server + "/question")
    check(page, "no-answers")
    page.context.close()

    assert set(seen) >= {"start", "error", "question-bool", "question-multi", "question-int", "question-choice",
                         "stop", "check", "report"}
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("javascript", [True, False], ids=["JavaScript", "no JavaScript"])
def test_the_browsers_back_forward_and_reload_show_the_answers_as_they_are(browser, server, rulebase, javascript):
    first, second, third = (question.text for question in rulebase.questions[:3])
    page = new_page(browser, javascript=javascript)
    page.goto(server)
    page.get_by_role("button", name="Start now").click()
    for _ in range(2):
        page.get_by_label("No", exact=True).check()
        page.get_by_role("button", name="Continue").click()
    assert page.locator("h1").inner_text() == third
    assert "?" not in page.url

    back = page.go_back()
    assert back.status == 200 and page.locator("h1").inner_text() == second
    assert page.get_by_label("No", exact=True).is_checked(), "the earlier answer is shown"
    again = page.reload()
    assert again.status == 200 and page.locator("h1").inner_text() == second
    assert page.get_by_label("No", exact=True).is_checked()
    forward = page.go_forward()
    assert forward.status == 200 and page.locator("h1").inner_text() == third
    page.go_back()
    page.go_back()
    assert page.locator("h1").inner_text() == first and page.get_by_label("No", exact=True).is_checked()
    page.get_by_label("Yes", exact=True).check()  # changed on the way back: the emergency advice
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("alert").count()
    page.go_back()
    assert page.get_by_label("Yes", exact=True).is_checked()
    assert page.locator(".warning-box").count(), "the warning stays on the pages after it"
    page.context.close()


def test_the_report_page_reads_like_the_questionnaire_on_a_phone(browser, server, rulebase):
    answers = json.loads((EXAMPLES / "tuck_pain_on_lowering.json").read_text())
    page = new_page(browser)
    page.goto(server)
    walk(page, rulebase, answers)
    style = "e => [getComputedStyle(e).fontSize, getComputedStyle(e).fontFamily]"
    report_size, report_font = page.locator(".outcome p, .alert p").first.evaluate(style)
    tracker = page.locator(".tracker")
    assert tracker.evaluate("e => e.scrollWidth <= e.clientWidth"), "the tracker fits 375 px"
    header_cell = page.locator(".tracker td").first
    assert header_cell.evaluate("e => e.getBoundingClientRect().width") > 300, "one card per week, not columns"
    assert page.get_by_role("main").count() == 1
    page.get_by_role("link", name="Check or change your answers").click()
    question_size, question_font = page.locator("main p").first.evaluate(style)
    assert (report_size, report_font) == (question_size, question_font) == ("19px", question_font)
    page.context.close()


PAGE_LIMIT = {"corrective_program": 3}  # with the weekly tracker; every other report: 2 A4 pages


@pytest.mark.parametrize("disposition, source", [
    ("corrective_program", EXAMPLES / "tuck_pain_on_lowering.json"),
    ("continue_training", EXAMPLES / "healthy_glutes_only.json"),
    ("urgent_consultation", TESTS / "cases" / "cancer_history_and_night_pain.json"),
])
def test_the_report_page_prints_within_the_report_page_limit(browser, server, rulebase, disposition, source,
                                                               tmp_path):
    data = json.loads(source.read_text())
    answers = data.get("answers", data)
    page = new_page(browser, width=1280)
    page.goto(server)
    assert walk(page, rulebase, answers) == disposition
    pdf = tmp_path / "report.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4")
    page.context.close()
    pages = count_pages(pdf)
    print(f"{disposition}: {pages} A4 pages")
    assert pages <= PAGE_LIMIT.get(disposition, 2)


def count_pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))
