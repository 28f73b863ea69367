"""Declared inputs: data items a ruleset defines (固定资产原值, 重点项目支出 …) beyond the record model.

A finance bureau's indicator library is full of figures no fixed model foresees. A ruleset
declares each one (`InputSpec`: a key, a Chinese label, a type, a unit, bounds, whether it is
required); a case states them under `inputs:` per record. The record keeps what the case wrote
(numbers as Decimal, yes/no, text); `typed_inputs` reads those values against the declarations of
the rulesets in use: every declared key gets its typed value, or None where the case does not
state it ("not stated" is None, never 0), and each value that does not fit its declaration is a
problem naming the key. This module is the records stage's: rulesets import the spec, never the
other way round.
"""
from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from jixiao.core.decimals import bounded, number_from_text, plain
from jixiao.core.i18n import N_, _

InputType = Literal["amount", "rate", "count", "yesno", "date", "text", "choice"]
RECORD_KINDS = ("department", "project")

TYPE_WORDS = {
    "amount": N_("金额"), "rate": N_("比率（%）"), "count": N_("数量"), "yesno": N_("是/否"),
    "date": N_("日期"), "text": N_("文字"), "choice": N_("选项"),
}
"""How forms and `rulesets show` name each type."""

YES_WORDS, NO_WORDS = ("是", "有", "已", "已公开", "yes", "true"), ("否", "无", "未", "未公开", "no", "false")
_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")


class InputSpec(BaseModel):
    """One declared data item, as a ruleset writes it under `inputs: {department|project: {key: …}}`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(description="中文名称，表格和报告中显示，如 固定资产原值")
    type: InputType = Field(description="amount 金额（万元）、rate 比率（填百分数，如 96.12 或 96.12%）、count 数量（整数）、"
                                        "yesno 是/否、date 日期（2024-12-31）、text 文字、choice 从 choices 中选一项")
    unit: str | None = Field(None, description="计量单位，如 万元、%、个；amount 默认 万元，rate 默认 %")
    required: bool = Field(False, description="必填：案例未填报时报错（否则未填报即“未填报”，相关指标不予评价）")
    min: Decimal | None = Field(None, description="amount/rate/count 的下限（含）")
    max: Decimal | None = Field(None, description="amount/rate/count 的上限（含）")
    choices: list[str] | None = Field(None, description="choice 的可选项")
    description: str | None = Field(None, description="口径说明：如何取数、出自哪张表")
    section: str | None = Field(None, description="在自评表中所属的栏目，如 资产管理；默认 其他数据项")

    @model_validator(mode="after")
    def _consistent(self) -> "InputSpec":
        if self.type == "choice" and not self.choices:
            raise ValueError(_("choice 类型须写明 `choices`（可选项）"))
        if self.type != "choice" and self.choices is not None:
            raise ValueError(_("只有 choice 类型可写 `choices`"))
        if (self.min is not None or self.max is not None) and self.type not in ("amount", "rate", "count"):
            raise ValueError(_("只有 amount、rate、count 类型可写 `min`/`max`"))
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(_("`min` {low} 大于 `max` {high}").format(low=plain(self.min), high=plain(self.max)))
        return self

    @property
    def shown_unit(self) -> str:
        """The unit forms print after the value ('' for none)."""
        if self.unit is not None:
            return self.unit
        return {"amount": "万元", "rate": "%"}.get(self.type, "")


Declarations = dict[str, dict[str, InputSpec]]
"""record kind ("department" / "project") → key → spec, in the order the rulesets declare them."""


def raw_input(value: Any) -> Any:
    """What a case may write for an input, before its declaration is known: numbers become Decimal
    from their text (never float), dates their ISO text, yes/no stays yes/no, words stay words."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, (int, Decimal)):
        return bounded(Decimal(value) if isinstance(value, int) else value)
    if isinstance(value, datetime.date):
        return value.isoformat()[:10]
    if isinstance(value, str):
        return _exact_number(value.strip())
    raise ValueError(_("数据项的值应为数值、文字、日期或是/否"))


