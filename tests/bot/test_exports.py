"""Exported workbooks and 社群運作紀錄 open in the readers clerks use and say the right things."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import struct
import tomllib
import zipfile
import zlib
from dataclasses import replace
from xml.etree import ElementTree

import pytest
from docx import Document
from docx.table import Table as DocxTable
from openpyxl import load_workbook

from bot.exports import (
    ActivityRow,
    CommunityRecord,
    EmptyExport,
    MemberRow,
    PhotoRef,
    export_filename,
    export_record_document,
    export_workbook,
)
from bot.exports.images import fit, read_image
from bot.i18n import LOCALES_DIR
from bot.program import Program, load_program

# --- test data ------------------------------------------------------------------------------


def png(width: int, height: int) -> bytes:
    """A valid grey PNG of the given size."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def jpeg_header(width: int, height: int) -> bytes:
    """The first segments of a JFIF JPEG, enough to read its size."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\x00" * 3
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


@pytest.fixture(scope="module")
def program() -> Program:
    return load_program()


MEMBERS = (
    MemberRow("王小明", gifted_teacher=True, subject="數學", is_convener=True, linked=True),
    MemberRow("李大華", gifted_teacher=False, subject=None, is_convener=False, linked=False),
    MemberRow("陳美玲", gifted_teacher=True, subject="自然", is_convener=False, linked=True),
)


@pytest.fixture
def record() -> CommunityRecord:
    return CommunityRecord(
        id=7,
        name="數理資優/共備社群",
        school="高雄市三民區正興國民小學",
        type_key="co_planning",
        status="approved",
        convener="王小明",
        program_year=111,
        members=MEMBERS,
        activities=(
            ActivityRow(
                day=dt.date(2022, 10, 5),
                kind_key="dialogue",
                topic="=SUM(A1) 差異化教學\x0b討論",
                attendees=("王小明", "李大華"),
                details={"duration_minutes": 90, "notes": "第一次聚會\n  下次續談\t好"},
                photos=(PhotoRef("f1", png(40, 30)), PhotoRef("f2", None)),
            ),
            ActivityRow(
                day=dt.date(2022, 9, 20),
                kind_key="public_lesson",
                topic="公開授課：數學遊戲",
                attendees=(),
                photos=(PhotoRef("f3", None),),
            ),
        ),
        progress_lines=("專業對話 1/1 ✔", "公開授課 1/1 ✔", "社群運作活動 2/4"),
        lacking="還差 2 次社群運作活動、成果分享會尚未辦理",
    )


@pytest.fixture
def curriculum(record: CommunityRecord) -> CommunityRecord:
    return replace(
        record,
        id=8,
        name="課程研創社群",
        school="高雄市立中山國民中學",
        type_key="curriculum",
        status="draft",
        activities=(
            ActivityRow(
                dt.date(2023, 7, 4), "showcase", "成果發表", ("王小明",), {"duration_minutes": 120}
            ),
        ),
        lacking="",
    )


# --- readers --------------------------------------------------------------------------------


_ODF = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
}


def odf_content(data: bytes) -> ElementTree.Element:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return ElementTree.fromstring(archive.read("content.xml"))


def _odf_tag(prefix: str, name: str) -> str:
    return f"{{{_ODF[prefix]}}}{name}"


def odf_paragraph_text(element: ElementTree.Element) -> str:
    """The text a reader shows: text:s as spaces, text:tab a tab, text:line-break a newline."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == _odf_tag("text", "s"):
            parts.append(" " * int(child.get(_odf_tag("text", "c"), "1")))
        elif child.tag == _odf_tag("text", "tab"):
            parts.append("\t")
        elif child.tag == _odf_tag("text", "line-break"):
            parts.append("\n")
        else:
            parts.append(odf_paragraph_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _paragraphs(element: ElementTree.Element) -> list[ElementTree.Element]:
    return [
        node
        for node in element.iter()
        if node.tag in (_odf_tag("text", "p"), _odf_tag("text", "h"))
    ]


def ods_tables(data: bytes) -> dict[str, list[list[str]]]:
    """Every sheet of an .ods as rows of cell texts, lines joined by newlines."""
    tables = {}
    for table in odf_content(data).iter(_odf_tag("table", "table")):
        rows = []
        for row in table.iter(_odf_tag("table", "table-row")):
            cells = []
            for cell in row.iter(_odf_tag("table", "table-cell")):
                lines = [odf_paragraph_text(p) for p in _paragraphs(cell)]
                cells.append("\n".join(lines))
            rows.append(cells)
        tables[table.get(_odf_tag("table", "name"))] = rows
    return tables


def odt_text(data: bytes) -> str:
    body = odf_content(data).find(f"{_odf_tag('office', 'body')}/{_odf_tag('office', 'text')}")
    assert body is not None
    return "\n".join(odf_paragraph_text(p) for p in _paragraphs(body))


def odt_images(data: bytes) -> list[ElementTree.Element]:
    return list(odf_content(data).iter(_odf_tag("draw", "image")))


def docx_text(data: bytes) -> str:
    """Paragraphs and table cells in document order, one per line."""
    document = Document(io.BytesIO(data))
    parts = []
    for block in document.iter_inner_content():
        if isinstance(block, DocxTable):
            for row in block.rows:
                parts.extend(cell.text for cell in row.cells)
        else:
            parts.append(block.text)
    return "\n".join(parts)


def flat_keys(path: str) -> set[str]:
    def walk(prefix: str, table: dict[str, object]) -> set[str]:
        keys = set()
        for key, value in table.items():
            full = f"{prefix}.{key}" if prefix else key
            plural = isinstance(value, dict) and set(value) <= {"one", "other", "by"}
            keys |= walk(full, value) if isinstance(value, dict) and not plural else {full}
        return keys

    with open(path, "rb") as handle:
        return walk("", tomllib.load(handle))


# --- the workbook ---------------------------------------------------------------------------


def test_ods_is_a_real_opendocument_spreadsheet(program, record):
    data = export_workbook(program, [record], "ods")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        assert "content.xml" in archive.namelist()
        manifest = archive.read("META-INF/manifest.xml").decode()
    assert 'manifest:full-path="content.xml"' in manifest


def test_ods_has_the_four_sheets_with_date_cells_and_activities_in_date_order(program, record):
    data = export_workbook(program, [record], "ods")
    tables = ods_tables(data)
    assert list(tables) == ["社群", "成員", "活動", "進度"]
    activities = tables["活動"]
    assert activities[0][:4] == ["社群編號", "學校", "社群名稱", "日期"]
    assert [row[3] for row in activities[1:]] == ["2022-09-20", "2022-10-05"]
    # Real date cells, which a clerk can sort and filter, not text that looks like a date.
    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml").decode()
    assert 'office:value-type="date"' in content and 'office:date-value="2022-09-20"' in content
    styles = zipfile.ZipFile(io.BytesIO(data)).read("styles.xml").decode()
    assert 'style:print-orientation="landscape"' in styles and 'fo:page-width="29.7cm"' in styles
    later = activities[2]
    assert later[4] == "專業對話"
    assert later[5] == "=SUM(A1) 差異化教學討論"  # the control character is dropped
    assert later[6] == "王小明、李大華"
    assert later[7] == "90"
    assert later[8:11] == ["", "", ""]  # no start/end time, place or minutes were given
    assert later[11] == "第一次聚會\n  下次續談\t好"  # spaces and tabs survive
    assert later[12] == "2"


def test_ods_communities_sheet_counts_members_and_shows_status_label(program, record):
    bookkept = replace(
        record,
        submitted_on=dt.date(2022, 9, 15),
        decided_on=dt.date(2022, 9, 28),
        documents_received={0: dt.date(2022, 9, 16), 1: dt.date(2022, 9, 23)},
        approved_amount=10000,
    )
    communities = ods_tables(export_workbook(program, [bookkept], "ods"))["社群"]
    assert communities[0] == [
        "社群編號", "學校", "社群名稱", "社群類型", "狀態", "召集人",
        "成員人數", "資優班教師人數", "已記錄活動", "尚缺",
        "送審日期", "審核日期", "審核說明", "備取順位",
        "申請計畫收件日", "核章經費概算表收件日", "核定經費（元）",
    ]  # fmt: skip
    assert communities[1] == [
        "7", "高雄市三民區正興國民小學", "數理資優/共備社群", "共備精進學習社群", "已核定",
        "王小明", "3", "2", "2", "還差 2 次社群運作活動、成果分享會尚未辦理",
        "2022-09-15", "2022-09-28", "", "", "2022-09-16", "2022-09-23", "10000",
    ]  # fmt: skip


def test_ods_members_sheet_lists_every_member_with_their_community(program, record):
    members = ods_tables(export_workbook(program, [record], "ods"))["成員"]
    assert members[1] == [
        "7", "高雄市三民區正興國民小學", "數理資優/共備社群", "王小明", "數學", "是", "是", "是",
    ]  # fmt: skip
    assert members[2][3:] == ["李大華", "", "否", "否", "否"]
    assert len(members) == 1 + len(MEMBERS)


def test_progress_sheet_counts_each_requirement_against_the_letter(program, record, curriculum):
    progress = ods_tables(export_workbook(program, [record, curriculum], "ods"))["進度"]
    assert progress[0][4:] == [
        "成員（人）", "資優班教師（人）", "社群運作活動（場）", "專業對話（場）",
        "公開授課（場）", "成果分享會（場）", "成果發表會（場）", "尚缺",
    ]  # fmt: skip
    co_planning, research = progress[1], progress[2]
    assert co_planning[4:11] == ["3/4", "2/1", "2/4", "1/1", "1/1", "0/1", "免"]
    assert research[4:11] == ["3/6", "2/2", "0/8", "0/2", "0/2", "0/1", "1/1"]
    assert research[11] == "無"


def test_a_community_of_unknown_type_still_exports(program, record):
    odd = replace(record, type_key="retired_type", status="archived")
    tables = ods_tables(export_workbook(program, [odd], "ods"))
    assert tables["社群"][1][3:5] == ["retired_type", "archived"]
    assert tables["進度"][1][4:11] == [""] * 7


def test_ods_header_is_bold_and_frozen(program, record):
    data = export_workbook(program, [record], "ods")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = archive.read("content.xml").decode()
        settings = archive.read("settings.xml").decode()
    header_cell = re.search(
        r'<table:table-cell table:style-name="(\w+)"[^>]*><text:p>社群編號', content
    )
    assert header_cell
    style = re.search(
        rf'<style:style (?=[^>]*style:name="{header_cell.group(1)}")'
        r'[^>]*style:family="table-cell"[^>]*><style:text-properties [^>]*fo:font-weight="bold"',
        content,
    )
    assert style
    assert 'config:name="VerticalSplitPosition" config:type="int">1<' in settings
    assert "style:column-width=" in content


def test_same_records_give_the_same_ods_bytes(program, record):
    assert export_workbook(program, [record], "ods") == export_workbook(program, [record], "ods")


def test_xlsx_opens_with_bold_frozen_header_and_date_cells(program, record, curriculum):
    data = export_workbook(program, [record, curriculum], "xlsx")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["社群", "成員", "活動", "進度"]
    sheet = book["活動"]
    assert sheet["A1"].value == "社群編號"
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet["D2"].value == dt.datetime(2022, 9, 20)
    assert sheet["D2"].number_format == "yyyy-mm-dd"
    # It prints on A4 landscape, one page wide.
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.column_dimensions["B"].width >= 20
    dialogue = sheet["F3"]
    assert dialogue.value == "=SUM(A1) 差異化教學討論"
    assert dialogue.data_type == "s"  # stored as text, never as a formula
    assert sheet["L3"].value == "第一次聚會\n  下次續談\t好"
    assert sheet["L3"].alignment.wrap_text
    assert sheet["H3"].value == 90
    assert book["社群"]["E3"].value == "草稿"
    assert book["進度"]["K2"].value == "免"


def test_csv_is_the_activities_table_with_a_byte_order_mark(program, record):
    data = export_workbook(program, [record], "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][3] == "日期"
    assert [row[3] for row in rows[1:]] == ["2022-09-20", "2022-10-05"]
    assert rows[2][5] == "'=SUM(A1) 差異化教學討論"  # Excel must not run it


def test_nothing_to_export_raises_empty_export(program, record):
    with pytest.raises(EmptyExport) as raised:
        export_workbook(program, [], "ods")
    assert raised.value.reason == "records"
    with pytest.raises(EmptyExport) as raised:
        export_workbook(program, [replace(record, activities=())], "csv")
    assert raised.value.reason == "activities"


def test_a_community_without_activities_still_fills_the_workbook(program, record):
    tables = ods_tables(export_workbook(program, [replace(record, activities=())], "ods"))
    assert tables["社群"][1][8] == "0"
    assert len(tables["活動"]) == 1


def test_unknown_formats_are_refused(program, record):
    with pytest.raises(ValueError):
        export_workbook(program, [record], "pdf")
    with pytest.raises(ValueError):
        export_record_document(program, record, "ods")


def test_workbook_in_english_uses_english_labels(program, record):
    book = load_workbook(io.BytesIO(export_workbook(program, [record], "xlsx", "en")))
    assert book.sheetnames == ["Communities", "Members", "Activities", "Progress"]
    sheet = book["Activities"]
    assert sheet["D2"].value == dt.datetime(2022, 9, 20)
    assert sheet["E3"].value == "professional dialogue"
    assert book["Communities"]["E2"].value == "approved"


# --- the record document --------------------------------------------------------------------


def test_odt_record_holds_header_members_activities_in_order_and_progress(program, record):
    data = export_record_document(program, record, "odt")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        pictures = [name for name in archive.namelist() if name.startswith("Pictures/")]
    assert len(pictures) == 1
    text = odt_text(data)
    # The program's name on a line of its own, so the title never breaks inside a word.
    assert f"{program.program.title}\n社群運作紀錄\n" in text
    for expected in (
        "高雄市三民區正興國民小學",
        "數理資優/共備社群",
        "共備精進學習社群",
        "王小明",
        "李大華",
        "陳美玲",
        "111年9月1日至112年7月31日",
        "已核定",
    ):
        assert expected in text
    first = text.index("1. 111年9月20日（二）　公開授課")
    second = text.index("2. 111年10月5日（三）　專業對話")
    assert first < second
    assert "王小明、李大華（共 2 人）" in text
    assert "1 小時 30 分鐘" in text
    assert "照片 1 張（Telegram 檔案）" in text
    assert "另有照片 1 張未能附上（Telegram 檔案）" in text
    assert "第一次聚會\n  下次續談\t好" in text
    assert text.index("進度摘要") > second
    assert "項目\n已辦理（場）\n應辦理（場）\n結果\n社群運作活動\n2\n4\n未達成" in text
    assert "專業對話\n1\n1\n已達成" in text
    counted = "專業對話、公開授課、其他社群運作活動"
    assert f"計入社群運作活動：{counted}；另計：成果分享會、成果發表會。" in text
    assert "尚缺：還差 2 次社群運作活動、成果分享會尚未辦理" in text
    assert "✅" not in text and "⬜" not in text and "✔" not in text
    assert len(odt_images(data)) == 1


def test_docx_record_holds_the_same_and_embeds_the_photo(program, record):
    data = export_record_document(program, record, "docx")
    document = Document(io.BytesIO(data))
    assert len(document.inline_shapes) == 1
    assert document.paragraphs[0].text == program.program.title
    assert document.paragraphs[1].text == "社群運作紀錄"
    text = docx_text(data)
    for expected in (
        "高雄市三民區正興國民小學",
        "共備精進學習社群",
        "陳美玲",
        "1. 111年9月20日（二）　公開授課",
        "2. 111年10月5日（三）　專業對話",
        "王小明、李大華（共 2 人）",
        "照片 1 張（Telegram 檔案）",
        "尚缺：還差 2 次社群運作活動、成果分享會尚未辦理",
    ):
        assert expected in text
    members = document.tables[1]
    assert [cell.text for cell in members.rows[0].cells] == [
        "序號", "姓名", "任教科目", "資優班教師", "召集人",
    ]  # fmt: skip
    assert [cell.text for cell in members.rows[1].cells] == ["1", "王小明", "數學", "是", "是"]
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0


@pytest.mark.parametrize("fmt", ["odt", "docx"])
def test_the_record_ends_with_signature_boxes_and_a_sign_in_sheet_per_meeting(
    program, record, fmt
):
    data = export_record_document(program, record, fmt)
    text = odt_text(data) if fmt == "odt" else docx_text(data)
    assert "核章\n召集人\n主任\n校長" in text
    first, second = text.index("簽到表（第 1 場）"), text.index("簽到表（第 2 場）")
    assert text.index("核章") < first < second
    sheet = text[first:second]
    assert "111年9月20日（二）" in sheet and "公開授課" in sheet
    assert "序號\n姓名\n任教科目\n簽名\n1\n王小明\n數學" in sheet
    assert "陳美玲" in sheet  # every member, not only who attended


def test_the_docx_record_says_what_it_is_and_when_it_was_made(program, record):
    document = Document(io.BytesIO(export_record_document(program, record, "docx")))
    properties = document.core_properties
    assert properties.title == f"{program.program.title} 社群運作紀錄"
    assert "python-docx" not in (properties.author + properties.comments)
    assert properties.created is not None and properties.created.year >= 2024
    assert properties.language == "zh-TW"
    # Sign-in rows leave room to sign; the signature boxes more.
    heights = [row.height.cm for table in document.tables for row in table.rows if row.height]
    assert heights and max(heights) >= 2.4


@pytest.mark.parametrize("fmt", ["odt", "docx"])
def test_a_record_without_activities_says_so(program, record, fmt):
    data = export_record_document(program, replace(record, activities=()), fmt)
    text = odt_text(data) if fmt == "odt" else docx_text(data)
    assert "活動紀錄（共 0 場）" in text
    assert "尚未記錄任何活動。" in text
    assert "進度摘要" in text


@pytest.mark.parametrize("fmt", ["odt", "docx"])
def test_photos_that_are_not_images_are_listed_not_embedded(program, record, fmt):
    broken = ActivityRow(
        dt.date(2022, 11, 1),
        "other",
        "讀書會",
        (),
        {"duration_minutes": 60},
        (PhotoRef("x", b"not a photo"),),
    )
    data = export_record_document(program, replace(record, activities=(broken,)), fmt)
    text = odt_text(data) if fmt == "odt" else docx_text(data)
    assert "照片 1 張（Telegram 檔案）" in text


def test_record_in_english(program, record):
    text = docx_text(export_record_document(program, record, "docx", "en"))
    assert f"{program.program.title_en}\nCommunity Operation Record" in text
    assert "Tue 20 September 2022, public lesson" in text
    assert "Still lacking: " in text


def test_record_document_of_500_activities_is_built(program, record):
    many = tuple(
        ActivityRow(
            dt.date(2022, 9, 1) + dt.timedelta(days=i % 300),
            "dialogue",
            f"主題{i}",
            ("王小明",),
            {"duration_minutes": 60},
            (PhotoRef(str(i), png(8, 6)),),
        )
        for i in range(500)
    )
    data = export_record_document(program, replace(record, activities=many), "docx")
    assert len(Document(io.BytesIO(data)).inline_shapes) == 500


# --- file names, catalogue, images ----------------------------------------------------------


def test_file_names_follow_the_bureau_style_and_drop_forbidden_characters(program, record):
    assert export_filename("workbook", program, "ods") == "111學年度資優社群_總表.ods"
    assert export_filename("workbook", program, "xlsx") == "111學年度資優社群_總表.xlsx"
    assert export_filename("workbook", program, "csv") == "111學年度資優社群_活動紀錄.csv"
    name = export_filename("record", program, "odt", record)
    assert name == "社群運作紀錄_高雄市三民區正興國民小學_數理資優共備社群.odt"
    odd = replace(record, school='a:b*?"<>|\\', name="  ..  ")
    assert export_filename("record", program, "docx", odd) == "社群運作紀錄_ab_.docx"
    long = replace(record, name="長" * 200)
    assert len(export_filename("record", program, "odt", long).encode()) < 255
    with pytest.raises(ValueError):
        export_filename("record", program, "odt")


def test_both_catalogues_have_the_same_export_keys():
    chinese = flat_keys(str(LOCALES_DIR / "zh-TW" / "exports.toml"))
    english = flat_keys(str(LOCALES_DIR / "en" / "exports.toml"))
    assert chinese == english
    assert {"status.draft", "status.submitted", "status.approved", "status.rejected"} <= chinese


def test_images_are_sized_from_their_headers():
    image = read_image(png(40, 30))
    assert image is not None and (image.mime, image.width, image.height) == ("image/png", 40, 30)
    jpeg = read_image(jpeg_header(1280, 960))
    assert jpeg is not None and (jpeg.extension, jpeg.width, jpeg.height) == ("jpg", 1280, 960)
    assert read_image(b"GIF89a....") is None
    assert read_image(b"\xff\xd8\xff\xda") is None
    assert fit(jpeg, 12.0, 9.0) == (12.0, 9.0)
    tall = read_image(png(10, 40))
    assert tall is not None and fit(tall, 12.0, 9.0) == (2.25, 9.0)


def test_a_jpeg_photo_embeds_in_word(program, record):
    activity = replace(record.activities[0], photos=(PhotoRef("j", jpeg_header(800, 600)),))
    data = export_record_document(program, replace(record, activities=(activity,)), "docx")
    shape = Document(io.BytesIO(data)).inline_shapes[0]
    assert round(shape.width.cm, 1) == 12.0


def test_a_jpeg_without_a_jfif_or_exif_header_still_embeds_in_word(program, record):
    """Some cameras and converters write a JPEG with neither header: it is a photo all the same."""
    bare = jpeg_header(800, 600)[:2] + jpeg_header(800, 600)[2 + 18 :]  # APP0 left out
    activity = replace(record.activities[0], photos=(PhotoRef("j", bare),))
    data = export_record_document(program, replace(record, activities=(activity,)), "docx")
    document = Document(io.BytesIO(data))
    assert len(document.inline_shapes) == 1
    assert "Telegram 檔案" not in "\n".join(p.text for p in document.paragraphs)
