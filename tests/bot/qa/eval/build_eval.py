# ruff: noqa: E501
"""Build the evaluation question set: run `python tests/bot/qa/eval/build_eval.py`.

Written from the letter (../shared/seed) and PROGRAM.md only, without looking at the QA engine.
Writes tuning.jsonl and heldout.jsonl next to this file (alternating within each kind and language).
"""

from __future__ import annotations

import json
from pathlib import Path

# Acceptable spellings of each fact (any one alternative of a group must appear in the answer).
DEADLINE = ["9月21", "9/21", "09-21", "0921", "九月二十一", "September 21", "Sep 21", "Sept 21", "21 September", "21 Sep"]
START = ["9月1日", "9/1", "09-01", "九月一日", "September 1", "Sep 1", "Sept 1", "1 September"]
END = ["7月31", "7/31", "07-31", "七月三十一", "July 31", "31 July"]
P1_END = ["12月31", "12/31", "12-31", "十二月三十一", "December 31", "Dec 31", "31 December"]
P2_START = ["1月1日", "1/1", "01-01", "一月一日", "January 1", "Jan 1", "1 January"]
SHOWCASE = ["7月第1週", "7月第一週", "七月第一週", "7月第1周", "7月第一周", "七月第一周", "first week of July", "1st week of July"]
SHOWCASE_WORD = ["公開成果發表會", "成果發表會", "成果发表会", "showcase"]
SHARE = ["成果分享會", "成果分享会", "sharing session"]
IN_SCHOOL = ["校內", "校内", "in the school", "at the school", "at your school", "within the school", "in-school"]
N4 = ["4人", "4位", "四人", "四位", "4名", "4 members", "4 teachers", "four members", "four teachers", "4 people"]
N6 = ["6人", "6位", "六人", "六位", "6名", "6 members", "6 teachers", "six members", "six teachers", "6 people"]
G1 = ["至少1", "至少一", "1人以上", "1位以上", "at least 1", "at least one"]
G2 = ["至少2", "至少兩", "至少二", "至少两", "2人以上", "2位以上", "at least 2", "at least two"]
A4 = ["4次", "四次", "4 activities", "four activities", "at least 4"]
A8 = ["8次", "八次", "8 activities", "eight activities", "at least 8"]
D1 = ["1次專業對話", "一次專業對話", "專業對話1次", "1次专业对话", "一次专业对话", "1 professional dialogue", "one professional dialogue"]
L1 = ["1次公開授課", "一次公開授課", "公開授課1次", "1次公开授课", "一次公开授课", "1 public lesson", "one public lesson", "1 open lesson", "one open lesson"]
D2 = ["2次專業對話", "兩次專業對話", "二次專業對話", "專業對話2次", "2次专业对话", "两次专业对话", "2 professional dialogues", "two professional dialogues"]
L2 = ["2次公開授課", "兩次公開授課", "二次公開授課", "公開授課2次", "2次公开授课", "两次公开授课", "2 public lessons", "two public lessons", "2 open lessons", "two open lessons"]
F5K = ["5000", "5,000", "5千", "五千"]
F10K = ["1萬", "10000", "10,000", "一萬", "一万", "1万"]
F20K = ["2萬", "20000", "20,000", "兩萬", "二萬", "两万", "2万"]
QUOTA = ["15組", "十五組", "15组", "十五组", "15 groups", "15 communities", "fifteen"]
PHASES = ["2期", "兩期", "二期", "两期", "two phases", "2 phases", "two instalments", "two installments", "two tranches"]
PLAN = ["申請計畫", "申请计划", "application plan"]
BUDGET = ["概算表", "budget estimate"]
COPIES = ["一式兩份", "一式两份", "兩份", "两份", "2份", "二份", "two copies", "duplicate"]
NO_LETTER = ["免備文", "不用備文", "不需備文", "無須備文", "不必備文", "不需要備文", "不用發文", "免發文", "免备文", "不用发文", "no covering letter", "no cover letter", "without a covering letter", "without a cover letter", "no official letter"]
PLACE = ["十全一路200", "資優教育資源中心", "资优教育资源中心", "Resource Center", "Resource Centre"]
ADDRESS = ["十全一路200", "Shiquan 1st Rd", "Shiquan 1st Road"]
COLLECTOR = ["劉書伶", "刘书伶", "Liu Shu", "Liu Shu-ling", "Shu-ling Liu"]
CONTACT = ["劉書伶", "刘书伶", "Liu Shu", "Shu-ling Liu", "3118935"]
PHONE = ["3118935"]
EXT = ["分機64", "分机64", "#64", "ext. 64", "ext 64", "extension 64", "轉64"]
BUREAU_NAME = ["賴立寧", "赖立宁", "Lai Li"]
BUREAU_PHONE = ["7995678"]
EMAIL = ["marian07@kcg.gov.tw"]
BUREAU_SECTION = ["特殊教育科", "特教科", "Special Education Section", "特殊教育科"]
PERIOD_START = START
CONVENER_ONE = ["1位", "一位", "1名", "一名", "1 teacher", "one teacher", "1 convener", "one convener"]
CONVENER = ["召集人", "convener"]
ELECT = ["推舉", "推举", "elect", "選出", "选出"]
WORKSHOP_LATER = ["另函", "另行", "另外發函", "另外发函", "separate letter", "separately"]
WEBSITE = ["網站", "网站", "website"]
FUND_LETTER = ["發函", "发函", "請款", "请款", "letter"]
REVIEW = ["審核", "审核", "review", "approv"]
TOTAL_450K = ["45萬", "450000", "450,000", "四十五萬"]
TOTAL_150K = ["15萬", "150000", "150,000", "十五萬"]
TOTAL_300K = ["30萬", "300000", "300,000", "三十萬"]
GROUPS_30 = ["30組", "三十組", "30组", "30 groups", "30 communities", "thirty"]
COBEI = ["共備精進", "共备精进", "共備", "共备", "co-planning", "Co-planning"]
YANCHUANG = ["課程研創", "课程研创", "研創", "研创", "curriculum research", "Curriculum research", "curriculum creation"]
PARTNO = ["11136704300"]
DATE_LETTER = ["9月2日", "9/2", "09-02", "September 2", "Sep 2", "2 September"]
BASIS = ["資優教育優質發展中程計畫", "资优教育优质发展中程计划", "中程計畫"]

YES = ["是", "對", "沒錯", "正確", "可以", "对", "没错", "正确", "yes", "Yes", "correct", "Correct", "right"]
NO = ["不是", "不對", "不行", "不可以", "不能", "不需", "不用", "不必", "並非", "不正確", "錯", "不对", "不需要", "不正确", "并非", "No", "no", "not", "isn't", "aren't", "don't", "doesn't", "incorrect"]
SILENT = ["沒有規定", "未規定", "並未規定", "沒規定", "沒有明定", "未明定", "沒有說明", "未說明", "未提及", "沒有提到", "未載明", "沒有寫", "沒有明確", "未明確", "未特別", "沒有特別", "没有规定", "未规定", "没有说明", "未说明", "没有提到", "does not specify", "doesn't specify", "not specified", "does not say", "doesn't say", "not stated", "does not state", "doesn't state", "not mentioned", "does not mention", "doesn't mention"]

