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
