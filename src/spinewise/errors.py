"""The exceptions spinewise raises; the CLI turns each into a one-line message."""


class SpinewiseError(Exception):
    """Base for every error a user can cause and fix."""


class AnswersError(SpinewiseError):
    """An answers file or object is not valid for the question vocabulary."""


class RuleBaseError(SpinewiseError):
    """A rule base cannot be loaded; `problems` holds every `file:line: message` found."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(SpinewiseError):
    """A report cannot be written where it was asked to go."""
