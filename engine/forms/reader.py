"""Read filled 自评表 workbooks into a case. Nothing is guessed: every cell that cannot be read is
reported as `FILE:SHEET!CELL: message`, and the case is validated with each field traced back to
its cell.

Numbers: Excel keeps 15 significant digits and shows the decimals of the cell's number format,
so a cell holding 320 formatted "0.00" reads as 320.00 and 0.30000000000000004 reads as 0.3. A
percentage-formatted cell (95% stored as 0.95) is refused rather than guessed at.
"""
from __future__ import annotations

import datetime
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.records.cases import case_from_data
from jixiao.core.decimals import exact
from jixiao.core.errors import CaseError, Location, Problem
from jixiao.core.i18n import _
from jixiao.records.cycle import TargetFile, cycle_file_from_data
from jixiao.records.model import Case
from jixiao.core.yamlsource import LineMap
from jixiao.forms import layout as L
from jixiao.forms import layout_target as T


@dataclass(frozen=True)
class CellLocation(Location):
    """A cell of a workbook: printed as FILE:SHEET!CELL."""

    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else (self.sheet or "")
        return f"{self.file or '<input>'}:{where}" if where else (self.file or "<input>")


class CellMap(LineMap):
    """A LineMap whose locations are cells, so validation errors point at the cell to fix."""

    def put(self, path: tuple, location: Location) -> None:
        self._lines[tuple(path)] = location


class Unreadable(Exception):
    """A cell's value cannot be read as the field requires."""


_PLACES = re.compile(r"\.(0+)(?![0-9#])")


def _shown_places(number_format: str) -> int | None:
    """Decimals a number format shows ("0.00" → 2, "#,##0" → 0); None for General."""
    fmt = (number_format or "General").split(";")[0]
    if fmt in ("General", "@"):
        return None
    match = _PLACES.search(fmt)
    return len(match.group(1)) if match else 0


def _decimal(value: Any, number_format: str) -> Decimal:
    if isinstance(value, bool):
        raise Unreadable(_("{value}不是数值").format(value="TRUE" if value else "FALSE"))
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        raise Unreadable(_("{value}是日期或时间，不是数值（请将单元格设为数值格式）").format(value=value))
    if "%" in (number_format or ""):
        raise Unreadable(_("{value}在百分比格式的单元格中：请在常规数值单元格中填写所显示的数（95%填95）").format(value=value))
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(format(value, ".15g"))  # Excel's 15 significant digits
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise Unreadable(_("“{value}”不是数值").format(value=value)) from None
        if not number.is_finite():
            raise Unreadable(_("“{value}”不是数值").format(value=value))
        return number  # typed as text: its own decimals
    places = _shown_places(number_format)
    if places is not None and -number.as_tuple().exponent <= places:
        number = number.quantize(Decimal(1).scaleb(-places))
    elif number == number.to_integral_value() and number.as_tuple().exponent < 0:
        number = number.quantize(Decimal(1))
    return number


def _text(value: Any, number_format: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (datetime.date, datetime.time)):
        raise Unreadable(_("{value}是日期：请按文本填写").format(value=value))
    return format(_decimal(value, number_format), "f")


def _rate(value: Any, number_format: str) -> Decimal:
    """A rate as the report prints it: 96.12, "96.12%", or a percentage cell showing 96.12%."""
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        return _decimal(value.strip()[:-1], "@")
    if "%" in (number_format or "") and isinstance(value, (int, float)) and not isinstance(value, bool):
        places = _shown_places(number_format.replace("%", "")) or 0
        return (Decimal(format(value, ".15g")) * 100).quantize(Decimal(1).scaleb(-places))
    return _decimal(value, number_format)


def _text_list(value: Any, number_format: str) -> list[str]:
    """甲、乙 (or 甲，乙 / 甲;乙) → [甲, 乙]; （无） alone → [] (stated as none)."""
    text = _text(value, number_format).strip()
    if text == L.STATED_NONE:
        return []
    return [part.strip() for part in re.split(r"[、，,；;\n]", text) if part.strip()]


