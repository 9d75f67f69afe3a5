"""Run a journey (tests/journeys) in-process in one language and keep every report and result."""

import calendar
import datetime
import os
import json
from dataclasses import dataclass, field
from pathlib import Path

from conftest import TESTS, invoke

START = datetime.date(2026, 11, 2)


@dataclass
class Run:
    reports: list = field(default_factory=list)  # text reports, the first assessment's first
    results: list = field(default_factory=list)  # JSON results
    journal: str = ""  # `journal show` as text
    errors: list = field(default_factory=list)


def run_journey(path: Path, tmp_path: Path, lang: str = "en", width: int = 80, fmt: str = "text") -> Run:
    journey = json.loads(Path(path).read_text())
    journal = tmp_path / f"{path.stem}-{lang}-{width}.json"
    run = Run()
    if journey.get("no_journal"):
        return run
    steps = [("assess", START, journey["first"])] + [
        ("assess" if "assess" in step else "checkin", START + datetime.timedelta(days=step["day"]),
         step.get("assess") or step["answers"]) for step in journey["checkins"]]
    for command, day, answers in steps:
        # The lifter lives the journey: each entry is made on its own day (a day after today is refused).
        os.environ["SOURCE_DATE_EPOCH"] = str(calendar.timegm(day.timetuple()) + 12 * 3600)
        source = tmp_path / "answers.json"
        source.write_text(json.dumps(answers))
        base = [command, "--journal", journal, "--answers", source, "--date", day.isoformat(), "--lang", lang]
        done = invoke(*base, "--format", "json")
        if done.exit_code != 0:
            run.errors.append(done.stderr)
            continue
        run.results.append(json.loads(done.stdout))
        # The same entry again as text, on a copy of the journal as it was before it.
        journal_json = json.loads(journal.read_text())
        journal_json["entries"].pop()
        before = tmp_path / "before.json"
        before.write_text(json.dumps(journal_json))
        before.chmod(0o600)
        text = invoke(command, "--journal", before, "--answers", source, "--date", day.isoformat(), "--lang", lang,
                      "--format", fmt, env_columns=width)
        run.reports.append(text.stdout)
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    shown = invoke("journal", "show", "--journal", journal, "--format", "text", "--lang", lang, env_columns=width)
    run.journal = shown.stdout
    return run


def lifters_part(report: str) -> str:
    """What a lifter reads: the report above the part for the practitioner."""
    for heading in ("FOR YOUR PRACTITIONER", "PARA SU PROFESIONAL SANITARIO", "PARA TU PROFESIONAL SANITARIO"):
        if heading in report:
            return report.split(heading)[0]
    return report
