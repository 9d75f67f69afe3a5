"""How people's names are compared: after Unicode NFKC normalisation and case folding, and what
a name looks like (its skeleton), so that two names that merely look alike can be refused."""

from __future__ import annotations

import unicodedata

# Letters of other scripts that look like Latin ones (Unicode's confusables, the common ones).
_LOOK_ALIKES = str.maketrans("асеіјорѕхуАВСЕНІЈКМНОРЅТХУαβεικνορτυχΑΒΕΗΙΚΜΝΟΡΤΥΧ",
                             "aceijopsxyABCEHIJKMHOPSTXYabeikvoptuxABEHIKMNOPTYX")


def compared(name: str) -> str:
    """A name as names are compared: NFKC, case folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def same_name(a: str, b: str) -> bool:
    return compared(a) == compared(b)


def skeleton(name: str) -> str:
    """What a name looks like: no accents, no invisible characters, look-alike letters as Latin ones."""
    decomposed = unicodedata.normalize("NFKD", name)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))
    return " ".join(kept.translate(_LOOK_ALIKES).casefold().split())


def scripts(name: str) -> set:
    return {unicodedata.name(ch, "?").split()[0] for ch in unicodedata.normalize("NFKC", name) if ch.isalpha()}


def person_named(people, name: str) -> list:
    """The trust entries of the person called `name` (several when their key was replaced)."""
    return [person for person in people if same_name(person.name, name)]
