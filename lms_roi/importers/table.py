"""Reading CSV and XLSX files into header + numbered rows of trimmed strings."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from flask_babel import gettext as _

from .issues import ImportIssue, ImportRejected


@dataclass
class Table:
    """A file's header and its non-blank rows, each with its 1-based line/row number."""

    filename: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]


def read_table(content: bytes, filename: str) -> Table:
    """Parse ``content`` as XLSX (by name or magic bytes) or CSV (``,`` ``;`` or tab)."""
    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        return _read_xlsx(content, filename)
    return _read_csv(content, filename)


def _reject(filename: str, message: str, fix: str) -> ImportRejected:
    return ImportRejected([ImportIssue(filename, 1, "-", message, fix)])


def _read_csv(content: bytes, filename: str) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _reject(
            filename,
            _("the file is not UTF-8 text (byte %(byte)s)", byte=error.start),
            _("save it as 'CSV UTF-8' (Excel) or 'Text CSV, UTF-8' (LibreOffice)"),
        ) from error
    first_line = text.split("\n", 1)[0]
    # French-locale spreadsheets write ';'; pick the separator the header uses most.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip() for cell in next(reader)]
    except StopIteration as error:
        raise _reject(
            filename, _("the file is empty"), _("add a header row and data rows")
        ) from error
    rows = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, _as_record(header, row)))
    except csv.Error as error:
        raise ImportRejected(
            [
                ImportIssue(
                    filename,
                    reader.line_num,
                    "-",
                    _("the CSV is malformed: %(error)s", error=error),
                    _("check the quotes on that line"),
                )
            ]
        ) from error
    return Table(filename, header, rows)


def _read_xlsx(content: bytes, filename: str) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise _reject(
            filename,
            _("the file is not a readable XLSX workbook (%(error)s)", error=type(error).__name__),
            _("save it again as .xlsx, or export it as CSV UTF-8"),
        ) from error
    try:
        sheet = workbook.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header_cells = next(values, None)
        if header_cells is None:
            raise _reject(filename, _("the first sheet is empty"), _("put the header in row 1"))
        header = [_cell_text(cell) for cell in header_cells]
        while header and not header[-1]:
            header.pop()
        rows = []
        for number, row in enumerate(values, start=2):
            cells = [_cell_text(cell) for cell in row]
            if any(cells):
                rows.append((number, _as_record(header, cells)))
    finally:
        workbook.close()
    return Table(filename, header, rows)


def _cell_text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.date().isoformat() if cell.time() == datetime.min.time() else cell.isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _as_record(header: list[str], cells: list[str]) -> dict[str, str]:
    record = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        record["\0extra"] = "1"
    return record


def read_path(path: str | Path) -> Table:
    """Read a file from disk (the name shown in errors is the path given)."""
    path = Path(path)
    return read_table(path.read_bytes(), str(path))
