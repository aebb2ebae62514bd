"""The professional's guided application: draft sections, submit, review state, resubmit, withdraw."""

from __future__ import annotations

import pytest

from app.accounts.services import get_user_by_email
from app.profiles.services import get_profile_of
from app.workflow import PROFILE_WORKFLOW, ApplicationStatus, Role
from tests.factories import make_user

FRENCH_SUMMARY = (
    "Ingénieure chimiste, je rédige depuis douze ans des demandes de brevet pour des laboratoires "
    "pharmaceutiques et je conduis des oppositions devant l'Office européen des brevets."
)
BASICS = {
    "full_name": "Chloé Martin",
    "headline": "Conseil en propriété industrielle, biotech",
    "summary": FRENCH_SUMMARY,
    "lang": "auto",
    "country": "FR",
    "city": "Lyon",
    "phone": "+33 4 78 00 00 00",
}
EXPERTISE = {
    "professions": ["patent_attorney"],
    "services": ["agency", "litigation_support"],
    "fields": ["biomedicine"],
    "years_experience": "12",
}
QUALIFICATIONS = {
    "entries-0-qualification": "fr_cpi",
    "entries-0-number": "05-1123",
    "entries-1-qualification": "european_patent_attorney",
    "entries-1-number": "58213",
}
LANGUAGES = {
    "entries-0-code": "fr",
    "entries-0-level": "native",
    "entries-1-code": "en",
    "entries-1-level": "C1",
}
ENGAGEMENT = {
    "engagement_types": ["consulting", "remote"],
    "availability": "within_3_months",
    "willing_to_relocate": "y",
}


def _fill(client, section, data, **kwargs):
    return client.submit(f"/me/profile/{section}", data, **kwargs)


def _complete_profile(client):
    for section, data in [
        ("basics", BASICS),
        ("expertise", EXPERTISE),
        ("qualifications", QUALIFICATIONS),
        ("languages", LANGUAGES),
        ("engagement", ENGAGEMENT),
    ]:
        response = _fill(client, section, data)
        assert response.status_code == 302, response.get_data(as_text=True)


def test_full_journey_from_registration_to_submitted(web, db, mailbox):
    password = "brevet-lyon-2026-opposition"
    web.submit(
        "/register",
        {
            "applicant_kind": "professional",
            "display_name": "Chloé Martin",
            "email": "chloe@cabinet.example",
            "password": password,
            "confirm": password,
            "locale": "en",
            "consent": "y",
        },
    )
    web.get(mailbox.link_in(mailbox.last_to("chloe@cabinet.example")))
    web.login("chloe@cabinet.example", password)
    start = web.get("/me/").get_data(as_text=True)
    assert "Start my application" in start

    _complete_profile(web)
    page = web.get("/me/").get_data(as_text=True)
    assert "100% complete" in page
    assert "Submit for review" in page
    submitted = web.submit("/me/profile/submit", {}, form_url="/me/", follow_redirects=True)
    assert "Your application has been submitted for review." in submitted.get_data(as_text=True)
    assert "Submitted for review" in submitted.get_data(as_text=True)

    profile = get_profile_of(get_user_by_email("chloe@cabinet.example"))
    assert profile.lang == "fr"  # detected from the summary
    assert {str(q.type) for q in profile.qualifications} == {"fr_cpi", "european_patent_attorney"}
    assert profile.status == ApplicationStatus.SUBMITTED


def test_sections_are_saved_as_a_draft_one_by_one(login_as, db):
    client, user = login_as(Role.APPLICANT)
    assert _fill(client, "basics", BASICS).status_code == 302
    page = client.get("/me/").get_data(as_text=True)
    assert "Draft" in page
    assert "25% complete" in page
    assert "Still to do before you can submit:" in page
    assert get_profile_of(user).summary == FRENCH_SUMMARY


def test_other_sections_need_the_basics_first(login_as, db):
    client, _user = login_as(Role.APPLICANT)
    page = _fill(client, "expertise", EXPERTISE).get_data(as_text=True)
    assert "Start with the section “About you”." in page


