"""`spinewise batch`: one result line per input line, ids and order kept, bad lines don't stop the run."""

import json
import os
import stat

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
    assert "3 assessed, 0 with errors" in run.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_bad_lines_get_an_error_and_the_run_goes_on(tmp_path, healthy):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([json.dumps({"id": 1, **healthy}), "{not json", json.dumps({"id": 3, "fever": "x"}),
                                 "", json.dumps({"id": 5, **healthy})]))
    run = invoke("batch", source)
    results = lines_of(run.stdout)
    assert len(results) == 5
    assert results[0]["disposition"] == "continue_training"
    assert "error" in results[1] and results[1]["line"] == 2 and "disposition" not in results[1]
    assert results[2]["id"] == 3 and "fever" in results[2]["error"]
    assert "error" in results[3]
    assert results[4]["id"] == 5 and results[4]["disposition"] == "continue_training"
    assert "2 assessed, 3 with errors" in run.stderr


def test_batch_results_match_single_assessments(tmp_path, healthy):
    answers = with_pain(healthy, tailbone_tuck=True)
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(answers) + "\n")
    single = invoke("assess", "--answers", "-", "--format", "json", input=json.dumps(answers))
    assert lines_of(invoke("batch", source).stdout) == [json.loads(single.stdout)]


def test_batch_reads_standard_input(healthy):
    run = invoke("batch", "-", input=json.dumps(healthy) + "\n")
    assert lines_of(run.stdout)[0]["disposition"] == "continue_training"


def test_missing_input_file_is_refused(tmp_path):
    run = invoke("batch", tmp_path / "absent.jsonl")
    assert run.exit_code == 2 and "does not exist" in run.stderr
