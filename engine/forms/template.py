"""Write the 自评表 workbook: blank for units to fill, or filled from a case (which the import
reads back to the same case).

Numbers are written as numbers; each cell's number format shows exactly the decimals the case
states (320.00 → "0.00", 97.5 → "0.0"), and the import reads the decimals the cell shows.
"""
from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.records.cycle import TargetDeclaration, TargetFile
from jixiao.records.inputs import Declarations, InputSpec
from jixiao.records.model import Case, Department, Project
from jixiao.forms import layout as L
from jixiao.forms import layout_target as T
from jixiao.core.errors import JixiaoError
from jixiao.core.i18n import _
from jixiao.core.office import save_workbook

BLANK_INDICATOR_ROWS = 12
BLANK_TEXT_ROWS = 3
BLANK_VETO_ROWS = 6
BLANK_COUNT_ROWS = 3
BLANK_LIST_ROWS = 50
BLANK_TARGET_ROWS = 15  # 产出 数量/质量/时效/成本, 效益 four kinds, 满意度, and room for more

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="E7E6E6")
EXTRA_FILL = PatternFill("solid", fgColor="FFF2CC")  # columns/rows jixiao adds to the official form
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
FORM_WIDTHS = {"A": 12, "B": 16, "C": 30, "D": 16, "E": 16, "F": 8, "G": 8, "H": 40,
               "I": 14, "J": 12, "K": 12, "L": 12, "M": 24}


def number_format(value: Decimal) -> str:
    """The format that displays exactly the decimals `value` states."""
    places = max(0, -value.as_tuple().exponent) if value.is_finite() else 0
    return "0" if places == 0 else "0." + "0" * places


def put(ws: Worksheet, ref: str, value: Any, *, fmt: str | None = None, head: bool = False,
        extra: bool = False, align: Alignment = WRAP, formula: bool = False) -> None:
    cell = ws[ref]
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        value = L.YES if value else L.NO
    if isinstance(value, list):  # a text list: 甲、乙; stated as none: （无）
        value = "、".join(value) if value else L.STATED_NONE
    cell.value = value
    if isinstance(value, str) and value.startswith("=") and not formula:
        cell.data_type = "s"  # text that begins with "=" is text, not a formula
    if isinstance(value, Decimal):
        cell.number_format = number_format(value)
    elif fmt:
        cell.number_format = fmt
    cell.border = BOX
    cell.alignment = CENTER if head else align
    if head:
        cell.font = Font(bold=True)
        cell.fill = EXTRA_FILL if extra else HEAD_FILL


def merge(ws: Worksheet, first: str, last: str) -> None:
    ws.merge_cells(f"{first}:{last}")  # openpyxl draws the top-left cell's border round the range


def validation(ws: Worksheet, choices: list[str], cells: str, strict: bool = True) -> None:
    """A drop-down list; strict lists refuse other values, the others only warn."""
    dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                        showErrorMessage=True, errorStyle="stop" if strict else "warning",
                        error="请从下拉列表中选择", errorTitle="输入值无效")
    dv.add(cells)
    ws.add_data_validation(dv)


