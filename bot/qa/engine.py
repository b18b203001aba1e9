"""The question-answering engine: match a question to program facts and answer from them."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import logging
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot import i18n
from bot.program import CommunityType, Program
from bot.qa import facts, scenario, verdict
from bot.qa.matcher import Coverage, GramIndex, Hit, Lexicon, phases_in
from bot.qa.normalise import (
    Replacer,
    clean,
    detect_language,
    has_content,
    normalise,
    normalise_many,
)
from bot.qa.sounds import SoundAlike
from db.records import FaqEntry

logger = logging.getLogger(__name__)

FAQ_FILE = Path(__file__).resolve().parent.parent / "data" / "faq.toml"
MAX_TEXT = 4096
MAX_RELATED = 3
MAX_SUGGESTIONS = 3
# Below this confidence the engine does not guess (tuned on the paraphrase set).
THRESHOLD = 0.55
_CONCEPT_WEIGHT = 0.75
_SIM_WEIGHT = 0.25
_EXTRA_PENALTY = 0.25
_TOPIC_ORDER = ("apply", "types", "members", "activities", "funding", "schedule", "contact")


@dataclass(frozen=True)
class Topic:
    """A browse topic."""

    key: str
    label: str


@dataclass(frozen=True)
class Answer:
    """What the bot replies, and why."""

    question: str
    text: str
    answered: bool
    source: str | None
    score: float
    suggestions: list[str]
    language: str
    kind: str
    entry_id: str | None
    related: list[tuple[str, str]]
    suggestion_ids: list[str]


# A requirement is satisfied by any of its alternatives; an alternative needs all its concepts.
Requirement = tuple[frozenset[str], ...]


@dataclass(frozen=True)
class _Entry:
    id: str
    topic: str
    label_zh: str
    label_en: str
    questions: tuple[str, ...]
    requires: tuple[Requirement, ...]
    explains: frozenset[str]
    avoid: frozenset[str]
    answer_zh: str
    answer_en: str | None
    per_type_zh: str | None
    per_type_en: str | None
    per_phase_zh: str | None
    per_phase_en: str | None
    source: str | None
    type_source: str | None
    related: tuple[str, ...]
    browse: bool
    staff: bool
    # The letter is silent on this: the reply says so honestly and does not count as answered.
    silent: bool = False
    # False when the letter settles no 是/不是 for this entry (late papers): no verdict word.
    judge: bool = True

    def label(self, language: str) -> str:
        return self.label_en if facts.is_en(language) and self.label_en else self.label_zh


@dataclass(frozen=True)
class _Query:
    norm: str
    language: str
    concepts: frozenset[str]
    types: tuple[str, ...]
    phases: tuple[int, ...]
    offtopic: bool
    social: str | None
    unknown_run: int
    unknown_words: int
    anchored: bool
    # Concepts of the part that asks (「…，請問那是什麼時候？」), None when it is the whole text.
    focus: frozenset[str] | None = None
    focus_norm: str | None = None


def _parse_requirements(items: Sequence[str]) -> tuple[Requirement, ...]:
    out = []
    for item in items:
        alternatives = tuple(
            frozenset(part.strip() for part in alt.split("+") if part.strip())
            for alt in item.split("|")
            if alt.strip()
        )
        if alternatives:
            out.append(alternatives)
    return tuple(out)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def load_faq(path: Path = FAQ_FILE) -> dict[str, Any]:
    """Read the shipped FAQ data file (parsed once per version of the file)."""
    return _parse_faq(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _parse_faq(path: Path, _mtime_ns: int) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


# Where the asking part of a long question starts: after the last of these, or the last sentence.
_ASK_MARKER = re.compile(
    r"請問|请问|想問|想问|想確認|想确认|想知道|想請教|想请教|請教|请教|問一下|问一下|不知道"
)
_SENTENCE_END = re.compile(r"(?<=[。！!？?])\s*|(?<=[a-z0-9)][.])\s+", re.IGNORECASE)
_ADDRESS = re.compile(
    r"[路街道](?:[一二三四五六七八九十\d]+段)?(?:\d+巷)?\d+號"
    r"|\b\d+\s+[a-z0-9 ]{2,30}\b(?:road|rd|street|st)\b"
)
_CLAUSE_BREAK = re.compile(r"[，,、]\s*")
_BACKGROUND_PENALTY = 0.1
# A rule met only by the background, when the asking part names a topic of its own.
_BACKGROUND_MATCH = 0.7


# Concepts that name no topic an answer must speak of (a question's framing, not its subject).
_NO_TOPIC = frozenset({"type_named", "unspecified", "status", "late", "remote_by", "howto"})
# English words too common to tie an answer's clause to a question.
_EN_COMMON = frozenset({
    "have", "does", "that", "this", "what", "with", "from", "they", "them", "their", "there",
    "need", "must", "will", "would", "could", "should", "about", "into", "also", "just", "your",
    "ours", "send", "submit",
})


def _asks(part: str) -> bool:
    """Whether a clause is itself a question (a question word, 嗎, a question mark)."""
    return bool(
        verdict.WH_ZH.search(part)
        or verdict.WH_EN.search(part)
        or re.search(r"[嗎吗呢？?]\s*$", part.strip())
    )


# Where a compound question splits into its parts (「共備要幾人？經費多少？」).
_QUESTION_BREAK = re.compile(
    r"[？?]+\s*|；|;\s+"
    # "How many copies do we need and is a cover letter needed?": a second question after "and".
    r"|,?\s+and\s+(?=(?:is|are|do|does|can|what|when|where|how|who|which|whom)\b)",
    re.IGNORECASE,
)
# Verbs of handing papers in, which alone make a day-only question one about the deadline.
_HANDS_IN = re.compile(r"送|交|寄|繳|缴|hand\b|drop|turn\s+in|submit|deliver", re.IGNORECASE)
_ASKS_COUNT = re.compile(r"幾|几|多少|how many|how much", re.IGNORECASE)
# A yes/no question about what is still missing (「還差嗎」, 「還缺嗎」).
_ASKS_MISSING = re.compile(r"(?:還差|还差|還缺|还缺|缺|差|不夠|不够|不足)[嗎吗][？?]?\s*$")
# A comparison: 「公開授課跟專業對話有什麼不同」, 「A和B是一樣的嗎」, "difference between A and B".
# Everything from the asking words on is dropped; each side is then asked with the rest.
_COMPARE_ZH = re.compile(
    r"(?P<a>[^，,。？?]{2,}?)(?P<join>跟|和|與|与|及|以及|還是|还是|\s*(?:vs\.?|VS|v\.s\.)\s*)"
    # A side is a thing, not a plan: 「共備和研創可以同一個老師嗎」 asks something else.
    r"(?P<b>(?:(?!可以|可不可以|能|要(?!求)|需(?!求))[^，,。？?]){2,}?)"
    r"(?P<ask>(?:是|之間|之间|兩者|两者)?(?:有什麼|有什么|有何|有啥|有哪些|在哪|差在|哪裡|哪里)?"
    r"(?:不同|不一樣|不一样|差別|差别|差異|差异|區別|区别|一樣|一样|相同|同一)"
    r"|(?:要找誰|找誰|找谁|要找哪|哪個|哪一個|哪个)?[？?]?\s*$)"
)
_COMPARE_EN = re.compile(
    r"differen\w*\s+between\s+(?:an?\s+|the\s+)?(?P<a>.+?)\s+and\s+(?:an?\s+|the\s+)?(?P<b>.+?)"
    r"\s*[?.!]*$|^(?:how\s+(?:does|do|is|are)\s+)?(?:an?\s+|the\s+)?(?P<a2>.+?)\s+"
    r"(?:differ\s+from|vs\.?|versus|compared\s+(?:to|with))\s+(?:an?\s+|the\s+)?(?P<b2>.+?)"
    r"\s*[?.!]*$|^(?:is|are)\s+(?:an?\s+|the\s+)?(?P<a3>.+?)\s+(?:the\s+)?same\s+(?:thing\s+)?as"
    r"\s+(?:an?\s+|the\s+)?(?P<b3>.+?)\s*[?.!]*$",
    re.IGNORECASE,
)
# 「是一樣的嗎」 asks whether two things are the same: two different answers say 不是.
_ASKS_SAME = re.compile(r"(?<!不)(?:一樣|一样|相同|同一)|the same", re.IGNORECASE)


class QaEngine:
    """Answers teachers' questions from the program facts and the FAQ; immutable once built."""

    def __init__(
        self,
        program: Program,
        entries: list[_Entry],
        lexicon: Lexicon,
        replacer: Replacer,
        index: GramIndex,
        exact: dict[str, int],
        coverage: Coverage,
        neutral: frozenset[str],
        anchors: frozenset[str],
        defaults: tuple[str, ...],
    ) -> None:
        self._program = program
        self._entries = entries
        self._by_id = {e.id: i for i, e in enumerate(entries)}
        self._lexicon = lexicon
        self._replacer = replacer
        self._index = index
        self._exact = exact
        self._coverage = coverage
        self._neutral = neutral
        self._anchors = anchors
        self._defaults = tuple(d for d in defaults if d in self._by_id)
        # Numbers in the program's name (111學年度) are no claim a yes/no question makes.
        self._program_numbers = verdict.numbers_in(program.program.title)
        # Facts only change with the day and language; lru_cache is thread-safe.
        self._context = functools.lru_cache(maxsize=32)(self._make_context)
        # Answer texts and their clauses recur (verdicts read them); normalising is the cost.
        self._normalised = functools.lru_cache(maxsize=4096)(self._normalise_text)

    def _normalise_text(self, text: str) -> str:
        return normalise(text, self._replacer)

    def _make_context(self, today: dt.date, language: str) -> Mapping[str, str]:
        return facts.global_context(self._program, today, language)

    # ----------------------------------------------------------------- building
    @classmethod
    def build(cls, program: Program, extra_entries: Sequence[FaqEntry] = ()) -> QaEngine:
        """Build the index from the program, the shipped FAQ and staff entries (which override)."""
        data = load_faq()
        typos = {str(k): str(v) for k, v in data.get("typos", {}).items()}
        plain = normalise_many([*typos, *typos.values()])
        keys, values = plain[: len(typos)], plain[len(typos) :]
        replacer = Replacer.build(dict(zip(keys, values, strict=True)))
        # Normalise the whole vocabulary in one batch before the index asks term by term.
        vocabulary = normalise_many(cls._vocabulary_texts(program, data, extra_entries), replacer)

        def norm(text: str) -> str:
            return normalise_many([text], replacer)[0]

        terms: dict[str, list[Hit]] = {}

        def add(term: str, hit: Hit) -> None:
            key = norm(term)
            if key and hit not in terms.setdefault(key, []):
                terms[key].append(hit)

        for concept, words in data.get("concepts", {}).items():
            for word in _as_list(words):
                add(word, Hit("concept", concept))
        for ctype in program.community_types:
            for alias in [ctype.name, ctype.name_en, *ctype.aliases, *ctype.aliases_en]:
                add(alias, Hit("type", ctype.key))
        for contact in program.contacts:
            concept = "contact" if contact.key == program.help_contact.key else "bureau"
            # The help contact named as a person (劉老師): her own details, not the office's.
            hits = [Hit("concept", concept)]
            if concept == "contact":
                hits.append(Hit("concept", "named_contact"))
            bare = [name.replace(t, "").strip() for name in (contact.name, contact.name_en)
                    for t in ("教師", "老師", "teacher ") if t in name]
            # "劉書伶教師" / "teacher Liu Shu-ling": people type the bare name, or 劉老師, too.
            surname = [f"{name[0]}{title}" for name in bare if "\u4e00" <= name[:1] <= "\u9fff"
                       for title in ("老師", "教師")]
            surname += [f"{title} {name.split()[0]}" for name in bare if name[:1].isascii()
                        for title in ("teacher", "ms.", "ms", "mrs.")]
            for name in (contact.name, contact.name_en, *bare, *surname):
                for hit in hits:
                    add(name, hit)
        address = program.application.address
        street = address.split("區", 1)[-1]
        # 「十全一路」: the street alone, without its number, names the place too.
        bare_street = re.sub(r"\d+號$", "", street)
        for text in (address, street, bare_street, program.application.deliver_to):
            add(text, Hit("concept", "deliver"))
        for word in _as_list(data.get("offtopic", {}).get("terms")):
            add(word, Hit("offtopic", "offtopic"))
        for kind, words in data.get("social", {}).items():
            for word in _as_list(words):
                add(word, Hit("social", kind))
        lexicon = Lexicon(terms)
        # Questions are read with the sound-alikes of the program's own words too (載止 → 截止);
        # question words and social words are left out, where a slip is rarely the reading.
        settings = data.get("settings", {})
        no_sounds = frozenset(_as_list(settings.get("no_sound_alikes")))

        def is_target(hits: list[Hit]) -> bool:
            return any(
                h.kind == "type" or (h.kind == "concept" and h.value not in no_sounds) for h in hits
            )

        # 給多少 is 多少 with a verb: 期多少 is no slip for it.
        plain_words = [t for t, hits in terms.items() if len(t) >= 2 and not is_target(hits)]
        targets = [
            term
            for term, hits in terms.items()
            if is_target(hits) and not any(w in term for w in plain_words)
        ]
        answers = [str(raw.get("answer_zh", "")) for raw in data.get("entries", [])]
        known = [*vocabulary, *normalise_many(answers, replacer)]
        replacer = replacer.with_sounds(SoundAlike.build(targets, known))

        entries = [cls._shipped_entry(raw) for raw in data.get("entries", [])]
        positions = {e.id: i for i, e in enumerate(entries)}
        for extra in extra_entries:
            if not extra.id or not extra.answer_zh:
                logger.warning("skipping staff FAQ entry without id or answer: %r", extra.id)
                continue
            shipped = entries[positions[extra.id]] if extra.id in positions else None
            entry = cls._staff_entry(extra, shipped)
            if shipped is not None:
                entries[positions[extra.id]] = entry
            else:
                positions[extra.id] = len(entries)
                entries.append(entry)

        documents: list[tuple[int, str]] = []
        exact: dict[str, int] = {}
        for i, entry in enumerate(entries):
            for question in {*entry.questions, entry.label_zh, entry.label_en}:
                text = norm(question)
                if text:
                    documents.append((i, text))
                    exact.setdefault(text, i)
        index = GramIndex(documents)

        vocabulary = [text for _, text in documents]
        vocabulary += list(terms)
        vocabulary += [norm(w) for w in _as_list(data.get("fillers", {}).get("terms"))]
        vocabulary += [norm(s) for s in program.recipients.schools]
        vocabulary += [
            norm(program.program.title),
            norm(program.application.address),
            norm(program.letter.subject),
            *(norm(b) for b in program.program.basis),
            *(norm(c.organisation + c.name) for c in program.contacts),
        ]
        coverage = Coverage(vocabulary)
        settings = data.get("settings", {})
        engine = cls(
            program=program,
            entries=entries,
            lexicon=lexicon,
            replacer=replacer,
            index=index,
            exact=exact,
            coverage=coverage,
            neutral=frozenset(_as_list(settings.get("neutral"))),
            anchors=frozenset(_as_list(settings.get("anchors"))),
            defaults=tuple(_as_list(settings.get("default_suggestions"))),
        )
        logger.debug("qa index built: %d entries, %d variants", len(entries), len(documents))
        return engine

    @staticmethod
    def _vocabulary_texts(
        program: Program, data: Mapping[str, Any], extra_entries: Sequence[FaqEntry]
    ) -> list[str]:
        texts: list[str] = []
        for words in data.get("concepts", {}).values():
            texts += _as_list(words)
        for words in data.get("social", {}).values():
            texts += _as_list(words)
        texts += _as_list(data.get("offtopic", {}).get("terms"))
        texts += _as_list(data.get("fillers", {}).get("terms"))
        for raw in data.get("entries", []):
            texts += _as_list(raw.get("questions"))
            texts += [str(raw.get("label_zh", "")), str(raw.get("label_en", ""))]
        for extra in extra_entries:
            texts += list(extra.questions)
        for ctype in program.community_types:
            texts += [ctype.name, ctype.name_en, *ctype.aliases, *ctype.aliases_en]
        texts += list(program.recipients.schools)
        return texts

    @staticmethod
    def _shipped_entry(raw: Mapping[str, Any]) -> _Entry:
        requires = _parse_requirements(_as_list(raw.get("requires")))
        explains = {c for req in requires for alt in req for c in alt}
        explains.update(_as_list(raw.get("optional")))
        questions = tuple(_as_list(raw.get("questions")))
        return _Entry(
            id=str(raw["id"]),
            topic=str(raw.get("topic", "")),
            label_zh=str(raw.get("label_zh") or (questions[0] if questions else raw["id"])),
            label_en=str(raw.get("label_en", "")),
            questions=questions,
            requires=requires,
            explains=frozenset(explains),
            avoid=frozenset(_as_list(raw.get("avoid"))),
            answer_zh=str(raw["answer_zh"]),
            answer_en=raw.get("answer_en"),
            per_type_zh=raw.get("per_type_zh"),
            per_type_en=raw.get("per_type_en"),
            per_phase_zh=raw.get("per_phase_zh"),
            per_phase_en=raw.get("per_phase_en"),
            source=raw.get("source"),
            type_source=raw.get("type_source"),
            related=tuple(_as_list(raw.get("related"))),
            browse=bool(raw.get("browse", True)),
            staff=False,
            silent=bool(raw.get("silent", False)),
            judge=bool(raw.get("judge", True)),
        )

    @staticmethod
    def _staff_entry(extra: FaqEntry, shipped: _Entry | None) -> _Entry:
        questions = [q for q in extra.questions if q and q.strip()]
        label_zh = next((q for q in questions if detect_language(q) != "en"), "")
        label_en = next((q for q in questions if detect_language(q) == "en"), "")
        if shipped is not None:
            label_zh = label_zh or shipped.label_zh
            label_en = label_en or shipped.label_en
            questions = [*questions, *shipped.questions]
        return _Entry(
            id=extra.id,
            topic=extra.topic or (shipped.topic if shipped else ""),
            label_zh=label_zh or label_en or extra.id,
            label_en=label_en,
            questions=tuple(questions),
            # Overriding keeps the shipped matching rules: staff change the answer, not the intent.
            requires=shipped.requires if shipped else (),
            explains=shipped.explains if shipped else frozenset(),
            avoid=shipped.avoid if shipped else frozenset(),
            answer_zh=extra.answer_zh,
            answer_en=extra.answer_en,
            per_type_zh=None,
            per_type_en=None,
            per_phase_zh=None,
            per_phase_en=None,
            source=extra.source,
            type_source=None,
            related=tuple(extra.related),
            browse=True,
            staff=True,
        )

    # ----------------------------------------------------------------- analysis
    @staticmethod
    def _focus_text(text: str) -> str | None:
        """The part of a long question that asks, when background comes first."""
        markers = list(_ASK_MARKER.finditer(text))
        if markers and markers[-1].start() > 0:
            focus = text[markers[-1].start() :]
        else:
            # Background is told, not asked: a compound question (「幾人、幾次？」) has no focus.
            sentences = [p for p in _SENTENCE_END.split(text) if p and p.strip()]
            if any(_asks(p) for p in sentences[:-1]):
                return None
            focus = sentences[-1] if sentences else text
            if len(sentences) < 2:
                # 「資料已經送到了，我們什麼時候可以請款？」: the last clause asks.
                clauses = [p for p in _CLAUSE_BREAK.split(focus) if p.strip()]
                if len(clauses) < 2 or any(_asks(p) for p in clauses[:-1]):
                    return None
                focus = clauses[-1]
        focus = focus.strip()
        return focus if len(focus) >= 2 and focus != text.strip() else None

    def _concepts_of(self, norm: str) -> set[str]:
        found = {hit.value for _, _, hit in self._lexicon.scan(norm) if hit.kind == "concept"}
        if phases_in(norm):
            found.add("phase")
        return found

    def _analyse(self, text: str, language: str) -> _Query:
        norm = normalise(text, self._replacer)
        concepts: set[str] = set()
        types: list[str] = []
        offtopic = False
        socials: list[str] = []
        for _, _, hit in self._lexicon.scan(norm):
            if hit.kind == "concept":
                concepts.add(hit.value)
            elif hit.kind == "type":
                if hit.value not in types:
                    types.append(hit.value)
            elif hit.kind == "offtopic":
                offtopic = True
            elif hit.kind == "social":
                socials.append(hit.value)
        phases = phases_in(norm)
        if phases:
            concepts.add("phase")
        if _ADDRESS.search(norm):
            # 「在光復路二段132號對嗎」: a street address is a question about where to deliver.
            concepts.add("deliver")
        if types:
            concepts.add("type_named")
        order = [t.key for t in self._program.community_types]
        types.sort(key=order.index)
        anchored = bool(types) or bool(concepts & self._anchors)
        substantive = concepts - self._neutral
        social = None
        # "Is it ok to submit on Sept 21?" holds 「ok」 but asks about a day: no small talk.
        asks_a_day = bool(scenario.dates_in(text, self._program))
        if socials and not substantive and not types and not asks_a_day:
            social = socials[0]
        focus: frozenset[str] | None = None
        focus_text = self._focus_text(text)
        focus_norm = normalise(focus_text, self._replacer) if focus_text else None
        if focus_norm:
            focus = frozenset(self._concepts_of(focus_norm) & concepts)
        return _Query(
            norm=norm,
            language=language,
            concepts=frozenset(concepts),
            types=tuple(types),
            phases=tuple(phases),
            offtopic=offtopic,
            social=social,
            unknown_run=self._coverage.unknown_run(norm),
            unknown_words=self._coverage.unknown_words(norm),
            anchored=anchored,
            focus=focus,
            focus_norm=focus_norm,
        )

    def _concept_score(
        self, entry: _Entry, concepts: frozenset[str], focus: frozenset[str] | None = None
    ) -> float:
        if not entry.requires:
            return 0.0
        asked = focus - self._neutral if focus is not None else frozenset()
        satisfied = 0.0
        for req in entry.requires:
            met = [alt for alt in req if alt <= concepts]
            if not met:
                continue
            in_focus = not asked or any(alt & focus for alt in met if focus is not None)
            satisfied += 1.0 if in_focus else _BACKGROUND_MATCH
        if not satisfied:
            return 0.0
        # Background (「我們學校是國中，…」) weighs less against an entry than the asking part.
        penalty = sum(
            _EXTRA_PENALTY if focus is None or c in focus else _BACKGROUND_PENALTY
            for c in concepts
            if c in entry.avoid or (c not in entry.explains and c not in self._neutral)
        )
        return max(0.0, satisfied / len(entry.requires) - penalty)

    def _score_all(self, query: _Query) -> list[tuple[float, int]]:
        sims = self._index.best_per_owner(query.norm)
        if query.focus_norm:
            for owner, sim in self._index.best_per_owner(query.focus_norm).items():
                sims[owner] = max(sims.get(owner, 0.0), sim)
        exact = self._exact.get(query.norm)
        scored = []
        for i, entry in enumerate(self._entries):
            sim = min(sims.get(i, 0.0), 1.0)
            cs = self._concept_score(entry, query.concepts, query.focus)
            if cs > 0:
                score = _CONCEPT_WEIGHT * cs + _SIM_WEIGHT * sim
            elif entry.staff and not entry.requires:
                # Staff entries have no concept rules: trust close wording.
                score = 0.6 + 0.4 * sim if sim >= 0.6 else sim * 0.9
            else:
                score = sim * 0.8
            if exact == i:
                score = max(score, 1.0)
            scored.append((min(score, 1.0), i))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return scored

    # ----------------------------------------------------------------- answering
    def answer(self, question: str, today: dt.date) -> Answer:
        """Answer a free-text question as of ``today``; compound questions part by part."""
        parts = [p for p in _QUESTION_BREAK.split(question) if len(p.strip()) >= 2]
        compared = self._compare(question, today) if len(parts) < 2 else None
        if compared is not None:
            return compared
        if len(parts) < 2:
            # 「研創社群要幾人、幾次活動、經費多少？」: a list of questions in one sentence.
            listed = [p for p in _CLAUSE_BREAK.split(question) if p.strip()]
            if len(listed) >= 2 and all(_asks(p) for p in listed):
                parts = listed
        if len(parts) < 2:
            return self._answer_one(question, today)
        answers = []
        context: _Query | None = None
        for part in parts:
            answers.append(self._answer_one(part, today, context))
            cleaned = clean(part)
            analysed = self._analyse(cleaned, detect_language(cleaned))
            context = self._with_context(analysed, context)
        facts_found = [a for a in answers if a.kind in ("fact", "silent", "scenario")]
        distinct = {a.text for a in facts_found}
        if len(distinct) < 2 or len(facts_found) < 2:
            return self._answer_one(question, today)
        texts: list[str] = []
        for part_answer in facts_found:
            # The same fact twice, once after a 是的。 (「要參加研習嗎？時間呢？」), is shown once.
            if not any(t.endswith(part_answer.text) or part_answer.text.endswith(t) for t in texts):
                if texts and not self._adds_anything(part_answer.text, texts):
                    # 「截止日幾號？要交什麼？交幾份？」: a part whose every sentence is shown.
                    continue
                texts.append(part_answer.text)
        first = facts_found[0]
        return Answer(
            question=question,
            text="\n\n".join(texts),
            answered=all(a.answered for a in answers),
            source=first.source,
            score=min(a.score for a in facts_found),
            suggestions=[],
            language=first.language,
            kind="silent" if any(a.kind == "silent" for a in facts_found) else first.kind,
            entry_id=first.entry_id,
            related=first.related,
            suggestion_ids=[],
        )

    def _relative_verdict(self, question: str, body: str, today: dt.date) -> bool | None:
        """「下週就是發表會了嗎」: the days a relative phrase names against the answer's dates
        (its first day for 開始, its last for 結束); None without such a phrase or dates."""
        asked = scenario.relative_span(question, today)
        spans = scenario.dates_in(body, self._program) if asked else []
        if asked is None or not spans:
            return None
        first, last = min(s[0] for s in spans), max(s[1] for s in spans)
        if re.search(r"開始|开始|\bstart", question, re.IGNORECASE):
            last = first
        elif re.search(r"結束|结束|截止|\bend|\bclose", question, re.IGNORECASE):
            first = last
        return first <= asked[1] and asked[0] <= last

    def _speaks_to(self, query: _Query, entry: _Entry, text: str) -> bool:
        """Whether the answer speaks of everything the question names, so that a 是/不是 can be
        drawn from it: 「資優班老師一定要當召集人嗎」 answered with the gifted-teacher rule says
        nothing about conveners, and gets no verdict. A claimed number is checked as such."""
        if verdict.numbers_in(query.norm) - self._program_numbers:
            return True
        named = query.concepts - self._neutral - _NO_TOPIC - entry.explains
        return not named or named <= self._concepts_of(self._normalised(text))

    @staticmethod
    def _adds_anything(text: str, shown: Sequence[str]) -> bool:
        """Whether an answer says a sentence (its source line aside) not already shown."""
        seen = "".join(shown)
        lines = text.split("\n")
        body = "\n".join(lines[:-1]) if len(lines) > 1 else text
        sentences = [p.strip("「」 ") for p in re.split(r"[。\n]|(?<=\.)\s", body) if p.strip()]
        return any(sentence not in seen for sentence in sentences)

    @staticmethod
    def _comparison_sides(question: str) -> tuple[str, str] | None:
        """The two things a comparison question sets side by side, each as its own question.

        「第一期和第二期補助款有什麼不一樣」 gives 「第一期補助款」 and 「第二期補助款」: each side
        keeps what the question says around the pair.
        """
        text = question.strip()
        match = _COMPARE_EN.search(text)
        if match:
            a = match.group("a") or match.group("a2") or match.group("a3")
            b = match.group("b") or match.group("b2") or match.group("b3")
            return a, b
        match = _COMPARE_ZH.search(text)
        if not match:
            return None
        asked = match.group("ask").strip(" ？?")
        # 「A還是B」 and 「A vs B」 compare without asking words; 「A和B」 needs them.
        bare_join = match.group("join").strip(" .").lower() in ("還是", "还是", "vs", "v.s")
        if not asked and not bare_join:
            return None
        before = text[: match.start()]
        return before + match.group("a"), before + match.group("b")

    def _compare(self, question: str, today: dt.date) -> Answer | None:
        """A comparison answered side by side; None when it is not one or a side finds nothing."""
        sides = self._comparison_sides(question)
        if sides is None:
            return None
        answers = [self._answer_one(side, today) for side in sides]
        if any(a.kind not in ("fact", "silent", "scenario") for a in answers):
            return None
        first = answers[0]
        named_apart = all(side.strip() in first.text for side in sides)
        if answers[0].text == answers[1].text and not (_ASKS_SAME.search(question) and named_apart):
            return None
        # One answer naming both as separate items (「申請計畫」及「核章經費概算表」): shown once.
        texts = [first.text] if answers[0].text == answers[1].text else [a.text for a in answers]
        text = "\n\n".join(texts)
        if _ASKS_SAME.search(question):
            # Two different facts, or two items the letter lists apart: not the same thing.
            text = self._verdict_word("", False, first.language) + text
        return Answer(
            question=question,
            text=text[:MAX_TEXT],
            answered=all(a.answered for a in answers),
            source=first.source,
            score=min(a.score for a in answers),
            suggestions=[],
            language=first.language,
            kind="silent" if any(a.kind == "silent" for a in answers) else first.kind,
            entry_id=first.entry_id,
            related=first.related,
            suggestion_ids=[],
        )

    def _with_context(self, query: _Query, context: _Query | None) -> _Query:
        """A later part of a compound question read with what the earlier parts named.

        「研創社群的呢？」 asks the previous part's question of another type; 「幾次活動」 after
        「研創社群要幾人」 keeps the type.
        """
        if context is None:
            return query
        concepts = set(query.concepts)
        types = query.types
        if not types and context.types:
            types = context.types
            concepts.add("type_named")
        if not concepts - self._neutral and context.concepts - self._neutral:
            concepts |= context.concepts
        if types == query.types and concepts == query.concepts:
            return query
        return dataclasses.replace(
            query,
            concepts=frozenset(concepts),
            types=types,
            anchored=query.anchored or context.anchored,
            focus=None,
            focus_norm=None,
        )

    def _answer_one(self, question: str, today: dt.date, context: _Query | None = None) -> Answer:
        raw = question if isinstance(question, str) else str(question)
        cleaned = clean(raw)
        language = detect_language(cleaned)
        if not cleaned or not has_content(cleaned):
            return self._plain(raw, language, "empty", i18n.t(language, "qa.empty"))
        query = self._with_context(self._analyse(cleaned, language), context)
        if query.social is not None:
            kind = "thanks" if query.social == "thanks" else "greeting"
            key = {"thanks": "qa.thanks", "identity": "qa.identity"}.get(
                query.social, "qa.greeting"
            )
            text = i18n.t(language, key, title=self._title(language))
            return self._plain(raw, language, kind, text)
        if not query.norm:
            return self._plain(raw, language, "empty", i18n.t(language, "qa.empty"))
        reasoned = self._reason(cleaned, query, today)
        if reasoned is not None:
            return reasoned
        scored = self._score_all(query)
        best_score, best = scored[0] if scored else (0.0, -1)
        staff_match = best >= 0 and self._entries[best].staff and best_score >= 0.8
        if query.offtopic and not staff_match:
            # Staff may answer what we call off-topic (e.g. parking); their wording wins.
            return self._fallback(raw, query, scored, offtopic=True)
        if (
            not staff_match
            and not query.anchored
            and (query.unknown_run >= 2 or query.unknown_words >= 2)
        ):
            # Foreign content (another program, another city) sharing generic words with ours.
            best_score *= 0.5
        if best < 0 or best_score < THRESHOLD:
            return self._fallback(raw, query, scored, offtopic=False)
        entry = self._entries[best]
        text, source = self._render(entry, query.types, query.phases, today, language)
        yes_no = verdict.is_yes_no(cleaned, "en" if facts.is_en(language) else "zh")
        if not entry.silent and yes_no:
            # The claim is checked against the facts, not the source line's 說明二(二)1(2).
            body = text.rsplit("\n", 1)[0] if source and "\n" in text else text
            # A day named relative to today is checked against the answer's own dates, in any
            # answer; other claims only where the entry can be judged and speaks to them.
            holds = self._relative_verdict(cleaned, body, today)
            if holds is None and entry.judge and self._speaks_to(query, entry, text):
                holds = verdict.verdict(
                    cleaned, body, self._program_numbers, self._concerns_of(query, cleaned)
                )
            word = self._verdict_word(cleaned, holds, language) if holds is not None else ""
            # An answer that opens with its own verdict (「No: no covering letter…」) keeps it.
            if word and not text.lower().startswith(word.strip(" .。").lower()):
                text = f"{word}{text}"
        return Answer(
            question=raw,
            text=text,
            answered=not entry.silent,
            source=source,
            score=round(best_score, 3),
            suggestions=[],
            language=language,
            kind="silent" if entry.silent else "fact",
            entry_id=entry.id,
            related=self._related(entry, language),
            suggestion_ids=[],
        )

    def _concerns_of(self, query: _Query, question: str) -> Callable[[str, str], bool]:
        """Whether a negative clause of an answer is about what the question asks. A negative
        phrase that names its own topic (免備文: the covering letter) concerns only a question of
        that topic; otherwise the clause needs a concept in common, or two characters (an
        English word) of the question's own wording (「核章」, email)."""
        asked = query.concepts - self._neutral - {"type_named", "apply"}
        words = {question[i : i + 2] for i in range(len(question) - 1)}
        words = {w for w in words if all("\u4e00" <= ch <= "\u9fff" for ch in w)}
        # English words of the question's own (「email」), long enough to name something.
        words |= {w for w in re.findall(r"[a-z]{4,}", question.lower()) if w not in _EN_COMMON}

        def concerns(clause: str, phrase: str) -> bool:
            own = self._concepts_of(self._normalised(phrase)) - self._neutral
            if own:
                return bool(own & query.concepts)
            norm = self._normalised(clause)
            if asked & self._concepts_of(norm):
                return True
            return any(w in clause for w in words)

        return concerns

    def _reason(self, question: str, query: _Query, today: dt.date) -> Answer | None:
        """The teacher's own dates, group or activities checked against the rules (scenario)."""
        language = "en" if facts.is_en(query.language) else query.language
        program = self._program
        dates = scenario.dates_in(question, program)
        asks = verdict.is_yes_no(question, "en" if facts.is_en(language) else "zh") or (
            "來得及" in query.norm
        )
        handing_in = (
            # 「9月21日當天送到還算嗎」: delivering on a day is handing in on it.
            query.concepts & {"deadline", "apply", "deliver"}
            and not query.concepts & {"period", "activities"}
            and not scenario.claims_the_deadline(query.norm)
        )
        # 「9月25日送可以嗎」: a hand-in verb with a day and no other topic is about the deadline.
        hands_in = bool(handing_in or _HANDS_IN.search(question))
        if hands_in and not query.concepts - self._neutral:
            handing_in = True
        if not dates and asks and hands_in and (day := scenario.day_only_in(question)):
            # 「21號當天送可以嗎」: a day alone, in a question about handing in, is in the
            # deadline's month.
            deadline = program.application.deadline
            with contextlib.suppress(ValueError):
                named = deadline.replace(day=day)
                dates = [(named, named)]
                handing_in = True
        if dates and asks and handing_in:
            reasoned = scenario.reason_about_deadline(
                program, dates[-1], program.application.deadline, language
            )
            return self._reasoned_answer(question, query, reasoned, language)
        # 「明天就截止了嗎」 asks about another day than today: the deadline answer's dates decide.
        elsewhen = scenario.relative_span(question, today) not in (None, (today, today))
        if not dates and asks and not elsewhen and scenario.asks_if_still_in_time(query.norm):
            # 「現在還來得及申請嗎」 / "Is it too late to apply?": today against the deadline.
            reasoned = scenario.reason_about_deadline(
                program, (today, today), program.application.deadline, language
            )
            if scenario.asks_if_too_late(query.norm) and reasoned.holds is not None:
                # Put the other way round: a plain 是/不是 about being late.
                reasoned = dataclasses.replace(reasoned, holds=not reasoned.holds)
                return self._reasoned_answer(question, query, reasoned, language, plain=True)
            return self._reasoned_answer(question, query, reasoned, language)
        # A day for an activity, not a question about another date (the showcase, a phase).
        other_dates = {"showcase", "phase", "workshop", "deadline", "funding", "sharing"}
        if (
            dates
            and asks
            and query.concepts & {"period", "activities", "dialogue", "public_lesson"}
            and not query.concepts & other_dates
        ):
            reasoned = scenario.reason_about_period(program, dates[-1], language)
            return self._reasoned_answer(question, query, reasoned, language)
        groups = scenario.groups_for_total(query.norm)
        if groups is not None and query.concepts & {"funding", "phase"}:
            # 「15組全部補助的話，總經費是多少」: the letter's amount times the groups.
            reasoned = scenario.reason_about_total(
                program, query.types, query.phases, groups, language
            )
            return self._reasoned_answer(question, query, reasoned, language)
        if not scenario.asks_whether_it_suffices(query.norm):
            return None
        activities = scenario.activities_in(query.norm)
        group = scenario.group_in(query.norm)
        if activities is not None:
            reasoned = scenario.reason_about_activities(
                program,
                activities,
                query.types,
                language,
                everything=scenario.asks_what_lacks(query.norm),
            )
        elif group is not None:
            reasoned = scenario.reason_about_group(program, group, query.types, language)
        else:
            return None
        return self._reasoned_answer(question, query, reasoned, language)

    def _reasoned_answer(
        self,
        question: str,
        query: _Query,
        reasoned: scenario.Reasoned,
        language: str,
        *,
        plain: bool = False,
    ) -> Answer:
        text = reasoned.text
        # 「還要辦幾次？」, "What do we still need?": a question for a number or a thing, answered
        # by what is still missing, not by 是/不是.
        asks_what = bool(
            _ASKS_COUNT.search(question) or verdict.WH_ZH.search(question)
            or verdict.WH_EN.search(question)
        )
        counts = asks_what and not verdict.is_yes_no(
            question, "en" if facts.is_en(language) else "zh"
        )
        if reasoned.holds is not None and not counts:
            # 「還差嗎」 asks whether something is missing: 是的 when the rules are not met yet.
            holds = reasoned.holds != bool(_ASKS_MISSING.search(question))
            word = self._verdict_word("" if plain else question, holds, language)
            text = word + text
        text += "\n" + i18n.t(
            language, "qa.source", source=facts.source_text(reasoned.source, language)
        )
        return Answer(
            question=question,
            text=text[:MAX_TEXT],
            answered=True,
            source=reasoned.source,
            score=1.0,
            suggestions=[],
            language=query.language,
            kind="scenario",
            entry_id=None,
            related=[],
            suggestion_ids=[],
        )

    @staticmethod
    def _verdict_word(question: str, holds: bool, language: str) -> str:
        if facts.is_en(language):
            return i18n.t(language, "qa.verdict_yes" if holds else "qa.verdict_no")
        if "夠" in question:
            return i18n.t(language, "qa.verdict_enough" if holds else "qa.verdict_not_enough")
        if "來得及" in question or "来得及" in question:
            return i18n.t(language, "qa.verdict_in_time" if holds else "qa.verdict_too_late")
        if verdict.asks_permission(question):
            return i18n.t(language, "qa.verdict_may" if holds else "qa.verdict_may_not")
        if verdict.asks_need(question) and not verdict.numbers_in(question):
            return i18n.t(language, "qa.verdict_need" if holds else "qa.verdict_need_not")
        return i18n.t(language, "qa.verdict_yes" if holds else "qa.verdict_no")

    def answer_entry(self, entry_id: str, today: dt.date, language: str) -> Answer:
        """Answer one FAQ entry directly (browse buttons, follow-ups)."""
        language = i18n.normalise_language(language)
        index = self._by_id.get(entry_id)
        if index is None:
            text = i18n.t(language, "qa.unknown_entry", contact=self._contact_line(language))
            return self._plain(entry_id, language, "fallback", text)
        entry = self._entries[index]
        text, source = self._render(entry, (), (), today, language)
        return Answer(
            question=entry.label(language),
            text=text,
            answered=True,
            source=source,
            score=1.0,
            suggestions=[],
            language=language,
            kind="fact",
            entry_id=entry.id,
            related=self._related(entry, language),
            suggestion_ids=[],
        )

    def topics(self, language: str) -> list[Topic]:
        """Browse topics in display order (shipped ones first, then any staff-added ones)."""
        language = i18n.normalise_language(language)
        present = {e.topic for e in self._entries if e.browse and e.topic}
        keys = [k for k in _TOPIC_ORDER if k in present]
        keys += sorted(present - set(_TOPIC_ORDER))
        out = []
        for key in keys:
            label_key = f"qa.topic.{key}"
            label = i18n.t(language, label_key) if i18n.has(language, label_key) else key
            out.append(Topic(key, label))
        return out

    def entries_for_topic(self, topic_key: str, language: str) -> list[tuple[str, str]]:
        """(entry id, question label) of the entries under a topic, in file order."""
        language = i18n.normalise_language(language)
        return [
            (e.id, e.label(language)) for e in self._entries if e.topic == topic_key and e.browse
        ]

    def entry_ids(self) -> set[str]:
        """Ids of all entries (shipped and staff)."""
        return set(self._by_id)

    # ----------------------------------------------------------------- rendering
    def _title(self, language: str) -> str:
        info = self._program.program
        return info.title_en if facts.is_en(language) else info.title

    def _contact_line(self, language: str) -> str:
        c = self._program.help_contact
        if facts.is_en(language):
            extension = f" ext. {c.extension}" if c.extension else ""
            return i18n.t(
                "en",
                "qa.contact_line",
                name=c.name_en,
                organisation=c.organisation_en,
                phone=f"{c.phone}{extension}",
            )
        return i18n.t(
            "zh-TW",
            "qa.contact_line",
            name=c.name,
            organisation=c.organisation,
            phone=c.phone_with_extension,
        )

    def _render(
        self,
        entry: _Entry,
        type_keys: Sequence[str],
        phase_numbers: Sequence[int],
        today: dt.date,
        language: str,
    ) -> tuple[str, str | None]:
        en = facts.is_en(language)
        program = self._program
        template = entry.answer_en if en and entry.answer_en else entry.answer_zh
        text_language = language if (not en or entry.answer_en) else "zh-TW"
        values = dict(self._context(today, text_language))
        types: list[CommunityType] = [program.community_type(k) for k in type_keys] or list(
            program.community_types
        )
        per_type = entry.per_type_en if en and entry.answer_en else entry.per_type_zh
        if per_type:
            lines = [
                facts.fill(per_type, facts.type_context(program, t, values, text_language))
                for t in types
            ]
            values["types_text"] = "\n".join(lines)
        per_phase = entry.per_phase_en if en and entry.answer_en else entry.per_phase_zh
        if per_phase:
            phases = [p for p in program.funding.phases if p.number in phase_numbers]
            phases = phases or list(program.funding.phases)
            lines = [
                facts.fill(
                    per_phase,
                    {**values, **facts.phase_context(program, p, types, today, text_language)},
                )
                for p in phases
            ]
            values["phases_text"] = "\n".join(lines)
            if len(phases) == 1:
                values["src_phase"] = phases[0].source
            else:
                values["src_phase"] = program.funding.source
        values["src_type"] = (
            facts.type_sources(types, entry.type_source) if entry.type_source else ""
        )
        text = facts.fill(template, values).strip()
        source = facts.fill(entry.source, values).strip() if entry.source else None
        if source and "{" in source:
            source = None
        if source:
            shown = facts.source_text(source, text_language)
            text += "\n" + i18n.t(text_language, "qa.source", source=shown)
        elif entry.staff:
            source = entry.id
        return text[:MAX_TEXT], source

    def _related(self, entry: _Entry, language: str) -> list[tuple[str, str]]:
        out = []
        for rid in entry.related:
            index = self._by_id.get(rid)
            if index is None or rid == entry.id:
                continue
            out.append((rid, self._entries[index].label(language)))
            if len(out) == MAX_RELATED:
                break
        return out

    def _plain(self, question: str, language: str, kind: str, text: str) -> Answer:
        return Answer(
            question=question,
            text=text[:MAX_TEXT],
            answered=False,
            source=None,
            score=0.0,
            suggestions=[],
            language=language,
            kind=kind,
            entry_id=None,
            related=[],
            suggestion_ids=[],
        )

    def _fallback(
        self,
        question: str,
        query: _Query,
        scored: list[tuple[float, int]],
        *,
        offtopic: bool,
    ) -> Answer:
        language = query.language
        ids: list[str] = []
        if not offtopic:
            for score, i in scored:
                if score < 0.2 or len(ids) == MAX_SUGGESTIONS:
                    break
                if self._entries[i].browse:
                    ids.append(self._entries[i].id)
        for default in self._defaults:
            if len(ids) == MAX_SUGGESTIONS:
                break
            if default not in ids:
                ids.append(default)
        labels = [self._entries[self._by_id[i]].label(language) for i in ids]
        intro = "qa.offtopic" if offtopic else "qa.unsure"
        parts = [i18n.t(language, intro, title=self._title(language))]
        if labels:
            parts.append(i18n.t(language, "qa.suggest_intro"))
            parts.extend(i18n.t(language, "qa.suggest_item", label=label) for label in labels)
        parts.append(i18n.t(language, "qa.contact", contact=self._contact_line(language)))
        best_score = scored[0][0] if scored else 0.0
        return Answer(
            question=question,
            text="\n".join(parts)[:MAX_TEXT],
            answered=False,
            source=None,
            score=round(min(best_score, THRESHOLD - 0.01) if not offtopic else 0.0, 3),
            suggestions=labels,
            language=language,
            kind="fallback",
            entry_id=None,
            related=[],
            suggestion_ids=ids,
        )
