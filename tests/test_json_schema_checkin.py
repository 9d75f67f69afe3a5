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
