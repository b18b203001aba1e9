"""Focused behaviour of the QA engine: dates, types, languages, social turns, data-driven facts."""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.dates import format_roc
from bot.program import Program, with_dates
from bot.qa import Answer, FaqEntry, QaEngine, Topic

TODAY = dt.date(2022, 9, 10)
FAQ_FILE = Path(__file__).resolve().parents[3] / "bot" / "data" / "faq.toml"


# ------------------------------------------------------------------ dates
def test_deadline_before(engine: QaEngine, program: Program) -> None:
    """Before the deadline the answer asks to submit by the date."""
    deadline = format_roc(program.application.deadline)
    answer = engine.answer("申請截止日是什麼時候？", dt.date(2022, 9, 5))
    assert f"請於{deadline}前送件" in answer.text
    assert "截止" not in answer.text.split("（來源")[0].replace("截止日", "")


def test_deadline_after(engine: QaEngine, program: Program) -> None:
    """After the deadline the answer says applications closed."""
    deadline = format_roc(program.application.deadline)
    answer = engine.answer("申請截止日是什麼時候？", dt.date(2022, 9, 22))
    assert f"申請已於{deadline}截止" in answer.text
    assert "請於" not in answer.text


def test_deadline_on_the_day(engine: QaEngine, program: Program) -> None:
    """On the day itself the answer says today is the deadline."""
    answer = engine.answer("截止", program.application.deadline)
    assert "今天" in answer.text
    assert format_roc(program.application.deadline) in answer.text


def test_deadline_english_after(engine: QaEngine) -> None:
    """The English answer is date-aware too."""
    answer = engine.answer("When is the deadline?", dt.date(2022, 10, 1))
    assert "closed" in answer.text
    assert "September 21, 2022" in answer.text


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2022, 8, 1), "尚未開始"),
        (dt.date(2022, 12, 1), "目前正在實施期程內"),
        (dt.date(2023, 8, 1), "已於112年7月31日結束"),
    ],
)
def test_period_status(engine: QaEngine, today: dt.date, expected: str) -> None:
    """The period answer says whether the program has started, is running or ended."""
    assert expected in engine.answer("計畫實施期程？", today).text


def test_phase_status(engine: QaEngine) -> None:
    """Phase answers mark each phase as ended / running / not started."""
    text = engine.answer("經費分幾期撥付", dt.date(2023, 2, 1)).text
    assert "已結束" in text and "進行中" in text


def test_showcase_date_set_by_staff(program: Program) -> None:
    """When staff set the showcase day, the answer shows it."""
    dated = with_dates(program, showcase=dt.date(2023, 7, 5), workshop=dt.date(2022, 10, 12))
    engine = QaEngine.build(dated)
    text = engine.answer("成果發表會是什麼時候？", TODAY).text
    assert format_roc(dt.date(2023, 7, 5)) in text
    workshop = engine.answer("召集人研習什麼時候辦？", TODAY).text
    assert format_roc(dt.date(2022, 10, 12)) in workshop


def test_showcase_default_is_letter_week(engine: QaEngine, program: Program) -> None:
    """Without a staff date the letter's week is shown."""
    assert program.showcase.when_text in engine.answer("發表會哪天", TODAY).text


# ------------------------------------------------------------------ community types
def test_named_type_gets_only_its_funding(engine: QaEngine) -> None:
    """共備 funding says 1萬 and never 2萬; 研創 the other way round."""
    co = engine.answer("共備社群經費多少？", TODAY).text
    assert "1萬" in co and "2萬" not in co and "課程研創" not in co
    cur = engine.answer("研創社群經費多少？", TODAY).text
    assert "2萬" in cur and "共備" not in cur


def test_no_type_gets_both(engine: QaEngine, program: Program) -> None:
    """A question naming no type gets every type's figure."""
    text = engine.answer("社群經費多少？", TODAY).text
    for ctype in program.community_types:
        assert ctype.name in text


