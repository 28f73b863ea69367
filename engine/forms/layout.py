"""Where every field of a case sits on the 自评表 workbook — one description shared by the writer
and the reader, so that what the template writes is exactly what the import reads back.

A form sheet is found by its title in A1 and read by labels in column A, not by fixed row
numbers: rows may be added to the indicator table without breaking the import. The official form
(财预〔2020〕10号 附件) has no place for some fields jixiao keeps (指标方向, 计量单位, 年中调整,
结转结余 …); they get labelled rows and columns of their own, marked 补充.
"""
from __future__ import annotations

from dataclasses import dataclass

from jixiao.records.model import FundingSource

# ---- sheet titles (cell A1) --------------------------------------------------------------
INFO = "基本信息"
PROJECT_FORM = "项目支出绩效自评表"
DEPARTMENT_FORM = "部门整体支出绩效自评表"
PROJECT_LIST = "项目清单"
GUIDE = "填表说明"
UNIT_NOTE = "金额单位：万元"


@dataclass(frozen=True)
class Field:
    """One labelled value: its label on the form, its path in the case, and how to read it."""

    label: str
    path: tuple[str, ...]
    kind: str  # money | int | text | bool | source | number_or_text | direction | indicator_kind | occurred


# 基本信息: label in A, value in B
INFO_FIELDS = [
    Field("案例编号", ("case", "id"), "text"),
    Field("单位名称", ("case", "unit"), "text"),
    Field("年度", ("case", "year"), "int"),
    Field("部门编号", ("department", "id"), "text"),
    Field("部门名称", ("department", "name"), "text"),
    Field("所属系统（行业）", ("department", "sector"), "text"),
    Field("资料来源", ("case", "source"), "text"),
    Field("金额单位", ("case", "currency"), "text"),
    Field("备注", ("case", "note"), "text"),
]

# project form, labelled rows (label A:B, value C:H) before and after the funds block
PROJECT_HEAD = [
    Field("项目名称", ("name",), "text"),
    Field("项目编号", ("id",), "text"),
    Field("资金来源", ("funding_source",), "source"),
    Field("是否涉密", ("confidential",), "bool"),
]
PROJECT_EXTRA = [
    Field("年中调增（减）（补充）", ("budget", "adjustment"), "money"),
    Field("调整原因（补充）", ("budget", "adjustment_reason"), "text"),
    Field("结转结余（补充）", ("carryover",), "money"),
]

# the funds block of the project form: header row, then the 年度资金总额 row and its parts
FUNDS_ANCHOR = "项目资金（万元）"
FUNDS_HEADERS = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]  # columns C..H
FUNDS_TOTAL = "年度资金总额"
FUNDS_PARTS = ["其中：本年财政拨款", "上年结转资金", "其他资金"]
FUNDS_FIELDS = [("C", ("budget", "initial")), ("D", ("budget", "final")), ("E", ("actual",))]

# department form, labelled rows (label A:B, value C)
DEPARTMENT_FIELDS = [
    Field("年初预算数", ("budget", "initial"), "money"),
    Field("年中调整数", ("budget", "adjustment"), "money"),
    Field("调整原因", ("budget", "adjustment_reason"), "text"),
    Field("全年预算数", ("budget", "final"), "money"),
    Field("财政拨款收入", ("budget", "appropriation_income"), "money"),
    Field("全年执行数（支出合计）", ("spending", "total"), "money"),
    Field("基本支出", ("spending", "basic"), "money"),
    Field("其中：人员经费", ("spending", "personnel"), "money"),
    Field("其中：公用经费", ("spending", "public"), "money"),
    Field("公用经费预算数", ("spending", "public_budget"), "money"),
    Field("项目支出", ("spending", "project"), "money"),
    Field("结转结余", ("carryover",), "money"),
    Field("编制数", ("staff", "authorized"), "int"),
    Field("实有人数", ("staff", "actual"), "int"),
    Field("“三公”经费预算数", ("three_public", "budget"), "money"),
    Field("“三公”经费支出数", ("three_public", "actual"), "money"),
    Field("上年“三公”经费支出数", ("three_public", "previous_year"), "money"),
]
DEPARTMENT_FUNDS_ANCHOR = "部门预算与支出（万元）"

