"""The applicant's invitations inbox, data export and account deletion."""

from __future__ import annotations

import json

import sqlalchemy as sa

from app.accounts.models import LoginAttempt, User
from app.audit.models import AuditEvent
from app.extensions import db
from app.matches.engine import ensure_loaded
from app.matches.models import Invitation, InvitationStatus, Match
from app.matches.services import search_text
from app.profiles.models import ProfessionalProfile
from app.workflow import ApplicationStatus, MatchStage, Role
from tests.factories import make_match, make_need, make_profile, make_user


def _invitation_for(user, message="We would like to meet you in Suzhou."):
    profile = make_profile(user=user, status=ApplicationStatus.APPROVED, phone="+33 6 11 22 33 44")
    recruiter = make_user(role=Role.RECRUITER, display_name="Wang Xiaoning", email="wang@zone.example")
    need = make_need(zone=recruiter.zone, title="半导体专利代理师")
    match = make_match(need=need, profile=profile, stage=MatchStage.INVITED)
    invitation = Invitation(match=match, kind="invitation", sender=recruiter, message=message)
    db.session.add(invitation)
    return invitation, recruiter


def test_inbox_lists_the_invitation_with_the_recruiters_message(login_as, db):
    client, user = login_as(Role.APPLICANT)
    _invitation_for(user)
    db.session.commit()
    page = client.get("/me/invitations").get_data(as_text=True)
    assert "半导体专利代理师" in page
    assert "We would like to meet you in Suzhou." in page
    assert "wang@zone.example" not in page  # not before acceptance