def _exact_number(text: str) -> Decimal | str:
    """A text that is a number written the way Decimal writes it ("180.50", the JSON contract's
    amounts) is that number; any other text stays exactly as written ("007", "1,234.56", "是"), so
    nothing is lost before its declaration reads it."""
    try:
        number = number_from_text(text)
    except ValueError:
        return text
    return number if str(number) == text else text


def typed_value(spec: InputSpec, value: Any) -> Any:
    """`value` (as `raw_input` left it) read as `spec` says; ValueError (Chinese) when it does not fit."""
    if value is None or (isinstance(value, str) and not value):
        return None
    kind = spec.type
    if kind in ("amount", "rate", "count"):
        number = _number(value, kind)
        if kind == "count" and number != number.to_integral_value():
            raise ValueError(_("应为整数，不是{value}").format(value=plain(number)))
        if spec.min is not None and number < spec.min:
            raise ValueError(_("{value}低于下限{low}").format(value=plain(number), low=plain(spec.min)))
        if spec.max is not None and number > spec.max:
            raise ValueError(_("{value}高于上限{high}").format(value=plain(number), high=plain(spec.max)))
        return number
    if kind == "yesno":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in YES_WORDS:
            return True
        if word in NO_WORDS:
            return False
        raise ValueError(_("应为“是”或“否”，不是“{value}”").format(value=_short(value)))
    if kind == "date":
        match = _DATE.fullmatch(str(value).strip())
        try:
            if not match:
                raise ValueError
            return datetime.date(*map(int, match.groups())).isoformat()
        except ValueError:
            raise ValueError(_("应为日期（如 2024-12-31），不是“{value}”").format(value=_short(value))) from None
    text = plain(value) if isinstance(value, Decimal) else str(value)
    if isinstance(value, bool):
        raise ValueError(_("应为文字，不是是/否"))
    if kind == "choice" and text not in (spec.choices or []):
        raise ValueError(_("“{value}”不是可选项（可选：{choices}）").format(value=_short(text), choices="、".join(spec.choices or [])))
    return text


def _number(value: Any, kind: str) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(_("应为数值，不是是/否"))
    if isinstance(value, Decimal):
        return value
    text = str(value).strip()
    if kind == "rate" and text.endswith(("%", "％")):
        text = text[:-1]
    return number_from_text(text)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def typed_inputs(raw: dict[str, Any] | None, specs: dict[str, InputSpec]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Every declared key with its typed value (None where not stated), and the problems as
    (key, message): a value that does not fit, a required input not stated. Keys the case states
    but `specs` does not declare are left to `undeclared` (another ruleset in use may read them)."""
    raw = raw or {}
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    for key, spec in specs.items():
        try:
            values[key] = typed_value(spec, raw.get(key))
        except ValueError as exc:
            values[key] = None
            problems.append((key, _("{label}：{error}").format(label=spec.label, error=exc)))
            continue
        if spec.required and values[key] is None:
            problems.append((key, _("必填数据项“{label}”未填报").format(label=spec.label)))
    return values, problems


def undeclared(raw: dict[str, Any] | None, specs: dict[str, InputSpec]) -> list[str]:
    """Keys a record states that no declaration in `specs` names, in the record's order."""
    return [key for key in (raw or {}) if key not in specs]


def merge_declarations(parts: list[Declarations]) -> tuple[Declarations, list[tuple[str, str, InputSpec, InputSpec]]]:
    """The union of several rulesets' declarations, and the conflicts (kind, key, first, second):
    one key declared twice with different specs would be read two ways."""
    merged: Declarations = {kind: {} for kind in RECORD_KINDS}
    conflicts = []
    for part in parts:
        for kind, specs in part.items():
            for key, spec in specs.items():
                first = merged.setdefault(kind, {}).setdefault(key, spec)
                if first != spec:
                    conflicts.append((kind, key, first, spec))
    return merged, conflicts
