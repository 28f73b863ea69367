"""The 自评表: its funds block (年初预算数 · 全年预算数 · 全年执行数 …) and its indicator rows,
from a real table or from text with the cells run together on a line.

Columns are read from the table's own header, in the order it prints them. A row whose cells do
not line up with its header (fewer amounts than columns, cells run together without separators)
is not guessed at: its figures go to the check list with the row's words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from jixiao.core.i18n import _
from jixiao.extract.documents import Block
from jixiao.extract.numbers import to_wanyuan
from jixiao.extract.phrases import Candidate

_FUND_COLUMNS = re.compile(r"年初预算数?|全年预算数?|全年执行数?|分值|执行率|得分")
_FUND_FIELDS = {"年初": ("budget", "initial"), "全年预": ("budget", "final"), "全年执": ("actual",)}
_INDICATOR_COLUMNS = re.compile(
    r"指标性质|年度指标值|指标值|度量单位|实际完成值|全年实际值|实际值|完成值|分值|得分|偏差原因|未完成原因"
    r"|年度(?=\s|$)|实际(?=\s|$)")
_COLUMN_KEYS = {"指标性质": "sign", "年度指标值": "target", "指标值": "target", "年度": "target",
                "度量单位": "unit", "实际完成值": "actual", "全年实际值": "actual", "实际值": "actual",
                "完成值": "actual", "实际": "actual", "分值": "weight", "得分": "self_score",
                "偏差原因": "deviation", "未完成原因": "deviation"}
_OPTIONAL = ("sign", "unit", "deviation")
_LEVEL1 = re.compile(r"^(产出|效益|满意度)指标(?:[(（]\d+分[)）])?$")
_LEVEL2 = re.compile(r"^(.{1,8}?)指标等?$")
_LEVEL1_OF = {"数量": "产出", "质量": "产出", "时效": "产出", "成本": "产出", "经济效益": "效益", "社会效益": "效益",
              "生态效益": "效益", "可持续影响": "效益", "服务对象满意度": "满意度", "满意度": "满意度"}
_SIGNS = {"≥": ">=", "≧": ">=", ">=": ">=", "＞=": ">=", "≤": "<=", "≦": "<=", "<=": "<=", ">": ">", "＞": ">",
          "<": "<", "＜": "<", "=": "=", "═": "=", "＝": "="}
_VALUE = re.compile(r"^(?P<sign>≥|≧|>=|＞=|≤|≦|<=|>|＞|<|＜|=|═|＝)?\s*(?P<number>-?\d+(?:\.\d+)?)\s*(?P<unit>\D{0,4})$")
_NUMERIC = re.compile(r"^-?\d[\d,]*(?:\.\d+)?%?$")
_FUNDING_LINE = re.compile(r"^(?:其中\s*[:：]?\s*)?(当年财政拨款|本年财政拨款|财政拨款|上年结转资金|上年结转|其他资金)")
_STATED = {"分值": "execution_weight", "执行率": "execution_rate", "得分": "execution_score"}
_BLANK = re.compile(r"^[-—–－]+$")  # a cell printed as a dash: blank, but it holds its column's place


@dataclass
class TableReading:
    candidates: list[Candidate] = field(default_factory=list)
    # list fields (indicators, funding lines): path → [(item, quote, where)]
    items: dict[tuple, list[tuple[dict, str, str]]] = field(default_factory=dict)
    to_check: list[tuple[tuple, str, list[tuple[str, str, str]]]] = field(default_factory=list)
    # (field path, reason, [(value text, quote, where)])


def _scale(rows: list[Block]) -> int | None:
    for row in rows:
        if re.search(r"[(（]\s*万元\s*[)）]", row.text):
            return 0
        if re.search(r"[(（]\s*元\s*[)）]", row.text):
            return -4
    return None


_DATE_UNITS = ("年", "月", "日", "年底", "年末")


def _cell_value(text: str) -> tuple[str | None, Any, str | None]:
    """(direction, value, unit): ≥80% → ('>=', 80, '%'); 有效 → (None, '有效', None). A date
    (2019年) stays words: a time limit is met or missed, it is not a quantity to exceed."""
    text = text.strip()
    found = _VALUE.match(text)
    if not found or found.group("unit").strip() in _DATE_UNITS:
        return None, text, None
    sign = _SIGNS.get(found.group("sign") or "")
    return sign, Decimal(found.group("number")), (found.group("unit").strip() or None)


def _indicator(row: Block, name: str, cells: dict[str, str], level1: str, level2: str | None) -> dict:
    sign = _SIGNS.get(cells.get("sign", "").strip())
    direction, target, unit = _cell_value(cells.get("target", ""))
    actual_sign, actual, actual_unit = _cell_value(cells.get("actual", ""))
    if actual_sign:  # "≥80%" as the actual: a claim, not a measured value; kept as printed
        actual = cells["actual"].strip()
    unit = cells.get("unit") or unit or actual_unit
    indicator: dict[str, Any] = {"level1": level1, "level2": level2, "name": name}
    quantitative = isinstance(target, Decimal) or isinstance(actual, Decimal)
    indicator["kind"] = "quantitative" if quantitative else "qualitative"
    indicator["direction"] = sign or direction
    indicator["target"] = target if target != "" else None
    indicator["actual"] = actual if actual != "" else None
    indicator["unit"] = unit
    for key in ("weight", "self_score"):
        try:
            indicator[key] = Decimal(cells[key]) if cells.get(key) else None
        except InvalidOperation:
            indicator[key] = None
    indicator["deviation"] = cells.get("deviation") or None
    return {key: value for key, value in indicator.items() if value is not None}


def _columns(regex: re.Pattern, text: str) -> list[str]:
    return [match.group(0) for match in regex.finditer(text)]


def read_table(rows: list[Block], project: int) -> TableReading:
    reading = TableReading()
    prefix: tuple = ("projects", project) if project >= 0 else ("department",)
    scale = _scale(rows)
    fund_columns: list[str] = []
    indicator_columns: list[str] = []
    level1, level2 = "产出", None
    for row in rows:
        cells = [c for c in row.cells if c]
        if not cells:
            continue
        first = cells[0]
        if "全年执行数" in row.text or ("全年预算数" in row.text and "年度资金总额" not in row.text):
            fund_columns = _columns(_FUND_COLUMNS, row.text)
            continue
        if "三级指标" in row.text:
            indicator_columns = [_COLUMN_KEYS[c] for c in _columns(_INDICATOR_COLUMNS, row.text)]
            continue
        if first.startswith("年度资金总额"):
            _funds(reading, row, cells, fund_columns, scale, prefix)
            continue
        if _FUNDING_LINE.match(first):
            _funding_line(reading, row, cells, fund_columns, scale, prefix)
            continue
        if re.match(r"^总\s*分", first):
            _total(reading, row, cells, prefix)
            continue
        if prefix[0] == "projects" and first.startswith(("主管部门", "实施单位")):
            _header(reading, row, cells, prefix)
            continue
        if not indicator_columns or re.match(r"^(?:年度总体目标|预期目标|其他需要说明|项目名称)", first):
            continue
        if set(cells) <= {"指标值", "完成值"}:
            continue
        cells, level1, level2 = _levels(cells, level1, level2)
        if not cells or cells[0] in ("……", "…"):
            continue
        _indicator_row(reading, row, cells, indicator_columns, level1, level2, prefix)
    return reading


def _levels(cells: list[str], level1: str, level2: str | None) -> tuple[list[str], str, str | None]:
    """The row's cells after its 一级 / 二级 labels, and the levels they set (a merged label cell
    prints once: the rows below it carry it on)."""
    while cells:
        label = re.sub(r"\s+", "", cells[0])  # 产 出 指 标 (50分): a label printed spaced out
        level = _LEVEL1.match(label)
        if level:
            level1, level2 = level.group(1), None
        elif level := _LEVEL2.match(label):
            level2 = level.group(1)
            level1 = _LEVEL1_OF.get(level2, level1)
        else:
            break
        cells = cells[1:]
    return cells, level1, level2


def _number(text: str, scale: int = 0) -> Decimal:
    return to_wanyuan(Decimal(text.replace(",", "").rstrip("%％")), scale)


def _cell(row: Block, text: str) -> str:
    """Where a cell stands: its column in a real table, the row in flattened text."""
    return row.cell_where(row.cells.index(text)) if row.table and text in row.cells else row.where


_RUN_TOGETHER_HEADER = re.compile(r"^主管部门[:：]?(?P<department>[^\s|]+?)实施单位[:：]?(?P<unit>[^\s|]+)$")


def _header(reading: TableReading, row: Block, cells: list[str], prefix: tuple) -> None:
    """主管部门 X 实施单位 Y (one row or two, or run together: 主管部门X实施单位Y)."""
    found = {}
    for label, key in (("主管部门", "department"), ("实施单位", "implementing_units")):
        if label in cells:
            at = cells.index(label)
            if at + 1 < len(cells) and cells[at + 1] not in ("主管部门", "实施单位"):
                found[key] = cells[at + 1]
    joined = _RUN_TOGETHER_HEADER.match(cells[0]) if len(cells) == 1 else None
    if joined:
        found = {"department": joined.group("department"), "implementing_units": joined.group("unit")}
    for key, value in found.items():
        reading.candidates.append(Candidate(prefix + (key,), (value,) if key == "implementing_units" else value,
                                            row.text, _cell(row, value), (row.where, -2, key)))


def _total(reading: TableReading, row: Block, cells: list[str], prefix: tuple) -> None:
    """总分: its weight and the unit's own score, and a grade printed after them."""
    values = [c for c in cells[1:] if _NUMERIC.match(c)]
    words = [c for c in cells[1:] if not _NUMERIC.match(c)]
    run_together = re.sub(r"^总\s*分\s*", "", cells[0])  # 总分100100: cells with no separator
    if len(values) != 2 or len(words) > 1 or run_together:
        if values or words or run_together:
            reading.to_check.append((prefix + ("stated", "total_score"), _("总分行的数字无法分辨分值与得分"),
                                     [(" ".join(cells[1:]) or cells[0], row.text, row.where)]))
        return
    for key, value in zip(("total_weight", "total_score"), values):
        reading.candidates.append(Candidate(prefix + ("stated", key), _number(value), row.text, _cell(row, value),
                                            (row.where, -3, key)))
    if words:
        reading.candidates.append(Candidate(prefix + ("stated", "grade"), words[0], row.text, _cell(row, words[0]),
                                            (row.where, -3, "grade")))


