"""The engine's results on a fixed set of cases, to prove an engine change changes no result.

The cases: every worked case (tests/vignettes, tests/cases), every rule example (on the
rule base's baseline answers) and seeded random answer sets, complete ones through
`assess` and partial ones (the first questions of a random questionnaire, as the
questionnaire and the web ask after each answer) through `conclude`. Each case's record
is the whole contract JSON of its result (disposition, findings with their "because",
plan with attributes and phases, rules fired) without the answers, which it stores once,
and without the rule base's version, SHA-256 and review counts, which name the rule files rather than
say what the engine concluded (a reworded question changes the hash, not a result).

    python tests/engine_golden.py write tests/golden/engine-results.jsonl.gz 20000
    python tests/engine_golden.py compare tests/golden/engine-results.jsonl.gz 20000

`write` records what the installed spinewise concludes; `compare` re-runs those cases
(and, when asked for more random cases than the file holds, only reports the count it
could check). tests/test_engine_golden.py compares the committed file.
"""

from __future__ import annotations

import gzip
import json
import random
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
sys.path.insert(0, str(REPO / "benchmarks"))

from answers import random_value  # noqa: E402

SEED = 20


def worked_cases(rulebase) -> list[tuple[str, str, dict]]:
    """(name, "assess", answers) for every worked case and rule example."""
    cases = []
    for path in sorted((TESTS / "vignettes").glob("*.json")) + sorted((TESTS / "cases").glob("*.json")):
        cases.append((f"{path.parent.name}/{path.stem}", "assess", json.loads(path.read_text())["answers"]))
    for rule in rulebase.rules:
        for number, example in enumerate(rule.examples):
            given = {**rulebase.baseline, **example.given}
            cases.append((f"example/{rule.id}/{number}", "conclude", given))
    return cases


def random_answers(rulebase, rng: random.Random, yes: float) -> dict:
    """Complete valid answers whose yes/no questions are yes with probability `yes`."""
    answers: dict = {}
    for question in rulebase.questions:
        if question.is_asked(answers):
            answers[question.id] = (rng.random() < yes if question.type == "bool"
                                    else random_value(question, rng))
    return answers


def random_cases(rulebase, count: int, seed: int = SEED) -> list[tuple[str, str, dict]]:
    """(name, "assess" or "conclude", answers): every third case partial, cut after a random question.

    Uniform answers nearly always hold a nerve sign (an emergency), so every other case
    answers yes/no questions yes only one time in ten, to reach every disposition."""
    rng = random.Random(seed)
    cases = []
    for number in range(count):
        answers = random_answers(rulebase, rng, 0.5 if number % 2 else 0.1)
        if number % 3 == 2:
            keep = rng.randint(0, len(answers))
            cases.append((f"partial/{number}", "conclude", dict(list(answers.items())[:keep])))
        else:
            cases.append((f"random/{number}", "assess", answers))
    return cases


def outcome(triage, how: str, answers: dict) -> dict:
    from spinewise.errors import AnswersError

    try:
        result = triage.assess(answers) if how == "assess" else triage.conclude(answers)
    except AnswersError as exc:
        return {"error": str(exc)}
    data = result.to_json()
    # The review counts say who signed the rule files, not what the engine concluded.
    for key in ("answers", "rulebase", "review"):
        data.pop(key, None)
    return data


def records(triage, cases):
    for name, how, answers in cases:
        yield {"case": name, "how": how, "answers": answers, "result": outcome(triage, how, answers)}


def _triage():
    from spinewise.engine import load_triage

    return load_triage(REPO / "rules")


def write(path: str, count: int) -> None:
    triage = _triage()
    cases = worked_cases(triage.rulebase) + random_cases(triage.rulebase, count)
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as sink:
        sink.write(json.dumps({"random": count, "seed": SEED}) + "\n")
        for record in records(triage, cases):
            sink.write(json.dumps(record, separators=(",", ":"), sort_keys=True) + "\n")


def read(path) -> tuple[dict, list[dict]]:
    with gzip.open(path, "rt", encoding="utf-8") as source:
        header = json.loads(source.readline())
        return header, [json.loads(line) for line in source]


def differences(path) -> tuple[int, list[str]]:
    """(cases checked, one line per case whose result differs from the file's)."""
    triage = _triage()
    header, stored = read(path)
    problems = []
    for record in stored:
        now = outcome(triage, record["how"], record["answers"])
        if now != record["result"]:
            problems.append(f"{record['case']}: {json.dumps(record['result'], sort_keys=True)} "
                            f"!= {json.dumps(now, sort_keys=True)}")
    return len(stored), problems


if __name__ == "__main__":
    command, target = sys.argv[1], sys.argv[2]
    if command == "write":
        write(target, int(sys.argv[3]))
    else:
        checked, problems = differences(target)
        print(f"{checked} cases checked, {len(problems)} differ")
        for line in problems[:20]:
            print(line)
        sys.exit(1 if problems else 0)
