"""Scores as a workbook: totals and grades, indicator scores, findings, checks — one sheet each.

Numbers are numbers (scores shown with the decimals jixiao computed, rates as percentages), the
header row is frozen, and columns are as wide as their text, counting a Chinese character as two.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from wcwidth import wcswidth

from jixiao.scoring.results import INDICATOR_STATUS_WORDS, RECORD_STATUS_WORDS, CaseResult, RecordResult
from jixiao.core.office import save_workbook
from jixiao.forms.template import number_format

KIND = {"department": "部门整体", "project": "项目"}
CHECK = {True: "通过", False: "未通过", None: "无法核对"}
MAX_WIDTH = 60
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")


class Rate(Decimal):
    """A fraction to show as a percentage."""


def _records(result: CaseResult) -> list[RecordResult]:
    return ([result.department] if result.department is not None else []) + list(result.projects)


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list[Any]]) -> Worksheet:
    ws = wb.create_sheet(title)
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for values in rows:
        ws.append(values)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            if isinstance(cell.value, Rate):
                cell.number_format = "0.00%"
            elif isinstance(cell.value, Decimal):
                cell.number_format = number_format(cell.value)
            if isinstance(cell.value, str) and wcswidth(cell.value) > MAX_WIDTH:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"
    fit_widths(ws)
    return ws


add_sheet = _sheet  # the same layout for other workbooks (the cycle's district summary, monitoring table)


def _shown(value: Any) -> str:
    if isinstance(value, Rate):
        return f"{value * 100:.2f}%"
    return "" if value is None else str(value)


def fit_widths(ws: Worksheet) -> None:
    """Column width = the widest text in it (a CJK character counts 2), within 6..60."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            text = _shown(cell.value)
            width = max((max(wcswidth(line), len(line)) for line in text.splitlines()), default=0)
            widths[cell.column] = max(widths.get(cell.column, 0), width)
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 6), MAX_WIDTH + 2)


def _value(value: Any) -> Any:
    """Result values for a cell: decimals stay numbers, lists become text."""
    if isinstance(value, list):
        return "、".join("—" if v is None else str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def build_results(results: list[CaseResult]):
    wb = Workbook()
    wb.remove(wb.active)
    totals, indicators, findings, checks, inputs = [], [], [], [], []
    for result in results:
        for record in _records(result):
            rate = record.metrics.get("execution_rate")
            who = [result.case, KIND[record.kind], record.id, record.name]
            totals.append([result.case, result.unit, result.year, KIND[record.kind], record.id, record.name,
                           record.ruleset, record.score, record.max_score, record.grade, RECORD_STATUS_WORDS[record.status],
                           Rate(rate) if isinstance(rate, Decimal) else None, "是" if record.published else "否"])
            for ind in record.indicators:
                indicators.append(who + ["/".join(ind.path), ind.name, ind.method, ind.max_score, ind.score, ind.partial,
                                         INDICATOR_STATUS_WORDS[ind.status], _value(ind.value), ind.detail])
                for item in ind.items:
                    indicators.append(who + ["/".join(ind.path + [ind.name]), f"· {item.name}", item.kind, item.weight,
                                             item.score, None, INDICATOR_STATUS_WORDS[item.status],
                                             _value(item.actual), item.detail])
            for finding in record.findings:
                findings.append(who + [finding.category, finding.severity, finding.problem, finding.improvement])
            for check in record.checks:
                checks.append(who + [check.name, CHECK[check.ok], check.severity, "" if check.ok else check.message])
            for stated in record.inputs or []:  # the ruleset's declared inputs, as the record states them
                inputs.append(who + [stated.label, stated.key, "未填报" if stated.value is None else _value(stated.value),
                                     stated.unit])
    head = ["案例", "类别", "编号", "名称"]
    _sheet(wb, "总分与等级", ["案例", "单位", "年度", "类别", "编号", "名称", "规则", "得分", "满分", "等级", "状态",
                         "预算执行率", "可公开"], totals)
    _sheet(wb, "指标得分", head + ["指标路径", "指标", "计分方法", "分值", "得分", "部分得分", "状态", "取值", "计分说明"],
           indicators)
    _sheet(wb, "问题与建议", head + ["类别", "严重程度", "问题", "改进建议"], findings)
    _sheet(wb, "核对", head + ["核对项", "结果", "严重程度", "说明"], checks)
    if inputs:
        _sheet(wb, "数据项", head + ["数据项", "键", "值", "单位"], inputs)
    return wb


def write_results(results: list[CaseResult], path) -> None:
    save_workbook(build_results(results), path)
