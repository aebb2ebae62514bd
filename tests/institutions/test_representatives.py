"""Several representatives per institution: invitation by mail, joining, removal, and isolation."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner

from app.accounts.models import User
from app.accounts.services import get_user_by_email
from app.audit.models import AuditEvent
from app.institutions import views as institution_views
from app.workflow import ApplicationStatus, Role
from tests.conftest import WebClient
from tests.factories import PASSWORD, make_institution, make_opportunity, make_profile, make_user

COLLEAGUE = "mei.lin@bvk.example"
COLLEAGUE_PASSWORD = "zweite-vertreterin-2026"


@pytest.fixture
def institution(db):
    institution = make_institution(legal_name="Brandauer Vogt & Kessler", status=ApplicationStatus.APPROVED)
    db.session.commit()
    return institution


@pytest.fixture
def first_rep(login_as, institution):
    return login_as(
        Role.APPLICANT, institution=institution, applicant_kind="institution", display_name="Lars Vogt"
    )


def _invite(client, email=COLLEAGUE):
    return client.submit("/me/institution/representatives", {"email": email}, follow_redirects=True)


def test_colleague_without_account_registers_through_the_link_and_joins_on_verification(
    app, db, mailbox, first_rep, institution
):
    client, _lars = first_rep
    page = _invite(client).get_data(as_text=True)
    assert f"We have sent an invitation to {COLLEAGUE}." in page
    invitation = mailbox.last_to(COLLEAGUE)
    assert invitation["Subject"].strip() == "Join Brandauer Vogt & Kessler on IPBridge"
    assert "Lars Vogt invites you to represent Brandauer Vogt & Kessler" in invitation.get_content()

    colleague = WebClient(app)
    link = mailbox.link_in(invitation)
    form = colleague.get(link).get_data(as_text=True)
    assert "Join Brandauer Vogt &amp; Kessler" in form
    assert f'value="{COLLEAGUE}" readonly' in form
    page = colleague.submit(
        link,
        {
            "display_name": "Mei Lin",
            "password": COLLEAGUE_PASSWORD,
            "confirm": COLLEAGUE_PASSWORD,
            "locale": "en",
            "consent": "y",
        },
    ).get_data(as_text=True)
    assert "Check your inbox" in page
    user = get_user_by_email(COLLEAGUE)
    assert user.applicant_kind == "institution"
    assert user.institution_id is None  # not before the address is confirmed

    welcome = colleague.get(mailbox.link_in(mailbox.last_to(COLLEAGUE)), follow_redirects=True)
    assert "you now represent Brandauer Vogt &amp; Kessler" in welcome.get_data(as_text=True)
    colleague.login(COLLEAGUE, COLLEAGUE_PASSWORD)
    hub = colleague.get("/me/", follow_redirects=True).get_data(as_text=True)
    assert "Brandauer Vogt &amp; Kessler" in hub
    assert "Approved" in hub
    db.session.expire_all()
    assert {rep.email for rep in institution.representatives} == {_lars.email, COLLEAGUE}
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "institution.join")) is not None


def test_weak_password_on_the_join_form_keeps_what_was_typed(app, db, mailbox, first_rep):
    client, _lars = first_rep
    _invite(client)
    colleague = WebClient(app)
    link = mailbox.link_in(mailbox.last_to(COLLEAGUE))
    response = colleague.submit(
        link,
        {"display_name": "Mei Lin", "password": "short", "confirm": "short", "locale": "en", "consent": "y"},
    )
    assert response.status_code == 422
    assert "Use at least 12 characters." in response.get_data(as_text=True)
    assert 'value="Mei Lin"' in response.get_data(as_text=True)
    assert get_user_by_email(COLLEAGUE) is None


def test_colleague_with_an_account_joins_on_opening_the_link_while_signed_in(
    app, db, mailbox, first_rep, institution
):
    colleague_user = make_user(email=COLLEAGUE, applicant_kind="professional", locale="en")
    db.session.commit()
    client, _lars = first_rep
    _invite(client)
    link = mailbox.link_in(mailbox.last_to(COLLEAGUE))

    colleague = WebClient(app)
    response = colleague.get(link)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    colleague.login(COLLEAGUE, PASSWORD)
    page = colleague.get(link, follow_redirects=True).get_data(as_text=True)
    assert "You now represent Brandauer Vogt &amp; Kessler." in page
    db.session.refresh(colleague_user)
    assert colleague_user.institution_id == institution.id
    assert colleague_user.applicant_kind == "institution"


def test_invitation_is_written_in_the_colleagues_language_or_else_the_inviters(
    app, db, mailbox, login_as, institution, monkeypatch
):
    make_user(email=COLLEAGUE, locale="ja")
    db.session.commit()
    client, _inviter = login_as(Role.APPLICANT, institution=institution, locale="fr")
    sent = []
    real_send = institution_views.send_mail
    monkeypatch.setattr(
        institution_views,
        "send_mail",
        lambda to, template, locale, **ctx: (
            sent.append((to, locale)) or real_send(to, template, locale, **ctx)
        ),
    )
    _invite(client, COLLEAGUE)
    _invite(client, "nobody-yet@bvk.example")
    assert sent == [(COLLEAGUE, "ja"), ("nobody-yet@bvk.example", "fr")]


def test_link_sent_to_someone_else_does_not_join_the_signed_in_user(app, db, mailbox, first_rep, login_as):
    client, _lars = first_rep
    _invite(client)
    link = mailbox.link_in(mailbox.last_to(COLLEAGUE))
    other, other_user = login_as(Role.APPLICANT)
    page = other.get(link, follow_redirects=True).get_data(as_text=True)
    assert "This invitation was sent to another email address." in page
    db.session.refresh(other_user)
    assert other_user.institution_id is None


def test_account_with_a_professional_application_cannot_join(app, db, mailbox, first_rep):
    person = make_user(email=COLLEAGUE)
    make_profile(user=person)
    db.session.commit()
    client, _lars = first_rep
    _invite(client)
    colleague = WebClient(app)
    colleague.login(COLLEAGUE, PASSWORD)
    page = colleague.get(mailbox.link_in(mailbox.last_to(COLLEAGUE)), follow_redirects=True).get_data(
        as_text=True
    )
    assert "an institution needs an account of its own" in page
    db.session.refresh(person)
    assert person.institution_id is None


def test_tampered_invitation_link_is_refused(app, db, mailbox, first_rep):
    client, _lars = first_rep
    _invite(client)
    link = mailbox.link_in(mailbox.last_to(COLLEAGUE))
    page = WebClient(app).get(link[:-3] + "xyz", follow_redirects=True).get_data(as_text=True)
    assert "This invitation link is not valid." in page


def test_expired_invitation_link_is_refused(app, db, mailbox, first_rep, monkeypatch):
    client, _lars = first_rep
    _invite(client)
    link = mailbox.link_in(mailbox.last_to(COLLEAGUE))
    in_eight_days = TimestampSigner.get_timestamp(None) + 8 * 24 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: in_eight_days)
    page = WebClient(app).get(link, follow_redirects=True)
    assert "This invitation has expired." in page.get_data(as_text=True)


def test_inviting_a_current_representative_is_refused_next_to_the_field(db, first_rep):
    client, lars = first_rep
    response = client.submit("/me/institution/representatives", {"email": lars.email})
    assert response.status_code == 422
    assert f"{lars.email} already represents your institution." in response.get_data(as_text=True)


def test_a_representative_removes_another_and_the_old_link_no_longer_works(
    app, db, mailbox, first_rep, login_as, institution
):
    client, _lars = first_rep
    _invite(client)
    link = mailbox.link_in(mailbox.last_to(COLLEAGUE))
    colleague, mei = login_as(Role.APPLICANT, email=COLLEAGUE)
    colleague.get(link)
    db.session.refresh(mei)
    assert mei.institution_id == institution.id

    page = client.submit(
        f"/me/institution/representatives/{mei.id}/remove",
        {},
        form_url="/me/institution/representatives",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "The representative was removed." in page
    db.session.refresh(mei)
    assert mei.institution_id is None
    assert "This invitation is no longer valid." in colleague.get(link, follow_redirects=True).get_data(
        as_text=True
    )
    db.session.refresh(mei)
    assert mei.institution_id is None


def test_the_last_representative_cannot_be_removed(db, first_rep, institution):
    client, lars = first_rep
    page = client.submit(
        f"/me/institution/representatives/{lars.id}/remove",
        {},
        form_url="/me/institution/",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "An institution needs at least one representative." in page
    db.session.refresh(lars)
    assert lars.institution_id == institution.id


def test_representative_of_another_institution_cannot_touch_this_one(db, login_as, first_rep, institution):
    other_institution = make_institution(
        legal_name="Other Patent Office Ltd", status=ApplicationStatus.APPROVED
    )
    colleague_of_lars = make_user(institution=institution)
    opportunity = make_opportunity(institution=institution, title="Opposition package")
    db.session.commit()
    intruder, _user = login_as(Role.APPLICANT, institution=other_institution)

    page = intruder.get("/me/institution/preview").get_data(as_text=True)
    assert "Other Patent Office Ltd" in page
    assert "Brandauer" not in page
    representatives = intruder.get("/me/institution/representatives").get_data(as_text=True)
    assert colleague_of_lars.email not in representatives
    response = intruder.submit(
        f"/me/institution/representatives/{colleague_of_lars.id}/remove",
        {},
        form_url="/me/institution/representatives",
    )
    assert response.status_code == 404
    assert intruder.get(f"/me/opportunities/{opportunity.id}/edit").status_code == 404
    for action in ("publish", "close", "reopen"):
        response = intruder.submit(
            f"/me/opportunities/{opportunity.id}/{action}", {}, form_url="/me/opportunities/"
        )
        assert response.status_code == 404
    assert "Opposition package" not in intruder.get("/me/opportunities/").get_data(as_text=True)
    db.session.refresh(colleague_of_lars)
    assert colleague_of_lars.institution_id == institution.id
    assert db.session.get(User, colleague_of_lars.id) is not None
