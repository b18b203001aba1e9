"""Placeholder values computed from the Program for a given day and language.

Every fact an answer shows comes from here, so editing the program file changes the answers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from bot.dates import format_roc
from bot.i18n import join_list, t
from bot.program import CommunityType, FundingPhase, Program

_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_EN_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EN_ORDINALS = ("first", "second", "third", "fourth", "fifth")
_ZH_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_PLACES_EN = {"校內": "in the school itself"}
_SECTION = re.compile(r"說明([一二三四五六七八九十]+)")
_NAMED_SECTIONS_EN = {
    "函頭": "letterhead",
    "正本": "list of recipients",
    "主旨": "subject line",
}
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

Context = dict[str, str]


def is_en(language: str) -> bool:
    """Whether the reader wants English."""
    return language.startswith("en")


def date_en(day: dt.date, *, weekday: bool = True) -> str:
    """Wed, September 21, 2022 — month before day so 'September 21' reads naturally."""
    text = f"{_EN_MONTHS[day.month - 1]} {day.day}, {day.year}"
    return f"{_EN_WEEKDAYS[day.weekday()]}, {text}" if weekday else text


def date_text(day: dt.date, language: str, *, weekday: bool = True) -> str:
    """A date in the reader's language (ROC form for Chinese)."""
    if is_en(language):
        return date_en(day, weekday=weekday)
    return format_roc(day, weekday=weekday)


def money(amount: int, language: str) -> str:
    """1萬元 / 5,000元 the way the letter writes amounts; NT$10,000 in English."""
    if is_en(language):
        return f"NT${amount:,}"
    if amount >= 10000 and amount % 10000 == 0:
        return f"{amount // 10000}萬元"
    return f"{amount:,}元"


def source_text(source: str, language: str) -> str:
    """A letter section as the reader sees it: 說明二(二)1(1) → section 2(2)1(1)."""
    if not is_en(language):
        return source
    if source in _NAMED_SECTIONS_EN:
        return _NAMED_SECTIONS_EN[source]

    def numeral(match: re.Match[str]) -> str:
        text = match.group(1)
        if text == "十":
            return "section 10"
        if text.startswith("十"):
            return f"section {10 + _ZH_DIGITS[text[1]]}"
        return f"section {_ZH_DIGITS.get(text, 0) or text}"

    text = _SECTION.sub(numeral, source)
    for zh_name, en_name in _NAMED_SECTIONS_EN.items():
        text = text.replace(zh_name, en_name)
    text = text.replace("(一)", "(1)").replace("(二)", "(2)").replace("(三)", "(3)")
    return text


def common_source(sources: Iterable[str]) -> str:
    """The section shared by several sources: 說明二(二)1(3) + 說明二(二)2(3) → 說明二(二)."""
    items = sorted(set(sources))
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    first, last = items[0], items[-1]
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    prefix = first[:size]
    # Cut back to the last closing bracket so "說明二(二)" never becomes "說明二(二"
    if ")" in prefix:
        prefix = prefix[: prefix.rindex(")") + 1]
    return prefix or "、".join(items)


_COUNTED = re.compile(r"\b(\d+)((?:\s+[A-Za-z][\w-]*){0,2}?\s+[A-Za-z][\w-]*?)\(s\)")


def fill(template: str, values: Context) -> str:
    """Replace {name} placeholders; unknown names and stray braces are left as they are.

    English "1 public lesson(s)" becomes "1 public lesson", "2 public lesson(s)" "2 public
    lessons": the program file's numbers decide, not the template.
    """
    text = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)
    text = _COUNTED.sub(
        lambda m: m.group(1) + m.group(2) + ("" if m.group(1) == "1" else "s"), text
    )
    return text.replace("(s)", "s")


def _status(today: dt.date, start: dt.date, end: dt.date) -> str:
    if today < start:
        return "before"
    if today > end:
        return "after"
    return "during"


def _status_word(state: str, language: str) -> str:
    return t("en" if is_en(language) else "zh-TW", f"qa.phase_{state}")


def _convener_count(text: str) -> str:
    match = re.search(r"(\d+)\s*位", text)
    return match.group(1) if match else "1"


