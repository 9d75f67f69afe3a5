"""A practitioner's morning in Chromium, at 1280 and 375 px: sign up from the link, sign in, make
share codes, three lifters share their journals on the share page, the list in the rule base's
order, acknowledge, a note, the FHIR export, a withdrawal, the audit log. axe-core checks every
page; nothing is wider than the window, and no page breaks its own Content-Security-Policy (the
browser's console says so when one does). The same morning on SQLite and on a real PostgreSQL
(.ci/run starts one). SPINEWISE_CLINIC_SHOTS=DIR keeps the PNGs."""

import datetime
import os
import re
import threading
from pathlib import Path

import pytest
from clinic_support import fresh_database, journey_journal, postgres_url
from test_web_browser import ARGS, AXE_OPTIONS, CHROMIUM, sync_playwright

from spinewise.clinic import db, store

pytestmark = pytest.mark.skipif(CHROMIUM is None or sync_playwright is None,
                                reason="needs Chromium (Debian: apt-get install chromium; .ci/run does) and playwright")
PASSWORD = "correct horse battery staple"
WIDTHS = {"desktop": 1280, "phone": 375}


@pytest.fixture(params=["sqlite", "postgresql"])
def clinic(request, tmp_path, monkeypatch):
    from waitress import create_server

    from spinewise.clinic.app import create_clinic_app

    if request.param == "postgresql" and postgres_url() is None:
        pytest.skip("SPINEWISE_TEST_POSTGRES is not set: no PostgreSQL to run the morning against "
                    "(.ci/run starts a throwaway one)")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime.datetime(2026, 12, 6, 9).timestamp())))
    url, drop = fresh_database(request.param, tmp_path)
    db.migrate(url)
    store.init_clinic(url, "Riverside Physio")
    server = create_server(create_clinic_app(url), host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    yield url, f"http://127.0.0.1:{server.effective_port}"
    server.close()
    drop()


def watch_policy(page, problems: list) -> None:
    """Every Content-Security-Policy violation the browser reports on `page` becomes a problem."""
    def console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"{page.url}: {message.text}")

    page.on("console", console)


def shot_at_each_width(page, shots, file: str, name: str) -> list:
    """The page as a PNG at each width; a problem for each width it is wider than."""
    problems = []
    for kind, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(shots / f"{file}-{kind}.png"), full_page=True)
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width:
            problems.append(f"{name}: {wide} px wide at {width} px")
    return problems


