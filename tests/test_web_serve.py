"""`spinewise serve` as a person runs it, and the shared questionnaire flow it stands on."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import invoke, with_pain
from spinewise.questionnaire import flow
from spinewise.questionnaire.why import plain_why

COMMAND = [str(Path(sys.executable).with_name("spinewise"))]


def start_server(*args, env=None):
    process = subprocess.Popen(COMMAND + ["serve", "--port", "0", *args], stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **(env or {})})
    lines = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        lines.append(line)
        found = re.search(r"(http://\S+/)", line)
        if found:
            return process, found.group(1), lines
    process.kill()
    raise AssertionError("".join(lines))


def stop(process):
    process.send_signal(signal.SIGINT)
    rest = process.stderr.read()
    return process.wait(timeout=30), rest


def test_serve_prints_its_address_serves_pages_and_stops_cleanly_on_ctrl_c():
    process, address, lines = start_server()
    try:
        assert address.startswith("http://127.0.0.1:")
        assert not any("warning" in line for line in lines)
        with urllib.request.urlopen(address, timeout=10) as response:
            page = response.read().decode()
        assert "Start now" in page
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    finally:
        status, rest = stop(process)
    assert status in (0, 130)
    assert "Traceback" not in rest and "stopped" in rest


def test_serve_logs_no_answers(tmp_path):
    """A whole questionnaire over real HTTP: the server's output holds no answer and no state."""
    import http.client
    import urllib.parse

    process, address, lines = start_server()
    host, port = urllib.parse.urlsplit(address).netloc.rsplit(":", 1)
    try:
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("POST", "/start")
        started = connection.getresponse()
        started.read()
        state = started.headers["Set-Cookie"].split(";")[0]
        body = urllib.parse.urlencode({"question": "saddle_numbness", "saddle_numbness": "true"})
        connection.request("POST", "/answer", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                     "Cookie": state})
        answered = connection.getresponse()
        answered.read()
        assert answered.status == 303 and answered.headers["Location"] == "/stop"
        state = answered.headers["Set-Cookie"].split(";")[0]
        connection.request("GET", "/stop", headers={"Cookie": state})
        assert 'role="alert"' in connection.getresponse().read().decode()
    finally:
        status, rest = stop(process)
    output = "".join(lines) + rest
    assert "saddle_numbness" not in output and state.split("=", 1)[1] not in output and "POST" not in output


def test_serve_with_two_workers_answers_from_either_and_ctrl_c_stops_both():
    """Two processes on one port: each request on a new connection may reach either, so a state
    cookie sealed by one must open in the other (one secret, made before the fork)."""
    import http.client
    import urllib.parse

    process, address, lines = start_server("--workers", "2")
    host, port = urllib.parse.urlsplit(address).netloc.rsplit(":", 1)
    deadline, workers = time.monotonic() + 10, []
    while len(workers) < 2 and time.monotonic() < deadline:  # the address is said before the fork
        workers = subprocess.run(["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True,
                                 text=True).stdout.split()
    try:
        assert "2 processes" in lines[-1] and len(workers) == 2

        def fresh(method, path, state="", body=None):  # a new connection each time: any worker answers
            connection = http.client.HTTPConnection(host, int(port), timeout=10)
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": state} if state else {}
            connection.request(method, path, body, headers)
            answer = connection.getresponse()
            page = answer.read().decode()
            connection.close()
            return answer, page, (answer.headers["Set-Cookie"] or state).split(";")[0]

        answer, _, state = fresh("POST", "/start")
        for _ in range(8):
            body = urllib.parse.urlencode({"question": "saddle_numbness", "saddle_numbness": "false"})
            answer, _, state = fresh("POST", "/answer", state, body)
            assert answer.status == 303 and answer.headers["Location"] == "/question/bladder_bowel_change"
            answer, page, _ = fresh("GET", answer.headers["Location"], state)  # the answer was kept
            assert answer.status == 200 and 'name="question" value="bladder_bowel_change"' in page
    finally:
        status, rest = stop(process)
    assert status in (0, 130) and "Traceback" not in rest
    time.sleep(0.5)
    assert not [pid for pid in workers if os.path.exists(f"/proc/{pid}")
                and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]], "a worker outlived Ctrl-C"


