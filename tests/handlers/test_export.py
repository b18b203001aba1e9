"""/export: staff get the workbook (.ods/.xlsx/.csv) and any 社群運作紀錄; conveners their own."""

from __future__ import annotations

import datetime as dt
import io
import secrets
import zipfile

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select
from support import ADMIN_ID, TEACHER_ID, BotUnderTest

from db import photos
from db.models import Activity, Community, CommunityStatus, Member, School, User

CONVENER_ID = 20001
OTHER_CONVENER_ID = 20002


async def add_community(
    bot: BotUnderTest,
    convener_id: int,
    *,
    name: str = "數學資優共備社群",
    school: str = "高雄市立左營高級中學",
    activities: int = 1,
    photo_file_ids: tuple[str, ...] = (),
) -> int:
    """A community straight in the database with logged activities."""
    async with bot.services.database.session() as session:
        found = await session.scalar(select(School).where(School.name == school))
        if await session.get(User, convener_id) is None:
            session.add(User(id=convener_id, display_name="召集人"))
        community = Community(
            program_year=111,
            type_key="co_planning",
            school=found or School(name=school, in_letter=True),
            name=name,
            convener_user_id=convener_id,
            status=CommunityStatus.APPROVED,
            invite_code=secrets.token_hex(8),
            members=[
                Member(
                    position=i,
                    name=f"林老師{i}",
                    gifted_teacher=i == 0,
                    is_convener=i == 0,
                    user_id=convener_id if i == 0 else None,
                )
                for i in range(4)
            ],
            activities=[],
        )
        session.add(community)
        await session.flush()
        member_ids = [member.id for member in community.members]
        for number in range(activities):
            session.add(
                Activity(
                    community_id=community.id,
                    client_token=secrets.token_hex(8),
                    day=dt.date(2022, 10, 5) + dt.timedelta(days=number),
                    kind="dialogue",
                    topic=f"差異化教學共備{number}",
                    notes="討論熱烈",
                    place="本校會議室",
                    reflection="學生分組效果好",
                    start_time=dt.time(14, 0),
                    end_time=dt.time(16, 0),
                    attendee_member_ids=member_ids[:3],
                    photo_file_ids=list(photo_file_ids),
                )
            )
        return community.id


def sent_file(bot: BotUnderTest, chat_id: int) -> tuple[str, bytes]:
    """The name and bytes of the last document the bot sent to the chat."""
    documents = [m for m in bot.standin.sent_messages(chat_id) if m.document]
    assert documents, "no document was sent"
    document = documents[-1].document
    assert document is not None
    return document["file_name"], bot.standin.files[document["file_id"]].data


def odf_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("content.xml").decode()