@pytest.mark.parametrize(
    ("question", "present", "absent"),
    [
        ("共備社群要幾個人", "4人", "6人"),
        ("研創社群要幾個人", "6人", "4人"),
        ("共備社群至少幾次活動", "至少4次", "至少8次"),
        ("研創社群公開授課幾次", "至少2次公開授課", "至少1次公開授課"),
        ("共備社群專業對話幾次", "至少1次專業對話", "至少2次專業對話"),
        ("研創社群第二期補助多少", "1萬元", "5,000元"),
        ("共備社群補助幾組", "共備精進", "課程研創"),
    ],
)
def test_type_and_topic_compose(engine: QaEngine, question: str, present: str, absent: str) -> None:
    """Type × topic questions are answered compositionally for the named type only."""
    text = engine.answer(question, TODAY).text
    assert present in text
    assert absent not in text


def test_type_aware_source(engine: QaEngine, program: Program) -> None:
    """A single-type answer cites that type's section."""
    answer = engine.answer("課程研創社群一組補助多少錢", TODAY)
    assert answer.source == program.community_type("curriculum").funding_source


# ------------------------------------------------------------------ languages
def test_simplified_matches_traditional(engine: QaEngine) -> None:
    """Simplified input is answered like its Traditional form, in Traditional characters."""
    simplified = engine.answer("共备社群经费多少？", TODAY)
    traditional = engine.answer("共備社群經費多少？", TODAY)
    assert simplified.entry_id == traditional.entry_id == "funding"
    assert simplified.text == traditional.text


def test_english_answered_in_english(engine: QaEngine) -> None:
    """English questions get English answers ending with an English source line."""
    answer = engine.answer("How many members does a co-planning community need?", TODAY)
    assert answer.language == "en"
    assert answer.answered
    assert "4 members" in answer.text
    assert "(Source: letter, section 2(2)1(1))" in answer.text
    assert "6 members" not in answer.text


def test_full_width_input(engine: QaEngine) -> None:
    """Full-width letters and digits are normalised (NFKC)."""
    assert engine.answer("ｄｅａｄｌｉｎｅ", TODAY).entry_id == "deadline"


def test_typos(engine: QaEngine) -> None:
    """Common homophone typos still match."""
    assert engine.answer("載止日期", TODAY).entry_id == "deadline"
    assert engine.answer("經廢多少", TODAY).entry_id == "funding"


# ------------------------------------------------------------------ social and fallback
@pytest.mark.parametrize("greeting", ["你好", "hi", "早安", "Hello!", "老師好"])
def test_greetings(engine: QaEngine, greeting: str) -> None:
    """Greetings get a friendly reply, not a fact."""
    answer = engine.answer(greeting, TODAY)
    assert answer.kind == "greeting"
    assert not answer.answered
    assert answer.text


@pytest.mark.parametrize("thanks", ["謝謝", "感謝！", "thank you", "3Q"])
def test_thanks(engine: QaEngine, thanks: str) -> None:
    """Thanks get a short reply."""
    answer = engine.answer(thanks, TODAY)
    assert answer.kind == "thanks"
    assert not answer.answered


def test_greeting_with_question_is_answered(engine: QaEngine) -> None:
    """A greeting followed by a question answers the question."""
    answer = engine.answer("你好，請問截止日？", TODAY)
    assert answer.answered and answer.entry_id == "deadline"


@pytest.mark.parametrize(
    "question",
    [
        "雙語教育計畫補助多少錢？",
        "教師甄試什麼時候報名？",
        "臺北市的社群補助多少",
        "今天天氣如何？",
    ],
)
def test_off_topic_fallback(engine: QaEngine, program: Program, question: str) -> None:
    """Foreign programs and everyday questions are refused with the contact."""
    answer = engine.answer(question, TODAY)
    assert not answer.answered
    assert answer.kind == "fallback"
    assert program.help_contact.phone in answer.text
    assert len(answer.suggestions) <= 3
    assert len(answer.suggestion_ids) == len(answer.suggestions)
    assert set(answer.suggestion_ids) <= engine.entry_ids()


