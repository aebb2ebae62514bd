"""The matcher's reason and requirement codes as sentences in the reader's language.

``matching/`` explains a result with codes and parameters (see ``matching/engine.py`` and
``matching/attributes.py``); this module is the one place that turns them into words, so the
recruiter's and the applicant's pages say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask_babel import gettext as _
from flask_babel import ngettext

from app.labels import label
from app.locale import country_name, language_name
from matching.types import Reason


def _joined(kind: str, codes) -> str:
    return ", ".join(label(kind, code) for code in codes)


def _languages(codes) -> str:
    return ", ".join(language_name(code) for code in codes)


def _holds_qualification(params: Mapping) -> str:
    if not params.get("codes"):
        return _("Holds none of the qualifications asked for.")
    return _("Holds the qualification asked for: %(names)s.", names=_joined("qualification", params["codes"]))


def _experience(params: Mapping) -> str:
    return ngettext(
        "%(num)d year of experience (%(required)d required).",
        "%(num)d years of experience (%(required)d required).",
        params["years"],
        required=params["required"],
    )


_SENTENCES: dict[str, Callable[[Mapping], str]] = {
    "similar_text": lambda p: _("The texts are close in meaning (%(strength)d%%).", strength=p["strength"]),
    "shared_services": lambda p: _(
        "Offers the services asked for: %(names)s.", names=_joined("service", p["codes"])
    ),
    "shared_fields": lambda p: _(
        "Works in the technical fields asked for: %(names)s.", names=_joined("field", p["codes"])
    ),
    "speaks_required": lambda p: _("Speaks the required languages: %(names)s.", names=_languages(p["codes"])),
    "holds_qualification": _holds_qualification,
    "experience": _experience,
    "located_in": lambda p: _("Based in %(country)s, where the work is.", country=country_name(p["country"])),
    "willing_to_relocate": lambda p: _(
        "Based in %(country)s and willing to relocate.", country=country_name(p["country"])
    ),
    "based_elsewhere": lambda p: _(
        "Based in %(country)s and not willing to relocate.", country=country_name(p["country"])
    ),
    "shared_terms": lambda p: _("Uses the same terms: %(terms)s.", terms=", ".join(p["terms"])),
}


def describe(reason: Reason | Mapping) -> str:
    """The sentence for one reason, given as a ``Reason`` or as its stored form ``{code, params}``.

    An unknown code (a newer engine) is shown as the code itself rather than failing the page.
    """
    if isinstance(reason, Reason):
        code, params = reason.code, reason.params
    else:
        code, params = reason.get("code", ""), reason.get("params") or {}
    sentence = _SENTENCES.get(code)
    if sentence is None:
        return code
    try:
        return sentence(params)
    except (KeyError, TypeError):
        return code


def describe_requirement(code: str) -> str:
    """Name the hard requirement behind a ``filtered_out`` code.

    The codes are ``language:<ISO code>``, ``qualification`` and ``experience``.
    """
    if code.startswith("language:"):
        return _("%(language)s at the required level", language=language_name(code.partition(":")[2]))
    if code == "qualification":
        return _("a required qualification")
    if code == "experience":
        return _("the minimum years of experience")
    return code


def reasons_to_json(reasons) -> list[dict]:
    """Reasons as stored in ``Match.explanation`` (codes and parameters, never sentences)."""
    return [{"code": reason.code, "params": dict(reason.params)} for reason in reasons]
