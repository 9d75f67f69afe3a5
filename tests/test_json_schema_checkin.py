"""The JSON Schema of the weekly check-in's answers agrees with what `spinewise checkin` accepts."""

import json

import jsonschema

from conftest import TESTS, invoke

SCHEMA = json.loads(invoke("questions", "--format", "checkin-json-schema").stdout)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _steps():
    for path in sorted((TESTS / "journeys").glob("*.json")):
        for step in json.loads(path.read_text())["checkins"]:
            if "answers" in step:
                yield path.stem, step


def test_the_schema_is_a_valid_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["additionalProperties"] is False


def test_every_accepted_checkin_of_the_journeys_validates():
    # (an emergency reached on the nerve answers alone may leave the rest out: the schema cannot say so)
    accepted = [(name, step) for name, step in _steps() if not step["expect"].get("refused")
                and "back_pain" in step["answers"]]
    assert len(accepted) > 50
    for name, step in accepted:
        errors = list(VALIDATOR.iter_errors(step["answers"]))
        assert not errors, (name, step["day"], errors[0].message)


def test_answers_the_checkin_refuses_for_their_own_sake_are_invalid():
    bad = [{"back_pain": False}, {"saddle_numbness": False, "bladder_bowel_change": False, "leg_weakness": False,
                                  "radiating_leg_pain": False, "back_pain": False, "felt_in_back": False,
                                  "pain_intensity": 11},
           {"saddle_numbness": "no"}, {"tailbone_tuck": True}]
    for answers in bad:
        assert list(VALIDATOR.iter_errors(answers)), answers


def test_the_schema_compiles_under_ajv_strict_mode_with_no_warning(tmp_path):
    """Ajv strict (strictRequired included): every `required` names its property beside it."""
    from node_support import node, node_modules

    node_modules("ajv", "ajv-formats")
    path = tmp_path / "checkin-answers.schema.json"
    path.write_text(json.dumps(SCHEMA))
    run = node(TESTS / "node" / "ajv_strict.js", path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert json.loads(run.stdout) == {"error": None, "warnings": [],
                                      "compiled": [SCHEMA["$id"], SCHEMA["$defs"]["result"]["$id"]]}


def _week(tmp_path, answers):
    from checkin_support import started_journal

    journal = started_journal(tmp_path)
    week = tmp_path / "week.json"
    week.write_text(json.dumps(answers))
    return invoke("checkin", "--journal", journal, "--answers", week, "--date", "2026-11-09", "--format", "json")


def test_what_checkin_refuses_whatever_the_journal_the_schema_refuses_too(tmp_path):
    from checkin_support import WEEK

    no_sessions = {**WEEK, "sessions_done": 0}  # the dead bug and thumb checks are asked only after a session
    both = {**WEEK, "loaded_sessions": 2}  # the program's and the return to load's questions: never in one week
    for answers in (no_sessions, both):
        assert list(VALIDATOR.iter_errors(answers)), answers
        folder = tmp_path / str(len(answers))
        folder.mkdir()
        assert _week(folder, answers).exit_code == 2
    assert not list(VALIDATOR.iter_errors(WEEK))


def test_a_checkin_result_validates_against_the_result_schema(tmp_path):
    from checkin_support import WEEK

    run = _week(tmp_path, WEEK)
    result = json.loads(run.stdout)
    result_schema = SCHEMA["$defs"]["result"]
    assert result_schema["properties"]["checkin"]["required"] == ["date", "week_counted", "weeks_counted",
                                                                    "pain_change"]
    validator = jsonschema.Draft202012Validator(result_schema, format_checker=jsonschema.FormatChecker())
    assert not list(validator.iter_errors(result))
    assert list(validator.iter_errors({**result, "checkin": {**result["checkin"], "weeks_counted": -1}}))


def test_an_out_of_range_answer_is_named_with_its_range_not_a_journal_value(tmp_path):
    from checkin_support import WEEK

    run = _week(tmp_path, {**WEEK, "sessions_done": 15})
    assert run.exit_code == 2
    assert "sessions_done: 15 is out of range (expected a whole number from 0 to 14)" in run.stderr
    assert "last_disposition" not in run.stderr
