"""One field test of a pattern, compiled once into a plain function of the field's value.

experta describes a pattern's field with a `FeatureCheck` (canonical: the same test on the
same field is one object, which is what lets the network share it between rules). Its
`__call__` logs every evaluation and walks an `&` of constraints through the logging
wrapper again; here the same check is compiled into a function that returns what the
check returns (False, True, or the bindings it makes) without logging or re-dispatch.
"""

from __future__ import annotations

from spinewise.engine.compat import experta  # noqa: F401  (experta must be importable first)
from experta.fieldconstraint import ANDFC, NOTFC, ORFC, L, P, W  # noqa: E402
from experta.matchers.rete.check import FeatureCheck  # noqa: E402

MISSING = object()


def field_check(key, constraint) -> FeatureCheck:
    """experta's canonical check of `constraint` on field `key` (equal tests are one object)."""
    return FeatureCheck(key, constraint)


def compiled(check: FeatureCheck):
    """fn(fact) -> False, True or {name: value}: the check applied to the fact's field."""
    test = _value_test(check)
    path = _path(check.what)

    if len(path) == 1:
        key = path[0]

        def on_fact(fact):
            try:
                value = fact[key]
            except (IndexError, KeyError, TypeError):
                return False
            return test(value)
    else:
        def on_fact(fact):
            value = fact
            try:
                for part in path:
                    value = value[part]
            except (IndexError, KeyError, TypeError):
                return False
            return test(value)

    return on_fact


def _path(what) -> tuple:
    if not isinstance(what, str) or what.startswith("__") or what.endswith("__"):
        return (what,)
    return tuple(int(part) if part.isnumeric() else part for part in what.split("__"))


def _value_test(check: FeatureCheck):
    """fn(value) for the check's constraint, as experta's check functions decide it."""
    how = check.how
    if isinstance(how, (L, P, W)):
        function, expected = check.check, check.expected
        return lambda value: function(value, expected)
    if isinstance(how, ANDFC):
        parts = [_value_test(part) for part in check.expected]
        return lambda value: _all(parts, value)
    if isinstance(how, ORFC):
        parts = [_value_test(part) for part in check.expected]
        return lambda value: _any(parts, value)
    if isinstance(how, NOTFC):
        inner = _value_test(check.expected)
        return lambda value: _negated(inner(value))
    raise TypeError(f"unknown field constraint {how!r}")


def _all(parts, value):
    bound = {}
    for part in parts:
        result = part(value)
        if result is False:
            return False
        if result is not True:
            bound.update(result)
    return bound or True


def _any(parts, value):
    for part in parts:
        result = part(value)
        if result:
            return result
    return False


def _negated(result):
    if isinstance(result, dict):
        return {(False, key): value for key, value in result.items()}
    return not result
