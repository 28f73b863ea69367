"""The 自评表 annex of the report: the official form's funds row and indicator table per record,
filled with the stated figures and the scores jixiao gave (every format shows the same annex)."""
from __future__ import annotations

from jixiao.core.decimals import money, number, percent
from jixiao.records.model import DIRECTION_SIGNS, Case, Department, Project
from jixiao.outputs.report_model import Paragraph, Section, Table
from jixiao.scoring.results import CaseResult, RecordResult

FUNDS_HEADERS = ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
INDICATOR_HEADERS = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]




def stated_text(value) -> str:
    """A stated value as the report states it (1200 stays 1200, 97.5 stays 97.5)."""
    if value is None:
        return "—"
    return format(value, "f") if not isinstance(value, str) else value


def _funds_row(record: Project | Department, result: RecordResult, masked: str | None = None) -> list[str]:
    execution = next((i for i in result.indicators if i.id in ("budget_execution", "execution")), None)
    if isinstance(record, Project):
        initial, final, actual = record.budget.initial, record.budget.final, record.actual
        if final is None:  # the 全年预算数 the rate was computed on (年初 + 调整), as 二、预算执行情况 shows it
            final = result.metrics.get("final_budget")
    else:
        initial, final, actual = record.budget.initial, record.budget.final, record.spending.total
    rate = result.metrics.get("execution_rate")
    return ["年度资金总额", money(initial), money(final), masked or money(actual),
            number(execution.max_score) if execution else "—", percent(rate) if rate is not None else "无法计算",
            number(execution.score) if execution and execution.score is not None else "—"]


def _indicator_rows(record: Project | Department, result: RecordResult) -> list[list[str]]:
    """One row per indicator the record states, with the score jixiao gave it."""
    items = [item for ind in result.indicators for item in ind.items]
    rows = []
    for indicator in record.indicators or ():  # None: the report's table is not stated
        item = next((i for i in items if i.name == indicator.name and i.level1 == indicator.level1), None)
        if item is not None:
            items.remove(item)
        unit = indicator.unit or ""
        target = f"{stated_text(indicator.target)}{unit}" if indicator.target is not None else "—"
        actual = f"{stated_text(indicator.actual)}{unit}" if indicator.actual is not None else "—"
        rows.append([indicator.level1, indicator.level2 or "", indicator.name,
                     DIRECTION_SIGNS.get(indicator.direction or "", "") + target, actual,
                     number(indicator.weight) if indicator.weight is not None else "—",
                     number(item.score) if item is not None and item.score is not None else "—",
                     indicator.deviation or ""])
    return rows


def _form_section(heading: str, record: Project | Department, result: RecordResult, masked: str | None = None) -> Section:
    if not result.published:
        reason = "；".join(e.reason for e in result.exemptions if not e.published) or "不予公开"
        return Section(heading=heading, level=2, blocks=[Paragraph(text=reason)])
    blocks: list = [Table(headers=FUNDS_HEADERS, rows=[_funds_row(record, result, masked)])]
    if record.indicators is None:  # not stated: the report may hold the table elsewhere
        blocks.append(Paragraph(text="报告未载明绩效指标表。"))
    elif not record.indicators:
        blocks.append(Paragraph(text="报告载明未设置绩效指标。"))
    else:
        blocks.append(Table(headers=INDICATOR_HEADERS, rows=_indicator_rows(record, result)))
    return Section(heading=heading, level=2, blocks=blocks)


def forms_annex(case: Case, shown: CaseResult, masked_total: str | None = None) -> list[Section]:
    """The annex of 自评表 tables: for the department and each project, the funds row
    (年初预算数 · 全年预算数 · 全年执行数 · 分值 · 执行率 · 得分) and the indicator table.
    `shown` is the result as it may be shown: a withheld record gives only its stated reason;
    `masked_total` replaces the department's 全年执行数 where it would give a withheld project away."""
    sections = [Section(heading="附件：绩效自评表", level=1,
                        blocks=[Paragraph(text="金额单位：万元；“得分”为按评分规则计算的得分。")])]
    if shown.department is not None:
        sections.append(_form_section(f"部门整体支出绩效自评表（{case.department.name}）", case.department,
                                      shown.department, masked_total))
    for project, record in zip(case.projects, shown.projects):
        sections.append(_form_section(f"项目支出绩效自评表（{project.name}）", project, record))
    return sections
