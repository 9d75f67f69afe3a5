"""Hypothesis strategies for answers, built from the question vocabulary itself."""

from hypothesis import strategies as st


def _value(question):
    if question.type == "bool":
        return st.booleans()
    if question.type == "int":
        return st.integers(question.minimum, question.maximum)
    if question.type == "choice":
        return st.sampled_from(question.allowed_values)
    return st.lists(st.sampled_from(question.allowed_values), min_size=1, unique=True)


@st.composite
def valid_answers(draw, rulebase):
    """A complete answers object: every question that would be asked, and no other."""
    answers = {}
    for question in rulebase.questions:
        if question.is_asked(answers):
            answers[question.id] = draw(_value(question))
    return answers