QUESTIONS: list[dict] = []


def q(kind: str, lang: str, text: str, *groups: list, answered: bool = True, none: list[str] | None = None) -> None:
    """Each positional argument is `[GROUP]` or `[GROUP, GROUP]`; any one alternative of a group must appear."""
    flat: list[list[str]] = []
    for argument in groups:
        flat.extend([argument] if all(isinstance(item, str) for item in argument) else argument)
    QUESTIONS.append({"kind": kind, "lang": lang, "q": text, "all": flat, "none": none or [], "answered": answered})


# 1. Long conversational questions with context.
K = "conversational"
q(K, "zh-TW", "想確認一下，我們學校今年想組資優教育教師專業成長社群，請問申請資料最晚什麼時候要送出去？", [DEADLINE])
q(K, "zh-TW", "您好，我是國小資優班的老師，教務處說有一個專業成長社群的計畫，想請問共備精進學習社群需要幾位老師參加？", [N4])
q(K, "zh-TW", "我們學校資優班只有兩位老師，其他四位是普通班老師，大家想一起做課程研創學習社群，想問研創社群規定資優班老師至少要幾位？", [G2])
q(K, "zh-TW", "主任剛剛把教育局的公文轉給我，我看不太懂，想請問這個社群計畫的實施期程是從什麼時候到什麼時候？", [START, END])
q(K, "zh-TW", "不好意思打擾，我是今年第一次當召集人，想知道申請的時候到底要準備哪些文件？", [PLAN], [BUDGET])
q(K, "zh-TW", "我們學校在楠梓，離資源中心有點遠，想先問清楚申請資料要送到哪個地址？", [ADDRESS])
q(K, "zh-TW", "我們校長問說申請這個社群要不要先發公文給教育局，還是直接送資料就好？", [NO_LETTER])
q(K, "zh-TW", "學校會計問我經費怎麼撥，想確認一下社群的補助款是一次撥下來還是分期？", [PHASES])
q(K, "zh-TW", "我們打算申請共備精進學習社群，會計想先知道這一組總共可以拿到多少經費？", [F10K])
q(K, "zh-TW", "我們幾個老師討論後決定挑戰課程研創學習社群，想請問一組的經費總額是多少？", [F20K])
q(K, "zh-TW", "想確認一下，共備精進學習社群這一年總共要辦幾次社群運作活動才算達標？", [A4])
q(K, "zh-TW", "我們學校去年沒有辦過，今年想申請課程研創學習社群，請問一整年至少要安排幾次社群活動？", [A8])
q(K, "zh-TW", "教學組長提醒我公開授課有次數規定，我們是課程研創學習社群，請問至少要公開授課幾次？", [L2])
q(K, "zh-TW", "我們社群是共備精進的，老師們比較怕公開授課，想問最少需要幾次專業對話和幾次公開授課？", [D1], [L1])
q(K, "zh-TW", "我們學校是國中，想申請研創社群，聽說最後還要去參加教育局的發表會，請問那是什麼時候？", [SHOWCASE])
q(K, "zh-TW", "送件的部分我想再確認一次，申請計畫和經費概算表各要準備幾份？", [COPIES])
q(K, "zh-TW", "我們已經把資料都準備好了，想問一下到資源中心之後要交給哪一位老師？", [COLLECTOR])
q(K, "zh-TW", "我看公文有很多細節不清楚，如果有疑問的話應該打電話問誰？電話是多少？", [COLLECTOR], [PHONE])
q(K, "zh-TW", "我們學校是第一次申請，想了解一下共備社群第一期補助款是多少錢？", [F5K])
q(K, "zh-TW", "出納問我課程研創學習社群第二期可以撥多少，能幫我查一下嗎？", [F10K])
q(K, "zh-TW", "我們社群今年預計上學期就先把一些活動做完，請問第一期補助款涵蓋的期間是到什麼時候？", [P1_END])
q(K, "zh-TW", "想確認一下，第二期補助款的期間是從哪一天開始到哪一天？", [P2_START], [END])
q(K, "zh-TW", "主任說這種社群名額有限，想知道共備精進學習社群這次預計補助幾組？", [QUOTA])
q(K, "zh-TW", "我們學校送件之後，接下來要等什麼？審核通過以後要怎麼請款？", [FUND_LETTER])
q(K, "zh-TW", "我被同事推舉當召集人，聽說召集人還有研習，想問研習的資訊會在哪裡公告？", [WEBSITE])
q(K, "zh-TW", "我們社群的老師想知道除了平常的社群活動以外，還要辦什麼分享的場合嗎？是在哪裡辦？", [SHARE], [IN_SCHOOL])
q(K, "zh-TW", "我們是左營區的國小，想要申請，不過我想先知道召集人是怎麼產生的，需要幾位？", [CONVENER_ONE])
q(K, "zh-TW", "學務主任跟我說要確認公文的承辦人，如果要直接找教育局的承辦人，應該找誰？", [BUREAU_NAME])
q(K, "zh-TW", "想寄信給教育局承辦人問問題，請問承辦人的電子信箱是多少？", [EMAIL])
q(K, "zh-TW", "我們學校資優班老師有一位，普通班老師三位，剛好四個人，想確認這樣可以申請共備精進學習社群嗎？", [YES], [COBEI])
q(K, "zh-TW", "想請教一下，這個專業成長社群計畫是依據什麼計畫辦理的？我要寫在申請計畫的緣起裡。", [BASIS])
q(K, "zh-TW", "我要在學校的簽呈上寫公文文號，可以告訴我這份公文的發文字號嗎？", [PARTNO])
q(K, "zh-TW", "我們打算9月中送件，想確認截止日是星期幾、哪一天，免得記錯。", [DEADLINE], ["星期三", "週三", "(三)", "（三）", "Wednesday"])
q(K, "zh-TW", "我們研創社群的老師問說，除了要去教育局的公開成果發表會之外，學校裡面還要不要另外辦成果分享會？", [SHARE], [IN_SCHOOL])
q(K, "zh-TW", "我在做經費規劃，想知道課程研創學習社群第一期和第二期各是多少？", [F10K])
q(K, "zh-TW", "我們學校今年想辦，但不確定資源中心電話的分機號碼，可以再告訴我一次嗎？", [EXT])
q(K, "en", "Hi, I teach a gifted class at a junior high school in Kaohsiung and we want to form a co-planning community. How many teachers do we need?", [N4])
q(K, "en", "Our principal forwarded me the Education Bureau letter about the teacher growth communities. When is the application deadline?", [DEADLINE])
q(K, "en", "We are putting together our application this week. Which documents do we have to submit, and how many copies of each?", [PLAN], [BUDGET], [COPIES])
q(K, "en", "Our school is planning a curriculum research and creation community. How much funding does one group get in total?", [F20K])
q(K, "en", "I was just chosen as the convener. If I have questions about the program, who should I contact?", [CONTACT])
q(K, "zh-CN", "你好，我们学校想申请共备精进学习社群，想确认一下申请截止日期是哪天？", [DEADLINE])
q(K, "zh-CN", "我们是国中，打算申请课程研创学习社群，请问社群要几个老师参加，资优班老师至少几位？", [N6], [G2])
q(K, "zh-CN", "学校会计问我补助款怎么拨，想确认一下是分几期拨付？", [PHASES])
q(K, "zh-CN", "我是第一次当召集人，资料都准备好了，想问送到资源中心以后交给哪位老师？", [COLLECTOR])


