"""The one locale selector, and CLDR names of countries, languages and currencies."""

from __future__ import annotations

from urllib.parse import urlencode

from babel import Locale
from flask import current_app, has_request_context, request, session, url_for
from flask_babel import get_locale
from flask_login import current_user

RTL_LANGUAGES = {"ar", "he", "fa", "ur"}
LOCALE_PARAM = "lang"


def supported_locales() -> tuple[str, ...]:
    return current_app.config["SUPPORTED_LOCALES"]


def select_locale() -> str:
    """The interface locale.

    In order: ``?lang=`` (then kept in the session), the user's saved choice, Accept-Language,
    the configured default.
    """
    if not has_request_context():  # CLI commands and background work speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    supported = supported_locales()
    explicit = request.args.get(LOCALE_PARAM)
    if explicit in supported:
        session[LOCALE_PARAM] = explicit
        return explicit
    if session.get(LOCALE_PARAM) in supported:
        return session[LOCALE_PARAM]
    if current_user.is_authenticated and current_user.locale in supported:
        return current_user.locale
    return negotiate(request.accept_languages.values()) or current_app.config["BABEL_DEFAULT_LOCALE"]


def negotiate(preferred) -> str | None:
    """Match Accept-Language tags (e.g. ``zh-TW``, ``zh-CN``, ``pt-BR``) to a supported locale."""
    supported = supported_locales()
    for tag in preferred:
        try:
            wanted = Locale.parse(tag, sep="-")
        except (ValueError, TypeError):
            continue
        if wanted.language == "zh":
            script = wanted.script or ("Hant" if wanted.territory in {"TW", "HK", "MO"} else "Hans")
            candidate = f"zh_{script}"
        else:
            candidate = wanted.language
        if candidate in supported:
            return candidate
    return None


def current_locale() -> Locale:
    return get_locale() or Locale.parse(current_app.config["BABEL_DEFAULT_LOCALE"])


def text_direction() -> str:
    return "rtl" if current_locale().language in RTL_LANGUAGES else "ltr"


def locale_name(code: str) -> str:
    """A supported interface locale named in its own language, for the switcher."""
    return Locale.parse(code).get_display_name(code).capitalize()


def country_name(code: str) -> str:
    return current_locale().territories.get(code.upper(), code)


def language_name(code: str) -> str:
    return current_locale().languages.get(code, code)


def currency_name(code: str) -> str:
    return current_locale().currencies.get(code.upper(), code)


def switch_locale_url(code: str) -> str:
    """The link that switches to ``code`` and comes back to the current page (query included)."""
    args = request.args.to_dict(flat=False)
    args.pop(LOCALE_PARAM, None)
    here = request.path + ("?" + urlencode(args, doseq=True) if args else "")
    return url_for("main.switch_language", code=code, next=here)


#: CLDR territory codes that are not countries.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})


def sorted_countries() -> list[tuple[str, str]]:
    """(code, name) of every country, named and sorted for the reader (pickers)."""
    from app.collation import sort_key

    locale = current_locale()
    pairs = [
        (code, name)
        for code, name in locale.territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    ]
    return sorted(pairs, key=lambda pair: sort_key(pair[1], locale))
