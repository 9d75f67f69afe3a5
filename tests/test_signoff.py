"""Clinical sign-off, end to end, as a clinician does it: a key from ssh-keygen, `rules review`,
and what the JSON result, the reports and the rulebook then say."""

import json
import os
import shutil
import subprocess

import pytest
import yaml

from conftest import EXAMPLES, check, edit, invoke
from spinewise.rulebase.load import load_rulebase

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs OpenSSH's ssh-keygen")

CLINICIAN = "Jane Doe"
ANSWERS = EXAMPLES / "healthy_glutes_only.json"


def keygen(path, passphrase=""):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", path.name, "-f", str(path)],
                   check=True)
    return path


def list_reviewers(folder, *reviewers):
    """The clinic's trust file, beside (not inside) the rule folder, in SPINEWISE_TRUST for the test."""
    entries = [{"name": name, "role": role, "registration": "HCPC PH12345" if role == "physiotherapist" else "",
                "public_key": (key.with_suffix(".pub")).read_text().strip()} for name, role, key in reviewers]
    trust = folder.parent / "trust.yaml"
    trust.write_text(yaml.safe_dump({"people": entries}, sort_keys=False))
    os.environ["SPINEWISE_TRUST"] = str(trust)  # conftest's autouse fixture restores it after the test
    return trust


def clinician_key(rules_copy, tmp_path):
    """Jane Doe's key, her the only physiotherapist the clinic's trust file lists."""
    key = keygen(tmp_path / "jane")
    list_reviewers(rules_copy, (CLINICIAN, "physiotherapist", key))
    return key


@pytest.fixture
def signed(rules_copy, tmp_path):
    """A copy of rules/ with a physiotherapist listed who signed two rules off."""
    key = clinician_key(rules_copy, tmp_path)
    run = review(rules_copy, CLINICIAN, key, "rf-fever", "felt-secondary-muscles", "--yes", "--note", "NG59 checked")
    assert run.exit_code == 0, run.output
    return rules_copy, key


def review(folder, name, key, *args, input=None):
    rule_args = [a for rule in args if not rule.startswith("-") and rule != "NG59 checked" for a in ("--rule", rule)]
    flags = [a for a in args if a.startswith("-") or a == "NG59 checked"]
    return invoke("rules", "review", folder, "--reviewer", name, "--key", key, *rule_args, *flags, input=input)


def review_counts(folder):
    run = invoke("assess", "--answers", ANSWERS, "--format", "json", "--rules", folder)
    assert run.exit_code == 0, run.output
    return json.loads(run.stdout)["review"]


def report(folder, fmt):
    run = invoke("assess", "--answers", ANSWERS, "--format", fmt, "--rules", folder)
    assert run.exit_code == 0, run.output
    return " ".join(run.stdout.split())


def rulebook(folder):
    return invoke("rules", "doc", folder).stdout


def rule_section(book, title):
    start = book.index(f"#### {title}")
    end = book.find("####", start + 5)
    return book[start:end]


def test_two_signed_rules_show_in_the_json_the_reports_and_the_rulebook(signed):
    folder, _ = signed
    counts = review_counts(folder)
    assert counts == {"rules_in_use": counts["rules_in_use"], "signed_off": 2, "out_of_date": 0, "approved": None,
                      "trust": True}
    assert counts["rules_in_use"] > 30
    for fmt in ("text", "markdown", "html"):
        text = report(folder, fmt)
        assert f"A licensed clinician ({CLINICIAN} (physiotherapist, HCPC PH12345)) signed off 2 of the " \
               f"{counts['rules_in_use']} rules in use." in text
        assert f"{counts['rules_in_use'] - 2} rules have not been reviewed by a clinician yet." in text
        assert "No licensed clinician" not in text
    book = rulebook(folder)
    records = yaml.safe_load((folder / "signoffs.yaml").read_text())["signoffs"]
    date = records[0]["date"]
    assert [r["rule"] for r in records] == ["rf-fever", "felt-secondary-muscles"]
    assert all(r["decision"] == "approve" and r["note"] == "NG59 checked" for r in records)
    assert f"**Clinical sign-off:** signed off by {CLINICIAN} (physiotherapist, HCPC PH12345) on {date}." in \
        rule_section(book, "Fever or feeling unwell suggests infection")
    assert "**Clinical sign-off:** not reviewed by a licensed clinician." in \
        rule_section(book, "Saddle numbness suggests cauda equina syndrome")
    assert check(folder).exit_code == 0


