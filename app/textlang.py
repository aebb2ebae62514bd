"""Languages of the text users write: the ones offered, and detecting which one a text is in."""

from __future__ import annotations

import functools

from flask_babel import lazy_gettext as _l
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from app.forms import choices
from app.locale import language_name

#: Languages a profile, need or description may be written in, and the language requirements (ISO 639-1).
TEXT_LANGUAGES = (
    "zh",
    "en",
    "fr",
    "de",
    "es",
    "ja",
    "ko",
    "ru",
    "ar",
    "pt",
    "it",
    "nl",
    "sv",
    "pl",
    "tr",
    "vi",
)
AUTO = "auto"  # the choice that asks for detection


@functools.cache
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)  # shipped with py3langid; read once
    identifier.set_languages(list(TEXT_LANGUAGES))
    return identifier


def detect_language(text: str) -> str:
    """The language ``text`` is written in, among ``TEXT_LANGUAGES``."""
    return _identifier().classify(text)[0]


def resolve_language(chosen: str, text: str) -> str:
    """The chosen language, or the detected one when the writer left it to detection."""
    return detect_language(text) if chosen == AUTO else chosen


def language_choices(*, detect: bool = False, extra: str | None = None) -> list:
    """Options for a language select, named in the reader's language.

    ``extra`` keeps a saved code the list does not offer.
    """
    codes = [*TEXT_LANGUAGES, *([extra] if extra and extra not in TEXT_LANGUAGES and extra != AUTO else [])]
    options = [(code, language_name(code)) for code in codes]
    return choices([(AUTO, _l("Detect automatically")), *options] if detect else options)
