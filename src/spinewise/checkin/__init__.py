"""The weekly check-in: the rule base's check-in vocabulary run against the lifter's journal.

view.py     the rule base as a check-in sees it (its questions, derived values and rules)
derive.py   the values the rule base declares how to derive from the journal and the week
run.py      one check-in: refuse or check the answers, derive, run the rules, build the entry
"""
