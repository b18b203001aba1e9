"""Run the judged question sets: the shared dev sample and our own paraphrase set."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from bot.qa import QaEngine

REPO_ROOT = Path(__file__).resolve().parents[3]
DEV_FILE = REPO_ROOT.parent / "shared" / "qa" / "dev.jsonl"
PARAPHRASE_FILE = Path(__file__).resolve().parent / "paraphrases.jsonl"
TODAY = dt.date(2022, 9, 10)


def _load(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _squash(text: str) -> str:
    """The judge's normal form: NFKC, lower case, no whitespace, no commas."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(text.split()).replace(",", "")


def check(engine: QaEngine, item: dict[str, Any]) -> list[str]:
    """The judge's verdict for one item: a list of problems (empty = pass)."""
    answer = engine.answer(item["q"], TODAY)
    text = _squash(answer.text)
    problems = []
    for group in item["all"]:
        if not any(_squash(alt) in text for alt in group):
            problems.append(f"none of {group}")
    for banned in item["none"]:
        if _squash(banned) in text:
            problems.append(f"mentions {banned!r}")
    if answer.answered != item["answered"]:
        problems.append(f"answered={answer.answered}")
    return problems


DEV = _load(DEV_FILE)
PARAPHRASES = _load(PARAPHRASE_FILE)


@pytest.mark.skipif(not DEV, reason="shared dev set not present")
@pytest.mark.parametrize("item", DEV, ids=[i["id"] for i in DEV])
def test_dev_item(engine: QaEngine, item: dict[str, Any]) -> None:
    """Every dev item passes the judge."""
    assert check(engine, item) == [], item["q"]


@pytest.mark.parametrize("item", PARAPHRASES, ids=[i["id"] for i in PARAPHRASES])
def test_paraphrase_item(engine: QaEngine, item: dict[str, Any]) -> None:
    """Every paraphrase item passes the judge."""
    assert check(engine, item) == [], item["q"]


def test_paraphrase_set_is_big_and_new() -> None:
    """At least 120 items, none copied from the dev set, ids unique, ~25+ unanswerable."""
    assert len(PARAPHRASES) >= 120
    dev_questions = {i["q"] for i in DEV}
    assert not [i for i in PARAPHRASES if i["q"] in dev_questions]
    assert len({i["id"] for i in PARAPHRASES}) == len(PARAPHRASES)
    assert sum(1 for i in PARAPHRASES if not i["answered"]) >= 25
