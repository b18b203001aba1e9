"""Typos from sound: a run of characters that sounds like one of the program's words is read as
that word (載止日 → 截止日, 經廢 → 經費, 公開受課 → 公開授課).

Teachers type with 注音 or by voice, so the usual slip is a homophone, and one list cannot
hold them all. Each character's readings come from pypinyin's table (tones dropped, since a slip
often changes the tone too); a run is replaced only when it reads like a vocabulary word of the
same length, keeps at least one of its characters in place (so 自由 never becomes 資優), is
not itself part of a vocabulary word and does not occur in the program's own texts (提交 and
不用 are words, not slips for 遲交 and 費用). The hand list in faq.toml ([typos]) keeps what sound
cannot catch (variant characters, shape slips).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.qa.normalise import is_cjk

MIN_LENGTH, MAX_LENGTH = 2, 6
# From this length on, a run that sounds like a program word is that word whatever it holds.
LONG_RUN = 3


class _Readings(Mapping[str, frozenset[str]]):
    """Every character's toneless readings (以 → {"yi"}), from pypinyin's character table,
    each worked out when first asked for (the whole table takes a third of a second)."""

    def __init__(self, table: dict[str, str]) -> None:
        self._table = table

    def __getitem__(self, char: str) -> frozenset[str]:
        return _toneless(self._table[str(ord(char))])

    def __contains__(self, char: object) -> bool:
        return isinstance(char, str) and len(char) == 1 and str(ord(char)) in self._table

    def __iter__(self) -> Iterator[str]:
        return (chr(int(code)) for code in self._table)

    def __len__(self) -> int:
        return len(self._table)


@functools.cache
def _readings() -> _Readings:
    """The readings table. The JSON file is read directly: importing the pypinyin package also
    loads its phrase dictionary, a quarter of a second this needs none of."""
    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:
        return _Readings({})
    table = Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"
    return _Readings(json.loads(table.read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=8192)
def _toneless(readings: str) -> frozenset[str]:
    plain = unicodedata.normalize("NFD", readings)
    plain = "".join(char for char in plain if unicodedata.category(char) != "Mn")
    return frozenset(plain.replace("ü", "v").split(","))


@dataclass(frozen=True)
class SoundAlike:
    """The program's words by sound, and the rewriting of a normalised question with them."""

    # (length, a reading of the first character) → the words that may start there.
    words: dict[tuple[int, str], tuple[str, ...]] = field(compare=False, hash=False)
    vocabulary: frozenset[str] = field(compare=False, hash=False)
    # The program's own texts, joined: a run found in them is a word, never a slip.
    known: str = field(default="", compare=False, hash=False)
    known_chars: frozenset[str] = field(default=frozenset(), compare=False, hash=False)
    digest: int = 0

    @classmethod
    def build(cls, terms: Iterable[str], known_texts: Iterable[str] = ()) -> SoundAlike:
        """Index the CJK words among ``terms`` (already in their normalised form); runs that
        occur in ``known_texts`` (normalised too) are never rewritten."""
        readings = _readings()
        chosen = sorted(
            {
                term
                for term in terms
                if MIN_LENGTH <= len(term) <= MAX_LENGTH
                and all(is_cjk(char) and char in readings for char in term)
            }
        )
        words: dict[tuple[int, str], list[str]] = {}
        for term in chosen:
            for reading in readings[term[0]]:
                words.setdefault((len(term), reading), []).append(term)
        frozen = {key: tuple(found) for key, found in words.items()}
        known = "\n".join(known_texts)
        digest = hash((tuple(chosen), known)) or 1
        return cls(frozen, frozenset(chosen), known, frozenset(known), digest)

    def apply(self, text: str) -> str:
        """The text with each run that sounds like a program word written as that word."""
        if not self.words:
            return text
        readings = _readings()
        covered = self._known_spans(text)
        out: list[str] = []
        i = 0
        while i < len(text):
            found = self._word_at(text, i, covered, readings)
            if found is None:
                out.append(text[i])
                i += 1
            else:
                out.append(found)
                i += len(found)
        return "".join(out)

    def _known_spans(self, text: str) -> set[int]:
        """The positions inside a vocabulary word as typed: their characters are never changed."""
        covered: set[int] = set()
        for length in range(MIN_LENGTH, MAX_LENGTH + 1):
            for start in range(len(text) - length + 1):
                if text[start : start + length] in self.vocabulary:
                    covered.update(range(start, start + length))
        return covered

    def _is_slip(self, run: str, word: str) -> bool:
        """Short runs are slips only when the odd character is foreign to the program's texts:
        期 in 第一期到 and 起 in 一起組 are ordinary characters there, 盍 in 盍章 is not."""
        if len(run) >= LONG_RUN:
            return True
        return not any(char in self.known_chars for char in _slipped(run, word))

    def _word_at(
        self, text: str, start: int, covered: set[int], readings: Mapping[str, frozenset[str]]
    ) -> str | None:
        first = readings.get(text[start])
        if not first:
            return None
        for length in range(min(MAX_LENGTH, len(text) - start), MIN_LENGTH - 1, -1):
            run = text[start : start + length]
            for reading in first:
                for word in self.words.get((length, reading), ()):
                    changed = (
                        start + i for i, (a, b) in enumerate(zip(run, word, strict=True)) if a != b
                    )
                    # The search of the program's texts last: it is the costly test.
                    if (
                        _sounds_like(run, word, readings)
                        and self._is_slip(run, word)
                        and not any(position in covered for position in changed)
                        and run not in self.known
                    ):
                        return word
        return None


def _slipped(run: str, word: str) -> str:
    return "".join(a for a, b in zip(run, word, strict=True) if a != b)


def _sounds_like(run: str, word: str, readings: Mapping[str, frozenset[str]]) -> bool:
    kept = sum(a == b for a, b in zip(run, word, strict=True))
    if kept == 0 or kept == len(word):
        return False
    return all(
        a == b or bool(readings.get(a, frozenset()) & readings.get(b, frozenset()))
        for a, b in zip(run, word, strict=True)
    )
