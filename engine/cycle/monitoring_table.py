"""The monitoring table as a workbook: one row per project (execution against time progress, the
warning level, the correction asked for), and the warnings' texts."""
from __future__ import annotations

from openpyxl import Workbook

from jixiao.core.i18n import _
from jixiao.core.office import save_workbook
from jixiao.cycle.records import progress
from jixiao.outputs.workbook import Rate, add_sheet
from jixiao.records.cycle import MonitoringFile
from jixiao.scoring.results import RecordResult


def _rate(value):
    return None if value is None else Rate(value)


def build_monitoring_table(files: list[tuple[MonitoringFile, list[RecordResult]]]) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
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
