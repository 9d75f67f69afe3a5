"""The weekly check-in in a real browser (Playwright driving Debian's Chromium through waitress, as
`spinewise serve` runs it): the walk at 375 and 1280 px with and without JavaScript; Back,
Forward and reload never ask to resubmit a form; a hostile date refused with the error link
reaching its field; the assessment report's weekly tracker fitting its column. Set
SPINEWISE_WEB_SHOTS=DIR to keep the PNGs."""

import json
import re
from pathlib import Path

import pytest

from checkin_support import WEEK, started_journal
from conftest import EXAMPLES
from test_web_browser import CHROMIUM, browser, new_page, server, shots, sync_playwright, walk  # noqa: F401

pytestmark = pytest.mark.skipif(CHROMIUM is None or sync_playwright is None, reason="needs Chromium and playwright")

FIELDS = "els => [...new Set(els.map(e => e.name))]"


def fits(page) -> bool:
    page.wait_for_load_state()  # the stylesheets too
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth") or overflowing(page)


def overflowing(page) -> list:
    """What sticks out past the window's right edge (for the failure message)."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
        .map(e => `${e.tagName}.${e.className.baseVal ?? e.className} ${Math.round(e.getBoundingClientRect().right)}`)
        .slice(0, 8)""")


def upload(page, server, journal: Path, date: str):
    page.goto(f"{server}/checkin/")
    page.set_input_files("#journal", str(journal))
    page.fill("#date", date)
    page.get_by_role("button", name="Continue").click()


def fill_page(page, week: dict):
    """Each field of the page answered as `week` says, by its value (the labels may be in any language)."""
    for qid in page.eval_on_selector_all("input.choices__input, input.input--number", FIELDS):
        value = week[qid]
        if isinstance(value, bool):
            page.check(f'input[name="{qid}"][value="{"true" if value else "false"}"]')
        elif isinstance(value, int):
            page.fill(f'input[name="{qid}"]', str(value))
        else:
            page.check(f'input[name="{qid}"][value="{value}"]')


def answer_page(page, week: dict):
    fill_page(page, week)
    page.get_by_role("button", name="Continue").click()


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_week_walked_in_chromium_back_forward_and_reload(browser, server, shots, tmp_path, width, javascript):
    journal = started_journal(tmp_path)
    page = new_page(browser, width=width, javascript=javascript)
    upload(page, server, journal, "2026-11-09")
    seen = []
    while "/checkin/page/" in page.url:
        seen.append(page.url.rsplit("/", 1)[1])
        assert fits(page) is True, (page.url, fits(page))
        page.screenshot(path=str(shots / f"checkin-page{seen[-1]}-{width}-{'js' if javascript else 'nojs'}.png"),
                        full_page=True)
        answer_page(page, WEEK)
    assert page.url.endswith("/checkin/report") and seen == ["1", "2"]
    assert page.get_by_text("Weekly check-in, Monday 9 November 2026").first.is_visible()
    assert fits(page) is True, fits(page)
    page.screenshot(path=str(shots / f"checkin-report-{width}-{'js' if javascript else 'nojs'}.png"), full_page=True)

    page.go_back()  # the report came by a 303 from page 2's POST: Back is page 2, fetched with GET
    assert page.url.endswith("/checkin/page/2") and page.locator("h1").inner_text().startswith("Weekly check-in")
    assert page.input_value('input[name="pain_intensity"]') == "3"
    page.go_back()
    assert page.url.endswith("/checkin/page/1")
    assert page.is_checked('input[name="saddle_numbness"][value="false"]')
    page.reload()
    assert page.is_checked('input[name="leg_weakness"][value="false"]')
    page.go_forward()
    page.go_forward()
    assert page.url.endswith("/checkin/report")
    page.reload()
    assert page.get_by_text("Weekly check-in, Monday 9 November 2026").first.is_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download your journal with this week").click()
    entries = json.loads(Path(download.value.path()).read_text())["entries"]
    assert [entry["kind"] for entry in entries] == ["assessment", "checkin"]
    page.context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_date_after_today_is_refused_and_its_error_link_reaches_the_date(browser, server, shots, tmp_path,
                                                                           javascript):
    journal = started_journal(tmp_path)
    page = new_page(browser, javascript=javascript)
    upload(page, server, journal, "9999-12-31")
    assert page.url.endswith("/checkin/")
    summary = page.locator(".error-summary")
    assert "is after today" in summary.inner_text()
    page.screenshot(path=str(shots / f"checkin-date-error-{'js' if javascript else 'nojs'}.png"), full_page=True)
    summary.get_by_role("link").click()
    assert page.url.endswith("#date")
    page.reload()  # a refusal is shown once: a reload shows the form again, never "Confirm Form Resubmission"
    assert page.locator(".error-summary").count() == 0
    page.context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_assessment_reports_weekly_tracker_fits_its_column(browser, server, shots, triage, width):
    answers = json.loads((EXAMPLES / "tuck_pain_on_lowering.json").read_text())
    page = new_page(browser, width=width)
    page.goto(server)
    walk(page, triage.rulebase, answers)
    page.wait_for_load_state()
    tracker = page.locator(".tracker table")
    assert tracker.count() == 1
    widths = page.evaluate("""() => {
        const table = document.querySelector('.tracker table');
        return [table.getBoundingClientRect().right, table.parentElement.getBoundingClientRect().right,
                document.scrollingElement.scrollWidth, window.innerWidth];
    }""")
    table_right, column_right, scroll_width, viewport = widths
    assert table_right <= column_right + 0.5 and scroll_width <= viewport, widths
    tracker.screenshot(path=str(shots / f"report-tracker-{width}.png"))
    page.context.close()


