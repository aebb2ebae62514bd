"""Every reason and requirement code of the matcher reads as a sentence in the reader's language."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from app.matches.reasons import describe, describe_requirement
from matching.types import Reason


@pytest.mark.parametrize(
    ("reason", "sentence"),
    [
        (Reason("similar_text", {"strength": 82}), "The texts are close in meaning (82%)."),
        (
            Reason("shared_services", {"codes": ["agency"]}),
            "Offers the services asked for: Patent and trademark agency.",
        ),
        (
            Reason("shared_fields", {"codes": ["semiconductors", "ict"]}),
            "Works in the technical fields asked for: Semiconductors and integrated circuits, "
            "Information and communication technology.",
        ),
        (
            Reason("speaks_required", {"codes": ["ja", "en"]}),
            "Speaks the required languages: Japanese, English.",
        ),
        (
            Reason("holds_qualification", {"codes": ["jp_benrishi"]}),
            "Holds the qualification asked for: Japanese patent attorney (Benrishi).",
        ),
        (Reason("holds_qualification", {"codes": []}), "Holds none of the qualifications asked for."),
        (Reason("experience", {"years": 1, "required": 0}), "1 year of experience (0 required)."),
        (Reason("experience", {"years": 12, "required": 5}), "12 years of experience (5 required)."),
        (Reason("located_in", {"country": "CN"}), "Based in China, where the work is."),
        (Reason("willing_to_relocate", {"country": "FR"}), "Based in France and willing to relocate."),
        (Reason("based_elsewhere", {"country": "JP"}), "Based in Japan and not willing to relocate."),
        (Reason("shared_terms", {"terms": ["wafer", "bonding"]}), "Uses the same terms: wafer, bonding."),
    ],
)
def test_each_reason_code_reads_as_a_sentence(app, reason, sentence):
    with app.test_request_context():
        assert describe(reason) == sentence
        assert describe({"code": reason.code, "params": reason.params}) == sentence  # as stored on a match


def test_codes_are_named_in_the_readers_language(app):
    with app.test_request_context(), force_locale("fr"):
        assert "Japon" in describe(Reason("based_elsewhere", {"country": "JP"}))
        assert "japonais" in describe_requirement("language:ja")


def test_an_unknown_or_broken_reason_shows_its_code(app):
    with app.test_request_context():
        assert describe(Reason("new_in_a_later_engine", {})) == "new_in_a_later_engine"
        assert describe({"code": "experience", "params": {}}) == "experience"


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("language:ja", "Japanese at the required level"),
        ("qualification", "a required qualification"),
        ("experience", "the minimum years of experience"),
    ],
)
def test_requirement_codes(app, code, text):
    with app.test_request_context():
        assert describe_requirement(code) == text
