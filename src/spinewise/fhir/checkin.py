"""The weekly check-in as its own R4 Questionnaire (`questions --format fhir-checkin`), with its
own canonical `url|version`, and the reading of its QuestionnaireResponses as check-in answers.

Some check-in questions are asked depending on the journal (the last entry's advice, whether
the journal already holds an answer about cancer). A form filler cannot see the journal, so
those values are the form's first group, "From your journal", each an item the clinic system
or the lifter fills from the last entry; the questions' enableWhen read them there. When
spinewise reads a response, it takes those values from the journal itself and drops the
form's: the journal decides, as in every check-in.
"""

from __future__ import annotations

import dataclasses

from spinewise.fhir.common import base_url, computable_name
from spinewise.rulebase.conditions import questions_read

CHECKIN_ID = "checkin"
JOURNAL_SECTION = "From your journal"


def checkin_form_view(rulebase):
    """The check-in view with the journal values its questions' asked_when read put first, as questions."""
    from spinewise.checkin.view import checkin_view

    view = checkin_view(rulebase)
    derived = {d.question.id: d.question for d in rulebase.checkin.derived if d.how[0] == "journal"}
    read = dict.fromkeys(name for q in view.checkin.questions if q.asked_when
                         for name in questions_read(q.asked_when) if name in derived)
    journal = tuple(dataclasses.replace(derived[name], section=JOURNAL_SECTION) for name in read)
    form = dataclasses.replace(view, questions=journal + tuple(view.checkin.questions))
    form.__dict__["questions_by_id"] = {**view.questions_by_id, **{q.id: q for q in form.questions}}
    form.__dict__["form_url"] = checkin_questionnaire_url(rulebase)
    form.__dict__["journal_items"] = tuple(read)
    return form


def checkin_questionnaire_url(rulebase) -> str:
    return f"{base_url(rulebase)}/Questionnaire/{CHECKIN_ID}"


def checkin_canonical(rulebase) -> str:
    return f"{checkin_questionnaire_url(rulebase)}|{rulebase.version}"


def checkin_questionnaire(rulebase) -> dict:
    """The check-in's Questionnaire: the assessment's form, built over the check-in's questions."""
    from spinewise.fhir.narrative import narrative, with_text
    from spinewise.fhir.questionnaire import questionnaire_resource

    form = checkin_form_view(rulebase)
    resource = questionnaire_resource(form)
    title = f"{rulebase.name}: weekly check-in"
    resource.update({"id": CHECKIN_ID, "url": checkin_questionnaire_url(rulebase), "name": computable_name(title),
                     "title": title})
    resource.pop("text", None)
    asked = [q.text for q in form.questions if q.id not in form.journal_items]
    summary = narrative(f"{title}, version {rulebase.version}",
                        [f"{len(asked)} questions about the week, after {len(form.journal_items)} values from the "
                         f"lifter's journal that decide which are asked."], asked)
    return with_text(resource, summary)
