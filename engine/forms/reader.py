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
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.records.cases import case_from_data
from jixiao.core.decimals import exact
from jixiao.core.errors import CaseError, Location, Problem
from jixiao.records.model import Case
from jixiao.core.yamlsource import LineMap
from jixiao.forms import layout as L


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
        raise Unreadable(f"{'TRUE' if value else 'FALSE'} is not a number")
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        raise Unreadable(f"{value} is a date or time, not a number (format the cell as a number)")
    if "%" in (number_format or ""):
        raise Unreadable(f"{value!r} is in a percentage cell; enter the number shown (95 for 95%) in a plain number cell")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(format(value, ".15g"))  # Excel's 15 significant digits
    else:
        text = str(value).strip().replace(",", "").replace("，", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise Unreadable(f'"{value}" is not a number') from None
        if not number.is_finite():
            raise Unreadable(f'"{value}" is not a number')
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
        raise Unreadable(f"{value} is a date; enter it as text")
    return format(_decimal(value, number_format), "f")


def _choice(value: Any, choices: dict[str, Any], what: str) -> Any:
    text = str(value).strip()
    if text not in choices:
        raise Unreadable(f'"{value}" is not a {what} (one of {", ".join(dict.fromkeys(k for k in choices))})')
    return choices[text]


_READERS: dict[str, Callable[[Any, str], Any]] = {
    "text": _text,
    "money": _decimal,
    "int": lambda v, f: _integer(v, f),
    "number_or_text": lambda v, f: v if isinstance(v, str) else _decimal(v, f),
    "bool": lambda v, f: _choice(v, {L.YES: True, L.NO: False}, "是/否 value"),
    "occurred": lambda v, f: _choice(v, {L.YES: True, L.NO: False, L.UNSTATED: None}, "是/否/未说明 value"),
    "source": lambda v, f: _choice(v, {s: s for s in L.SOURCES}, "资金来源"),
    "direction": lambda v, f: _choice(v, {**L.DIRECTIONS, **L.DIRECTION_ALIASES}, "指标方向"),
    "indicator_kind": lambda v, f: _choice(v, {**L.KINDS, **{k: k for k in L.KINDS.values()}}, "指标类型 (定量/定性)"),
}


def _integer(value: Any, number_format: str) -> int:
    number = _decimal(value, number_format)
    if number != number.to_integral_value():
        raise Unreadable(f"{value!r} is not a whole number")
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

    def where(self, ref: str) -> CellLocation:
        return CellLocation(self.book.file, sheet=self.ws.title, cell=ref)

    def read(self, ref: str, kind: str, out: dict, path: tuple, lines: CellMap, prefix: tuple = ()) -> None:
        """Read cell `ref` as `kind` into `out` at `path` (skipped when empty)."""
        lines.put(prefix + path, self.where(ref))
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
            self.book.problems.append(Problem(f"no row labelled “{label}” in column A", self.where("A1")))
        return row

    def table(self, header_row: int, columns: list[L.Column], lines: CellMap, prefix: tuple,
              offset: int = 0) -> list[dict]:
        """Rows under a header row until the next labelled block; blank rows are skipped."""
        found = {_label(self.ws.cell(header_row, c).value): c for c in range(1, self.ws.max_column + 1)}
        letters = {}
        for column in columns:
            if column.header not in found:
                self.book.problems.append(Problem(f"the table has no column “{column.header}”",
                                                  self.where(f"A{header_row}")))
            else:
                letters[column.field] = self.ws.cell(header_row, found[column.header]).column_letter
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

    def texts(self, label: str) -> list[str]:
        """The non-empty rows of column A under an anchor, until the next anchor."""
        start = self.row_of(label, required=False)
        items: list[str] = []
        if start is None:
            return items
        for row in range(start + 1, self.ws.max_row + 1):
            if _label(self.ws.cell(row, 1).value) in L.ANCHORS:
                break
            value = self.book.value(self.ws, f"A{row}")
            if value is not None:
                try:
                    items.append(_text(value, self.ws[f"A{row}"].number_format))
                except Unreadable as exc:
                    self.book.problems.append(Problem(str(exc), self.where(f"A{row}")))
        return items


def _label(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) else None


class BookReader:
    """One workbook: its cells (formulas read through their saved values) and its problems."""

    def __init__(self, path: Path, problems: list[Problem]):
        self.file = str(path)
        self.path = path
        self.problems = problems
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
                self.problems.append(Problem("a formula without a saved value: open and save the file in Excel, "
                                             "or enter the number", CellLocation(self.file, sheet=ws.title, cell=ref)))
                return None
        if isinstance(value, str):
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
    total = sheet.row_of(L.FUNDS_TOTAL)
    if total:
        for col, path in L.FUNDS_FIELDS:
            sheet.read(f"{col}{total}", "money", project, path, lines, prefix)
        _check_parts(sheet, total, project)
    _narrative(sheet, project, lines, prefix)
    header = sheet.row_of(L.INDICATORS_ANCHOR)
    if header:
        project["indicators"] = sheet.table(header + 1, L.INDICATOR_COLUMNS, lines, prefix + ("indicators",))
    return project


def _check_parts(sheet: SheetReader, total: int, project: dict) -> None:
    """其中 rows are not kept apart (the case has no field for them), so they must add up to the
    年度资金总额 row; a part without a total is not summed silently."""
    for col, path in L.FUNDS_FIELDS:
        parts: dict = {}
        for r in range(total + 1, total + 1 + len(L.FUNDS_PARTS)):
            sheet.read(f"{col}{r}", "money", parts, (str(r),), CellMap(sheet.book.file))
        if not parts:
            continue
        stated = project
        for part in path:
            stated = stated.get(part) if isinstance(stated, dict) else None
        added = sum(parts.values(), Decimal(0))
        if stated is None:
            sheet.book.problems.append(Problem(
                f"{L.FUNDS_TOTAL} is empty but its 其中 rows are filled (they add up to {added}); enter the total",
                sheet.where(f"{col}{total}")))
        elif added != stated:
            sheet.book.problems.append(Problem(
                f"the 其中 rows add up to {added}, not to {L.FUNDS_TOTAL} {stated}", sheet.where(f"{col}{total}")))


def _narrative(sheet: SheetReader, record: dict, lines: CellMap, prefix: tuple) -> None:
    goals = sheet.row_of(L.GOALS_ANCHOR)
    if goals:
        sheet.read(f"C{goals + 1}", "text", record, ("narrative", "goals"), lines, prefix)
        sheet.read(f"F{goals + 1}", "text", record, ("narrative", "results"), lines, prefix)
    for label, key in ((L.PROBLEMS_ANCHOR, "problems"), (L.IMPROVEMENTS_ANCHOR, "improvements")):
        items = sheet.texts(label)
        if items:
            record.setdefault("narrative", {})[key] = items


def _department_form(sheet: SheetReader, lines: CellMap) -> dict:
    prefix = ("department",)
    department: dict = {}
    for field in L.DEPARTMENT_FIELDS:
        row = sheet.row_of(field.label)
        if row:
            sheet.read(f"C{row}", field.kind, department, field.path, lines, prefix)
    _narrative(sheet, department, lines, prefix)
    vetoes = sheet.row_of(L.VETOES_ANCHOR, required=False)
    if vetoes:
        department["vetoes"] = sheet.table(vetoes + 1, L.VETO_COLUMNS, lines, prefix + ("vetoes",))
    counts = sheet.row_of(L.COUNTS_ANCHOR, required=False)
    if counts:
        rows = sheet.table(counts + 1, L.COUNT_COLUMNS, lines, prefix + ("declared_counts",))
        department["declared_counts"] = {}
        for row in rows:
            if "key" not in row or "count" not in row:
                sheet.book.problems.append(Problem("a declared count needs both a name and a number",
                                                   sheet.where(f"A{counts + 1}")))
                continue
            department["declared_counts"][row["key"]] = row["count"]
    header = sheet.row_of(L.INDICATORS_ANCHOR)
    if header:
        department["indicators"] = sheet.table(header + 1, L.INDICATOR_COLUMNS, lines, prefix + ("indicators",))
    return department


def _info(sheet: SheetReader, lines: CellMap) -> dict:
    data: dict = {}
    for field in L.INFO_FIELDS:
        row = sheet.row_of(field.label)
        if row:
            sheet.read(f"B{row}", field.kind, data, field.path, lines)
    return data


@exact
def import_workbooks(paths: list[str | Path], warn: Callable[[str], None] = lambda message: None) -> Case:
    """Read filled workbooks (one 基本信息, at most one 部门整体, any number of project forms and
    项目清单 rows) into one validated case; raises CaseError listing every unreadable cell."""
    problems: list[Problem] = []
    lines = CellMap(str(paths[0]) if paths else "<input>")
    data: dict = {"projects": []}
    info_at: CellLocation | None = None
    for path in paths:
        path = Path(path)
        try:
            book = BookReader(path, problems)
        except FileNotFoundError:
            problems.append(Problem("file not found", Location(str(path))))
            continue
        except Exception as exc:  # not a zip, not a workbook
            problems.append(Problem(f"cannot read as an Excel workbook (.xlsx): {exc}", Location(str(path))))
            continue
        for ws in book.book.worksheets:
            title = _label(ws["A1"].value)
            sheet = SheetReader(book, ws)
            if title == L.INFO:
                if info_at is not None:
                    problems.append(Problem(f"a second {L.INFO} sheet (the first is {info_at})", sheet.where("A1")))
                    continue
                info_at = sheet.where("A1")
                info = _info(sheet, lines)
                data.setdefault("case", {}).update(info.get("case", {}))
                data.setdefault("department", {}).update(info.get("department", {}))
            elif title == L.DEPARTMENT_FORM:
                if "department_form" in data:
                    problems.append(Problem("a second department form", sheet.where("A1")))
                    continue
                data["department_form"] = _department_form(sheet, lines)
            elif title == L.PROJECT_FORM:
                data["projects"].append(_project_form(sheet, lines, len(data["projects"])))
            elif title == L.PROJECT_LIST:
                data["projects"] += sheet.table(2, L.LIST_COLUMNS, lines, ("projects",), len(data["projects"]))
            elif title == L.GUIDE:
                continue
            else:
                warn(f"{path}:{ws.title}: skipped — not a 自评表 sheet (A1 is not one of "
                     f"{L.INFO}, {L.PROJECT_FORM}, {L.DEPARTMENT_FORM}, {L.PROJECT_LIST})")
    if paths and info_at is None:
        problems.append(Problem(f"no {L.INFO} sheet (案例编号, 单位名称, 年度, 部门编号, 部门名称)", Location(str(paths[0]))))
    if problems:
        raise CaseError(problems)
    department = data.pop("department_form", {})
    data["department"] = {**data.get("department", {}), **department}
    data = {"case": data.get("case", {}), "department": data["department"], "projects": data["projects"]}
    return case_from_data(data, lines)
