"""What an assessment concludes, as immutable values, and its contract JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FindingResult:
    code: str
    rule: str
    because: dict = field(hash=False, compare=False)
    source: str = ""


@dataclass(frozen=True)
class PlanResult:
    code: str
    attributes: dict = field(hash=False, compare=False)
    phase: str = ""  # when to do it, one of the rule base's phases (under a referral, the program comes later)


@dataclass(frozen=True)
class Result:
    disposition: str
    findings: tuple  # of FindingResult, in rule-base order
    plan: tuple  # of PlanResult, in plan-vocabulary order
    answers: dict = field(hash=False, compare=False)
    not_asked: tuple = ()  # questions left unanswered because an emergency was already clear
    rules_fired: tuple = ()
    rulebase_version: str = ""
    rulebase_hash: str = ""
    included_drafts: bool = False
    # The rules in use, how many carry a valid clinical sign-off, how many one an edit voided.
    review: dict = field(default_factory=dict, hash=False, compare=False)
    checkin: dict | None = field(default=None, hash=False, compare=False)  # a weekly check-in: its date and week

    @property
    def finding_codes(self) -> list[str]:
        return [f.code for f in self.findings]

    @property
    def plan_codes(self) -> list[str]:
        return [p.code for p in self.plan]

    def to_json(self) -> dict:
        data = {
            "disposition": self.disposition,
            **({"checkin": self.checkin} if self.checkin is not None else {}),
            "findings": [
                {"code": f.code, "rule": f.rule, "because": f.because, "source": f.source} for f in self.findings
            ],
            "plan": [_plan_json(item) for item in self.plan],
        }
        if self.not_asked:
            data["not_asked"] = list(self.not_asked)
        data["rules_fired"] = list(self.rules_fired)
        data["rulebase"] = {"version": self.rulebase_version, "sha256": self.rulebase_hash,
                            "included_drafts": self.included_drafts}
        if self.review:
            data["review"] = dict(self.review)
        data["answers"] = self.answers
        return data


def _plan_json(item: PlanResult) -> dict:
    return {"code": item.code, **item.attributes, "phase": item.phase}


def result_from_json(data: dict, answers: dict | None = None) -> Result:
    """A Result again from its contract JSON (a journal entry keeps its result so)."""
    reserved = {"code", "phase"}
    return Result(
        disposition=data["disposition"],
        findings=tuple(FindingResult(f["code"], f.get("rule", ""), f.get("because", {}), f.get("source", ""))
                       for f in data.get("findings", [])),
        plan=tuple(PlanResult(item["code"], {k: v for k, v in item.items() if k not in reserved}, item.get("phase", ""))
                   for item in data.get("plan", [])),
        answers=dict(answers if answers is not None else data.get("answers", {})),
        not_asked=tuple(data.get("not_asked", ())),
        rules_fired=tuple(data.get("rules_fired", ())),
        rulebase_version=data.get("rulebase", {}).get("version", ""),
        rulebase_hash=data.get("rulebase", {}).get("sha256", ""),
        included_drafts=bool(data.get("rulebase", {}).get("included_drafts", False)),
        checkin=data.get("checkin"),
    )
