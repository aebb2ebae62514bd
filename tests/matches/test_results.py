"""Ranked candidates of a need and the free-text search, as the recruiter sees them."""

from __future__ import annotations

import re

import pytest

from app.workflow import PROFILE_WORKFLOW, ApplicationStatus, Role
from tests.factories import make_institution, make_need, make_profile, make_user
from tests.matches.conftest import add_qualification

APPROVED = ApplicationStatus.APPROVED


def _names_in_order(page: str, names: list[str]) -> list[str]:
    found = [(page.index(name), name) for name in names if name in page]
    return [name for _position, name in sorted(found)]


def _packaging_need(zone, **fields):
    values = {
        "title": "Semiconductor packaging patent attorney",
        "description": "A patent attorney for semiconductor packaging and wafer bonding inventions.",
        "services": ["agency"],
        "fields": ["semiconductors"],
    }
    return make_need(zone=zone, **values | fields)


def test_results_explain_each_candidate_in_the_recruiters_language(recruiter, db):
    client, user = recruiter
    need = _packaging_need(user.zone)
    make_profile(
        full_name="Yuki Tanaka",
        headline="弁理士 — 半導体パッケージ",
        summary="大手電機メーカーで十二年働きました。 Semiconductor packaging patents and wafer bonding.",
        lang="ja",
        languages=[{"code": "ja", "level": "native"}, {"code": "en", "level": "B2"}],
        country="JP",
        status=APPROVED,
    )
    db.session.commit()
    page = client.get(f"/zone/needs/{need.id}/candidates").get_data(as_text=True)
    assert "Yuki Tanaka" in page
    assert '<p class="meta" lang="ja">弁理士 — 半導体パッケージ</p>' in page
    assert '<mark lang="ja">Semiconductor packaging patents and wafer bonding.</mark>' in page
    assert "Offers the services asked for: Patent and trademark agency." in page
    assert "Works in the technical fields asked for: Semiconductors and integrated circuits." in page
    assert "Based in Japan and not willing to relocate." in page
    assert re.search(r"Score <strong>\d+</strong>/100", page)
    assert '<svg class="bar"' in page
    assert "Japanese (Native)" in page  # structured fields in the reader's language
    assert "1 candidate meets every requirement." in page


def test_results_follow_the_readers_language(recruiter, db):
    client, user = recruiter
    need = _packaging_need(user.zone)
    make_profile(full_name="Yuki Tanaka", country="JP", status=APPROVED)
    db.session.commit()
    page = client.get(f"/zone/needs/{need.id}/candidates?lang=fr").get_data(as_text=True)
    assert "Japon" in page  # country names come from CLDR in the reader's locale


@pytest.mark.parametrize(
    ("requirement", "message"),
    [
        ({"required_languages": [{"code": "ja", "level": "B2"}]}, "Japanese at the required level"),
        ({"required_qualifications": ["jp_benrishi"]}, "a required qualification"),
        ({"min_experience": 10}, "the minimum years of experience"),
    ],
)
def test_hard_requirements_leave_candidates_out_and_say_why(recruiter, db, requirement, message):
    client, user = recruiter
    need = _packaging_need(user.zone, **requirement)
    fits = make_profile(
        full_name="Yuki Tanaka",
        languages=[{"code": "ja", "level": "native"}],
        years_experience=12,
        status=APPROVED,
    )
    add_qualification(fits, "jp_benrishi", "18234", "JP")
    make_profile(full_name="Anna Berg", years_experience=3, status=APPROVED)
    db.session.commit()
    page = client.get(f"/zone/needs/{need.id}/candidates").get_data(as_text=True)
    assert "Yuki Tanaka" in page
    assert "Anna Berg" not in page
    assert f"1 candidate filtered out by the requirement: {message}" in page


@pytest.fixture
def two_candidates(recruiter, db):
    client, user = recruiter
    need = make_need(zone=user.zone, description="Patent attorney for semiconductor and materials inventions")
    vogel = make_profile(
        full_name="Dieter Vogel",
        country="DE",
        languages=[{"code": "de", "level": "native"}, {"code": "en", "level": "C1"}],
        services=["agency"],
        fields=["semiconductors"],
        years_experience=15,
        willing_to_relocate=True,
        status=APPROVED,
    )
    add_qualification(vogel, "european_patent_attorney", "58213", "EP")
    make_profile(
        full_name="Kenji Mori",
        country="JP",
        languages=[{"code": "ja", "level": "native"}],
        services=["litigation_support"],
        fields=["new_materials"],
        years_experience=4,
        status=APPROVED,
    )
    db.session.commit()
    return client, need


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("country=JP", "Kenji Mori", "Dieter Vogel"),
        ("language=de", "Dieter Vogel", "Kenji Mori"),
        ("service=litigation_support", "Kenji Mori", "Dieter Vogel"),
        ("field=semiconductors", "Dieter Vogel", "Kenji Mori"),
        ("min_experience=10", "Dieter Vogel", "Kenji Mori"),
        ("qualification=european_patent_attorney", "Dieter Vogel", "Kenji Mori"),
    ],
)
def test_filters_narrow_the_results(two_candidates, query, shown, hidden):
    client, need = two_candidates
    unfiltered = client.get(f"/zone/needs/{need.id}/candidates").get_data(as_text=True)
    assert shown in unfiltered
    assert hidden in unfiltered
    page = client.get(f"/zone/needs/{need.id}/candidates?{query}").get_data(as_text=True)
    assert shown in page
    assert hidden not in page


