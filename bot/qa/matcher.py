"""The lexicon and n-gram index that turn a normalised question into slots and scores."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bot.qa.normalise import is_cjk

_LATIN_WORD = re.compile(r"[a-z][a-z0-9$#@&+']*|\d+")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_PHASE_ZH = re.compile(r"第([1-9一二三四五六七八九兩])期")
_PHASE_EN = re.compile(
    r"(?:phase|installment|instalment|tranche|payment|period)\s*#?\s*([1-9])\b"
    r"|\b(first|second|third|1st|2nd|3rd)\s+(?:phase|installment|instalment|tranche|payment)"
)
_EN_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
_ZH_NUMBER = dict(zip("一二兩三四五六七八九", (1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
# Particles and very common function characters never count as unexplained content.
_FREE_CHARS = set(
    "的了嗎嘛呢啊阿喔哦吧呀耶欸誒哈嗯唷啦囉咧吼蛤是有要在我你他她們這那個和與及或就也都還請問"
    # Numbers in words (三萬, 九月二十一號) are about the program's numbers, never foreign.
    "零一二兩两三四五六七八九十百千萬万月日號号"
)
_EN_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "to",
        "of",
        "for",
        "in",
        "on",
        "at",
        "by",
        "do",
        "does",
        "did",
        "i",
        "we",
        "you",
        "our",
        "my",
        "me",
        "it",
        "what",
        "when",
        "where",
        "who",
        "whom",
        "which",
        "how",
        "can",
        "could",
        "should",
        "would",
        "will",
        "shall",
        "there",
        "this",
        "that",
        "please",
        "tell",
        "about",
        "any",
        "with",
        "from",
        "have",
        "has",
        "get",
        "and",
        "or",
        "if",
    }
)


def is_latin_term(term: str) -> bool:
    """Whether a lexicon term is written in Latin letters (matched on word boundaries)."""
    return bool(term) and term[0].isascii() and term[0].isalnum()


@dataclass(frozen=True)
class Hit:
    """One lexicon match: its kind ('concept', 'type', 'offtopic', 'social') and value."""

    kind: str
    value: str


class Lexicon:
    """Every known term compiled into one longest-first regular expression."""

    def __init__(self, terms: Mapping[str, Sequence[Hit]]) -> None:
        self._terms = {term: tuple(hits) for term, hits in terms.items() if term}
        parts = []
        for term in sorted(self._terms, key=len, reverse=True):
            if is_latin_term(term):
                parts.append(rf"(?<![a-z0-9]){re.escape(term)}(?:es|s)?(?![a-z0-9])")
            else:
                parts.append(re.escape(term))
        self._pattern = re.compile("|".join(parts)) if parts else None

    def _lookup(self, found: str) -> tuple[Hit, ...]:
        if found in self._terms:
            return self._terms[found]
        for suffix in ("es", "s"):
            if found.endswith(suffix) and found[: -len(suffix)] in self._terms:
                return self._terms[found[: -len(suffix)]]
        return ()

    def scan(self, text: str) -> list[tuple[int, int, Hit]]:
        """All non-overlapping matches, leftmost and longest first."""
        if self._pattern is None:
            return []
        out = []
        for match in self._pattern.finditer(text):
            for hit in self._lookup(match.group(0)):
                out.append((match.start(), match.end(), hit))
        return out


def phases_in(text: str) -> list[int]:
    """Phase numbers a question names (第1期, 第二期, phase 2, second instalment)."""
    found: list[int] = []
    for match in _PHASE_ZH.finditer(text):
        digit = match.group(1)
        found.append(int(digit) if digit.isdigit() else _ZH_NUMBER[digit])
    for match in _PHASE_EN.finditer(text):
        if match.group(1):
            found.append(int(match.group(1)))
        elif match.group(2):
            found.append(_EN_ORDINAL[match.group(2)])
    return sorted(set(found))


def grams(text: str) -> Counter[str]:
    """Character bigrams (unigrams for lone characters) of Chinese runs, words of Latin runs."""
    out: Counter[str] = Counter()
    for run in _CJK_RUN.findall(text):
        if len(run) == 1:
            out[run] += 1
        for i in range(len(run) - 1):
            out[run[i : i + 2]] += 1
    for word in _LATIN_WORD.findall(text):
        if word in _EN_STOPWORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]  # a light stem: members → member
        out[word] += 1
    return out


class GramIndex:
    """TF-IDF cosine between a question and every stored question variant."""

    def __init__(self, documents: Sequence[tuple[int, str]]) -> None:
        self._owners = [owner for owner, _ in documents]
        counts = [grams(text) for _, text in documents]
        df: Counter[str] = Counter()
        for count in counts:
            df.update(count.keys())
        total = max(len(documents), 1)
        self._idf = {g: math.log(1 + total / n) for g, n in df.items()}
        self._unknown_idf = math.log(1 + total)
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for doc, count in enumerate(counts):
            vector = {g: tf * self._idf[g] for g, tf in count.items()}
            norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
            for g, w in vector.items():
                self._postings.setdefault(g, []).append((doc, w / norm))

    def best_per_owner(self, text: str) -> dict[int, float]:
        """For each owner (entry index), the best cosine over its variants."""
        count = grams(text)
        if not count:
            return {}
        vector = {g: tf * self._idf.get(g, self._unknown_idf) for g, tf in count.items()}
        norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        dots: dict[int, float] = {}
        for g, w in vector.items():
            for doc, dw in self._postings.get(g, ()):
                dots[doc] = dots.get(doc, 0.0) + w * dw / norm
        best: dict[int, float] = {}
        for doc, score in dots.items():
            owner = self._owners[doc]
            if score > best.get(owner, 0.0):
                best[owner] = score
        return best


class Coverage:
    """Which Chinese characters of a question the program's vocabulary explains."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        bigrams: set[str] = set()
        chars: set[str] = set()
        for text in vocabulary:
            for run in _CJK_RUN.findall(text):
                chars.update(run)
                bigrams.update(run[i : i + 2] for i in range(len(run) - 1))
        self._bigrams = bigrams
        self._chars = chars
        self._words: set[str] = set()
        for text in vocabulary:
            self._words.update(_LATIN_WORD.findall(text))

    def unknown_run(self, text: str) -> int:
        """Length of the longest run of unexplained characters (0 for runs unlikely foreign).

        A run of two counts only if it holds a character the vocabulary never uses (a single
        typo rarely does); runs of three or more always count.
        """
        longest = 0
        for run in _CJK_RUN.findall(text):
            current = 0
            alien = False
            for i, char in enumerate(run + "的"):
                covered = i == len(run) or (
                    char in _FREE_CHARS
                    or (i > 0 and run[i - 1 : i + 1] in self._bigrams)
                    or (i + 1 < len(run) and run[i : i + 2] in self._bigrams)
                )
                if covered:
                    if current >= 3 or (current == 2 and alien):
                        longest = max(longest, current)
                    current, alien = 0, False
                    continue
                current += 1
                alien = alien or char not in self._chars
        return longest

    def unknown_words(self, text: str) -> int:
        """How many Latin content words the vocabulary has never seen."""
        return sum(
            1
            for word in _LATIN_WORD.findall(text)
            if word not in _EN_STOPWORDS
            and not word.isdigit()
            and word not in self._words
            and word.rstrip("s") not in self._words
        )


def cjk_count(text: str) -> int:
    """Number of CJK characters."""
    return sum(1 for char in text if is_cjk(char))
