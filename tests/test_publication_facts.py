"""A record's confidentiality withholds it from every public output, whatever the ruleset says
(issue 12): a project ruleset without the `classified` exemption published a 涉密 project's
604.29, 66.15% and its indicator names under --public."""
from __future__ import annotations

from click.testing import CliRunner

from conftest import SEED, write
from jixiao.cli.main import main

BARE = """
id: bare
title: 无涉密豁免的规则
applies_to: project
version: '1'
provenance: 测试
total: 100
grades:
  - {name: 优, min: 90}
  - {name: 差, min: 0}
metrics:
  rate: {expr: actual / budget.initial, format: pct, label: 执行率}
findings:
  - id: f
    when: known(actual)
    problem: "支出{actual|wan}，执行率{rate|pct}"
    improvement: 改进
"""


def test_a_classified_project_is_withheld_without_the_exemption(tmp_path):
    rules = write(tmp_path, "bare.yaml", BARE)
    for command in (["score", str(SEED), "--public", "--format", "json"], ["report", str(SEED), "--public"],
                    ["explain", str(SEED), "--public"]):
        result = CliRunner().invoke(main, [*command, "--ruleset", str(rules), "--engine", "native"])
        assert result.exit_code == 0, result.output
        # the seed's 涉密 project 反邪: 7.4 spent (its case file: "反邪项目支出7.4万元"), written 7.40万元
        assert "7.40万元" not in result.output and "反邪" in result.output, command
    internal = CliRunner().invoke(main, ["score", str(SEED), "--format", "json", "--ruleset", str(rules), "--engine", "native"])
    assert "支出7.40万元" in internal.output  # withheld only where it is published
