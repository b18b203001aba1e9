"""The message catalogue: every user-facing text, in Traditional Chinese and English.

Texts live in ``bot/locales/<language>/<namespace>.toml``; a key ``qa.fallback`` is the entry
``fallback`` of ``qa.toml``. Texts are ``str.format`` templates. Texts meant for HTML messages
must escape whatever the user typed before it is put into them (see :func:`html_escape`).
"""

from __future__ import annotations

import html
import string
import tomllib
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = "zh-TW"
LANGUAGES = ("zh-TW", "en")


class CatalogueError(Exception):
    """A key is missing or a catalogue file is broken."""


def normalise_language(code: str | None) -> str:
    """Map a Telegram language_code (or a stored preference) to one of LANGUAGES."""
    if code and code.lower().startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


def _flatten(prefix: str, table: Mapping[str, Any], into: dict[str, str]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}"
        if isinstance(value, Mapping):
            _flatten(full, value, into)
        elif isinstance(value, str):
            into[full] = value
        else:
            raise CatalogueError(f"{full}: texts must be strings")


@cache
def load_catalogue(language: str) -> Mapping[str, str]:
    """All texts of one language, keyed ``namespace.key``."""
    texts: dict[str, str] = {}
    folder = LOCALES_DIR / language
    for file in sorted(folder.glob("*.toml")):
        with file.open("rb") as handle:
            _flatten(file.stem, tomllib.load(handle), texts)
    return texts


def _plural(catalogue: Mapping[str, str], key: str, values: Mapping[str, object]) -> str | None:
    """A text written as ``key = { one = "…", other = "…" }``: the form for the number its
    first placeholder takes, or the one ``by = "name"`` names (English needs two forms;
    Chinese writes one plain text)."""
    other = catalogue.get(f"{key}.other")
    if other is None:
        return None
    first = next((name for _, name, _, _ in string.Formatter().parse(other) if name), None)
    counted = catalogue.get(f"{key}.by", first)
    if values.get(counted or "") == 1 and f"{key}.one" in catalogue:
        return catalogue[f"{key}.one"]
    return other


def t(language: str, key: str, /, **values: object) -> str:
    """The text for ``key`` in ``language``, formatted with ``values``."""
    catalogue = load_catalogue(normalise_language(language))
    template = catalogue.get(key)
    if template is None:
        template = _plural(catalogue, key, values)
    if template is None:
        raise CatalogueError(f"no text {key!r} for {language}")
    return template.format(**values) if values else template


def has(language: str, key: str) -> bool:
    """Whether the catalogue of ``language`` has ``key``."""
    catalogue = load_catalogue(normalise_language(language))
    return key in catalogue or f"{key}.other" in catalogue


def html_escape(text: str) -> str:
    """Escape user text for Telegram's HTML parse mode."""
    return html.escape(text, quote=False)


def join_items(items: Sequence[str], language: str) -> str:
    """A、B、C / A, B, C: a plain enumeration (join_list ends with 及 / and)."""
    return (", " if language.startswith("en") else "、").join(items)


def join_list(items: Sequence[str], language: str) -> str:
    """A、B及C / A, B and C."""
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if language.startswith("en"):
        return ", ".join(items[:-1]) + " and " + items[-1]
    return "、".join(items[:-1]) + "及" + items[-1]
