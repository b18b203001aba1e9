"""Catalogue texts and program names in the language of one export."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

from bot.dates import format_date
from bot.i18n import has, normalise_language, t
from bot.program import Document, Program


class Labels:
    """Every text an export needs, looked up once per export rather than once per cell."""

    def __init__(self, program: Program, language: str) -> None:
        self.program = program
        self.language = normalise_language(language)
        self.english = self.language == "en"

    def __call__(self, key: str, /, **values: object) -> str:
        """The catalogue text ``exports.<key>``."""
        return t(self.language, f"exports.{key}", **values)

    def template(self, key: str) -> str:
        """The unformatted template ``exports.<key>``, for a renderer to fill in later."""
        return t(self.language, f"exports.{key}")

    @cached_property
    def program_title(self) -> str:
        """The program's title in this language."""
        info = self.program.program
        return info.title_en if self.english else info.title

    @cached_property
    def _kind_names(self) -> dict[str, str]:
        return {k.key: k.name_en if self.english else k.name for k in self.program.activity_kinds}

    @cached_property
    def _type_names(self) -> dict[str, str]:
        return {c.key: c.name_en if self.english else c.name for c in self.program.community_types}

    @cached_property
    def yes(self) -> str:
        """The word for a true flag."""
        return self("yes")

    @cached_property
    def no(self) -> str:
        """The word for a false flag."""
        return self("no")

    @cached_property
    def separator(self) -> str:
        """What joins names in one cell (、 in Chinese)."""
        return self("list_separator")

    def kind(self, key: str) -> str:
        """The activity kind's name; the bare key if this year's program no longer has it."""
        return self._kind_names.get(key, key)

    def community_type(self, key: str) -> str:
        """The community type's name; the bare key if the program does not know it."""
        return self._type_names.get(key, key)

    def status(self, status: str) -> str:
        """The status label (草稿, 已送審, …); the raw value for a status we have no text for."""
        # A status added to the database later must not break every export.
        key = f"exports.status.{status}"
        return t(self.language, key) if has(self.language, key) else status

    def document(self, document: Document) -> str:
        """A paper document's name (申請計畫, …) in this language."""
        return document.name_en if self.english else document.name

    def long_date(self, day: dt.date) -> str:
        """111年10月5日（三）: the form for running text."""
        return format_date(day, self.language)

    def plain_date(self, day: dt.date) -> str:
        """111年9月1日: running text without the weekday."""
        return format_date(day, self.language, weekday=False)
