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
    #            | rate (a percentage as printed: 96.12 or 96.12%) | text_list (甲、乙; （无） for none)


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
    Field("完整报告（补充）", ("case", "coverage", "complete"), "bool"),
    Field("原文止于（补充）", ("case", "coverage", "ends_at"), "text"),
    Field("覆盖范围说明（补充）", ("case", "coverage", "note"), "text"),
]

# "stated as none" in a list or table: this text alone in its first cell; an empty block is "not stated"
STATED_NONE = "（无）"

# rows both forms have: 政府采购, and the report's own total, grade and target rate
PROCUREMENT_FIELDS = [
    Field("政府采购预算（补充）", ("procurement", "budget"), "money"),
    Field("政府采购支出（补充）", ("procurement", "actual"), "money"),
    Field("授予中小企业合同金额（补充）", ("procurement", "sme"), "money"),
]
STATED_TOTAL_FIELDS = [
    Field("报告所列总分分值（补充）", ("stated", "total_weight"), "money"),
    Field("报告所列总分（补充）", ("stated", "total_score"), "money"),
    Field("报告所列等级（补充）", ("stated", "grade"), "text"),
    Field("报告所列目标实现率（补充）", ("stated", "target_rate"), "rate"),
]

# project form, labelled rows (label A:B, value C:H) before and after the funds block
PROJECT_HEAD = [
    Field("项目名称", ("name",), "text"),
    Field("项目编号", ("id",), "text"),
    Field("主管部门", ("department",), "text"),
    Field("实施单位", ("implementing_units",), "text_list"),
    Field("项目类别", ("category",), "text"),
    Field("项目属性", ("attribute",), "text"),
    Field("资金来源", ("funding_source",), "source"),
    Field("是否涉密", ("confidential",), "bool"),
]
PROJECT_EXTRA = [
    Field("年中调增（减）（补充）", ("budget", "adjustment"), "money"),
    Field("调整原因（补充）", ("budget", "adjustment_reason"), "text"),
    Field("上年结转资金（补充）", ("budget", "carried_over"), "money"),
    Field("到位资金（补充）", ("arrived",), "money"),
    Field("结转结余（补充）", ("carryover",), "money"),
    *PROCUREMENT_FIELDS,
    *STATED_TOTAL_FIELDS,
]

# the funds block of the project form: header row, then the 年度资金总额 row and its parts
FUNDS_ANCHOR = "项目资金（万元）"
FUNDS_TOTAL = "年度资金总额"
FUNDS_PARTS = ["其中：本年财政拨款", "上年结转资金", "其他资金"]  # rows of the blank form; a case's own lines replace them
PART_PREFIX = "其中："
# each column is found by its header label, so a form with its columns in another order reads right;
# 分值/执行率/得分 hold the report's own figures (as printed), not jixiao's
FUNDS_FIELDS = [("年初预算数", ("budget", "initial"), "money"), ("全年预算数", ("budget", "final"), "money"),
                ("全年执行数", ("actual",), "money"), ("分值", ("stated", "execution_weight"), "money"),
                ("执行率", ("stated", "execution_rate"), "rate"), ("得分", ("stated", "execution_score"), "money")]