def _choice(value: Any, choices: dict[str, Any], what: str) -> Any:
    text = str(value).strip()
    if text not in choices:
        raise Unreadable(_("“{value}”不是{what}（可选：{options}）").format(
            value=value, what=what, options="、".join(dict.fromkeys(k for k in choices))))
    return choices[text]


_READERS: dict[str, Callable[[Any, str], Any]] = {
    "text": _text,
    "money": _decimal,
    "int": lambda v, f: _integer(v, f),
    "number_or_text": lambda v, f: v if isinstance(v, str) else _decimal(v, f),
    "bool": lambda v, f: _choice(v, {L.YES: True, L.NO: False}, _("是/否")),
    "occurred": lambda v, f: _choice(v, {L.YES: True, L.NO: False, L.UNSTATED: None}, _("是/否/未说明")),
    "source": _text,  # one of the five values, or the report's own words
    "direction": lambda v, f: _choice(v, {**L.DIRECTIONS, **L.DIRECTION_ALIASES}, _("指标方向")),
    "indicator_kind": lambda v, f: _choice(v, {**L.KINDS, **{k: k for k in L.KINDS.values()}}, _("指标类型（定量/定性）")),
    "completion": lambda v, f: _choice(v, {c: c for c in L.COMPLETIONS}, _("完成情况")),
    "basis": lambda v, f: _choice(v, {b: b for b in T.BASES}, _("指标值设定依据")),
    "rate": _rate,
    "text_list": _text_list,
    "input": lambda v, f: _input(v, f),
}


