"""The three kinds of fact the knowledge engine reasons over."""

from spinewise.engine.compat import experta


class Answers(experta.Fact):
    """One lifter's answers: one field per question id that was answered."""


class Finding(experta.Fact):
    """A finding a rule has drawn (`code`); other rules may build on it."""


class Planned(experta.Fact):
    """A plan item a rule has planned (`code`); other rules may refine it."""
