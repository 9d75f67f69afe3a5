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


def bound_names(check: FeatureCheck) -> frozenset | None:
    """The names the check may bind, or None when it may bind one under a `~` (a negated
    binding, which only constrains the match and is never a rule's argument)."""
    if isinstance(check.how, NOTFC):
        return None
    if isinstance(check.how, (ANDFC, ORFC)):
        parts = [bound_names(part) for part in check.expected]
        return None if None in parts else frozenset().union(*parts)
    name = getattr(check.how, "__bind__", None)
    return frozenset() if name is None else frozenset({name})


def negated_names(check: FeatureCheck, negated: bool = False) -> set:
    """The names a check binds under a `~` (`~W('x')`): it only constrains the match, and reads
    `x` as bound before it."""
    if isinstance(check.how, NOTFC):
        return negated_names(check.expected, True)
    if isinstance(check.how, (ANDFC, ORFC)):
        return set().union(*(negated_names(part, negated) for part in check.expected))
    name = getattr(check.how, "__bind__", None)
    return {name} if negated and name else set()


def literal_test(check: FeatureCheck):
    """(field, value, names) when the check is "the field equals this literal", binding the
    field's value to `names` (`L(value)`, `L(value) & W(name)`, the shape the compiler writes),
    else None. Only literals whose equality is their hash's (no float: NaN is not itself)."""
    path = _path(check.what)
    parts = check.expected if isinstance(check.how, ANDFC) else (check,)
    if len(path) != 1 or not all(isinstance(part.how, (L, W)) for part in parts):
        return None
    literals = [part.how for part in parts if isinstance(part.how, L)]
    if len(literals) != 1 or type(literals[0].value) not in _HASHED_LITERALS:
        return None
    names = tuple(dict.fromkeys(part.how.__bind__ for part in parts if part.how.__bind__ is not None))
    return path[0], literals[0].value, names


_HASHED_LITERALS = (str, int, bool, type(None))


def compiled(check: FeatureCheck):
    """fn(fact) -> False, True or {name: value}: the check applied to the fact's field."""
    test = _value_test(check)
    path = _path(check.what)
    single = _single_test(check)

    if len(path) == 1 and single is not None:  # `P(f) & W(name)`: one function, no second call
        key, (passes, name) = path[0], single

        def on_fact(fact):
            try:
                value = fact[key]
            except (IndexError, KeyError, TypeError):
                return False
            return {name: value} if passes(value) else False
    elif len(path) == 1:
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
    if isinstance(how, ANDFC) and all(isinstance(part.how, (L, P, W)) for part in check.expected):
        return _conjunction(check.expected)
    if isinstance(how, (L, P, W)):
        return _conjunction((check,))
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


def _single_test(check: FeatureCheck):
    """(test, name) when the check is one literal or predicate test binding one name, else None."""
    parts = check.expected if isinstance(check.how, ANDFC) else (check,)
    if not all(isinstance(part.how, (L, P, W)) for part in parts):
        return None
    tests, names = _tests_and_names(parts)
    return (tests[0], names[0]) if len(tests) == 1 and len(names) == 1 else None


def _tests_and_names(checks) -> tuple[list, list]:
    tests, names = [], []
    for part in checks:
        how = part.how
        if isinstance(how, L):
            tests.append(lambda value, expected=how.value: expected == value)
        elif isinstance(how, P):
            tests.append(how.match)
        if how.__bind__ is not None:
            names.append(how.__bind__)
    return tests, names


def _conjunction(checks):
    """`L(x) & P(f) & W(name)`, the shape the compiler writes: every test holds, then every name is bound.

    experta's `equal_literal` and `match_predicate` compare `expected == actual` and call
    the predicate; a binding on either binds the value, as a `W` does."""
    tests, names = _tests_and_names(checks)
    if len(tests) == 1 and len(names) == 1:
        test, name = tests[0], names[0]
        return lambda value: {name: value} if test(value) else False

    def conjunction(value):
        for test in tests:
            if not test(value):
                return False
        return {name: value for name in names} if names else True

    return conjunction


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
