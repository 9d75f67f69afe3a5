"""Read a rule-base folder into a `RuleBase`, collecting every problem as `file:line: message`.

The folder holds four vocabulary files (rulebase.yaml, questions.yaml, findings.yaml,
plan.yaml) and any number of topic files, each with optional `parameters` and a list of
`rules`. Reading never stops at the first problem: a clinician fixing a file wants the
whole list at once.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from pathlib import Path

from spinewise.errors import RuleBaseError
from spinewise.rulebase.digest import content_hash
from spinewise.rulebase.conditions import Named, answer_tests
from spinewise.rulebase.model import (
    ALERT_PLACES,
    PRESENTATION_STYLES,
    REVIEWER_ROLES,
    STATUSES,
    AllOf,
    AnswerTest,
    AnyOf,
    Choice,
    Disposition,
    Example,
    FactTest,
    FindingDef,
    Parameter,
    Phase,
    PlanDef,
    PlanEntry,
    NamedCondition,
    Question,
    Roles,
    Rule,
    RuleBase,
)
from spinewise.rulebase.strata import negation_problems
from spinewise.rulebase.operators import OPERATORS
from spinewise.rulebase.yamlsource import Located, LocatedList, Problem, YamlFileError, load_yaml

VOCABULARY_FILES = ("rulebase.yaml", "questions.yaml", "findings.yaml", "plan.yaml")
QUESTION_TYPES = ("bool", "int", "choice", "multi")
RULE_KEYS_REQUIRED = ("id", "title", "version", "author", "status", "source", "rationale", "when", "then")
RULE_KEYS_APPROVED = ("reviewer", "reviewer_role", "review_date", "examples")
RULE_KEYS_OPTIONAL = ("salience",)
_QUESTION_ID = re.compile(r"[a-z][a-z0-9_]*")
_DRAWING = re.compile(r"[a-z0-9-]+\.svg")


def load_rulebase(directory) -> RuleBase:
    """The rule base in `directory`; raises RuleBaseError listing every error found."""
    rulebase, problems = read_rulebase(directory)
    errors = [p for p in problems if p.severity == "error"]
    if errors or rulebase is None:
        raise RuleBaseError(errors)
    return rulebase


def read_rulebase(directory) -> tuple[RuleBase | None, list[Problem]]:
    """The rule base (None when it cannot be built) and every problem, errors and warnings."""
    reader = _Reader(Path(directory))
    rulebase = reader.read()
    return rulebase, reader.problems


class _Reader:
    def __init__(self, directory: Path):
        self.directory = directory
        self.problems: list[Problem] = []
        self.file = ""
        self.raw_asked_when: dict = {}  # question id -> (node, line, file), read once conditions are known
        self.named_raw: dict = {}  # condition name -> (node, file)
        self.named_parsed: dict = {}  # (name, negated, facts allowed) -> Named
        self.named_resolving: set = set()
        self.named_used: set = set()

    # -- reporting -------------------------------------------------------------

    def error(self, line: int, message: str, file: str | None = None) -> None:
        self.problems.append(Problem(file or self.file, line, message))

    def warn(self, line: int, message: str, file: str | None = None) -> None:
        self.problems.append(Problem(file or self.file, line, message, "warning"))

    def _name(self, path: Path) -> str:
        return str(path)

    def _load(self, filename: str):
        path = self.directory / filename
        self.file = self._name(path)
        if not path.is_file():
            self.error(1, f"missing: a rule base needs {filename}")
            return None
        try:
            data = load_yaml(path, self.file)
        except YamlFileError as exc:
            self.problems.append(exc.problem)
            return None
        if not isinstance(data, Located):
            self.error(getattr(data, "line", 1), "the file must be a YAML mapping of keys to values")
            return None
        return data

    def _keys(self, node, required, optional=(), what="this entry") -> bool:
        if not isinstance(node, Located):
            self.error(getattr(node, "line", 1), f"{what} must be a mapping with keys {', '.join(required)}")
            return False
        ok = True
        for key in node:
            if key not in required and key not in optional:
                allowed = ", ".join(list(required) + list(optional))
                self.error(node.line_of(key), f"unknown key {key!r} in {what} (allowed: {allowed})")
                ok = False
        for key in required:
            if key not in node:
                self.error(node.line, f"{what} is missing {key!r}")
                ok = False
        return ok

    def _code(self, node: Located) -> bool:
        """A vocabulary entry's `code` must be a plain word; reports it otherwise."""
        if isinstance(node["code"], str) and node["code"]:
            return True
        self.error(node.line_of("code"), f"code {_shown(node['code'])} must be a word such as severe_pain")
        return False

    def _text(self, node: Located, key: str, what: str, required: bool = True) -> str:
        value = node.get(key)
        if value is None:
            if required and key in node:
                self.error(node.line_of(key), f"{what}: {key!r} must not be empty")
            return ""
        if isinstance(value, (datetime.date, int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str) or not value.strip():
            self.error(node.line_of(key), f"{what}: {key!r} must be text")
            return ""
        return value.strip()

    def _list(self, node: Located, key: str, what: str) -> LocatedList:
        value = node.get(key)
        if value is None:
            return LocatedList()
        if not isinstance(value, LocatedList):
            self.error(node.line_of(key), f"{what}: {key!r} must be a list")
            return LocatedList()
        return value

    # -- the whole folder -----------------------------------------------------

    def read(self) -> RuleBase | None:
        if not self.directory.is_dir():
            self.error(1, "not a folder of rule files", file=str(self.directory))
            return None
        head = self._load("rulebase.yaml")
        questions = self._questions(self._load("questions.yaml"))
        findings = self._findings(self._load("findings.yaml"))
        plan_data = self._load("plan.yaml")
        phases = self._phases(plan_data)
        plan_items = self._plan_items(plan_data, phases)
        self.vocab = {
            "questions": {q.id: q for q in questions},
            "findings": {f.code for f in findings},
            "plan": {p.code: p for p in plan_items},
        }
        self.phases = phases
        dispositions = self._dispositions(head)
        self.vocab["dispositions"] = {d.code for d in dispositions}
        topic_files = [p for p in sorted(self.directory.glob("*.yaml")) if p.name not in VOCABULARY_FILES]
        if not topic_files:
            self.error(1, "no rule files: add a topic file with a 'rules' list", file=str(self.directory))
        topics = [(path, self._load(path.name)) for path in topic_files]
        parameters = self._parameters(topics)
        self.parameters = {p.name: p for p in parameters}
        self._collect_named(topics)
        questions = self._asked_when(questions)
        self.vocab["questions"] = {q.id: q for q in questions}
        rules = []
        for path, data in topics:
            rules.extend(self._rules(path, data))
        conditions = self._named_conditions()
        roles = self._roles(head, dispositions)
        self._cross_checks(rules, parameters)
        for problem in negation_problems(rules):
            self.error(problem.line, problem.message, file=problem.file)
        if head is None or roles is None or any(p.severity == "error" for p in self.problems):
            return None
        self.file = self._name(self.directory / "rulebase.yaml")
        return RuleBase(
            name=self._text(head, "name", "rulebase.yaml"),
            version=self._text(head, "version", "rulebase.yaml"),
            directory=str(self.directory),
            content_hash=content_hash(self.directory),
            questions=tuple(questions),
            dispositions=tuple(dispositions),
            findings=tuple(findings),
            plan_items=tuple(plan_items),
            phases=tuple(phases),
            parameters=tuple(parameters),
            rules=tuple(rules),
            baseline=self._baseline(head),
            roles=roles,
            conditions=conditions,
        )

    # -- vocabulary files -----------------------------------------------------

    def _questions(self, data) -> list[Question]:
        if data is None or not self._keys(data, ("questions",), what="questions.yaml"):
            return []
        questions: list[Question] = []
        known: dict = {}
        for node in self._list(data, "questions", "questions.yaml"):
            question = self._question(node, known)
            if question:
                known[question.id] = question
                questions.append(question)
        return questions

    def _question(self, node, known: dict) -> Question | None:
        keys = ("id", "type", "text")
        optional = ("hint", "section", "choices", "minimum", "maximum", "asked_when", "sign")
        keys = keys + ("says",)
        if not self._keys(node, keys, optional, what="a question"):
            return None
        qid, qtype = node["id"], node["type"]
        if not isinstance(qid, str) or not _QUESTION_ID.fullmatch(qid):
            self.error(node.line_of("id"), f"question id {qid!r} must be a lower-case word of letters, digits and _")
            return None
        if qid in known:
            self.error(node.line_of("id"), f"question {qid!r} is defined twice")
            return None
        if qtype not in QUESTION_TYPES:
            self.error(node.line_of("type"), f"question {qid}: type {qtype!r} is not one of {', '.join(QUESTION_TYPES)}")
            return None
        what = f"question {qid}"
        choices: tuple = ()
        if qtype in ("choice", "multi"):
            choices = self._choices(node, what)
        minimum = maximum = None
        if qtype == "int":
            minimum, maximum = node.get("minimum"), node.get("maximum")
            if not _is_int(minimum) or not _is_int(maximum) or minimum > maximum:
                self.error(node.line, f"{what}: an int question needs whole-number 'minimum' <= 'maximum'")
                return None
        if "asked_when" in node:
            self.raw_asked_when[qid] = (node["asked_when"], node.line_of("asked_when"), self.file)
        return Question(
            id=qid, type=qtype, text=self._text(node, "text", what), hint=self._text(node, "hint", what, False),
            section=self._text(node, "section", what, False), choices=choices, minimum=minimum, maximum=maximum,
            says=self._says(node, qtype, choices, what), sign=self._text(node, "sign", what, False), line=node.line,
        )

    def _says(self, node: Located, qtype: str, choices: tuple, what: str):
        """What each answer says about the lifter: a sentence per answer, or one with an {answer} place."""
        says = node["says"]
        if qtype in ("int", "multi"):
            if isinstance(says, str) and "{answer}" in says and not re.search(r"{(?!answer})", says):
                return " ".join(says.split())
            self.error(node.line_of("says"), f"{what}: 'says' is one sentence with an {{answer}} place")
            return "{answer}"
        expected = [True, False] if qtype == "bool" else [c.value for c in choices]
        if not isinstance(says, dict) or sorted(map(str, says)) != sorted(map(str, expected)) or \
                not all(isinstance(v, str) and v.strip() for v in says.values()):
            shown = "yes and no" if qtype == "bool" else ", ".join(expected)
            self.error(node.line_of("says"), f"{what}: 'says' needs a sentence for each answer ({shown})")
            return {value: str(value) for value in expected}
        return {key: " ".join(value.split()) for key, value in says.items()}

    def _choices(self, node: Located, what: str) -> tuple:
        choices = []
        for index, item in enumerate(self._list(node, "choices", what)):
            if not self._keys(item, ("value", "label"), what=f"{what}: a choice"):
                continue
            if not isinstance(item["value"], str):
                self.error(item.line_of("value"), f"{what}: choice values must be text")
                continue
            choices.append(Choice(item["value"], self._text(item, "label", what)))
        values = [c.value for c in choices]
        if not choices:
            self.error(node.line, f"{what}: a choice question needs a non-empty 'choices' list")
        elif len(set(values)) != len(values):
            self.error(node.line_of("choices"), f"{what}: choice values repeat")
        return tuple(choices)

    def _findings(self, data) -> list[FindingDef]:
        if data is None or not self._keys(data, ("findings",), what="findings.yaml"):
            return []
        findings = []
        for node in self._list(data, "findings", "findings.yaml"):
            if self._keys(node, ("code", "title"), ("explanation",), what="a finding") and self._code(node):
                if any(f.code == node["code"] for f in findings):
                    self.error(node.line_of("code"), f"finding {node['code']!r} is defined twice")
                    continue
                what = f"finding {node['code']}"
                findings.append(FindingDef(str(node["code"]), self._text(node, "title", what),
                                           self._text(node, "explanation", what, False)))
        return findings

    def _phases(self, data) -> list[Phase]:
        phases = []
        for node in self._list(data, "phases", "plan.yaml") if data is not None else ():
            if self._keys(node, ("code", "title"), ("note",), what="a phase") and self._code(node):
                what = f"phase {node['code']}"
                phases.append(Phase(str(node["code"]), self._text(node, "title", what),
                                    self._text(node, "note", what, False)))
        if data is not None and not phases:
            self.error(data.line, "plan.yaml: 'phases' must list the plan's phases in order, the first being now")
        return phases

    def _plan_items(self, data, phases) -> list[PlanDef]:
        if data is None or not self._keys(data, ("phases", "plan_items"), what="plan.yaml"):
            return []
        items, lines = [], {}
        optional = ("text", "steps", "attributes", "supersedes", "conflicts_with", "doses", "drawings", "source")
        phase_codes = [p.code for p in phases]
        for node in self._list(data, "plan_items", "plan.yaml"):
            if not self._keys(node, ("code", "title", "phase"), optional, what="a plan item") or not self._code(node):
                continue
            what = f"plan item {node['code']}"
            attributes = node.get("attributes") or {}
            if not isinstance(attributes, dict):
                self.error(node.line_of("attributes"), f"{what}: 'attributes' must map names to default values")
                attributes = {}
            if not _known(phase_codes, node["phase"]):
                self.error(node.line_of("phase"), f"{what}: phase {_shown(node['phase'])} is not one of "
                                                  f"{', '.join(phase_codes)}")
            steps = [s for s in self._list(node, "steps", what) if isinstance(s, str)]
            lines[str(node["code"])] = node
            items.append(PlanDef(
                code=str(node["code"]), title=self._text(node, "title", what), text=self._text(node, "text", what, False),
                steps=tuple(steps), attributes=_plain(attributes), phase=str(node["phase"]),
                supersedes=tuple(self._list(node, "supersedes", what)),
                conflicts_with=tuple(self._list(node, "conflicts_with", what)),
                doses=self._doses(node, attributes, what), drawings=self._drawings(node, what),
                source=self._text(node, "source", what, False),
            ))
        codes = {p.code for p in items}
        for item in items:
            for key in ("supersedes", "conflicts_with"):
                for code in getattr(item, key):
                    if not _known(codes, code):
                        self.error(lines[item.code].line_of(key), f"plan item {item.code}: {key} unknown plan item "
                                                                  f"{_shown(code)}")
        return items

    def _doses(self, node: Located, attributes: dict, what: str) -> tuple:
        doses = []
        for text in self._list(node, "doses", what):
            names = re.findall(r"{(\w*)}", text) if isinstance(text, str) else None
            if names is None or any(name not in attributes for name in names):
                self.error(node.line_of("doses"), f"{what}: a dose is a sentence whose {{places}} name attributes "
                                                  f"of this item ({', '.join(attributes) or 'none'})")
                continue
            doses.append(" ".join(text.split()))
        return tuple(doses)

    def _drawings(self, node: Located, what: str) -> dict:
        drawings = node.get("drawings") or {}
        if not isinstance(drawings, dict) or not all(isinstance(v, str) and _DRAWING.fullmatch(v)
                                                     for v in drawings.values()):
            self.error(node.line_of("drawings"), f"{what}: 'drawings' maps a level (or 'any') to a file name "
                                                 "such as dead-bug-beginner.svg in templates/drawings")
            return {}
        return {str(level): name for level, name in drawings.items()}

    def _dispositions(self, head) -> list[Disposition]:
        if head is None:
            return []
        keys = ("name", "version", "dispositions", "roles", "example_baseline")
        if not self._keys(head, keys, ("description",), what="rulebase.yaml"):
            return []
        self.file = self._name(self.directory / "rulebase.yaml")
        dispositions = []
        for rank, node in enumerate(self._list(head, "dispositions", "rulebase.yaml")):
            if not self._keys(node, ("code", "title", "advice", "presentation"),
                              ("plan", "referral", "moves", "safety_net"), what="a disposition") or not self._code(node):
                continue
            what = f"disposition {node['code']}"
            plan = tuple(self._list(node, "plan", what))
            for code in plan:
                if not _known(self.vocab["plan"], code):
                    self.error(node.line_of("plan"), f"{what}: unknown plan item {_shown(code)}")
            style, alert = self._presentation(node["presentation"], what)
            dispositions.append(Disposition(str(node["code"]), rank, self._text(node, "title", what),
                                            self._text(node, "advice", what), plan, node.get("referral") is True,
                                            style, alert, self._moves(node, what),
                                            self._text(node, "safety_net", what, False)))
        if not dispositions:
            self.error(head.line, "rulebase.yaml: 'dispositions' must list at least one disposition, most severe first")
        return dispositions

    def _moves(self, node: Located, what: str) -> dict:
        moves = node.get("moves") or {}
        codes = [p.code for p in self.phases]
        if not isinstance(moves, dict) or not all(_known(codes, k) and _known(codes, v) for k, v in moves.items()):
            self.error(node.line_of("moves"), f"{what}: 'moves' maps a phase to the phase its plan items are "
                                              f"shown in instead (phases: {', '.join(codes)})")
            return {}
        return dict(moves)

    def _presentation(self, node, what: str) -> tuple[str, str]:
        if not self._keys(node, ("style", "alert"), what=f"{what}: 'presentation'"):
            return "", "none"
        style = node["style"]
        if not _known(PRESENTATION_STYLES, style):
            self.error(node.line_of("style"), f"{what}: style {_shown(style)} is not one of {', '.join(PRESENTATION_STYLES)}")
        if not _known(ALERT_PLACES, node["alert"]):
            self.error(node.line_of("alert"), f"{what}: alert {_shown(node['alert'])} is not one of "
                                              f"{', '.join(ALERT_PLACES)} (where the report boxes the advice)")
            return str(style), "none"
        return str(style), node["alert"]

    def _roles(self, head, dispositions) -> Roles | None:
        """The codes Python acts on, each checked against the vocabulary it names."""
        if head is None or "roles" not in head:
            return None
        self.file = self._name(self.directory / "rulebase.yaml")
        node = head["roles"]
        keys = ("when_no_rule_decides", "stops_the_questionnaire", "program", "safety_net")
        if not self._keys(node, keys, what="'roles'"):
            return None
        codes = [d.code for d in dispositions]
        fallback, program = node["when_no_rule_decides"], node["program"]
        if not self._keys(fallback, ("disposition", "finding"), what="roles: 'when_no_rule_decides'") or \
                not self._keys(program, ("disposition", "schedule", "exercises", "tracker_weeks",
                                         "tracker_sessions_per_week"), what="roles: 'program'"):
            return None
        checks = [
            (fallback, "disposition", codes, "disposition"),
            (fallback, "finding", self.vocab["findings"], "finding (add it to findings.yaml)"),
            (node, "stops_the_questionnaire", codes, "disposition"),
            (program, "disposition", codes, "disposition"),
            (program, "schedule", self.vocab["plan"], "plan item (add it to plan.yaml)"),
        ]
        ok = True
        for parent, key, known, kind in checks:
            if not _known(known, parent[key]):
                self.error(parent.line_of(key), f"roles: {key} must name a {kind}; {_shown(parent[key])} is not one")
                ok = False
        exercises = self._list(program, "exercises", "roles: program")
        for code in exercises:
            if not _known(self.vocab["plan"], code):
                self.error(program.line_of("exercises"), f"roles: exercises: unknown plan item {_shown(code)}")
                ok = False
        for key in ("tracker_weeks", "tracker_sessions_per_week"):
            if not _is_int(program[key]) or program[key] < 1:
                self.error(program.line_of(key), f"roles: {key} must be a whole number of at least 1")
                ok = False
        if ok and codes and fallback["disposition"] == codes[-1]:
            self.error(fallback.line_of("disposition"), "roles: when no rule decides, spinewise must not fall back "
                                                        f"to the mildest disposition ({codes[-1]}); triage up")
            ok = False
        net = self._safety_net_role(node["safety_net"])
        if not ok or net is None:
            return None
        return Roles(fallback["disposition"], fallback["finding"], node["stops_the_questionnaire"],
                     program["disposition"], program["schedule"], tuple(exercises), program["tracker_weeks"],
                     program["tracker_sessions_per_week"], *net)

    def _safety_net_role(self, node) -> tuple | None:
        keys = ("check_again_after_days", "no_improvement_after_weeks", "weeks_done", "if_worse")
        if not self._keys(node, keys, what="roles: 'safety_net'"):
            return None
        days, weeks, question = node["check_again_after_days"], node["no_improvement_after_weeks"], node["weeks_done"]
        if isinstance(weeks, dict):
            weeks = self.parameters[weeks["parameter"]].value if _known(self.parameters, weeks.get("parameter")) \
                else None
        problems = [
            (not _is_int(days) or days < 1, "check_again_after_days", "must be a whole number of days, at least 1"),
            (not _is_int(weeks), "no_improvement_after_weeks", "must be a whole number or {parameter: name}"),
            (not (_known(self.vocab["questions"], question) and self.vocab["questions"][question].type == "int"),
             "weeks_done", "must name a whole-number question"),
        ]
        for wrong, key, message in problems:
            if wrong:
                self.error(node.line_of(key), f"roles: safety_net: {key} {message}")
        if any(wrong for wrong, _, _ in problems):
            return None
        return days, weeks, question, self._text(node, "if_worse", "roles: safety_net")

    def _baseline(self, head: Located) -> dict:
        baseline = head.get("example_baseline")
        if not isinstance(baseline, dict):
            self.error(head.line_of("example_baseline"), "'example_baseline' must map question ids to answers")
            return {}
        return _plain(baseline)

    # -- named conditions -------------------------------------------------------

    def _collect_named(self, topics) -> None:
        for path, data in topics:
            if data is None or "conditions" not in data:
                continue
            self.file = self._name(path)
            block = data["conditions"]
            if not isinstance(block, Located):
                self.error(data.line_of("conditions"), "'conditions' must map names to {title, when}")
                continue
            for name, node in block.items():
                if not isinstance(name, str) or not _QUESTION_ID.fullmatch(name):
                    self.error(block.line_of(name), f"condition name {_shown(name)} must be a lower-case word")
                elif name in self.named_raw:
                    self.error(block.line_of(name), f"condition {name!r} is defined twice "
                                                    f"(first in {self.named_raw[name][1]})")
                elif self._keys(node, ("title", "when", "says"), ("description",), what=f"condition {name}"):
                    self.named_raw[name] = (node, self.file)

    def _named(self, node: Located, context, negate: bool):
        """A `{condition: name}` reference, read once per polarity and kind of context."""
        if len(node) != 1:
            self.error(node.line, "a 'condition' reference has only the name, e.g. {condition: no_warning_sign}")
            return None
        name = node["condition"]
        if not _known(self.named_raw, name):
            known = ", ".join(self.named_raw) or "none are defined"
            self.error(node.line_of("condition"), f"unknown condition {_shown(name)} (named conditions: {known})")
            return None
        self.named_used.add(name)
        key = (name, negate, context.facts_allowed)
        if key not in self.named_parsed:
            if name in self.named_resolving:
                self.error(node.line_of("condition"), f"condition {name!r} refers to itself")
                return None
            raw, file = self.named_raw[name]
            here, self.file = self.file, file
            self.named_resolving.add(name)
            inner = self._condition(raw["when"], context, raw.line_of("when"), negate)
            self.named_resolving.discard(name)
            self.file = here
            self.named_parsed[key] = None if inner is None else Named(name, inner, negate, node.line)
        return self.named_parsed[key]

    def _named_conditions(self) -> tuple:
        """Every named condition, read as rules read them (so unused ones are checked too)."""
        context = _Context(self.vocab["questions"], self.parameters, self.vocab["findings"], self.vocab["plan"])
        named, unused = [], set(self.named_raw) - self.named_used
        for name, (raw, file) in self.named_raw.items():
            here, self.file = self.file, file
            if name in unused:
                self.warn(raw.line, f"condition {name!r} is used by no rule or question")
            reference = Located(condition=name)
            reference.line = raw.line
            parsed = self._named(reference, context, False)
            self.file = here
            if parsed is not None:
                named.append(NamedCondition(name, self._text(raw, "title", f"condition {name}"), parsed.condition,
                                            self._text(raw, "description", f"condition {name}", False),
                                            self._text(raw, "says", f"condition {name}"), file, raw.line))
        return tuple(named)

    def _asked_when(self, questions: list) -> list:
        """Questions with their `asked_when` read; it may test only questions asked before."""
        read = []
        for index, question in enumerate(questions):
            if question.id in self.raw_asked_when:
                raw, line, self.file = self.raw_asked_when[question.id]
                earlier = {q.id: q for q in questions[:index]}
                context = _Context(self.vocab["questions"], {}, set(), {}, facts_allowed=False)
                condition = self._condition(raw, context, line)
                later = [test.question for test in answer_tests(condition) if test.question not in earlier] \
                    if condition else []
                if later:
                    self.error(line, f"question {question.id}: 'asked_when' may only test questions asked "
                                     f"before it, not {', '.join(dict.fromkeys(later))}")
                question = dataclasses.replace(question, asked_when=condition)
            read.append(question)
        return read

    # -- parameters and rules -------------------------------------------------

    def _parameters(self, topics) -> list[Parameter]:
        parameters: list[Parameter] = []
        for path, data in topics:
            if data is None or "parameters" not in data:
                continue
            self.file = self._name(path)
            block = data["parameters"]
            if not isinstance(block, Located):
                self.error(data.line_of("parameters"), "'parameters' must map names to {value, meaning}")
                continue
            for name, node in block.items():
                if not self._keys(node, ("value", "meaning"), what=f"parameter {name}"):
                    continue
                if any(p.name == name for p in parameters):
                    self.error(block.line_of(name), f"parameter {name!r} is defined twice")
                    continue
                value = node["value"]
                if not (_is_int(value) or isinstance(value, str)):
                    self.error(node.line_of("value"), f"parameter {name}: value must be a whole number or a word")
                    continue
                parameters.append(Parameter(name, value, self._text(node, "meaning", name), self.file,
                                            block.line_of(name)))
        return parameters

    def _rules(self, path: Path, data) -> list[Rule]:
        if data is None:
            return []
        self.file = self._name(path)
        if not self._keys(data, ("topic", "rules"), ("parameters", "conditions", "salience", "description"),
                          what=path.name):
            return []
        topic = self._text(data, "topic", path.name)
        default_salience = data.get("salience", 0)
        if not _is_int(default_salience):
            self.error(data.line_of("salience"), "'salience' must be a whole number")
            default_salience = 0
        rules = []
        for node in self._list(data, "rules", path.name):
            rule = self._rule(node, topic, default_salience)
            if rule:
                rules.append(rule)
        return rules

    def _rule(self, node, topic: str, default_salience: int) -> Rule | None:
        rid = node.get("id") if isinstance(node, Located) else None
        what = f"rule {rid}" if rid else "a rule"
        complete = self._keys(node, RULE_KEYS_REQUIRED, RULE_KEYS_APPROVED + RULE_KEYS_OPTIONAL, what=what)
        if not isinstance(node, Located):
            return None
        status = node.get("status")
        if status not in STATUSES:
            if status is not None:
                self.error(node.line_of("status"), f"{what}: status {status!r} is not one of {', '.join(STATUSES)}")
            return None
        if status != "retired":
            for key in RULE_KEYS_APPROVED:
                if key not in node and (status == "approved" or key == "examples"):
                    self.error(node.line, f"{what} is missing {key!r} (needed before it can run)")
        if not complete:
            return None
        salience = node.get("salience", default_salience)
        if not _is_int(salience):
            self.error(node.line_of("salience"), f"{what}: salience must be a whole number")
            salience = 0
        context = _Context(self.vocab["questions"], self.parameters, self.vocab["findings"], self.vocab["plan"])
        when = self._condition(node["when"], context, node.line_of("when"))
        finding, disposition, plan = self._then(node["then"], what)
        examples = self._examples(node, what)
        if when is None:
            return None
        return Rule(
            id=str(rid), title=self._text(node, "title", what), version=self._text(node, "version", what),
            author=self._text(node, "author", what), reviewer=self._text(node, "reviewer", what, False),
            reviewer_role=self._reviewer_role(node, what),
            review_date=self._text(node, "review_date", what, False), status=status,
            source=self._text(node, "source", what), rationale=self._text(node, "rationale", what),
            when=when, finding=finding, disposition=disposition, plan=plan, salience=salience,
            examples=examples, topic=topic, file=self.file, line=node.line,
        )

    def _reviewer_role(self, node: Located, what: str) -> str:
        role = node.get("reviewer_role")
        if role is not None and not _known(REVIEWER_ROLES, role):
            self.error(node.line_of("reviewer_role"), f"{what}: reviewer_role {_shown(role)} is not one of "
                                                      f"{', '.join(REVIEWER_ROLES)}")
            return ""
        return role or ""

    def _then(self, node, what: str):
        if not self._keys(node, (), ("finding", "disposition", "plan"), what=f"{what}: 'then'"):
            return None, None, ()
        if not node:
            self.error(node.line, f"{what}: 'then' must give a finding, a disposition or plan items")
        finding, disposition = node.get("finding"), node.get("disposition")
        if finding is not None and not _known(self.vocab["findings"], finding):
            self.error(node.line_of("finding"), f"{what}: unknown finding {_shown(finding)} (add it to findings.yaml)")
        if disposition is not None and not _known(self.vocab["dispositions"], disposition):
            allowed = ", ".join(self.vocab["dispositions"])
            self.error(node.line_of("disposition"), f"{what}: unknown disposition {_shown(disposition)} (allowed: {allowed})")
        if disposition is not None and finding is None:
            self.error(node.line, f"{what}: a rule that sets a disposition must name the finding that explains it")
        plan = tuple(entry for entry in (self._plan_entry(item, node, what) for item in self._list(node, "plan", what))
                     if entry)
        return finding, disposition, plan

    def _plan_entry(self, item, parent: Located, what: str) -> PlanEntry | None:
        if isinstance(item, str):
            item = Located(code=item)
            item.line = parent.line_of("plan")
        if not isinstance(item, dict) or "code" not in item:
            self.error(getattr(item, "line", parent.line), f"{what}: a plan entry is a code or a mapping with 'code'")
            return None
        if not _known(self.vocab["plan"], item["code"]):
            self.error(item.line, f"{what}: unknown plan item {_shown(item['code'])} (add it to plan.yaml)")
            return None
        definition = self.vocab["plan"][item["code"]]
        attributes = {k: v for k, v in item.items() if k != "code"}
        parameters = tuple(value["parameter"] for value in attributes.values()
                           if isinstance(value, dict) and _known(self.parameters, value.get("parameter")))
        for name, value in attributes.items():
            if name not in definition.attributes:
                allowed = ", ".join(definition.attributes) or "none"
                self.error(item.line_of(name), f"{what}: plan item {item['code']} has no attribute {name!r} (allowed: {allowed})")
            if isinstance(value, dict):
                attributes[name] = self._attribute_parameter(item, name, value, what)
        return PlanEntry(item["code"], _plain(attributes), parameters)

    def _attribute_parameter(self, item: Located, name: str, value: dict, what: str):
        """An attribute written as {parameter: name} takes the named parameter's value."""
        parameter = value.get("parameter") if len(value) == 1 else None
        if not _known(self.parameters, parameter):
            self.error(item.line_of(name), f"{what}: attribute {name} is a value or {{parameter: name}} of a "
                                           f"known parameter (known: {', '.join(self.parameters) or 'none'})")
            return None
        return self.parameters[parameter].value

    def _examples(self, node: Located, what: str) -> tuple:
        examples = []
        for item in self._list(node, "examples", what):
            if not self._keys(item, ("given", "expect"), what=f"{what}: an example"):
                continue
            expect = item["expect"]
            keys = ("disposition", "findings", "no_findings", "plan")
            if not self._keys(expect, (), keys, what=f"{what}: 'expect'") or not isinstance(item["given"], dict):
                if not isinstance(item["given"], dict):
                    self.error(item.line_of("given"), f"{what}: an example's 'given' maps question ids to answers")
                continue
            lists = {key: tuple(self._list(expect, key, what)) for key in ("findings", "no_findings")}
            self._check_expected_codes(expect, lists, what)
            plan = tuple(entry for entry in (self._plan_entry(entry, expect, what)
                                             for entry in self._list(expect, "plan", what)) if entry)
            examples.append(Example(_plain(item["given"]), expect.get("disposition"), lists["findings"],
                                    lists["no_findings"], plan, item.line))
        return tuple(examples)

    def _check_expected_codes(self, expect: Located, lists: dict, what: str) -> None:
        if "disposition" in expect and not _known(self.vocab["dispositions"], expect["disposition"]):
            self.error(expect.line_of("disposition"),
                       f"{what}: example expects unknown disposition {_shown(expect['disposition'])}")
        for key in ("findings", "no_findings"):
            for code in lists[key]:
                if not _known(self.vocab["findings"], code):
                    self.error(expect.line_of(key), f"{what}: example names unknown finding {_shown(code)}")

    # -- conditions -----------------------------------------------------------

    def _condition(self, node, context: "_Context", line: int, negate: bool = False):
        if not isinstance(node, Located) or len(node) == 0:
            self.error(getattr(node, "line", line), "a condition is a mapping: all/any/not, or a question, finding or plan test")
            return None
        for combinator in ("all", "any"):
            if combinator in node:
                return self._combination(node, combinator, context, negate)
        if "not" in node:
            if len(node) != 1:
                self.error(node.line, "'not' takes exactly one condition and nothing beside it")
                return None
            return self._condition(node["not"], context, node.line_of("not"), not negate)
        if "question" in node:
            return self._answer_test(node, context, negate)
        if "condition" in node:
            return self._named(node, context, negate)
        for kind in ("finding", "plan"):
            if kind in node:
                return self._fact_test(node, kind, context, negate)
        self.error(node.line, f"unknown condition keys {', '.join(map(str, node))} "
                              "(use all, any, not, question, finding, plan or condition)")
        return None

    def _combination(self, node: Located, combinator: str, context, negate: bool):
        if len(node) != 1:
            self.error(node.line, f"'{combinator}' takes a list of conditions and nothing beside it")
            return None
        items = node[combinator]
        if not isinstance(items, LocatedList) or not items:
            self.error(node.line_of(combinator), f"'{combinator}' needs a non-empty list of conditions")
            return None
        parts = [self._condition(item, context, items.line_of(i), negate) for i, item in enumerate(items)]
        if any(part is None for part in parts):
            return None
        conjunctive = (combinator == "all") != negate  # De Morgan when negated
        return AllOf(tuple(parts)) if conjunctive else AnyOf(tuple(parts))

    def _fact_test(self, node: Located, kind: str, context, negate: bool):
        if not context.facts_allowed:
            self.error(node.line, f"'{kind}' tests are for rules; here only questions can be tested")
            return None
        if len(node) != 1:
            self.error(node.line, f"a '{kind}' test has only the code, e.g. {{{kind}: some_code}}")
            return None
        known = context.findings if kind == "finding" else context.plan
        code = node[kind]
        if not _known(known, code):
            self.error(node.line_of(kind), f"unknown {kind} {_shown(code)}")
            return None
        return FactTest(kind, code, negate, node.line)

    def _answer_test(self, node: Located, context, negate: bool):
        if not self._keys(node, ("question", "operator"), ("value", "parameter"), what="a question test"):
            return None
        qid, op_name = node["question"], node["operator"]
        if not _known(context.questions, qid):
            self.error(node.line_of("question"), f"unknown question {_shown(qid)}")
            return None
        question = context.questions[qid]
        operator = OPERATORS[op_name] if _known(OPERATORS, op_name) else None
        if operator is None or question.type not in operator.applies_to:
            fitting = ", ".join(name for name, op in OPERATORS.items() if question.type in op.applies_to)
            self.error(node.line_of("operator"), f"operator {_shown(op_name)} does not fit {question.type} question {qid} "
                                                 f"(allowed: {fitting})")
            return None
        value, parameter = self._operand(node, operator, context)
        if value is _INVALID:
            return None
        if not self._operand_fits(node, question, operator, value):
            return None
        test = AnswerTest(qid, op_name, value, parameter, negate, node.line)
        self._check_satisfiable(node, question, test)
        return test

    def _operand(self, node: Located, operator, context):
        given = [key for key in ("value", "parameter") if key in node]
        if operator.value_kind == "none":
            if given:
                self.error(node.line_of(given[0]), f"operator {operator.name} takes no value")
                return _INVALID, None
            return None, None
        if len(given) != 1:
            self.error(node.line, f"operator {operator.name} needs exactly one of 'value' or 'parameter'")
            return _INVALID, None
        if given[0] == "parameter":
            name = node["parameter"]
            if not _known(context.parameters, name):
                self.error(node.line_of("parameter"), f"unknown parameter {_shown(name)}")
                return _INVALID, None
            return context.parameters[name].value, name
        return _plain(node["value"]), None

    def _operand_fits(self, node: Located, question: Question, operator, value) -> bool:
        values = value if operator.value_kind == "list" else [value]
        if operator.value_kind == "list" and (not isinstance(value, list) or not value):
            self.error(node.line, f"operator {operator.name} needs a non-empty list of values")
            return False
        for item in values:
            if question.type == "int" and not _is_int(item):
                self.error(node.line, f"question {question.id} is a whole number; {item!r} is not")
                return False
            if question.type in ("choice", "multi") and item not in question.allowed_values:
                self.error(node.line, f"{item!r} is not an answer to {question.id} "
                                      f"(allowed: {', '.join(question.allowed_values)})")
                return False
        return True

    def _check_satisfiable(self, node: Located, question: Question, test: AnswerTest) -> None:
        if question.type != "int" or question.maximum - question.minimum > 10_000:
            return
        outcomes = {test.holds({question.id: n}) for n in range(question.minimum, question.maximum + 1)}
        span = f"{question.id} is from {question.minimum} to {question.maximum}"
        if test.parameter:
            span += f"; parameter {test.parameter} is {test.value}"
        if outcomes == {False}:
            self.error(node.line, f"impossible value: this test can never be true ({span})")
        elif outcomes == {True}:
            self.warn(node.line, f"this test is always true ({span})")

    # -- checks across files ----------------------------------------------------

    def _cross_checks(self, rules: list[Rule], parameters: list[Parameter]) -> None:
        seen: dict = {}
        for rule in rules:
            if rule.id in seen:
                self.error(rule.line, f"duplicate rule id {rule.id!r} (first at {seen[rule.id]})", file=rule.file)
            else:
                seen[rule.id] = f"{rule.file}:{rule.line}"
        used = {test.parameter for rule in rules for test in answer_tests(rule.when)}
        used |= {name for rule in rules for entry in rule.plan for name in entry.parameters}
        for parameter in parameters:
            if parameter.name not in used:
                self.warn(parameter.line, f"parameter {parameter.name!r} is used by no rule", file=parameter.file)


class _Context:
    def __init__(self, questions, parameters, findings, plan, facts_allowed=True):
        self.questions, self.parameters, self.findings, self.plan = questions, parameters, findings, plan
        self.facts_allowed = facts_allowed


_INVALID = object()


def _known(table, name) -> bool:
    """Whether `name`, as written in a rule file, is one of `table`'s names (a list or mapping never is)."""
    return isinstance(name, (str, int, float, bool)) and name in table


def _shown(name) -> str:
    """`name` for a message: quoted, or what was written where a name belongs."""
    if isinstance(name, (list, dict)):
        return f"({'a list' if isinstance(name, list) else 'a mapping'} where a name belongs)"
    return repr(name)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _plain(value):
    """YAML data without the line bookkeeping, dates as ISO text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
