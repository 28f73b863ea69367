"""Where every field of a 绩效目标申报表 (a target file, `records.cycle.TargetFile`) sits on its
workbook — shared by the template writer and the reader, as `layout` is for the 自评表.

The same conventions: a form sheet is found by its title in A1, labelled rows by column A, the
indicator table by its header labels (columns may be moved, rows added). The 基本信息 sheet holds
the file's `case:` header only (a target file has no department record). Columns the official
form (财预〔2021〕101号) does not print are marked 补充.
"""
from __future__ import annotations

from typing import get_args

from jixiao.forms.layout import INDICATORS_ANCHOR, INFO_FIELDS, Column, Field
from jixiao.records.cycle import Basis

TARGET_FORM = "项目支出绩效目标申报表"
TARGET_INFO_FIELDS = [field for field in INFO_FIELDS if field.path[0] == "case"]

# labelled rows (label A:B, value C:J)
TARGET_HEAD = [
    Field("项目名称", ("name",), "text"),
    Field("项目编号", ("id",), "text"),
    Field("申请预算资金", ("budget_requested",), "money"),
    Field("总体目标", ("goal",), "text"),
]
TARGET_INDICATORS_ANCHOR = INDICATORS_ANCHOR

BASES = list(get_args(Basis))  # 指标值设定依据: 历史标准 / 行业标准 / 计划标准 / 其他标准

TARGET_INDICATOR_COLUMNS = [
    Column("一级指标", "level1", "text"),
    Column("二级指标", "level2", "text"),
    Column("三级指标", "name", "text"),
    Column("指标方向", "direction", "direction"),
    Column("年度指标值", "target", "number_or_text"),
    Column("计量单位", "unit", "text"),
    Column("指标值设定依据", "basis", "basis"),
    Column("上年实际值（补充）", "previous_actual", "number_or_text"),
    Column("低于上年的理由（补充）", "reason", "text"),
    Column("指标编号（补充）", "id", "text"),
]
