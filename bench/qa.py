"""Benchmark the QA engine: index build time and per-question answer latency (p50/p99)."""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.program import load_program  # noqa: E402
from bot.qa import QaEngine  # noqa: E402
from bot.qa.normalise import warm_up  # noqa: E402

QUESTION_FILES = (
    ROOT.parent / "shared" / "qa" / "dev.jsonl",
    ROOT / "tests" / "bot" / "qa" / "paraphrases.jsonl",
)


def _questions() -> list[str]:
    out = []
    for file in QUESTION_FILES:
        if file.exists():
            for line in file.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    out.append(json.loads(line)["q"])
    return out


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    """Print build and latency numbers."""
    program = load_program()
    start = time.perf_counter()
    warm_up()
    converter_ms = (time.perf_counter() - start) * 1000

    builds = []
    engine = None
    for _ in range(5):
        start = time.perf_counter()
        engine = QaEngine.build(program)
        builds.append((time.perf_counter() - start) * 1000)
    assert engine is not None

    questions = _questions()
    today = dt.date(2022, 9, 10)
    for question in questions:  # warm caches once
        engine.answer(question, today)
    latencies = []
    for _ in range(5):
        for question in questions:
            start = time.perf_counter()
            engine.answer(question, today)
            latencies.append((time.perf_counter() - start) * 1000)

    print(f"opencc s2twp load (once per process): {converter_ms:.1f} ms")
    print(f"index build: first {builds[0]:.1f} ms, median {statistics.median(builds):.1f} ms")
    print(f"first build incl. converter load: {converter_ms + builds[0]:.1f} ms")
    print(
        f"answer latency over {len(questions)} questions x5: "
        f"p50 {_percentile(latencies, 0.5):.3f} ms, p99 {_percentile(latencies, 0.99):.3f} ms, "
        f"max {max(latencies):.3f} ms"
    )


if __name__ == "__main__":
    main()
