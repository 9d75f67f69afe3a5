"""`spinewise rules doc` and `spinewise questions`: the rule base as a document and a vocabulary."""

import json
import re

from conftest import RULES, invoke
from review_support import add_rule, edit


def doc(*args):
    run = invoke("rules", "doc", *args)
    assert run.exit_code == 0, run.output
    return run.stdout


def section(text, heading, next_heading):
    return text.split(heading, 1)[1].split(next_heading, 1)[0]


def test_markdown_rulebook_reads_each_rule_in_plain_words():
    text = doc(RULES)
    assert text.startswith("# spinewise hip-thrust low-back triage: the rulebook")
    flexion = section(text, "#### Tailbone tuck or closing thumb distance", "####")
    assert "- the answer to *Do you tuck your tailbone (round your lower back) at the top of the thrust?* is yes" in flexion
    assert "- the answer to *In the thumb test, what happens to the distance between your thumbs?* is " \
           "**They come closer together**" in flexion
    assert "**Then** → finding *Lower back moving under load (tailbone tuck)* (`lumbar_flexion_under_load`), " \
           "without changing the disposition → plan: Technique cues." in flexion
    severe = section(text, "#### Severe pain needs a practitioner", "####")
    assert "is at least **7** (parameter `severe_pain_at_least`)" in severe
    assert "→ at least *Stop hip thrusts and book a licensed practitioner* (`consultation`)" in severe
    assert "`pain-severe` · version 1.0 · **in use** · author spinewise engineering" in severe
    assert "**Clinical sign-off:** not reviewed by a licensed clinician." in severe
    assert "**Source.** NICE guideline NG59 (assessment of low back pain)" in severe
    assert "| Back pain: yes; Pain intensity: 7; Pain weeks: 1; Pain exacerbated: no; Pain phase: At the top of " \
           "the thrust | disposition: Stop hip thrusts and book a licensed practitioner; finds: Severe pain; " \
           "finds: Lower-back pain or discomfort from hip thrusts |" in severe


def test_the_rulebook_says_no_clinician_reviewed_the_rules_and_never_shows_approved_alone():
    for fmt in ("markdown", "html"):
        book = " ".join(invoke("rules", "doc", "--format", fmt).stdout.split())
        assert "Review status." in book and "trust file was read, so no rule counts as reviewed by a clinician" in book
        assert "No clinic has approved this rule base for use" in book
        assert "**approved**" not in book and ">approved<" not in book


def test_rulebook_indexes_questions_findings_and_parameters():
    text = doc(RULES)
    unread = section(text, "### Questions no rule in use reads", "## Named conditions")
    assert "Every question is read by at least one rule in use." in unread
    # the weekly check-in's rules (ci-*) come after the first assessment's
    assert "| Dead bug (`dead_bug`) | `pain-back-symptoms`, `felt-lower-back`, `prog-in-progress`, " \
           "`prog-dead-bug-regress`, `prog-dead-bug-beginner`, `prog-dead-bug-advanced`, `ci-program-continues`, " in text
    assert "`ci-db-up-reps`" in section(text, "## Index of plan items", "## Index of questions")
    assert "| `severe_pain_at_least` (`20-pain.yaml:9`) | 7 |" in text
    assert re.search(r"Checked every one of the [\d,]+ possible answer sets", text) and "No gap" in text


def test_the_rulebook_prints_the_safety_case_with_how_each_hazard_was_verified():
    text = doc(RULES)
    case = section(text, "## Safety case", "## Static verification")
    hazard = section(case, "### A nerve sign", "###")
    assert "**Guarantee:** when (the answer to \"Do you have numbness or tingling in the saddle area?\" is yes" in hazard
    assert "the advice is at least \"Go to an emergency department now\"" in hazard
    assert "Saddle numbness suggests cauda equina syndrome (`rf-saddle-numbness`)" in hazard
    assert re.search(r"\*\*Verified:\*\* proved over all [\d,]+ possible answer sets", hazard)
    assert case.count("**Verified:** proved over all") == 15
    worse = section(case, "### Pain clearly worse than at the first assessment", "###")
    assert "`checkin-worsening-pain-left-to-train`" in worse
    assert "the advice is at least \"Stop hip thrusts and book a licensed practitioner\"" in worse
    assert "The pain is clearly worse than at the start - stop and consult (`ci-pain-worse`)" in worse
    assert "**Verified:** proved over every check-in after every journal state (each journal value over its " \
           "whole range)" in worse
    load = section(case, "### The hip-thrust load stepped up after a week with a back symptom", "###")
    assert "the plan never has \"Reintroduce load gradually\" go up" in load
    assert case.count("proved over every check-in after every journal state") == 8


