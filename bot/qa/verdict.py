"""Yes/no questions and false premises: compare what the question claims with the answer.

A question such as 「共備要6個人對嗎」 claims numbers (6); the rendered answer states the letter's
numbers. When every claimed number is among the answer's, the claim holds (是); when one is not,
it does not (不是). Without numbers, a negative answer (免備文, 未要求…) says 不是. Only the
answer text is compared, so the verdict always agrees with the fact shown under it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
_EN_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "ten": 10, "once": 1, "twice": 2, "single": 1, "both": 2}

WH_ZH = re.compile(
    r"什麼|什么|幾|几|多少|哪|何時|何时|怎麼|怎么|怎樣|如何|誰|谁|為何|为什么|為什麼"
)
WH_EN = re.compile(r"\b(what|when|how|which|where|who|why)\b", re.IGNORECASE)
_YESNO_ZH = re.compile(
    r"(嗎|吗|吧|囉|啰|嘛|對不對|对不对|是不是|是否|對嗎|对吗|沒錯|没错|真的|確定|确定)[？?。!！\s~～]*$"
)
_YESNO_EN = re.compile(
    r"^(is|are|do|does|did|can|could|will|would|should|must|shall|has|have)\b", re.IGNORECASE
)
_TAG_EN = re.compile(r"\b(right|correct|true)\s*\?*\s*$", re.IGNORECASE)
# Negative statements in an answer: the letter does not require / exempts / says no.
_NEGATIVE = re.compile(
    r"免備文|未要求|不需|不必|不用|無須|无须|沒有規定|沒有提供|未提供|不可|not required|no need"
    r"|does not require|not needed|does not specify|does not provide|without a cover letter",
    re.IGNORECASE,
)
# A question that claims something is not needed (「不用辦分享會吧」, "we don't need to…").
_NEGATED_CLAIM = re.compile(
    r"不用|不需|不必|免(?!費|费)|無須|无须|沒有要求|没有要求|不是一定|不一定要"
    r"|\b(?:don't|do not|doesn't|does not|no need|not required|needn't)\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"(?:(\d{2,4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日號号]?|(\d{1,2})/(\d{1,2})"
)
_NUMBER = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?)\s*(萬|万|千|k\b)?", re.IGNORECASE)
_CN_NUMBER = re.compile(
    r"([一二兩两三四五六七八九十]+)\s*(萬|万|千|人|位|次|期|份|組|组|個|个|段|名|週|周|月)"
)
_EN_NUMBER = re.compile(r"\b(" + "|".join(_EN_WORDS) + r")\b", re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
_EN_DATE = re.compile(
    r"\b(" + "|".join(_MONTHS) + r"|sept?|sep)\.?\s+(\d{1,2})\b", re.IGNORECASE
)


def _cn_value(text: str) -> int:
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        high = _CN_DIGITS.get(tens, 1) if tens else 1
        return high * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    value = 0
    for char in text:
        value = value * 10 + _CN_DIGITS.get(char, 0)
    return value


def _scale(unit: str | None) -> int:
    if not unit:
        return 1
    return 10000 if unit in "萬万" else 1000


_CN_MONTH = re.compile(r"(?<![第一二三四五六七八九十])([一二三四五六七八九十]{1,2})(?=\s*月)")
_CN_DAY = re.compile(r"(?<=月)(\s*)([一二三四五六七八九十]{1,3})(?=\s*[日號号])")


def arabic_dates(text: str) -> str:
    """「十月」 → 「10月」, 「九月二十一日」 → 「9月21日」: months and days in Chinese numerals."""
    text = _CN_DAY.sub(lambda m: m.group(1) + str(_cn_value(m.group(2))), text)
    return _CN_MONTH.sub(lambda m: str(_cn_value(m.group(1))), text)


def numbers_in(text: str) -> set[str]:
    """The numbers and dates a text states, normalised (2萬 = 20,000 = "20000"; 9/21 = "d9-21")."""
    found: set[str] = set()
    text = arabic_dates(text)
    rest = text
    for match in _DATE.finditer(text):
        month, day = (match.group(2), match.group(3)) if match.group(2) else match.groups()[3:5]
        found.add(f"d{int(month)}-{int(day)}")
        rest = rest.replace(match.group(0), " ")
    for match in _EN_DATE.finditer(text):
        name = match.group(1).lower()
        month = _MONTHS.get(name) or 9
        found.add(f"d{month}-{int(match.group(2))}")
        rest = rest.replace(match.group(0), " ")
    for match in _NUMBER.finditer(rest):
        value = float(match.group(1).replace(",", "")) * _scale(match.group(2))
        found.add(f"{value:g}")
    for match in _CN_NUMBER.finditer(rest):
        unit = match.group(2)
        value = _cn_value(match.group(1)) * (_scale(unit) if unit in "萬万千" else 1)
        found.add(f"{value:g}")
    for match in _EN_NUMBER.finditer(rest):
        found.add(str(_EN_WORDS[match.group(1).lower()]))
    return found


# A count with its unit, so that 「一次撥下來」 is not checked against 「1組」: the unit's family.
_UNIT_FAMILY = {"人": "people", "位": "people", "名": "people", "次": "times", "場": "times",
                "场": "times", "期": "phases", "份": "copies", "組": "groups", "组": "groups"}
_COUNT = re.compile(
    r"(?<![第\d])(\d+|[一二兩两三四五六七八九十]+)\s*(" + "|".join(_UNIT_FAMILY) + ")"
)
# 「一次撥下來」, 「一次全部給」: paid at once, i.e. in one phase.
_AT_ONCE = re.compile(r"一次(?=全部|全額|全额|撥|拨|給|给|發|发|付|領|领|入帳|入账|性)")


def counts_in(text: str) -> set[tuple[int, str]]:
    """The counts a text states with their unit's family (「2期」 = (2, "phases"))."""
    text = _AT_ONCE.sub("1期", text)
    found = set()
    for match in _COUNT.finditer(text):
        value = int(match.group(1)) if match.group(1).isdigit() else _cn_value(match.group(1))
        found.add((value, _UNIT_FAMILY[match.group(2)]))
    return found