def test_the_pdf_report_names_the_clinician_too(signed, tmp_path):
    pytest.importorskip("weasyprint")
    if shutil.which("pdftotext") is None:
        pytest.skip("needs pdftotext")
    folder, _ = signed
    pdf = tmp_path / "report.pdf"
    run = invoke("assess", "--answers", ANSWERS, "--format", "pdf", "--output", pdf, "--rules", folder)
    assert run.exit_code == 0, run.output
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    assert f"A licensed clinician ({CLINICIAN} (physiotherapist, HCPC PH12345)) signed off 2 of the" in text


def test_editing_a_signed_rule_voids_its_sign_off_and_check_names_it(signed):
    folder, _ = signed
    edit(folder / "10-red-flags.yaml", "title: Fever or feeling unwell suggests infection",
         "title: Fever or feeling unwell may mean an infection")
    assert review_counts(folder)["signed_off"] == 1
    assert review_counts(folder)["out_of_date"] == 1
    run = check(folder)
    assert run.exit_code == 0
    date = yaml.safe_load((folder / "signoffs.yaml").read_text())["signoffs"][0]["date"]
    [row] = [line for line in run.stdout.splitlines() if "out of date" in line]
    assert f"warning: sign-off of rule rf-fever by {CLINICIAN} on {date} is out of date" in row
    text = report(folder, "text")
    assert "1 of the" in text and "1 rule was signed off before an edit, so that sign-off no longer counts" in text
    assert "out of date: signed off by Jane Doe" in rule_section(rulebook(folder), "Fever or feeling unwell may mean")


def test_after_one_edit_of_a_fully_signed_rule_base_the_report_says_one_rule_awaits_a_new_review(rules_copy, tmp_path):
    key = clinician_key(rules_copy, tmp_path)
    assert review(rules_copy, CLINICIAN, key, "--yes").exit_code == 0
    total = review_counts(rules_copy)["rules_in_use"]
    edit(rules_copy / "10-red-flags.yaml", "title: Fever or feeling unwell suggests infection",
         "title: Fever or feeling unwell may mean an infection")
    text = " ".join(report(rules_copy, "text").split())
    lifter, practitioner = text.split("FOR YOUR PRACTITIONER")
    assert f"A licensed clinician ({CLINICIAN}) signed off {total - 1} of the {total} rules behind this advice. " \
           "The other one awaits a clinician's review." in lifter
    assert f"signed off {total - 1} of the {total} rules in use. 1 rule was signed off before an edit, so that " \
           "sign-off no longer counts." in practitioner
    assert "not been reviewed" not in text, "the edited rule was reviewed, before its edit"


def test_when_the_only_sign_off_is_void_no_report_says_the_rules_were_never_reviewed(rules_copy, tmp_path):
    key = clinician_key(rules_copy, tmp_path)
    assert review(rules_copy, CLINICIAN, key, "rf-fever", "--yes").exit_code == 0
    edit(rules_copy / "10-red-flags.yaml", "title: Fever or feeling unwell suggests infection",
         "title: Fever or feeling unwell may mean an infection")
    total = review_counts(rules_copy)["rules_in_use"]
    text = " ".join(report(rules_copy, "text").split())
    lifter, practitioner = text.split("FOR YOUR PRACTITIONER")
    assert "No clinician's sign-off holds for the rules behind this advice as they are now." in lifter
    assert "No rule in use carries a licensed clinician's sign-off that holds for it as it is now. 1 rule was " \
           f"signed off before an edit, so that sign-off no longer counts. {total - 1} rules have not been " \
           "reviewed by a clinician yet." in practitioner
    assert "No licensed clinician has reviewed" not in text


