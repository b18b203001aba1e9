"""The message catalogue is complete in both languages."""

from __future__ import annotations

import string
from collections.abc import Mapping

from bot.i18n import LANGUAGES, load_catalogue


def _texts(language: str) -> set[str]:
    """The catalogue's texts, a plural one (key.one, key.other, key.by) counted once."""
    return {
        key.removesuffix(".one").removesuffix(".other").removesuffix(".by")
        for key in load_catalogue(language)
    }


def test_both_languages_have_exactly_the_same_keys():
    chinese, english = (_texts(language) for language in LANGUAGES)
    assert chinese - english == set()
    assert english - chinese == set()


def test_english_counts_take_the_singular_for_one() -> None:
    from bot.i18n import t

    assert t("en", "reminders.days_left", days=1) == "1 day left"
    assert t("en", "reminders.days_left", days=2) == "2 days left"
    assert t("en", "export_cmd.caption", name="X", count=1) == "X (1 community)"
    assert t("zh-TW", "reminders.days_left", days=1) == "還有 1 天"


def test_placeholders_are_plain_names():
    # Attribute or index lookups in a template could reach into objects passed as values.
    formatter = string.Formatter()
    for language in LANGUAGES:
        for key, text in load_catalogue(language).items():
            for _, name, _, _ in formatter.parse(text):
                assert name is None or name.isidentifier(), (language, key, name)


def test_every_text_exists_in_both_languages_with_the_same_placeholders() -> None:
    import string

    from bot.i18n import load_catalogue

    def placeholders(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    def by_text(catalogue: Mapping[str, str]) -> dict[str, set[str]]:
        # A plural text (key.one, key.other) is one text with the placeholders of its forms.
        texts: dict[str, set[str]] = {}
        for key, text in catalogue.items():
            if key.endswith(".by"):
                continue  # which placeholder chooses the plural form, not a text
            base = key.removesuffix(".one").removesuffix(".other")
            texts.setdefault(base, set()).update(placeholders(text))
        return texts

    chinese, english = by_text(load_catalogue("zh-TW")), by_text(load_catalogue("en"))
    assert sorted(set(chinese) ^ set(english)) == []
    differing = {
        key: (chinese[key], english[key]) for key in chinese if chinese[key] != english[key]
    }
    assert differing == {}
