"""The Word report: headings, the funds and indicator tables, problems and improvements, --public.

Hand-worked rows checked below (sample case): 高标准农田 funds 300.00 / 320.00 / 316.80, 执行率
316.80 ÷ 320.00 = 99.00%, 9.90 of 10; its 新建高标准农田面积 ≥ 20000 亩, actual 20500 亩, 15 of 15.
The seed case's 反邪 is classified: in the public version it shows only the stated reason.
"""
from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from docx import Document

from conftest import SAMPLE, SEED
from jixiao.cli.main import main


def _report(tmp_path, case, *extra) -> Document:
    out = tmp_path / "report.docx"
    result = CliRunner().invoke(main, ["report", str(case), "--format", "docx", "-o", str(out), "--engine", "native",
                                       *extra])
    assert result.exit_code == 0, result.output
    return Document(io.BytesIO(out.read_bytes()))


def _tables(document) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]


def test_word_report_has_headings_funds_and_indicator_tables_and_problems(tmp_path):
    document = _report(tmp_path, SAMPLE)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "四、存在的问题及原因分析" in headings and "五、下一步改进措施" in headings
    assert "项目支出绩效自评表（高标准农田建设补助项目）" in headings
    tables = _tables(document)
    funds = [t for t in tables if t[0][0] == "项目资金（万元）"]
    assert funds[1] == [["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
                        ["年度资金总额", "300.00", "320.00", "316.80", "10.00", "99.00%", "9.90"]]
    indicators = [t for t in tables if t[0][0] == "一级指标"]
    assert indicators[1][0] == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                                "偏差原因分析及改进措施"]
    assert indicators[1][1] == ["产出", "数量", "新建高标准农田面积", "≥20000亩", "20500亩", "15.00", "15.00", ""]
    body = "\n".join(p.text for p in document.paragraphs)
    # problems and improvements under 四、/五、 are the next level, （一）; reasons under （一）project are 1.
    assert "（一）" in body and "\n1." in body and "（1）" not in body


def test_public_word_report_shows_only_the_reason_for_a_classified_project(tmp_path):
    document = _report(tmp_path, SEED, "--public")
    paragraphs = [p.text for p in document.paragraphs]
    at = paragraphs.index("项目支出绩效自评表（反邪项目）")
    assert paragraphs[at + 1].startswith("项目为涉密项目，不作公开评价")
    assert not any(t[1][0] == "年度资金总额" and "7.40" in t[1] for t in _tables(document))


def test_word_report_bytes_are_the_same_every_time(tmp_path):
    first = tmp_path / "a.docx"
    second = tmp_path / "b.docx"
    for out in (first, second):
        result = CliRunner().invoke(main, ["report", str(SAMPLE), "--format", "docx", "-o", str(out),
                                           "--engine", "native"])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()


def test_docx_needs_an_output_file():
    result = CliRunner().invoke(main, ["report", str(SAMPLE), "--format", "docx"])
    assert result.exit_code == 2
    assert "-o REPORT.docx" in result.output


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_other_formats_can_be_written_to_a_file_too(tmp_path, fmt):
    out = tmp_path / "report.txt"
    result = CliRunner().invoke(main, ["report", str(SAMPLE), "--format", fmt, "-o", str(out), "--engine", "native"])
    assert result.exit_code == 0, result.output
    assert "示例县农业农村局" in out.read_text(encoding="utf-8")
