"""An engine change changes no result: the engine's results on 2,109 cases, recorded before the speed work.

tests/golden/engine-results.jsonl.gz holds every worked case, every rule example and
2,000 seeded random answer sets (complete ones assessed, partial ones concluded) with the
whole result the engine gave at commit 99cccaa: disposition, findings with their
"because", plan items with attributes and phases, rules fired. The file was written by
`python tests/engine_golden.py write ...` (see that module); a rule-base change needs a
new file, and the check below says so rather than reporting every case as changed.
"""

from conftest import TESTS
from engine_golden import differences, read
from spinewise.engine import load_triage

GOLDEN = TESTS / "golden" / "engine-results.jsonl.gz"


def test_the_recorded_results_are_of_the_shipped_rule_base():
    header, records = read(GOLDEN)
    assert header["rulebase"] == load_triage(TESTS.parent / "rules").rulebase.content_hash, (
        "the rules changed since tests/golden/engine-results.jsonl.gz was recorded: "
        "record it again with the engine before your change (python tests/engine_golden.py write ...)")
    assert len(records) >= 2000


def test_every_recorded_result_is_unchanged():
    checked, problems = differences(GOLDEN)
    assert checked >= 2000
    assert not problems, f"{len(problems)} results changed, first: {problems[0]}"