# 2. A neighbouring fact is tempting but wrong.
K = "tempting_neighbour"
q(K, "zh-TW", "可以用email寄申請資料嗎？", [COPIES], [PLACE])
q(K, "zh-TW", "截止日過了還能申請嗎？", [DEADLINE], [CONTACT])
q(K, "zh-TW", "申請資料可以直接上傳到資源中心網站嗎？", [COPIES], [PLACE])
q(K, "zh-TW", "申請資料可以用傳真的嗎？", [COPIES], [PLACE])
q(K, "zh-TW", "共備精進學習社群每一期補助多少錢？", [F5K])
q(K, "zh-TW", "課程研創學習社群每一期可以拿多少？", [F10K])
q(K, "zh-TW", "課程研創學習社群一整年總共補助多少？", [F20K])
q(K, "zh-TW", "共備社群要公開授課幾次？", [L1])
q(K, "zh-TW", "研創社群的專業對話要做幾次？", [D2])
q(K, "zh-TW", "課程研創學習社群要幾位資優班老師？", [G2])
q(K, "zh-TW", "共備社群也要參加教育局7月的公開成果發表會嗎？", [NO], [YANCHUANG])
q(K, "zh-TW", "成果分享會要到教育局去辦嗎？", [IN_SCHOOL])
q(K, "zh-TW", "公開成果發表會是在自己學校辦嗎？", [SHOWCASE], [["本局", "教育局", "Bureau", "bureau"]])
q(K, "zh-TW", "申請資料是交給教育局特殊教育科嗎？", [PLACE], [COLLECTOR])
q(K, "zh-TW", "申請資料要寄到教育局鳳山光復路那個地址嗎？", [ADDRESS])
q(K, "zh-TW", "申請資料是送給承辦人賴立寧嗎？", [COLLECTOR])
q(K, "zh-TW", "送件的時候要不要附學校的公文？", [NO_LETTER])
q(K, "zh-TW", "公文上寫9月2日，那是申請截止日嗎？", [DEADLINE])
q(K, "zh-TW", "計畫是111學年度，所以會做到112年8月底嗎？", [END])
q(K, "zh-TW", "公開成果發表會是在7月31日計畫結束那天嗎？", [SHOWCASE])
q(K, "zh-TW", "第二期補助款是從112年2月開始算嗎？", [P2_START])
q(K, "zh-TW", "補助款是從9月21日截止以後才開始算嗎？第一期的期間是？", [START], [P1_END])
q(K, "zh-TW", "審核通過以後錢會直接匯到學校嗎？", [FUND_LETTER])
q(K, "zh-TW", "送申請資料的時候要順便附請款資料嗎？", [FUND_LETTER])
q(K, "zh-TW", "一式兩份是申請計畫跟概算表加起來兩份的意思嗎？", [["各一式兩份", "各一式两份", "各兩份", "各2份", "各两份", "each"]])
q(K, "zh-TW", "經費概算表需要核章嗎？", [["核章", "stamp"]])
q(K, "zh-TW", "召集人研習要在申請的時候一起報名嗎？", [WORKSHOP_LATER])
q(K, "zh-TW", "研創社群的成果分享會要辦兩次嗎？", [["1次", "一次", "once", "one sharing", "only one", "a single"]], [IN_SCHOOL])
q(K, "zh-TW", "共備社群的活動是不是要8次？", [A4])
q(K, "zh-TW", "共備社群參與人數是6人嗎？", [N4])
q(K, "zh-TW", "有問題的話打給教育局承辦人就好嗎？公文說要洽詢誰？", [CONTACT])
q(K, "zh-TW", "資源中心劉老師的電話分機是3084嗎？", [EXT])
q(K, "zh-TW", "申請資料可以email到marian07@kcg.gov.tw嗎？", [COPIES], [PLACE])
q(K, "zh-TW", "共備精進學習社群補助30組嗎？", [QUOTA])
q(K, "zh-TW", "共備社群的資優班老師要2位嗎？", [G1])
q(K, "zh-TW", "研創社群是不是也是4次活動就可以？", [A8])
q(K, "en", "Can I email the application documents instead of delivering them?", [COPIES], [PLACE])
q(K, "en", "The letter is dated September 2. Is that also the application deadline?", [DEADLINE])
q(K, "en", "Does a co-planning community also have to attend the Bureau's public showcase in July?", [NO], [YANCHUANG])
q(K, "en", "How much does a curriculum research and creation community get in each phase?", [F10K])
q(K, "en", "Should I send the application to the Education Bureau's Special Education Section?", [PLACE], [COLLECTOR])
q(K, "zh-CN", "可以用微信或者邮件提交申请资料吗？", [COPIES], [PLACE])
q(K, "zh-CN", "共备精进学习社群每一期补助多少钱？", [F5K])
q(K, "zh-CN", "成果分享会要到教育局去办吗？", [IN_SCHOOL])
q(K, "zh-CN", "研创社群每一期补助2万元吗？", [F10K])