def test_editing_a_text_the_rule_shows_voids_it_too(signed):
    folder, _ = signed
    edit(folder / "findings.yaml", "needs a doctor soon.", "needs a doctor today.")
    assert review_counts(folder) | {"rules_in_use": 0} == {"rules_in_use": 0, "signed_off": 1, "out_of_date": 1,
                                                           "approved": None, "trust": True}


def test_editing_a_text_said_instead_to_some_lifters_voids_it_too(rules_copy, tmp_path):
    key = clinician_key(rules_copy, tmp_path)
    assert review(rules_copy, CLINICIAN, key, "pattern-pain-lowering", "--yes").exit_code == 0
    edit(rules_copy / "findings.yaml", "Cue: lower slowly with the thumb distance unchanged.",
         "Cue: lower slowly and keep the thumb distance the same.")
    assert review_counts(rules_copy) | {"rules_in_use": 0} == {"rules_in_use": 0, "signed_off": 0, "out_of_date": 1,
                                                               "approved": None, "trust": True}


def test_the_lifters_part_says_who_signed_how_many_rules_without_contradicting_itself(signed):
    folder, _ = signed
    text = report(folder, "text")
    lifters_part = text[:text.index("FOR YOUR PRACTITIONER")]
    total = review_counts(folder)["rules_in_use"]
    assert f"A licensed clinician ({CLINICIAN}) signed off 2 of the {total} rules behind this advice. The other " \
           f"{total - 2} await a clinician's review." in " ".join(lifters_part.split())
    assert "No licensed clinician" not in text


def test_someone_elses_key_under_the_clinicians_name_is_refused_and_nothing_is_recorded(signed, tmp_path):
    folder, _ = signed
    before = (folder / "signoffs.yaml").read_bytes()
    other = keygen(tmp_path / "mallory")
    run = review(folder, CLINICIAN, other, "rf-cancer-history", "--yes")
    assert run.exit_code == 2
    assert "is not Jane Doe's" in run.stderr and "nothing was recorded" in run.stderr
    assert (folder / "signoffs.yaml").read_bytes() == before
    assert review_counts(folder)["signed_off"] == 2


def test_a_date_changed_by_hand_breaks_the_signature_fails_check_and_no_longer_counts(signed):
    folder, _ = signed
    path = folder / "signoffs.yaml"
    date = yaml.safe_load(path.read_text())["signoffs"][0]["date"]
    edit(path, f'date: "{date}"', 'date: "2020-01-01"')
    run = check(folder)
    assert run.exit_code == 1
    assert f"{path}:" in run.stdout
    assert "sign-off of rule rf-fever by Jane Doe on 2020-01-01: the signature does not verify" in run.stdout
    # The record after it named the edited one as its predecessor: the chain is broken there too.
    assert f"sign-off of rule felt-secondary-muscles by Jane Doe on {date}: does not follow the record before it" \
        in run.stdout


def test_a_record_by_someone_not_listed_is_an_error(signed):
    folder, key = signed
    (folder.parent / "trust.yaml").write_text("people: []\n")
    run = check(folder)
    assert run.exit_code == 1
    assert f"Jane Doe is not in {folder.parent / 'trust.yaml'}; it counts for nothing" in run.stdout
    refused = invoke("assess", "--answers", ANSWERS, "--format", "json", "--rules", folder)
    assert refused.exit_code == 2 and "spinewise rules check" in refused.stderr and refused.stdout == ""


def test_an_engineers_sign_off_is_shown_as_such_and_does_not_count_as_clinical(rules_copy, tmp_path):
    key = keygen(tmp_path / "eng")
    list_reviewers(rules_copy, ("Sam Coder", "engineer", key))
    run = review(rules_copy, "Sam Coder", key, "rf-fever", "--yes")
    assert run.exit_code == 0
    assert "count as an engineer's review, not a clinical sign-off" in run.stderr
    assert review_counts(rules_copy)["signed_off"] == 0
    assert "No licensed clinician has reviewed the rules in use yet" in report(rules_copy, "text")
    fever = rule_section(rulebook(rules_copy), "Fever or feeling unwell suggests infection")
    assert "not reviewed by a licensed clinician" in fever
    assert "Also approved by Sam Coder (engineer)" in fever and "(not a clinical sign-off)" in fever