def test_drafts_and_retired_rules_get_their_own_sections(rules_copy):
    add_rule(rules_copy, "draft-heavy", status="draft", title="Heavy load alone needs a practitioner",
             when="{question: load_increase, operator: is_true}", then="finding: excessive_load\ndisposition: consultation")
    edit(rules_copy / "50-load.yaml", "    status: approved\n    author: spinewise engineering\n"
         "    reviewer: spinewise engineering team, checked against clinical-knowledge.md section 3\n    reviewer_role: engineering\n    review_date: 2026-11-24\n"
         "    source: \"WHY DO HIP THRUSTS HURT MY LOWER BACK?\"",
         "    status: retired\n    author: spinewise engineering\n"
         "    reviewer: spinewise engineering team, checked against clinical-knowledge.md section 3\n    reviewer_role: engineering\n    review_date: 2026-11-24\n"
         "    source: \"WHY DO HIP THRUSTS HURT MY LOWER BACK?\"")
    text = doc(rules_copy)
    approved = section(text, "## Rules in use, by topic", "## Draft rules")
    drafts = section(text, "## Draft rules", "## Retired rules")
    retired = section(text, "## Retired rules", "## Index of findings")
    assert "#### Heavy load alone needs a practitioner" in drafts and "**draft**" in drafts
    assert "#### Too many repetitions per set" in retired and "**retired**" in retired
    assert "Heavy load alone" not in approved and "#### Too many repetitions per set" not in approved
    assert "62 in use (approved), 1 draft, 1 retired" in text
    assert "plan item reduce_volume is planned by no rule that runs" in text


def test_html_rulebook_is_one_printable_escaped_document(rules_copy, tmp_path):
    edit(rules_copy / "50-load.yaml", "title: Too many repetitions per set", "title: Too many <script>alert(1)</script> reps")
    target = tmp_path / "book.html"
    run = invoke("rules", "doc", rules_copy, "--output", target)
    assert run.exit_code == 0 and run.stdout == ""
    html = target.read_text()
    assert html.startswith("<!DOCTYPE html>") and "@page { size: A4" in html
    assert "<script>" not in html and "Too many &lt;script&gt;alert(1)&lt;/script&gt; reps" in html
    assert not re.search(r"""(src|href)=["']https?:""", html)
    assert '<article class="rule approved" id="pain-severe">' in html
    assert 'at least <span class="disp d-caution">Stop hip thrusts and book a licensed practitioner</span>' in html
    assert (target.stat().st_mode & 0o777) == 0o600


def test_markdown_rulebook_escapes_html_in_rule_text(rules_copy):
    edit(rules_copy / "50-load.yaml", "title: Too many repetitions per set", "title: Too many <b>reps</b> | sets")
    text = doc(rules_copy)
    assert "#### Too many &lt;b&gt;reps&lt;/b&gt; \\| sets" in text and "<b>" not in text


def test_broken_rule_base_is_refused_in_one_line(rules_copy):
    edit(rules_copy / "50-load.yaml", "operator: more_than", "operator: bigger")
    run = invoke("rules", "doc", rules_copy)
    assert run.exit_code == 2 and run.stdout == "" and "Traceback" not in run.stderr


def test_questions_json_lists_the_vocabulary_for_other_tools():
    run = invoke("questions", "--format", "json")
    assert run.exit_code == 0
    data = json.loads(run.stdout)
    by_id = {q["id"]: q for q in data["questions"]}
    assert list(by_id)[:2] == ["saddle_numbness", "bladder_bowel_change"] and len(by_id) == 22
    assert by_id["pain_intensity"]["minimum"] == 0 and by_id["pain_intensity"]["maximum"] == 10
    assert by_id["pain_intensity"]["asked_when_condition"] == {"question": "back_pain", "operator": "is_true"}
    assert by_id["pain_intensity"]["read_by"] == {"approved": ["pain-severe"], "draft": []}
    assert "pattern-pain-lowering" in by_id["pain_phase"]["read_by"]["approved"]
    assert by_id["fever"]["asked_when_condition"] == {"condition": "back_involved"}
    assert list(by_id).index("fever") > list(by_id).index("pain_phase")
    assert {"value": "closer", "label": "They come closer together"} in by_id["thumb_test"]["choices"]
    assert by_id["feel_location"]["asked_when"] is None


def test_questions_markdown_is_a_table():
    run = invoke("questions", "--format", "markdown")
    assert run.exit_code == 0
    assert "| How strong is the pain at its worst, from 0 (none) to 10 (the worst imaginable)? | `pain_intensity` | " \
           "a whole number from 0 to 10 | when the answer to \"Do you have lower-back pain or discomfort during or " \
           "after hip thrusts?\" is yes | `pain-severe` |" in run.stdout
    fever = next(line for line in run.stdout.splitlines() if "| `fever` |" in line)
    assert "the condition “The lower back is involved” holds" in fever and "`rf-fever`" in fever


def test_questions_default_to_json_when_piped():
    assert json.loads(invoke("questions").stdout)["rulebase"]["version"] == "2.0.0"
