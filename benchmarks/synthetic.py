"""A synthetic rule base of N generated rules on top of the shipped one, for the scaling figures.

The shipped vocabulary and rules are copied unchanged; one extra topic file adds N
approved rules of three to five random answer tests each (some `any`, some `not`, some
building on a finding), drawn from a small pool of thresholds so that, as in a real rule
base, many rules share the same tests. Generated rules only draw findings and the lowest
disposition, so they can never lower a red flag. Not shipped: benchmarks only.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

FINDINGS = ("normal_secondary_activation", "excessive_volume", "excessive_load", "lumbar_hyperextension")


def _leaf(question, rng: random.Random) -> dict:
    if question.type == "bool":
        return {"question": question.id, "operator": rng.choice(["is_true", "is_false"])}
    if question.type == "int":
        span = question.maximum - question.minimum
        value = question.minimum + 1 + rng.choice([0, span // 4, span // 2, (3 * span) // 4]) if span > 2 else \
            question.minimum + 1
        return {"question": question.id, "operator": rng.choice(["at_least", "at_most"]), "value": value}
    values = list(question.allowed_values)
    if question.type == "choice":
        return {"question": question.id, "operator": "equals", "value": rng.choice(values)}
    return {"question": question.id, "operator": "contains_any", "value": rng.sample(values, rng.randint(1, 2))}


def _condition(questions, rng: random.Random) -> dict:
    leaves = [_leaf(q, rng) for q in rng.sample(questions, rng.randint(3, 5))]
    shape = rng.random()
    if shape < 0.2:
        return {"any": leaves}
    if shape < 0.3:
        return {"all": leaves[:-1] + [{"not": leaves[-1]}]}
    if shape < 0.4:
        return {"all": leaves[:-1] + [{"finding": rng.choice(FINDINGS)}]}
    return {"all": leaves}


def _rule(number: int, questions, rng: random.Random) -> dict:
    then = {"finding": rng.choice(FINDINGS)}
    if rng.random() < 0.3:
        then["disposition"] = "continue_training"
    return {
        "id": f"synthetic-{number:04d}", "title": f"Generated rule {number}", "version": "1.0",
        "status": "approved", "author": "benchmarks/synthetic.py", "reviewer": "not reviewed: benchmark only",
        "reviewer_role": "engineering",
        "review_date": "2026-11-24", "source": "generated", "rationale": "Load for the scaling benchmark.",
        "when": _condition(questions, rng), "then": then, "examples": [],
    }


def write_synthetic_rulebase(target: Path, shipped_rules: Path, count: int, seed: int = 1000) -> Path:
    """Copy `shipped_rules` to `target` and add `count` generated rules; return `target`."""
    from spinewise.rulebase.load import load_rulebase

    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(shipped_rules, target)
    questions = list(load_rulebase(shipped_rules).questions)
    rng = random.Random(seed)
    rules = [_rule(number, questions, rng) for number in range(count)]
    header = {"topic": "Synthetic load", "salience": 0, "rules": rules}
    # JSON is valid YAML, and far quicker to write than a YAML emitter.
    (target / "90-synthetic.yaml").write_text(json.dumps(header, indent=1) + "\n")
    return target
