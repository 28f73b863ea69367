"""The district summary of reviewed units: one row per unit and per record, as a workbook."""
from __future__ import annotations

from jixiao.core.i18n import _
from jixiao.core.office import save_workbook
from jixiao.cycle.review import ReviewResult
from jixiao.outputs.workbook import add_sheet
from openpyxl import Workbook


def build_summary(results: list[ReviewResult]) -> Workbook:
    """Sheets 单位汇总 (units × self-score, reviewed score, difference, grade, key problems) and 调整明细."""
    wb = Workbook()
    wb.remove(wb.active)
    units, adjustments = [], []
    for result in results:
        department = next((r for r in result.records if r.kind == "department"), result.records[0])
        problems = "；".join(f.problem for r in result.records for f in (r.flags + r.findings)[:3])
        units.append([result.unit, result.year, result.review, department.self_score, department.reviewed_score,
                      department.difference, department.reviewed_grade, result.adjustments, result.flags,
                      result.max_difference, result.quality, problems])
        for record in result.records:
            for adj in record.adjustments:
                adjustments.append([result.unit, record.name, adj.name, adj.max_score, adj.self_score, adj.reviewed_score,
                                    adj.difference, adj.reason_code, adj.reason])
    add_sheet(wb, _("单位汇总"), [_("单位"), _("年度"), _("复核编号"), _("自评得分"), _("复核得分"), _("差异"), _("复核等级"),
                               _("调整指标数"), _("复核提示数"), _("最大差异"), _("自评质量"), _("主要问题")], units)
    add_sheet(wb, _("调整明细"), [_("单位"), _("评价对象"), _("指标"), _("分值"), _("自评得分"), _("复核得分"), _("差异"),
                               _("原因代码"), _("调整理由")], adjustments)
    return wb


def write_summary(results: list[ReviewResult], path) -> None:
    save_workbook(build_summary(results), path)