async def test_staff_export_the_workbook_as_ods_with_its_dates(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_community(bot, CONVENER_ID)
    menu = await bot.send(ADMIN_ID, "/export")
    assert "ODF" in menu.text
    await bot.press(ADMIN_ID, "總表 ODS")
    name, data = sent_file(bot, ADMIN_ID)
    assert name.endswith(".ods") and "111學年度" in name
    content = odf_text(data)
    assert "數學資優共備社群" in content and "差異化教學共備0" in content
    assert "2022-10-05" in content


async def test_staff_export_every_communitys_record_in_one_zip(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_community(bot, CONVENER_ID)
    await add_community(
        bot, OTHER_CONVENER_ID, name="語文資優共備社群", school="高雄市立前鎮高級中學"
    )
    await bot.send(ADMIN_ID, "/export")
    sent = await bot.press(ADMIN_ID, "全部社群紀錄 Word（zip）")
    assert "（2 個社群）" in sent.text
    name, data = sent_file(bot, ADMIN_ID)
    assert name == "111學年度資優社群_社群運作紀錄.zip"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
        assert names == [
            "111學年度資優社群_社群運作紀錄（合訂本）.docx",  # every record, one after another
            "社群運作紀錄_高雄市立前鎮高級中學_語文資優共備社群.docx",
            "社群運作紀錄_高雄市立左營高級中學_數學資優共備社群.docx",
        ]
        document = Document(io.BytesIO(archive.read(names[2])))
        with zipfile.ZipFile(io.BytesIO(archive.read(names[0]))) as combined:
            body = combined.read("word/document.xml").decode()
    assert "數學資優共備社群" in body and "語文資優共備社群" in body
    assert any(
        "差異化教學共備0" in cell.text
        for t in document.tables
        for row in t.rows
        for cell in row.cells
    ) or "差異化教學共備0" in "\n".join(p.text for p in document.paragraphs)


async def test_staff_export_the_workbook_as_excel(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_community(bot, CONVENER_ID)
    await bot.send(ADMIN_ID, "/export xlsx")
    name, data = sent_file(bot, ADMIN_ID)
    assert name.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(data))
    cells = {str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row}
    assert "數學資優共備社群" in cells


async def test_staff_export_the_activities_as_csv(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_community(bot, CONVENER_ID, activities=2)
    await bot.send(ADMIN_ID, "/export")
    await bot.press(ADMIN_ID, "活動 CSV")
    name, data = sent_file(bot, ADMIN_ID)
    assert name.endswith(".csv")
    text = data.decode("utf-8-sig")
    assert "差異化教學共備1" in text and "林老師0" in text
    assert "地點" in text and "本校會議室" in text and "14:00–16:00" in text
    assert "會議紀錄／省思" in text and "學生分組效果好" in text


async def test_exporting_an_empty_year_says_so_and_sends_no_file(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await bot.send(ADMIN_ID, "/export")
    reply = await bot.press(ADMIN_ID, "總表 ODS")
    assert "還沒有任何社群登錄" in reply.text
    assert bot.standin.calls_to("sendDocument") == []


async def test_a_csv_without_activities_says_so(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    await add_community(bot, CONVENER_ID, activities=0)
    reply = await bot.send(ADMIN_ID, "/export csv")
    assert "還沒有任何活動紀錄" in reply.text
    assert bot.standin.calls_to("sendDocument") == []


async def test_staff_export_one_communitys_record_with_its_photos(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    bot.user(CONVENER_ID)
    photo = bot.standin.user_sends_photo(CONVENER_ID)["message"]["photo"][-1]["file_id"]
    await add_community(bot, CONVENER_ID, photo_file_ids=(photo,))
    await add_community(bot, OTHER_CONVENER_ID, name="科學社群", school="高雄市立高雄高級中學")
    await bot.send(ADMIN_ID, "/export")
    page = await bot.press(ADMIN_ID, "社群運作紀錄")
    assert "共 2 個" in page.text
    await bot.press(ADMIN_ID, "數學資優共備社群")
    await bot.press(ADMIN_ID, "ODT")
    name, data = sent_file(bot, ADMIN_ID)
    assert name.endswith(".odt") and "數學資優共備社群" in name
    content = odf_text(data)
    assert "差異化教學共備0" in content and "111" in content
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert any(item.startswith("Pictures/") for item in archive.namelist())


async def test_a_photo_sent_on_line_is_in_the_record_staff_export(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    bot.user(CONVENER_ID)
    photo = bot.standin.user_sends_photo(CONVENER_ID)["message"]["photo"][-1]["file_id"]
    async with bot.services.database.session() as session:
        await photos.keep(session, "line:5001", bot.standin.files[photo].data, "image/jpeg")
    await add_community(bot, CONVENER_ID, photo_file_ids=("line:5001",))
    await bot.send(ADMIN_ID, "/export")
    await bot.press(ADMIN_ID, "社群運作紀錄")
    await bot.press(ADMIN_ID, "數學資優共備社群")
    await bot.press(ADMIN_ID, "ODT")
    _, data = sent_file(bot, ADMIN_ID)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert any(item.startswith("Pictures/") for item in archive.namelist())


async def test_the_community_list_is_paged(bot: BotUnderTest):
    bot.user(ADMIN_ID)
    for number in range(10):
        await add_community(bot, 30000 + number, name=f"社群{number:02d}", activities=0)
    await bot.send(ADMIN_ID, "/export")
    first = await bot.press(ADMIN_ID, "社群運作紀錄")
    assert "第 1–8 個，共 10 個" in first.text
    second = await bot.press(ADMIN_ID, "下一頁")
    assert "第 9–10 個" in second.text


async def test_a_convener_exports_their_own_record_as_word(bot: BotUnderTest):
    bot.user(CONVENER_ID)
    await add_community(bot, CONVENER_ID)
    menu = await bot.send(CONVENER_ID, "/export")
    assert "社群運作紀錄" in menu.text
    await bot.press(CONVENER_ID, "Word")
    name, data = sent_file(bot, CONVENER_ID)
    assert name.endswith(".docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    tables = "\n".join(
        c.text for t in Document(io.BytesIO(data)).tables for r in t.rows for c in r.cells
    )
    assert "差異化教學共備0" in text + tables


async def test_a_teacher_without_a_community_cannot_export(bot: BotUnderTest):
    bot.user(TEACHER_ID)
    reply = await bot.send(TEACHER_ID, "/export")
    assert "只有社群召集人" in reply.text
    forged = await bot.process(
        bot.standin.user_presses_button(TEACHER_ID, 999, "ex:wb:ods", forge=True)
    )
    assert "僅供教育局與資源中心人員使用" in forged.text
    assert bot.standin.calls_to("sendDocument") == []


async def test_a_convener_cannot_export_another_communitys_record(bot: BotUnderTest):
    bot.user(CONVENER_ID)
    await add_community(bot, CONVENER_ID)
    other = await add_community(bot, OTHER_CONVENER_ID, name="別人的社群")
    reply = await bot.process(
        bot.standin.user_presses_button(CONVENER_ID, 999, f"ex:doc:{other}:odt", forge=True)
    )
    assert "沒有權限" in reply.text
    assert bot.standin.calls_to("sendDocument") == []