def _funding_line(reading: TableReading, row: Block, cells: list[str], columns: list[str], scale: int | None,
                  prefix: tuple) -> None:
    """其中:当年财政拨款 / 上年结转资金 / 其他资金: a line of the project's funding, when filled."""
    values = [c for c in cells[1:] if _NUMERIC.match(c) or _BLANK.match(c)]
    amounts = [c for c in columns if c[:2] in ("年初", "全年")]
    if not any(_NUMERIC.match(v) for v in values) or prefix[0] != "projects":
        return  # a blank line states nothing
    if scale is None or len(values) not in (len(amounts), len(columns)):
        reading.to_check.append((prefix + ("funding",), _("资金构成行各数与表头的列对不上"),
                                 [(" ".join(values), row.text, row.where)]))
        return
    keys = {"年初": "initial", "全年预": "budget", "全年执": "actual"}
    line: dict[str, Any] = {"name": _FUNDING_LINE.match(cells[0]).group(1)}
    for column, value in zip(amounts if len(values) == len(amounts) else columns, values):
        key = next((k for prefix_, k in keys.items() if column.startswith(prefix_)), None)
        if key and _NUMERIC.match(value):
            line[key] = _number(value, scale)
    reading.items.setdefault(prefix + ("funding",), []).append((line, row.text, row.where))


