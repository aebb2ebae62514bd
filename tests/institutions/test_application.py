"""The institution's guided application: draft sections, submit, review state, resubmit, withdraw."""

from __future__ import annotations

import pytest

from app.accounts.services import get_user_by_email
from app.audit.models import AuditEvent
from app.workflow import INSTITUTION_WORKFLOW, ApplicationStatus, Role
from tests.factories import make_profile, make_user, make_zone

GERMAN_DESCRIPTION = (
    "Unsere Kanzlei vertritt seit 1978 Mandanten aus der Halbleiter- und Automobilbranche vor dem "
    "Deutschen Patent- und Markenamt und dem Europäischen Patentamt. Mit einer Repräsentanz in der "
    "Zone möchten wir näher an unsere chinesischen Mandanten rücken."
)
ORGANISATION = {
    "legal_name": "Brandauer Vogt & Kessler Patentanwälte PartG mbB",
    "other_names-0-locale": "zh_Hans",
    "other_names-0-name": "布兰道尔·福格特·凯斯勒专利律师事务所",
    "country": "DE",
    "type": "patent_agency",
    "registration_number": "PR 1847",
    "size": "50-249",
    "website": "https://www.bvk.example",
    "intent": "representative_office",
}
ACTIVITY = {
    "services": ["agency", "litigation_support"],
    "jurisdictions": ["DE", "EP", "WO"],
    "languages": ["de", "en"],
}
DESCRIPTION = {"description": GERMAN_DESCRIPTION, "lang": "auto"}
CONTACT = {
    "contact_name": "Lars Vogt",
    "contact_email": "vogt@bvk.example",
    "contact_phone": "+49 89 1234567",
}


def _fill(client, section, data, **kwargs):
    return client.submit(f"/me/institution/{section}", data, **kwargs)


def _complete(client, zone):
    for section, data in [
        ("organisation", ORGANISATION),
        ("activity", ACTIVITY),
        ("description", DESCRIPTION),
        ("zones", {"target_zones": [str(zone.id)]}),
        ("contact", CONTACT),
    ]:
        response = _fill(client, section, data)
        assert response.status_code == 302, response.get_data(as_text=True)


@pytest.fixture
def zone(db):
    zone = make_zone(names={"en": "Suzhou Industrial Park", "zh_Hans": "苏州工业园区"})
    db.session.commit()
    return zone


@pytest.fixture
def representative(login_as, db):
    return login_as(Role.APPLICANT, applicant_kind="institution")


def test_journey_from_registration_to_submitted(web, db, mailbox, zone):
    password = "kanzlei-muenchen-2026-epa"
    web.submit(
        "/register",
        {
            "applicant_kind": "institution",
            "display_name": "Lars Vogt",
            "email": "vogt@bvk.example",
            "password": password,
            "confirm": password,
            "locale": "en",
            "consent": "y",
        },
    )
    web.get(mailbox.link_in(mailbox.last_to("vogt@bvk.example")))
    web.login("vogt@bvk.example", password)
    start = web.get("/me/", follow_redirects=True).get_data(as_text=True)
    assert "Start the application" in start

    _complete(web, zone)
    page = web.get("/me/institution/").get_data(as_text=True)
    assert "100% complete" in page
    assert "Submit for review" in page
    submitted = web.submit("/me/institution/submit", {}, form_url="/me/institution/", follow_redirects=True)
    assert "Your application has been submitted for review." in submitted.get_data(as_text=True)
    assert "Submitted for review" in submitted.get_data(as_text=True)

    user = get_user_by_email("vogt@bvk.example")
    institution = user.institution
    assert institution.status == ApplicationStatus.SUBMITTED
    assert institution.lang == "de"  # detected from the description
    assert institution.names == {"zh_Hans": "布兰道尔·福格特·凯斯勒专利律师事务所"}
    assert [z.code for z in institution.target_zones] == [zone.code]
    assert institution.representatives == [user]


def test_first_save_creates_the_institution_with_the_user_as_representative(representative, db, zone):
    client, user = representative
    assert _fill(client, "organisation", ORGANISATION).status_code == 302
    page = client.get("/me/institution/").get_data(as_text=True)
    assert "Draft" in page
    assert "20% complete" in page
    assert "Still to do before you can submit:" in page
    db.session.refresh(user)
    assert user.institution.legal_name == ORGANISATION["legal_name"]
    assert db.session.query(AuditEvent).filter_by(action="institution.create").count() == 1


def test_other_sections_need_the_first_one(representative, db):
    client, _user = representative
    page = _fill(client, "activity", ACTIVITY).get_data(as_text=True)
    assert "Start with the section “Your institution”." in page


def test_a_professional_applicant_cannot_also_start_an_institution(login_as, db):
    client, user = login_as(Role.APPLICANT)
    make_profile(user=user)
    db.session.commit()
    response = _fill(client, "organisation", ORGANISATION)
    assert response.status_code == 422
    assert "an institution needs an account of its own" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.institution is None


