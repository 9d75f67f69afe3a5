"""The clinic's attention list is rule-base data (rules/attention.yaml, clinical knowledge section 10):
its hazard is proved by `rules check`, a change that breaks it is named, and the list follows it."""

import datetime

import pytest
from clinic_support import journey_journal
from conftest import check, edit, line_of

from spinewise import api
from spinewise.clinic import db, lifters, store
from spinewise.clinic.attention import attention_list

FIRST_DAY = datetime.date(2026, 11, 2)


def test_rules_check_proves_the_attention_hazard_over_every_state():
    run = check("rules")
    assert run.exit_code == 0
    assert "clinic attention: 1 of 1 attention hazard(s) proved over all 6,048 states of a lifter" in run.output


def test_a_level_above_the_referrals_breaks_the_hazard_and_is_named(rules_copy):
    attention = rules_copy / "attention.yaml"
    text = attention.read_text()
    start, end = text.index("  - code: pain_worse"), text.index("  - code: symptoms_back_on_load")
    attention.write_text(text.replace(text[start:end], "").replace("levels:\n", "levels:\n" + text[start:end], 1))
    run = check(rules_copy)
    assert run.exit_code == 1
    line = line_of(attention, "- id: referred-lifter-listed-below")
    assert f"attention.yaml:{line}: attention hazard referred-lifter-listed-below is broken: a lifter with " \
           "latest_disposition=emergency, latest_refers=True" in run.output
    assert "latest_refers=False" in run.output


def test_a_reason_may_say_only_what_the_list_knows(rules_copy):
    attention = rules_copy / "attention.yaml"
    edit(attention, "The pain is {pain_change} points", "The pain is {pain_score} points")
    run = check(rules_copy)
    assert run.exit_code == 1
    assert f"attention.yaml:{line_of(attention, 'The pain is {pain_score}')}: attention level pain_worse: the " \
           "reason names 'pain_score' (a reason may say {date}, {disposition}" in run.output


def test_the_last_level_must_take_everyone_else(rules_copy):
    attention = rules_copy / "attention.yaml"
    edit(attention, "    order: next_checkin\n", "    order: next_checkin\n    when: {question: acknowledged, operator: is_true}\n")
    run = check(rules_copy)
    assert run.exit_code == 1 and "the last attention level (following) must have no 'when'" in run.output


@pytest.fixture
def clinic_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
    db.migrate(url)
    store.init_clinic(url, "Riverside Physio")
    return url


def shared(url, tmp_path, name, steps=None):
    folder = tmp_path / f"{name}-{steps}-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    path = journey_journal(name, folder, FIRST_DAY, steps)
    return lifters.share(url, store.new_share_code(url), path.read_bytes(), api.load_rulebase()).label


def test_worse_pain_quiet_lifters_and_the_rest_in_the_rule_bases_order_with_reasons(clinic_url, tmp_path):
    worse = shared(clinic_url, tmp_path, "pain_worse_by_two_points")
    quiet = shared(clinic_url, tmp_path, "arched_lifter_back_to_usual_weight", steps=4)
    symptoms = shared(clinic_url, tmp_path, "arched_lifter_back_to_usual_weight", steps=5)
    rows, total = attention_list(clinic_url, api.load_rulebase(), datetime.date(2026, 12, 20))
    assert total == 3
    by_label = {row.label: row for row in rows}
    assert [row.label for row in rows] == [worse, symptoms, quiet]
    assert by_label[worse].level == "referral_not_acknowledged"
    assert any("points worse than at the first assessment" in reason for reason in by_label[worse].reasons)
    assert by_label[symptoms].level == "symptoms_back_on_load"
    assert by_label[symptoms].reasons[0] == "Back symptoms returned on the way back to load in the latest check-in, " \
                                            "on 2026-12-07."
    assert by_label[quiet].reasons == ("The check-in due on 2026-12-07 is 13 days overdue.",)
    calm, _ = attention_list(clinic_url, api.load_rulebase(), datetime.date(2026, 12, 8))
    assert calm[-1].label == quiet and calm[-1].level == "following"


def test_the_list_read_a_page_at_a_time_is_the_whole_list(clinic_url, tmp_path):
    names = ["arched_lifter_back_to_usual_weight", "flare_after_sessions", "leg_weakness_in_week_two",
             "pain_worse_by_two_points"]
    for number in range(12):
        shared(clinic_url, tmp_path, names[number % 4], steps=number % 5 + 1)
    rulebase, day = api.load_rulebase(), datetime.date(2026, 12, 6)
    whole, total = attention_list(clinic_url, rulebase, day)
    paged = [row for start in range(0, 12, 5) for row in attention_list(clinic_url, rulebase, day, start=start,
                                                                         count=5)[0]]
    assert total == 12 and [row.label for row in paged] == [row.label for row in whole]
    levels = [row.level for row in whole]
    assert levels == sorted(levels, key=[level.code for level in rulebase.attention.levels].index)
