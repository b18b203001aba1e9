# ruff: noqa: E501
"""Write the fresh question set: `fresh_tuning.jsonl` and `fresh_heldout.jsonl`.

Written from the letter (`../shared/seed/`) and `PROGRAM.md` only, before the QA engine was read.
Same format as `tuning.jsonl`; an item may carry `today` (ISO date) for date-relative questions.
The split is deterministic: within each kind, items alternate tuning / held-out.
Run: python tests/bot/qa/eval/build_fresh.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# --- answer groups (one alternative of each must appear in the answer) -----------------------
DEADLINE = ["9月21", "9/21", "09-21", "0921", "九月二十一", "September 21", "Sep 21", "Sept 21",
            "21 September", "21 Sep"]
WEDNESDAY = ["星期三", "週三", "(三)", "（三）", "周三", "Wednesday"]
START = ["9月1日", "9/1", "09-01", "九月一日", "September 1", "Sep 1", "Sept 1", "1 September"]
END = ["7月31", "7/31", "07-31", "七月三十一", "July 31", "31 July"]
P1_END = ["12月31", "12/31", "12-31", "十二月三十一", "December 31", "Dec 31", "31 December"]
P2_START = ["1月1日", "1/1", "01-01", "一月一日", "January 1", "Jan 1", "1 January"]
PHASE1 = ["第1期", "第一期", "phase 1", "first phase", "1st phase"]
PHASE2 = ["第2期", "第二期", "phase 2", "second phase", "2nd phase"]
TWO_PHASES = ["2期", "兩期", "二期", "两期", "two phases", "2 phases", "two instalments",
              "two installments", "two tranches"]
WEEK1_JULY = ["7月第1週", "7月第一週", "七月第一週", "7月第1周", "7月第一周", "七月第一周",
              "first week of July", "1st week of July"]
JULY3 = ["7月3", "7/3", "07-03", "July 3", "3 July"]
JULY7 = ["7月7", "7/7", "07-07", "July 7", "7 July"]
M4 = ["4人", "4位", "四人", "四位", "4名", "4 members", "4 teachers", "four members",
      "four teachers", "4 people"]
M6 = ["6人", "6位", "六人", "六位", "6名", "6 members", "6 teachers", "six members",
      "six teachers", "6 people"]
G1 = ["至少1", "至少一", "1人以上", "1位以上", "at least 1", "at least one"]
G2 = ["至少2", "至少兩", "至少二", "至少两", "2人以上", "2位以上", "at least 2", "at least two"]
CONVENER1 = ["1位", "一位", "1名", "一名", "1 teacher", "one teacher", "1 convener", "one convener"]
ELECT = ["推舉", "推举", "elect", "選出", "选出"]
A4 = ["4次", "四次", "4 activities", "four activities", "at least 4"]
A8 = ["8次", "八次", "8 activities", "eight activities", "at least 8"]
D1 = ["1次專業對話", "一次專業對話", "專業對話1次", "1次专业对话", "一次专业对话",
      "1 professional dialogue", "one professional dialogue"]
D2 = ["2次專業對話", "兩次專業對話", "二次專業對話", "專業對話2次", "2次专业对话", "两次专业对话",
      "2 professional dialogues", "two professional dialogues"]
L1 = ["1次公開授課", "一次公開授課", "公開授課1次", "1次公开授课", "一次公开授课", "1 public lesson",
      "one public lesson", "1 open lesson", "one open lesson"]
L2 = ["2次公開授課", "兩次公開授課", "二次公開授課", "公開授課2次", "2次公开授课", "两次公开授课",
      "2 public lessons", "two public lessons", "2 open lessons", "two open lessons"]
SHARING = ["成果分享會", "成果分享会", "sharing session"]
IN_SCHOOL = ["校內", "校内", "in the school", "at the school", "at your school",
             "within the school", "in-school"]
ONCE = ["1次", "一次", "once", "one sharing", "only one", "a single"]
SHOWCASE = ["成果發表會", "成果发表会", "showcase"]
K10 = ["1萬", "10000", "一萬", "一万", "1万"]
K20 = ["2萬", "20000", "兩萬", "二萬", "两万", "2万"]
K5 = ["5000", "5千", "五千"]
Q15 = ["15組", "十五組", "15组", "十五组", "15 groups", "15 communities", "fifteen"]
Q30 = ["30組", "三十組", "30组", "30 groups", "30 communities", "thirty"]
TOTAL_150K = ["15萬", "150000", "十五萬", "15万"]
TOTAL_300K = ["30萬", "300000", "三十萬", "30万"]
PLAN = ["申請計畫", "申请计划", "application plan"]
BUDGET = ["概算表", "budget estimate"]
STAMP = ["核章", "stamp"]
COPIES = ["一式兩份", "一式两份", "兩份", "两份", "2份", "二份", "two copies", "duplicate"]
NO_LETTER = ["免備文", "不用備文", "不需備文", "無須備文", "不必備文", "不需要備文", "不用發文",
             "免發文", "免备文", "不用发文", "no covering letter", "no cover letter",
             "without a covering letter", "without a cover letter", "no official letter"]
ADDRESS = ["十全一路200", "Shiquan 1st Rd", "Shiquan 1st Road"]
CENTRE = ["十全一路200", "資優教育資源中心", "资优教育资源中心", "Resource Center", "Resource Centre"]
LIU = ["劉書伶", "刘书伶", "Liu Shu", "Liu Shu-ling", "Shu-ling Liu"]
CONTACT = ["劉書伶", "刘书伶", "Liu Shu", "Shu-ling Liu", "3118935"]
PHONE = ["3118935"]
EXT64 = ["分機64", "分机64", "#64", "ext. 64", "ext 64", "extension 64", "轉64"]
BUREAU_PERSON = ["賴立寧", "赖立宁", "Lai Li"]
BUREAU_PHONE = ["7995678"]
EMAIL = ["marian07@kcg.gov.tw"]
SECTION = ["特殊教育科", "特教科", "Special Education Section"]
BASIS = ["資優教育優質發展中程計畫", "资优教育优质发展中程计划", "中程計畫"]
LETTER_NO = ["11136704300"]
LETTER_DATE = ["9月2日", "9/2", "09-02", "September 2", "Sep 2", "2 September"]
AFTER_APPROVAL = ["發函", "发函", "請款", "请款", "letter"]
WORKSHOP_HOW = ["另函", "另行", "另外發函", "另外发函", "separate letter", "separately", "網站",
                "网站", "website"]
WEBSITE = ["網站", "网站", "website"]
BELOW_UNI = ["高級中等以下", "高级中等以下", "below"]
COPLAN = ["共備精進", "共备精进", "共備", "共备", "co-planning", "Co-planning"]
CURRIC = ["課程研創", "课程研创", "研創", "研创", "curriculum research", "Curriculum research",
          "curriculum creation"]
YES = ["是", "對", "沒錯", "正確", "可以", "对", "没错", "正确", "yes", "Yes", "correct",
       "Correct", "right"]
NO = ["不是", "不對", "不行", "不可以", "不能", "不需", "不用", "不必", "並非", "不正確", "錯",
      "不对", "不需要", "不正确", "并非", "No", "no", "not", "isn't", "aren't", "don't",
      "doesn't", "incorrect"]
SILENT = ["沒有規定", "未規定", "並未規定", "沒規定", "沒有明定", "未明定", "沒有說明", "未說明",
          "未提及", "沒有提到", "未載明", "沒有寫", "沒有明確", "未明確", "未特別", "沒有特別",
          "没有规定", "未规定", "没有说明", "未说明", "没有提到", "does not specify",
          "doesn't specify", "not specified", "does not say", "doesn't say", "not stated",
          "does not state", "doesn't state", "not mentioned", "does not mention",
          "doesn't mention"]
PASSED = ["已過", "已经过", "已經過", "過了", "过了", "passed", "已截止", "截止了", "逾期"]
ENDED = ["已結束", "已经结束", "已經結束", "結束了", "结束了", "ended", "is over", "has finished"]
DAYS_11 = ["11天", "十一天", "11 days", "eleven days"]
YEARS = ["2022"], ["2023"]
EXACT_DAY_GUESS = ["7月4日", "7月5日", "7月6日", "7/4", "7/5", "7/6", "July 4", "July 5", "July 6"]


def q(kind: str, lang: str, text: str, groups: list[list[str]], answered: bool = True,
      none: list[str] | None = None, today: str | None = None) -> dict:
    item: dict = {"kind": kind, "lang": lang, "q": text, "all": groups, "none": none or [],
                  "answered": answered}
    if today:
        item["today"] = today
    return item


T, E, C = "zh-TW", "en", "zh-CN"
S = [SILENT, CONTACT]  # the letter is silent: say so, give the contact

ITEMS = [
    # --- colloquial, long-winded ------------------------------------------------------------
    q("colloquial", T, "老師好～我們學校這學期想揪幾個老師組一個資優的社群，請問申請的東西最慢要在哪天之前送到？", [DEADLINE]),
    q("colloquial", T, "主任剛剛丟給我這份公文叫我研究一下，我看不太懂，到底要交什麼資料啊？", [PLAN, BUDGET]),
    q("colloquial", T, "請問一下喔，如果我們要做人比較少的那種社群，需要幾個老師才夠？", [M4]),
    q("colloquial", T, "我們學校資優班老師不多，想說做研創那種的話，資優班的老師最少要找幾個？", [G2]),
    q("colloquial", T, "出納問我這個錢是一次撥下來還是分開撥，我要怎麼回她？", [TWO_PHASES]),
    q("colloquial", T, "想問一下送資料的地點在哪裡，我打算自己開車送過去", [ADDRESS]),
    q("colloquial", T, "我們社群的老師都很忙，想知道一年最少到底要聚幾次才符合共備的規定", [A4]),
    q("colloquial", T, "校長問我做研創社群的話學校可以拿到多少錢，麻煩告訴我一下", [K20]),
    q("colloquial", T, "我是召集人，之後如果有問題要打電話問誰比較好？", [CONTACT]),
    q("colloquial", T, "欸那個成果分享會是要在我們學校自己辦，還是要去別的地方？", [IN_SCHOOL]),
    q("colloquial", T, "我們研創社群的老師在問七月那個發表會到底是哪時候，要先排假", [WEEK1_JULY]),
    q("colloquial", T, "請問召集人是學校指派還是大家自己選的？", [ELECT]),
    q("colloquial", E, "Hey, my principal forwarded me this letter about the gifted-ed teacher communities. What's the last day we can hand in the application?", [DEADLINE]),
    q("colloquial", C, "老师你好，我们学校想申请这个社群，请问材料要交给谁？", [LIU]),
    # --- short factual -----------------------------------------------------------------------
    q("factual", T, "截止日", [DEADLINE]),
    q("factual", T, "研創幾人", [M6]),
    q("factual", T, "共備經費", [K10]),
    q("factual", T, "補助幾組", [Q15]),
    q("factual", T, "計畫期程", [START, END]),
    q("factual", T, "要交幾份", [COPIES]),
    q("factual", T, "承辦人", [BUREAU_PERSON]),
    q("factual", T, "劉老師分機", [EXT64]),
    q("factual", T, "研創要公開授課幾次", [L2]),
    q("factual", T, "共備專業對話幾次", [D1]),
    q("factual", T, "第一期到何時", [P1_END]),
    q("factual", T, "文號", [LETTER_NO]),
    q("factual", E, "How many activities for a curriculum community?", [A8]),
    q("factual", C, "截止日期是哪天", [DEADLINE]),
    # --- typos, slang, 簡繁 mix ---------------------------------------------------------------
    q("typo_slang", T, "申清期限是幾號", [DEADLINE]),
    q("typo_slang", T, "研創社群要幾位資優斑老師", [G2]),
    q("typo_slang", T, "共被社群的錢有多少", [K10]),
    q("typo_slang", T, "公開受課要幾次(研創)", [L2]),
    q("typo_slang", T, "專業對化共備要幾次", [D1]),
    q("typo_slang", T, "成果分想會在哪辦", [IN_SCHOOL]),
    q("typo_slang", T, "概算表要盍章嗎", [STAMP]),
    q("typo_slang", T, "資料要寄去哪 地址勒", [ADDRESS]),
    q("typo_slang", T, "研創的錢多少啊QQ", [K20]),
    q("typo_slang", T, "截止是禮拜幾", [WEDNESDAY]),
    q("typo_slang", T, "共備社群要几个人啊", [M4]),
    q("typo_slang", T, "申请资料要交几份呢", [COPIES]),
    q("typo_slang", E, "how many ppl in a coplanning group??", [M4]),
    q("typo_slang", E, "wheres the resourse center", [ADDRESS]),
    # --- yes / no ----------------------------------------------------------------------------
    q("yes_no", T, "研創社群要參加教育局的發表會嗎？", [YES, WEEK1_JULY]),
    q("yes_no", T, "共備社群也要參加公開成果發表會嗎？", [CURRIC]),
    q("yes_no", T, "申請資料要核章嗎？", [YES, STAMP]),
    q("yes_no", T, "社群一定要有資優班老師嗎？", [YES, G1]),
    q("yes_no", T, "交一份就可以了吧？", [NO, COPIES]),
    q("yes_no", T, "召集人需要由大家推舉嗎？", [YES, ELECT]),
    q("yes_no", T, "共備社群要辦成果分享會嗎？", [YES, SHARING]),
    q("yes_no", T, "研創社群一組是兩萬嗎？", [YES, K20]),
    q("yes_no", T, "補助款是一次全部撥下來嗎？", [NO, TWO_PHASES]),
    q("yes_no", E, "Do we need to send an official letter with the application?", [NO, NO_LETTER]),
    q("yes_no", E, "Is the sharing session held at our own school?", [YES, IN_SCHOOL]),
    q("yes_no", C, "研创社群需要公开授课两次吗？", [YES, L2]),
    # --- false premises ----------------------------------------------------------------------
    q("false_premise", T, "截止日是9/30對吧？", [NO, DEADLINE]),
    q("false_premise", T, "共備不用公開授課對吧", [NO, L1]),
    q("false_premise", T, "研創社群不用辦成果分享會吧？", [NO, SHARING]),
    q("false_premise", T, "聽說共備社群要8個人，真的嗎？", [NO, M4]),
    q("false_premise", T, "既然研創一組三萬，那第一期就是一萬五囉？", [NO, K10]),
    q("false_premise", T, "資料要寄到教育局鳳山那邊對吧？", [NO, CENTRE]),
    q("false_premise", T, "申請要先發文給教育局才行吧", [NO, NO_LETTER]),
    q("false_premise", T, "反正資優班老師不用參加社群，普通班老師組就好對嗎？", [NO, G1]),
    q("false_premise", T, "計畫做到112年12月底對吧？", [NO, END]),
    q("false_premise", T, "共備社群活動只要兩次就夠了吧", [NO, A4]),
    q("false_premise", E, "The deadline is the end of September, right?", [NO, DEADLINE]),
    q("false_premise", E, "Co-planning communities get NT$20,000, correct?", [NO, K10]),
    q("false_premise", C, "成果发表会是在八月吧？", [NO, WEEK1_JULY]),
    # --- multi-part --------------------------------------------------------------------------
    q("multi_part", T, "共備跟研創各要幾個人、幾次活動、各多少錢？", [M4, M6, A4, A8, K10, K20]),
    q("multi_part", T, "截止是哪天？要送到哪？交給誰？", [DEADLINE, ADDRESS, LIU]),
    q("multi_part", T, "研創社群的專業對話和公開授課各要幾次", [D2, L2]),
    q("multi_part", T, "兩期的補助期間分別從哪天到哪天？", [START, P1_END, P2_START, END]),
    q("multi_part", T, "劉老師電話多少？教育局承辦人的email是？", [PHONE, EMAIL]),
    q("multi_part", T, "共備社群資優班老師要幾位，召集人要幾位？", [G1, CONVENER1]),
    q("multi_part", T, "要準備什麼文件、幾份、要不要發公文？", [PLAN, BUDGET, COPIES, NO_LETTER]),
    q("multi_part", T, "研創社群第一期、第二期各撥多少？總共呢？", [K10, K20]),
    q("multi_part", T, "成果分享會在哪辦？研創的發表會在什麼時候？", [IN_SCHOOL, WEEK1_JULY]),
    q("multi_part", E, "What's the deadline, and how many copies of each document do we submit?", [DEADLINE, COPIES]),
    q("multi_part", E, "How much does each community type get, and how many groups of each are funded?", [K10, K20, Q15]),
    q("multi_part", C, "共备社群要几次专业对话和几次公开授课？", [D1, L1]),
    # --- what a community still lacks / fits --------------------------------------------------
    q("lacks", T, "我們共備社群已經辦了3次活動，有專業對話也有公開授課，還差什麼？", [A4, SHARING]),
    q("lacks", T, "我們研創社群已經有2次公開授課、1次專業對話，還缺什麼？", [D2 + D1, A8]),
    q("lacks", T, "研創社群8次活動都辦完了，校內分享會也辦了，還有什麼要做的？", [WEEK1_JULY]),
    q("lacks", T, "我們研創社群6個人但只有1位是資優班老師，這樣可以嗎？", [NO, G2]),
    q("lacks", T, "我們有4個老師，全部都是普通班的，要申請共備還缺什麼？", [G1]),
    q("lacks", T, "我們已經準備好概算表了，還缺什麼文件？", [PLAN]),
    q("lacks", T, "我們6位老師、3位資優班，想申請經費比較多的那種，可以嗎？", [CURRIC, K20]),
    q("lacks", T, "研創社群目前5位老師，還要找幾位？", [M6]),
    q("lacks", T, "共備社群4次活動都是專業對話，沒有公開授課，這樣達標嗎？", [NO, L1]),
    q("lacks", T, "申請計畫和概算表都印了一份，這樣可以送了嗎？", [NO, COPIES]),
    q("lacks", E, "Our co-planning community has done 2 activities so far. How many more do we need at minimum?", [A4]),
    q("lacks", E, "We have 6 teachers, 2 of them teach gifted classes. Which community type fits us?", [CURRIC]),
    q("lacks", C, "我们共备社群已经办了4次活动，还需要办什么？", [SHARING]),
    # --- date-relative -----------------------------------------------------------------------
    q("date_relative", T, "今天送件還來得及嗎？", [DEADLINE], today="2022-09-10"),
    q("date_relative", T, "距離截止還有幾天？", [DEADLINE, DAYS_11], today="2022-09-10"),
    q("date_relative", T, "我們現在才想申請，還可以嗎？", [DEADLINE, PASSED], today="2022-09-26"),
    q("date_relative", T, "現在的經費是算第幾期？", [PHASE1, P1_END], today="2022-11-15"),
    q("date_relative", T, "這學期用的是哪一期補助款？", [PHASE2], today="2023-03-01"),
    q("date_relative", T, "明天就截止了嗎？", [YES, DEADLINE], today="2022-09-20"),
    q("date_relative", T, "計畫還在進行嗎？", [END, ENDED], today="2023-08-05"),
    q("date_relative", T, "第一期的期間快結束了嗎？到哪天？", [P1_END], today="2022-12-20"),
    q("date_relative", T, "112年7月第1週是幾號到幾號？", [JULY3, JULY7]),
    q("date_relative", T, "111學年度是西元哪一年到哪一年？", [YEARS[0], YEARS[1]]),
    q("date_relative", E, "Is the application deadline next week?", [YES, DEADLINE], today="2022-09-14"),
    q("date_relative", E, "Has the program started yet?", [START], today="2022-09-10"),
    q("date_relative", C, "现在还能申请吗？", [DEADLINE], today="2022-09-05"),
    # --- the letter is silent ----------------------------------------------------------------
    q("silent", T, "去資源中心送件的時候有地方停車嗎？", S, answered=False),
    q("silent", T, "社群活動可以用經費訂午餐便當嗎？", S, answered=False),
    q("silent", T, "參加社群有沒有研習時數或研習證書？", S, answered=False),
    q("silent", T, "老師去公開授課的時候需要找代課老師嗎？代課費誰出？", S, answered=False),
    q("silent", T, "同一位老師可以同時是共備跟研創兩個社群的成員嗎？", S, answered=False),
    q("silent", T, "社群成員可以中途換人嗎？", S, answered=False),
    q("silent", T, "經費可以買書或教具嗎？", S, answered=False),
    q("silent", T, "成果分享會要邀請家長參加嗎？", S, answered=False),
    q("silent", T, "要繳交成果報告嗎？格式是什麼？", S, answered=False),
    q("silent", T, "一所學校可以同時申請共備和研創嗎？", S, answered=False),
    q("silent", T, "公開授課一定要錄影嗎？", S, answered=False),
    q("silent", E, "Do participating teachers get professional development hours or a certificate?", S, answered=False),
    q("silent", E, "Can a teacher belong to two communities at the same time?", S, answered=False),
    q("silent", C, "社群活动可以请外校专家来讲吗？讲师费能报吗？", S, answered=False),
    # --- not knowable from the letter (status, live facts) -------------------------------------
    q("unknowable", T, "我們學校這次有被選上嗎？", [CONTACT], answered=False),
    q("unknowable", T, "現在還剩幾個名額？", [CONTACT], answered=False),
    q("unknowable", T, "劉老師的手機幾號？", [CONTACT], answered=False),
    q("unknowable", T, "資源中心幾點下班？", [CONTACT], answered=False),
    q("unknowable", T, "審查結果什麼時候公布？", [CONTACT], answered=False),
    q("unknowable", T, "明年還會有這個計畫嗎？", [CONTACT], answered=False),
    q("unknowable", T, "成果發表會在哪個場地？", [CONTACT], answered=False),
    q("unknowable", T, "發表會確定是哪一天？", [WEEK1_JULY], none=EXACT_DAY_GUESS),
    q("unknowable", T, "第二期的錢撥下來了沒？", [CONTACT], answered=False),
    q("unknowable", T, "可以把實施計畫附件傳給我嗎？", [CONTACT], answered=False,
      none=["http", "www."]),
    q("unknowable", E, "How many schools have applied so far?", [CONTACT], answered=False),
    q("unknowable", E, "What day exactly is the public showcase?", [WEEK1_JULY], none=EXACT_DAY_GUESS),
    q("unknowable", C, "我们的申请资料资源中心收到了吗？", [CONTACT], answered=False),
    # --- other reference facts ---------------------------------------------------------------
    q("reference", T, "這份公文是哪一天發的？", [LETTER_DATE]),
    q("reference", T, "這個計畫是根據什麼辦的？", [BASIS]),
    q("reference", T, "教育局那邊是哪一科負責？", [SECTION]),
    q("reference", T, "哪些學校可以申請？大學可以嗎？", [BELOW_UNI]),
    q("reference", T, "審核通過之後要做什麼？", [AFTER_APPROVAL]),
    q("reference", T, "召集人研習的資訊去哪裡看？", [WEBSITE]),
    q("reference", T, "兩種社群加起來總共補助幾組？", [Q30]),
    q("reference", T, "共備社群15組總經費是多少？", [TOTAL_150K]),
    q("reference", T, "研創社群全部15組加起來多少錢？", [TOTAL_300K]),
    q("reference", T, "承辦人的電話？", [BUREAU_PHONE]),
    q("reference", E, "Who is the contact person at the Bureau and what is their email?", [EMAIL]),
    q("reference", E, "Does the convener have to attend a workshop? Where is it announced?", [WORKSHOP_HOW]),
    q("reference", C, "这份公文的文号是多少？", [LETTER_NO]),
    # --- out of scope ------------------------------------------------------------------------
    q("out_of_scope", T, "哈囉", [], answered=False),
    q("out_of_scope", T, "謝謝你", [], answered=False),
    q("out_of_scope", T, "資優班學生下學期的段考是哪天？", [], answered=False),
    q("out_of_scope", T, "教師甄試什麼時候報名？", [], answered=False),
    q("out_of_scope", T, "推薦一家高雄好吃的餐廳", [], answered=False),
    q("out_of_scope", T, "特教助理員的申請辦法是什麼？", [], answered=False),
    q("out_of_scope", T, "幫我寫一份教案", [], answered=False),
    q("out_of_scope", T, "數位學習精進方案補助幾組？", [], answered=False),
    q("out_of_scope", T, "高雄捷運幾點收班？", [], answered=False),
    q("out_of_scope", T, "嗯嗯", [], answered=False),
    q("out_of_scope", E, "Good morning!", [], answered=False),
    q("out_of_scope", E, "Can you translate this paragraph into Japanese?", [], answered=False),
    q("out_of_scope", C, "帮我推荐一本书", [], answered=False),
]


def main() -> None:
    counts: dict[str, int] = {}
    halves: dict[str, list[dict]] = {"fresh_tuning.jsonl": [], "fresh_heldout.jsonl": []}
    for item in ITEMS:
        n = counts[item["kind"]] = counts.get(item["kind"], 0) + 1
        row = {"id": f"fresh-{item['kind']}-{n:02d}", **item}
        halves["fresh_tuning.jsonl" if n % 2 else "fresh_heldout.jsonl"].append(row)
    for name, rows in halves.items():
        text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        (HERE / name).write_text(text, "utf-8")
        sys.stdout.write(f"{name} {len(rows)}\n")


if __name__ == "__main__":
    main()