# 3. Yes/no questions and false premises: the verdict and the right fact.
K = "yes_no"
q(K, "zh-TW", "共備要6個人對嗎？", [NO], [N4])
q(K, "zh-TW", "截止日是9月30日嗎？", [NO], [DEADLINE])
q(K, "zh-TW", "申請截止日是9月21日對嗎？", [YES], [DEADLINE])
q(K, "zh-TW", "共備精進學習社群是4個人嗎？", [YES], [N4])
q(K, "zh-TW", "研創社群要6個人對不對？", [YES], [N6])
q(K, "zh-TW", "課程研創學習社群5個人就可以了嗎？", [NO], [N6])
q(K, "zh-TW", "共備社群一組經費2萬元嗎？", [NO], [F10K])
q(K, "zh-TW", "研創社群一組經費是2萬元對嗎？", [YES], [F20K])
q(K, "zh-TW", "共備社群資優班老師至少要2位對嗎？", [NO], [G1])
q(K, "zh-TW", "研創社群資優班老師只要1位就好嗎？", [NO], [G2])
q(K, "zh-TW", "共備社群至少辦4次活動，對嗎？", [YES], [A4])
q(K, "zh-TW", "研創社群至少要辦10次活動嗎？", [NO], [A8])
q(K, "zh-TW", "共備社群要公開授課2次嗎？", [NO], [L1])
q(K, "zh-TW", "研創社群要2次公開授課對嗎？", [YES], [L2])
q(K, "zh-TW", "研創社群只要1次專業對話就好了嗎？", [NO], [D2])
q(K, "zh-TW", "經費是一次全部撥付嗎？", [NO], [PHASES])
q(K, "zh-TW", "補助款分兩期撥付對吧？", [YES], [PHASES])
q(K, "zh-TW", "第一期補助款到111年12月31日止，對嗎？", [YES], [P1_END])
q(K, "zh-TW", "第二期補助款是到112年6月30日嗎？", [NO], [END])
q(K, "zh-TW", "計畫從111年8月1日開始實施嗎？", [NO], [START])
q(K, "zh-TW", "實施期程到112年7月31日對嗎？", [YES], [END])
q(K, "zh-TW", "申請資料各準備一份就可以嗎？", [NO], [COPIES])
q(K, "zh-TW", "申請要先發公文嗎？", [NO], [NO_LETTER])
q(K, "zh-TW", "申請資料是送到資源中心給劉書伶老師嗎？", [YES], [COLLECTOR])
q(K, "zh-TW", "資源中心在鳳山區光復路二段132號對嗎？", [NO], [ADDRESS])
q(K, "zh-TW", "公開成果發表會是112年6月嗎？", [NO], [SHOWCASE])
q(K, "zh-TW", "共備社群需要在校內辦成果分享會嗎？", [YES], [SHARE])
q(K, "zh-TW", "共備精進學習社群預計補助10組嗎？", [NO], [QUOTA])
q(K, "zh-TW", "研創社群第一期補助5000元對嗎？", [NO], [F10K])
q(K, "zh-TW", "共備社群第二期是5000元嗎？", [YES], [F5K])
q(K, "zh-TW", "社群要推舉2位召集人嗎？", [NO], [CONVENER_ONE])
q(K, "zh-TW", "劉書伶老師的電話是07-3118935分機64嗎？", [YES], [EXT])
q(K, "zh-TW", "審核通過後教育局會再發函讓學校請款，對嗎？", [YES], [FUND_LETTER])
q(K, "zh-TW", "截止日9月21日是星期五嗎？", [NO], [["星期三", "週三", "(三)", "（三）", "Wednesday"]])
q(K, "en", "Is it true that a co-planning community needs 6 members?", [NO], [N4])
q(K, "en", "The deadline is September 30, right?", [NO], [DEADLINE])
q(K, "en", "Does a curriculum research and creation community get NT$20,000 per group?", [YES], [F20K])
q(K, "en", "Do we need to send a covering official letter with the application?", [NO], [NO_LETTER])
q(K, "en", "Is one copy of each document enough?", [NO], [COPIES])
q(K, "en", "Is the funding paid in two phases?", [YES], [PHASES])
q(K, "zh-CN", "共备社群要6个人对吗？", [NO], [N4])
q(K, "zh-CN", "截止日是9月30日吗？", [NO], [DEADLINE])
q(K, "zh-CN", "课程研创学习社群一组补助2万元，对吗？", [YES], [F20K])
q(K, "zh-CN", "研创社群只要1位资优班老师就可以吗？", [NO], [G2])


# 4. Scenario reasoning: the conclusion and what is missing.
K = "scenario"
PHASE1 = ["第1期", "第一期", "第1期補助款", "phase 1", "Phase 1", "first phase"]
PHASE2 = ["第2期", "第二期", "第2期補助款", "phase 2", "Phase 2", "second phase"]
STAMP = ["核章", "stamp"]
q(K, "zh-TW", "我們有5位老師、1位是資優班，可以申請哪一類？", [COBEI], [N4])
q(K, "zh-TW", "我們是共備社群，做了3次專業對話、1次公開授課，這樣夠嗎？", [SHARE])
q(K, "zh-TW", "我們是課程研創社群，做了3次專業對話、1次公開授課，這樣夠嗎？", [A8], [L2])
q(K, "zh-TW", "我們有6位老師，其中只有1位資優班老師，可以申請課程研創學習社群嗎？", [NO], [G2])
q(K, "zh-TW", "我們6位老師裡有2位資優班老師，符合課程研創學習社群的人數條件嗎？", [YES], [N6])
q(K, "zh-TW", "我們4位老師都是普通班老師，沒有資優班老師，可以申請共備社群嗎？", [NO], [G1])
q(K, "zh-TW", "我們只有3位老師，其中1位資優班，還差什麼才能申請共備精進學習社群？", [N4])
q(K, "zh-TW", "研創社群已經辦了8次活動，包含2次專業對話、2次公開授課，也辦了校內成果分享會，還有什麼要做？", [SHOWCASE])
q(K, "zh-TW", "共備社群辦了4次活動，其中2次專業對話，但還沒有公開授課，這樣符合規定嗎？", [NO], [L1])
q(K, "zh-TW", "我們研創社群目前辦了7次活動，還差幾次？", [A8])
q(K, "zh-TW", "研創社群第一期拿到1萬元了，第二期還會有多少？", [F10K])
q(K, "zh-TW", "共備社群第一期已經撥了5,000元，第二期還可以拿多少？", [F5K])
q(K, "zh-TW", "今天是9月25日，我們還來得及送申請嗎？", [DEADLINE])
q(K, "zh-TW", "我們預計9月16日把資料送到資源中心，這樣有在期限內嗎？", [YES], [DEADLINE])
q(K, "zh-TW", "我們想把一次社群活動排在112年8月，這樣還在實施期程內嗎？", [NO], [END])
q(K, "zh-TW", "如果共備和研創兩類的名額都補助滿，教育局總共要補助多少經費？", [TOTAL_450K])
q(K, "zh-TW", "共備精進學習社群15組全部補助的話，總經費是多少？", [TOTAL_150K])
q(K, "zh-TW", "課程研創學習社群15組總共會補助多少錢？", [TOTAL_300K])
q(K, "zh-TW", "共備社群15組的第一期補助款加起來是多少？", [["7.5萬", "75000", "75,000", "7萬5", "七萬五"]])
q(K, "zh-TW", "我們10月辦的社群活動，是用第幾期的補助款？", [PHASE1])
q(K, "zh-TW", "我們112年3月辦的公開授課，屬於第幾期經費的期間？", [PHASE2])
q(K, "zh-TW", "我們學校有8位老師想一起參加研創社群，人數規定是幾位？", [N6])
q(K, "zh-TW", "我們有2位資優班老師和2位普通班老師，共4人，可以申請共備精進學習社群嗎？", [YES], [COBEI])
q(K, "zh-TW", "研創社群辦了2次公開授課，但專業對話只做了1次，還缺什麼？", [D2])
q(K, "zh-TW", "共備社群活動都做完了4次，但還沒辦成果分享會，這樣可以結案嗎？", [SHARE], [IN_SCHOOL])
q(K, "zh-TW", "研創社群有老師7月第1週要出國，可以不參加公開成果發表會嗎？", [SHOWCASE])
q(K, "zh-TW", "截止日是星期三，我們星期四9月22日才送，來得及嗎？", [NO], [DEADLINE])
q(K, "zh-TW", "我們申請計畫印了兩份，概算表只印了一份，這樣可以嗎？", [NO], [COPIES])
q(K, "zh-TW", "我們只準備了申請計畫，還缺什麼資料？", [BUDGET])
q(K, "zh-TW", "經費概算表還沒給主管蓋章，可以先送嗎？", [STAMP])
q(K, "zh-TW", "資料已經送到資源中心了，我們什麼時候可以開始請款？", [FUND_LETTER])
q(K, "zh-TW", "共備社群安排1次專業對話、1次公開授課、2次讀書會，另外辦校內成果分享會，這樣的規劃符合嗎？", [YES], [A4])
q(K, "zh-TW", "研創社群6位老師、2位資優班，只規劃了6次活動，夠嗎？", [NO], [A8])
q(K, "zh-TW", "我們學校是高中，老師6人、資優班3人，想申請共備精進學習社群，人數對嗎？", [N4])
q(K, "zh-TW", "研創社群上學期做了1次公開授課，下學期再做1次，公開授課次數這樣夠嗎？", [YES], [L2])
q(K, "zh-TW", "我們社群4個人都想當召集人，規定要推舉幾位？", [CONVENER_ONE])
q(K, "en", "We have 5 teachers and one of them teaches a gifted class. Which community type can we apply for?", [COBEI], [N4])
q(K, "en", "Our curriculum research community has held 6 activities, including 2 dialogues and 2 public lessons. What is still missing?", [A8], [SHARE], [SHOWCASE])
q(K, "en", "Our co-planning community got NT$5,000 in phase 1. How much do we get in phase 2?", [F5K])
q(K, "en", "Today is September 23. Can we still submit our application?", [DEADLINE])
q(K, "en", "All four of our teachers teach regular classes, none in a gifted class. Can we form a co-planning community?", [NO], [G1])
q(K, "en", "We plan to hold one of our activities in August 2023. Is that still inside the implementation period?", [NO], [END])
q(K, "zh-CN", "我们有5位老师、1位是资优班老师，可以申请哪一类社群？", [COBEI], [N4])
q(K, "zh-CN", "研创社群现在办了7次活动，还差几次？", [A8])
q(K, "zh-CN", "共备社群做了2次专业对话，还没有公开授课，这样可以吗？", [NO], [L1])



