"""`jixiao rulesets list|show|schema|test|diff|simulate`, on the shipped rulesets and cases.

Figures are the hand-worked ones pinned in the rulesets' own tests (see the comments above each
`tests:` section): under hubei-project-selfeval (执行率 20, 产出 40, grades 80/70/60) nt-gbzn
98.40 → 98.30, nt-zljc 85.79 良 → 86.05 优, nt-rjhj 78.40 中 → 78.43 良.
"""
import json

import pytest
from click.testing import CliRunner

from conftest import ROOT, SAMPLE, SEED, write
from jixiao.cli.main import main
from jixiao.rulesets.schema import FILES, schema_text
from jixiao.rulesets.loader import shipped_ids

# rulesets of other work in progress whose tests are still to be written
def run(*args: str):
    return CliRunner().invoke(main, ["rulesets", *args])


def test_list_shows_every_shipped_ruleset_and_what_it_extends():
    out = run("list").stdout
    for ident in shipped_ids():
        assert ident in out
    hubei = next(line for line in out.splitlines() if line.startswith("hubei-project-selfeval"))
    assert "mof-project-selfeval" in hubei


def test_show_prints_the_resolved_tree_with_origins():
    result = run("show", "hubei-project-selfeval")
    assert result.exit_code == 0
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert "20" in rows["budget_execution"].split() and "rulesets/hubei-project-selfeval.yaml:28" in rows["budget_execution"]
    assert "rate(execution_rate): cap 1" in rows["budget_execution"]
    assert "rulesets/mof-project-selfeval.yaml" in rows["outcome"]
    assert rows["classified"].split()[:2] == ["classified", "涉密项目"]
    assert "(default)" in rows["disqualified_grade"]


def test_show_includes_vetoes_from_included_rulesets():
    out = run("show", "department-overall").stdout
    assert "bands(carryover_rate): ≤0.05 → 10; >0.05 ≤0.1 → 8; >0.1 ≤0.2 → 6; >0.2 → 0" in out
    line = next(line for line in out.splitlines() if line.startswith("stability_opinion"))
    assert "deduct 30" in line and "rulesets/pingan-veto.yaml" in line


@pytest.mark.parametrize("variant", ["full", "overrides"])
def test_shipped_schema_is_the_generated_one(variant):
    shipped = (ROOT / "rulesets" / FILES[variant]).read_text(encoding="utf-8")
    assert shipped == schema_text(variant == "overrides"), "run: jixiao rulesets schema [--overrides] -o rulesets/…"


def test_schema_describes_the_format():
    schema = json.loads(run("schema").stdout)
    assert set(schema["required"]) == {"id", "title", "applies_to", "provenance"}
    node = schema["$defs"]["IndicatorNode"]
    assert node["additionalProperties"] is False and "weight" in node["required"]
    overrides = json.loads(schema_text(overrides=True))
    assert "required" not in json.dumps(overrides)
    assert overrides["$defs"]["IndicatorNode"]["properties"]["remove"]["type"] == "boolean"


@pytest.mark.parametrize("ident", shipped_ids())
def test_every_shipped_ruleset_names_the_schema_and_passes_its_tests(ident):
    first = (ROOT / "rulesets" / f"{ident}.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=ruleset")
    result = run("test", ident)
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().endswith("项测试通过") and "：0/" not in result.stdout


def test_a_failing_test_says_where_what_was_expected_and_what_came(tmp_path):
    text = (ROOT / "rulesets" / "hubei-project-selfeval.yaml").read_text(encoding="utf-8")
    text = text.replace("../cases/", str(ROOT / "cases") + "/").replace("score: 98.30", "score: 98.31")
    text = text.replace("findings: [low_execution, missed_targets]", "findings: [missed_targets]")
    path = write(tmp_path, "h.yaml", text)
    result = run("test", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:45:11: 测试 高标准农田 98.30 优：得分：预期 98.31，实际 98.30",
        f"{path}:53:11: 测试 人居环境 moves from 中 (78.40) to 良 (78.43)：问题与建议：预期 [missed_targets]，实际 [low_execution, missed_targets]",
        "hubei-project-selfeval：3/5 项测试通过",
    ]


def test_a_ruleset_without_tests_fails_the_test_command(tmp_path):
    path = write(tmp_path, "bare.yaml", "id: bare\ntitle: t\napplies_to: any\nprovenance: p\n")
    result = run("test", str(path))
    assert result.exit_code == 1
    assert "bare：0/0 项测试通过（此规则集未带测试）" in result.stdout


def test_diff_names_each_semantic_change_and_where_it_was_made():
    out = run("diff", "mof-project-selfeval", "hubei-project-selfeval").stdout.splitlines()
    assert "~ 等级 优 min: 90 → 80  (rulesets/hubei-project-selfeval.yaml:21)" in out
    assert "~ 等级 良 min: 80 → 70  (rulesets/hubei-project-selfeval.yaml:22)" in out
    assert "~ 指标 budget_execution weight: 10 → 20  (rulesets/hubei-project-selfeval.yaml:28)" in out
    assert "~ 指标 output weight: 50 → 40  (rulesets/hubei-project-selfeval.yaml:31)" in out
    assert not any(line.startswith(("+", "-")) for line in out)
    assert run("diff", "pingan-veto", "pingan-veto").stdout.splitlines()[1] == "无实质差异"


