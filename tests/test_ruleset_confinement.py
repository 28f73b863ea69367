"""`include:` and `extends:` read only inside the ruleset's own folder (symlinks resolved), shipped
rulesets by id, and folders listed in JIXIAO_RULESET_PATH; chains are at most 16 deep (issue 12)."""
from __future__ import annotations

import os

import pytest

from conftest import write
from jixiao.core.errors import RulesetError
from jixiao.rulesets.loader import load_sources

CHILD = "id: child\ntitle: 子\napplies_to: project\nprovenance: t\n"
FOREIGN = "id: foreign\ntitle: 外\napplies_to: any\nprovenance: t\nsecret_key_here: 1\n"


def refused(path) -> str:
    with pytest.raises(RulesetError) as info:
        load_sources(str(path))
    return str(info.value.problems[0])


def test_parent_folder_absolute_path_and_symlink_are_refused(tmp_path):
    (tmp_path / "rules").mkdir()
    outside = write(tmp_path, "foreign.yaml", FOREIGN)
    up = write(tmp_path / "rules", "up.yaml", CHILD + "include: [../foreign.yaml]\n")
    assert refused(up) == (f"{up}:5:11: `{tmp_path / 'rules' / '../foreign.yaml'}`在规则文件所在文件夹之外（{tmp_path / 'rules'}）："
                           "只能引用同一文件夹中的规则或内置规则的编号；其他文件夹请列入环境变量 JIXIAO_RULESET_PATH")
    absolute = write(tmp_path / "rules", "abs.yaml", CHILD + f"extends: {outside}\n")
    assert "在规则文件所在文件夹之外" in refused(absolute)
    os.symlink(outside, tmp_path / "rules" / "link.yaml")
    linked = write(tmp_path / "rules", "linked.yaml", CHILD + "include: [link.yaml]\n")
    message = refused(linked)
    assert "在规则文件所在文件夹之外" in message and "secret_key_here" not in message


def test_an_extra_folder_may_be_allowed(tmp_path, monkeypatch):
    (tmp_path / "rules").mkdir()
    write(tmp_path, "foreign.yaml", FOREIGN.replace("secret_key_here: 1\n", ""))
    up = write(tmp_path / "rules", "up.yaml", CHILD + "include: [../foreign.yaml]\n")
    monkeypatch.setenv("JIXIAO_RULESET_PATH", str(tmp_path))
    assert [s.ruleset.id for s in load_sources(str(up))] == ["child", "foreign"]


def test_shipped_rulesets_by_id_and_the_same_folder_are_fine(tmp_path):
    write(tmp_path, "veto.yaml", "id: v\ntitle: 否\napplies_to: any\nprovenance: t\n")
    child = write(tmp_path, "child.yaml", "id: child\nextends: mof-project-selfeval\ninclude: [veto.yaml]\n")
    assert [s.ruleset.id for s in load_sources(str(child))] == ["child", "v"]


def test_a_deep_chain_is_an_error_not_a_recursion_error(tmp_path):
    for i in range(40):
        write(tmp_path, f"r{i}.yaml", CHILD.replace("id: child", f"id: r{i}") + f"include: [r{i + 1}.yaml]\n")
    write(tmp_path, "r40.yaml", CHILD.replace("id: child", "id: r40"))
    assert refused(tmp_path / "r0.yaml") == f"{tmp_path / 'r16.yaml'}: `include`链超过16层"
    for i in range(40):
        write(tmp_path, f"e{i}.yaml", CHILD.replace("id: child", f"id: e{i}") + f"extends: e{i + 1}.yaml\n")
    write(tmp_path, "e40.yaml", CHILD.replace("id: child", "id: e40"))
    assert refused(tmp_path / "e0.yaml").endswith(": `extends`链超过16层")
