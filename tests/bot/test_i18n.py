"""The message catalogue is complete in both languages."""

from __future__ import annotations

import string

from bot.i18n import LANGUAGES, load_catalogue


def test_both_languages_have_exactly_the_same_keys():
    chinese, english = (set(load_catalogue(language)) for language in LANGUAGES)
    assert chinese - english == set()
    assert english - chinese == set()


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

    chinese, english = load_catalogue("zh-TW"), load_catalogue("en")
    assert sorted(set(chinese) ^ set(english)) == []
    differing = {
        key: (placeholders(chinese[key]), placeholders(english[key]))
        for key in chinese
        if placeholders(chinese[key]) != placeholders(english[key])
    }
    assert differing == {}
