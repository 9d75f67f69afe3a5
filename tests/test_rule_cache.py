"""The parsed-rule-base cache: used only when it provably matches the rule files, else rebuilt silently."""

import json
import os
import pickle
import shutil
import stat
import subprocess
import sys

import pytest

from conftest import EXAMPLES, RULES
from spinewise.rulebase import cache
from spinewise.rulebase.load import load_rulebase


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv(cache.DISABLE_VARIABLE, raising=False)
    return home / "spinewise"


@pytest.fixture
def rules_copy(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    return folder


def cache_files(folder):
    return sorted(folder.glob("*.pickle"))


def set_severe_pain_threshold(rules_folder, value):
    pain = rules_folder / "20-pain.yaml"
    text = pain.read_text()
    assert "    value: 7\n" in text
    pain.write_text(text.replace("    value: 7\n", f"    value: {value}\n", 1))


def test_a_cached_rule_base_is_identical_to_reading_the_files(cache_home, rules_copy):
    first = cache.load_rulebase_cached(rules_copy)
    second = cache.load_rulebase_cached(rules_copy)

    assert repr(second) == repr(first) == repr(load_rulebase(rules_copy))
    [written] = cache_files(cache_home)
    assert stat.S_IMODE(os.stat(cache_home).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(written).st_mode) == 0o600


def test_an_edited_rule_file_is_read_again_at_once(cache_home, rules_copy):
    before = cache.load_rulebase_cached(rules_copy)
    set_severe_pain_threshold(rules_copy, 5)

    after = cache.load_rulebase_cached(rules_copy)

    assert {p.name: p.value for p in before.parameters}["severe_pain_at_least"] == 7
    assert {p.name: p.value for p in after.parameters}["severe_pain_at_least"] == 5
    assert after.content_hash != before.content_hash
    assert len(cache_files(cache_home)) == 1  # the stale entry was replaced, not kept beside


@pytest.mark.parametrize("damage", [b"", b"garbage", "truncate", "flip"])
def test_a_damaged_cache_file_is_ignored_and_rebuilt(cache_home, rules_copy, damage):
    expected = repr(cache.load_rulebase_cached(rules_copy))
    [written] = cache_files(cache_home)
    data = written.read_bytes()
    if damage == "truncate":
        data = data[: len(data) // 2]
    elif damage == "flip":
        data = data[:-10] + bytes([data[-10] ^ 0xFF]) + data[-9:]
    else:
        data = damage
    written.write_bytes(data)

    assert repr(cache.load_rulebase_cached(rules_copy)) == expected
    assert written.read_bytes() != data  # rewritten whole


class _Planted:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def plant(slot, payload: bytes):
    slot.write_bytes(cache.MAGIC + cache.hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    os.chmod(slot, 0o600)


def test_a_cache_file_that_would_run_code_is_refused(cache_home, rules_copy, tmp_path):
    expected = repr(cache.load_rulebase_cached(rules_copy))
    [slot] = cache_files(cache_home)
    marker = tmp_path / "the-planted-code-ran"
    plant(slot, pickle.dumps(_Planted(marker)))

    assert repr(cache.load_rulebase_cached(rules_copy)) == expected
    assert not marker.exists()


def test_a_cache_others_can_write_to_is_not_trusted(cache_home, rules_copy):
    real = cache.load_rulebase_cached(rules_copy)
    [slot] = cache_files(cache_home)
    forged = cache.model.RuleBase(**{**vars(real), "version": "forged"})
    plant(slot, pickle.dumps(forged))
    os.chmod(cache_home, 0o777)

    assert cache.load_rulebase_cached(rules_copy).version == real.version


def test_an_unusable_cache_location_still_loads_the_rules(tmp_path, monkeypatch, rules_copy):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))

    assert repr(cache.load_rulebase_cached(rules_copy)) == repr(load_rulebase(rules_copy))


def test_the_cache_can_be_switched_off(cache_home, rules_copy, monkeypatch):
    monkeypatch.setenv(cache.DISABLE_VARIABLE, "1")
    cache.load_rulebase_cached(rules_copy)
    assert not cache_home.exists()


def test_a_new_process_sees_a_rule_edit_made_after_the_cache_was_written(tmp_path, rules_copy):
    answers = json.loads((EXAMPLES / "healthy_glutes_only.json").read_text())
    answers.update(back_pain=True, pain_intensity=5, pain_weeks=1, pain_exacerbated=False, pain_phase="top",
                   fever=False, cancer_history=False, significant_trauma=False, night_pain=False, weight_loss=False)
    answers_file = tmp_path / "answers.json"
    answers_file.write_text(json.dumps(answers))
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache-home")}
    env.pop(cache.DISABLE_VARIABLE, None)

    def disposition():
        run = subprocess.run([sys.executable, "-m", "spinewise", "assess", "--rules", str(rules_copy),
                              "--answers", str(answers_file), "--format", "json"],
                             capture_output=True, text=True, env=env, check=True)
        return json.loads(run.stdout)["disposition"]

    assert disposition() == "corrective_program"
    set_severe_pain_threshold(rules_copy, 5)
    pain = rules_copy / "20-pain.yaml"  # and the rule's example just below the new threshold, so it passes
    pain.write_text(pain.read_text().replace("{back_pain: true, pain_intensity: 6, pain_weeks: 1,",
                                             "{back_pain: true, pain_intensity: 4, pain_weeks: 1,"))
    assert disposition() == "consultation"


def test_the_cache_keeps_only_the_most_recent_rule_folders(cache_home, tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    folders = []
    for number in range(5):
        folder = tmp_path / f"copy-{number}"
        shutil.copytree(RULES, folder)
        cache.load_rulebase_cached(folder)
        folders.append(folder)
    assert len(cache_files(cache_home)) == 3
    assert repr(cache.load_rulebase_cached(folders[0])) == repr(load_rulebase(folders[0]))


def test_a_second_load_comes_from_the_cache_without_reading_the_files(cache_home, rules_copy, monkeypatch):
    first = cache.load_rulebase_cached(rules_copy)
    monkeypatch.setattr(cache, "load_rulebase", lambda folder: pytest.fail("the rule files were read again"))

    assert repr(cache.load_rulebase_cached(rules_copy)) == repr(first)