def _counts_contradict(question: str, answer_text: str) -> bool:
    """Whether the question claims a count the answer states otherwise, unit for unit."""
    stated = counts_in(answer_text)
    families = {family for _, family in stated}
    return any(
        family in families and (value, family) not in stated
        for value, family in counts_in(question)
    )


def is_yes_no(question: str, language: str) -> bool:
    """Whether the question asks for a verdict (是/不是) rather than for a fact."""
    text = question.strip()
    if language == "en":
        # 「The letter is dated September 2. Is that also the deadline?」: the last sentence asks.
        text = re.split(r"(?<=[.!?])\s+(?=[A-Za-z])", text)[-1]
        if WH_EN.search(text) and not text.lower().startswith("is it true"):
            return False
        return bool(_YESNO_EN.search(text) or _TAG_EN.search(text))
    if WH_ZH.search(text):
        return False
    if _YESNO_ZH.search(text):
        return True
    # 「公開授課要3次？」: a bare claim with a number and a question mark.
    return bool(re.search(r"[？?]\s*$", text)) and bool(numbers_in(text))


_MAY_ZH = re.compile(r"可以|可不可以|可否|行不行|可行|(?<!可)能(?!力|量)")


# An answer's first sentence that allows something: 可以, 得, 免…, 均可, may, can, allowed.
_PERMITS = re.compile(
    r"可以|可(?!能)|得以|(?<![取獲])得(?!到)|免|\bmay\b|\bcan\b|allowed|permitted", re.I
)


def asks_permission(question: str) -> bool:
    """Whether a yes/no question asks what is allowed (可以…嗎): answered 可以 / 不行."""
    return bool(_MAY_ZH.search(question))


_NEED_ZH = re.compile(r"需要|需不需要|要不要|必須|必须|一定要|得要|(?<!需)要(?!點|点|求)")


def asks_need(question: str) -> bool:
    """Whether a yes/no question asks what is required (需要…嗎, 也要…嗎): 需要 / 不需要
    (with a number, 「要6個人嗎」 is a claim to check, answered 是 / 不是)."""
    return bool(_NEED_ZH.search(question))


# 「沒有概算表，這樣可以嗎」: the question says an item is missing. Words after 沒有 that are no
# item (「沒有規定」, 「沒有問題」) are left out.
_LACKING = re.compile(
    r"(?:沒有|没有|還沒|还没|沒|没|缺少|缺了|少了|未)(?:附|交|送|準備|准备|帶|带|印)?"
    r"([\u4e00-\u9fff]{2,8})"
)
_NOT_AN_ITEM = re.compile(r"^(?:規定|规定|說|说|提到|寫|写|問題|问题|關係|关系|辦法|办法|人|要|有)")


def lacks_a_required_item(question: str, answer_text: str) -> bool:
    """Whether the question says something is missing that the answer names as required."""
    for match in _LACKING.finditer(question):
        item = match.group(1)
        if _NOT_AN_ITEM.search(item):
            continue
        # The captured run may go on past the item (「概算表這樣可以嗎」): its longest start that
        # the answer names is the item.
        if any(item[:size] in answer_text for size in range(len(item), 2, -1)):
            return True
    return False


