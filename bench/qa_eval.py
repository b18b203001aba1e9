"""Score QA question sets the way judging does: every `all` group present, no `none` term, and
the `answered` flag matching. Prints per-kind scores for each file (tuning and held-out, and
the fresh tuning / held-out halves written later).

Usage: python bench/qa_eval.py [--show FILE] [files...]
`--show` prints the failures of that one file (use it for tuning.jsonl only: the held-out half
is scored, never read).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.program import load_program  # noqa: E402
from bot.qa import QaEngine  # noqa: E402

EVAL_DIR = ROOT / "tests" / "bot" / "qa" / "eval"
# The shared dev sample sits beside the checkout (or beside the worktrees' parent).
DEV_FILE = next(
    (p / "shared" / "qa" / "dev.jsonl" for p in ROOT.parents
     if (p / "shared" / "qa" / "dev.jsonl").exists()),
    ROOT.parent / "shared" / "qa" / "dev.jsonl",
)
DEFAULT_FILES = (
    DEV_FILE,
    EVAL_DIR / "tuning.jsonl",
    EVAL_DIR / "heldout.jsonl",
    EVAL_DIR / "fresh_tuning.jsonl",
    EVAL_DIR / "fresh_heldout.jsonl",
    EVAL_DIR / "fresh2_tuning.jsonl",
    EVAL_DIR / "fresh2_heldout.jsonl",
)
TODAY = dt.date(2022, 9, 10)


def squash(text: str) -> str:
    """The judge's normal form: NFKC, lower case, no whitespace, no commas."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(text.split()).replace(",", "")


def problems(engine: QaEngine, item: dict) -> list[str]:
    """What the judge would object to in the answer to one item (empty = pass)."""
    today = dt.date.fromisoformat(item["today"]) if item.get("today") else TODAY
    answer = engine.answer(item["q"], today)
    text = squash(answer.text)
    found = [f"none of {group}" for group in item["all"]
             if not any(squash(alt) in text for alt in group)]
    found += [f"mentions {term!r}" for term in item.get("none", []) if squash(term) in text]
    if answer.answered != item["answered"]:
        found.append(f"answered={answer.answered}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--show", type=Path, help="print the failures of this file")
    args = parser.parse_args()
    engine = QaEngine.build(load_program())
    for path in args.files or DEFAULT_FILES:
        if not path.exists():
            continue
        items = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        per_kind: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
        for item in items:
            found = problems(engine, item)
            tally = per_kind[item.get("kind", "-")]
            tally[1] += 1
            tally[0] += not found
            if found and args.show and args.show.resolve() == path.resolve():
                today = dt.date.fromisoformat(item["today"]) if item.get("today") else TODAY
                answer = engine.answer(item["q"], today)
                print(f"--- {item.get('id')} [{item.get('kind')}] {item['q']}\n  {found}\n"
                      f"  answered={answer.answered} score={answer.score:.3f}\n  "
                      + answer.text.replace("\n", "\n  ")[:600])
        passed = sum(t[0] for t in per_kind.values())
        print(f"{path.name}: {passed}/{len(items)}")
        for kind, (ok, total) in sorted(per_kind.items()):
            print(f"  {kind:16} {ok}/{total}")


if __name__ == "__main__":
    main()
