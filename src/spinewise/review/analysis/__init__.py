"""The analysis core behind `rules check`, `rules doc` and `rules diff`: reasoning about rules
over every possible set of answers, without running the engine.

- inline.py   a rule's condition over answers only: each finding or plan test replaced by
              the conditions of the rules that conclude it
- space.py    the answer space: each question's values, split into the ranges the rules tell apart
- search.py   split the space until given conditions are decided; "can this condition hold?"
- regions.py  merge decided regions into few readable ones ("pain_intensity from 0 to 6 and ...")
- verify.py   static verification: gaps, conflicts, dead and redundant rules, plan problems
"""