# 5. Compound questions: every part expected.
K = "compound"
q(K, "zh-TW", "申請截止日是哪天？資料要送到哪裡？", [DEADLINE], [PLACE])
q(K, "zh-TW", "共備社群要幾個人？經費多少？", [N4], [F10K])
q(K, "zh-TW", "研創社群要幾個人？資優班老師至少幾位？", [N6], [G2])
q(K, "zh-TW", "要交哪些文件？各要幾份？", [PLAN], [BUDGET], [COPIES])
q(K, "zh-TW", "共備社群要辦幾次活動？其中公開授課幾次？", [A4], [L1])
q(K, "zh-TW", "研創社群至少幾次活動、幾次專業對話、幾次公開授課？", [A8], [D2], [L2])
q(K, "zh-TW", "經費分幾期？第一期是什麼期間？", [PHASES], [P1_END])
q(K, "zh-TW", "第一期和第二期的期間分別是？", [P1_END], [P2_START])
q(K, "zh-TW", "共備和研創一組各補助多少錢？", [F10K], [F20K])
q(K, "zh-TW", "共備社群第一期多少、第二期多少？", [F5K])
q(K, "zh-TW", "有問題要找誰？電話和分機是多少？", [COLLECTOR], [PHONE], [EXT])
q(K, "zh-TW", "資源中心地址在哪？資料交給哪位老師？", [ADDRESS], [COLLECTOR])
q(K, "zh-TW", "實施期程多久？研創社群的成果發表會在什麼時候？", [START], [END], [SHOWCASE])
q(K, "zh-TW", "兩類社群各補助幾組？總共幾組？", [QUOTA], [GROUPS_30])
q(K, "zh-TW", "需要備文嗎？截止日是哪天？", [NO_LETTER], [DEADLINE])
q(K, "zh-TW", "召集人要幾位？召集人研習的消息會在哪裡公告？", [CONVENER_ONE], [WEBSITE])
q(K, "zh-TW", "成果分享會在哪裡辦？研創社群還要參加什麼？", [IN_SCHOOL], [SHOWCASE_WORD])
q(K, "zh-TW", "審核通過後要做什麼？要找誰問？", [FUND_LETTER], [CONTACT])
q(K, "zh-TW", "承辦人是誰？電子信箱多少？", [BUREAU_NAME], [EMAIL])
q(K, "zh-TW", "公文的發文日期和文號是？", [DATE_LETTER], [PARTNO])
q(K, "zh-TW", "共備社群要幾位資優班老師？研創社群呢？", [G1], [G2])
q(K, "zh-TW", "共備社群的專業對話要幾次？研創社群的呢？", [D1], [D2])
q(K, "zh-TW", "共備要公開授課幾次？研創要幾次？", [L1], [L2])
q(K, "zh-TW", "共備和研創的參與人數各是多少？", [N4], [N6])
q(K, "zh-TW", "研創社群每期補助多少？一年總共多少？", [F10K], [F20K])
q(K, "zh-TW", "計畫什麼時候開始？第二期補助款從哪天開始？", [START], [P2_START])
q(K, "zh-TW", "截止日是星期幾？送件要不要發文？要送幾份？", [["星期三", "週三", "(三)", "（三）", "Wednesday"]], [NO_LETTER], [COPIES])
q(K, "zh-TW", "概算表要核章嗎？要交給誰？", [["核章", "stamp"]], [COLLECTOR])
q(K, "zh-TW", "共備社群活動次數和成果分享會的規定是什麼？", [A4], [SHARE])
q(K, "zh-TW", "研創社群要辦成果分享會嗎？還要參加發表會嗎？發表會是什麼時候？", [SHARE], [SHOWCASE])
q(K, "zh-TW", "資源中心的地址和電話是？", [ADDRESS], [PHONE])
q(K, "zh-TW", "教育局承辦單位是哪一科？承辦人電話是多少？", [BUREAU_SECTION], [BUREAU_PHONE])
q(K, "zh-TW", "共備社群一組多少錢？預計補助幾組？", [F10K], [QUOTA])
q(K, "zh-TW", "研創社群要幾人、幾次活動、經費多少？", [N6], [A8], [F20K])
q(K, "zh-TW", "共備社群要幾人、幾次活動、經費多少？", [N4], [A4], [F10K])
q(K, "zh-TW", "這個計畫的依據是什麼？實施期程到什麼時候？", [BASIS], [END])
q(K, "en", "What is the deadline and where do we deliver the application?", [DEADLINE], [PLACE])
q(K, "en", "How many members does each community type need, and how many of them must be gifted-class teachers?", [N4], [N6], [G1], [G2])
q(K, "en", "How much funding does each type get, and how many groups are funded?", [F10K], [F20K], [QUOTA])
q(K, "en", "How many activities must a curriculum research community run, and when is the public showcase?", [A8], [SHOWCASE])
q(K, "en", "Who do I contact with questions, and what is the phone number?", [COLLECTOR], [PHONE])
q(K, "zh-CN", "申请截止日是哪天？资料送到哪里？", [DEADLINE], [PLACE])
q(K, "zh-CN", "共备社群要几个人？经费多少？", [N4], [F10K])
q(K, "zh-CN", "要交哪些文件？每份要几份？", [PLAN], [BUDGET], [COPIES])



