"""Make experta importable on Python 3.10+.

experta 1.9.4 pins frozendict==1.2, whose class statement subclasses
`collections.Mapping`, an alias Python 3.10 removed (it lives in collections.abc).
Restoring the alias before the first `import experta` is the whole fix: the rest of
frozendict 1.2 and experta run unchanged. Import experta through this module only.
"""

import collections
import collections.abc

for _name in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Hashable"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

import experta  # noqa: E402  (must come after the alias above)

__all__ = ["experta"]