def get(model: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        model = getattr(model, part) if model is not None else None
    return model


def _title(ws: Worksheet, title: str, last_col: str = "H") -> None:
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = CENTER
    ws.merge_cells(f"A1:{last_col}1")
    ws.row_dimensions[1].height = 30
    ws["A2"] = L.UNIT_NOTE
    ws["A2"].alignment = Alignment(horizontal="right")
    ws.merge_cells(f"A2:{last_col}2")


def _widths(ws: Worksheet, widths: dict[str, float]) -> None:
    for col, width in widths.items():
        ws.column_dimensions[col].width = width


def _labelled(ws: Worksheet, row: int, field: L.Field, value: Any, value_to: str = "H") -> None:
    extra = "补充" in field.label
    put(ws, f"A{row}", field.label, head=True, extra=extra)
    merge(ws, f"A{row}", f"B{row}")
    fmt = "0.00" if field.kind == "money" else "@" if field.kind in ("text", "text_list") else None
    put(ws, f"C{row}", value, fmt=fmt)
    if value_to != "C":
        merge(ws, f"C{row}", f"{value_to}{row}")
    if field.kind == "source":
        validation(ws, L.SOURCES, f"C{row}", strict=False)  # the report's own words are accepted too
    elif field.kind == "bool":
        validation(ws, [L.YES, L.NO], f"C{row}")


def _anchor(ws: Worksheet, row: int, label: str, extra: bool = False, last_col: str = "H") -> None:
    put(ws, f"A{row}", label, head=True, extra=extra)
    merge(ws, f"A{row}", f"{last_col}{row}")


def _table(ws: Worksheet, row: int, columns: list[L.Column], rows: list[dict], blank: int) -> tuple[int, int]:
    """Header at `row`, then the rows (or `blank` empty rows). Returns (first, last) data rows."""
    for i, column in enumerate(columns, 1):
        put(ws, f"{get_column_letter(i)}{row}", column.header, head=True, extra="补充" in column.header)
    data = rows or [{}] * blank
    if rows == []:  # None: not stated, blank rows; []: stated as none
        data = [{columns[0].field: L.STATED_NONE}] + [{}] * (blank - 1)
    for r, values in enumerate(data, row + 1):
        for i, column in enumerate(columns, 1):
            value = values.get(column.field)
            if column.kind == "direction" and value is not None:
                value = next(sym for sym, op in L.DIRECTIONS.items() if op == value)
            elif column.kind == "indicator_kind" and value is not None:
                value = next(word for word, kind in L.KINDS.items() if kind == value)
            elif column.kind == "occurred":
                value = L.UNSTATED if value is None and values and L.STATED_NONE not in values.values() else value
            fmt = "0.00" if column.kind == "money" else "@" if column.kind == "text" else None
            put(ws, f"{get_column_letter(i)}{r}", value, fmt=fmt)
    return row + 1, row + len(data)


def _dumped(items: list | None) -> list[dict] | None:
    return None if items is None else [i.model_dump() for i in items]


def _indicator_block(ws: Worksheet, row: int, indicators: list | None) -> int:
    _anchor(ws, row, L.INDICATORS_ANCHOR)
    rows = _dumped(indicators)
    _first, last = _listed_table(ws, row + 1, L.INDICATOR_COLUMNS, rows, BLANK_INDICATOR_ROWS, {
        "level1": (L.LEVEL1, False), "level2": (L.LEVEL2, False), "kind": (list(L.KINDS), True),
        "direction": (list(L.DIRECTIONS), True), "tier": (L.TIERS, False), "completion": (L.COMPLETIONS, True)})
    return last + 1


def _listed_table(ws: Worksheet, row: int, columns, rows: list | None, blank: int,
                  lists: dict[str, tuple[list[str], bool]]) -> tuple[int, int]:
    """`_table`, then a drop-down on each column named in `lists` (field → choices, strict)."""
    first, last = _table(ws, row, columns, rows, blank)
    letters = {c.field: get_column_letter(i) for i, c in enumerate(columns, 1)}
    for field, (choices, strict) in lists.items():
        validation(ws, choices, f"{letters[field]}{first}:{letters[field]}{last}", strict=strict)
    return first, last


def _goals_block(ws: Worksheet, row: int, goals: str | None, results: str | None) -> int:
    put(ws, f"A{row}", L.GOALS_ANCHOR, head=True)
    merge(ws, f"A{row}", f"B{row + 1}")
    put(ws, f"C{row}", L.GOALS_HEADERS[0], head=True)
    merge(ws, f"C{row}", f"E{row}")
    put(ws, f"F{row}", L.GOALS_HEADERS[1], head=True)
    merge(ws, f"F{row}", f"H{row}")
    put(ws, f"C{row + 1}", goals, fmt="@")
    merge(ws, f"C{row + 1}", f"E{row + 1}")
    put(ws, f"F{row + 1}", results, fmt="@")
    merge(ws, f"F{row + 1}", f"H{row + 1}")
    ws.row_dimensions[row + 1].height = 90
    return row + 2


def _text_list(ws: Worksheet, row: int, label: str, items: list[str] | None) -> int:
    _anchor(ws, row, label)
    shown = [L.STATED_NONE] if items == [] else items or [None] * BLANK_TEXT_ROWS
    for r, text in enumerate(shown, row + 1):
        put(ws, f"A{r}", text, fmt="@")
        merge(ws, f"A{r}", f"H{r}")
        ws.row_dimensions[r].height = 45
        row = r
    return row + 1


def _inputs_block(ws: Worksheet, row: int, specs: dict[str, InputSpec], stated: dict | None) -> int:
    """The declared inputs, one row each, grouped by section, with data validation from each
    type and bounds; a value the case states for an input the rulesets do not declare is kept
    (its key as its name) so that nothing the case holds is lost on the way through the form."""
    stated = stated or {}
    keys = sorted(specs, key=lambda k: list(dict.fromkeys(s.section for s in specs.values())).index(specs[k].section))
    extra = [k for k in stated if k not in specs]
    if not keys and not extra:
        return row
    _anchor(ws, row, L.INPUTS_ANCHOR, extra=True)
    for i, column in enumerate(L.INPUT_COLUMNS, 1):
        put(ws, f"{get_column_letter(i)}{row + 1}", column.header, head=True, extra=True)
    row += 2
    for key in keys + extra:
        spec = specs.get(key)
        label = (spec.label + ("（必填）" if spec.required else "")) if spec else key
        value = stated.get(key)
        cells = [spec.section or L.INPUTS_DEFAULT_SECTION if spec else L.INPUTS_DEFAULT_SECTION, label, key, value,
                 spec.shown_unit if spec else "", spec.description if spec else None]
        for i, cell in enumerate(cells, 1):
            put(ws, f"{get_column_letter(i)}{row}", cell, fmt="@" if i in (1, 2, 3, 5, 6) else None)
        if spec is not None:
            _input_validation(ws, spec, f"D{row}")
        row += 1
    return row


def _input_validation(ws: Worksheet, spec: InputSpec, cell: str) -> None:
    """Excel refuses what the declaration refuses: yes/no and choices from a list, numbers within bounds."""
    if spec.type == "yesno":
        validation(ws, [L.YES, L.NO], cell)
    elif spec.type == "choice":
        validation(ws, list(spec.choices or []), cell)
    elif spec.type in ("amount", "rate", "count"):
        low = format(spec.min, "f") if spec.min is not None else "-999999999999999"
        high = format(spec.max, "f") if spec.max is not None else "999999999999999"
        dv = DataValidation(type="whole" if spec.type == "count" else "decimal", operator="between", formula1=low,
                            formula2=high, allow_blank=True, showErrorMessage=True, errorStyle="stop",
                            errorTitle="输入值无效", error=f"{spec.label}：请填写{low}至{high}之间的数"
                            if spec.min is not None or spec.max is not None else f"{spec.label}：请填写数值")
        dv.add(cell)
        ws.add_data_validation(dv)


def project_sheet(ws: Worksheet, project: Project | None, specs: dict[str, InputSpec] | None = None) -> None:
    _title(ws, L.PROJECT_FORM)
    _widths(ws, FORM_WIDTHS)
    row = 3
    for field in L.PROJECT_HEAD:
        _labelled(ws, row, field, get(project, field.path))
        row += 1
    put(ws, f"A{row}", L.FUNDS_ANCHOR, head=True)
    merge(ws, f"A{row}", f"B{row}")
    for i, (header, _path, _kind) in enumerate(L.FUNDS_FIELDS):
        put(ws, f"{'CDEFGH'[i]}{row}", header, head=True)
    total = row + 1
    put(ws, f"A{total}", L.FUNDS_TOTAL, head=True)
    merge(ws, f"A{total}", f"B{total}")
    for i, (_header, path, _kind) in enumerate(L.FUNDS_FIELDS):
        put(ws, f"{'CDEFGH'[i]}{total}", get(project, path), fmt="0.00")
    funding = project.funding if project and project.funding else None
    labels = [(L.PART_PREFIX if i == 0 else "") + line.name for i, line in enumerate(funding)] if funding else L.FUNDS_PARTS
    for r, label in enumerate(labels, total + 1):
        line = funding[r - total - 1] if funding else None
        put(ws, f"A{r}", label, head=True)
        merge(ws, f"A{r}", f"B{r}")
        for col, key in zip("CDE", L.LINE_FIELDS.values()):
            put(ws, f"{col}{r}", get(line, (key,)), fmt="0.00")
        for col in "FGH":
            put(ws, f"{col}{r}", "—", align=CENTER)
    row = total + 1 + len(labels)
    for field in L.PROJECT_EXTRA:
        _labelled(ws, row, field, get(project, field.path))
        row += 1
    narrative = project.narrative if project else None
    row = _goals_block(ws, row, get(narrative, ("goals",)), get(narrative, ("results",)))
    row = _inputs_block(ws, row, specs or {}, project.inputs if project else None)
    row = _indicator_block(ws, row, project.indicators if project else None)
    row = _text_list(ws, row, L.PROBLEMS_ANCHOR, narrative.problems if narrative else None)
    _text_list(ws, row, L.IMPROVEMENTS_ANCHOR, narrative.improvements if narrative else None)
    ws.freeze_panes = "A3"


def department_sheet(ws: Worksheet, department: Department | None, specs: dict[str, InputSpec] | None = None) -> None:
    _title(ws, L.DEPARTMENT_FORM)
    _widths(ws, FORM_WIDTHS)
    _anchor(ws, 3, L.DEPARTMENT_FUNDS_ANCHOR)
    row = 4
    for field in L.DEPARTMENT_FIELDS:
        _labelled(ws, row, field, get(department, field.path), value_to="C")
        row += 1
    narrative = department.narrative if department else None
    row = _goals_block(ws, row, get(narrative, ("goals",)), get(narrative, ("results",)))
    _anchor(ws, row, L.VETOES_ANCHOR)
    first, last = _table(ws, row + 1, L.VETO_COLUMNS, _dumped(department.vetoes) if department else None, BLANK_VETO_ROWS)
    validation(ws, [L.YES, L.NO, L.UNSTATED], f"C{first}:C{last}")
    row = last + 1
    _anchor(ws, row, L.PUBLIC_LINES_ANCHOR, extra=True)
    lines = _dumped(department.spending.public_lines) if department else None
    row = _table(ws, row + 1, L.LINE_COLUMNS, lines, BLANK_COUNT_ROWS)[1] + 1
    _anchor(ws, row, L.COUNTS_ANCHOR, extra=True)
    counts = []
    for key, count in (department.declared_counts if department else {}).items():
        counts += [{"key": key, "count": count.total}] if count.total is not None else []
        counts += [{"key": key, "part": part, "count": n} for part, n in count.parts.items()]
    row = _table(ws, row + 1, L.COUNT_COLUMNS, counts or None, BLANK_COUNT_ROWS)[1] + 1  # no counts: blank rows
    row = _inputs_block(ws, row, specs or {}, department.inputs if department else None)
    row = _indicator_block(ws, row, department.indicators if department else None)
    row = _text_list(ws, row, L.PROBLEMS_ANCHOR, narrative.problems if narrative else None)
    _text_list(ws, row, L.IMPROVEMENTS_ANCHOR, narrative.improvements if narrative else None)
    ws.freeze_panes = "A3"


def info_sheet(ws: Worksheet, case: Case | TargetFile | None, fields: list[L.Field] = L.INFO_FIELDS) -> None:
    ws["A1"] = L.INFO
    ws["A1"].font = Font(bold=True, size=16)
    ws.merge_cells("A1:B1")
    _widths(ws, {"A": 14, "B": 50})
    for row, field in enumerate(fields, 2):
        put(ws, f"A{row}", field.label, head=True)
        value = get(case, field.path) if case else ("万元" if field.path == ("case", "currency") else None)
        put(ws, f"B{row}", value, fmt="@" if field.kind == "text" else None)


def list_sheet(ws: Worksheet) -> None:
    ws["A1"] = L.PROJECT_LIST
    ws["A1"].font = Font(bold=True, size=16)
    first, last = _table(ws, 2, L.LIST_COLUMNS, [], BLANK_LIST_ROWS)
    for i, column in enumerate(L.LIST_COLUMNS, 1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = 30 if column.field.startswith("narrative") else 14
        if column.kind == "source":
            validation(ws, L.SOURCES, f"{letter}{first}:{letter}{last}", strict=False)
        elif column.kind == "bool":
            validation(ws, [L.YES, L.NO], f"{letter}{first}:{letter}{last}")
    ws.freeze_panes = "A3"


GUIDE_LINES = [
    "1. 每个项目填一张“项目支出绩效自评表”（可复制工作表），或在“项目清单”中每行填一个项目（不含绩效指标）。",
    "2. “基本信息”填写案例编号、单位、年度和部门；金额单位为万元。",
    "3. 未填报的数据请留空，不要填0：留空表示报告未载明，评分时按“信息不足”处理。报告写明“没有”的清单"
    "（如无绩效指标、无问题），在该栏第一行填“（无）”；多个单位用顿号分隔（甲、乙）。",
    "4. 数字单元格只填数字；文字（如“完成”）填在数字单元格里会被指出所在工作表和单元格。",
    "5. 黄色表头为本系统补充的栏目（指标方向、计量单位、年中调整、结转结余等），官方表样中没有。",
    "6. 资金栏的“分值”“执行率”“得分”填报告自己所列的数（执行率按所印填写，如96.12），"
    "评分时与按金额计算的结果核对；“其中”各行按报告所列资金来源填写，可改行名。",
    "7. 填好后：jixiao import 本文件.xlsx -o 案例.yaml；再 jixiao score 案例.yaml。",
]


TARGET_GUIDE_LINES = [
    "1. 每个项目填一张“项目支出绩效目标申报表”（可复制工作表）；“基本信息”填写申报文件编号、单位和年度，金额单位为万元。",
    "2. 每个绩效指标填一行：一级指标（产出、效益、满意度）、二级指标（数量、质量、时效、成本、经济效益、社会效益、"
    "生态效益、可持续影响、服务对象满意度）、三级指标、指标方向、年度指标值、计量单位、指标值设定依据。",
    "3. 年度指标值能量化的只填数字（如95），单位填在“计量单位”栏；不能量化的填文字（如“效果明显”），审核时按未量化处理。",
    "4. 未填报的数据请留空，不要填0：留空表示申报表未载明。",
    "5. 黄色表头为本系统补充的栏目：上年实际值，年度指标值低于上年实际值时的理由，指标编号。",
    "6. 填好后：jixiao import 本文件.xlsx -o 目标申报.yaml；再 jixiao cycle targets 目标申报.yaml。",
]


def guide_sheet(ws: Worksheet, lines: list[str] = GUIDE_LINES) -> None:
    ws["A1"] = L.GUIDE
    ws["A1"].font = Font(bold=True, size=16)
    ws.column_dimensions["A"].width = 110
    for row, text in enumerate(lines, 2):
        ws[f"A{row}"] = text
        ws[f"A{row}"].alignment = WRAP


def sheet_name(name: str, taken: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'") or "项目"
    base, n, candidate = clean[:31], 1, clean[:31]
    while candidate in taken:
        n += 1
        suffix = f"({n})"
        candidate = base[:31 - len(suffix)] + suffix
    taken.add(candidate)
    return candidate


TARGET_WIDTHS = {"A": 10, "B": 14, "C": 30, "D": 10, "E": 16, "F": 10, "G": 14, "H": 14, "I": 24, "J": 12}


def target_sheet(ws: Worksheet, declaration: TargetDeclaration | None) -> None:
    """One project's 绩效目标申报表: name, id, budget requested and 总体目标, then the indicators."""
    _title(ws, T.TARGET_FORM, "J")
    _widths(ws, TARGET_WIDTHS)
    row = 3
    for field in T.TARGET_HEAD:
        _labelled(ws, row, field, get(declaration, field.path), value_to="J")
        if field.path == ("goal",):
            ws.row_dimensions[row].height = 60
        row += 1
    _anchor(ws, row, T.TARGET_INDICATORS_ANCHOR, last_col="J")
    indicators = _dumped(declaration.indicators) if declaration and declaration.indicators else None
    _listed_table(ws, row + 1, T.TARGET_INDICATOR_COLUMNS, indicators, BLANK_TARGET_ROWS, {
        "level1": (L.LEVEL1, False), "level2": (L.LEVEL2, False), "direction": (list(L.DIRECTIONS), True),
        "basis": (T.BASES, True)})
    ws.freeze_panes = "A3"


def target_workbook(file: TargetFile | None) -> Workbook:
    """填表说明 + 基本信息 (the file's `case:` header) + one 申报表 per declaration (one blank form
    when there is no file)."""
    wb = Workbook()
    guide_sheet(wb.active, TARGET_GUIDE_LINES)
    wb.active.title = L.GUIDE
    taken = {L.GUIDE, L.INFO}
    info_sheet(wb.create_sheet(L.INFO), file, T.TARGET_INFO_FIELDS)
    for declaration in file.targets if file else [None]:
        target_sheet(wb.create_sheet(sheet_name(declaration.name if declaration else "项目1", taken)), declaration)
    return wb


def build_workbook(kind: str, case: Case | TargetFile | None = None, declared: Declarations | None = None) -> Workbook:
    """`project`: 基本信息 + project forms (+ 项目清单 when blank); `department`: 基本信息 + the
    department form (+ every project form of the case, so a whole case fits in one workbook);
    `target`: 基本信息 + a 绩效目标申报表 per declaration of a target file.
    `declared`: the inputs of the rulesets the form is filled for, a row each on its form."""
    declared = declared or {}
    if kind not in ("project", "department", "target"):
        raise JixiaoError(_("未知的表样类型“{kind}”（可用：project、department、target）").format(kind=kind))
    if kind == "target" or isinstance(case, TargetFile):
        if kind != "target" or not (case is None or isinstance(case, TargetFile)):
            raise JixiaoError(_("目标申报表（--kind target）只能用目标申报文件（含 `targets:`）填写，自评表只能用案例文件填写"))
        return target_workbook(case)
    wb = Workbook()
    guide_sheet(wb.active)
    wb.active.title = L.GUIDE
    taken = {L.GUIDE, L.INFO}
    info_sheet(wb.create_sheet(L.INFO), case)
    if kind == "department":
        taken.add("部门整体")
        department_sheet(wb.create_sheet("部门整体"), case.department if case else None, declared.get("department"))
    if case is None:
        if kind == "project":
            project_sheet(wb.create_sheet(sheet_name("项目1", taken)), None, declared.get("project"))
            list_sheet(wb.create_sheet(sheet_name(L.PROJECT_LIST, taken)))
    else:
        for project in case.projects:
            project_sheet(wb.create_sheet(sheet_name(project.name, taken)), project, declared.get("project"))
    return wb


def write_template(path, kind: str, case: Case | TargetFile | None = None, declared: Declarations | None = None) -> None:
    save_workbook(build_workbook(kind, case, declared), path)
