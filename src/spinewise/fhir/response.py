"""A QuestionnaireResponse to and from a spinewise answers object.

Reading is strict, like reading an answers file: every problem the response has is
collected and refused in one AnswersError line that names the item and what is allowed.
The answers that come out are then checked like any other (ranges, questions not asked).
"""

from __future__ import annotations

from spinewise.answers import check_answers
from spinewise.errors import AnswersError
from spinewise.fhir.common import answer_system, coding, questionnaire_canonical, questionnaire_url
from spinewise.fhir.narrative import answer_words, narrative, with_text
from spinewise.fhir.questionnaire import CONTINUE_LINK, form_links, sections

VALUE_KEYS = {"bool": "valueBoolean", "int": "valueInteger", "choice": "valueCoding", "multi": "valueCoding"}
RESPONSE = "QuestionnaireResponse"


def is_fhir_resource(data) -> bool:
    """Whether a decoded JSON object is a FHIR resource rather than an answers object."""
    return isinstance(data, dict) and "resourceType" in data


def response_resource(rulebase, answers: dict, authored: str | None = None) -> dict:
    """The QuestionnaireResponse of an answers object, grouped like the Questionnaire."""
    groups = []
    for link_id, title, questions in sections(rulebase):
        items = [_response_item(q, answers[q.id], rulebase) for q in questions if q.id in answers]
        if items:
            groups.append({"linkId": link_id, "text": title or "Questions", "item": items})
    resource = {"resourceType": RESPONSE, "questionnaire": questionnaire_canonical(rulebase), "status": "completed"}
    if authored:
        resource["authored"] = authored
    resource["item"] = groups
    return with_text(resource, response_text(resource))


def _response_item(question, value, rulebase) -> dict:
    values = value if question.type == "multi" else [value]
    return {"linkId": question.id, "text": question.text, "answer": [_answer(question, v, rulebase) for v in values]}


def _answer(question, value, rulebase) -> dict:
    if question.type in ("choice", "multi"):
        labels = {c.value: c.label for c in question.choices}
        return {"valueCoding": coding(answer_system(rulebase, question), value, labels.get(value, ""))}
    return {VALUE_KEYS[question.type]: value}


def response_text(resource: dict) -> dict:
    """Narrative for a QuestionnaireResponse: each question asked and its answer."""
    lines = []
    for item in _walk(resource.get("item", [])):
        answers = [answer_words(next((v for k, v in a.items() if k.startswith("value")), ""))
                   for a in item.get("answer", []) if isinstance(a, dict)]
        if answers:
            lines.append(f"{item.get('text') or item.get('linkId')}: {', '.join(answers)}")
    return narrative(f"Answers to the questionnaire ({resource.get('status', 'no status')})", items=lines)


def _walk(items):
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            yield item
            yield from _walk(item.get("item", []))
            for answer in item.get("answer", []) if isinstance(item.get("answer"), list) else []:
                if isinstance(answer, dict):
                    yield from _walk(answer.get("item", []))


def answers_from_response(rulebase, resource: dict, source: str = "answers", triage=None) -> dict:
    """The answers object a QuestionnaireResponse holds; AnswersError naming every problem otherwise.

    With `triage`, a response with problems of its own also has its answers checked, so
    the one message names every problem (a wrong code system and an out-of-range score).
    """
    reader = _Reader(rulebase)
    reader.read(resource)
    if reader.problems:
        problems = reader.problems + (_answer_problems(triage, reader) if triage is not None else [])
        raise AnswersError(f"{source}: " + "; ".join(problems))
    return reader.answers


def _answer_problems(triage, reader) -> list[str]:
    """What checking the readable answers adds; an item already refused is not also called missing."""
    check = check_answers(triage.rulebase, reader.answers)
    check.missing_expected = [e for q, e in zip(check.missing, check.missing_expected) if q not in reader.refused]
    check.missing = [q for q in check.missing if q not in reader.refused]
    stopped = triage.conclude(check.valid).disposition == triage.rulebase.roles.stop_disposition
    try:
        check.raise_problems(missing_allowed=stopped)
    except AnswersError as exc:
        return [str(exc)]
    return []