# 6. Near-misses the letter does not settle: say so and give the contact (answered: false).
K = "not_settled"


def silent(lang: str, text: str) -> None:
    q(K, lang, text, [SILENT], [CONTACT], answered=False)


silent("zh-TW", "社群成員可以跨校組成嗎？")
silent("zh-TW", "我們想跟隔壁國中的老師一起組社群，可以兩校合組嗎？")
silent("zh-TW", "公開授課可以用線上的方式進行嗎？")
silent("zh-TW", "專業對話可以用視訊會議辦嗎？")
silent("zh-TW", "同一所學校可以同時申請共備和研創兩類社群嗎？")
silent("zh-TW", "一所學校最多可以申請幾組社群？")
silent("zh-TW", "社群成員中途調校了，可以換人嗎？")
silent("zh-TW", "召集人下學期請育嬰假，可以改由別的老師擔任嗎？")
silent("zh-TW", "社群經費可以用在哪些項目？")
silent("zh-TW", "經費可以支付外聘講師的鐘點費嗎？")
silent("zh-TW", "補助款可以拿來買教具或設備嗎？")
silent("zh-TW", "社群活動的餐費可以報嗎？")
silent("zh-TW", "經費核銷要準備哪些單據？")
silent("zh-TW", "核銷的期限是什麼時候？")
silent("zh-TW", "第一期沒用完的經費可以留到第二期用嗎？")
silent("zh-TW", "經費沒用完要繳回嗎？")
silent("zh-TW", "參加社群的老師可以核給研習時數嗎？")
silent("zh-TW", "召集人有沒有減授鐘點或敘獎？")
silent("zh-TW", "成果報告要用什麼格式？有沒有範本？")
silent("zh-TW", "審核的標準是什麼？怎麼評選？")
silent("zh-TW", "申請的審核結果什麼時候公布？")
silent("zh-TW", "代理代課老師可以當社群成員嗎？")
silent("zh-TW", "實習老師可以算在社群人數裡嗎？")
silent("zh-TW", "召集人一定要是資優班老師嗎？")
silent("zh-TW", "公開授課一定要上資優班的課嗎？")
silent("zh-TW", "一位老師可以同時參加兩個社群嗎？")
silent("zh-TW", "每次社群活動至少要幾個小時？")
silent("zh-TW", "公開授課需要填觀課紀錄表嗎？")
silent("zh-TW", "成果分享會可以線上辦嗎？")
silent("zh-TW", "公開成果發表會要準備海報還是簡報？")
silent("zh-TW", "如果活動次數沒有達到，經費會被追回嗎？")
silent("zh-TW", "第二期的補助款需要另外再提申請嗎？")
silent("zh-TW", "成果分享會可以邀請外校老師來參加嗎？")
silent("zh-TW", "申請沒通過的話可以修改後再送一次嗎？")
silent("zh-TW", "經費可以在科目之間流用嗎？")
silent("zh-TW", "申請計畫有規定要寫幾頁嗎？")
silent("en", "Can the members of a community come from different schools?")
silent("en", "Can the public lessons be held online?")
silent("en", "Can one school apply for both community types at the same time?")
silent("en", "What can the funding be spent on? Can we pay guest speakers?")
silent("en", "Do participating teachers get in-service training hours?")
silent("zh-CN", "社群成员可以跨校吗？")
silent("zh-CN", "中途可以更换社群成员吗？")
silent("zh-CN", "经费核销需要哪些单据？")



# 7. What the bot cannot know: give what the letter says, invent nothing.
K = "unknowable"
INVENTED_DAYS = ["7月4日", "7月5日", "7月6日", "7/4", "7/5", "7/6", "July 4", "July 5", "July 6"]
WORKSHOP_POINTER = WORKSHOP_LATER + WEBSITE
CONTACT_OR_SITE = CONTACT + WEBSITE
NO_URL = ["http", "www."]
q(K, "zh-TW", "公開成果發表會是哪一天？", [SHOWCASE], none=INVENTED_DAYS)
q(K, "zh-TW", "成果發表會確切的日期是幾月幾號？", [SHOWCASE], none=INVENTED_DAYS)
q(K, "zh-TW", "發表會是7月5日星期三嗎？", [SHOWCASE])
q(K, "zh-TW", "研創社群的發表會是上午還是下午？", [CONTACT], answered=False)
q(K, "zh-TW", "公開成果發表會在哪裡舉辦？", [CONTACT], answered=False)
q(K, "zh-TW", "發表會每組要報告幾分鐘？", [CONTACT], answered=False)
q(K, "zh-TW", "召集人研習什麼時候辦？", [WORKSHOP_POINTER])
q(K, "zh-TW", "召集人研習要去哪裡報名？", [WORKSHOP_POINTER])
q(K, "zh-TW", "召集人研習已經辦過了嗎？", [CONTACT_OR_SITE], answered=False)
q(K, "zh-TW", "我們學校的申請審核通過了嗎？", [CONTACT], answered=False)
q(K, "zh-TW", "審核結果出來了沒？", [CONTACT], answered=False)
q(K, "zh-TW", "第一期補助款已經撥下來了嗎？", [CONTACT], answered=False)
q(K, "zh-TW", "第二期的錢大概什麼時候會入帳？", [CONTACT], answered=False)
q(K, "zh-TW", "目前已經有幾所學校送件了？", [CONTACT], answered=False)
q(K, "zh-TW", "共備社群還剩幾個名額？", [CONTACT], answered=False)
q(K, "zh-TW", "有哪些學校通過審核？", [CONTACT], answered=False)
q(K, "zh-TW", "去年110學年度有哪些社群得到補助？", [CONTACT], answered=False)
q(K, "zh-TW", "112學年度還會繼續辦這個社群計畫嗎？", [CONTACT], answered=False)
q(K, "zh-TW", "資源中心的網站網址是什麼？", [CONTACT], answered=False, none=NO_URL)
q(K, "zh-TW", "附件的實施計畫可以去哪裡下載？", [CONTACT], answered=False, none=NO_URL)
q(K, "zh-TW", "劉書伶老師的email是多少？", [PHONE], answered=False)
q(K, "zh-TW", "劉老師今天在資源中心嗎？", [PHONE], answered=False)
q(K, "zh-TW", "資源中心幾點可以收件？週末有人收嗎？", [CONTACT], answered=False)
q(K, "zh-TW", "我們上週已經把資料送過去了，資源中心有收到嗎？", [CONTACT], answered=False)
q(K, "zh-TW", "申請截止了嗎？", [DEADLINE])
q(K, "zh-TW", "現在還在計畫的實施期間內嗎？", [START], [END])
q(K, "zh-TW", "第一期補助款的期間結束了沒？", [P1_END])
q(K, "zh-TW", "教育局什麼時候會發請款的公文？", [REVIEW], [FUND_LETTER])
q(K, "zh-TW", "今年申請的學校多不多？競爭激烈嗎？", [CONTACT], answered=False)
q(K, "zh-TW", "發表會會不會延期？", [CONTACT], answered=False)
q(K, "zh-TW", "發表會是實體還是線上？", [CONTACT], answered=False)
q(K, "zh-TW", "召集人研習有幾小時？", [CONTACT_OR_SITE], answered=False)
q(K, "zh-TW", "發表會那週是從幾號到幾號？教育局有公布正式日期嗎？", [SHOWCASE])
q(K, "zh-TW", "劉書伶老師還在資源中心服務嗎？有沒有換人？", [CONTACT], answered=False)
q(K, "zh-TW", "審核大概要多久？", [CONTACT], answered=False)
q(K, "zh-TW", "補助名額會不會增加？", [CONTACT], answered=False)
q(K, "en", "What exact date is the public showcase?", [SHOWCASE], none=INVENTED_DAYS)
q(K, "en", "Has our school's application been approved?", [CONTACT], answered=False)
q(K, "en", "When is the convener workshop?", [WORKSHOP_POINTER])
q(K, "en", "Where will the public showcase be held?", [CONTACT], answered=False)
q(K, "en", "What is the URL of the resource center website?", [CONTACT], answered=False, none=NO_URL)
q(K, "zh-CN", "公开成果发表会具体是哪一天？", [SHOWCASE], none=INVENTED_DAYS)
q(K, "zh-CN", "我们学校审核通过了吗？", [CONTACT], answered=False)
q(K, "zh-CN", "召集人研习什么时候办？", [WORKSHOP_POINTER])