def test_interactive_review_approves_requests_changes_and_skips(rules_copy, tmp_path):
    key = clinician_key(rules_copy, tmp_path)
    run = review(rules_copy, CLINICIAN, key, "rf-fever", "rf-night-pain", "rf-weight-loss",
                 input="a\nr\nSay 'at night' in the title\ns\n")
    assert run.exit_code == 0, run.output
    # Everything the rule shows a lifter is on the screen, with the hash that is signed.
    assert "Finding: Possible infection: Back pain together with fever" in run.stdout
    assert "Question: Along with your back symptoms, do you have a fever" in run.stdout
    assert "Disposition: See a doctor within 24 hours" in run.stdout
    assert "What you sign: SHA-256" in run.stdout
    records = yaml.safe_load((rules_copy / "signoffs.yaml").read_text())["signoffs"]
    assert [(r["rule"], r["decision"], r["note"]) for r in records] == [
        ("rf-fever", "approve", ""), ("rf-night-pain", "request_changes", "Say 'at night' in the title")]
    assert "1 approved, 1 changes requested, 1 skipped" in run.stderr
    rulebase = load_rulebase(rules_copy)
    assert rulebase.rule_review("rf-night-pain").state == "changes_requested"
    assert rulebase.rule_review("rf-fever").state == "signed"


def test_every_line_of_the_screen_is_what_the_hash_covers(rules_copy, tmp_path):
    from spinewise.rulebase.shown import rule_card

    key = clinician_key(rules_copy, tmp_path)
    run = review(rules_copy, CLINICIAN, key, "pain-severe", "--yes")
    rulebase = load_rulebase(rules_copy)
    card = rule_card(rulebase, rulebase.rules[[r.id for r in rulebase.rules].index("pain-severe")])
    for label, text in card.lines:
        assert f"{label}: {text}" in run.stdout
    assert card.sha256 in run.stdout
    assert "Parameter: severe_pain_at_least = 7" in run.stdout


def test_a_passphrase_protected_key_asks_for_its_passphrase(rules_copy, tmp_path):
    from spinewise.review.signoff import NeedPassphrase, ReviewError, start_review

    key = keygen(tmp_path / "locked", passphrase="correct horse")
    list_reviewers(rules_copy, (CLINICIAN, "physiotherapist", key))
    run = review(rules_copy, CLINICIAN, key, "rf-fever", "--yes")
    assert run.exit_code == 2
    assert "protected by a passphrase; run the review in a terminal to type it" in run.stderr
    with pytest.raises(NeedPassphrase):
        start_review(rules_copy, CLINICIAN, key, ["rf-fever"])
    with pytest.raises(ReviewError, match="passphrase does not open the key"):
        start_review(rules_copy, CLINICIAN, key, ["rf-fever"], passphrase="wrong")
    session = start_review(rules_copy, CLINICIAN, key, ["rf-fever"], passphrase="correct horse")
    assert [rule.id for rule in session.rules] == ["rf-fever"]


def test_an_unknown_reviewer_or_rule_is_one_clear_line(rules_copy, tmp_path):
    key = clinician_key(rules_copy, tmp_path)
    run = review(rules_copy, "Jane Do", key, "rf-fever", "--yes")
    assert run.exit_code == 2
    assert "'Jane Do' is not in the trust file" in run.stderr and "(did you mean 'Jane Doe'?)" in run.stderr
    run = review(rules_copy, CLINICIAN, key, "rf-fevr", "--yes")
    assert run.exit_code == 2 and "no rule 'rf-fevr' (did you mean 'rf-fever'?)" in run.stderr
    assert not (rules_copy / "signoffs.yaml").exists()


