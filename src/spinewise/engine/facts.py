"""The kinds of fact the knowledge engine reasons over, and how a fact is made quickly."""

from spinewise.engine.compat import experta

SCALARS = frozenset({str, int, bool, float, type(None)})


class Answers(experta.Fact):
    """One lifter's answers: one field per question id that was answered."""


class Finding(experta.Fact):
    """A finding a rule has drawn (`code`); other rules may build on it."""


class Planned(experta.Fact):
    """A plan item a rule has planned (`code`); other rules may refine it."""


def new_fact(kind: type, values: dict):
    """`kind(**values)`, the same fact, without experta's per-field dispatch for plain values.

    experta's Fact stores every value through `freeze` (a singledispatch per field) behind
    a check that the fact is not declared yet; a fresh fact of plain values needs neither.
    """
    fact = kind.__new__(kind)
    dict.update(fact, {key: value if type(value) in SCALARS else _frozen(value) for key, value in values.items()})
    fact._Fact__defaults = {}
    return fact


def _frozen(value):
    """experta.utils.freeze; a list of plain values (a multiple-choice answer) without the dispatch per item."""
    if type(value) is list and SCALARS.issuperset(map(type, value)):
        return _FROZENLIST(value)
    return experta.utils.freeze(value)


def thawed(value):
    """experta.utils.unfreeze, without the dispatch for plain values."""
    if type(value) in SCALARS:
        return value
    if type(value) is _FROZENLIST and SCALARS.issuperset(map(type, value)):
        return list(value)
    return experta.utils.unfreeze(value)


_FROZENLIST = experta.utils.frozenlist
