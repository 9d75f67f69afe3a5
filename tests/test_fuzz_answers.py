"""Fuzzed answers, over the whole answer space and beyond it: a result or one clear line, never a traceback."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RULES, invoke
from spinewise.engine.conclusions import RecordingEngine
from spinewise.engine.triage import Triage
from spinewise.rulebase.load import load_rulebase
from strategies import valid_answers
from test_properties import CONTRACT_DISPOSITIONS, RED_FLAGS, severity, with_flag

RULEBASE = load_rulebase(RULES)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=12)
QUESTION_IDS = [q.id for q in RULEBASE.questions]


def assess_text(text):
    return invoke("assess", "--answers", "-", "--format", "json", input=text)


def assert_result_or_one_line_refusal(run):
    if run.exit_code == 0:
        result = json.loads(run.stdout)
        assert result["disposition"] in CONTRACT_DISPOSITIONS
        assert isinstance(result["findings"], list) and isinstance(result["plan"], list)
    else:
        assert run.exit_code == 2, run.stderr
        assert run.stdout == ""
        assert run.stderr.startswith("Error: ") and run.stderr.count("\n") == 1, run.stderr


@st.composite
def damaged_answers(draw):
    """Valid answers with one to three keys deleted, replaced by any JSON, or added."""
    answers = draw(valid_answers(RULEBASE))
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from(QUESTION_IDS + ["id", "extra", ""]))
        if draw(st.booleans()):
            answers.pop(key, None)
        else:
            answers[key] = draw(JSON)
    return answers


@SETTINGS
@given(answers=damaged_answers())
def test_damaged_answers_give_a_result_or_one_clear_line(answers):
    assert_result_or_one_line_refusal(assess_text(json.dumps(answers)))


@SETTINGS
@given(value=JSON)
def test_any_json_value_gives_a_result_or_one_clear_line(value):
    assert_result_or_one_line_refusal(assess_text(json.dumps(value)))


@SETTINGS
@given(data=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_bytes_give_a_result_or_one_clear_line(data):
    assert_result_or_one_line_refusal(invoke("assess", "--answers", "-", "--format", "json", input=data))


@SETTINGS
@given(answers=valid_answers(RULEBASE), flags=st.sets(st.sampled_from(sorted(RED_FLAGS)), min_size=1))
def test_red_flags_together_are_never_less_urgent_than_any_one_of_them(triage, answers, flags):
    for flag in flags:
        answers = with_flag(answers, flag, False)
    with_flags = triage.assess({**answers, **{flag: True for flag in flags}})
    without = triage.assess({**answers, **{flag: False for flag in flags}})
    assert severity(with_flags.disposition) <= severity(without.disposition)
    assert severity(with_flags.disposition) <= min(severity(RED_FLAGS[flag]) for flag in flags)
    for flag in flags:
        alone = triage.assess({**answers, **{other: other == flag for other in flags}})
        assert severity(with_flags.disposition) <= severity(alone.disposition)


class ExpertaMatcherEngine(RecordingEngine):
    """The same rules on experta alone: its own RETE matcher, agenda strategy and run loop, every conclusion a fact."""

    from experta.matchers import ReteMatcher as __matcher__

    read_conclusions = None


def reference_triage(triage):
    reference = Triage(RULEBASE)
    rules = {name: value for name, value in vars(type(triage.engine)).items() if name != "read_conclusions"}
    reference.engine = type("Reference", (ExpertaMatcherEngine,), rules)()
    return reference


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_the_fast_engine_gives_exactly_what_experta_alone_gives(triage, data):
    reference = reference_triage(triage)
    for _ in range(10):
        answers = data.draw(valid_answers(RULEBASE))
        assert json.dumps(reference.assess(answers).to_json()) == json.dumps(triage.assess(answers).to_json())