def test_every_checkin_page_passes_axe(browser, server, tmp_path):
    """axe-core, as for the questionnaire's pages: the upload form, its error, each page of questions,
    a page's error summary, the report and the check-in's 404."""
    from axe_playwright_python.sync_playwright import Axe
    from test_web_browser import AXE_OPTIONS

    axe, problems = Axe(), []

    def check(page, kind):
        page.wait_for_load_state()
        for violation in axe.run(page, options=AXE_OPTIONS).response["violations"]:
            problems.append(f"{kind}: {violation['id']} ({violation['impact']}): "
                            f"{[node['target'] for node in violation['nodes']][:3]}")

    journal = started_journal(tmp_path)
    page = new_page(browser)
    page.goto(f"{server}/checkin/")
    check(page, "upload")
    upload(page, server, journal, "2027-12-12")
    check(page, "upload error")
    upload(page, server, journal, "2026-11-09")
    check(page, "page 1")
    page.get_by_role("button", name="Continue").click()
    check(page, "page 1 error")
    answer_page(page, WEEK)
    check(page, "page 2")
    answer_page(page, WEEK)
    check(page, "report")
    page.goto(f"{server}/checkin/nowhere")
    check(page, "404")
    page.context.close()
    assert problems == []


def answer_by_value(page, answers: dict):
    """From a questionnaire page to the report, answering by the fields' values: it reads no words, so it
    walks the pages in any language."""
    while not page.locator("body[data-disposition]").count():
        question = page.locator("input[name=question]")
        if not question.count():  # the check page
            page.locator("a.button").click()
            continue
        qid = question.get_attribute("value")
        value = answers[qid]
        if isinstance(value, bool):
            page.check(f'input[name="{qid}"][value="{"true" if value else "false"}"]')
        elif isinstance(value, int):
            page.fill(f'input[name="{qid}"]', str(value))
        else:
            for item in value if isinstance(value, list) else [value]:
                page.check(f'input[name="{qid}"][value="{item}"]')
        page.locator("form button[type=submit]").click()
        page.wait_for_load_state()