def _input(value: Any, number_format: str) -> Any:
    """A declared input's cell as the case would write it: a number, a date (ISO text), or words;
    its declaration types it when the case is scored."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    return _rate(value, number_format) if "%" in (number_format or "") else _decimal(value, number_format)


def _integer(value: Any, number_format: str) -> int:
    number = _decimal(value, number_format)
    if number != number.to_integral_value():
        raise Unreadable(_("{value}不是整数").format(value=value))
    return int(number)


class SheetReader:
    """Reads one sheet's cells, collecting a problem for each cell it cannot read."""

    def __init__(self, book: "BookReader", ws: Worksheet):
        self.book, self.ws = book, ws
        self.anchors = {}
        for row in range(1, ws.max_row + 1):
            label = _label(ws.cell(row, 1).value)
            if label and label not in self.anchors:
                self.anchors[label] = row
        # every cell a merged range covers, but its top-left one, whose value the range shows
        self.merged: dict[str, str] = {}
        for cells in ws.merged_cells.ranges:
            for row, col in cells.cells:
                if (row, col) != (cells.min_row, cells.min_col):
                    self.merged[ws.cell(row, col).coordinate] = cells.coord

    def where(self, ref: str) -> CellLocation:
        return CellLocation(self.book.file, sheet=self.ws.title, cell=ref)

    def read(self, ref: str, kind: str, out: dict, path: tuple, lines: CellMap, prefix: tuple = ()) -> None:
        """Read cell `ref` as `kind` into `out` at `path` (skipped when empty)."""
        lines.put(prefix + path, self.where(ref))
        if ref in self.merged:
            self.book.problems.append(Problem(
                _("单元格{ref}与其他单元格合并（{range}），其值无法单独读取：请取消合并，分别填写各栏").format(
                    ref=ref, range=self.merged[ref]), self.where(ref)))
            return
        value = self.book.value(self.ws, ref)
        if value is None:
            return
        try:
            parsed = _READERS[kind](value, self.ws[ref].number_format)
        except Unreadable as exc:
            self.book.problems.append(Problem(str(exc), self.where(ref)))
            return
        target = out
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = parsed

    def row_of(self, label: str, required: bool = True) -> int | None:
        row = self.anchors.get(label)
        if row is None and required:
            self.book.problems.append(Problem(_("A列没有“{label}”这一行").format(label=label), self.where("A1")))
        return row

    def columns(self, header_row: int, headers: list[str]) -> dict[str, str]:
        """Each header label's column letter in `header_row`; a missing or repeated label is a problem."""
        found: dict[str, str] = {}
        for c in range(1, self.ws.max_column + 1):
            label = _label(self.ws.cell(header_row, c).value)
            if label in headers:
                if label in found:
                    self.book.problems.append(Problem(_("表头“{label}”出现两次").format(label=label),
                                                      self.where(f"{self.ws.cell(header_row, c).column_letter}{header_row}")))
                found.setdefault(label, self.ws.cell(header_row, c).column_letter)
        for label in headers:
            if label not in found:
                self.book.problems.append(Problem(_("表头缺少“{label}”列").format(label=label), self.where(f"A{header_row}")))
        return found

    def stated_none(self, row: int) -> bool:
        """The block's first row says “（无）”: the report states it has none."""
        return _label(self.book.value(self.ws, f"A{row}")) == L.STATED_NONE

    def listed(self, header_row: int, columns: list[L.Column], lines: CellMap, prefix: tuple) -> list[dict] | None:
        """A table's rows; None (not stated) when it has none, [] when its first row says （无）."""
        if self.stated_none(header_row + 1):
            return []
        return self.table(header_row, columns, lines, prefix) or None

    def table(self, header_row: int, columns: list[L.Column], lines: CellMap, prefix: tuple,
              offset: int = 0) -> list[dict]:
        """Rows under a header row until the next labelled block; blank rows are skipped."""
        found = self.columns(header_row, [c.header for c in columns])
        letters = {column.field: found[column.header] for column in columns if column.header in found}
        rows: list[dict] = []
        for row in range(header_row + 1, self.ws.max_row + 1):
            if _label(self.ws.cell(row, 1).value) in L.ANCHORS:
                break
            if all(self.book.value(self.ws, f"{letter}{row}") is None for letter in letters.values()):
                continue
            values: dict = {}
            index = offset + len(rows)
            lines.put(prefix + (index,), self.where(f"A{row}"))
            for column in columns:
                if column.field in letters:
                    self.read(f"{letters[column.field]}{row}", column.kind, values,
                              tuple(column.field.split(".")), lines, prefix + (index,))
            rows.append(values)
        return rows

    def texts(self, label: str) -> list[str] | None:
        """The non-empty rows of column A under an anchor, until the next anchor; None when there
        are none (not stated), [] when the first says （无）."""
        start = self.row_of(label, required=False)
        items: list[str] = []
        if start is None:
            return None
        if self.stated_none(start + 1):
            return []
        for row in range(start + 1, self.ws.max_row + 1):
            if _label(self.ws.cell(row, 1).value) in L.ANCHORS:
                break
            value = self.book.value(self.ws, f"A{row}")
            if value is not None:
                try:
                    items.append(_text(value, self.ws[f"A{row}"].number_format))
                except Unreadable as exc:
                    self.book.problems.append(Problem(str(exc), self.where(f"A{row}")))
        return items or None


def _label(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) else None


MAX_INFLATED = 20 * 1024 * 1024  # bytes a workbook may inflate to (a filled form is well under 1 MB)
MAX_CELLS = 200_000  # cells over all its sheets (a form has a few hundred; 3M took openpyxl 20 s)
MAX_CELL_TEXT = 32_767  # characters in one cell: Excel's own limit


class WorkbookTooLarge(Exception):
    """A workbook refused before openpyxl parses it; the message is the user's."""


