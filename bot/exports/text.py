"""Making user-typed text safe for XML-based files and for file names."""

from __future__ import annotations

import re

# XML 1.0 forbids most C0 controls and U+FFFE/U+FFFF; a teacher pasting from another app can
# bring them in, and a single one makes LibreOffice and Excel refuse the whole file.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_FILENAME_ILLEGAL = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_SPACES = re.compile(r"\s+")
MAX_FILENAME_STEM = 80  # CJK takes 3 bytes in UTF-8; 80 characters stay under 255 bytes


def clean(text: str) -> str:
    """The text without characters XML cannot carry, with newlines as ``\\n``."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _XML_ILLEGAL.sub("", text)


def display_width(text: str) -> int:
    """Roughly how many Latin-letter widths the longest line of ``text`` takes on screen."""
    # CJK characters are three bytes in UTF-8 and twice as wide as a Latin letter, so
    # (bytes + characters) / 2 approximates the width without a per-character lookup.
    if "\n" in text:
        return max(display_width(line) for line in text.split("\n"))
    return (len(text.encode("utf-8", "replace")) + len(text)) // 2


def safe_filename(stem: str, fallback: str) -> str:
    """``stem`` with characters that Windows, macOS or Linux refuse in file names removed."""
    cleaned = _FILENAME_ILLEGAL.sub("", stem)
    cleaned = _SPACES.sub(" ", cleaned).strip(" .")
    cleaned = cleaned[:MAX_FILENAME_STEM].rstrip(" .")
    return cleaned or fallback
