"""`jixiao batch`: streaming, input order, workers, failures, the summary.

Hand-worked: a project record with 全年预算 100 and 实际支出 83.85 executes 83.85% → 8.39 of 10;
the sample case's projects grade 优 (98.40), 良 (85.79), 中 (78.40) and its department 优.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

from click.testing import CliRunner

from conftest import SAMPLE, SEED
from jixiao.batch.runner import Scorer, Unit, iter_units, run_batch, score_units
from jixiao.cli.main import main


def project_line(pid: str, final="100", actual="83.85", **extra) -> str:
    project = {"id": pid, "name": f"项目{pid}", "budget": {"initial": final, "final": final}, "actual": actual, **extra}
    return json.dumps({"case": {"id": "c1", "unit": "测试单位", "year": 2024}, "project": project}, ensure_ascii=False)


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_project_records_are_scored_one_line_each_in_input_order(tmp_path):
    records = tmp_path / "records.jsonl"
    records.write_text("\n".join(project_line(f"p{i}") for i in range(5)) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["batch", str(records), "-o", str(out), "--engine", "native"])
    assert result.exit_code == 0, result.output
    lines = read_lines(out)
    assert [line["id"] for line in lines] == ["p0", "p1", "p2", "p3", "p4"]
    assert [line["source"] for line in lines] == [f"{records}:{i}" for i in range(1, 6)]
    first = lines[0]
    assert first["case"] == "c1" and first["kind"] == "project"
    assert first["metrics"]["execution_rate"] == "0.8385"
    execution = next(i for i in first["indicators"] if i["id"] == "budget_execution")
    assert execution["score"] == "8.39"


def test_case_files_folders_and_whole_case_lines(tmp_path):
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "b.yaml").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "a.yaml").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    whole = {"case": {"id": "w", "unit": "单位", "year": 2024}, "department": {"id": "d", "name": "部门"},
             "projects": [{"id": "x", "name": "项目x", "budget": {"final": "10"}, "actual": "10"}]}
    (folder / "c.jsonl").write_text(json.dumps(whole, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["batch", str(folder), "-o", str(out), "--engine", "native"])
    assert result.exit_code == 0, result.output
    lines = read_lines(out)
    # folders are walked in sorted order: a.yaml (seed: 1 + 5), b.yaml (sample: 1 + 3), c.jsonl (1 + 1)
    assert [(line["case"], line["kind"]) for line in lines] == (
        [("lusong-zfw-2024", "department")] + [("lusong-zfw-2024", "project")] * 5
        + [("sample-county-2024", "department")] + [("sample-county-2024", "project")] * 3
        + [("w", "department"), ("w", "project")])
    sample = {line["id"]: line for line in lines if line["case"] == "sample-county-2024"}
    assert [(sample[p]["score"], sample[p]["grade"]) for p in ("nt-gbzn", "nt-zljc", "nt-rjhj")] == [
        ("98.40", "优"), ("85.79", "良"), ("78.40", "中")]
    line = SAMPLE.read_text(encoding="utf-8").splitlines().index("  - id: nt-zljc") + 1
    assert sample["nt-zljc"]["source"] == f"{folder / 'b.yaml'}:{line}"  # the project's line in its file
    # the summary counts per grade and status: 2 优 (the sample department and nt-gbzn), 1 良, 1 中 …
    assert "等级 优" in result.output
    summary = {row.split()[0] + (row.split()[1] if row.startswith("等级") else ""): row.split()[-1]
               for row in result.output.splitlines() if row.strip() and not row.startswith(("-", " "))}
    assert summary["等级优"] == "2" and summary["等级良"] == "1" and summary["等级中"] == "1"
    assert summary["免于评价"] == "1"  # 反邪, classified
    assert summary["合计"] == "12"


def test_a_bad_record_is_reported_and_the_others_are_scored(tmp_path):
    records = tmp_path / "records.jsonl"
    records.write_text("\n".join([
        project_line("ok1"),
        project_line("bad", actual="完成"),
        "not json",
        "",
        json.dumps({"foo": 1}),
        project_line("ok2"),
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["batch", str(records), str(tmp_path / "missing.yaml"), "-o", str(out),
                                       "--engine", "native"])
    assert result.exit_code == 2
    lines = read_lines(out)
    assert [line.get("id") for line in lines if "error" not in line] == ["ok1", "ok2"]
    errors = {line["source"]: line["error"] for line in lines if "error" in line}
    assert errors == {
        f"{records}:2": f"{records}:2: 项目 bad，字段 actual：“完成”不是数值",
        f"{records}:3": f"{records}:3: 不是有效的JSON：此处应为值（第1列）",
        f"{records}:5": f"{records}:5: 每条记录应为含“department”（整个案例）或“project”的JSON对象",
        str(tmp_path / "missing.yaml"): f"{tmp_path / 'missing.yaml'}: 文件不存在",
    }
    assert "4 条记录失败" in result.output


def test_workers_give_the_same_output_as_one(tmp_path):
    records = tmp_path / "records.jsonl"
    lines = [project_line(f"p{i}", final=str(50 + i), actual=str(40 + i)) for i in range(12)]
    lines[5] = project_line("bad", final="x")
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outputs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        result = CliRunner().invoke(main, ["batch", str(records), str(SAMPLE), "-o", str(out), "--workers", workers,
                                           "--chunk-size", "2", "--engine", "native"])
        assert result.exit_code == 2, result.output
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) == 12 + 4


def test_results_are_written_as_the_input_is_read():
    """Streaming: when unit k is read, the results of the units before it are already written."""
    out = io.StringIO()
    seen_when_read: list[int] = []

    def units():
        for i in range(6):
            seen_when_read.append(len(out.getvalue().splitlines()))
            yield Unit(f"mem:{i + 1}", "mem", i + 1, project_line(f"p{i}"))

    run_batch(units(), out, Scorer(engine="native"), workers=1, chunk_size=1)
    assert seen_when_read == [0, 1, 2, 3, 4, 5]


def test_workers_read_only_a_bounded_window_ahead():
    pulled = 0

    def units():
        nonlocal pulled
        for i in range(1000):
            pulled += 1
            yield Unit(f"mem:{i + 1}", "mem", i + 1, project_line(f"p{i}"))

    results = score_units(units(), Scorer(engine="native"), workers=2, chunk_size=5, in_flight=3)
    done, outputs = next(results)
    assert (done, [json.loads(o.line)["id"] for o in outputs]) == (5, ["p0", "p1", "p2", "p3", "p4"])
    assert pulled <= 5 * 3 + 5  # three chunks in flight (and at most one being cut), not 1000
    results.close()


def test_public_batch_withholds_classified_projects(tmp_path):
    records = tmp_path / "records.jsonl"
    records.write_text(project_line("secret", confidential=True) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["batch", str(records), "-o", str(out), "--public", "--engine", "native"])
    assert result.exit_code == 0, result.output
    (line,) = read_lines(out)
    assert line["status"] == "exempt" and line["published"] is False
    assert line["indicators"] == [] and line["metrics"] == {} and line["checks"] == []


def test_iter_units_reads_lazily(tmp_path):
    records = tmp_path / "records.jsonl"
    records.write_text(project_line("a") + "\n\n" + project_line("b") + "\n", encoding="utf-8")
    units = iter_units([str(records)])
    first = next(units)
    assert (first.source, first.line) == (f"{records}:1", 1)
    assert next(units).source == f"{records}:3"  # blank lines are skipped but keep the numbering
