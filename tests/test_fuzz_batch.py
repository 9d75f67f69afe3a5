"""`spinewise batch` survives whatever a file holds, and what it writes is always valid JSONL."""

import json
import os
import signal
import subprocess
import sys
import time

import pexpect
import pytest

from conftest import REPO, invoke, with_back_felt, with_pain
from spinewise.batch import MAX_LINE_BYTES


def results(text):
    return [json.loads(line) for line in text.splitlines()]


def write_lines(path, cases, end="\n"):
    path.write_text("\n".join(json.dumps(case) for case in cases) + end)
    return path


def varied_cases(healthy, count):
    dispositions = [healthy, with_pain(healthy, pain_intensity=9), {"saddle_numbness": True},
                    with_pain(healthy, tailbone_tuck=True), with_back_felt(healthy, fever=True)]
    return [{"id": number, **dispositions[number % len(dispositions)]} for number in range(count)]


@pytest.mark.parametrize("jobs", ["1", "2", "3"])
def test_results_keep_input_order_whatever_the_jobs(tmp_path, healthy, jobs):
    cases = varied_cases(healthy, 523)  # not a multiple of any chunk size
    source = write_lines(tmp_path / "in.jsonl", cases)
    out = tmp_path / "out.jsonl"

    run = invoke("batch", source, "--output", out, "--jobs", jobs)

    assert run.exit_code == 0, run.stderr
    lines = results(out.read_text())
    assert [line["id"] for line in lines] == list(range(523))
    single = results(invoke("batch", write_lines(tmp_path / "first.jsonl", cases[:5]), "--jobs", "1").stdout)
    assert [line["disposition"] for line in lines[:5]] == [line["disposition"] for line in single]
    assert "523 assessed, 0 refused" in run.stderr


def test_parallel_and_serial_output_are_byte_identical(tmp_path, healthy):
    source = write_lines(tmp_path / "in.jsonl", varied_cases(healthy, 250) + [{"id": "bad", "fever": 3}])
    serial = invoke("batch", source, "--jobs", "1")
    parallel = invoke("batch", source, "--jobs", "2")
    assert serial.stdout == parallel.stdout
    assert "250 assessed, 1 refused" in parallel.stderr
    assert serial.exit_code == parallel.exit_code == 1


def test_jobs_must_be_a_positive_whole_number(tmp_path, healthy):
    source = write_lines(tmp_path / "in.jsonl", [healthy])
    run = invoke("batch", source, "--jobs", "0")
    assert run.exit_code == 2 and "--jobs" in run.stderr and run.stdout == ""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_empty_file_gives_an_empty_output(tmp_path, jobs):
    source = tmp_path / "empty.jsonl"
    source.write_bytes(b"")
    out = tmp_path / "out.jsonl"
    run = invoke("batch", source, "--output", out, "--jobs", jobs)
    assert run.exit_code == 0
    assert out.read_bytes() == b""
    assert "0 assessed, 0 refused" in run.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_last_line_counts_without_a_trailing_newline(tmp_path, healthy, jobs):
    source = write_lines(tmp_path / "in.jsonl", [{"id": 1, **healthy}, {"id": 2, "saddle_numbness": True}], end="")
    lines = results(invoke("batch", source, "--jobs", jobs).stdout)
    assert [(line["id"], line["disposition"]) for line in lines] == [(1, "continue_training"), (2, "emergency")]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_bad_lines_of_every_kind_are_reported_and_the_run_goes_on(tmp_path, healthy, jobs):
    blank = [b"", b"   "]  # skipped, not refused: they keep their line numbers for what follows
    bad = [b"\xff\xfe not utf-8", b"[1, 2]", b'{"id": 3, "fever": "yes"}', b"{" * 100_000,
           b'{"a": NaN}', b'{"id": 1, "id": 2}', b"null", b'"text"', b"9" * 5000, b"\x00"]
    good = json.dumps({"id": "last", **healthy}).encode()
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(blank + bad + [good]) + b"\n")

    run = invoke("batch", source, "--jobs", jobs)

    lines = results(run.stdout)
    assert len(lines) == len(bad) + 1
    for number, line in enumerate(lines[:-1], start=len(blank) + 1):
        assert line["line"] == number and line["error"] and "disposition" not in line, line
    assert lines[-1]["id"] == "last" and lines[-1]["disposition"] == "continue_training"
    assert f"1 assessed, {len(bad)} refused" in run.stderr
    assert run.exit_code == 1


def test_a_100_mb_line_is_refused_without_stopping_the_run(tmp_path, healthy):
    source = tmp_path / "in.jsonl"
    with open(source, "wb") as stream:
        stream.write(json.dumps({"id": "before", **healthy}).encode() + b"\n")
        stream.write(b'{"id": "huge", "note": "')
        block = b"x" * (1 << 20)
        for _ in range(100):
            stream.write(block)
        stream.write(b'"}\n')
        stream.write(json.dumps({"id": "after", **healthy}).encode() + b"\n")
    out = tmp_path / "out.jsonl"

    run = invoke("batch", source, "--output", out, "--jobs", "2")

    lines = results(out.read_text())
    assert [line.get("id") for line in lines] == ["before", None, "after"]
    assert lines[1]["line"] == 2 and f"longer than {MAX_LINE_BYTES} bytes" in lines[1]["error"]
    assert lines[2]["disposition"] == "continue_training"
    assert "2 assessed, 1 refused" in run.stderr
    assert run.exit_code == 1


def spinewise_command(*args):
    return [sys.executable, "-m", "spinewise", *map(str, args)]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_mid_run_leaves_only_whole_result_lines(tmp_path, healthy, jobs):
    source = write_lines(tmp_path / "in.jsonl", varied_cases(healthy, 20_000))
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen(spinewise_command("batch", source, "--output", out, "--jobs", jobs),
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while (not out.exists() or out.stat().st_size < 50_000) and time.monotonic() < deadline:
        time.sleep(0.05)

    os.killpg(process.pid, signal.SIGINT)  # as a terminal does: the whole process group
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    text = out.read_text()
    assert text.endswith("\n")
    lines = results(text)
    assert 0 < len(lines) < 20_000
    assert [line["id"] for line in lines] == list(range(len(lines)))


def test_a_progress_bar_is_drawn_on_a_terminal_only(tmp_path, healthy):
    source = write_lines(tmp_path / "in.jsonl", varied_cases(healthy, 300))
    out = tmp_path / "out.jsonl"
    terminal = pexpect.spawn(sys.executable, ["-m", "spinewise", "batch", str(source), "--output", str(out)],
                             cwd=str(REPO), encoding="utf-8", timeout=60)
    terminal.expect("assessing")
    terminal.expect("100%")
    terminal.expect(pexpect.EOF)
    terminal.close()
    assert terminal.exitstatus == 0

    piped = invoke("batch", source, "--output", out)
    assert "assessing" not in piped.stderr and "%" not in piped.stderr
    assert len(results(out.read_text())) == 300
