"""Deciding applications: audit event, Review with the checks seen, mail in the applicant's language."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from app.audit.models import AuditEvent
from app.dbtypes import utcnow
from app.profiles.models import ProfessionalProfile, Qualification
from app.supervision import services
from app.supervision.models import Decision, Review
from app.workflow import ApplicationStatus, Role
from tests.factories import make_institution, make_profile, make_user

FRENCH = {
    "Your IPBridge application is approved": "Votre candidature IPBridge est approuvée",
    "Your IPBridge application was not approved": "Votre candidature IPBridge n’a pas été approuvée",
    "Reason: %(reason)s": "Motif : %(reason)s",
    "The application meets the requirements": "La candidature remplit les conditions",
    "The application duplicates another one": "La candidature fait double emploi avec une autre",
}


@pytest.fixture
def french(app, tmp_path, monkeypatch):
    """A French catalog with the strings of the decision mail (the real catalogs may lag behind)."""
    catalog = Catalog(locale="fr")
    for msgid, msgstr in FRENCH.items():
        catalog.add(msgid, msgstr)
    folder = tmp_path / "i18n" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    babel = app.extensions["babel"]
    monkeypatch.setattr(babel, "translation_directories", [str(tmp_path / "i18n")])
    babel.instance.domain_instance.cache.clear()
    yield
    babel.instance.domain_instance.cache.clear()


def _submitted_profile(**user_fields) -> ProfessionalProfile:
    owner = make_user(**user_fields)
    return make_profile(
        user=owner, full_name="Marie Lefèvre", status=ApplicationStatus.SUBMITTED, submitted_at=utcnow()
    )


def _version_on(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def test_approval_is_audited_reviewed_and_mailed_in_the_applicants_language(officer, db, mailbox, french):
    client, officer_user = officer
    profile = _submitted_profile(email="marie@cabinet-lefevre.example", locale="fr")
    db.session.commit()
    url = f"/officer/applications/profile/{profile.id}"

    response = client.submit(
        f"{url}/decide",
        {"decision": "approved", "reason": "meets_requirements", "comment": "Bienvenue", "version": "1"},
        form_url=url,
        follow_redirects=True,
    )
    assert "The decision is recorded; 1 applicant notified by mail." in response.get_data(as_text=True)

    db.session.expire_all()
    assert profile.status == ApplicationStatus.APPROVED
    assert profile.reviewed_at is not None
    assert (profile.review_reason, profile.review_comment) == ("meets_requirements", "Bienvenue")
    review = db.session.scalar(sa.select(Review).where(Review.target_id == profile.id))
    assert (review.decision, review.officer_id, review.reason_code) == (
        Decision.APPROVED,
        officer_user.id,
        "meets_requirements",
    )
    assert set(review.checks) >= {"flags", "duplicates", "blacklist", "qualifications"}
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "profile.approve"))
    assert (event.actor_id, event.target_id, event.after["status"]) == (
        officer_user.id,
        profile.id,
        "approved",
    )

    mail = mailbox.last_to("marie@cabinet-lefevre.example")
    assert mail["Subject"] == "Votre candidature IPBridge est approuvée"
    body = mail.get_content()
    assert "Motif : La candidature remplit les conditions" in body
    assert "Bienvenue" in body


def test_rejection_reaches_every_representative_each_in_their_language(officer, db, mailbox, french):
    client, _officer = officer
    french_rep = make_user(email="claire@brevets.example", locale="fr")
    english_rep = make_user(email="tom@brevets.example", locale="en")
    institution = make_institution(
        representatives=[french_rep, english_rep], status=ApplicationStatus.SUBMITTED, submitted_at=utcnow()
    )
    db.session.commit()
    url = f"/officer/applications/institution/{institution.id}"

    client.submit(
        f"{url}/decide", {"decision": "rejected", "reason": "duplicate", "version": "1"}, form_url=url
    )

    db.session.expire_all()
    assert institution.status == ApplicationStatus.REJECTED
    assert db.session.scalar(sa.select(AuditEvent.id).where(AuditEvent.action == "institution.reject"))
    french_mail = mailbox.last_to("claire@brevets.example")
    assert french_mail["Subject"] == "Votre candidature IPBridge n’a pas été approuvée"
    assert "Motif : La candidature fait double emploi avec une autre" in french_mail.get_content()
    english_mail = mailbox.last_to("tom@brevets.example")
    assert english_mail["Subject"] == "Your IPBridge application was not approved"
    assert "Reason: The application duplicates another one" in english_mail.get_content()


def test_a_reason_that_does_not_fit_the_decision_is_refused(officer, db):
    client, _officer = officer
    profile = _submitted_profile()
    db.session.commit()
    url = f"/officer/applications/profile/{profile.id}"
    response = client.submit(
        f"{url}/decide", {"decision": "approved", "reason": "duplicate", "version": "1"}, form_url=url
    )
    assert response.status_code == 422
    assert "This reason does not go with the decision." in response.get_data(as_text=True)
    db.session.expire_all()
    assert profile.status == ApplicationStatus.SUBMITTED


def test_other_reason_needs_a_comment(officer, db):
    client, _officer = officer
    profile = _submitted_profile()
    db.session.commit()
    url = f"/officer/applications/profile/{profile.id}"
    response = client.submit(
        f"{url}/decide", {"decision": "rejected", "reason": "other", "version": "1"}, form_url=url
    )
    assert response.status_code == 422
    assert "Explain the reason in the comment." in response.get_data(as_text=True)


def test_second_officer_deciding_a_stale_page_gets_a_clear_message(officer, login_as, db, mailbox):
    first_client, _first = officer
    second_client, _second = login_as(Role.OFFICER)
    profile = _submitted_profile()
    db.session.commit()
    url = f"/officer/applications/profile/{profile.id}"
    page_of_first = first_client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page_of_first).group(1)
    version = _version_on(page_of_first)

    second_client.submit(
        f"{url}/decide",
        {"decision": "approved", "reason": "meets_requirements", "version": "1"},
        form_url=url,
    )
    response = first_client.post(
        f"{url}/decide",
        data={"decision": "rejected", "reason": "incomplete", "version": version, "csrf_token": token},
    )

    assert response.status_code == 409
    assert "Someone else changed this while you were looking at it" in response.get_data(as_text=True)
    db.session.expire_all()
    assert profile.status == ApplicationStatus.APPROVED
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 1
    assert len(mailbox.messages) == 1


def test_row_changed_underneath_the_session_gives_the_clear_error_not_a_crash(db):
    officer = make_user(role=Role.OFFICER)
    profile = _submitted_profile()
    db.session.commit()
    assert profile.version_id == 1
    # Another process commits a decision between our read and our write.
    db.session.execute(
        sa.update(ProfessionalProfile)
        .where(ProfessionalProfile.id == profile.id)
        .values(version_id=2, status="approved")
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(services.StaleDecisionError, match="Someone else changed this"):
        services.decide_application(
            profile, Decision.REJECTED, "incomplete", None, officer, expected_version=1
        )


def test_officer_marks_a_qualification_verified_and_it_is_audited(officer, db):
    client, officer_user = officer
    profile = _submitted_profile()
    qualification = Qualification(
        profile=profile, type="european_patent_attorney", jurisdiction="EP", number="58213"
    )
    db.session.add(qualification)
    db.session.commit()
    url = f"/officer/applications/profile/{profile.id}"

    page = client.submit(
        f"/officer/qualifications/{qualification.id}/verify",
        {"verified": "1"},
        form_url=url,
        follow_redirects=True,
    ).get_data(as_text=True)

    assert "The qualification is saved as verified." in page
    db.session.expire_all()
    assert qualification.is_verified
    assert qualification.verified_by_id == officer_user.id
    assert qualification.verified_at is not None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "qualification.verify"))
    assert (event.actor_id, event.target_type, event.target_id) == (
        officer_user.id,
        "qualifications",
        qualification.id,
    )
