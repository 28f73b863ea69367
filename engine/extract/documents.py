"""Report files → blocks of text, each with where it stands (paragraph, table cell, page).

One reader per format, all ending in the same list of `Block`s, so that everything after this
module never knows whether the report was a Word file, a PDF, a web page or plain text. A file that
cannot be read is an `InputError` with a one-line Chinese message (exit status 2).
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from jixiao.core.errors import InputError, Location, Problem
from jixiao.core.i18n import _
from jixiao.extract.numbering import marker
from jixiao.extract.portal_page import PortalPage


@dataclass(frozen=True)
class Block:
    """A paragraph, a table row or a line of a PDF page.

    `cells` are a table row's cells (a real table's, or a flattened row's split on its
    separators); `where` says in words where the block is, for the provenance comments."""

    text: str
    where: str
    cells: tuple[str, ...] = ()
    table: bool = False  # a real table row (python-docx / <tr>), not a line of running text

    def cell_where(self, index: int) -> str:
        return _("{where}第{column}列").format(where=self.where, column=index + 1) if self.table else self.where


def _error(path: Path, message: str) -> InputError:
    return InputError([Problem(message, Location(str(path)))])


_FLAT_SEPARATORS = (re.compile(r"\s*[|｜]\s*"), re.compile(r"\t+|\s{2,}|\u3000+"), re.compile(r"\s+"))


def flat_cells(text: str) -> tuple[str, ...]:
    """A flattened table row's cells: split on pipes, else on tabs or runs of spaces, else spaces."""
    for separator in _FLAT_SEPARATORS:
        cells = [cell for cell in separator.split(text.strip()) if cell]
        if len(cells) > 1 or (cells and separator is _FLAT_SEPARATORS[0] and "|" in text):
            return tuple(cells)
    return (text.strip(),) if text.strip() else ()


_CONVERSION_LEFTOVERS = re.compile(r"\[bookmark: [^\]]*\]")  # marks a .docx → text converter leaves


def _lines_to_blocks(lines: list[str], where_format: str, **where_args) -> list[Block]:
    blocks = []
    for number, line in enumerate(lines, 1):
        text = _CONVERSION_LEFTOVERS.sub("", line).strip().replace("\u00a0", " ")
        if text:
            where = where_format.format(n=number, **where_args)
            blocks.append(Block(text, where, flat_cells(text)))
    return blocks


def read_text(path: Path) -> list[Block]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _error(path, _("无法识别文件的文字编码（应为UTF-8或GB18030）"))
    lines = text.splitlines()
    if path.suffix.lower() == ".md":  # headings and quotes of Markdown: the words only
        lines = [re.sub(r"^\s*(?:#{1,6}|>)\s*", "", line) for line in lines]
    return _lines_to_blocks(lines, _("第{n}行"))