GOALS_ANCHOR = "年度总体目标"  # A:B; C:E 预期目标, F:H 实际完成情况; texts in the next row
GOALS_HEADERS = ("预期目标", "实际完成情况")

INDICATORS_ANCHOR = "绩效指标"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str


INDICATOR_COLUMNS = [
    Column("一级指标", "level1", "text"),
    Column("二级指标", "level2", "text"),
    Column("三级指标", "name", "text"),
    Column("年度指标值", "target", "number_or_text"),
    Column("实际完成值", "actual", "number_or_text"),
    Column("分值", "weight", "money"),
    Column("得分", "self_score", "money"),
    Column("偏差原因分析及改进措施", "deviation", "text"),
    Column("指标编号（补充）", "id", "text"),
    Column("指标类型（补充）", "kind", "indicator_kind"),
    Column("指标方向（补充）", "direction", "direction"),
    Column("计量单位（补充）", "unit", "text"),
    Column("评价档次（补充）", "tier", "text"),
]

VETOES_ANCHOR = "一票否决事项"
VETO_COLUMNS = [
    Column("事项", "item", "text"),
    Column("代码", "code", "text"),
    Column("是否发生", "occurred", "occurred"),
    Column("报告原文", "note", "text"),
]

COUNTS_ANCHOR = "报告声明的数量（补充）"
COUNT_COLUMNS = [Column("名称", "key", "text"), Column("数量", "count", "int")]

PROBLEMS_ANCHOR = "存在的问题"
IMPROVEMENTS_ANCHOR = "改进措施"

LIST_COLUMNS = [
    Column("项目编号", "id", "text"),
    Column("项目名称", "name", "text"),
    Column("资金来源", "funding_source", "source"),
    Column("是否涉密", "confidential", "bool"),
    Column("年初预算数", "budget.initial", "money"),
    Column("年中调增（减）", "budget.adjustment", "money"),
    Column("调整原因", "budget.adjustment_reason", "text"),
    Column("全年预算数", "budget.final", "money"),
    Column("全年执行数", "actual", "money"),
    Column("结转结余", "carryover", "money"),
    Column("预期目标", "narrative.goals", "text"),
    Column("实际完成情况", "narrative.results", "text"),
]

# every label a form sheet's column A may hold at the start of a block
ANCHORS = {FUNDS_ANCHOR, DEPARTMENT_FUNDS_ANCHOR, GOALS_ANCHOR, INDICATORS_ANCHOR, VETOES_ANCHOR, COUNTS_ANCHOR,
           PROBLEMS_ANCHOR, IMPROVEMENTS_ANCHOR}

# ---- fixed choices (data validation lists) --------------------------------------------
YES, NO, UNSTATED = "是", "否", "未说明"
SOURCES = [s.value for s in FundingSource]
LEVEL1 = ["产出", "效益", "满意度"]
LEVEL2 = ["数量", "质量", "时效", "成本", "经济效益", "社会效益", "生态效益", "可持续影响", "服务对象满意度"]
KINDS = {"定量": "quantitative", "定性": "qualitative"}
# "=" alone in a cell is a formula to Excel and openpyxl, so equality is shown as the full-width "＝"
DIRECTIONS = {"≥": ">=", ">": ">", "≤": "<=", "<": "<", "＝": "="}
DIRECTION_ALIASES = {">=": ">=", "<=": "<=", "＞": ">", "＜": "<", "=": "=", "正向": ">=", "反向": "<="}
TIERS = ["达成年度指标", "部分达成并具有一定效果", "未达成且效果较差"]