def check_workbook_size(path: Path) -> None:
    """Refuse a zip bomb or a huge sheet fast and in bounded memory: the members' declared sizes
    first (zipfile stops at the declared size, so a lying header fails its CRC rather than
    inflating further), then the cells, counted by streaming the sheets' XML."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: load_workbook's own error says so
    with archive:
        members = archive.infolist()
        inflated = sum(member.file_size for member in members)
        if inflated > MAX_INFLATED:
            raise WorkbookTooLarge(_("工作簿解压后过大（{size}字节，上限{limit}字节），拒绝读取").format(
                size=inflated, limit=MAX_INFLATED))
        cells = 0
        for member in members:
            if not (member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")):
                continue
            tail = b""
            with archive.open(member) as stream:
                while block := stream.read(1 << 20):
                    block = tail + block
                    cells += block.count(b"<c ") + block.count(b"<c>")
                    tail = block[-2:]  # a tag cut by the block boundary is counted with the next block
                    if cells > MAX_CELLS:
                        raise WorkbookTooLarge(_("工作簿单元格过多（超过{limit}个），拒绝读取").format(limit=MAX_CELLS))


class BookReader:
    """One workbook: its cells (formulas read through their saved values) and its problems."""

    def __init__(self, path: Path, problems: list[Problem]):
        self.file = str(path)
        self.path = path
        self.problems = problems
        check_workbook_size(path)
        self.book = load_workbook(path)
        self._cached = None

    def value(self, ws: Worksheet, ref: str) -> Any:
        cell = ws[ref]
        value = cell.value
        if cell.data_type == "f":  # a formula: its value as Excel last saved it
            if self._cached is None:
                self._cached = load_workbook(self.path, data_only=True)
            value = self._cached[ws.title][ref].value
            if value is None:
                self.problems.append(Problem(_("公式没有保存的计算结果：请在Excel中打开并保存本文件，或直接填写数值"),
                                             CellLocation(self.file, sheet=ws.title, cell=ref)))
                return None
        if isinstance(value, str):
            if len(value) > MAX_CELL_TEXT:
                self.problems.append(Problem(_("单元格文字过长（{length}字，上限{limit}字）").format(
                    length=len(value), limit=MAX_CELL_TEXT), CellLocation(self.file, sheet=ws.title, cell=ref)))
                return None
            return value.strip() or None
        return value


def _project_form(sheet: SheetReader, lines: CellMap, index: int) -> dict:
    prefix = ("projects", index)
    lines.put(prefix, sheet.where("A1"))
    project: dict = {}
    for field in L.PROJECT_HEAD + L.PROJECT_EXTRA:
        row = sheet.row_of(field.label)
        if row:
            sheet.read(f"C{row}", field.kind, project, field.path, lines, prefix)
    anchor, total = sheet.row_of(L.FUNDS_ANCHOR), sheet.row_of(L.FUNDS_TOTAL)
    if anchor and total:
        letters = sheet.columns(anchor, [label for label, _path, _kind in L.FUNDS_FIELDS])
        for label, path, kind in L.FUNDS_FIELDS:
            if label in letters:
                sheet.read(f"{letters[label]}{total}", kind, project, path, lines, prefix)
        funding = _funding_lines(sheet, total, letters, lines, prefix + ("funding",))
        if funding:
            project["funding"] = funding
    _narrative(sheet, project, lines, prefix)
    _inputs(sheet, project, lines, prefix)
    header = sheet.row_of(L.INDICATORS_ANCHOR)
    if header:
        indicators = sheet.listed(header + 1, L.INDICATOR_COLUMNS, lines, prefix + ("indicators",))
        if indicators is not None:
            project["indicators"] = indicators
    return project


def _funding_lines(sheet: SheetReader, total: int, letters: dict[str, str], lines: CellMap,
                   prefix: tuple) -> list[dict]:
    """The 其中 rows under 年度资金总额, each a funding line named by its label; rows left empty
    are not stated. They are kept as stated: whether they add up is the ruleset's check."""
    stop = {f.label for f in L.PROJECT_EXTRA} | L.ANCHORS
    found: list[dict] = []
    row = total + 1
    while (label := _label(sheet.ws.cell(row, 1).value)) and label not in stop:
        line: dict = {}
        for header, key in L.LINE_FIELDS.items():
            if header in letters:
                sheet.read(f"{letters[header]}{row}", "money", line, (key,), lines, prefix + (len(found),))
        if line:
            line["name"] = label.removeprefix(L.PART_PREFIX)
            found.append(line)
        row += 1
    return found


