"""The message catalogue is complete in both languages."""

from __future__ import annotations

import string

from bot.i18n import LANGUAGES, load_catalogue


def test_both_languages_have_exactly_the_same_keys():
    chinese, english = (set(load_catalogue(language)) for language in LANGUAGES)
    assert chinese - english == set()
    assert english - chinese == set()


def test_both_languages_use_the_same_placeholders():
    formatter = string.Formatter()
    chinese, english = (load_catalogue(language) for language in LANGUAGES)
    for key, text in chinese.items():
        fields = {name for _, name, _, _ in formatter.parse(text) if name}
        other = {name for _, name, _, _ in formatter.parse(english[key]) if name}
        assert fields == other, key
