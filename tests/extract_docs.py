"""Test helper: the report files the extract tests read, written from the texts in
tests/data/extract/ — Word files with real tables (python-docx), text PDFs, encrypted and
image-only PDFs (reportlab, whose built-in CJK font needs no font file)."""
from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data" / "extract"


def write_docx(lines: list[str], path: Path) -> Path:
    """Paragraphs, and each 自评表 (项目名称 row … 总分 row) as a real Word table, one cell a word."""
    import docx

    document = docx.Document()
    table_rows: list[list[str]] | None = None
    for line in lines + [""]:
        if line.startswith("项目名称"):
            table_rows = []
        if table_rows is not None and line.strip():
            table_rows.append(line.split())
            if not line.startswith("总分"):
                continue
        if table_rows:
            width = max(len(row) for row in table_rows)
            table = document.add_table(rows=len(table_rows), cols=width)
            for r, row in enumerate(table_rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
            table_rows = None
            continue
        if line.strip():
            document.add_paragraph(line)
    document.save(str(path))
    return path


def _canvas(path: Path, **options):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return canvas.Canvas(str(path), **options)


def write_pdf(lines: list[str], path: Path, encrypt: str | None = None) -> Path:
    """A text PDF, one line of text a line of the page; a line "\\f" starts a new page."""
    pdf = _canvas(path, encrypt=encrypt)
    y = 800
    pdf.setFont("STSong-Light", 10)
    for line in lines:
        if line == "\\f":
            pdf.showPage()
            pdf.setFont("STSong-Light", 10)
            y = 800
            continue
        pdf.drawString(30, y, line)
        y -= 14
    pdf.save()
    return path


def write_image_only_pdf(path: Path) -> Path:
    """A "scan": a page with a drawing and no text layer."""
    pdf = _canvas(path)
    pdf.rect(50, 500, 300, 200, fill=1)
    pdf.save()
    return path
