"""The self-evaluation report as a Word document, rendered from the `Report` document model.

The words are the report model's (the same as the Markdown draft); this module only lays them out
as a Chinese official document is laid out: 宋体 body with a two-character first-line indent,
黑体 headings, grid tables whose header row repeats on each page, list items numbered at the level
after their heading's (一、 → （一） → 1. → （1）).
The same report always gives the same bytes (fixed document dates, fixed zip member dates).
"""
from __future__ import annotations

import io
import re

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from wcwidth import wcswidth

from jixiao.core.office import FIXED_TIME, stable_zip, write_bytes
from jixiao.outputs.report_model import BulletList, Paragraph, Report, Table, item_number

BODY_FONT, HEADING_FONT = "宋体", "黑体"
TEXT_WIDTH_CM = 21 - 2 * 2.8  # A4 less the margins
NUMERIC = re.compile(r"^[-+]?[\d,]+(\.\d+)?%?(/\d+)?$")


def _fonts(style, east_asian: str, size: float | None = None, bold: bool | None = None) -> None:
    """Set a style's fonts; Word needs the East Asian font named separately (w:eastAsia)."""
    style.font.name = "Times New Roman"
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)


def _setup(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.left_margin = section.right_margin = Cm(2.8)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    styles = document.styles
    _fonts(styles["Normal"], BODY_FONT, 12)
    styles["Normal"].paragraph_format.line_spacing = 1.5
    _fonts(styles["Title"], HEADING_FONT, 18, bold=True)
    for level, size in ((1, 16), (2, 14), (3, 12)):
        _fonts(styles[f"Heading {level}"], HEADING_FONT, size, bold=True)
    core = document.core_properties
    core.author = core.last_modified_by = "jixiao"
    core.created = core.modified = core.last_printed = FIXED_TIME
    core.revision = 1


def _repeat_header(row) -> None:
    """Mark a table row as the header row Word repeats at the top of each page."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _cell_text(cell, text: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.first_line_indent = None
    paragraph.paragraph_format.line_spacing = 1.0
    paragraph.paragraph_format.space_after = Pt(0)
    if bold:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif NUMERIC.match(text.strip()):
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.font.size = Pt(10.5)  # 五号
    run.bold = bold


def _widths(block: Table, total_cm: float) -> list[float]:
    """Column widths: each column as wide as its longest text (a CJK character is two half-width
    cells of about 0.19 cm at 五号), at least 1.4 cm; when that is too wide for the page, only the
    columns of long text (wider than 2.6 cm) give up room, so numbers are not broken across lines."""
    natural = []
    for i, header in enumerate(block.headers):
        texts = [header[:4]] + [row[i] for row in block.rows if i < len(row)]  # long headers wrap
        natural.append(max(1.4, max(wcswidth(t) for t in texts) * 0.19 + 0.4))
    if sum(natural) <= total_cm:
        spare = total_cm - sum(natural)
        return [w + spare * w / sum(natural) for w in natural]
    fixed = [w for w in natural if w <= 2.6]
    flexible = [w for w in natural if w > 2.6]
    room = total_cm - sum(fixed)
    if room >= 1.8 * len(flexible):  # share the room in proportion, at least 1.8 cm each
        share = [max(1.8, w * room / sum(flexible)) for w in flexible]
        scale = room / sum(share)
        share = iter([w * scale for w in share])
        return [w if w <= 2.6 else next(share) for w in natural]
    return [w * total_cm / sum(natural) for w in natural]  # too many columns: shrink all alike


def _table(document, block: Table) -> None:
    table = document.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = _widths(block, TEXT_WIDTH_CM)
    for cell, header in zip(table.rows[0].cells, block.headers):
        _cell_text(cell, header, bold=True)
    _repeat_header(table.rows[0])
    for values in block.rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values):
            _cell_text(cell, text)
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)  # the grid, which LibreOffice reads; Word reads the cells
        for cell in column.cells:
            cell.width = Cm(width)
    document.add_paragraph()  # space after the table


def _paragraph(document, text: str) -> None:
    paragraph = document.add_paragraph(text)
    paragraph.paragraph_format.first_line_indent = Pt(24)  # two characters of 小四


def render_docx(report: Report) -> bytes:
    """The report as .docx bytes."""
    document = Document()
    _setup(document)
    title = document.add_paragraph(report.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for section in report.sections:
        document.add_heading(section.heading, level=min(max(section.level, 1), 3))
        for block in section.blocks:
            if isinstance(block, Paragraph):
                _paragraph(document, block.text)
            elif isinstance(block, Table):
                _table(document, block)
            elif isinstance(block, BulletList):
                for i, item in enumerate(block.items, 1):
                    _paragraph(document, item_number(section.level, i) + item)
    buffer = io.BytesIO()
    document.save(buffer)
    return stable_zip(buffer.getvalue())


# ---- the 自评表 tables, appended to the Word report -------------------------------------------

def write_docx(report: Report, path) -> None:
    write_bytes(path, render_docx(report))