def read_docx(path: Path) -> list[Block]:
    """Paragraphs and table rows in document order (python-docx gives them separately)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise _error(path, _("无法读取Word文件：文件已损坏或不是.docx格式")) from None
    blocks: list[Block] = []
    paragraphs = tables = 0
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraphs += 1
            text = Paragraph(child, document).text.strip()
            if text:
                blocks.append(Block(text, _("第{n}段").format(n=paragraphs), flat_cells(text)))
        elif tag == "tbl":
            tables += 1
            for row_number, row in enumerate(Table(child, document).rows, 1):
                cells: list[str] = []
                previous = None
                for cell in row.cells:  # a merged cell repeats (the same element) in every column it spans
                    if cell._tc is not previous:
                        cells.append(cell.text.strip())
                    previous = cell._tc
                where = _("表{t}第{r}行").format(t=tables, r=row_number)
                blocks.append(Block(" ".join(c for c in cells if c), where, tuple(cells), table=True))
    return blocks


def read_pdf(path: Path) -> list[Block]:
    """Text PDFs only (pypdf: pure Python, reads the text layer; a scan has none to read)."""
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _error(path, _("PDF文件已加密，无法读取其文字"))
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError, NotImplementedError):
        raise _error(path, _("无法读取PDF文件：文件已损坏或已加密")) from None
    if not any(page.strip() for page in pages):
        raise _error(path, _("PDF文件没有文字层（可能是扫描件），请先进行文字识别"))
    blocks = []
    for number, page in enumerate(pages, 1):
        blocks.extend(unwrap(_lines_to_blocks(page.splitlines(), _("第{page}页第{n}行"), page=number)))
    return blocks


_SENTENCE_END = re.compile(r"[。；：！？!?;:]$")
_NUMERIC_CELL = re.compile(r"^[≥≤><=]?\d[\d,.]*%?")


def _table_like(block: Block) -> bool:
    return len(block.cells) >= 3 and sum(bool(_NUMERIC_CELL.match(c)) for c in block.cells) >= 2


def unwrap(lines: list[Block]) -> list[Block]:
    """A PDF page's lines joined back into paragraphs: a full-width line that does not end a
    sentence runs on into the next ("…年初预算数为379.04" + "万元，…"), unless the next is numbered
    (a heading or an item) or either is a table row."""
    if not lines:
        return lines
    full = 0.8 * max(len(line.text) for line in lines)
    joined = [lines[0]]
    for line in lines[1:]:
        last = joined[-1]
        runs_on = (len(last.text) >= full and not _SENTENCE_END.search(last.text) and not marker(line.text)
                   and not _table_like(last) and not _table_like(line))
        if runs_on:
            first_where = last.where.split("–")[0].removesuffix("行")  # 第1页第3–4行
            text = last.text + line.text
            joined[-1] = Block(text, f"{first_where}–{line.where.rsplit('第', 1)[-1]}", flat_cells(text))
        else:
            joined.append(line)
    return joined


def read_html(path: Path) -> list[Block]:
    raw = path.read_bytes()
    declared = re.search(rb"charset=[\"']?([\w-]+)", raw[:2048])
    encodings = [declared.group(1).decode("ascii")] if declared else []
    for encoding in encodings + ["utf-8", "gb18030"]:
        try:
            text = raw.decode(encoding)
            break
        except (UnicodeDecodeError, LookupError):
            continue
    else:
        raise _error(path, _("无法识别网页的文字编码"))
    page = PortalPage()
    page.feed(text)
    page.close()
    kept = [b for b in page.blocks if b[1]] or page.blocks
    blocks, rows = [], 0
    for number, (text, _article, cells) in enumerate(kept, 1):
        if cells is None:
            blocks.append(Block(text, _("第{n}段").format(n=number), flat_cells(text)))
        else:
            rows += 1
            blocks.append(Block(text, _("表格第{r}行").format(r=rows), cells, table=True))
    return blocks


_LABEL = re.compile(r"^[^\d，。；：:,;]{2,12}$")
_BARE_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def join_label_values(blocks: list[Block]) -> list[Block]:
    """A form printed label / value on alternate lines ("人员编制" then "128") read as one line."""
    joined: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if (following and not block.table and _LABEL.match(block.text) and _BARE_NUMBER.match(following.text)):
            text = f"{block.text} {following.text}"
            joined.append(Block(text, f"{block.where}–{following.where}", (block.text, following.text)))
            index += 2
            continue
        joined.append(block)
        index += 1
    return joined


READERS = {".txt": read_text, ".md": read_text, ".docx": read_docx, ".pdf": read_pdf, ".html": read_html,
           ".htm": read_html}


def read_document(path: str | Path) -> list[Block]:
    """The blocks of a report file, or an InputError saying in one line why it cannot be read."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise _error(path, _("不支持的文件类型 {suffix}（可用：.docx、.pdf、.txt、.md、.html）").format(
            suffix=path.suffix or _("（无扩展名）")))
    try:
        size = path.stat().st_size
    except OSError:
        raise _error(path, _("文件不存在或无法打开")) from None
    if size == 0:
        raise _error(path, _("文件为空"))
    blocks = join_label_values(reader(path))
    if not blocks:
        raise _error(path, _("文件中没有文字"))
    return blocks
