"""Time the exports at the scale of a busy year: run ``.venv/bin/python bench/exports.py``.

Budget: 1,000 communities with 10,000 activities to .ods and to .xlsx, each under 5 s on the
2-core build machine; one 500-activity 社群運作紀錄 to .odt and .docx.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import sys
import time
import zlib
from collections.abc import Callable
from functools import partial
from pathlib import Path

# Run as a script from the checkout, so the project root must be importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.exports import (
    ActivityRow,
    CommunityRecord,
    MemberRow,
    PhotoRef,
    export_record_document,
    export_workbook,
)
from bot.program import Program, load_program

BUDGET_SECONDS = 5.0
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周"
GIVEN = "志明淑芬家豪怡君俊傑雅婷承恩詩涵冠宇欣怡宗翰佩珊"
TOPICS = (
    "數學資優差異化教學設計", "科學探究與實作課程共備", "獨立研究指導策略",
    "創造力教學觀課與議課", "領導才能課程研發", "情意教育方案討論",
)  # fmt: skip


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))


def _png(width: int, height: int, padding: bytes = b"") -> bytes:
    """A valid grey PNG; ``padding`` (in a private chunk) gives it a phone photo's weight."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + (chunk(b"prVt", padding) if padding else b"")
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def make_records(
    program: Program, communities: int, activities: int, *, photo_kib: int = 0
) -> list[CommunityRecord]:
    """Reproducible fake records; with ``photo_kib`` each activity has two distinct photos."""
    rng = random.Random(111)

    def photo() -> bytes | None:
        # Random padding does not compress, like real JPEG data.
        return _png(64, 48, rng.randbytes(photo_kib * 1024)) if photo_kib else None

    kinds = [kind.key for kind in program.activity_kinds]
    schools = program.recipients.schools
    start, days = program.period.start, (program.period.end - program.period.start).days
    per_community, extra = divmod(activities, communities)
    records = []
    for number in range(1, communities + 1):
        community_type = program.community_types[number % len(program.community_types)]
        members = tuple(
            MemberRow(
                name=_name(rng),
                gifted_teacher=index < community_type.min_gifted_teachers,
                subject=rng.choice(("數學", "自然", "國語", None)),
                is_convener=index == 0,
                linked=rng.random() < 0.7,
            )
            for index in range(community_type.member_count)
        )
        count = per_community + (1 if number <= extra else 0)
        logged = tuple(
            ActivityRow(
                day=start + dt.timedelta(days=rng.randrange(days)),
                kind_key=rng.choice(kinds),
                topic=rng.choice(TOPICS),
                attendees=tuple(member.name for member in members),
                details={
                    "duration_minutes": rng.choice((60, 90, 120, None)),
                    "notes": rng.choice((None, "討論熱烈，下次續談。", "邀請大學教授指導")),
                },
                photos=tuple(PhotoRef(f"file-{number}-{i}", photo()) for i in range(2)),
            )
            for _ in range(count)
        )
        records.append(
            CommunityRecord(
                id=number,
                name=f"資優教育社群{number}",
                school=rng.choice(schools),
                type_key=community_type.key,
                status=rng.choice(("draft", "submitted", "approved", "rejected")),
                convener=members[0].name,
                program_year=program.program.year,
                members=members,
                activities=logged,
                progress_lines=("成員 4/4 ✔", "專業對話 1/1 ✔", "公開授課 0/1"),
                lacking="公開授課 1 場",
            )
        )
    return records


def timed(label: str, produce: Callable[[], bytes], budget: float | None) -> bool:
    """Run once, print the time and size; whether it kept within the budget."""
    began = time.perf_counter()
    data = produce()
    seconds = time.perf_counter() - began
    verdict = "" if budget is None else ("  ok" if seconds <= budget else "  OVER BUDGET")
    print(f"{label:<58} {seconds:6.2f} s  {len(data) / 1024:8.0f} KiB{verdict}")
    return budget is None or seconds <= budget


def main() -> int:
    """Time every export; exit 1 if a budgeted one is too slow."""
    program = load_program()
    records = make_records(program, 1000, 10_000)
    ok = True
    for fmt in ("ods", "xlsx", "csv"):
        budget = BUDGET_SECONDS if fmt != "csv" else None
        label = f"workbook .{fmt}: 1,000 communities, 10,000 activities"
        ok &= timed(label, partial(export_workbook, program, records, fmt), budget)
    (plain,) = make_records(program, 1, 500)
    (photographed,) = make_records(program, 1, 500, photo_kib=30)
    for fmt in ("odt", "docx"):
        timed(
            f"record .{fmt}: 500 activities",
            partial(export_record_document, program, plain, fmt),
            None,
        )
        timed(
            f"record .{fmt}: 500 activities, 1,000 photos of 30 KiB",
            partial(export_record_document, program, photographed, fmt),
            None,
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
