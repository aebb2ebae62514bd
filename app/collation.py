"""Sorting by the reader's collation, for lists people scan by name (country pickers).

The Unicode Collation Algorithm (pyuca, the DUCET table) orders Latin, Cyrillic, Greek and Arabic
names the way their readers expect (accents after the base letter, case ignored). Chinese readers
expect pinyin order, which the DUCET does not give; for them names are keyed by their pinyin.
"""

from __future__ import annotations

import functools

from babel import Locale
from pypinyin import Style, lazy_pinyin
from pyuca import Collator


@functools.cache
def _collator() -> Collator:
    return Collator()  # loads the DUCET table shipped with pyuca, once


def sort_key(text: str, locale: Locale) -> tuple:
    if locale.language == "zh":
        return _collator().sort_key(" ".join(lazy_pinyin(text, style=Style.TONE3)))
    return _collator().sort_key(text)