def test_sort_by_experience_puts_the_most_experienced_first(recruiter, db):
    client, user = recruiter
    need = _packaging_need(user.zone)
    for name, years in (("Junior Jones", 3), ("Senior Silva", 20), ("Middle Meyer", 9)):
        make_profile(full_name=name, years_experience=years, status=APPROVED)
    db.session.commit()
    page = client.get(f"/zone/needs/{need.id}/candidates?sort=experience").get_data(as_text=True)
    assert _names_in_order(page, ["Junior Jones", "Senior Silva", "Middle Meyer"]) == [
        "Senior Silva",
        "Middle Meyer",
        "Junior Jones",
    ]


def test_results_are_paginated(recruiter, db):
    client, user = recruiter
    need = _packaging_need(user.zone)
    for n in range(12):
        make_profile(full_name=f"Candidate {n:02d}", status=APPROVED)
    db.session.commit()
    first = client.get(f"/zone/needs/{need.id}/candidates").get_data(as_text=True)
    second = client.get(f"/zone/needs/{need.id}/candidates?page=2").get_data(as_text=True)
    assert first.count('class="card hit"') == 10
    assert second.count('class="card hit"') == 2
    assert "Page 2 of 2" in second
    assert "12 candidates meet every requirement." in first


def test_a_bad_filter_is_reported_next_to_the_field(recruiter, db):
    client, user = recruiter
    need = _packaging_need(user.zone)
    db.session.commit()
    response = client.get(f"/zone/needs/{need.id}/candidates?min_experience=99&country=XX")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Number must be between 0 and 60." in page
    assert "Not a valid choice." in page
    assert 'value="99"' in page


def test_only_approved_profiles_that_are_not_suspended_are_shown(recruiter, db):
    client, user = recruiter
    need = _packaging_need(user.zone)
    officer = make_user(role=Role.OFFICER)
    make_profile(full_name="Approved Alice", status=APPROVED)
    make_profile(full_name="Submitted Sam", status=ApplicationStatus.SUBMITTED)
    make_profile(full_name="Draft Dora", status=ApplicationStatus.DRAFT)
    suspended = make_profile(full_name="Suspended Sid", status=APPROVED)
    db.session.commit()
    PROFILE_WORKFLOW.apply(suspended, ApplicationStatus.SUSPENDED, officer)
    db.session.commit()
    for url in (f"/zone/needs/{need.id}/candidates", "/zone/search?q=semiconductor+patent+attorney"):
        page = client.get(url).get_data(as_text=True)
        assert "Approved Alice" in page
        for hidden in ("Submitted Sam", "Draft Dora", "Suspended Sid"):
            assert hidden not in page


def test_free_text_search_finds_and_explains_candidates(recruiter, db):
    client, user = recruiter
    make_profile(
        full_name="Yuki Tanaka", summary="Wafer bonding and hybrid bonding patents.", status=APPROVED
    )
    make_profile(full_name="Pedro Ruiz", summary="Trademark oppositions for wine brands.", status=APPROVED)
    _packaging_need(user.zone)
    db.session.commit()
    page = client.get("/zone/search?q=hybrid+bonding+patents&kind=professional").get_data(as_text=True)
    assert _names_in_order(page, ["Pedro Ruiz", "Yuki Tanaka"])[0] == "Yuki Tanaka"
    assert '<mark lang="en">Wafer bonding and hybrid bonding patents.</mark>' in page
    assert "Semiconductor packaging patent attorney" in page  # the need to shortlist for
    assert "Save this search" in page


def test_search_page_without_a_query_shows_the_form(recruiter):
    client, _user = recruiter
    response = client.get("/zone/search")
    assert response.status_code == 200
    assert "What are you looking for?" in response.get_data(as_text=True)


def test_search_of_institutions_shows_no_contact_data(recruiter, db):
    client, _user = recruiter
    make_institution(
        legal_name="Lind Patent Agency",
        description="Patent agency for semiconductor companies entering Europe.",
        contact_email="lars@lind.example",
        contact_phone="+46 8 555 0101",
        status=APPROVED,
    )
    db.session.commit()
    page = client.get("/zone/search?q=semiconductor+patent+agency&kind=institution").get_data(as_text=True)
    assert "Lind Patent Agency" in page
    assert "lars@lind.example" not in page
    assert "555 0101" not in page
