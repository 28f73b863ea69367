"""The monitoring table as a workbook: a one-page summary (per unit: projects at each warning
level, budget and spending to date), one row per project (execution against time progress, the
warning level, the correction asked for), and the warnings' texts."""
from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook

from jixiao.core.i18n import _
from jixiao.core.office import save_workbook
from jixiao.cycle.records import progress
from jixiao.outputs.workbook import Rate, add_sheet
from jixiao.records.cycle import MonitoringFile
from jixiao.scoring.results import RecordResult


def _rate(value):
    return None if value is None else Rate(value)


LEVELS = ["红", "黄", "绿"]  # the shipped rulesets' warning levels, worst first


def _total(values: list[Decimal | None]) -> Decimal | None:
    """The sum when every record states the figure; one not stated leaves the total not stated."""
    return None if any(v is None for v in values) else sum(values, Decimal(0))


def _summary_row(unit: str, records: list, results: list[RecordResult], levels: list[str]) -> list:
    budget, spent = _total([r.budget for r in records]), _total([r.spent for r in records])
    progress = Rate((spent / budget).quantize(Decimal("0.0001"))) if budget and spent is not None else None
    counts = [sum(1 for result in results if result.grade == level) for level in levels]
    unassessed = sum(1 for result in results if result.grade is None)
    return [unit, len(records), *counts, unassessed, budget, spent, progress]


def summary_rows(files: list[tuple[MonitoringFile, list[RecordResult]]]) -> tuple[list[str], list[list]]:
    """The levels seen (红/黄/绿 first) and one row per unit, then the total over all units."""
    seen = [r.grade for _file, results in files for r in results if r.grade is not None]
    levels = [level for level in LEVELS if level in seen] + list(dict.fromkeys(g for g in seen if g not in LEVELS))
    levels = levels or LEVELS
    rows = [_summary_row(file.case.unit, file.monitoring, results, levels) for file, results in files]
    if len(files) > 1:
        rows.append(_summary_row(_("合计"), [r for file, _results in files for r in file.monitoring],
                                 [r for _file, results in files for r in results], levels))
    return levels, rows


def build_monitoring_table(files: list[tuple[MonitoringFile, list[RecordResult]]]) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    levels, summary = summary_rows(files)
    add_sheet(wb, _("监控汇总"), [_("单位"), _("项目数"), *levels, _("无法评定"), _("全年预算合计"), _("已执行合计"),
                               _("执行进度")], summary)
    rows, findings = [], []
    for file, results in files:
        for record, result in zip(file.monitoring, results):
            corrections = "；".join(f.improvement for f in result.findings)
            rows.append([file.case.unit, record.id, record.name, record.as_of.isoformat(), record.budget, record.spent,
                         _rate(progress(result, "execution_progress")), _rate(progress(result, "expected_progress")),
                         result.score, result.grade, corrections])
            findings += [[file.case.unit, record.name, f.severity, f.problem, f.improvement] for f in result.findings]
    add_sheet(wb, _("运行监控表"), [_("单位"), _("编号"), _("项目"), _("监控截止日"), _("全年预算"), _("已执行"), _("执行进度"),
                                 _("时间进度"), _("得分"), _("预警等级"), _("纠偏要求")], rows)
    add_sheet(wb, _("预警与纠偏"), [_("单位"), _("项目"), _("严重程度"), _("问题"), _("纠偏要求")], findings)
    return wb


def write_monitoring_table(files, path) -> None:
    save_workbook(build_monitoring_table(files), path)
