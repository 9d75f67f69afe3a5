"""What a lifter reads (issue 17; contract v3 "Reports"; clinical-knowledge section 6, "Words a
lifter reads"): every report ends with the part for the practitioner, and nothing above it names
a rule id, a code, a hash or a source heading in capitals; every sentence above it is true for
this lifter and said once.

The codes, rule ids, hash and sources are read from the loaded rule base, so a rule added
tomorrow is covered too. Every worked case (tests/vignettes, tests/cases) is rendered in text,
Markdown and HTML; the PDF (WeasyPrint, read back with pdftotext) for the vignettes and the
worst case, since each PDF takes seconds.
"""

import datetime
import html as htmllib
import json
import re
import shutil
import subprocess

import pytest

from conftest import TESTS
from report_support import PINNED_EPOCH, WORST_CASE
from spinewise.api import render

CASES = {path.stem: path for folder in ("vignettes", "cases") for path in sorted((TESTS / folder).glob("*.json"))}
PRACTITIONER = {"text": "\nFOR YOUR PRACTITIONER\n", "markdown": "\n## For your practitioner\n",
                "html": '<section id="for-your-practitioner"', "pdf": "FOR YOUR PRACTITIONER"}
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
WORDS_DATE = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) (\d{1,2}) "
                        r"(January|February|March|April|May|June|July|August|September|October|November|December) "
                        r"(\d{4})\b")
NOT_THE_LIFTERS_WORDS = ("Perspective #", "the article", "hip-extension", "not on the program", "clinical spec",
                         "SHA-256", "sha256", "Rule ", "Source:", "cues above")


@pytest.fixture(autouse=True)
def pinned_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", PINNED_EPOCH)


def answers_of(name: str) -> dict:
    if name == "worst_case":
        return dict(WORST_CASE)
    data = json.loads(CASES[name].read_text())
    return data.get("answers", data)


