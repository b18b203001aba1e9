"""A teacher's own situation, reasoned over the letter's rules instead of quoting them.

「我們有5位老師、1位是資優班，可以申請哪一類？」 names a group: it is checked against each
community type's member count and gifted-class teachers. 「研創做了3次專業對話、1次公開授課，
這樣夠嗎？」 names activities: they are counted by the same progress rules conveners see in
/progress. Both read the normalised question (traditional characters, no punctuation).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.dates import format_date, format_month
from bot.i18n import t
from bot.program import Program
from bot.progress import (
    ACTIVITIES,
    DIALOGUES,
    PUBLIC_LESSONS,
    SHARING_SESSION,
    SHOWCASE,
    ActivityRecord,
    compute_progress_many,
    describe_lacking,
)
from bot.qa.facts import common_source, money
from bot.qa.verdict import arabic_dates

_CN = {"一": 1, "二": 2, "兩": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
       "九": 9, "十": 10}  # fmt: skip
_EN = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
       "nine": 9, "ten": 10, "a": 1, "an": 1}  # fmt: skip
_N = r"(\d{1,2}|[一二兩两三四五六七八九十])"
_EN_N = r"(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)"
_UNIT = r"\s*(?:位|個|名)?\s*"
_TEACHER = r"(?:教師|老師|人)"

_GIFTED_ZH = re.compile(_N + _UNIT + r"(?:是)?(?:在)?資優(?:班)?(?:的)?" + _TEACHER + "?")
_REGULAR_ZH = re.compile(
    _N + _UNIT + r"(?:是)?(?:普通班|普通|一般|非資優班?|其他|其它)(?:班)?(?:的)?" + _TEACHER + "?"
)
_TOTAL_ZH = re.compile(_N + r"\s*(?:位|個|名)\s*(?:老師|教師|成員)|共\s*" + _N + r"\s*(?:人|位)")
_NO_GIFTED_ZH = re.compile(r"(?:沒有|無|沒)(?:任何)?(?:一位)?資優")
# \b before the number: 「none of them」 holds no 「one of them」.
_GIFTED_EN = re.compile(
    r"\b"
    + _EN_N
    + r"\s+(?:of\s+(?:them|whom|us)\s+(?:(?:teach(?:es)?|is|are)\s+)?(?:in\s+)?an?\s+)?"
    r"gifted(?:[- ]class)?(?:\s+class)?(?:\s+program)?(?:\s+teachers?)?"
)
_REGULAR_EN = re.compile(
    r"\b" + _EN_N + r"\s+(?:regular|general|ordinary|other|non-gifted)(?:[- ]class)?\s+teachers?"
)
_TOTAL_EN = re.compile(r"\b(?:all\s+)?" + _EN_N + r"\s+(?:of\s+our\s+)?(?:teachers|members|people)")
_NO_GIFTED_EN = re.compile(r"\bnone\b[^.]*gifted|\bno\s+gifted|\bnot\s+(?:a\s+)?single\s+gifted")

_ACTIVITY_WORD = {
    "dialogue": r"專業對話|對話",
    "public_lesson": r"公開授課|公開課|觀課",
    "sharing_session": r"成果分享會|分享會",
    "showcase": r"成果發表會|發表會",
    "other": r"社群運作活動|社群活動|運作活動|活動",
}
_KIND_PATTERN = "|".join(f"(?P<{kind}>{words})" for kind, words in _ACTIVITY_WORD.items())
_COUNT = r"(?P<count>\d{1,2}|[一二兩两三四五六七八九十])"
_COUNT_THEN_KIND = re.compile(_COUNT + r"\s*(?:次|場)\s*(?:的)?(?:" + _KIND_PATTERN + ")")
_KIND_THEN_COUNT = re.compile(
    r"(?:" + _KIND_PATTERN + r")\s*(?:都|已經|總共|共)?\s*"
    r"(?:做完了|辦完了|完成了|做完|辦完|完成|做了|辦了|有)?\s*" + _COUNT + r"\s*(?:次|場)"
)
# 「再做1次」 with no kind after it: one more of the kind named before.
_ALL_KINDS = "|".join(_ACTIVITY_WORD.values())
_AGAIN = re.compile(
    r"再(?:做|辦|辦理|舉辦)?\s*" + _N + r"\s*(?:次|場)(?!\s*(?:的)?(?:" + _ALL_KINDS + "))"
)
_NONE_OF = re.compile(
    r"(?:沒有|還沒有|還沒|尚未|沒)(?:辦|做|辦理|舉辦)?(?:過)?(?:" + _KIND_PATTERN + ")"
)
# 「有專業對話也有公開授課」: a kind named as done, without a count, is at least one of it.
_HAS_KIND = re.compile(
    r"(?:有|也有|辦過|做過|辦了|做了|完成了?)(?:" + _KIND_PATTERN + ")"
)
# The question asks what is still missing: every rule is checked, the sharing session too.
_WHAT_LACKS = re.compile(
    r"還差什麼|差什麼|缺什麼|還缺|還要做什麼|還需要做什麼|還需要辦什麼|還要辦什麼"
    r"|what else|still need"
)
_OF_WHICH = re.compile(r"其中|including|of which|among them|of them")
# "3 activities", "2 dialogues and 2 public lessons": English counts of each kind.
_EN_ACTIVITY = re.compile(
    r"\b" + _EN_N + r"\s+(?:(?:professional\s+)?(?P<dialogue>dialogues?|dialogs?)"
    r"|(?:public|open|observed)\s+(?P<public_lesson>lessons?|classes)"
    r"|(?P<sharing_session>(?:results?[- ])?sharing sessions?)"
    r"|(?P<other>activities|activity|meetings?|sessions?))\b",
    re.IGNORECASE,
)
# The question asks which type fits.
_WHICH_TYPE = re.compile(r"哪一類|哪類|哪種|哪一種|哪個類型|which (?:community )?type|which kind")
# The question asks whether something suffices or fits.
_ENOUGH = re.compile(
    r"還要辦幾次|還要幾次|還差幾次|還需要幾次|還要再辦|還缺幾次|還差幾場|還差嗎|還缺嗎|"
    r"how many more|still need|what else|anything else|"
    r"夠嗎|夠不夠|足夠|符合|可以嗎|可以結案|能結案|算完成|算達成|達成了嗎|完成了嗎|可以申請|能申請|行嗎|合格|達到|達標|還差|差什麼|缺什麼|哪一類|哪類|哪種|哪一種"
    r"|enough|qualify|meet|fit|which (?:community )?type|can we|eligible|allowed"
)


@dataclass(frozen=True)
class Group:
    """The teachers a question describes."""

    # None when the question gives only the gifted teachers (「只有一個資優班老師，能做哪種」).
    total: int | None
    # None when the question gives only the head count (「只有3位老師」).
    gifted: int | None


def _value(text: str) -> int:
    text = text.lower()
    if text.isdigit():
        return int(text)
    return _CN.get(text) or _EN.get(text, 0)


def group_in(norm: str) -> Group | None:
    """The group of teachers the question describes, if it gives their numbers."""
    gifted = regular = total = None
    if (match := _GIFTED_ZH.search(norm)) or (match := _GIFTED_EN.search(norm)):
        gifted = _value(match.group(1))
    elif _NO_GIFTED_ZH.search(norm) or _NO_GIFTED_EN.search(norm):
        gifted = 0
    if match := _REGULAR_ZH.search(norm) or _REGULAR_EN.search(norm):
        regular = _value(match.group(1))
    gifted_at = match.start() if (match := _GIFTED_ZH.search(norm)) else -1
    for match in (*_TOTAL_ZH.finditer(norm), *_TOTAL_EN.finditer(norm)):
        if match.start() == gifted_at:
            continue  # 「2位資優班老師」 is the gifted count, not the total
        total = _value(next(g for g in match.groups() if g))
        break
    if gifted is None:
        # A head count alone still settles the member rule; gifted teachers stay to be checked.
        return Group(total=total, gifted=None) if total else None
    if total is None:
        if regular is None:
            # The gifted teachers alone settle the gifted rule, when the question asks which type.
            return Group(total=None, gifted=gifted) if gifted and _WHICH_TYPE.search(norm) else None
        total = gifted + regular
    if total < gifted or total == 0:
        return None
    return Group(total=total, gifted=gifted)


def activities_in(norm: str) -> dict[str, int] | None:
    """Activity counts by kind the question gives (「辦了4次活動，其中2次專業對話」)."""
    counts: dict[str, int] = {}
    last_kind: str | None = None
    found = False
    for pattern in (_COUNT_THEN_KIND, _KIND_THEN_COUNT):
        for match in pattern.finditer(norm):
            kind = next(k for k in _ACTIVITY_WORD if match.group(k))
            counts[kind] = counts.get(kind, 0) + _value(match.group("count"))
            last_kind = kind
            found = True
        if found:
            break
    if not found:
        for match in _EN_ACTIVITY.finditer(norm):
            kind = next(k for k in ("dialogue", "public_lesson", "sharing_session", "other")
                        if match.group(k))
            counts[kind] = counts.get(kind, 0) + _value(match.group(1))
            last_kind = kind
            found = True
    if last_kind is not None:
        for match in _AGAIN.finditer(norm):
            counts[last_kind] += _value(match.group(1))
    for match in _NONE_OF.finditer(norm):
        kind = next(k for k in _ACTIVITY_WORD if match.group(k))
        counts.setdefault(kind, 0)
        found = True
    if found:
        for match in _HAS_KIND.finditer(norm):
            kind = next(k for k in _ACTIVITY_WORD if match.group(k))
            if kind != "other" and kind not in counts:
                counts[kind] = 1
                if counts.get("other"):
                    # 「辦了3次活動，有專業對話」: the dialogue is one of the three.
                    counts["other"] -= 1
    if not found:
        return None
    # 「4次活動，其中2次專業對話」: the specific kinds are part of the generic total.
    if "other" in counts and _OF_WHICH.search(norm):
        specific = sum(n for kind, n in counts.items() if kind in ("dialogue", "public_lesson"))
        counts["other"] = max(0, counts["other"] - specific)
    return counts


def asks_whether_it_suffices(norm: str) -> bool:
    """Whether the question asks if its situation is enough or fits."""
    return bool(_ENOUGH.search(norm))


@dataclass(frozen=True)
class Reasoned:
    """A scenario answer: the text, whether the situation meets what was asked, the source."""

    text: str
    holds: bool | None
    source: str


def _group_result(program: Program, type_key: str, group: Group, language: str) -> tuple[bool, str]:
    rules = program.community_type(type_key)
    problems = []
    if group.total is None:
        pass
    elif group.total < rules.member_count:
        problems.append(t(language, "qa.scenario_fewer", count=rules.member_count - group.total))
    elif group.total > rules.member_count:
        problems.append(
            t(
                language,
                "qa.scenario_more",
                count=group.total - rules.member_count,
                required=rules.member_count,
            )
        )
    if group.gifted is not None and group.gifted < rules.min_gifted_teachers:
        problems.append(
            t(language, "qa.scenario_gifted_short", count=rules.min_gifted_teachers - group.gifted)
        )
    result = (
        t(language, "qa.separator").join(problems) if problems else t(language, "qa.scenario_fits")
    )
    if group.gifted is None:
        result += t(language, "qa.scenario_gifted_unknown", gifted=rules.min_gifted_teachers)
    line = t(
        language,
        "qa.scenario_type_rule",
        type=rules.name_in(language),
        required=rules.member_count,
        gifted=rules.min_gifted_teachers,
        result=result,
    )
    return not problems, line


def _bulleted(line: str, count: int, language: str) -> str:
    """Several types' lines as a list; one type's as a sentence."""
    return t(language, "qa.scenario_bullet", line=line) if count > 1 else line


def reason_about_group(
    program: Program, group: Group, type_keys: Sequence[str], language: str
) -> Reasoned:
    """Check the group against the named types (every type when none is named)."""
    keys = list(type_keys) or [c.key for c in program.community_types]
    results = [_group_result(program, key, group, language) for key in keys]
    lines = [
        t(language, "qa.scenario_group", total=group.total, gifted=group.gifted)
        if group.gifted is not None and group.total is not None
        else t(language, "qa.scenario_group_total", total=group.total)
        if group.total is not None
        else t(language, "qa.scenario_group_gifted", gifted=group.gifted)
    ]
    lines += [_bulleted(line, len(keys), language) for _, line in results]
    fitting = [
        t(
            language,
            "qa.scenario_fitting_type",
            type=program.community_type(key).name_in(language),
            funding=money(sum(p.amounts[key] for p in program.funding.phases), language),
        )
        for key, (ok, _) in zip(keys, results, strict=True)
        if ok
    ]
    if not type_keys:
        lines.append(
            t(language, "qa.scenario_fitting", types=t(language, "qa.separator").join(fitting))
            if fitting
            else t(language, "qa.scenario_fitting_none")
        )
    sources = common_source(program.community_type(k).members_source for k in keys)
    return Reasoned(
        text="\n".join(lines),
        holds=all(ok for ok, _ in results) if type_keys else None,
        source=sources,
    )


def asks_what_lacks(norm: str) -> bool:
    """Whether the question asks what is still missing (「還差什麼」), not only if it suffices."""
    return bool(_WHAT_LACKS.search(norm))


def reason_about_activities(
    program: Program,
    counts: dict[str, int],
    type_keys: Sequence[str],
    language: str,
    *,
    everything: bool = False,
) -> Reasoned:
    """Count the activities by the progress rules of the named types (every type if none)."""
    keys = list(type_keys) or [c.key for c in program.community_types]
    start = program.period.start
    records = [
        ActivityRecord(start + dt.timedelta(days=i), kind)
        for i, kind in enumerate(kind for kind, n in counts.items() for _ in range(n))
    ]
    standings = compute_progress_many(
        program, [(i, key, records) for i, key in enumerate(keys)], today=program.period.end
    )
    # The verdict covers what the teacher asked about: the counted activities, and the sharing
    # session or the showcase only when named.
    mentioned = set(counts)
    checked = {ACTIVITIES, DIALOGUES, PUBLIC_LESSONS}
    if mentioned <= {"public_lesson"}:
        checked = {PUBLIC_LESSONS}
    elif mentioned <= {"dialogue"}:
        checked = {DIALOGUES}
    if "sharing_session" in mentioned or everything:
        checked.add(SHARING_SESSION)
    if "showcase" in mentioned:
        checked.add(SHOWCASE)
    lines = []
    holds = True
    for index, key in enumerate(keys):
        rules = program.community_type(key)
        standing = standings[index]
        lacking = describe_lacking(standing, program, language, keys=checked)
        holds = holds and not lacking
        line = t(
            language,
            "qa.scenario_activity_rule",
            type=rules.name_in(language),
            activities=rules.min_activities,
            dialogues=rules.min_dialogues,
            public_lessons=rules.min_public_lessons,
            result=lacking or t(language, "qa.scenario_fits"),
        )
        if SHARING_SESSION in checked and rules.sharing_sessions:
            # The question named the sharing session: say where the letter wants it held.
            line += t(
                language,
                "qa.scenario_sharing_rule",
                count=rules.sharing_sessions,
                place=rules.sharing_session_place_en
                if language == "en"
                else rules.sharing_session_place,
            )
        lines.append(line)
    lines = [_bulleted(line, len(keys), language) for line in lines]
    sources = common_source(program.community_type(k).activities_source for k in keys)
    return Reasoned(text="\n".join(lines), holds=holds if type_keys else None, source=sources)


_ZH_DATE = re.compile(r"(?:(\d{3,4})\s*年\s*)?(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日號号])?")
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_SLASH_DATE = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])")
_EN_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_EN_DATE = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b"
    r"(?:,?\s*(\d{4}))?",
    re.IGNORECASE,
)


def _year(program: Program, year: str | None, month: int) -> int:
    if year:
        value = int(year)
        return value if value >= 1911 else value + 1911  # ROC years (112年) become Gregorian
    # No year: the one the program year puts that month in (9月 → 2022, 3月 → 2023).
    start = program.period.start
    return start.year if month >= start.month else start.year + 1


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


_RELATIVE = (
    (re.compile(r"今天|今日|\btoday\b", re.IGNORECASE), "day", 0),
    (re.compile(r"明天|明日|\btomorrow\b", re.IGNORECASE), "day", 1),
    (re.compile(r"後天|后天"), "day", 2),
    (re.compile(r"這週|這周|本週|本周|这周|這禮拜|這個禮拜|這星期|\bthis week\b", re.IGNORECASE),
     "week", 0),
    (re.compile(r"下週|下周|下禮拜|下個禮拜|下星期|下个星期|\bnext week\b", re.IGNORECASE),
     "week", 1),
    (re.compile(r"這個月|這月|本月|这个月|\bthis month\b", re.IGNORECASE), "month", 0),
    (re.compile(r"下個月|下个月|\bnext month\b", re.IGNORECASE), "month", 1),
)


def relative_span(question: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The days a relative phrase names (明天, 下週, this month), counted from ``today``."""
    for pattern, unit, ahead in _RELATIVE:
        if not pattern.search(question):
            continue
        if unit == "day":
            day = today + dt.timedelta(days=ahead)
            return day, day
        if unit == "week":
            monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=ahead)
            return monday, monday + dt.timedelta(days=6)
        month = today.month + ahead
        return _month_span(today.year + (month - 1) // 12, (month - 1) % 12 + 1)
    return None


_DAY_ONLY = re.compile(
    r"(?<![\d/月-])(\d{1,2})\s*[號号](?!碼|码)|\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b"
)


def day_only_in(question: str) -> int | None:
    """A day of the month named without its month (「21號當天送可以嗎」, "on the 21st")."""
    match = _DAY_ONLY.search(arabic_dates(question))
    if match is None:
        return None
    day = int(match.group(1) or match.group(2))
    return day if 1 <= day <= 31 else None


def dates_in(question: str, program: Program) -> list[tuple[dt.date, dt.date]]:
    """The days (or whole months, as first and last day) a question names."""
    question = arabic_dates(question)
    spans: list[tuple[dt.date, dt.date]] = []
    try:
        for match in _ISO_DATE.finditer(question):
            day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            spans.append((day, day))
        for match in _ZH_DATE.finditer(question):
            month = int(match.group(2))
            year = _year(program, match.group(1), month)
            if match.group(3):
                day = dt.date(year, month, int(match.group(3)))
                spans.append((day, day))
            else:
                spans.append(_month_span(year, month))
        for match in _SLASH_DATE.finditer(question):
            month, number = int(match.group(1)), int(match.group(2))
            day = dt.date(_year(program, None, month), month, number)
            spans.append((day, day))
        for match in _EN_DATE.finditer(question):
            month = _EN_MONTHS.index(match.group(1).lower()[:3]) + 1
            day = dt.date(_year(program, match.group(3), month), month, int(match.group(2)))
            spans.append((day, day))
    except ValueError:  # 2月30日: not a day
        return []
    return spans


_CLAIMED_DEADLINE = re.compile(
    r"(?:截止(?:日期|日|時間)?|期限)(?:是|為|在|到)\s*(?:\d|[一二三四五六七八九十])"
    r"|deadline\s+(?:is|was|falls)\s+(?:on\s+)?\w|\bis\s+the\s+deadline\b"
    # 「公文9月2日發的，那也是截止日嗎」 / "Is that also the application deadline?"
    r"|(?:也是|就是|是不是|那是|這是)(?:申請)?(?:的)?(?:截止日|截止日期|期限)"
    r"|\bis\s+(?:that|this|it)\s+(?:also\s+)?(?:the\s+)?(?:\w+\s+)?deadline\b"
)


_STILL_IN_TIME = re.compile(
    r"還來得及|來得及嗎|來不來得及|來不及了嗎|還能申請|還可以申請|還能報名|還可以報名|還能送|還可以送"
    r"|截止了嗎|截止了沒|\bstill (?:apply|submit|in time|open)\b|\btoo late\b|\bstill accept"
)
_TOO_LATE = re.compile(r"來不及了嗎|截止了嗎|截止了沒|\btoo late\b")
# The question supposes the deadline has passed (「截止日過了還能申請嗎」): not about today.
_PAST_PREMISE = re.compile(
    r"過了|已過|逾期|過期|錯過|\bmissed\b|\bafter the deadline\b|\bpast the\b"
)


def asks_if_still_in_time(norm: str) -> bool:
    """「現在還來得及申請嗎」: whether today is still before the deadline."""
    return bool(_STILL_IN_TIME.search(norm)) and not _PAST_PREMISE.search(norm)


def asks_if_too_late(norm: str) -> bool:
    """「截止了嗎」 / "too late": the question is put the other way round."""
    return bool(_TOO_LATE.search(norm))


def claims_the_deadline(norm: str) -> bool:
    """「截止日是9月30日嗎」 states what the deadline is (a claim to check, not a plan)."""
    return bool(_CLAIMED_DEADLINE.search(norm))


def reason_about_deadline(
    program: Program, span: tuple[dt.date, dt.date], deadline: dt.date, language: str
) -> Reasoned:
    """Whether handing in on that day meets the application deadline."""
    day = span[1]
    key = "qa.scenario_in_time" if day <= deadline else "qa.scenario_too_late"
    text = t(
        language,
        key,
        day=format_date(day, language),
        deadline=format_date(deadline, language),
        days=abs((deadline - day).days),
    )
    return Reasoned(text=text, holds=day <= deadline, source=program.application.source)


def reason_about_period(
    program: Program, span: tuple[dt.date, dt.date], language: str
) -> Reasoned:
    """Whether a day or month lies within the implementation period."""
    period = program.period
    inside = period.start <= span[0] and span[1] <= period.end
    when = (
        format_date(span[0], language)
        if span[0] == span[1]
        else format_month(span[0], language)
    )
    text = t(
        language,
        "qa.scenario_in_period" if inside else "qa.scenario_outside_period",
        when=when,
        start=format_date(period.start, language, weekday=False),
        end=format_date(period.end, language, weekday=False),
    )
    return Reasoned(text=text, holds=inside, source=period.source)


_TOTAL_WORD = re.compile(
    r"總經費|總金額|總額|加起來|加總|合計|總共|一共|全部補助"
    r"|\bin total\b|\baltogether\b|\bcombined\b|\btotal\b"
)
_GROUPS_ZH = re.compile(r"(\d{1,3}|[一二兩两三四五六七八九十]+)\s*(?:組|個社群)")
_GROUPS_EN = re.compile(r"\b(\d{1,3})\s+(?:[a-z&-]+\s+){0,4}?(?:groups|communities)\b")
_ALL_GROUPS = re.compile(r"全部|所有|\ball (?:the )?(?:groups|communities)\b")


def groups_for_total(norm: str) -> int | bool | None:
    """How many groups a 'total funding' question adds up: a number, True for all, else None."""
    if not _TOTAL_WORD.search(norm):
        return None
    if (match := _GROUPS_ZH.search(norm)) or (match := _GROUPS_EN.search(norm)):
        text = match.group(1)
        return int(text) if text.isdigit() else _value(text) or None
    return True if _ALL_GROUPS.search(norm) else None


def reason_about_total(
    program: Program,
    type_keys: Sequence[str],
    phase_numbers: Sequence[int],
    groups: int | bool,
    language: str,
) -> Reasoned:
    """Per-group amount × number of groups, from the letter's own figures (no new rule)."""
    keys = list(type_keys) or [c.key for c in program.community_types]
    phases = [p for p in program.funding.phases if p.number in phase_numbers]
    lines = []
    sources = []
    for key in keys:
        rules = program.community_type(key)
        if phases:
            amount = sum(p.amounts.get(key, 0) for p in phases)
            if language == "en":
                label = ", phase " + " + ".join(str(p.number) for p in phases)
            else:
                label = "、".join(p.name for p in phases)
            sources += [p.source for p in phases]
        else:
            amount = rules.funding_per_group
            label = ""
            sources.append(rules.funding_source)
        count = rules.quota if groups is True else int(groups)
        lines.append(
            t(
                language,
                "qa.scenario_total",
                type=rules.name_in(language),
                phase=label,
                amount=money(amount, language),
                groups=count,
                total=money(amount * count, language),
                quota=rules.quota,
            )
        )
    lines = [_bulleted(line, len(keys), language) for line in lines]
    return Reasoned(text="\n".join(lines), holds=None, source=common_source(sources))