def test_diff_reports_bands_thresholds_vetoes_and_texts(tmp_path):
    child = write(tmp_path, "child.yaml", """
        id: dept-local
        extends: department-overall
        indicators:
          - id: process
            children:
              - id: carryover
                method:
                  bands:
                    - {lte: 0.1, points: 10}
                    - {gt: 0.1, points: 0}
              - id: execution
                method: {step: 0.01, deduct: 0.5}
        findings:
          - {id: low_execution, when: execution_rate < 0.95}
          - {id: no_department_indicators, remove: true}
    """)
    out = run("diff", "department-overall", str(child)).stdout.splitlines()
    assert f"~ 指标 carryover method.bands: ≤0.05 → 10; >0.05 ≤0.1 → 8; >0.1 ≤0.2 → 6; >0.2 → 0 → ≤0.1 → 10; >0.1 → 0  ({child}:9)" in out
    assert f"~ 指标 execution method.step: 0.05 → 0.01  ({child}:12)" in out
    assert f"~ 指标 execution method.deduct: 2 → 0.5  ({child}:12)" in out
    assert f"~ 问题与建议 low_execution when: execution_rate < 0.9 → execution_rate < 0.95  ({child}:14)" in out
    assert any(line.startswith("- 问题与建议 no_department_indicators") for line in out)


# the case files at the top of cases/ (its sub-folders hold other kinds of file: cycle/)
TOP_CASES = [str(p) for p in sorted((ROOT / "cases").glob("*.yaml"))]


def _sim_json(*args: str) -> dict:
    result = run("simulate", "--engine", "native", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_simulate_hubei_against_its_parent_on_the_shipped_cases():
    # the two hand-worked cases (cases/real/ holds transcriptions pinned in test_real_cases.py)
    data = _sim_json("--base", "mof-project-selfeval", "--candidate", "hubei-project-selfeval", str(SAMPLE), str(SEED))
    rows = {r["id"]: r for r in data["records"]}
    assert len(rows) == 8  # 5 seed projects + 3 sample projects
    assert (rows["nt-gbzn"]["base"]["score"], rows["nt-gbzn"]["candidate"]["score"], rows["nt-gbzn"]["delta"]) == ("98.40", "98.30", "-0.10")
    assert (rows["nt-zljc"]["base"]["grade"], rows["nt-zljc"]["candidate"]["grade"], rows["nt-zljc"]["delta"]) == ("良", "优", "0.26")
    assert (rows["nt-rjhj"]["base"]["grade"], rows["nt-rjhj"]["candidate"]["grade"], rows["nt-rjhj"]["delta"]) == ("中", "良", "0.03")
    assert rows["xueliang"]["delta"] == "8.38"  # 8.39 → 16.77, partial scores of a record still not assessable
    grades = data["migration"]["grades"]
    assert grades == ["优", "良", "中", "差", "—"]
    counts = {(grades[i], grades[j]): n for i, row in enumerate(data["migration"]["counts"]) for j, n in enumerate(row) if n}
    assert counts == {("优", "优"): 1, ("良", "优"): 1, ("中", "良"): 1, ("—", "—"): 5}
    assert not any(r["status_changed"] for r in data["records"])


def test_simulate_table_and_veto_status_changes(tmp_path):
    candidate = write(tmp_path, "strict.yaml", """
        id: dept-strict
        extends: department-overall
        vetoes:
          - id: slow_spending
            name: 执行率低于96%
            when: execution_rate < 0.96
            effect: {type: deduct, points: 10}
            reason: 预算执行率{execution_rate|pct}，低于96%，扣10分。
    """)
    result = run("simulate", "--engine", "native", "--base", "department-overall", "--candidate", str(candidate),
                 str(ROOT / "cases" / "sample-county-2024.yaml"), str(ROOT / "cases" / "lusong-zfw-2024.yaml"))
    assert result.exit_code == 0, result.output
    out = result.stdout
    # 示例县 execution 95.88% < 96%: 96.18 − 10 = 86.18, 优 → 良; the seed's 99.55% is untouched
    line = next(line for line in out.splitlines() if line.startswith("sample-county-2024"))
    assert line.split()[3:8] == ["96.18", "优", "86.18", "良", "-10.00"]
    assert "2 条记录中 1 条等级变化，1 条得分变化（变化 -10.00 至 0.00）" in out
    flip = out.split("否决、免评状态变化：")[1]
    assert "sample-nyj" in flip and "否决 slow_spending" in flip and "lusong" not in flip


def test_simulate_is_deterministic_and_writes_a_chart(tmp_path):
    pytest.importorskip("matplotlib")
    args = ["simulate", "--base", "mof-project-selfeval", "--candidate", "hubei-project-selfeval", *TOP_CASES]
    first = run(*args, "--chart", str(tmp_path / "a.png"))
    second = run(*args, "--chart", str(tmp_path / "b.png"))
    assert first.exit_code == 0 and first.stdout == second.stdout
    png = (tmp_path / "a.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png == (tmp_path / "b.png").read_bytes()


def test_chart_without_matplotlib_is_a_clear_error(tmp_path, monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = run("simulate", "--base", "mof-project-selfeval", "--candidate", "hubei-project-selfeval",
                 *TOP_CASES, "--chart", str(tmp_path / "c.png"))
    assert result.exit_code == 2
    assert "--chart 需要 matplotlib：pip install 'jixiao[chart]'" in result.output


def test_simulate_refuses_rulesets_for_different_records():
    result = run("simulate", "--base", "mof-project-selfeval", "--candidate", "department-overall", *TOP_CASES)
    assert result.exit_code == 2
    assert "无从比较" in result.output