def produced(triage, name: str, fmt: str, answers: dict | None = None) -> str:
    """The report of a worked case as the lifter gets it; for the PDF, its text as pdftotext reads it."""
    result = triage.assess(answers if answers is not None else answers_of(name))
    if fmt != "pdf":
        return render(result, fmt)
    try:
        pdf = render(result, "pdf")
    except Exception as exc:  # the pdf extra is optional
        pytest.skip(f"no PDF renderer here: {exc}")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (Debian poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def split(report: str, fmt: str) -> tuple[str, str]:
    """(what the lifter reads, the part for the practitioner); the practitioner's part must be there, once."""
    assert report.count(PRACTITIONER[fmt]) == 1, f"the part for the practitioner, once, in {fmt}"
    lifter, practitioner = report.split(PRACTITIONER[fmt])
    if fmt == "html":
        assert practitioner.rstrip().endswith("</section>\n</body>\n</html>") or \
            re.search(r"</section>\s*</body>\s*</html>\s*$", practitioner), "it ends the report"
        lifter = visible(lifter)
    return lifter, practitioner


def visible(html: str) -> str:
    """The words of an HTML page a reader sees (no style sheet, no markup), with its attributes kept apart."""
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", html)) + "\n" + " ".join(re.findall(r'="([^"]*)"', html))


def forbidden(rulebase) -> dict:
    """What must not be named above the practitioner's part, read from the rule base: pattern -> what it is."""
    names = {}
    codes = [d.code for d in rulebase.dispositions] + [f.code for f in rulebase.findings] + \
        [p.code for p in rulebase.plan_items]
    for code in codes:
        names[re.compile(rf"(?<![\w-]){re.escape(code)}(?![\w-])" if "_" in code
                         else rf"[`'\"=]{re.escape(code)}[`'\"]")] = f"code {code}"
    for rule in rulebase.rules:
        names[re.compile(rf"(?<![\w-]){re.escape(rule.id)}(?![\w-])")] = f"rule id {rule.id}"
    names[re.compile(re.escape(rulebase.content_hash[:16]))] = "the rule-base hash"
    sources = [rule.source for rule in rulebase.rules] + [item.source for item in rulebase.plan_items]
    for source in sources:
        for heading in re.findall(r"[A-Z][A-Z'?,\- ]{12,}[A-Z?]", source):
            names[re.compile(re.escape(heading.strip()))] = f"source heading {heading.strip()}"
    return names


def worked(fmt):
    cases = list(CASES) + ["worst_case"]
    if fmt == "pdf":
        cases = [name for name in cases if (TESTS / "vignettes" / f"{name}.json").exists()] + ["worst_case"]
    return [(name, fmt) for name in cases]


@pytest.mark.parametrize("name, fmt", [case for fmt in PRACTITIONER for case in worked(fmt)])
def test_nothing_above_the_part_for_the_practitioner_names_a_rule_code_hash_or_source(name, fmt, triage):
    report = produced(triage, name, fmt)
    lifter, practitioner = split(report, fmt)
    rulebase = triage.rulebase
    named = [what for pattern, what in forbidden(rulebase).items() if pattern.search(lifter)]
    assert named == [], f"{name} ({fmt}) names above the practitioner's part: {named}"
    flat = " ".join(lifter.split())
    assert [words for words in NOT_THE_LIFTERS_WORDS if words in flat] == []
    assert not ISO_DATE.search(lifter), "dates in words: Friday 4 December 2026"
    # and the practitioner's part holds them
    flat_practitioner = " ".join(practitioner.split()).replace("- ", "-")
    result = triage.assess(answers_of(name))
    for finding in result.findings:
        assert finding.rule in flat_practitioner, f"rule {finding.rule} for the practitioner"
    if fmt != "pdf":  # pdftotext may break the 64 hex digits where the page wraps them
        whole = "".join(re.sub(r"<[^>]+>", "", practitioner).split())  # HTML sets the groups of 8 apart
        assert rulebase.content_hash in whole, "the whole digest (text shows it in groups, HTML breaks it only there)"
        assert f"version {rulebase.version}" in flat_practitioner
        assert "reviewed" in flat_practitioner


@pytest.mark.parametrize("name", list(CASES) + ["worst_case"])
def test_read_aloud_no_answer_is_said_twice(name, triage):
    lifter, _ = split(produced(triage, name, "text"), "text")
    flat = " ".join(lifter.split())
    for said in {triage.rulebase.question(q).statement(v) for q, v in answers_of(name).items()
                 if q in triage.rulebase.questions_by_id}:
        assert flat.count(said) <= 1, f"said twice: {said!r}"


# -- the false sentences of issue 17, each with a lifter it was false for --------------------------

def lifter_text(triage, name, answers=None, fmt="text"):
    """The words above the practitioner's part (the whole report where it has none, so that each
    test below fails for its own sentence, not for a missing part)."""
    return " ".join(produced(triage, name, fmt, answers).split(PRACTITIONER[fmt])[0].split())


def test_no_cues_below_are_promised_when_none_follow(triage):
    healthy = lifter_text(triage, "healthy_glutes_only")
    assert not re.search(r"(cues|changes) below", healthy), "a healthy lifter gets no cues, so none are announced"
    tucker = lifter_text(triage, "tuck_pain_free_stays_training")
    advice = tucker[tucker.index("KEEP TRAINING"):tucker.index("WHY")]
    assert "with the changes below" in advice and "Do not tuck the tailbone" in tucker[tucker.index("WHY"):]


def test_the_thumb_test_is_not_advised_to_a_lifter_who_did_it(triage):
    did_it = answers_of("pain_lowering_no_tuck_check_thumbs")
    assert did_it["thumb_test"] == "unchanged"
    told = lifter_text(triage, "pain_lowering_no_tuck_check_thumbs")
    assert "Try the thumb test" not in told and "Check with the thumb test" not in told
    assert "Because in the thumb test the distance between your thumbs stays the same" in told
    not_tried = lifter_text(triage, "pain_lowering_no_tuck_check_thumbs", {**did_it, "thumb_test": "not_tried"})
    assert "Try the thumb test" in not_tried


def test_a_lifter_who_does_not_tuck_is_not_told_the_pain_fits_a_tuck(triage):
    told = lifter_text(triage, "pain_lowering_no_tuck_check_thumbs")
    assert answers_of("pain_lowering_no_tuck_check_thumbs")["tailbone_tuck"] is False
    assert "losing the tuck" not in told and "fits the rounding your answers show" not in told
    tucker = lifter_text(triage, "tuck_pain_on_lowering")
    assert "This fits the rounding your answers show" in tucker


@pytest.mark.parametrize("name", ["cancer_history_and_night_pain", "trauma_with_pain", "persistent_seven_weeks",
                                  "saddle_numbness_alone", "cauda_equina_bladder"])
def test_a_referral_gives_a_date_to_act_by_and_no_later_date_to_check_again(name, triage, rulebase):
    result = triage.assess(answers_of(name))
    within = {"emergency": 0, "urgent_consultation": 1, "consultation": 7}[result.disposition]
    told = lifter_text(triage, name)
    pinned = datetime.date(2026, 11, 24)
    dates = [datetime.date.fromisoformat(day) for day in ISO_DATE.findall(told)]
    dates += [datetime.datetime.strptime(" ".join(found), "%d %B %Y").date() for found in WORDS_DATE.findall(told)]
    act_by = pinned + datetime.timedelta(days=within)
    assert [day for day in dates if day > act_by] == [], "no date after the one to act by"
    assert f"What to do, {'today, ' if within == 0 else 'by '}" \
           f"{act_by.strftime('%A')} {act_by.day} {act_by.strftime('%B %Y')}:" in told


@pytest.mark.parametrize("name", ["cancer_history_and_night_pain", "trauma_with_pain", "persistent_seven_weeks",
                                  "saddle_numbness_alone"])
def test_a_referral_that_pauses_lifts_does_not_say_stop_training(name, triage):
    told = lifter_text(triage, name).lower()
    assert "stop training" not in told
    assert "pause them until you have been seen" in told


def test_the_safety_net_does_not_list_a_warning_sign_the_lifter_already_has(triage, rulebase):
    told = lifter_text(triage, "fever_felt_in_lower_back_no_pain")
    net = told[told.index("SAFETY NET"):]
    assert rulebase.question("fever").sign not in net
    assert rulebase.question("saddle_numbness").sign in net, "the signs that would make it worse are still there"


def test_the_worst_case_box_gives_only_the_deciding_answers_and_what_to_do_today(triage, rulebase):
    told = lifter_text(triage, "worst_case")
    box = told[:told.index(" WHY ")]
    assert box.count(" - ") == 3, "the three nerve signs that decide it, nothing more"
    assert "weeks on the corrective program" not in box and "Dose" not in box and "sets of" not in box
    assert "What to do, today, Tuesday 24 November 2026:" in box
    assert "Back pain from hip thrusts calls for the corrective program" not in told


def test_a_level_is_always_explained_and_a_dose_is_an_amount(triage):
    for name in ("worst_case", "cancer_history_and_night_pain", "tuck_pain_on_lowering", "program_finished"):
        told = lifter_text(triage, name)
        for level in re.findall(r"Your level: (\w+)(.)", told):
            assert level[1] == " ", f"{name}: the level {level[0]} is explained"
        assert not re.search(r"Dose: (Any|If)\b", told), "a rule for what to do is a step, not a dose"
