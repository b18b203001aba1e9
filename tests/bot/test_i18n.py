"""The message catalogue is complete in both languages."""

from __future__ import annotations

import string

from bot.i18n import LANGUAGES, load_catalogue


def test_both_languages_have_exactly_the_same_keys():
    chinese, english = (set(load_catalogue(language)) for language in LANGUAGES)
    assert chinese - english == set()
    assert english - chinese == set()


def test_english_texts_need_no_value_the_chinese_ones_do_not_get():
    # English may leave out a value whose meaning it spells out (校內 → "at your school"),
    # but it must never need one that callers, tested in Chinese, do not pass.
    formatter = string.Formatter()
    chinese, english = (load_catalogue(language) for language in LANGUAGES)
    for key, text in chinese.items():
        fields = {name for _, name, _, _ in formatter.parse(text) if name}
        other = {name for _, name, _, _ in formatter.parse(english[key]) if name}
        assert other <= fields, key
