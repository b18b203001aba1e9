"""The summary workbook as Excel (.xlsx), for schools whose clerks work in Excel."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from bot.exports.tables import Sheet, needs_wrap, wrap_limits

_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
DATE_FORMAT = "yyyy-mm-dd"


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as the bytes of an .xlsx file."""
    # Write-only mode streams rows to disk-backed XML; the normal mode keeps a Python object per
    # cell and is several times slower for a year of activities.
    book = Workbook(write_only=True)
    for sheet in sheets:
        ws = book.create_sheet(title=sheet.name)
        for index, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        # A4 landscape, as many pages down as needed but one page across: a clerk's printout
        # keeps each row on one sheet of paper.
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        header = []
        for title in sheet.headers:
            cell = WriteOnlyCell(ws, value=title)
            cell.font = _BOLD
            header.append(cell)
        ws.append(header)
        limits = wrap_limits(sheet)
        for row in sheet.rows:
            values: list[object] = list(row)
            for index, value in enumerate(row):
                if isinstance(value, dt.date):
                    cell = WriteOnlyCell(ws, value=value)
                    cell.number_format = DATE_FORMAT
                    values[index] = cell
                    continue
                if not isinstance(value, str) or not value:
                    continue
                wrap = needs_wrap(value, limits[index])
                # openpyxl would store text that starts with "=" as a formula: a topic like
                # "=教案討論" must stay text, and a typed formula must never run on a clerk's PC.
                if wrap or value[0] == "=":
                    cell = WriteOnlyCell(ws, value=value)
                    cell.data_type = "s"
                    if wrap:
                        cell.alignment = _WRAP
                    values[index] = cell
            ws.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