def test_wrong_certificate_number_shows_expected_format_and_keeps_input(login_as, db):
    client, user = login_as(Role.APPLICANT)
    _fill(client, "basics", BASICS)
    response = _fill(
        client,
        "qualifications",
        {"entries-0-qualification": "uspto_registration", "entries-0-number": "12-AB"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "expected e.g. 71234" in page
    assert 'value="12-AB"' in page
    assert get_profile_of(user).qualifications == []


def test_missing_required_field_is_reported_next_to_it_and_input_kept(login_as, db):
    client, _user = login_as(Role.APPLICANT)
    response = _fill(client, "basics", BASICS | {"headline": "", "summary": "too short"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This field is required." in page
    assert "Field must be between 50 and 4000 characters long." in page
    assert "too short</textarea>" in page
    assert 'value="Chloé Martin"' in page


def test_text_longer_than_the_limit_is_refused(login_as, db):
    client, _user = login_as(Role.APPLICANT)
    response = _fill(client, "basics", BASICS | {"summary": "x" * 4001})
    assert response.status_code == 422


def test_incomplete_application_cannot_be_submitted(login_as, db):
    client, user = login_as(Role.APPLICANT)
    _fill(client, "basics", BASICS)
    page = client.submit("/me/profile/submit", {}, form_url="/me/", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Complete these sections before you submit: Expertise, Languages, Availability." in page
    assert get_profile_of(user).status == ApplicationStatus.DRAFT


def test_submitted_application_is_locked_until_withdrawn(login_as, db):
    client, user = login_as(Role.APPLICANT)
    _complete_profile(client)
    client.submit("/me/profile/submit", {}, form_url="/me/")
    page = _fill(client, "basics", BASICS | {"headline": "Changed"}).get_data(as_text=True)
    assert "Your application is being reviewed." in page
    assert get_profile_of(user).headline == BASICS["headline"]


def test_rejected_application_shows_reason_then_edit_and_resubmit(login_as, db):
    client, user = login_as(Role.APPLICANT)
    _complete_profile(client)
    client.submit("/me/profile/submit", {}, form_url="/me/")
    profile = get_profile_of(user)
    PROFILE_WORKFLOW.apply(profile, ApplicationStatus.REJECTED, make_user(role=Role.OFFICER))
    profile.review_reason = "qualification_unverifiable"
    profile.review_comment = "Le numéro CPI ne figure pas sur la liste."
    db.session.commit()

    page = client.get("/me/").get_data(as_text=True)
    assert "Rejected" in page
    assert "A qualification could not be verified" in page
    assert "Le numéro CPI ne figure pas sur la liste." in page
    assert (
        _fill(client, "qualifications", QUALIFICATIONS | {"entries-0-number": "05-1124"}).status_code == 302
    )
    page = client.submit("/me/profile/submit", {}, form_url="/me/", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Your application has been submitted for review." in page
    db.session.refresh(profile)
    assert profile.status == ApplicationStatus.SUBMITTED


def test_withdraw_and_reopen(login_as, db):
    client, user = login_as(Role.APPLICANT)
    _complete_profile(client)
    page = client.submit("/me/profile/withdraw", {}, form_url="/me/", follow_redirects=True)
    assert "Your application has been withdrawn." in page.get_data(as_text=True)
    page = client.submit("/me/profile/restore", {}, form_url="/me/", follow_redirects=True)
    assert "Your application is a draft again." in page.get_data(as_text=True)
    assert get_profile_of(user).status == ApplicationStatus.DRAFT


def test_preview_hides_contact_data(login_as, db):
    client, _user = login_as(Role.APPLICANT)
    _fill(client, "basics", BASICS)
    page = client.get("/me/profile/preview").get_data(as_text=True)
    assert FRENCH_SUMMARY.replace("'", "&#39;") in page
    assert "+33 4 78 00 00 00" not in page


@pytest.mark.parametrize("path", ["/me/profile/basics", "/me/profile/preview"])
@pytest.mark.parametrize("role", [Role.RECRUITER, Role.OFFICER, Role.ADMIN])
def test_only_applicants_have_an_application(login_as, path, role):
    client, _user = login_as(role)
    assert client.get(path).status_code == 403


def test_country_picker_is_sorted_for_the_reader(login_as, db):
    client, _user = login_as(Role.APPLICANT)
    page = client.get("/me/profile/basics?lang=fr").get_data(as_text=True)
    assert page.index(">Égypte<") < page.index(">Espagne<") < page.index(">Éthiopie<")