LAYOUT = """() => {
    const box = e => e.getBoundingClientRect();
    const one = css => document.querySelector(css);
    const result = {};
    const tracker = one('.tracker tbody td.pain');
    if (tracker) result.tracker_label = getComputedStyle(tracker, '::before').content;
    result.switch = [...document.querySelectorAll('header.web-header .language-switch a')].map(a => a.textContent.trim());
    result.broken_codes = [...document.querySelectorAll('main code, .web-toolbar code')]
        .filter(c => c.getClientRects().length > 1).map(c => c.textContent);
    const hash = one('.hash');
    if (hash) {
        const groups = [...hash.querySelectorAll('span')].map(box);
        result.hash_copied = hash.textContent;
        result.hash_gaps = groups.slice(1).map((g, i) => [groups[i], g])  // between groups on one line
            .filter(([a, b]) => Math.abs(a.top - b.top) < 2).map(([a, b]) => b.left - a.right);
    }
    const rule = one('#for-your-practitioner'), table = one('.tracker table');
    if (rule && table) result.rule_gap = box(rule).top - box(table).bottom;
    const note = one('.phase .note');
    if (note && note.nextElementSibling) result.note_gap = box(note.nextElementSibling.querySelector('h3, li') ||
        note.nextElementSibling).top - box(note).bottom;
    const later = one('section.later'), step = one('section.later ol.steps');
    if (later && step) result.steps_room = box(step).left + parseFloat(getComputedStyle(step).paddingLeft)
        - (box(later).left + parseFloat(getComputedStyle(later).borderLeftWidth));
    const button = one('nav.web-toolbar--top .web-button');
    if (button) result.button_gap = box(button).top - box(button.parentElement).top;
    result.chart_text = [...document.querySelectorAll('.pain-chart text')]
        .map(t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a);
    return result;
}"""


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_both_report_pages_read_in_the_chosen_language_with_room_around_their_parts(browser, server, shots, tmp_path,
                                                                                    width, lang):
    """A lifter who chose Spanish sees Spanish on the report and check-in report at 375 and 1280 px:
    the tracker's cards, the header with the switch back; and the parts keep clear of each other."""
    from checkin_support import FIRST

    page = new_page(browser, width=width)
    page.goto(f"{server}/language/{lang}/")
    page.locator("form[action$='/start'] button").first.click()
    answer_by_value(page, FIRST)
    assert page.locator("html").get_attribute("lang") == lang
    assert fits(page) is True, fits(page)
    page.screenshot(path=str(shots / f"report-{lang}-{width}.png"), full_page=True)
    shown = page.evaluate(LAYOUT)
    other = {"es": "English", "en": "Español"}[lang]
    assert shown["switch"] == [other]
    if width == 375:  # each box of a tracker card is labelled with its column's heading, in the page's language
        assert shown["tracker_label"] == {"es": '"Dolor máx. (0-10)"', "en": '"Worst pain (0-10)"'}[lang]
    assert shown["broken_codes"] == [] and page.locator("#report-actions code").count() >= 1
    assert re.fullmatch(r"[0-9a-f]{64}", shown["hash_copied"]) and min(shown["hash_gaps"]) >= 4, shown
    assert shown["rule_gap"] >= 20 and shown["note_gap"] >= 10 and shown["steps_room"] >= 24, shown

    journal = started_journal(tmp_path)
    page.goto(f"{server}/checkin/")
    page.set_input_files("#journal", str(journal))
    page.fill("#date", "2026-11-09")
    page.locator("form button[type=submit]").click()
    while "/checkin/page/" in page.url:
        answer_page_by_value(page, WEEK)
    assert page.url.endswith("/checkin/report")
    assert fits(page) is True, fits(page)
    page.screenshot(path=str(shots / f"checkin-report-{lang}-{width}.png"), full_page=True)
    shown = page.evaluate(LAYOUT)
    assert shown["switch"] == [other] and shown["button_gap"] >= 10, shown
    assert shown["chart_text"] and min(shown["chart_text"]) >= 11, shown["chart_text"]
    page.context.close()


def answer_page_by_value(page, week: dict):
    fill_page(page, week)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
