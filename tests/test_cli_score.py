"""`jixiao score`: table, markdown and JSON output, --public, --ruleset, and ruleset errors."""
import json
import os
import subprocess
import sys

from click.testing import CliRunner

from conftest import ENGINES, SAMPLE, SEED, write
from jixiao.cli.main import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_json_contract(engine_name):
    result = run("score", str(SEED), "--format", "json", "--engine", engine_name)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"case", "ruleset", "department", "projects"}
    assert data["ruleset"]["project"]["id"] == "mof-project-selfeval"
    assert data["engine"] == engine_name
    xueliang = data["projects"][0]
    assert set(xueliang) >= {"id", "name", "score", "max_score", "grade", "status", "indicators",
                             "vetoes", "exemptions", "checks", "findings"}
    assert xueliang["score"] == "8.39" and xueliang["metrics"]["execution_rate"] == "0.8385"  # exact strings
    indicator = xueliang["indicators"][0]
    assert {"id", "name", "score", "max_score", "status", "value"} <= set(indicator)
    assert indicator["value"] == "0.8385"
    assert all({"id", "ok", "message"} <= set(c) for c in xueliang["checks"])
    assert all({"id", "problem", "improvement"} <= set(f) for f in xueliang["findings"])
    assert data["projects"][1]["metrics"]["execution_rate"] is None  # 司法救助: unknown, not 0


def test_json_is_byte_identical_across_runs_and_engines():
    outputs = {run("score", str(SEED), str(SAMPLE), "--format", "json", "--engine", e).stdout.replace(f'"engine": "{e}"', "")
               for e in ENGINES for _ in range(2)}  # durable where it imports
    assert len(outputs) == 1


def test_table_reads_in_chinese():
    result = run("score", str(SEED))
    assert result.exit_code == 0
    assert "雪亮工程建设专项项目" in result.stdout and "83.85%" in result.stdout
    assert "信息不足，无法评价" in result.stdout and "免于评价" in result.stdout
    assert "报告称专项资金共7个，但只列出了5个项目。" in result.stdout


def test_markdown():
    result = run("score", str(SAMPLE), "--format", "markdown")
    assert result.stdout.startswith("# 示例县农业农村局 2024年")
    assert "| 高标准农田建设补助项目 | 99.00%" in result.stdout


def test_public_leaves_out_classified_details():
    full = run("score", str(SEED), "--format", "json").stdout
    public = run("score", str(SEED), "--format", "json", "--public").stdout
    fanxie = [p for p in json.loads(public)["projects"] if p["id"] == "fanxie"][0]
    assert fanxie["status"] == "exempt" and fanxie["metrics"] == {} and fanxie["checks"] == []
    assert json.loads(public)["public"] is True
    assert [p for p in json.loads(full)["projects"] if p["id"] == "fanxie"][0]["checks"]  # kept internally
    table = run("score", str(SEED), "--public").stdout
    assert "项目为涉密项目，不作公开评价" in table and "反邪项目" in table


def test_ruleset_by_path(tmp_path):
    rules = write(tmp_path, "strict.yaml", """
        id: strict
        title: 严格
        applies_to: project
        provenance: test
        indicators:
          - {id: exec, name: 执行率, weight: 100, method: {type: rate, value: actual / budget.initial, cap: 1}}
    """)
    data = json.loads(run("score", str(SEED), "--ruleset", str(rules), "--format", "json").stdout)
    assert data["ruleset"]["project"]["id"] == "strict"
    # 56.18 ÷ 67 = 0.838507… × 100 = 83.8507… → 83.85, graded 良 by the default bands (80 ≤ 83.85 < 90)
    assert (data["projects"][0]["score"], data["projects"][0]["grade"]) == ("83.85", "良")


def test_ruleset_expression_error_names_file_line_and_column(tmp_path):
    rules = write(tmp_path, "evil.yaml", """
        id: evil
        title: 恶意
        applies_to: project
        provenance: test
        metrics:
          leak: actual.__class__
          rate: actaul / budget.initial
        indicators:
          - {id: exec, name: 执行率, weight: 100, method: {type: rate, value: rate}}
    """)
    result = run("score", str(SEED), "--ruleset", str(rules))
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert f"{rules}:6:9: 表达式`actual.__class__`：不允许以“_”开头的名称：`__class__`" in lines[0]
    assert f"{rules}:7:9: 表达式`actaul`：未知名称`actaul`（是否应为 `actual`？）" in lines[1]


def test_shipped_rulesets_load_outside_the_checkout(tmp_path):
    """After `pip install .` (CI installs non-editable) the rulesets come with the package."""
    code = ("from jixiao import load_ruleset; from jixiao.rulesets.loader import shipped_ids; "
            "ids = shipped_ids(); [load_ruleset(i) for i in ids]; print(' '.join(ids))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert {"mof-project-selfeval", "department-overall", "pingan-veto"} <= set(out.stdout.split())


def test_an_output_file_that_cannot_be_written_is_a_line_not_a_traceback(tmp_path):
    missing = tmp_path / "no-such-folder"
    for fmt, cases in (("json", [SEED]), ("json", [SEED, SAMPLE]), ("markdown", [SEED])):
        result = run("score", *map(str, cases), "--format", fmt, "-o", str(missing / f"out.{fmt}"))
        assert result.exit_code == 2, result.output
        assert result.stderr == f"错误：{missing / f'out.{fmt}'}: 无法写入输出文件：所在文件夹不存在\n"
        assert "Traceback" not in result.output
    assert not missing.exists() and list(tmp_path.iterdir()) == []


def test_the_process_ends_at_once_with_its_output_whole_and_its_status(tmp_path):
    """`jixiao` (cli.main.run) ends without the interpreter's teardown: what it wrote is all there,
    its exit status is the command's, and atexit callbacks still run."""
    def jixiao(*args, before=""):
        code = f"import sys; {before}sys.argv = ['jixiao', *{list(args)!r}]; from jixiao.cli.main import run; run()"
        buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as a user's shell has it
        return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=buffered)

    table = jixiao("score", str(SAMPLE))
    assert table.returncode == 0 and table.stdout == run("score", str(SAMPLE)).stdout
    out = tmp_path / "out.json"
    written = jixiao("score", str(SAMPLE), "--format", "json", "-o", str(out))
    assert written.returncode == 0 and out.read_text(encoding="utf-8") == run("score", str(SAMPLE), "--format", "json").stdout
    missing = jixiao("score", "no-such-case.yaml")
    assert missing.returncode == 2 and missing.stderr == "错误：no-such-case.yaml: 文件不存在\n"
    said = jixiao("--version", before="import atexit; atexit.register(print, '再见'); ")
    assert said.returncode == 0 and said.stdout.startswith("jixiao ") and said.stdout.endswith("再见\n")
    piped = subprocess.run(f"{sys.executable} -m jixiao score {SAMPLE} --format json | head -c 10", shell=True,
                           cwd=tmp_path, capture_output=True, text=True)
    assert piped.stdout == '{\n  "case"' and "Traceback" not in piped.stderr, piped.stderr