def _narrative(sheet: SheetReader, record: dict, lines: CellMap, prefix: tuple) -> None:
    goals = sheet.row_of(L.GOALS_ANCHOR)
    if goals:
        sheet.read(f"C{goals + 1}", "text", record, ("narrative", "goals"), lines, prefix)
        sheet.read(f"F{goals + 1}", "text", record, ("narrative", "results"), lines, prefix)
    for label, key in ((L.PROBLEMS_ANCHOR, "problems"), (L.IMPROVEMENTS_ANCHOR, "improvements")):
        items = sheet.texts(label)
        if items is not None:
            record.setdefault("narrative", {})[key] = items


def _inputs(sheet: SheetReader, record: dict, lines: CellMap, prefix: tuple) -> None:
    """The 数据项 block's rows into `record["inputs"]` (key → value, each traced to its 值 cell);
    a value without a key, or a key given twice, is a problem."""
    anchor = sheet.row_of(L.INPUTS_ANCHOR, required=False)
    if anchor is None:
        return
    found = sheet.columns(anchor + 1, ["键", "值"])
    if len(found) < 2:
        return
    key_col, value_col = found["键"], found["值"]
    inputs: dict = {}
    for row in range(anchor + 2, sheet.ws.max_row + 1):
        if _label(sheet.ws.cell(row, 1).value) in L.ANCHORS:
            break
        key = sheet.book.value(sheet.ws, f"{key_col}{row}")
        if key is None:
            if sheet.book.value(sheet.ws, f"{value_col}{row}") is not None:
                sheet.book.problems.append(Problem(_("此行填了值但没有数据项的键"), sheet.where(f"{value_col}{row}")))
            continue
        key = str(key).strip()
        if key in inputs:
            sheet.book.problems.append(Problem(_("数据项的键“{key}”出现两次").format(key=key), sheet.where(f"{key_col}{row}")))
            continue
        inputs[key] = None  # a blank 值: not stated (left out below)
        sheet.read(f"{value_col}{row}", "input", inputs, (key,), lines, prefix + ("inputs",))
    stated = {key: value for key, value in inputs.items() if value is not None}
    if stated:
        record["inputs"] = stated


def _department_form(sheet: SheetReader, lines: CellMap) -> dict:
    prefix = ("department",)
    department: dict = {}
    for field in L.DEPARTMENT_FIELDS:
        row = sheet.row_of(field.label)
        if row:
            sheet.read(f"C{row}", field.kind, department, field.path, lines, prefix)
    _narrative(sheet, department, lines, prefix)
    _inputs(sheet, department, lines, prefix)
    for anchor, columns, path in ((L.VETOES_ANCHOR, L.VETO_COLUMNS, ("vetoes",)),
                                  (L.PUBLIC_LINES_ANCHOR, L.LINE_COLUMNS, ("spending", "public_lines")),
                                  (L.INDICATORS_ANCHOR, L.INDICATOR_COLUMNS, ("indicators",))):
        row = sheet.row_of(anchor, required=anchor == L.INDICATORS_ANCHOR)
        rows = sheet.listed(row + 1, columns, lines, prefix + path) if row else None
        if rows is not None:
            target = department
            for part in path[:-1]:
                target = target.setdefault(part, {})
            target[path[-1]] = rows
    counts = sheet.row_of(L.COUNTS_ANCHOR, required=False)
    if counts:
        rows = sheet.table(counts + 1, L.COUNT_COLUMNS, lines, prefix + ("declared_counts",))
        declared: dict = {}
        for row in rows:
            if "key" not in row or "count" not in row:
                sheet.book.problems.append(Problem(_("声明的数量需同时填写名称和数量"), sheet.where(f"A{counts + 1}")))
                continue
            entry = declared.setdefault(row["key"], {})
            if "part" in row:
                entry.setdefault("parts", {})[row["part"]] = row["count"]
            else:
                entry["total"] = row["count"]
        if declared:
            department["declared_counts"] = declared
    return department


def _info(sheet: SheetReader, lines: CellMap, fields: list[L.Field] = L.INFO_FIELDS) -> dict:
    data: dict = {}
    for field in fields:
        row = sheet.row_of(field.label)
        if row:
            sheet.read(f"B{row}", field.kind, data, field.path, lines)
    return data


