"""An engine change changes no result: the engine's results on 20,109 cases.

tests/golden/engine-results.jsonl.gz holds every worked case, every rule example and
20,000 seeded random answer sets (complete ones assessed, partial ones concluded) with the
whole result the engine gave: disposition, findings with their "because", plan items with
attributes and phases, rules fired. Its first 2,109 records were recorded at commit 99cccaa,
before any speed work (only `change: start` and `step: 1` added since, by version 3); the
file was extended to 20,000 random sets, same seed, at b76a2d4, whose engine gave those
2,109 unchanged. It is written by `python tests/engine_golden.py write ...` (see that
module). A change to what the rules conclude needs a new file, recorded with the engine
before any engine change.
"""

from conftest import TESTS
from engine_golden import differences

GOLDEN = TESTS / "golden" / "engine-results.jsonl.gz"


def test_every_recorded_result_is_unchanged():
    checked, problems = differences(GOLDEN)
    assert checked >= 20_000
    assert not problems, (f"{len(problems)} results changed, first: {problems[0]} (if the rules' conclusions "
                          "changed on purpose, record the file again with the engine before your change)")