def test_accepting_shares_contacts_and_tells_the_recruiter(login_as, db, mailbox):
    client, user = login_as(Role.APPLICANT, display_name="Chloé Martin")
    invitation, _recruiter = _invitation_for(user)
    db.session.commit()
    page = client.submit(
        f"/me/invitations/{invitation.id}",
        {"accept": "1", "message": "Avec plaisir."},
        form_url="/me/invitations",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "You accepted the invitation" in page
    assert "wang@zone.example" in page
    db.session.refresh(invitation)
    assert invitation.status == InvitationStatus.ACCEPTED
    assert invitation.match.stage == MatchStage.ACCEPTED
    mail = mailbox.last_to("wang@zone.example")
    assert mail["Subject"] == "Chloé Martin accepted your invitation"
    assert "Avec plaisir." in mail.get_content()


def test_declining_moves_the_match_to_declined(login_as, db, mailbox):
    client, user = login_as(Role.APPLICANT)
    invitation, _recruiter = _invitation_for(user)
    db.session.commit()
    client.submit(f"/me/invitations/{invitation.id}", {"decline": "1"}, form_url="/me/invitations")
    db.session.refresh(invitation)
    assert invitation.match.stage == MatchStage.DECLINED
    assert "declined your invitation" in mailbox.last_to("wang@zone.example")["Subject"]


def test_an_invitation_is_answered_once(login_as, db, mailbox):
    client, user = login_as(Role.APPLICANT)
    invitation, _recruiter = _invitation_for(user)
    db.session.commit()
    client.submit(f"/me/invitations/{invitation.id}", {"accept": "1"}, form_url="/me/invitations")
    page = client.submit(
        f"/me/invitations/{invitation.id}",
        {"decline": "1"},
        form_url="/me/invitations",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "You have answered this invitation already." in page


def test_nobody_answers_someone_elses_invitation(login_as, db):
    client, _user = login_as(Role.APPLICANT)
    invitation, _recruiter = _invitation_for(make_user())
    db.session.commit()
    response = client.submit(f"/me/invitations/{invitation.id}", {"accept": "1"}, form_url="/me/invitations")
    assert response.status_code == 403
    assert "半导体专利代理师" not in client.get("/me/invitations").get_data(as_text=True)


def test_export_holds_my_data_and_nobody_elses(login_as, db):
    client, user = login_as(Role.APPLICANT)
    _invitation_for(user, message="Invitation text")
    make_profile(full_name="Someone Else", status=ApplicationStatus.APPROVED)
    db.session.commit()
    response = client.get("/me/data/export")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == user.email
    assert data["profile"]["phone"] == "+33 6 11 22 33 44"
    assert data["invitations"][0]["message"] == "Invitation text"
    assert "Someone Else" not in response.get_data(as_text=True)
    assert "password" not in json.dumps(data["account"])


def test_delete_needs_the_password(login_as, db):
    client, user = login_as(Role.APPLICANT)
    response = client.submit("/me/data/delete", {"password": "wrong"}, form_url="/me/data")
    assert response.status_code == 422
    assert "The password is not correct." in response.get_data(as_text=True)
    assert db.session.get(User, user.id) is not None


def test_delete_erases_personal_data_and_leaves_search_at_once(login_as, db):
    client, user = login_as(Role.APPLICANT)
    invitation, _recruiter = _invitation_for(user)
    profile = invitation.match.profile
    profile.summary = "Seed variety licensing for Yangling agriculture"
    db.session.commit()
    ensure_loaded("professional")
    assert search_text("seed variety licensing", "professional").hits[0].id == profile.id
    user_id, profile_id, email = user.id, profile.id, user.email
    from tests.factories import PASSWORD

    page = client.submit(
        "/me/data/delete", {"password": PASSWORD}, form_url="/me/data", follow_redirects=True
    )
    assert "Your account and your personal data have been deleted." in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user_id) is None
    assert db.session.get(ProfessionalProfile, profile_id) is None
    assert db.session.scalar(sa.select(sa.func.count(Match.id))) == 0
    assert (
        db.session.scalar(sa.select(sa.func.count(LoginAttempt.id)).where(LoginAttempt.email == email)) == 0
    )
    assert profile_id not in [hit.id for hit in search_text("seed variety licensing", "professional").hits]
    events = db.session.scalars(sa.select(AuditEvent)).all()
    assert events  # the trail stays...
    assert all(event.actor_id != user_id for event in events)  # ...without the person
    assert email not in json.dumps([[e.before, e.after, e.action] for e in events])


def test_data_pages_are_for_applicants_only(login_as):
    client, _user = login_as(Role.RECRUITER)
    for path in ("/me/invitations", "/me/data", "/me/data/export"):
        assert client.get(path).status_code == 403


def test_for_you_waits_for_approval(login_as, db):
    client, user = login_as(Role.APPLICANT)
    make_profile(user=user, status=ApplicationStatus.SUBMITTED)
    db.session.commit()
    page = client.get("/me/for-you").get_data(as_text=True)
    assert "Once your application is approved" in page


def test_for_you_ranks_fitting_needs_and_drops_unmet_requirements(login_as, db):
    client, user = login_as(Role.APPLICANT)
    make_profile(
        user=user,
        status=ApplicationStatus.APPROVED,
        summary="Patent valuation for pledge financing",
        languages=[{"code": "en", "level": "C2"}],
        services=["appraisal_valuation"],
        years_experience=6,
    )
    fitting = make_need(
        title="Valuation of patents for pledge loans",
        description="Patent valuation, pledge financing",
        services=["appraisal_valuation"],
    )
    make_need(
        title="Valuation expert speaking Japanese",
        description="Patent valuation pledge financing",
        required_languages=[{"code": "ja", "level": "B2"}],
    )
    make_need(title="Trademark squatting in Vietnam", description="Trademark disputes in Vietnam")
    db.session.commit()
    page = client.get("/me/for-you").get_data(as_text=True)
    assert page.index(fitting.title) < page.index("Trademark squatting in Vietnam")
    assert "Valuation expert speaking Japanese" not in page
    assert "Offers the services asked for: Appraisal and valuation." in page


def test_navigation_counts_pending_invitations(login_as, db):
    client, user = login_as(Role.APPLICANT)
    _invitation_for(user)
    db.session.commit()
    page = client.get("/me/invitations").get_data(as_text=True)
    assert 'Invitations <span class="tag">1</span>' in page