def test_low_confidence_offers_suggestions(engine: QaEngine) -> None:
    """A vague question gets 'did you mean' suggestions, not a guess."""
    answer = engine.answer("什麼時候", TODAY)
    assert not answer.answered
    assert 1 <= len(answer.suggestions) <= 3
    for label in answer.suggestions:
        assert label in answer.text


def test_attachment_only_questions(engine: QaEngine, program: Program) -> None:
    """Expense rules are not invented: the answer says the letter is silent, points to the
    attachment and the contact, and is not flagged answered (so staff see it in /unanswered)."""
    answer = engine.answer("經費可以用來買什麼？核銷怎麼做？", TODAY)
    assert not answer.answered
    assert answer.kind == "silent"
    assert answer.source == program.letter.attachment_source
    assert "公文本文沒有規定" in answer.text
    assert program.help_contact.phone in answer.text


# ------------------------------------------------------------------ data-driven facts
def test_editing_the_deadline_changes_the_answer(program: Program) -> None:
    """Answers come from the program facts, not from text in the FAQ or code."""
    new_deadline = dt.date(2022, 10, 5)
    edited = program.model_copy(
        update={"application": program.application.model_copy(update={"deadline": new_deadline})}
    )
    engine = QaEngine.build(edited)
    text = engine.answer("申請截止日是什麼時候？", TODAY).text
    assert format_roc(new_deadline) in text
    assert format_roc(program.application.deadline) not in text


def test_editing_funding_changes_the_answer(program: Program) -> None:
    """A different amount in the program file shows up in the answer."""
    co = program.community_type("co_planning").model_copy(update={"funding_per_group": 12000})
    types = [co if t.key == "co_planning" else t for t in program.community_types]
    engine = QaEngine.build(program.model_copy(update={"community_types": types}))
    assert "12,000元" in engine.answer("共備社群經費多少", TODAY).text


def test_editing_the_contact_changes_the_fallback(program: Program) -> None:
    """The fallback contact comes from program.help_contact."""
    contacts = [
        c.model_copy(update={"phone": "07-1234567"}) if c.key == "resource_center" else c
        for c in program.contacts
    ]
    engine = QaEngine.build(program.model_copy(update={"contacts": contacts}))
    assert "07-1234567" in engine.answer("午餐吃什麼", TODAY).text


def test_faq_file_holds_no_facts(program: Program) -> None:
    """faq.toml must not restate facts: dates, amounts, names, phones, addresses."""
    text = FAQ_FILE.read_text("utf-8")
    facts = [
        program.help_contact.phone,
        program.help_contact.name,
        program.contact("bureau").name,
        program.application.address,
        program.letter.number,
        format_roc(program.application.deadline, weekday=False),
        program.showcase.when_text,
    ]
    for fact in facts:
        assert fact not in text, fact
    assert not re.search(r"\d+萬|\d{1,3},\d{3}|\d+年\d+月", text)


# ------------------------------------------------------------------ staff entries
def test_staff_entry_is_matched_and_rendered(program: Program) -> None:
    """A new staff entry answers its own questions; placeholders are filled, unknown ones kept."""
    extra = FaqEntry(
        id="parking",
        topic="contact",
        questions=["資源中心可以停車嗎", "送件可以停車嗎"],
        answer_zh="資源中心旁有停車場。送件截止：{deadline}。{no_such_placeholder} {0} {",
        answer_en=None,
        source=None,
        related=["contact"],
    )
    engine = QaEngine.build(program, extra_entries=[extra])
    answer = engine.answer("資源中心可以停車嗎？", TODAY)
    assert answer.answered and answer.entry_id == "parking"
    assert format_roc(program.application.deadline) in answer.text
    assert "{no_such_placeholder}" in answer.text
    assert answer.related == [("contact", engine.entries_for_topic("contact", "zh-TW")[0][1])]
    assert ("parking", "資源中心可以停車嗎") in engine.entries_for_topic("contact", "zh-TW")


