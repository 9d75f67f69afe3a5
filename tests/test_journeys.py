"""Worked journeys (tests/journeys): a first assessment, then weekly check-ins, each run through
the installed `spinewise` command as tests/journeys/README.md says, against what the spec asks.

Our own journeys extend the shared format: a check-in may carry `assess` (a new assessment on
the journal instead of a check-in), `expect` may name `no_findings`, `no_plan`, `checkin`
fields and `error_contains`; `first_expect.refused_checkin_after` runs one check-in that must
be refused; a journey with `"no_journal": true` checks in without ever assessing.
"""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TESTS

SPINEWISE = str(Path(sys.executable).parent / "spinewise")
START = datetime.date(2026, 11, 2)
JOURNEYS = sorted((TESTS / "journeys").glob("*.json"))


def _env(today=START):
    """The clock as the lifter lives the journey: each check-in is run on its own day (SOURCE_DATE_EPOCH
    is "today" for spinewise), since a check-in dated after today is refused."""
    epoch = int(datetime.datetime(today.year, today.month, today.day, tzinfo=datetime.timezone.utc).timestamp())
    return {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}


def _run(*args, answers, today=START):
    return subprocess.run([SPINEWISE, *map(str, args)], input=json.dumps(answers), capture_output=True, text=True,
                          env=_env(today), timeout=120)


def test_the_shared_journeys_are_all_here():
    names = {path.name for path in JOURNEYS}
    assert {"arched_lifter_back_to_usual_weight.json", "flare_after_sessions.json",
            "leg_weakness_in_week_two.json"} <= names
    assert len(JOURNEYS) >= 20


@pytest.mark.parametrize("path", JOURNEYS, ids=lambda p: p.stem)
def test_journey(path: Path, tmp_path):
    journey = json.loads(path.read_text())
    journal = tmp_path / "journal.json"
    if not journey.get("no_journal"):
        first = _run("assess", "--journal", journal, "--answers", "-", "--format", "json", answers=journey["first"])
        assert first.returncode == 0, first.stderr
        assert json.loads(first.stdout)["disposition"] == journey["first_expect"]["disposition"]
        assert journal.stat().st_mode & 0o777 == 0o600
    for number, step in enumerate(journey["checkins"], 1):
        day = (START + datetime.timedelta(days=step["day"])).isoformat()
        where = f"{path.stem}, entry {number} (day {step['day']})"
        before = journal.read_bytes() if journal.exists() else None
        if "assess" in step:
            run = _run("assess", "--journal", journal, "--answers", "-", "--date", day, "--format", "json",
                       answers=step["assess"], today=datetime.date.fromisoformat(day))
        else:
            run = _run("checkin", "--journal", journal, "--answers", "-", "--date", day, "--format", "json",
                       answers=step["answers"], today=datetime.date.fromisoformat(day))
        expect = step["expect"]
        if expect.get("refused"):
            assert run.returncode == 2, f"{where}: expected a refusal, got {run.returncode}: {run.stdout[:200]}"
            assert run.stdout == "", where
            assert len(run.stderr.strip().splitlines()) == 1, f"{where}: {run.stderr}"
            assert "Traceback" not in run.stderr
            assert (journal.read_bytes() if journal.exists() else None) == before, f"{where}: journal changed"
            if "error_contains" in expect:
                for part in expect["error_contains"]:
                    assert part in run.stderr, f"{where}: {part!r} not in {run.stderr!r}"
            continue
        assert run.returncode == 0, f"{where}: {run.stderr}"
        _check_result(json.loads(run.stdout), expect, where)
        entries = json.loads(journal.read_text())["entries"]
        assert entries[-1]["date"] == day and entries[-1]["result"]["disposition"] == expect["disposition"], where


def _check_result(result, expect, where):
    findings = [f["code"] for f in result["findings"]]
    plan = {item["code"]: item for item in result["plan"]}
    assert result["disposition"] == expect["disposition"], f"{where}: {result['disposition']} ({findings})"
    for code in expect.get("findings", []):
        assert code in findings, f"{where}: expected finding {code}, got {findings}"
    for code in expect.get("no_findings", []):
        assert code not in findings, f"{where}: finding {code} should not be drawn"
    for code, attributes in expect.get("plan", {}).items():
        assert code in plan, f"{where}: expected plan item {code}, got {list(plan)}"
        for name, value in attributes.items():
            assert plan[code].get(name) == value, f"{where}: {code}.{name} is {plan[code].get(name)}, not {value}"
    for code in expect.get("no_plan", []):
        assert code not in plan, f"{where}: plan item {code} should not be planned"
    if "weeks_counted" in expect:
        assert result["checkin"]["weeks_counted"] == expect["weeks_counted"], where
    for name, value in expect.get("checkin", {}).items():
        assert result["checkin"][name] == value, f"{where}: checkin.{name} is {result['checkin'][name]}, not {value}"
