"""The weekly check-in's speed and the journal's size: a check-in against a journal of 52
weekly entries, as a whole process, beside a first assessment (target: within 1.3x), and the
journal's bytes per entry.

    python benchmarks/checkin.py            # 11 runs each
    python benchmarks/checkin.py --quick    # 5 runs each

Both commands run the same way (`sh -c "cp <journal> ... && spinewise ..."`, each on a fresh
copy, because a check-in appends to its journal), with bytecode and the rule cache warm as on
a user's machine. Run it with the Python of the environment spinewise is installed in.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shlex
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import EXAMPLE, Harness, compare  # noqa: E402

WEEKS = 52
START = datetime.date(2026, 1, 5)
NERVES = {"saddle_numbness": False, "bladder_bowel_change": False, "leg_weakness": False, "radiating_leg_pain": False}
PROGRAM_WEEK = {**NERVES, "back_pain": False, "felt_in_back": False, "sessions_done": 3,
                "dead_bug_control": "kept_down", "thumb_distance": "unchanged"}
LOADED_WEEK = {**NERVES, "back_pain": False, "felt_in_back": False, "loaded_sessions": 2, "at_usual_weight": False}


def build_journal(path: Path) -> None:
    """A year of entries: the first assessment, three program weeks, then load coming back week by week."""
    from spinewise import api
    from spinewise.journal import read_journal

    result = api.assess(json.loads(EXAMPLE.read_text()))
    api.start_journal_entry(path, result, START)
    journal = read_journal(path)
    for week in range(1, WEEKS):
        answers = PROGRAM_WEEK if journal.last["result"]["disposition"] != "reintroduce_load" else LOADED_WEEK
        api.checkin(journal, answers, START + datetime.timedelta(days=7 * week))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="spinewise-checkin-bench-") as folder:
        work = Path(folder)
        harness = Harness(work, 5 if args.quick else 11)
        base, journal = work / "base.json", work / "journal.json"
        build_journal(base)
        entries = len(json.loads(base.read_text())["entries"])
        week = work / "week.json"
        week.write_text(json.dumps(LOADED_WEEK))
        day = (START + datetime.timedelta(days=7 * WEEKS)).isoformat()
        spinewise = " ".join(shlex.quote(part) for part in harness.spinewise)
        copy = f"cp {shlex.quote(str(base))} {shlex.quote(str(journal))}"
        runs = harness.medians({
            "assess": (["sh", "-c", f"{copy} && {spinewise} assess --answers {shlex.quote(str(EXAMPLE))} "
                                    f"--format json"], None),
            "checkin": (["sh", "-c", f"{copy} && {spinewise} checkin --journal {shlex.quote(str(journal))} "
                                     f"--answers {shlex.quote(str(week))} --date {day} --format json"], None),
        })
        figure = compare(f"checkin --format json, {entries}-entry journal", runs["checkin"].seconds,
                         runs["assess"].seconds, 1.3, "assess --format json")
        size = base.stat().st_size
        print("| figure | measured | baseline | ratio | target | met |")
        print("|---|---|---|---|---|---|")
        print(f"| {figure.name} | {figure.value} | {figure.baseline} | {figure.ratio} | {figure.target} | {figure.met} |")
        print(f"| journal size | {size / 1024:.0f} KiB for {entries} entries | {size / entries / 1024:.1f} KiB "
              f"per entry |  |  |  |")


if __name__ == "__main__":
    main()
