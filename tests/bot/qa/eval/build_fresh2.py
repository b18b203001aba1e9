# ruff: noqa: E501
"""Write the second fresh question set: `fresh2_tuning.jsonl` and `fresh2_heldout.jsonl`.

Written from the letter (`../shared/seed/`) and `PROGRAM.md` only, before the engine was changed,
and including three phrasings from a user trial (the deadline day itself, public lesson vs
professional dialogue, sending by email). Same format as `fresh_tuning.jsonl`; the answer groups
are shared with `build_fresh.py`. A new kind, `comparison`, asks how two things differ: the answer
must state both sides.
The split is random but reproducible (fixed seed), half of each kind to each file.
Run: python tests/bot/qa/eval/build_fresh2.py
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from build_fresh import (
    A4,
    A8,
    ADDRESS,
    BASIS,
    BELOW_UNI,
    BUDGET,
    BUREAU_PERSON,
    BUREAU_PHONE,
    CENTRE,
    CONTACT,
    COPIES,
    COPLAN,
    CURRIC,
    D1,
    D2,
    DEADLINE,
    ELECT,
    END,
    ENDED,
    EXT64,
    G1,
    G2,
    IN_SCHOOL,
    K5,
    K10,
    K20,
    L1,
    L2,
    LETTER_DATE,
    LETTER_NO,
    LIU,
    M4,
    M6,
    NO,
    NO_LETTER,
    P1_END,
    P2_START,
    PASSED,
    PHASE2,
    PHONE,
    PLAN,
    Q15,
    SHARING,
    SHOWCASE,
    STAMP,
    START,
    TWO_PHASES,
    WEDNESDAY,
    WEEK1_JULY,
    WORKSHOP_HOW,
    YES,
    C,
    E,
    S,
    T,
    q,
)

HERE = Path(__file__).resolve().parent
SEED = 20261207

# A verdict that something is still fine / in time; stricter than YES (no bare 是 or 對).
STILL_OK = ["可以", "來得及", "来得及", "算數", "有效", "包含當天", "當天送達", "當天送到", "是的",
            "沒錯", "yes", "Yes", "still", "counts", "in time"]
NOT_REQUIRED_OR_NO = NO
ANNUAL = ["依年度", "年度補助", "年度补助", "annual", "by year", "fiscal year"]
TOTAL_450K = ["45萬", "450000", "四十五萬", "45万"]
ATTACHMENT = ["實施計畫", "实施计划", "implementation plan"]
TWO_MORE = ["2次", "兩次", "二次", "两次", "2 more", "two more"]
DAYS_6 = ["6天", "六天", "6 days", "six days"]
DAYS_3 = ["3天", "三天", "3 days", "three days"]
PHASE_ANY = [*TWO_PHASES, "第1期", "第一期"]
LESSON = ["公開授課", "公开授课", "public lesson", "open lesson"]
DIALOGUE = ["專業對話", "专业对话", "professional dialogue"]

ITEMS = [
    # --- colloquial --------------------------------------------------------------------------
    q("colloquial", T, "主任說要我們組一個社群，那個人比較少的要幾個人、裡面一定要有資優班老師嗎？", [M4, G1]),
    q("colloquial", T, "我們想申請研創的，教育局那個發表會是一定要去還是自由參加？", [SHOWCASE, WEEK1_JULY]),
    q("colloquial", T, "欸請問申請書是要交紙本嗎，要印幾份啊", [COPIES]),
    q("colloquial", T, "會計一直問這筆錢什麼時候會撥，是一次給還是分開給？", [PHASE_ANY]),
    q("colloquial", T, "我第一次當召集人，聽說有研習要參加，那個資訊會在哪裡公布？", [WORKSHOP_HOW]),
    q("colloquial", T, "送件要送到哪裡、交給誰啊，我下午剛好有空可以跑一趟", [ADDRESS, LIU]),
    q("colloquial", T, "這個社群的活動是從什麼時候可以開始辦，到什麼時候要結束？", [START, END]),
    q("colloquial", E, "Hi! I'm new to this. How many teachers do we need for the bigger community type?", [M6]),
    q("colloquial", C, "请问这个社群计划一组能拿多少钱？", [K10, K20]),
    # --- short factual -----------------------------------------------------------------------
    q("factual", T, "共備人數", [M4]),
    q("factual", T, "研創經費", [K20]),
    q("factual", T, "送件地址", [ADDRESS]),
    q("factual", T, "第二期期間", [P2_START, END]),
    q("factual", T, "截止星期幾", [WEDNESDAY]),
    q("factual", T, "研創專業對話次數", [D2]),
    q("factual", T, "資源中心電話", [PHONE]),
    q("factual", E, "deadline?", [DEADLINE]),
    q("factual", E, "How much is the first-phase payment for a co-planning group?", [K5]),
    # --- typos, slang, 簡繁 mix ---------------------------------------------------------------
    q("typo_slang", T, "研創社群要辦幾次活懂", [A8]),
    q("typo_slang", T, "共備的資優斑老師至少幾位", [G1]),
    q("typo_slang", T, "申情計畫要交給誰", [LIU]),
    q("typo_slang", T, "核章經費蓋算表是啥", [BUDGET, STAMP]),
    q("typo_slang", T, "發表惠是幾月", [WEEK1_JULY]),
    q("typo_slang", T, "補助款分幾期阿", [TWO_PHASES]),
    q("typo_slang", T, "召集仁怎麼產生", [ELECT]),
    q("typo_slang", E, "how much $$ for curriculum comunity", [K20]),
    q("typo_slang", C, "公开受课共备要几次", [L1]),
    # --- yes / no ----------------------------------------------------------------------------
    q("yes_no", T, "9月21日當天送到還算嗎", [STILL_OK, DEADLINE]),
    q("yes_no", T, "共備社群需要參加7月的公開成果發表會嗎？", [NOT_REQUIRED_OR_NO, CURRIC]),
    q("yes_no", T, "召集人一定要是資優班老師嗎？", [ELECT]),
    q("yes_no", T, "研創社群要在校內辦成果分享會嗎？", [YES, IN_SCHOOL]),
    q("yes_no", T, "概算表需要核章嗎", [YES, STAMP]),
    q("yes_no", T, "申請要附公文嗎？", [NO, NO_LETTER]),
    q("yes_no", T, "經費是依年度補助嗎？", [YES, ANNUAL]),
    q("yes_no", E, "Does a co-planning community need a public lesson?", [YES, L1]),
    q("yes_no", E, "Is the application deadline a Wednesday?", [YES, WEDNESDAY]),
    q("yes_no", C, "研创社群一定要有两位资优班老师吗？", [YES, G2]),
    # --- false premises ----------------------------------------------------------------------
    q("false_premise", T, "共備社群一組兩萬對吧？", [NO, K10]),
    q("false_premise", T, "研創社群只要4個人就可以了吧", [NO, M6]),
    q("false_premise", T, "申請資料交到教育局特教科就好嗎？", [NO, CENTRE]),
    q("false_premise", T, "我記得截止是9月12號？", [NO, DEADLINE]),
    q("false_premise", T, "研創社群的發表會是在6月底吧", [NO, WEEK1_JULY]),
    q("false_premise", T, "第一期補助款是到明年一月對不對", [NO, P1_END]),
    q("false_premise", T, "共備社群要做2次公開授課才行吧？", [NO, L1]),
    q("false_premise", E, "We need to send three copies of the plan, right?", [NO, COPIES]),
    q("false_premise", E, "Each community type funds 10 groups, correct?", [NO, Q15]),
    # --- multi-part --------------------------------------------------------------------------
    q("multi_part", T, "共備社群要幾次活動？其中專業對話和公開授課各幾次？", [A4, D1, L1]),
    q("multi_part", T, "要交什麼、交幾份、幾號前、送哪裡？", [PLAN, BUDGET, COPIES, DEADLINE, ADDRESS]),
    q("multi_part", T, "研創社群每期撥多少？共幾期？", [K10, TWO_PHASES]),
    q("multi_part", T, "資源中心的電話跟分機是多少？", [PHONE, EXT64]),
    q("multi_part", T, "計畫從什麼時候開始？申請截止是哪天？", [START, DEADLINE]),
    q("multi_part", T, "研創需要幾人、幾位資優班老師、要不要參加發表會？", [M6, G2, WEEK1_JULY]),
    q("multi_part", E, "Where do we submit the documents and who collects them?", [ADDRESS, LIU]),
    q("multi_part", E, "How many people and how many gifted-class teachers does a co-planning community need?", [M4, G1]),
    q("multi_part", C, "两种社群各补助几组？每组多少钱？", [Q15, K10, K20]),
    # --- what a community still lacks ---------------------------------------------------------
    q("lacks", T, "我們共備社群4次活動都辦完了，也有專業對話跟公開授課，還要做什麼？", [SHARING, IN_SCHOOL]),
    q("lacks", T, "研創社群辦了6次活動了，還差幾次？", [A8, TWO_MORE]),
    q("lacks", T, "我們有5位老師、2位資優班，想做研創還缺什麼？", [M6]),
    q("lacks", T, "申請計畫寫好了，還要準備什麼？", [BUDGET, COPIES]),
    q("lacks", T, "研創社群已經2次專業對話、2次公開授課，總共8次活動，還差什麼？", [SHARING, WEEK1_JULY]),
    q("lacks", T, "共備社群目前只有3位老師，可以申請嗎？", [NO, M4]),
    q("lacks", E, "We have four teachers but none of them teach gifted classes. Can we apply for co-planning?", [NO, G1]),
    q("lacks", C, "我们共备社群还没有公开授课，至少要办几次？", [L1]),
    # --- date-relative -----------------------------------------------------------------------
    q("date_relative", T, "還有幾天截止？", [DEADLINE, DAYS_6], today="2022-09-15"),
    q("date_relative", T, "今天送還來得及嗎？", [STILL_OK, DEADLINE], today="2022-09-21"),
    q("date_relative", T, "截止日過了嗎？", [PASSED, DEADLINE], today="2022-09-25"),
    q("date_relative", T, "現在是第二期了嗎？", [YES, PHASE2], today="2023-01-10"),
    q("date_relative", T, "發表會是下個月嗎？", [YES, WEEK1_JULY], today="2023-06-10"),
    q("date_relative", T, "計畫結束了嗎", [ENDED, END], today="2023-08-01"),
    q("date_relative", T, "第一期的期間到哪一天為止？", [P1_END]),
    q("date_relative", E, "How many days until the deadline?", [DEADLINE, DAYS_3], today="2022-09-18"),
    q("date_relative", C, "今天还能交申请资料吗？", [PASSED, DEADLINE], today="2022-09-30"),
    # --- the letter is silent ----------------------------------------------------------------
    q("silent", T, "經費可以用來付講師鐘點費嗎？", S, answered=False),
    q("silent", T, "公開授課要找外校老師來觀課嗎？", S, answered=False),
    q("silent", T, "社群活動一定要在上班時間辦嗎？", S, answered=False),
    q("silent", T, "成果分享會要準備書面報告嗎？", S, answered=False),
    q("silent", T, "核銷要附哪些單據？", S, answered=False),
    q("silent", T, "召集人可以減授課嗎？", S, answered=False),
    q("silent", T, "專業對話可以線上辦嗎？", S, answered=False),
    q("silent", E, "Can we spend the funds on snacks for our meetings?", S, answered=False),
    q("silent", C, "社群成员可以是代课老师吗？", S, answered=False),
    # --- not knowable from the letter -----------------------------------------------------------
    q("unknowable", T, "我們的申請審核通過了嗎？", [CONTACT], answered=False),
    q("unknowable", T, "召集人研習是哪一天？", [WORKSHOP_HOW], answered=False),
    q("unknowable", T, "今年總共有多少學校申請？", [CONTACT], answered=False),
    q("unknowable", T, "第一期款項什麼時候會入帳？", [CONTACT], answered=False),
    q("unknowable", T, "劉書伶老師今天在辦公室嗎？", [CONTACT], answered=False),
    q("unknowable", T, "審查標準是什麼？", [CONTACT], answered=False),
    q("unknowable", E, "Has our school's application been received?", [CONTACT], answered=False),
    q("unknowable", C, "我们什么时候会收到核定公文？", [CONTACT], answered=False),
    # --- other reference facts ---------------------------------------------------------------
    q("reference", T, "這份公文的發文字號？", [LETTER_NO]),
    q("reference", T, "發文日期是哪天", [LETTER_DATE]),
    q("reference", T, "教育局承辦人是誰？電話？", [BUREAU_PERSON, BUREAU_PHONE]),
    q("reference", T, "這份公文有附件嗎？", [ATTACHMENT]),
    q("reference", T, "兩種社群全部加起來總共補助多少錢？", [TOTAL_450K]),
    q("reference", T, "國小可以申請嗎？", [YES, BELOW_UNI]),
    q("reference", E, "What is the letter's reference number?", [LETTER_NO]),
    q("reference", E, "What is this program based on?", [BASIS]),
    # --- out of scope ------------------------------------------------------------------------
    q("out_of_scope", T, "早安", [], answered=False),
    q("out_of_scope", T, "請問明天會下雨嗎", [], answered=False),
    q("out_of_scope", T, "資優鑑定什麼時候報名？", [], answered=False),
    q("out_of_scope", T, "幫我翻譯這段英文", [], answered=False),
    q("out_of_scope", T, "教育局長是誰？", [], answered=False),
    q("out_of_scope", T, "好喔 收到", [], answered=False),
    q("out_of_scope", E, "What's the weather like in Kaohsiung?", [], answered=False),
    q("out_of_scope", C, "你是谁？", [], answered=False),
    # --- a nearby fact tempts the wrong answer -------------------------------------------------
    q("tempting_neighbour", T, "可以用email寄嗎", [COPIES, CENTRE]),
    q("tempting_neighbour", T, "共備社群每一期補助多少？", [K5]),
    q("tempting_neighbour", T, "研創社群總共補助幾組？", [Q15]),
    q("tempting_neighbour", T, "劉老師的email是多少？", [PHONE], answered=False),
    q("tempting_neighbour", T, "召集人研習要去哪裡報名？", [WORKSHOP_HOW]),
    q("tempting_neighbour", T, "資源中心的地址跟教育局一樣嗎？", [NO, ADDRESS]),
    q("tempting_neighbour", T, "第二期從什麼時候開始？", [P2_START]),
    q("tempting_neighbour", E, "Can we submit the application by fax or email?", [COPIES, CENTRE]),
    q("tempting_neighbour", C, "申请可以网上提交吗？", [COPIES, CENTRE]),
    # --- a school's situation ----------------------------------------------------------------
    q("scenario", T, "我們學校有6位老師，其中1位資優班，可以申請哪一種？", [COPLAN, G2]),
    q("scenario", T, "我們4位老師都是資優班的，可以申請共備嗎？", [YES, G1]),
    q("scenario", T, "我們研創社群打算辦8次活動，其中1次公開授課，可以嗎？", [NO, L2]),
    q("scenario", T, "我們想申請共備，但成果分享會想辦在別校，可以嗎？", [IN_SCHOOL]),
    q("scenario", T, "我們想9月25日再送件可以嗎", [NO, DEADLINE]),
    q("scenario", T, "我們只交了申請計畫，沒有概算表，這樣可以嗎？", [NO, BUDGET]),
    q("scenario", E, "We are 6 teachers with 3 in gifted classes. How much funding could we get?", [CURRIC, K20]),
    q("scenario", C, "我们共备社群办了4次活动，但都没有专业对话，可以吗？", [NO, D1]),
    # --- how two things differ: both sides must be stated --------------------------------------
    q("comparison", T, "公開授課跟專業對話有什麼不同", [LESSON, DIALOGUE, D1, L1, D2, L2]),
    q("comparison", T, "共備跟研創差在哪裡？", [M4, M6, A4, A8, K10, K20]),
    q("comparison", T, "成果分享會和成果發表會有什麼差別？", [IN_SCHOOL, WEEK1_JULY]),
    q("comparison", T, "第一期和第二期補助款有什麼不一樣？", [P1_END, P2_START]),
    q("comparison", T, "有問題要找劉書伶老師還是賴立寧承辦人？", [LIU, BUREAU_PERSON]),
    q("comparison", T, "申請計畫跟核章經費概算表是一樣的東西嗎？", [NO, PLAN, BUDGET]),
    q("comparison", E, "What's the difference between the two community types?", [M4, M6, K10, K20]),
    q("comparison", C, "共备和研创对资优班老师人数的要求有什么不同？", [G1, G2]),
]


def main() -> None:
    by_kind: dict[str, list[dict]] = {}
    for item in ITEMS:
        rows = by_kind.setdefault(item["kind"], [])
        rows.append({"id": f"fresh2-{item['kind']}-{len(rows) + 1:02d}", **item})
    rng = random.Random(SEED)
    halves: dict[str, list[dict]] = {"fresh2_tuning.jsonl": [], "fresh2_heldout.jsonl": []}
    extra_to_tuning = True
    for rows in by_kind.values():
        shuffled = rows[:]
        rng.shuffle(shuffled)
        # An odd kind's extra item goes to alternating halves, so the two stay the same size.
        cut = (len(shuffled) + extra_to_tuning) // 2
        if len(shuffled) % 2:
            extra_to_tuning = not extra_to_tuning
        halves["fresh2_tuning.jsonl"] += shuffled[:cut]
        halves["fresh2_heldout.jsonl"] += shuffled[cut:]
    for name, rows in halves.items():
        rows.sort(key=lambda row: row["id"])
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        (HERE / name).write_text(text, "utf-8")
        sys.stdout.write(f"{name} {len(rows)}\n")


if __name__ == "__main__":
    main()