def global_context(program: Program, today: dt.date, language: str) -> Context:
    """Values every answer template may use."""
    en = is_en(language)
    app = program.application
    help_contact = program.help_contact
    bureau = program.contact("bureau")
    period = program.period
    deadline = date_text(app.deadline, language)
    if today < app.deadline:
        days = (app.deadline - today).days
        deadline_status = (
            f"Please submit by {deadline} ({days} day{'s' if days != 1 else ''} left)"
            if en
            else f"請於{deadline}前送件（還有{days}天）"
        )
    elif today == app.deadline:
        deadline_status = (
            f"Today ({deadline}) is the deadline: submit today"
            if en
            else f"今天（{deadline}）就是送件截止日，請於今天送達"
        )
    else:
        deadline_status = (
            f"The deadline has passed: applications closed on {deadline}"
            if en
            else f"截止日已過：申請已於{deadline}截止"
        )

    start = date_text(period.start, language, weekday=False)
    end = date_text(period.end, language, weekday=False)
    state = _status(today, period.start, period.end)
    if en:
        period_status = {
            "before": f"The program has not started yet (it starts on {start}).",
            "during": f"The program is running now (until {end}).",
            "after": f"The program has ended: it ended on {end}.",
        }[state]
    else:
        period_status = {
            "before": f"計畫尚未開始（{start}起）。",
            "during": f"目前正在實施期程內（至{end}止）。",
            "after": f"計畫已結束：實施期程已於{end}結束。",
        }[state]

    showcase = program.showcase
    showcase_name = showcase.name if not en else program.activity_kind("showcase").name_en
    if showcase.date is not None:
        when = date_text(showcase.date, language)
        showcase_when = (
            f"on {when} (the letter says the first week of July)"
            if en
            else f"{when}（公文原訂{showcase.when_text}）"
        )
        showcase_short = when
        showcase_last = showcase.date
    else:
        if en:
            week = _EN_ORDINALS[min((showcase.window_start.day - 1) // 7, 4)]
            month = _EN_MONTHS[showcase.window_start.month - 1]
            span = (
                f"{_EN_MONTHS[showcase.window_start.month - 1]} {showcase.window_start.day}"
                f"–{showcase.window_end.day}, {showcase.window_end.year}"
            )
            showcase_short = f"the {week} week of {month} {showcase.window_start.year}"
            showcase_when = f"in {showcase_short} ({span}); the exact day is not in the letter"
        else:
            showcase_short = showcase.when_text
            first = showcase.window_start
            last = showcase.window_end
            span = f"{first.month}月{first.day}日至{last.month}月{last.day}日那一週"
            showcase_when = f"{showcase.when_text}（即{span}；確切日期公文未載明）"
        showcase_last = showcase.window_end
    showcase_done = today > showcase_last
    showcase_status = (
        (" (it has already taken place)" if en else "（已辦理完畢）") if showcase_done else ""
    )
    required = [program.community_type(k) for k in showcase.required_for]
    showcase_types = join_list([t.name_en if en else t.name for t in required], language)

    workshop = program.workshop
    if workshop.date is not None:
        wdate = date_text(workshop.date, language)
        past = today > workshop.date
        if en:
            workshop_when = f"It {'was held' if past else 'is scheduled'} on {wdate}."
        else:
            workshop_when = f"{'已於' if past else '訂於'}{wdate}辦理。"
    else:
        workshop_when = (
            "The letter gives no date; a separate letter will arrange it."
            if en
            else "公文未載明日期，將另函通知。"
        )

    phase_now = program.phase_on(today)
    if phase_now is not None:
        current_phase = (
            f"Today falls in phase {phase_now.number}." if en else f"今天屬於{phase_now.name}期間。"
        )
    elif today < program.funding.phases[0].start:
        current_phase = "Phase 1 has not started yet." if en else "第1期尚未開始。"
    else:
        current_phase = "All phases have ended." if en else "各期皆已結束。"

    documents = [d.name_en if en else f"「{d.name}」" for d in app.documents]
    copies = {d.copies for d in app.documents}
    if en:
        if len(copies) == 1:
            count = copies.pop()
            words = {1: "one copy", 2: "two copies", 3: "three copies"}
            copies_text = f"{words.get(count, f'{count} copies')} of each"
        else:
            copies_text = "the stated copies"
    else:
        copies_text = app.copies_text
    if app.cover_letter_required:
        cover_answer = (
            "Yes, a covering official letter is required." if en else "需要備文（另發公文）。"
        )
    else:
        cover_answer = (
            "No: no covering official letter is needed (免備文); deliver the documents directly"
            if en
            else f"不用另發公文：{app.cover_letter_text}即可"
        )

    type_names = [t.name_en if en else t.name for t in program.community_types]
    school_count = len(program.recipients.schools)
    total_amount = sum(t.funding_per_group * t.quota for t in program.community_types)

    def contact_line(contact_key: str) -> str:
        c = program.contact(contact_key)
        phone = c.phone + (f" ext. {c.extension}" if en and c.extension else "")
        if not en:
            phone = c.phone_with_extension
        if en:
            return f"{c.name_en}, {c.organisation_en} (phone {phone})"
        return f"{c.organisation}{c.name}（電話：{phone}）"

    values: Context = {
        "title": program.program.title_en if en else program.program.title,
        "title_zh": program.program.title,
        "year": str(program.program.year),
        "eligible": program.program.eligible_en if en else program.program.eligible,
        "basis": join_list([f"「{b}」" if not en else b for b in program.program.basis], "zh"),
        "letter_number": program.letter.number,
        "letter_date": date_text(program.letter.date, language, weekday=False),
        "letter_issuer": program.letter.issuer,
        "letter_unit": program.letter.unit,
        "letter_subject": program.letter.subject,
        "attachments": join_list(program.letter.attachments, "zh"),
        "attachment_note": program.letter.attachment_note,
        "period_start": start,
        "period_end": end,
        "period_status": period_status,
        "deadline": deadline,
        "deadline_status": deadline_status,
        "documents": join_list(documents, language),
        "copies_text": copies_text,
        "cover_letter_text": app.cover_letter_text,
        "cover_letter_answer": cover_answer,
        "deliver_to": app.deliver_to_en if en else app.deliver_to,
        "address": app.address,
        "collector": app.collector_en if en else app.collector,
        "after_approval": app.after_approval_en if en else app.after_approval,
        "contact_line": contact_line(help_contact.key),
        "contact_name": help_contact.name_en if en else help_contact.name,
        "contact_org": help_contact.organisation_en if en else help_contact.organisation,
        "contact_phone": help_contact.phone_with_extension,
        "bureau_line": contact_line(bureau.key),
        "bureau_name": bureau.name_en if en else bureau.name,
        "bureau_org": bureau.organisation_en if en else bureau.organisation,
        "bureau_phone": bureau.phone_with_extension,
        "bureau_email": bureau.email or ("(not given)" if en else "（未提供）"),
        "bureau_address": bureau.address or "",
        "showcase_name": showcase_name,
        "showcase_organiser": program.showcase.organiser,
        "showcase_when": showcase_when,
        "showcase_short": showcase_short,
        "showcase_status": showcase_status,
        "showcase_types": showcase_types,
        "workshop_name": "conveners' workshop" if en else workshop.name,
        "workshop_arrangement": workshop.arrangement,
        "workshop_announced_on": workshop.announced_on,
        "workshop_when": workshop_when,
        "phase_count": str(program.funding.phase_count),
        "funding_basis": program.funding.basis,
        "current_phase": current_phase,
        "total_quota": str(program.total_quota),
        "total_amount": money(total_amount, language),
        "type_count": str(len(program.community_types)),
        "type_names": join_list(type_names, language),
        "school_count": str(school_count),
        "school_list": "\n".join(program.recipients.schools),
        "src_application": app.source,
        "src_period": period.source,
        "src_basis": program.program.basis_source,
        "src_eligible": program.program.eligible_source,
        "src_recipients": program.recipients.source,
        "src_attachment": program.letter.attachment_source,
        "src_funding_phases": program.funding.source,
        "src_showcase": showcase.source,
        "src_workshop": workshop.source,
        "src_contact": help_contact.source,
        "src_bureau": bureau.source,
        "src_types": common_source(
            [t.members_source for t in program.community_types]
            + [t.funding_source for t in program.community_types]
        ),
        "src_letter": "函頭",
    }
    return values


def _showcase_types(program: Program, language: str) -> list[str]:
    """The types that must attend the showcase: a type that need not is told which one must."""
    return [
        c.name_in(language) for c in program.community_types if program.showcase_required(c.key)
    ]


def type_context(program: Program, ctype: CommunityType, base: Context, language: str) -> Context:
    """Values for one community type (used by per-type answer lines), on top of ``base``."""
    en = is_en(language)
    required = program.showcase_required(ctype.key)
    if en:
        showcase_clause = (
            f", and must attend the Bureau's {base['showcase_name']} ({base['showcase_short']})"
            if required
            else ""
        )
        showcase_answer = (
            f"must attend the Bureau's {base['showcase_name']} {base['showcase_when']}"
            f"{base['showcase_status']}"
            if required
            else f"is not required by the letter to attend the {base['showcase_name']}"
            f" (only the {' and '.join(_showcase_types(program, language))} must)"
        )
        place = _PLACES_EN.get(ctype.sharing_session_place, ctype.sharing_session_place)
    else:
        showcase_clause = (
            f"，亦須於{base['showcase_short']}參與{program.showcase.organiser}辦理之"
            f"{program.showcase.name}"
            if required
            else ""
        )
        showcase_answer = (
            f"須於{base['showcase_when']}參與{program.showcase.organiser}辦理之"
            f"{program.showcase.name}{base['showcase_status']}"
            if required
            else f"公文未要求參加{program.showcase.name}"
            f"（須參加的是{'、'.join(_showcase_types(program, language))}）"
        )
        place = ctype.sharing_session_place
    amounts = [p.amounts[ctype.key] for p in program.funding.phases]
    if len(set(amounts)) == 1:
        per_phase = (
            f"{money(amounts[0], language)} per phase"
            if en
            else f"每期每組{money(amounts[0], language)}"
        )
    else:
        parts = [
            (f"phase {p.number} {money(p.amounts[ctype.key], language)}")
            if en
            else f"第{p.number}期{money(p.amounts[ctype.key], language)}"
            for p in program.funding.phases
        ]
        per_phase = join_list(parts, language)
    return {
        **base,
        "type_name": ctype.name_en if en else ctype.name,
        "member_count": str(ctype.member_count),
        "min_gifted_teachers": str(ctype.min_gifted_teachers),
        "convener": ctype.convener,
        "convener_count": _convener_count(ctype.convener),
        "min_activities": str(ctype.min_activities),
        "min_dialogues": str(ctype.min_dialogues),
        "min_public_lessons": str(ctype.min_public_lessons),
        "sharing_sessions": str(ctype.sharing_sessions),
        "sharing_place": place,
        "showcase_clause": showcase_clause,
        "showcase_answer": showcase_answer,
        "funding": money(ctype.funding_per_group, language),
        "quota": str(ctype.quota),
        "per_phase": per_phase,
    }


def type_sources(types: Sequence[CommunityType], field: str) -> str:
    """The letter section behind a per-type fact for the chosen types."""
    return common_source(getattr(t, field) for t in types)


def phase_context(
    program: Program,
    phase: FundingPhase,
    types: Sequence[CommunityType],
    today: dt.date,
    language: str,
) -> Context:
    """Values for one funding phase, amounts limited to the chosen community types."""
    en = is_en(language)
    amounts = []
    for ctype in types:
        name = ctype.name_en if en else ctype.name
        amount = money(phase.amounts[ctype.key], language)
        groups = phase.groups[ctype.key]
        if en:
            amounts.append(f"{name}: {amount} per group ({groups} groups)")
        else:
            amounts.append(f"{name}1組補助{amount}（{groups}組）")
    state = _status(today, phase.start, phase.end)
    return {
        "phase_number": str(phase.number),
        "phase_name": f"Phase {phase.number}" if en else phase.name,
        "phase_start": date_text(phase.start, language, weekday=False),
        "phase_end": date_text(phase.end, language, weekday=False),
        "phase_status": _status_word(state, language),
        "phase_amounts": ("; " if en else "；").join(amounts),
    }