def test_staff_entry_overrides_shipped(program: Program) -> None:
    """Same id as a shipped entry: the staff answer replaces it, matching still works."""
    extra = FaqEntry(
        id="deadline",
        topic="apply",
        questions=["截止日？"],
        answer_zh="請注意：{deadline_status}。",
        answer_en=None,
        source="說明三",
        related=[],
    )
    engine = QaEngine.build(program, extra_entries=[extra])
    answer = engine.answer("申請什麼時候截止", TODAY)
    assert answer.entry_id == "deadline"
    assert answer.text.startswith("請注意：請於")
    assert answer.text.endswith("（來源：說明三）")
    assert engine.entry_ids() == QaEngine.build(program).entry_ids()


# ------------------------------------------------------------------ browse
def test_topics_and_entries(engine: QaEngine) -> None:
    """Seven browse topics, each with entries; every entry answers with ≤3 valid follow-ups."""
    topics = engine.topics("zh-TW")
    assert [t.key for t in topics] == [
        "apply",
        "types",
        "members",
        "activities",
        "funding",
        "schedule",
        "contact",
    ]
    assert all(isinstance(t, Topic) and t.label for t in topics)
    assert [t.label for t in topics][:2] == ["申請", "社群類型"]
    assert engine.topics("en")[0].label == "How to apply"
    for topic in topics:
        entries = engine.entries_for_topic(topic.key, "zh-TW")
        assert entries
        for entry_id, label in entries:
            assert label
            for language in ("zh-TW", "en"):
                answer = engine.answer_entry(entry_id, TODAY, language)
                assert isinstance(answer, Answer)
                assert answer.answered and answer.kind == "fact"
                assert len(answer.related) <= 3
                assert all(rid in engine.entry_ids() for rid, _ in answer.related)
                # Short answers: ~300 characters of Chinese; English words are longer.
                limit = 520 if language == "en" else 310
                if entry_id != "schools_list":
                    assert len(answer.text) <= limit, (entry_id, language, len(answer.text))
                assert "{" not in answer.text and "}" not in answer.text


def test_answer_entry_unknown_id(engine: QaEngine) -> None:
    """An unknown id gets a polite fallback."""
    answer = engine.answer_entry("no-such-entry", TODAY, "zh-TW")
    assert not answer.answered and answer.kind == "fallback"


def test_english_entry_texts_have_no_chinese_labels(engine: QaEngine) -> None:
    """English browse labels are English."""
    for topic in engine.topics("en"):
        for _, label in engine.entries_for_topic(topic.key, "en"):
            assert label.isascii(), label


# ------------------------------------------------------------------ concurrency
def test_concurrent_answers_are_consistent(engine: QaEngine) -> None:
    """The engine is safe to call from several threads."""
    questions = ["截止", "共備社群經費多少", "How many members?", "你好", "午餐"] * 20
    expected = [engine.answer(q, TODAY).text for q in questions]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda q: engine.answer(q, TODAY).text, questions))
    assert got == expected


@pytest.mark.parametrize(
    ("question", "starts"),
    [
        ("經費概算表要核章嗎？", "是的，需要。"),  # the 免備文 told later settles nothing
        ("需要備文嗎？", "不需要。"),
        ("共備社群也要參加成果發表會嗎？", "不需要。"),
        ("共備社群要6個人嗎？", "不是。"),  # a number: a claim checked, not a need
        ("可以用傳真送件嗎？", "不行。"),
    ],
)
def test_a_yes_no_answer_opens_with_the_word_the_question_asks_for(
    engine: QaEngine, question: str, starts: str
) -> None:
    assert engine.answer(question, TODAY).text.startswith(starts)


def test_whether_conveners_must_attend_the_workshop_is_not_decided_for_the_letter(
    engine: QaEngine,
) -> None:
    answer = engine.answer("召集人一定要參加研習嗎？", TODAY)
    assert not answer.text.startswith(("是", "不"))
    assert "沒有說明是否必須參加" in answer.text
