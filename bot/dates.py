"""Showing dates the way each language's readers expect (ROC calendar for zh-TW)."""

from __future__ import annotations

import datetime as dt

ROC_YEAR_OFFSET = 1911
_ZH_WEEKDAYS = "一二三四五六日"
_EN_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def roc_year(day: dt.date) -> int:
    """The ROC (民國) year of a date: Gregorian year minus 1911."""
    return day.year - ROC_YEAR_OFFSET


def format_roc(day: dt.date, *, weekday: bool = True, year: bool = True) -> str:
    """111年9月21日（三）."""
    text = f"{day.month}月{day.day}日"
    if year:
        text = f"{roc_year(day)}年{text}"
    if weekday:
        text += f"（{_ZH_WEEKDAYS[day.weekday()]}）"
    return text


def format_en(day: dt.date, *, weekday: bool = True, year: bool = True) -> str:
    """Wed 21 September 2022."""
    text = f"{day.day} {_EN_MONTHS[day.month - 1]}"
    if year:
        text += f" {day.year}"
    if weekday:
        text = f"{_EN_WEEKDAYS[day.weekday()]} {text}"
    return text


def format_date(day: dt.date, language: str, *, weekday: bool = True, year: bool = True) -> str:
    """A date in the reader's language: ROC form for Chinese, English form otherwise."""
    if language.startswith("en"):
        return format_en(day, weekday=weekday, year=year)
    return format_roc(day, weekday=weekday, year=year)


def format_month(day: dt.date, language: str) -> str:
    """The month of a date: 112年8月, or August 2023."""
    if language.startswith("en"):
        return f"{_EN_MONTHS[day.month - 1]} {day.year}"
    return f"{roc_year(day)}年{day.month}月"


def format_roc_numeric(day: dt.date) -> str:
    """111/09/21, the compact ROC form used in tables and exports."""
    return f"{roc_year(day)}/{day.month:02d}/{day.day:02d}"
