"""Clinician review tools: the rulebook, example tests, impact diffs and static verification."""