@pytest.mark.parametrize(
    ("section", "data", "message", "kept"),
    [
        (
            "organisation",
            ORGANISATION | {"legal_name": "", "website": "javascript://x.example/%0Aalert(1)"},
            "Enter an address that starts with https:// or http://.",
            'value="PR 1847"',
        ),
        (
            "organisation",
            ORGANISATION | {"other_names-0-locale": ""},
            "Choose the language of this name.",
            "布兰道尔·福格特·凯斯勒专利律师事务所",
        ),
        (
            "description",
            {"description": "Zu kurz.", "lang": "auto"},
            "between 50 and 4000",
            "Zu kurz.</textarea>",
        ),
        (
            "contact",
            CONTACT | {"contact_email": "not-an-email"},
            "Invalid email address.",
            'value="Lars Vogt"',
        ),
    ],
)
def test_bad_input_is_reported_next_to_the_field_and_kept(representative, db, section, data, message, kept):
    client, _user = representative
    if section != "organisation":
        _fill(client, "organisation", ORGANISATION)
    response = _fill(client, section, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert kept in page


def test_text_longer_than_the_limit_is_refused(representative, db):
    client, _user = representative
    _fill(client, "organisation", ORGANISATION)
    response = _fill(client, "description", {"description": "x" * 4001, "lang": "de"})
    assert response.status_code == 422


def test_incomplete_application_cannot_be_submitted(representative, db):
    client, user = representative
    _fill(client, "organisation", ORGANISATION)
    page = client.submit("/me/institution/submit", {}, form_url="/me/institution/", follow_redirects=True)
    text = page.get_data(as_text=True)
    assert (
        "Complete these sections before you submit: Services and coverage, Description, Target zones" in text
    )
    db.session.refresh(user)
    assert user.institution.status == ApplicationStatus.DRAFT


def test_submitted_application_is_locked_until_withdrawn(representative, db, zone):
    client, user = representative
    _complete(client, zone)
    client.submit("/me/institution/submit", {}, form_url="/me/institution/")
    page = _fill(client, "organisation", ORGANISATION | {"legal_name": "Changed"}).get_data(as_text=True)
    assert "Your application is being reviewed." in page
    db.session.refresh(user)
    assert user.institution.legal_name == ORGANISATION["legal_name"]


def test_rejected_application_shows_reason_then_edit_and_resubmit(representative, db, zone):
    client, user = representative
    _complete(client, zone)
    client.submit("/me/institution/submit", {}, form_url="/me/institution/")
    db.session.refresh(user)
    institution = user.institution
    INSTITUTION_WORKFLOW.apply(institution, ApplicationStatus.REJECTED, make_user(role=Role.OFFICER))
    institution.review_reason = "incomplete"
    institution.review_comment = "Bitte den Registerauszug nennen."
    db.session.commit()

    page = client.get("/me/institution/").get_data(as_text=True)
    assert "Rejected" in page
    assert "The application is incomplete" in page
    assert "Bitte den Registerauszug nennen." in page
    assert (
        _fill(client, "organisation", ORGANISATION | {"registration_number": "HRB 12345"}).status_code == 302
    )
    page = client.submit("/me/institution/submit", {}, form_url="/me/institution/", follow_redirects=True)
    assert "Your application has been submitted for review." in page.get_data(as_text=True)
    db.session.refresh(institution)
    assert institution.status == ApplicationStatus.SUBMITTED
    assert institution.registration_number == "HRB 12345"


def test_withdraw_and_reopen(representative, db, zone):
    client, user = representative
    _complete(client, zone)
    page = client.submit("/me/institution/withdraw", {}, form_url="/me/institution/", follow_redirects=True)
    assert "Your application has been withdrawn." in page.get_data(as_text=True)
    page = client.submit("/me/institution/restore", {}, form_url="/me/institution/", follow_redirects=True)
    assert "Your application is a draft again." in page.get_data(as_text=True)
    db.session.refresh(user)
    assert user.institution.status == ApplicationStatus.DRAFT


def test_preview_shows_the_institution_as_a_recruiter_sees_it_without_contact_data(representative, db, zone):
    client, _user = representative
    _complete(client, zone)
    page = client.get("/me/institution/preview?lang=zh_Hans").get_data(as_text=True)
    assert "布兰道尔·福格特·凯斯勒专利律师事务所" in page
    assert "苏州工业园区" in page
    assert "vogt@bvk.example" not in page
    assert "+49 89 1234567" not in page
    assert "Lars Vogt" not in page


def test_contact_section_is_prefilled_with_the_representative(representative, db):
    client, user = representative
    _fill(client, "organisation", ORGANISATION)
    page = client.get("/me/institution/contact").get_data(as_text=True)
    assert f'value="{user.email}"' in page


@pytest.mark.parametrize(
    "path", ["/me/institution/", "/me/institution/organisation", "/me/institution/preview"]
)
@pytest.mark.parametrize("role", [Role.RECRUITER, Role.OFFICER, Role.ADMIN])
def test_only_applicants_have_an_institution_application(login_as, path, role):
    client, _user = login_as(role)
    assert client.get(path).status_code == 403
