"""复核: both totals, the difference, 自评质量, the opinion and the district summary, worked by hand
from the shipped cases' scores (`jixiao score cases/sample-county-2024.yaml`)."""
from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from jixiao.cli.main import main
from jixiao.core.errors import CaseError
from jixiao.cycle.review import load_reviewed_case, review_case
from jixiao.cycle.sampling import draw_units
from jixiao.cycle.summary import build_summary

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "cases/cycle/review-sample-county-2024.yaml"
SEED = ROOT / "cases/cycle/review-lusong-zfw-2024.yaml"


def _reviewed(path, **kw):
    review, case, lines = load_reviewed_case(path)
    return review_case(review, case, "native", lines)


def test_sample_county_totals_difference_and_quality():
    result = _reviewed(SAMPLE)
    records = {r.id: r for r in result.records}
    # department: self 96.18 (`jixiao score`), 效益 18.90 → 16 = −2.90, reviewed 93.28, still 优 (≥ 90)
    dept = records["sample-nyj"]
    assert (dept.self_score, dept.reviewed_score, dept.difference) == (Decimal("96.18"), Decimal("93.28"), Decimal("-2.90"))
    assert (dept.self_grade, dept.reviewed_grade) == ("优", "优")
    # 农产品质量安全监测: 85.79, 效益指标 21.00 → 18 = −3.00 → 82.79, 良
    assert (records["nt-zljc"].reviewed_score, records["nt-zljc"].reviewed_grade) == (Decimal("82.79"), "良")
    # 农村人居环境整治: 78.40, 满意度 8.33 → 7 = −1.33 → 77.07, 中
    assert records["nt-rjhj"].difference == Decimal("-1.33")
    assert records["nt-gbzn"].difference == Decimal("0.00")
    # 3 adjustments, largest |difference| 3.00, no review flags on this case:
    # 优 needs ≤ 1 adjustment → no; 良 (≤ 5 points, ≤ 3 adjustments, ≤ 2 flags) → 良
    assert (result.adjustments, result.max_difference, result.flags, result.quality) == (3, Decimal("3.00"), 0, "良")


def test_seed_review_keeps_not_assessable_ungraded_and_counts_flags():
    result = _reviewed(SEED)
    dept = result.records[0]
    # 5.00 partial: only 勾稽一致 5 scored (预算完成率 needs 上年结转, 本年追加, 年末结余, which the seed
    # does not state); 勾稽一致 5 → 3: 3.00, still no grade
    assert (dept.self_score, dept.reviewed_score, dept.reviewed_grade) == (Decimal("5.00"), Decimal("3.00"), None)
    # review-fuhe flags the seed's department three times (duplicate paragraph, 街道, 7 vs 5 funds):
    # 1 adjustment and 2.00 points would be 良, but 3 flags > 2 → 中
    assert sorted(f.id for f in dept.flags) == ["declared_count_mismatch", "duplicate_paragraph", "other_unit_wording_street"]
    assert (result.flags, result.quality) == (3, "中")
    exempt = next(r for r in result.records if r.id == "fanxie")
    assert exempt.self_score is None and exempt.reviewed_score is None


def test_bad_adjustment_names_file_line_and_field(tmp_path):
    case = ROOT / "cases/sample-county-2024.yaml"
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"review: {{id: x, case: {case}}}\nadjustments:\n"
                   "  - {record: nt-zljc, indicator: outcome, score: 31, reason_code: R, reason: r}\n"
                   "  - {record: nt-zljc, indicator: nothing, score: 1, reason_code: R, reason: r}\n", encoding="utf-8")
    with pytest.raises(CaseError) as err:
        _reviewed(bad)
    lines = [str(p) for p in err.value.problems]
    assert lines[0].startswith(f"{bad}:3:") and "调整 #1，字段 score" in lines[0] and "30" in lines[0]
    assert lines[1].startswith(f"{bad}:4:") and "调整 #2，字段 indicator" in lines[1]
    result = CliRunner().invoke(main, ["cycle", "review", str(bad)])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_opinion_markdown_and_docx_are_stable(tmp_path):
    runner = CliRunner()
    md = runner.invoke(main, ["cycle", "review", str(SAMPLE)])
    assert md.exit_code == 0
    assert "示例县农业农村局自评得分96.18分，复核得分93.28分，差异-2.90分，复核等级为“优”。" in md.output
    assert "| 农村人居环境整治项目 | 满意度指标 | 10 | 8.33 | 7.00 | -1.33 | R-SURVEY |" in md.output
    outputs = []
    for name in ("a.docx", "b.docx"):
        path = tmp_path / name
        assert runner.invoke(main, ["cycle", "review", str(SAMPLE), "--format", "docx", "-o", str(path)]).exit_code == 0
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]


def test_district_summary_rows():
    wb = build_summary([_reviewed(SAMPLE), _reviewed(SEED)])
    units = list(wb["单位汇总"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in units] == ["示例县农业农村局", "株洲市芦淞区委政法委"]
    assert units[0][3:10] == (Decimal("96.18"), Decimal("93.28"), Decimal("-2.90"), "优", 3, 0, Decimal("3.00"))
    assert units[0][10] == "良" and units[1][10] == "中"
    assert len(list(wb["调整明细"].iter_rows(min_row=2))) == 4  # 3 + 1 adjustments
    buffer = io.BytesIO()
    wb.save(buffer)
    again = load_workbook(io.BytesIO(buffer.getvalue()))
    assert again["单位汇总"]["D2"].value == 96.18 and again["单位汇总"]["K2"].value == "良"


def test_random_selection_is_reproducible_and_order_free():
    units = [f"unit-{n:02d}" for n in range(1, 21)]
    first = draw_units(units, seed=20250520, count=5)
    again = draw_units(list(reversed(units)), seed=20250520, count=5)
    assert first.selected == again.selected and len(first.selected) == 5 and set(first.selected) <= set(units)
    assert draw_units(units, seed=20250521, count=5).selected != first.selected
    # 30% of 20 = 6; of 7, 2.1 rounds up to 3
    assert len(draw_units(units, seed=1, share=Decimal("0.3")).selected) == 6
    assert len(draw_units(units[:7], seed=1, share=Decimal("0.3")).selected) == 3
    out = CliRunner().invoke(main, ["cycle", "sample", *units, "--seed", "20250520", "--count", "5"])
    assert out.exit_code == 0 and '"seed": 20250520' in out.output and first.selected[0] in out.output
