"""Exporting the program's records as files the Education Bureau accepts (ODF first, Excel too).

Pure functions: plain dataclasses in, file bytes out; no Telegram and no database.

- :func:`export_workbook` gives the summary workbook with the sheets 社群, 成員, 活動 and 進度
  (.ods or .xlsx), or the 活動 table alone as .csv. CSV holds one table by nature, and the
  activities are the one table clerks paste into their own templates; whoever wants every sheet
  takes the .ods or .xlsx.
- :func:`export_record_document` gives one community's 社群運作紀錄 (.odt or .docx).
- :func:`export_filename` names either file.

The workbook's dates are date cells shown in the ROC calendar (in the documents, ROC text:
111/10/05（三）). The 進度 sheet has one cell per
requirement (done/required) so that clerks can filter: activity counts come from
:mod:`bot.progress`, as in chat, and member counts from the member list; its "still lacking"
column repeats the caller's verdict (``CommunityRecord.lacking``).

Communities appear in the order given; activities in date order. Texts in ``progress_lines`` and
``lacking`` must be plain text (no HTML markup). Big exports take a second or more of CPU, so
async handlers should call these through ``asyncio.to_thread``; a record with many downloaded
photos can outgrow what a bot may upload (50 MB), so callers may pass ``data=None`` beyond a few.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.exports.labels import Labels
from bot.exports.records import (
    ActivityRow,
    CommunityRecord,
    EmptyExport,
    MemberRow,
    PhotoRef,
)
from bot.exports.text import safe_filename
from bot.program import Program

# The file writers (openpyxl, python-docx, odfdo) load only when a file is written: importing
# them costs a third of a second, which the bot's start-up should not pay.

__all__ = [
    "DOCUMENT_FORMATS",
    "MEDIA_TYPES",
    "WORKBOOK_FORMATS",
    "ActivityRow",
    "CommunityRecord",
    "EmptyExport",
    "MemberRow",
    "PhotoRef",
    "export_filename",
    "export_record_archive",
    "export_record_document",
    "export_workbook",
]

WORKBOOK_FORMATS = ("ods", "xlsx", "csv")
DOCUMENT_FORMATS = ("odt", "docx")
MEDIA_TYPES = {
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv",
    "zip": "application/zip",
}


def export_workbook(
    program: Program, records: Sequence[CommunityRecord], fmt: str, language: str = "zh-TW"
) -> bytes:
    """The summary of all communities as .ods, .xlsx or (activities only) .csv bytes."""
    if fmt not in WORKBOOK_FORMATS:
        raise ValueError(f"workbook format must be one of {WORKBOOK_FORMATS}, not {fmt!r}")
    if not records:
        raise EmptyExport("records")
    from bot.exports.tables import activities_sheet, workbook_sheets

    labels = Labels(program, language)
    if fmt == "csv":
        from bot.exports.csv_file import write_csv

        sheet = activities_sheet(labels, records)
        if not sheet.rows:
            raise EmptyExport("activities")
        return write_csv(sheet)
    sheets = workbook_sheets(labels, records)
    if fmt == "ods":
        from bot.exports.ods_file import write_ods

        return write_ods(sheets)
    from bot.exports.xlsx_file import write_xlsx

    return write_xlsx(sheets)


def export_record_document(
    program: Program, record: CommunityRecord, fmt: str, language: str = "zh-TW"
) -> bytes:
    """One community's 社群運作紀錄 as .odt or .docx bytes; valid even before any activity."""
    return _write_document(program, [record], fmt, language)


def _write_document(
    program: Program, records: Sequence[CommunityRecord], fmt: str, language: str
) -> bytes:
    """The records one after another in one .odt or .docx, each from a new page."""
    if fmt not in DOCUMENT_FORMATS:
        raise ValueError(f"document format must be one of {DOCUMENT_FORMATS}, not {fmt!r}")
    from bot.exports.document import Block, PageBreak, record_blocks

    labels = Labels(program, language)
    blocks: list[Block] = []
    for number, record in enumerate(records):
        if number:
            blocks.append(PageBreak())
        blocks += record_blocks(labels, record)
    if fmt == "odt":
        from bot.exports.odt_file import write_odt

        return write_odt(blocks)
    from bot.exports.docx_file import write_docx

    return write_docx(blocks)


def export_record_archive(
    program: Program, records: Sequence[CommunityRecord], fmt: str, language: str = "zh-TW"
) -> bytes:
    """Every community's 社群運作紀錄 (.odt or .docx) in one .zip, each under its own name, and
    all of them in one combined document (合訂本) to print or file at once.

    Photos are embedded when the records carry their bytes (callers pass those the bot keeps;
    downloading every Telegram photo of every community would take minutes).
    """
    if not records:
        raise EmptyExport("records")
    import io
    import zipfile

    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for record in records:
            name = export_filename("record", program, fmt, record, language=language)
            stem, _, extension = name.rpartition(".")
            number = 1
            while name in used:
                number += 1
                name = f"{stem} ({number}).{extension}"
            used.add(name)
            archive.writestr(name, export_record_document(program, record, fmt, language))
        combined = Labels(program, language)("file.combined", year=program.program.year)
        archive.writestr(
            f"{safe_filename(combined, 'records')}.{fmt}",
            _write_document(program, records, fmt, language),
        )
    return buffer.getvalue()


def export_filename(
    kind: str,
    program: Program,
    fmt: str,
    record: CommunityRecord | None = None,
    *,
    language: str = "zh-TW",
) -> str:
    """The file name to send for ``kind`` "workbook" (總表, or 活動紀錄 for .csv), "record" or
    "records" (every community's record, a .zip)."""
    labels = Labels(program, language)
    year = program.program.year
    if kind == "workbook":
        key = "file.activities" if fmt == "csv" else "file.workbook"
        stem = labels(key, year=year)
    elif kind == "records":
        stem = labels("file.records", year=year)
        fmt = "zip"
    elif kind == "record":
        if record is None:
            raise ValueError("a record file name needs the record")
        stem = labels("file.record", school=record.school, name=record.name)
    else:
        raise ValueError(f"kind must be 'workbook', 'record' or 'records', not {kind!r}")
    extension = safe_filename(fmt.lower(), "bin")
    return f"{safe_filename(stem, labels('file.fallback'))}.{extension}"