def test_a_practitioners_morning_in_chromium(clinic, tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    url, base = clinic
    shots = Path(os.environ.get("SPINEWISE_CLINIC_SHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    axe, problems = Axe(), []

    def look(page, name):
        problems.extend(shot_at_each_width(page, shots, f"clinic-{name}", name))
        for violation in axe.run(page, options=AXE_OPTIONS).response["violations"]:
            problems.append(f"{name}: {violation['id']} ({violation['impact']}): "
                            f"{[node['target'] for node in violation['nodes']][:3]}")

    link = f"{base}/signup/" + store.add_practitioner(url, "Ana Ruiz", "ana@example.org", "admin")
    journals = [journey_journal(name, tmp_path, datetime.date(2026, 11, 2), steps)
                for name, steps in (("leg_weakness_in_week_two", None), ("flare_after_sessions", None),
                                    ("arched_lifter_back_to_usual_weight", 4))]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        practitioner = browser.new_context(accept_downloads=True).new_page()
        watch_policy(practitioner, problems)
        practitioner.goto(link)
        look(practitioner, "signup")
        practitioner.get_by_label("Password", exact=True).fill(PASSWORD)
        practitioner.get_by_label("The same password again").fill(PASSWORD)
        practitioner.get_by_role("button", name="Set my password").click()
        practitioner.get_by_label("E-mail address").fill("ana@example.org")
        practitioner.get_by_label("Password").fill("not the password")
        practitioner.get_by_role("button", name="Sign in").click()
        look(practitioner, "signin-error")
        practitioner.get_by_label("Password").fill(PASSWORD)
        practitioner.get_by_role("button", name="Sign in").click()
        look(practitioner, "list-empty")

        links = []
        for number, journal in enumerate(journals):
            practitioner.goto(f"{base}/share-codes")
            practitioner.get_by_role("button", name="Make a new share code").click()
            code = practitioner.locator(".clinic-code__value").inner_text()
            if number == 0:
                look(practitioner, "share-code")
            lifter = browser.new_context().new_page()
            watch_policy(lifter, problems)
            lifter.goto(f"{base}/share")
            if number == 0:
                lifter.get_by_role("button", name="Share my journal").click()
                look(lifter, "share-errors")
            lifter.get_by_label("Share code").fill(code)
            lifter.get_by_label("Your journal file").set_input_files(str(journal))
            lifter.get_by_label("I agree").check()
            lifter.get_by_role("button", name="Share my journal").click()
            assert "Your journal is shared" in lifter.content()
            links.append(lifter.url)
            if number == 0:
                look(lifter, "shared")
            lifter.context.close()

        practitioner.goto(f"{base}/list")
        look(practitioner, "list")
        headings = practitioner.locator(".attention__title").all_inner_texts()
        assert [h.split()[-1] for h in headings] == ["acknowledged", "acknowledged", "program"]
        reasons = practitioner.locator(".attention__reasons").all_inner_texts()
        assert "Go to an emergency department now" in reasons[0] and "book a licensed practitioner" in reasons[1]
        first = practitioner.locator(".attention__title a").first.inner_text()
        practitioner.locator(".attention__title a").first.click()
        practitioner.get_by_role("button", name="Acknowledge the referral").click()
        assert "Referral acknowledged by Ana Ruiz" in practitioner.content()
        practitioner.get_by_label("Add a note").fill("Phoned: seen in the emergency department, discharged.")
        practitioner.get_by_role("button", name="Save the note").click()
        look(practitioner, "lifter")
        with practitioner.expect_download() as download:
            practitioner.get_by_role("link", name="Export as FHIR (JSON)").click()
        assert download.value.suggested_filename == f"{first}.fhir.json"
        practitioner.get_by_role("link", name="The whole history, as the lifter's journal shows it").click()
        chart = practitioner.locator(".pain-chart svg")
        assert chart.count() == 1
        look(practitioner, "history")
        for kind, width in WIDTHS.items():  # the chart keeps inside the window, drawn at its own size
            practitioner.set_viewport_size({"width": width, "height": 900})
            box = chart.bounding_box()
            assert 0 < box["width"] <= width and box["height"] > 50, (kind, box)
        practitioner.goto(f"{base}/list")
        assert practitioner.locator(".attention__title a").nth(1).inner_text() == first
        look(practitioner, "list-acknowledged")

        lifter = browser.new_context().new_page()
        watch_policy(lifter, problems)
        lifter.goto(links[2])
        look(lifter, "withdraw")
        lifter.get_by_role("button", name="Withdraw my journal").click()
        assert "Your journal was withdrawn" in lifter.content()
        practitioner.goto(f"{base}/audit")
        look(practitioner, "audit")
        assert re.search(r"withdrawal\s+L-", practitioner.locator("tbody").inner_text())

        store.add_practitioner(url, "Bo Li", "bo@example.org", "practitioner")  # he forgot his password
        practitioner.get_by_role("link", name="Practitioners").click()
        practitioner.get_by_role("button", name="Reset Bo Li's password").click()
        reset = practitioner.locator(".clinic-link").inner_text()
        assert re.fullmatch(rf"{re.escape(base)}/signup/[\w-]{{43}}", reset)
        look(practitioner, "practitioners")
        browser.close()
    assert not problems, "\n".join(problems)


def test_a_spanish_lifter_page_and_list_fit_a_phone(clinic, tmp_path):
    """At 375 px in Spanish the lifter page was 382 px wide: the history's 'Dolor' column was cut off
    and 'Valoración' broke inside the word. The history now stacks on a phone: every cell whole."""
    from spinewise import api
    from spinewise.clinic import lifters

    url, base = clinic
    shots = Path(os.environ.get("SPINEWISE_CLINIC_SHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    link = f"{base}/signup/" + store.add_practitioner(url, "Ana Ruiz", "ana@example.org", "admin")
    labels = [lifters.share(url, store.new_share_code(url), journey_journal(name, tmp_path, datetime.date(2026, 11, 2))
                            .read_bytes(), api.load_rulebase()).label
              for name in ("flare_after_sessions", "arched_lifter_back_to_usual_weight")]
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context().new_page()
        page.goto(link)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_label("The same password again").fill(PASSWORD)
        page.get_by_role("button", name="Set my password").click()
        page.get_by_label("E-mail address").fill("ana@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{base}/language/es/list")
        for name, path in (("list", "/list"), ("lifter", f"/lifters/{labels[1]}")):
            page.goto(base + path)
            assert page.locator("html").get_attribute("lang") == "es"
            problems.extend(shot_at_each_width(page, shots, f"clinic-es-{name}", name))
        page.set_viewport_size({"width": 375, "height": 900})
        history = page.locator("table.clinic-table--stack")
        named = history.locator("td").evaluate_all(
            "cells => cells.map(cell => getComputedStyle(cell).display + ' ' + getComputedStyle(cell, '::before').content)")
        assert named and all(one.startswith("block ") for one in named), named[:3]
        assert any("Dolor: " in one for one in named), "each cell says its column on a phone"
        for cell in history.locator("td, th").all():  # no cell wider than the window, no word broken inside
            box = cell.bounding_box()
            if box and box["width"] > 0 and box["x"] + box["width"] > 375:
                problems.append(f"a history cell reaches {box['x'] + box['width']} px: {cell.inner_text()!r}")
        words = page.evaluate("""() => [...document.querySelectorAll('table.clinic-table--stack td')].filter(
            cell => { const range = document.createRange(); range.selectNodeContents(cell);
                      return cell.innerText.trim().split(/\\s+/).length === 1 && range.getClientRects().length > 1; }
            ).map(cell => cell.innerText)""")
        assert not words, f"one word broken over lines: {words}"
        browser.close()
    assert not problems, "\n".join(problems)