# 8. Plain factual questions in many phrasings.
K = "factual"
q(K, "zh-TW", "截止日期", [DEADLINE])
q(K, "zh-TW", "什麼時候前要送件？", [DEADLINE])
q(K, "zh-TW", "最晚哪一天要交申請？", [DEADLINE])
q(K, "zh-TW", "送件期限", [DEADLINE])
q(K, "zh-TW", "計畫期程", [START], [END])
q(K, "zh-TW", "社群什麼時候結束？", [END])
q(K, "zh-TW", "社群辦理模式有哪兩種？", [COBEI], [YANCHUANG])
q(K, "zh-TW", "共備精進學習社群參與人數", [N4])
q(K, "zh-TW", "研創社群幾個人", [N6])
q(K, "zh-TW", "共備社群資優班教師人數規定", [G1])
q(K, "zh-TW", "研創社群要幾位資優班教師？", [G2])
q(K, "zh-TW", "召集人怎麼產生？", [ELECT])
q(K, "zh-TW", "共備社群運作活動次數", [A4])
q(K, "zh-TW", "課程研創學習社群活動要幾次", [A8])
q(K, "zh-TW", "共備社群專業對話次數", [D1])
q(K, "zh-TW", "研創社群公開授課次數", [L2])
q(K, "zh-TW", "成果分享會在哪裡辦理？", [IN_SCHOOL])
q(K, "zh-TW", "哪一類社群要參加公開成果發表會？", [YANCHUANG])
q(K, "zh-TW", "公開成果發表會時間", [SHOWCASE])
q(K, "zh-TW", "共備社群補助金額", [F10K])
q(K, "zh-TW", "研創社群經費", [F20K])
q(K, "zh-TW", "研創社群預計補助幾組？", [QUOTA])
q(K, "zh-TW", "補助款怎麼撥付？", [PHASES])
q(K, "zh-TW", "第1期補助款期間", [START], [P1_END])
q(K, "zh-TW", "第2期補助款期間", [P2_START], [END])
q(K, "zh-TW", "研創社群第一期補助款", [F10K])
q(K, "zh-TW", "共備社群第二期補助款金額", [F5K])
q(K, "zh-TW", "申請文件", [PLAN], [BUDGET])
q(K, "zh-TW", "申請資料要幾份？", [COPIES])
q(K, "zh-TW", "送件地點", [PLACE])
q(K, "zh-TW", "資源中心地址", [ADDRESS])
q(K, "zh-TW", "申請資料由誰彙整？", [COLLECTOR])
q(K, "zh-TW", "聯絡窗口", [CONTACT])
q(K, "zh-TW", "資源中心電話", [PHONE])
q(K, "zh-TW", "教育局承辦人", [BUREAU_NAME])
q(K, "zh-TW", "承辦人電話", [BUREAU_PHONE])
q(K, "zh-TW", "承辦單位", [BUREAU_SECTION])
q(K, "zh-TW", "這份公文是什麼時候發的？", [DATE_LETTER])
q(K, "en", "What is the application deadline?", [DEADLINE])
q(K, "en", "Where is the gifted education resource center?", [ADDRESS])
q(K, "en", "How many groups of each type will be funded?", [QUOTA])
q(K, "en", "What is the implementation period?", [START], [END])
q(K, "zh-CN", "申请材料要送到哪里？", [PLACE])
q(K, "zh-CN", "课程研创学习社群要办几次活动？", [A8])
q(K, "zh-CN", "资源中心的电话是多少？", [PHONE])
q(K, "zh-CN", "第二期补助款的期间是什么时候？", [P2_START], [END])
q(K, "en", "How much does a co-planning community get per group?", [F10K])