def test_ctrl_c_as_the_workers_start_stops_them_all():
    """A Ctrl-C (SIGINT) at once, while the workers are being forked, must not leave any serving."""
    for _ in range(3):
        process = subprocess.Popen(COMMAND + ["serve", "--port", "0", "--workers", "3"], stderr=subprocess.PIPE,
                                   text=True)
        process.stderr.readline()  # the address: the fork comes next
        process.send_signal(signal.SIGINT)
        try:
            _, rest = process.communicate(timeout=30)  # ends only when no worker holds the output open
        except subprocess.TimeoutExpired:
            for worker in subprocess.run(["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True,
                                         text=True).stdout.split():
                os.kill(int(worker), signal.SIGTERM)  # this test's own workers
            process.kill()
            raise AssertionError("a worker was left serving after Ctrl-C") from None
        assert process.returncode in (0, 1, 130) and "Traceback" not in rest  # 1: click's "Aborted!"


def test_serve_on_a_port_in_use_says_so_in_one_line():
    process, address, _ = start_server()
    try:
        port = address.rsplit(":", 1)[1].strip("/")
        for workers in ("1", "2"):
            result = invoke("serve", "--port", port, "--workers", workers)
            assert result.exit_code == 2 and "cannot listen on 127.0.0.1" in result.stderr
            assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    finally:
        stop(process)


def test_serve_on_another_host_warns_that_answers_cross_the_network_unencrypted():
    process, address, lines = start_server("--host", "0.0.0.0")
    stop(process)
    assert any("answers cross the network unencrypted unless a TLS proxy" in line for line in lines)


def test_serve_refuses_a_broken_rule_base_before_listening(rules_copy):
    (rules_copy / "questions.yaml").write_text("questions: [")
    result = invoke("serve", "--rules", rules_copy)
    assert result.exit_code == 2 and "rule base" in result.stderr


def test_serve_help_has_an_example():
    result = invoke("serve", "--help")
    assert "spinewise serve --host 0.0.0.0 --port 8080" in result.stdout
    assert "SPINEWISE_SECRET" in result.stdout


# --- flow.py ---------------------------------------------------------------------------------

def test_flow_asks_in_file_order_and_counts_how_many_are_left(rulebase, healthy):
    assert flow.next_question(rulebase, {}).id == rulebase.questions[0].id
    assert str(flow.progress(rulebase, {}, rulebase.questions[0].id)) == "Question 1 of 13 to 22"
    pain = with_pain(healthy)
    assert str(flow.progress(rulebase, pain, "pain_intensity")) == "Question 7 of 22"
    assert str(flow.progress(rulebase, healthy, "weeks_on_program")) == "Question 13 of 13"
    assert flow.is_complete(rulebase, healthy) and flow.next_question(rulebase, healthy) is None


def test_flow_drops_follow_ups_that_a_changed_answer_no_longer_asks(rulebase, healthy):
    changed = {**with_pain(healthy), "back_pain": False}
    assert flow.keep_asked(rulebase, changed) == healthy


def test_flow_stop_disposition_is_the_most_severe_and_stops_at_saddle_numbness(triage):
    assert flow.stop_disposition(triage.rulebase) is triage.rulebase.dispositions[0]
    assert flow.reaches_stop(triage, {"saddle_numbness": True})
    assert not flow.reaches_stop(triage, {"saddle_numbness": False})


# --- the plain "why" -------------------------------------------------------------------------

def test_plain_why_is_one_to_four_lines_without_codes_most_severe_first(rulebase):
    codes = ({d.code for d in rulebase.dispositions} | {f.code for f in rulebase.findings}
             | {r.id for r in rulebase.rules} | {q.id for q in rulebase.questions})
    for question in rulebase.questions:
        lines = plain_why(question, rulebase)
        assert 1 <= len(lines) <= 4, question.id
        assert lines[0] == question.why
        words = set(re.findall(r"[a-z0-9_-]+", " ".join(lines)))
        assert not {code for code in codes if "_" in code or "-" in code} & words, question.id
    lines = plain_why(rulebase.question("weeks_on_program"), rulebase)
    titles = [d.title for d in rulebase.dispositions]
    shown = [next(i for i, t in enumerate(titles) if t in line) for line in lines[1:-1]]
    assert shown == sorted(shown)


def test_plain_why_follows_the_rules(rules_copy):
    from spinewise.rulebase.load import load_rulebase

    path = rules_copy / "10-red-flags.yaml"
    path.write_text(path.read_text().replace("disposition: emergency", "disposition: urgent_consultation", 1))
    rulebase = load_rulebase(rules_copy)
    line = plain_why(rulebase.question("saddle_numbness"), rulebase)[1]
    assert line == f"If you answer yes, the advice will be at least: {rulebase.disposition('urgent_consultation').title}."



@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_only_the_questions_deciding_the_stop_can_change_it(triage, data):
    """The web skips the engine for other answers: check that no other answer ever changes the verdict."""
    from strategies import valid_answers

    answers = data.draw(valid_answers(triage.rulebase))
    deciding = flow.questions_deciding_stop(triage.rulebase, triage.rules)
    assert deciding and {"saddle_numbness"} <= deciding
    given_so_far = {}
    for qid, value in answers.items():
        before = flow.reaches_stop(triage, given_so_far)
        given_so_far[qid] = value
        if qid not in deciding:
            assert flow.reaches_stop(triage, given_so_far) == before, qid
