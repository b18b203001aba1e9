"""Text normalisation shared by the index and the questions: one canonical form for matching."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.qa.sounds import SoundAlike

logger = logging.getLogger(__name__)

# Questions longer than this are still answered, but only their head is analysed: nobody asks
# a program question in 4,000 characters, and it keeps latency bounded.
MAX_ANALYSED_CHARS = 400

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_CJK_GAP = re.compile(r"(?<=[\u3400-\u4dbf\u4e00-\u9fff0-9])\s+(?=[\u3400-\u4dbf\u4e00-\u9fff0-9])")
_SPACES = re.compile(r"\s+")

_converter: Any = None
_converter_lock = threading.Lock()


def _get_converter() -> Any:
    global _converter
    if _converter is None:
        with _converter_lock:
            if _converter is None:
                # Imported lazily: loading the s2twp tables costs ~0.15 s, paid once per process.
                import opencc

                _converter = opencc.OpenCC("s2twp")
    return _converter


def warm_up() -> None:
    """Load the Simplified→Traditional converter now rather than on the first question."""
    _get_converter()


def to_traditional(text: str) -> str:
    """Simplified→Traditional (Taiwan phrasing); text without CJK is returned unchanged."""
    if not _CJK.search(text):
        return text
    converter = _get_converter()
    with _converter_lock:
        # The binding gives no thread-safety promise; the lock costs microseconds.
        return str(converter.convert(text))


def clean(text: str) -> str:
    """NFKC, control and format characters removed, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    chars = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            chars.append(" ")
        else:
            chars.append(char)
    return _SPACES.sub(" ", "".join(chars)).strip()


def detect_language(text: str) -> str:
    """'en' for Latin-only questions, otherwise 'zh-TW' (any Chinese means a Chinese reader)."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    if cjk == 0 and latin >= 2:
        return "en"
    return "zh-TW"


def has_content(text: str) -> bool:
    """Whether the text has any letter, CJK character or digit (emoji/punctuation-only → no)."""
    return any(unicodedata.category(char)[0] in ("L", "N") for char in text)


@dataclass(frozen=True)
class Replacer:
    """Longest-first literal replacement (typos, variant characters) as one compiled regex."""

    pattern: re.Pattern[str] | None = field(compare=False, hash=False)
    pairs: tuple[tuple[str, str], ...] = field(compare=False, hash=False)
    table: Mapping[str, str] = field(compare=False, hash=False)
    # Identifies the table cheaply (hashing the pairs on every lookup is slow).
    digest: int = 0
    # Then runs that sound like a program word become that word (bot.qa.sounds).
    sounds: SoundAlike | None = field(default=None, compare=False, hash=False)

    @classmethod
    def build(cls, table: Mapping[str, str]) -> Replacer:
        """Compile a replacement table; keys are matched longest first."""
        keys = sorted((k for k in table if k), key=len, reverse=True)
        if not keys:
            return cls(None, (), {})
        pattern = re.compile("|".join(re.escape(k) for k in keys))
        pairs = tuple((k, table[k]) for k in keys)
        return cls(pattern, pairs, dict(table), hash(pairs) or 1)

    def with_sounds(self, sounds: SoundAlike) -> Replacer:
        """This table, then the sound-alike rewriting."""
        return replace(self, sounds=sounds, digest=hash((self.digest, sounds.digest)) or 1)

    def apply(self, text: str) -> str:
        """Replace every occurrence of a key by its value, then the sound-alikes."""
        if self.pattern is not None:
            text = self.pattern.sub(lambda m: self.table[m.group(0)], text)
        return self.sounds.apply(text) if self.sounds is not None else text


def normalise(text: str, replacer: Replacer | None = None) -> str:
    """The matching form: cleaned, Traditional, lower-case, typos fixed, punctuation → space."""
    text = clean(text)[:MAX_ANALYSED_CHARS]
    return _finish(to_traditional(text), replacer)


def _finish(text: str, replacer: Replacer | None) -> str:
    text = text.lower()
    if replacer is not None:
        text = replacer.apply(text)
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category[0] in ("L", "N") or char in "$#@&+":
            out.append(char)
        else:
            out.append(" ")
    text = _SPACES.sub(" ", "".join(out)).strip()
    return _CJK_GAP.sub("", text)


def is_cjk(char: str) -> bool:
    """Whether a single character is a CJK ideograph."""
    return bool(_CJK.match(char))


_known: dict[int, dict[str, str]] = {}
_KNOWN_LIMIT = 50000
_known_lock = threading.RLock()


def normalise_many(texts: list[str], replacer: Replacer | None = None) -> list[str]:
    """normalise() for the engine's own vocabulary: memoised, one converter call for the rest."""
    with _known_lock:
        cache = _known.setdefault(replacer.digest if replacer else 0, {})
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            cleaned = [clean(t)[:MAX_ANALYSED_CHARS].replace("\n", " ") for t in missing]
            # One call instead of thousands: the per-call overhead dominates for short terms.
            converted = to_traditional("\n".join(cleaned)).split("\n")
            if len(converted) != len(cleaned):
                converted = [to_traditional(t) for t in cleaned]
            if len(cache) > _KNOWN_LIMIT:
                cache.clear()
            for original, text in zip(missing, converted, strict=True):
                cache[original] = _finish(text, replacer)
        return [cache[t] for t in texts]