def _funds(reading: TableReading, row: Block, cells: list[str], columns: list[str], scale: int | None,
           prefix: tuple) -> None:
    values = [c for c in cells[1:] if _NUMERIC.match(c)]
    amounts = [c for c in columns if c[:2] in ("年初", "全年")]
    if scale is None or len(values) != len(columns) or not amounts:
        reason = (_("资金行各数与表头的列对不上，无法确定各数属于哪一列") if scale is not None
                  else _("自评表未注明金额单位（万元或元）"))
        shown = values or [cells[0]]
        reading.to_check.append((prefix + ("budget/actual",), reason,
                                 [(v, row.text, row.where) for v in shown]))
        _stated_from_the_right(reading, row, values, columns, prefix)
        return
    for index, column in enumerate(columns):
        target = next((f for key, f in _FUND_FIELDS.items() if column.startswith(key)), None)
        if target is None:
            continue
        if prefix == ("department",) and target == ("actual",):
            target = ("spending", "total")  # a unit's 全年执行数 is its spending
        reading.candidates.append(Candidate(prefix + target, _number(values[index], scale),
                                            f"{column} {values[index]}（{row.text}）", _cell(row, values[index]),
                                            (row.where, -1, index)))
    for index, column in enumerate(columns):  # the form's own 分值 / 执行率 / 得分 of the funds row
        if column in _STATED:
            reading.candidates.append(Candidate(prefix + ("stated", _STATED[column]), _number(values[index]),
                                                f"{column} {values[index]}（{row.text}）", _cell(row, values[index]),
                                                (row.where, -1, index)))


def _stated_from_the_right(reading: TableReading, row: Block, values: list[str], columns: list[str],
                           prefix: tuple) -> None:
    """A funds row short of cells (387664.62 387664.62 10 100% 10 under six columns): the cells
    missing are amounts, so the form's own 分值 / 执行率 / 得分 still stand last, in order — taken
    only when the cell under 执行率 is the one percentage among them."""
    tail = [c for c in columns if c in _STATED]
    if not tail or columns[-len(tail):] != tail or len(values) < len(tail):
        return
    cells = values[-len(tail):]
    if [c.endswith("%") for c in cells] != [c == "执行率" for c in tail]:
        return
    for column, value in zip(tail, cells):
        reading.candidates.append(Candidate(prefix + ("stated", _STATED[column]), _number(value),
                                            f"{column} {value}（{row.text}）", _cell(row, value),
                                            (row.where, -4, column)))


def _indicator_row(reading: TableReading, row: Block, cells: list[str], columns: list[str], level1: str,
                   level2: str | None, prefix: tuple) -> None:
    name, values = cells[0], cells[1:]
    for dropped in ((), ("deviation",), ("sign", "unit"), _OPTIONAL):
        fitted = [c for c in columns if c not in dropped]
        if len(fitted) == len(values):
            break
    else:
        reading.to_check.append((prefix + ("indicators",), _("指标行“{name}”各格与表头的列对不上").format(name=name),
                                 [(" ".join(values), row.text, row.where)]))
        return
    indicator = _indicator(row, name, dict(zip(fitted, values)), level1, level2)
    reading.items.setdefault(prefix + ("indicators",), []).append((indicator, row.text, row.where))