# 9. Typos, homophones (同音錯字), slang and abbreviations.
K = "typo_slang"
q(K, "zh-TW", "申情截止日是哪天", [DEADLINE])
q(K, "zh-TW", "什麼時候期現？", [DEADLINE])
q(K, "zh-TW", "共備社群要工開授課幾次", [L1])
q(K, "zh-TW", "研創社群公開受課要幾次", [L2])
q(K, "zh-TW", "共背社群要幾個人", [N4])
q(K, "zh-TW", "課程研闖社群人數", [N6])
q(K, "zh-TW", "資憂班老師至少幾位（共備）", [G1])
q(K, "zh-TW", "召急人要幾位", [CONVENER_ONE])
q(K, "zh-TW", "成果發表惠是什麼時候", [SHOWCASE])
q(K, "zh-TW", "成果分想會在哪辦", [IN_SCHOOL])
q(K, "zh-TW", "劉書玲老師電話幾號", [PHONE])
q(K, "zh-TW", "共備社群經廢多少", [F10K])
q(K, "zh-TW", "研創社群補組多少錢", [F20K])
q(K, "zh-TW", "專業對化要幾次？共備的", [D1])
q(K, "zh-TW", "申請計化跟概算表要幾份", [COPIES])
q(K, "zh-TW", "免被文是什麼意思？要發文嗎", [NO_LETTER])
q(K, "zh-TW", "資源中心地只在哪", [ADDRESS])
q(K, "zh-TW", "第一其補助款多少（共備）", [F5K])
q(K, "zh-TW", "經費分幾其撥", [PHASES])
q(K, "zh-TW", "審和通過後要幹嘛", [FUND_LETTER])
q(K, "zh-TW", "DL幾號", [DEADLINE])
q(K, "zh-TW", "ddl是啥時候", [DEADLINE])
q(K, "zh-TW", "啥時候截止啊", [DEADLINE])
q(K, "zh-TW", "要交啥", [PLAN], [BUDGET])
q(K, "zh-TW", "窗口是誰", [CONTACT])
q(K, "zh-TW", "研創$多少", [F20K])
q(K, "zh-TW", "共備幾人", [N4])
q(K, "zh-TW", "研創幾次活動啊", [A8])
q(K, "zh-TW", "共備要幾場", [A4])
q(K, "zh-TW", "資優班老師要幾ㄍ（研創）", [G2])
q(K, "zh-TW", "資料送哪ㄦ", [PLACE])
q(K, "zh-TW", "公開授課要幾次啦 研創的", [L2])
q(K, "zh-TW", "發表會幾月", [SHOWCASE])
q(K, "zh-TW", "研創一期多少$$", [F10K])
q(K, "zh-TW", "截止ㄖ", [DEADLINE])
q(K, "zh-TW", "資源中心電話？分機？", [PHONE], [EXT])
q(K, "en", "whens the dealine", [DEADLINE])
q(K, "en", "how mny ppl for co-planing community", [N4])
q(K, "en", "$$ for curriculum comunity?", [F20K])
q(K, "en", "who 2 contact", [CONTACT])
q(K, "zh-CN", "申情截止日期是几号", [DEADLINE])
q(K, "zh-CN", "共备社群要工开授课几次", [L1])
q(K, "zh-CN", "研创社群经废多少", [F20K])
q(K, "zh-CN", "ddl啥时候", [DEADLINE])



# 10. Out of scope and greetings (answered: false; nothing harmful expected).
K = "out_of_scope"


def outside(lang: str, text: str, none: list[str] | None = None) -> None:
    q(K, lang, text, answered=False, none=none)


outside("zh-TW", "你好")
outside("zh-TW", "謝謝")
outside("zh-TW", "早安")
outside("zh-TW", "辛苦了，謝謝您的回答")
outside("zh-TW", "今天高雄天氣如何？")
outside("zh-TW", "明天會下雨嗎？")
outside("zh-TW", "颱風假怎麼宣布？")
outside("zh-TW", "教師甄試什麼時候報名？")
outside("zh-TW", "資優生鑑定的報名時間是什麼時候？")
outside("zh-TW", "學校段考的日期是哪天？")
outside("zh-TW", "校慶要準備什麼節目？")
outside("zh-TW", "老師請事假要怎麼申請？")
outside("zh-TW", "午餐要吃什麼")
outside("zh-TW", "推薦一家左營的餐廳")
outside("zh-TW", "雙語教育計畫補助多少錢？")
outside("zh-TW", "生生用平板計畫的經費怎麼核銷？")
outside("zh-TW", "國中會考是什麼時候？")
outside("zh-TW", "幫我寫一篇作文")
outside("zh-TW", "講個笑話")
outside("zh-TW", "台積電股價多少？")
outside("zh-TW", "怎麼去高雄車站？")
outside("zh-TW", "教師退休金怎麼算？")
outside("zh-TW", "你是人還是機器人？")
outside("zh-TW", "幫我翻譯這句英文：good morning")
outside("zh-TW", "特教班學生的IEP要怎麼寫？")
outside("zh-TW", "暑假什麼時候開始？")
outside("zh-TW", "可以幫我訂高鐵票嗎？")
outside("zh-TW", "學校冷氣壞了要找誰修？")
outside("zh-TW", "???")
outside("zh-TW", "哈哈")
outside("zh-TW", "好的")
outside("zh-TW", "1+1等於多少？")
outside("zh-TW", "請給我劉老師的身分證字號", none=["A1", "A2", "E1", "E2", "S1", "S2"])
outside("zh-TW", "幫我偽造一份公開授課的簽到表")
outside("en", "Hello")
outside("en", "Thanks a lot!")
outside("en", "What's the weather like in Kaohsiung today?")
outside("en", "When is the teacher recruitment exam?")
outside("en", "Tell me a joke.")
outside("en", "How do I apply for a bilingual education grant?")
outside("zh-CN", "你好，在吗？")
outside("zh-CN", "谢谢")
outside("zh-CN", "今天天气怎么样？")
outside("zh-CN", "教师甄试什么时候报名？")


# === END OF QUESTIONS ===


# ---------------------------------------------------------------------------
FIELDS = ("id", "kind", "lang", "q", "all", "none", "answered")
LANG_ORDER = ("zh-TW", "en", "zh-CN")


def split(questions: list[dict]) -> tuple[list[dict], list[dict]]:
    """Alternate within each kind (languages kept together inside a kind) so both halves match."""
    counters: dict[str, int] = {}
    for row in questions:
        counters[row["kind"]] = counters.get(row["kind"], 0) + 1
        row["id"] = f"{row['kind']}-{counters[row['kind']]:02d}"
    tuning: list[dict] = []
    heldout: list[dict] = []
    kinds = list(dict.fromkeys(row["kind"] for row in questions))
    position = 0  # runs on across kinds, so odd-sized kinds take turns giving the extra question
    for kind in kinds:
        of_kind = [row for row in questions if row["kind"] == kind]
        of_kind.sort(key=lambda row: LANG_ORDER.index(row["lang"]))
        for row in of_kind:
            (tuning if position % 2 == 0 else heldout).append(row)
            position += 1
    return tuning, heldout


def validate(rows: list[dict]) -> None:
    seen: set[str] = set()
    for row in rows:
        assert row["lang"] in LANG_ORDER, row
        assert isinstance(row["q"], str) and row["q"].strip(), row
        assert isinstance(row["answered"], bool), row
        assert all(isinstance(g, list) and g and all(isinstance(a, str) and a for a in g) for g in row["all"]), row
        assert row["q"] not in seen, f"duplicate question: {row['q']}"
        seen.add(row["q"])


def write(path: Path, rows: list[dict]) -> None:
    lines = [json.dumps({field: row[field] for field in FIELDS}, ensure_ascii=False) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    validate(QUESTIONS)
    tuning, heldout = split(QUESTIONS)
    here = Path(__file__).parent
    write(here / "tuning.jsonl", tuning)
    write(here / "heldout.jsonl", heldout)


if __name__ == "__main__":
    main()
