"""The activities table as CSV, for clerks who paste it into their own templates."""

from __future__ import annotations

import csv
import datetime as dt
import io

from bot.exports.tables import Cell, Sheet

# Excel runs cells that start with these as formulas (CSV injection); a leading apostrophe makes
# it show them as text, which is the usual defence.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def write_csv(sheet: Sheet) -> bytes:
    """One sheet as UTF-8 CSV with a byte-order mark, which Excel needs to read Chinese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(sheet.headers)
    writer.writerows([_safe(value) for value in row] for row in sheet.rows)
    return buffer.getvalue().encode("utf-8-sig")
