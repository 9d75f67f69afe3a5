"""How outcomes-main-99cccaa.jsonl.gz was made, once, from main at commit 99cccaa (before
clinical sign-off and the safety case): 10,000 random answer sets, each with the
disposition, findings and plan that version gave. tests/test_same_results.py replays them.

    git archive 99cccaa src rules | tar -x -C /tmp/main99
    SPINEWISE_NO_CACHE=1 PYTHONPATH=/tmp/main99/src python tests/golden/make_outcomes.py OUT.jsonl.gz /tmp/main99/rules

worked-cases-main-99cccaa.jsonl holds the same for every worked case (tests/vignettes,
tests/cases, examples/).
"""

import gzip
import json
import random
import sys

from spinewise.engine.triage import Triage
from spinewise.rulebase.load import load_rulebase


def main(out_path, rules_dir):
    triage = Triage(load_rulebase(rules_dir))
    rng = random.Random(16)
    with gzip.open(out_path, "wt") as out:
        for _ in range(10_000):
            answers = {}
            for question in triage.rulebase.questions:
                if question.is_asked(answers):
                    answers[question.id] = value(question, rng)
            result = triage.assess(answers)
            out.write(json.dumps({"answers": answers, **outcome(result)}, sort_keys=True) + "\n")


def value(question, rng):
    if question.type == "bool":  # warning signs rarely, so that most lifters reach the technique rules
        return rng.random() < (0.06 if question.section.startswith("Warning") else 0.5)
    if question.type == "int":  # mostly near the thresholds
        high = min(question.maximum, 12) if rng.random() < 0.7 else question.maximum
        return rng.randint(question.minimum, high)
    if question.type == "choice":
        return rng.choice(question.allowed_values)
    return rng.sample(list(question.allowed_values), rng.randint(1, len(question.allowed_values)))


def outcome(result):
    return {"disposition": result.disposition, "findings": sorted(f.code for f in result.findings),
            "plan": [{"code": p.code, **p.attributes, "phase": p.phase} for p in result.plan]}


if __name__ == "__main__":
    main(*sys.argv[1:3])
