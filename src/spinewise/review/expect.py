"""What a test case expects of a result, and the differences in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field

from spinewise.errors import SpinewiseError

EXPECT_KEYS = ("disposition", "findings", "no_findings", "plan", "no_plan", "plan_attrs")


class CasesError(SpinewiseError):
    """A cases file cannot be read."""


@dataclass(frozen=True)
class Expectation:
    disposition: str | None = None
    findings: tuple = ()
    no_findings: tuple = ()
    plan: dict = field(default_factory=dict, hash=False, compare=False)  # code -> attributes it must have
    no_plan: tuple = ()
    fired: str | None = None  # a rule that must fire

    def summary(self) -> str:
        parts = [self.disposition] if self.disposition else []
        parts += _listed("finds", self.findings) + _listed("not", self.no_findings)
        parts += _listed("plans", [_plan_text(code, attributes) for code, attributes in self.plan.items()])
        parts += _listed("does not plan", self.no_plan)
        return "; ".join(parts) or "valid answers (nothing more expected)"

    def mismatches(self, result) -> list[str]:
        problems = []
        if self.disposition and result.disposition != self.disposition:
            problems.append(f"disposition is {result.disposition}, expected {self.disposition}")
        problems += [f"finding {code} is missing" for code in self.findings if code not in result.finding_codes]
        problems += [f"finding {code} should not be drawn" for code in self.no_findings if code in result.finding_codes]
        planned = {item.code: item.attributes for item in result.plan}
        for code, attributes in self.plan.items():
            if code not in planned:
                problems.append(f"plan item {code} is missing")
                continue
            problems += [f"{code} {name} is {planned[code].get(name)!r}, expected {value!r}"
                         for name, value in attributes.items() if planned[code].get(name) != value]
        problems += [f"plan item {code} should not be planned" for code in self.no_plan if code in planned]
        if self.fired and self.fired not in result.rules_fired:
            problems.append(f"rule {self.fired} itself did not fire")
        return problems


def _plan_text(code: str, attributes: dict) -> str:
    return code + "".join(f" {name}={value}" for name, value in attributes.items())


def _listed(label: str, items) -> list:
    return [f"{label} {', '.join(items)}"] if items else []


def result_summary(result) -> str:
    plan = [_plan_text(item.code, {k: v for k, v in item.attributes.items() if k == "level"}) for item in result.plan]
    return "; ".join([result.disposition] + _listed("finds", result.finding_codes) + _listed("plans", plan))


def from_example(rule, example) -> Expectation:
    return Expectation(
        disposition=example.disposition, findings=tuple(example.findings), no_findings=tuple(example.no_findings),
        plan={entry.code: dict(entry.attributes) for entry in example.plan},
        fired=rule.id if rule.finding and rule.finding in example.findings else None,
    )


def from_case(data: dict, where: str) -> Expectation:
    """The expectation of one cases-file object: keys under "expect", or beside "answers"."""
    expect = data.get("expect", {key: data[key] for key in EXPECT_KEYS if key in data})
    if not isinstance(expect, dict):
        raise CasesError(f"{where}: 'expect' must be an object with keys from {', '.join(EXPECT_KEYS)}")
    unknown = [key for key in expect if key not in EXPECT_KEYS]
    if unknown:
        raise CasesError(f"{where}: unknown expectation {unknown[0]!r} (allowed: {', '.join(EXPECT_KEYS)})")
    codes = {key: _codes(expect.get(key, []), key, where) for key in ("findings", "no_findings", "no_plan")}
    plan = {}
    for entry in _list(expect.get("plan", []), "plan", where):
        if isinstance(entry, str):
            plan[entry] = {}
        elif isinstance(entry, dict) and isinstance(entry.get("code"), str):
            plan[entry["code"]] = {k: v for k, v in entry.items() if k != "code"}
        else:
            raise CasesError(f"{where}: a 'plan' entry is a plan code or an object with 'code'")
    attrs = expect.get("plan_attrs", {})
    if not isinstance(attrs, dict) or not all(isinstance(v, dict) for v in attrs.values()):
        raise CasesError(f"{where}: 'plan_attrs' maps plan codes to objects of attribute values")
    for code, attributes in attrs.items():
        plan.setdefault(code, {}).update(attributes)
    disposition = expect.get("disposition")
    if disposition is not None and not isinstance(disposition, str):
        raise CasesError(f"{where}: 'disposition' must be a disposition code")
    return Expectation(disposition, codes["findings"], codes["no_findings"], plan, codes["no_plan"])


def _list(value, key: str, where: str) -> list:
    if not isinstance(value, list):
        raise CasesError(f"{where}: {key!r} must be a list")
    return value


def _codes(value, key: str, where: str) -> tuple:
    items = _list(value, key, where)
    if not all(isinstance(item, str) for item in items):
        raise CasesError(f"{where}: {key!r} must be a list of codes")
    return tuple(items)


def example_answers(rulebase, example) -> dict:
    """An example's answers: the baseline lifter, changed where the example says."""
    answers = {**rulebase.baseline, **example.given}
    return {qid: value for qid, value in answers.items()
            if qid in example.given or qid not in rulebase.questions_by_id
            or rulebase.question(qid).is_asked(answers)}
