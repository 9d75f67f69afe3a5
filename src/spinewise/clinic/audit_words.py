"""What the audit log says of a list viewed and a journal shared: the store writes it in English,
a page says it again in its language (pages.audit_subject)."""

from __future__ import annotations

from spinewise.i18n import ngettext


def lifters_viewed(count: int) -> str:
    # Translators: what the audit log says a practitioner viewed the list of.
    return ngettext("%(count)s lifter", "%(count)s lifters", count) % {"count": count}


def entries_shared(label: str, count: int) -> str:
    # Translators: a share in the audit log; %(label)s is the lifter's label (L-XWK7GF).
    return ngettext("%(label)s: %(count)s new entry", "%(label)s: %(count)s new entries", count) % {
        "label": label, "count": count}