class _Reader:
    def __init__(self, rulebase):
        self.rulebase = rulebase
        self.questions = rulebase.questions_by_id
        self.groups = {link_id for link_id, _, _ in sections(rulebase)}
        self.form_items = form_links(rulebase)
        self.answers: dict = {}
        self.problems: list[str] = []
        self.refused: set = set()  # questions whose item was refused here

    def read(self, resource) -> None:
        kind = resource.get("resourceType")
        if kind != RESPONSE:
            self.problems.append(f"a FHIR {kind} is not an answers object; give a {RESPONSE} "
                                 f"to {questionnaire_url(self.rulebase)}, or a JSON object of question id to answer")
            return
        if resource.get("status") == "entered-in-error":
            self.problems.append(f"this {RESPONSE} is marked entered-in-error")
        self._questionnaire(resource.get("questionnaire"))
        self._items(resource.get("item", []), "item")

    def _questionnaire(self, wanted) -> None:
        """The response must answer this Questionnaire, and this version of it when it names one."""
        if wanted is None:
            return
        url, _, version = str(wanted).partition("|")
        if url != questionnaire_url(self.rulebase):
            other = "weekly check-in" if url.endswith("/Questionnaire/checkin") else "assessment"
            command = "spinewise checkin --answers FILE" if other == "weekly check-in" else "spinewise assess --answers FILE"
            hint = (f" (it is the {other}'s Questionnaire: give the response to {command})"
                    if url.rpartition("/Questionnaire/")[0] == questionnaire_url(self.rulebase).rpartition("/Questionnaire/")[0]
                    else "")
            self.problems.append(f"it answers the Questionnaire {wanted!r}, not {questionnaire_url(self.rulebase)}{hint}")
        elif version and version != self.rulebase.version:
            self.problems.append(
                f"it answers version {version} of the Questionnaire, and this rule base is version "
                f"{self.rulebase.version}: answers are scored only by the version they were given to "
                f"(answer {questionnaire_canonical(self.rulebase)}, or run the rule base of version {version} "
                f"with --rules)")

    def _items(self, items, where: str) -> None:
        if not isinstance(items, list):
            self.problems.append(f"{where} must be a list of items")
            return
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("linkId"), str):
                self.problems.append(f"{where}: every item needs a linkId")
            elif item["linkId"] in self.questions:
                self._question(item)
            elif item["linkId"] == CONTINUE_LINK:
                self._items(item.get("item", []), f"item {item['linkId']!r}")  # the choice to go on scores nothing
            elif item["linkId"] in self.form_items:
                if item.get("answer"):
                    self.problems.append(f"item {item['linkId']!r} is a group or help text and takes no answer")
                self._items(item.get("item", []), f"item {item['linkId']!r}")
            elif self._questions_inside(item):
                inside = self._questions_inside(item)
                self.refused.update(inside)  # named here, so not also called missing
                self.problems.append(f"group linkId {item['linkId']!r} is not a group of this Questionnaire, so the "
                                     f"answers inside it ({', '.join(inside)}) were not read; give the group the "
                                     f"linkId it has in the Questionnaire (groups: {', '.join(sorted(self.groups))})")
            else:
                self.problems.append(f"unknown linkId {item['linkId']!r} "
                                     f"(questions: {', '.join(self.questions)}; groups: {', '.join(sorted(self.groups))})")

    def _questions_inside(self, item: dict) -> list:
        return list(dict.fromkeys(inner["linkId"] for inner in _walk(item.get("item", []))
                                  if isinstance(inner.get("linkId"), str) and inner["linkId"] in self.questions))

    def _question(self, item: dict) -> None:
        question = self.questions[item["linkId"]]
        answers = item.get("answer", [])
        if not isinstance(answers, list):
            self.problems.append(f"item {question.id}: 'answer' must be a list")
            return
        self._items(item.get("item", []), f"item {question.id}")
        for answer in answers:
            self._items(answer.get("item", []) if isinstance(answer, dict) else [], f"item {question.id}")
        if not answers:
            return
        if question.id in self.answers:
            self.problems.append(f"item {question.id}: answered twice; it takes one item")
            return
        if len(answers) > 1 and question.type != "multi":
            self.refused.add(question.id)
            self.problems.append(f"item {question.id}: {len(answers)} answers to a non-repeating item; "
                                 f"expected one {_expected(question)}")
            return
        values = [self._value(question, answer) for answer in answers]
        if any(value is _BAD for value in values):
            self.refused.add(question.id)
            return
        self.answers[question.id] = values if question.type == "multi" else values[0]

    def _value(self, question, answer):
        key = VALUE_KEYS[question.type]
        given = [k for k in answer if k.startswith("value")] if isinstance(answer, dict) else []
        if given != [key]:
            shown = ", ".join(given) or "no value"
            self.problems.append(f"item {question.id}: {shown} is not allowed; expected {_expected(question)}")
            return _BAD
        value = answer[key]
        if key != "valueCoding":
            return value  # its type and range are checked with the answers
        if not isinstance(value, dict) or not isinstance(value.get("code"), str):
            self.problems.append(f"item {question.id}: valueCoding needs a code; expected {_expected(question)}")
            return _BAD
        system = answer_system(self.rulebase, question)
        if value.get("system", system) != system:
            self.problems.append(f"item {question.id}: code system {value['system']!r} is not allowed; "
                                 f"expected {_expected(question)}")
            return _BAD
        return value["code"]


_BAD = object()


def _expected(question) -> str:
    key = VALUE_KEYS[question.type]
    if key == "valueCoding":
        return f"valueCoding from {question.id}'s answer options ({question.describe_allowed()})"
    return f"{key} ({question.describe_allowed()})"
