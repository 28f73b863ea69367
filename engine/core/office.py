"""Byte-identical Office files: the same content always gives the same .xlsx/.docx bytes.

Office files are zip archives; zipfile stamps every member with the current time and the
libraries stamp "created/modified" into docProps/core.xml. We fix the document dates (callers set
them to FIXED_TIME) and rewrite the archive with a fixed member date, keeping order and content.
"""
from __future__ import annotations

import datetime
import io
import zipfile

FIXED_TIME = datetime.datetime(2000, 1, 1, 0, 0, 0)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def stable_zip(data: bytes) -> bytes:
    """The same archive with every member dated 1980-01-01 and stored in the same order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


def save_workbook(workbook, path) -> None:
    """Save an openpyxl workbook with fixed dates, so the same input gives the same bytes."""
    from openpyxl.writer.excel import ExcelWriter

    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    workbook.properties.creator = "jixiao"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    write_bytes(path, stable_zip(buffer.getvalue()))


def write_bytes(path, data: bytes) -> None:
    if hasattr(path, "write"):
        path.write(data)
    else:
        with open(path, "wb") as handle:
            handle.write(data)
