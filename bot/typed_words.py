"""Words typed in place of a button or a command, recognised the same way on Telegram and LINE.

A typed word is compared after NFKC, without spaces, case-folded and converted from Simplified
to Traditional Chinese as the Q&A converts questions, so 「进度」 is 「進度」 and 「ＳＫＩＰ」 is
"skip". The words themselves are texts of the locales.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

from bot.i18n import t
from bot.qa.normalise import to_traditional

_NUMBER = re.compile(r"(?:第|no\.?|#)?(?P<number>\d{1,3})(?:[.、)）:：]|號|个|個)?", re.IGNORECASE)


def folded(text: str) -> str:
    """The form two typed words are compared in."""
    text = unicodedata.normalize("NFKC", text)
    return to_traditional("".join(text.split()).casefold())


@cache
def _folded_set(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(folded(word) for word in words)


def is_one_of(text: str, words: Iterable[str]) -> bool:
    """Whether the typed text is one of ``words``, whichever script or width it was typed in."""
    return folded(text) in _folded_set(tuple(words))


def words_of(language: str, key: str) -> tuple[str, ...]:
    """The "|"-separated words of a locale text, in this language, Chinese and English (a word
    of either is understood whatever language the user chose)."""
    words = [word for lang in (language, "zh-TW", "en") for word in t(lang, key).split("|")]
    return tuple(word for word in words if word.strip())


def is_skip_word(text: str, language: str) -> bool:
    """Whether the text typed at a step offering 「略過」 means the button (略過, 跳過, skip)."""
    return is_one_of(text, words_of(language, "flows.skip_words"))


def is_done_word(text: str, language: str) -> bool:
    """Whether the text typed at a step offering 「完成」 means that button (完成, 好了, done)."""
    return is_one_of(text, words_of(language, "flows.done_words"))


def listed_number(text: str, count: int) -> int | None:
    """The 1-based number of one of ``count`` listed choices the text names (「1」, 「１.」,
    「第2」), or None."""
    match = _NUMBER.fullmatch("".join(unicodedata.normalize("NFKC", text).split()))
    if match is None:
        return None
    number = int(match["number"])
    return number if 1 <= number <= count else None