def _same_info(data: dict, info: dict, first: CellLocation, sheet: SheetReader, problems: list[Problem]) -> None:
    """A second 基本信息 sheet fills what the first left empty; a value it gives differently is a problem."""
    for group in ("case", "department"):
        if group not in info:
            continue
        known = data.setdefault(group, {})
        for key, value in _flat(info.get(group, {})):
            target = known
            for part in key[:-1]:
                target = target.setdefault(part, {})
            if key[-1] not in target:
                target[key[-1]] = value
            elif target[key[-1]] != value:
                label = next((f.label for f in L.INFO_FIELDS if f.path == (group,) + key), ".".join(key))
                problems.append(Problem(_("{label}为“{value}”，与第一张{sheet}（{first}）的“{other}”不一致").format(
                    label=label, value=value, sheet=L.INFO, first=first, other=target[key[-1]]), sheet.where("A1")))


def _flat(values: dict, prefix: tuple = ()) -> list[tuple[tuple, Any]]:
    out: list[tuple[tuple, Any]] = []
    for key, value in values.items():
        out += _flat(value, prefix + (key,)) if isinstance(value, dict) else [(prefix + (key,), value)]
    return out


def _open_books(paths: list[str | Path], problems: list[Problem]) -> list[BookReader]:
    books = []
    for path in paths:
        path = Path(path)
        try:
            books.append(BookReader(path, problems))
        except FileNotFoundError:
            problems.append(Problem(_("文件不存在"), Location(str(path))))
        except WorkbookTooLarge as exc:
            problems.append(Problem(str(exc), Location(str(path))))
        except Exception as exc:  # not a zip, not a workbook
            problems.append(Problem(_("无法作为Excel工作簿（.xlsx）读取：{error}").format(error=exc), Location(str(path))))
    return books


CASE_FORMS = (L.PROJECT_FORM, L.DEPARTMENT_FORM, L.PROJECT_LIST)


@exact
def import_forms(paths: list[str | Path], warn: Callable[[str], None] = lambda message: None) -> Case | TargetFile:
    """Read filled workbooks into what their forms are: 自评表 into a case (`import_workbooks`),
    绩效目标申报表 into a target file. The two kinds are not read together."""
    problems: list[Problem] = []
    books = _open_books(paths, problems)
    forms = [(book, ws, _label(ws["A1"].value)) for book in books for ws in book.book.worksheets]
    targets = [(book, ws) for book, ws, title in forms if title == T.TARGET_FORM]
    if targets:
        mixed = next(((book, ws) for book, ws, title in forms if title in CASE_FORMS), None)
        if mixed:
            book, ws = mixed
            problems.append(Problem(_("{form}不能与{target}一起导入：请分别导入").format(
                form=_label(ws["A1"].value), target=T.TARGET_FORM), CellLocation(book.file, sheet=ws.title, cell="A1")))
        return _target_file(forms, paths, problems, warn)
    return _case(forms, paths, problems, warn)


@exact
def import_workbooks(paths: list[str | Path], warn: Callable[[str], None] = lambda message: None) -> Case:
    """Read filled 自评表 workbooks (one 基本信息, at most one 部门整体, any number of project forms
    and 项目清单 rows) into one validated case; raises CaseError listing every unreadable cell."""
    read = import_forms(paths, warn)
    if isinstance(read, TargetFile):
        raise CaseError([Problem(_("这是{target}，不是自评表").format(target=T.TARGET_FORM), Location(str(paths[0])))])
    return read


def _skipped(warn: Callable[[str], None], book: BookReader, ws: Worksheet, titles: tuple[str, ...],
             targets: bool = False) -> None:
    message = _("{path}:{sheet}：已跳过，不是目标申报表（A1不是{titles}之一）") if targets else \
        _("{path}:{sheet}：已跳过，不是自评表（A1不是{titles}之一）")
    warn(message.format(path=book.path, sheet=ws.title, titles="、".join(titles)))