# the parts rows (funding lines) use the first three columns
LINE_FIELDS = {"年初预算数": "initial", "全年预算数": "budget", "全年执行数": "actual"}

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
    # 补充: what published reports also state (收入 by source, 上年 columns, 三公 sub-lines, staffing …)
    Field("上年结转（补充）", ("budget", "carried_over"), "money"),
    Field("本年追加（补充）", ("budget", "supplementary"), "money"),
    Field("年末结余（补充）", ("budget", "year_end_balance"), "money"),
    Field("基本支出预算（补充）", ("budget", "basic"), "money"),
    Field("项目支出预算（补充）", ("budget", "project"), "money"),
    Field("到位资金（补充）", ("budget", "arrived"), "money"),
    Field("全年执行数（与支出合计分列时）（补充）", ("spending", "executed"), "money"),
    *[Field(f"{label}（补充）", (group,) + path, "money") for group, prefix in (("income", "收入"),)
      for label, path in ((f"{prefix}合计", ("total",)), ("一般公共预算财政拨款", ("general_budget",)),
                          ("政府性基金预算财政拨款", ("government_fund",)), ("国有资本经营预算财政拨款", ("state_capital",)),
                          ("财政专户管理资金", ("special_account",)), ("单位资金/其他收入", ("unit_funds",)),
                          ("收入中的上年结转", ("carried_over",)))],
    Field("上年年初预算数（补充）", ("previous_year", "budget", "initial"), "money"),
    Field("上年全年预算数（补充）", ("previous_year", "budget", "final"), "money"),
    Field("上年收入合计（补充）", ("previous_year", "income", "total"), "money"),
    Field("上年一般公共预算财政拨款（补充）", ("previous_year", "income", "general_budget"), "money"),
    Field("上年支出合计（补充）", ("previous_year", "spending", "total"), "money"),
    Field("上年基本支出（补充）", ("previous_year", "spending", "basic"), "money"),
    Field("上年项目支出（补充）", ("previous_year", "spending", "project"), "money"),
    *PROCUREMENT_FIELDS,
    Field("上年“三公”经费预算数（补充）", ("three_public", "previous_year_budget"), "money"),
    *[Field(f"{label}{what}（补充）", ("three_public", key, field), "money")
      for key, label in (("abroad", "因公出国（境）费"), ("vehicle_purchase", "公务用车购置费"),
                         ("vehicle_running", "公务用车运行维护费"), ("reception", "公务接待费"))
      for field, what in (("budget", "预算数"), ("actual", "支出数"))],
    Field("行政编制（补充）", ("staff", "authorized_admin"), "int"),
    Field("参照公务员法管理编制（补充）", ("staff", "authorized_civil_service_managed"), "int"),
    Field("事业编制（补充）", ("staff", "authorized_institution"), "int"),
    Field("行政实有人数（补充）", ("staff", "actual_admin"), "int"),
    Field("事业实有人数（补充）", ("staff", "actual_institution"), "int"),
    Field("离退休人数（补充）", ("staff", "retired"), "int"),
    Field("实有公务用车（辆）（补充）", ("staff", "vehicles"), "int"),
    Field("内设机构（补充）", ("internal_units",), "text_list"),
    Field("所属/实施单位（补充）", ("implementing_units",), "text_list"),
    Field("项目清单完整（补充）", ("projects_complete",), "bool"),
    Field("报告所列预算执行率（补充）", ("stated", "execution_rate"), "rate"),
    Field("报告所列执行率分值（补充）", ("stated", "execution_weight"), "money"),
    Field("报告所列执行率得分（补充）", ("stated", "execution_score"), "money"),
    *STATED_TOTAL_FIELDS,
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
    Column("完成情况（补充）", "completion", "completion"),
]

VETOES_ANCHOR = "一票否决事项"
VETO_COLUMNS = [
    Column("事项", "item", "text"),
    Column("代码", "code", "text"),
    Column("是否发生", "occurred", "occurred"),
    Column("报告原文", "note", "text"),
]

COUNTS_ANCHOR = "报告声明的数量（补充）"
# a row without 组成部分 is the stated total; a row with one is a part of that count
COUNT_COLUMNS = [Column("名称", "key", "text"), Column("组成部分", "part", "text"), Column("数量", "count", "int")]

PUBLIC_LINES_ANCHOR = "公用经费明细（补充）"
LINE_COLUMNS = [Column("名称", "name", "text"), Column("年初预算数", "initial", "money"),
                Column("全年预算数", "budget", "money"), Column("执行数", "actual", "money")]

PROBLEMS_ANCHOR = "存在的问题"
IMPROVEMENTS_ANCHOR = "改进措施"

# declared inputs (a ruleset's `inputs:`): one row each, found by its key, so rows may be moved or
# added; 值 is read as the case writes it and typed against the declarations when scored
INPUTS_ANCHOR = "数据项（规则集声明，补充）"
INPUT_COLUMNS = [
    Column("栏目", "section", "text"),
    Column("名称", "label", "text"),
    Column("键", "key", "text"),
    Column("值", "value", "input"),
    Column("单位", "unit", "text"),
    Column("口径说明", "description", "text"),
]
INPUTS_DEFAULT_SECTION = "其他数据项"

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
           PROBLEMS_ANCHOR, IMPROVEMENTS_ANCHOR, PUBLIC_LINES_ANCHOR, INPUTS_ANCHOR}

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
COMPLETIONS = ["达成", "部分达成", "未达成"]