# 「開始了嗎」 / 「結束了嗎」 are answered by the status the answer shows (尚未開始, 已結束), not
# by the absence of a negative word.
_ASKS_STARTED = re.compile(
    r"開始了|开始了|開始了沒|開跑|\b(?:started|begun|begin)\b", re.IGNORECASE
)
_ASKS_ENDED = re.compile(r"結束了|结束了|結束沒|辦完了|\b(?:ended|over|finished)\b", re.IGNORECASE)
_NOT_STARTED = re.compile(
    r"尚未開始|還沒開始|尚未开始|还没开始|not started|has not started|not yet", re.IGNORECASE
)
_ENDED = re.compile(r"已結束|已经结束|已經結束|\bended\b|is over|has finished", re.IGNORECASE)


# What the question proposes against what the answer states, where one excludes the other:
# 「辦在別校可以嗎」 against 「於校內辦理」.
_CONTRARIES = (
    (
        re.compile(r"別校|他校|外校|校外|別的學校|another school|other school", re.IGNORECASE),
        re.compile(
            r"校內|校内|in the school|at the school|at your school|in-school", re.IGNORECASE
        ),
    ),
)
_WEEKDAYS_ZH = "一二三四五六日天"
_WEEKDAY_ASKED = re.compile(r"(?:星期|禮拜|礼拜|週|周)([一二三四五六日天])")
_WEEKDAY_STATED = re.compile(r"(?:星期|週|周)([一二三四五六日])|[（(]([一二三四五六日])[)）]")
_WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_EN = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri"
    r"|sat|sun)\b",
    re.IGNORECASE,
)


def _weekday_of(match: re.Match[str] | None) -> int | None:
    if match is None:
        return None
    char = next(g for g in match.groups() if g)
    if char.isascii():
        return [d[:3] for d in _WEEKDAYS_EN].index(char.lower()[:3])
    return min(_WEEKDAYS_ZH.index(char), 6)


def _weekday_verdict(question: str, answer_text: str) -> bool | None:
    """「截止日是星期五嗎」: the weekday claimed against the weekday the answer states."""
    asked = _weekday_of(_WEEKDAY_ASKED.search(question) or _WEEKDAY_EN.search(question))
    if asked is None:
        return None
    stated = _weekday_of(_WEEKDAY_STATED.search(answer_text) or _WEEKDAY_EN.search(answer_text))
    return None if stated is None else asked == stated


def _state_verdict(question: str, answer_text: str) -> bool | None:
    """Whether the thing asked about has started / ended, as the answer's status says."""
    if _ASKS_ENDED.search(question):
        return bool(_ENDED.search(answer_text))
    if _ASKS_STARTED.search(question):
        return not _NOT_STARTED.search(answer_text)
    return None


def _negative_phrase(clause: str) -> str:
    match = _NEGATIVE.search(clause)
    return match.group(0) if match else ""


def verdict(
    question: str,
    answer_text: str,
    program_numbers: set[str],
    concerns: Callable[[str, str], bool] | None = None,
) -> bool | None:
    """True (the claim holds), False (it does not) or None (no verdict can be drawn).

    ``program_numbers`` are numbers that name the program itself (111學年度) and say nothing.
    ``concerns`` tells whether a clause of the answer (and its negative phrase) is about what the
    question asks: a negative clause about something else (「…，免備文逕送…」 under 「要核章嗎」)
    settles nothing.
    """
    if lacks_a_required_item(question, answer_text):
        return False
    if any(asked.search(question) and stated.search(answer_text) for asked, stated in _CONTRARIES):
        return False
    weekday = _weekday_verdict(question, answer_text)
    if weekday is not None:
        return weekday
    state = _state_verdict(question, answer_text)
    if state is not None:
        return state
    if _counts_contradict(question, answer_text):
        return False
    claimed = numbers_in(question) - program_numbers
    if claimed:
        return claimed <= numbers_in(answer_text)
    # Without numbers, the answer's first sentence carries its verdict (未要求…, 免備文…); a later
    # one adds context (「…免備文逕送」 after the documents asked for) and settles nothing.
    first = re.split(r"(?<=[。.!！?？])\s*", answer_text.strip(), maxsplit=1)[0]
    negative = [c for c in re.split(r"[，,；;]\s*", first) if _NEGATIVE.search(c)]
    if concerns is not None and len(negative) < len(re.split(r"[，,；;]\s*", first)):
        # Only when the first sentence also says something else can a clause be beside the point.
        negative = [c for c in negative if concerns(c, _negative_phrase(c))]
    if _NEGATED_CLAIM.search(question):
        # 「共備不用公開授課對吧」 claims that something is not needed: it holds only when the
        # answer says so too.
        return bool(negative)
    if not negative and asks_permission(question) and not _PERMITS.search(first):
        # 「第一期的錢還可以用嗎」 answered with the phases: a rule quoted that neither allows nor
        # forbids what is asked settles nothing, so no 可以.
        return None
    return not negative