def _no_info(paths: list, problems: list[Problem], targets: bool = False) -> None:
    message = _("没有{sheet}工作表（案例编号、单位名称、年度）") if targets else \
        _("没有{sheet}工作表（案例编号、单位名称、年度、部门编号、部门名称）")
    problems.append(Problem(message.format(sheet=L.INFO), Location(str(paths[0]))))


def _case(forms: list, paths: list, problems: list[Problem], warn: Callable[[str], None]) -> Case:
    lines = CellMap(str(paths[0]) if paths else "<input>")
    data: dict = {"projects": []}
    info_at: CellLocation | None = None
    for book, ws, title in forms:
        sheet = SheetReader(book, ws)
        if title == L.INFO:
            info = _info(sheet, lines if info_at is None else CellMap(book.file))
            if info_at is not None:  # a department and a project workbook: the same 基本信息
                _same_info(data, info, info_at, sheet, problems)
                continue
            info_at = sheet.where("A1")
            data.setdefault("case", {}).update(info.get("case", {}))
            data.setdefault("department", {}).update(info.get("department", {}))
        elif title == L.DEPARTMENT_FORM:
            if "department_form" in data:
                problems.append(Problem(_("第二张部门整体支出绩效自评表"), sheet.where("A1")))
                continue
            data["department_form"] = _department_form(sheet, lines)
        elif title == L.PROJECT_FORM:
            data["projects"].append(_project_form(sheet, lines, len(data["projects"])))
        elif title == L.PROJECT_LIST:
            data["projects"] += sheet.table(2, L.LIST_COLUMNS, lines, ("projects",), len(data["projects"]))
        elif title != L.GUIDE:
            _skipped(warn, book, ws, (L.INFO, L.PROJECT_FORM, L.DEPARTMENT_FORM, L.PROJECT_LIST))
    if paths and info_at is None:
        _no_info(paths, problems)
    if problems:
        raise CaseError(problems)
    department = data.pop("department_form", {})
    data["department"] = {**data.get("department", {}), **department}
    data = {"case": data.get("case", {}), "department": data["department"], "projects": data["projects"]}
    return case_from_data(data, lines)


def _target_form(sheet: SheetReader, lines: CellMap, index: int) -> dict:
    prefix = ("targets", index)
    lines.put(prefix, sheet.where("A1"))
    declaration: dict = {}
    for field in T.TARGET_HEAD:
        row = sheet.row_of(field.label)
        if row:
            sheet.read(f"C{row}", field.kind, declaration, field.path, lines, prefix)
    header = sheet.row_of(T.TARGET_INDICATORS_ANCHOR)
    if header:
        indicators = sheet.listed(header + 1, T.TARGET_INDICATOR_COLUMNS, lines, prefix + ("indicators",))
        if indicators:
            declaration["indicators"] = indicators
    return declaration


def _target_file(forms: list, paths: list, problems: list[Problem], warn: Callable[[str], None]) -> TargetFile:
    """基本信息 (the `case:` header) and every 绩效目标申报表 sheet, one declaration each."""
    lines = CellMap(str(paths[0]))
    data: dict = {"targets": []}
    info_at: CellLocation | None = None
    for book, ws, title in forms:
        sheet = SheetReader(book, ws)
        if title == L.INFO:
            info = _info(sheet, lines if info_at is None else CellMap(book.file), T.TARGET_INFO_FIELDS)
            if info_at is not None:
                _same_info(data, info, info_at, sheet, problems)
                continue
            info_at = sheet.where("A1")
            data["case"] = info.get("case", {})
        elif title == T.TARGET_FORM:
            data["targets"].append(_target_form(sheet, lines, len(data["targets"])))
        elif title != L.GUIDE and title not in CASE_FORMS:  # a 自评表 sheet is already a problem
            _skipped(warn, book, ws, (L.INFO, T.TARGET_FORM), targets=True)
    if info_at is None:
        _no_info(paths, problems, targets=True)
    if problems:
        raise CaseError(problems)
    return cycle_file_from_data("targets", {"case": data.get("case", {}), "targets": data["targets"]}, lines)
