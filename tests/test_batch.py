"""`spinewise batch`: one result line per input line, ids and order kept, bad lines don't stop the run."""

import json
import os
import stat

import pytest

from conftest import invoke, with_pain


def lines_of(text):
    return [json.loads(line) for line in text.splitlines()]


def test_batch_keeps_ids_and_order(tmp_path, healthy):
    cases = [{"id": "a", **healthy}, {"id": 7, **with_pain(healthy, pain_intensity=9)},
             {"id": "c", "saddle_numbness": True}]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(c) for c in cases) + "\n")
    out = tmp_path / "out.jsonl"

    run = invoke("batch", source, "--output", out)

    assert run.exit_code == 0, run.stderr
    results = lines_of(out.read_text())
    assert [r["id"] for r in results] == ["a", 7, "c"]
    assert [r["disposition"] for r in results] == ["continue_training", "consultation", "emergency"]
    assert "3 assessed, 0 refused" in run.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_bad_lines_get_an_error_and_the_run_goes_on(tmp_path, healthy):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([json.dumps({"id": 1, **healthy}), "{not json", json.dumps({"id": 3, "fever": "x"}),
                                 "", json.dumps({"id": 5, **healthy})]))
    run = invoke("batch", source)
    results = lines_of(run.stdout)
    assert len(results) == 4  # the blank line 4 is skipped, not refused
    assert results[0]["disposition"] == "continue_training"
    assert "error" in results[1] and results[1]["line"] == 2 and "disposition" not in results[1]
    assert results[1]["error"] == "not valid JSON: Expecting property name enclosed in double quotes at column 2"
    assert results[2]["id"] == 3 and "fever" in results[2]["error"]
    assert results[3]["id"] == 5 and results[3]["disposition"] == "continue_training"
    assert "2 assessed, 2 refused" in run.stderr
    assert run.exit_code == 1


def test_an_error_names_every_problem_of_its_line_and_not_the_line_number_again(tmp_path, healthy):
    source = tmp_path / "in.jsonl"
    bad = json.dumps({**healthy, "reps_per_set": 0, "thumb_test": "apart"}).replace("false", "NaN", 1)
    source.write_text(json.dumps(healthy) + "\n" + bad + "\n")
    run = invoke("batch", source)
    error = lines_of(run.stdout)[1]["error"]
    assert "line" not in error
    assert "saddle_numbness: NaN is not allowed" in error
    assert "reps_per_set: 0 is out of range" in error and 'thumb_test: "apart"' in error
    assert run.exit_code == 1 and "1 assessed, 1 refused" in run.stderr


def test_an_id_of_nan_is_refused_so_every_output_line_stays_json(tmp_path, healthy):
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": 1, **healthy}).replace("1", "NaN", 1) + "\n")
    run = invoke("batch", source)
    record = json.loads(run.stdout, parse_constant=lambda name: pytest.fail(f"{name} in the output"))
    assert record == {"line": 1, "error": record["error"]} and record["error"].startswith("id: NaN")
    assert run.exit_code == 1


def test_batch_results_match_single_assessments(tmp_path, healthy):
    answers = with_pain(healthy, tailbone_tuck=True)
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(answers) + "\n")
    single = invoke("assess", "--answers", "-", "--format", "json", input=json.dumps(answers))
    assert lines_of(invoke("batch", source).stdout) == [json.loads(single.stdout)]


def test_batch_reads_standard_input(healthy):
    run = invoke("batch", "-", input=json.dumps(healthy) + "\n")
    assert lines_of(run.stdout)[0]["disposition"] == "continue_training"
    assert run.exit_code == 0


def test_missing_input_file_is_refused(tmp_path):
    run = invoke("batch", tmp_path / "absent.jsonl")
    assert run.exit_code == 2 and "does not exist" in run.stderr
