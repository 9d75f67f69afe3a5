"""Clinician review tools, one module per command, over the analysis core in analysis/.

check.py      `rules check`: loading problems, rule examples, static verification
test.py       `rules test`: run rule examples and cases files (expect.py, cases.py)
diff.py       `rules diff`: what a rule change does to saved or generated cases
doc.py        `rules doc`: the rulebook
questions.py  `questions`: the question vocabulary for people and other tools
render.py     the templates every review output goes through
"""
