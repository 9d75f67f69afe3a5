"""Fuzzed rule files: `rules check` lists `file:line: message` rows and `assess` refuses in one line; no traceback."""

import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, RULES, invoke

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
RULE_FILES = sorted(path.name for path in RULES.glob("*.yaml"))
ROW = re.compile(r"^.+\.yaml:\d+: .+$|^.+: \d+: .+$|^[^:]+:\d+: .+$")
YAML_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 200) | st.text(max_size=12)
    | st.sampled_from(["is_true", "at_least", "approved", "draft", "emergency", "back_pain", "dead_bug"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["id", "when", "then", "question", "operator", "value", "all", "any", "not", "finding",
                         "plan", "status", "code", "x"]), inner, max_size=3),
    max_leaves=8)


@pytest.fixture(autouse=True, scope="module")
def no_rule_cache():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPINEWISE_NO_CACHE", "1")  # every example is a new folder; keep ~/.cache clean
        yield


def paths_in(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths_in(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from paths_in(value, prefix + (index,))


def replaced(node, path, value):
    if not path:
        return value
    copy = dict(node) if isinstance(node, dict) else list(node)
    copy[path[0]] = replaced(node[path[0]], path[1:], value)
    return copy


def rules_folder_with(name, text):
    folder = Path(tempfile.mkdtemp(prefix="spinewise-fuzz-")) / "rules"
    shutil.copytree(RULES, folder)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def assert_check_and_assess_behave(folder):
    try:
        check = invoke("rules", "check", folder)
        assert check.exit_code in (0, 1), check.output
        rows = check.stdout.split("\n\n")[0].splitlines()  # the rows come before a blank line and the summary
        if check.exit_code == 1:
            # file:line: message, or a warning about something absent (no approval.yaml), which has no line
            assert rows and all(re.match(r"^(.+:\d+: |warning: ).+$", row) for row in rows), rows
        assess = invoke("assess", "--rules", folder, "--answers", EXAMPLES / "healthy_glutes_only.json",
                        "--format", "json")
        assert assess.exit_code in (0, 2), assess.output
        if assess.exit_code == 0:
            assert json.loads(assess.stdout)["disposition"]
        else:
            assert assess.stdout == "" and assess.stderr.startswith("Error: ")
    finally:
        shutil.rmtree(folder.parent)


@SETTINGS
@given(data=st.data())
def test_a_value_replaced_anywhere_in_a_rule_file_is_reported_not_crashed_on(data):
    name = data.draw(st.sampled_from(RULE_FILES))
    document = yaml.safe_load((RULES / name).read_text())
    path = data.draw(st.sampled_from(list(paths_in(document))))
    damaged = replaced(document, path, data.draw(YAML_VALUE))
    assert_check_and_assess_behave(rules_folder_with(name, yaml.safe_dump(damaged, sort_keys=False)))


@SETTINGS
@given(data=st.data())
def test_random_text_spliced_into_a_rule_file_is_reported_not_crashed_on(data):
    name = data.draw(st.sampled_from(RULE_FILES))
    text = (RULES / name).read_text()
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 40)))
    insert = data.draw(st.text(alphabet=st.sampled_from(list(":-[]{}#&*!|>'\"%@` \n\tab1") + ["\u00e9"]), max_size=15))
    assert_check_and_assess_behave(rules_folder_with(name, text[:start] + insert + text[end:]))
