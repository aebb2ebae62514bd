"""Taxonomies: complete titles, qualification formats, IPC mapping, CLDR names."""

from __future__ import annotations

import pytest

from app import taxonomy as t
from app.labels import TITLES, label
from app.locale import country_name, currency_name, language_name


@pytest.mark.parametrize(
    ("enum", "kind"),
    [
        (t.Service, "service"),
        (t.Profession, "profession"),
        (t.TechField, "field"),
        (t.QualificationType, "qualification"),
        (t.InstitutionType, "institution_type"),
        (t.Intent, "intent"),
        (t.EngagementType, "engagement"),
        (t.Availability, "availability"),
        (t.LanguageLevel, "language_level"),
        (t.NeedKind, "need_kind"),
        (t.Direction, "direction"),
        (t.ZoneLevel, "zone_level"),
    ],
)
def test_every_code_has_a_title(app, enum, kind):
    assert set(TITLES[kind]) == set(enum)
    with app.test_request_context("/"):
        titles = [label(kind, member) for member in enum]
    assert all(titles)
    assert len(set(titles)) == len(titles)  # no two codes look the same to a reader


def test_service_chain_is_complete():
    expected = {
        "agency",
        "transfer_licensing",
        "registration",
        "appraisal_valuation",
        "evaluation_analysis",
        "certification",
        "consultation",
        "litigation_support",
        "ip_finance",
        "search_information",
    }
    assert {s.value for s in t.Service} == expected


def test_every_field_maps_to_ipc_sections():
    assert set(t.IPC_SECTIONS) == set(t.TechField)
    for sections in t.IPC_SECTIONS.values():
        assert sections
        assert set(sections) <= set("ABCDEFGH")


@pytest.mark.parametrize("qualification", list(t.QualificationType))
def test_qualification_example_number_is_valid(qualification):
    kind = t.QUALIFICATIONS[qualification]
    assert kind.number_is_valid(kind.number_example)
    assert not kind.number_is_valid("not-a-number!")


def test_qualification_number_format_is_strict():
    uspto = t.QUALIFICATIONS[t.QualificationType.USPTO_REGISTRATION]
    assert uspto.number_is_valid("71234")
    assert not uspto.number_is_valid("7123")
    assert not uspto.number_is_valid("71234a")


def test_language_levels_are_ordered():
    assert t.LanguageLevel.B2.rank < t.LanguageLevel.C1.rank < t.LanguageLevel.NATIVE.rank


@pytest.mark.parametrize(
    ("lang", "country", "language", "currency"),
    [
        ("en", "France", "French", "Euro"),
        ("zh_Hans", "法国", "法语", "欧元"),
        ("de", "Frankreich", "Französisch", "Euro"),
        ("ar", "فرنسا", "الفرنسية", "يورو"),
    ],
)
def test_countries_languages_currencies_named_in_readers_locale(app, lang, country, language, currency):
    with app.test_request_context(f"/?lang={lang}"):
        assert country_name("FR") == country
        assert language_name("fr") == language
        assert currency_name("EUR") == currency