def test_the_shipped_rule_base_lists_no_clinician_and_claims_no_sign_off():
    from conftest import RULES

    rulebase = load_rulebase(RULES)
    assert not any(reviewer.licensed for reviewer in rulebase.reviewers)
    assert rulebase.review_counts()["signed_off"] == 0


def test_a_second_review_shows_only_the_rules_not_yet_decided_on_as_they_are_now(signed):
    folder, key = signed
    run = review(folder, CLINICIAN, key, "--yes")
    assert run.exit_code == 0
    assert "Rule: rf-fever:" not in run.stdout and "Rule: rf-saddle-numbness:" in run.stdout
    counts = review_counts(folder)
    assert counts["signed_off"] == counts["rules_in_use"]
    for fmt in ("text", "html"):
        assert f"Every rule in use ({counts['rules_in_use']}) was signed off by a licensed clinician: " \
               f"{CLINICIAN} (physiotherapist, HCPC PH12345)." in report(folder, fmt)


def test_in_a_terminal_the_passphrase_is_asked_for_and_the_decision_recorded(rules_copy, tmp_path):
    import os
    import sys
    from pathlib import Path

    pexpect = pytest.importorskip("pexpect")
    command = shutil.which("spinewise", path=str(Path(sys.executable).parent)) or shutil.which("spinewise")
    key = keygen(tmp_path / "locked", passphrase="secret words")
    list_reviewers(rules_copy, (CLINICIAN, "physiotherapist", key))
    child = pexpect.spawn(command, ["rules", "review", str(rules_copy), "--reviewer", CLINICIAN, "--key", str(key),
                                    "--rule", "rf-fever"], env=dict(os.environ), encoding="utf-8", timeout=60)
    child.expect(f"Passphrase for {key}:")
    child.sendline("secret words")
    child.expect(r"Approve, request changes, or skip\? \[a/r/s\]")
    child.sendline("a")
    child.expect(pexpect.EOF)
    assert f"{CLINICIAN}: 1 approved; recorded in" in child.before
    assert review_counts(rules_copy)["signed_off"] == 1


def test_one_rule_left_unsigned_is_said_in_the_singular(rules_copy, tmp_path):
    key = clinician_key(rules_copy, tmp_path)
    assert review(rules_copy, CLINICIAN, key, "--yes").exit_code == 0
    records = yaml.safe_load((rules_copy / "signoffs.yaml").read_text())["signoffs"]
    last = records[-1]["rule"]
    keep = [r for r in records if r["rule"] != last]
    shutil.rmtree(tmp_path / "again", ignore_errors=True)
    # Sign all but the last rule again, in a fresh chain: the report then counts one rule unsigned.
    (rules_copy / "signoffs.yaml").unlink()
    rules = [r["rule"] for r in keep]
    assert review(rules_copy, CLINICIAN, key, *rules, "--yes").exit_code == 0
    text = report(rules_copy, "text")
    assert f"signed off {len(rules)} of the {len(rules) + 1} rules in use." in text
    assert "1 rule has not been reviewed by a clinician yet." in text
    assert f"signed off {len(rules)} of the {len(rules) + 1} rules behind this advice. The other one awaits a " \
           "clinician's review." in text


def test_every_rule_signed_by_two_clinicians_is_said_in_the_plural(rules_copy, tmp_path):
    jane, ann = keygen(tmp_path / "jane"), keygen(tmp_path / "ann")
    list_reviewers(rules_copy, (CLINICIAN, "physiotherapist", jane), ("Ann Lee", "doctor", ann))
    assert review(rules_copy, CLINICIAN, jane, "--yes").exit_code == 0
    assert review(rules_copy, "Ann Lee", ann, "--yes").exit_code == 0
    text = " ".join(report(rules_copy, "text").split())
    assert f"Every rule behind this advice was signed off by licensed clinicians ({CLINICIAN}, Ann Lee)." in text
    assert "was signed off by licensed clinicians: " in text and "by a licensed clinician" not in text
