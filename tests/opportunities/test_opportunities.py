"""Service-trade opportunities: posting by approved applicants, bad input, status changes, expiry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from babel.numbers import format_currency

from app.audit.models import AuditEvent
from app.dbtypes import utcnow
from app.opportunities.models import Opportunity
from app.workflow import ApplicationStatus, OpportunityStatus, Role
from tests.factories import make_institution, make_opportunity, make_profile

NEXT_YEAR = (utcnow().date() + timedelta(days=365)).isoformat()
GOOD = {
    "direction": "offer",
    "service": "litigation_support",
    "fields": ["biomedicine"],
    "jurisdictions": ["EP", "DE"],
    "title": "EPO opposition package for feed-enzyme companies",
    "description": "Fixed-scope support for companies that want to challenge or defend a European patent.",
    "lang": "auto",
    "budget_amount": "18000",
    "currency": "EUR",
    "deadline": NEXT_YEAR,
}


def _opportunities(db):
    return db.session.scalars(sa.select(Opportunity)).all()


@pytest.fixture
def poster(login_as, db):
    """A signed-in professional whose profile is approved."""
    client, user = login_as(Role.APPLICANT)
    make_profile(user=user, status=ApplicationStatus.APPROVED)
    db.session.commit()
    return client, user


def _create(client, **changes):
    return client.submit("/me/opportunities/new", GOOD | changes)


def _act(client, opportunity, action):
    return client.submit(
        f"/me/opportunities/{opportunity.id}/{action}",
        {},
        form_url="/me/opportunities/",
        follow_redirects=True,
    )


def test_create_publish_close_and_reopen(poster, db):
    client, user = poster
    assert _create(client).status_code == 302
    [opportunity] = _opportunities(db)
    assert opportunity.status == OpportunityStatus.DRAFT
    assert opportunity.profile.user_id == user.id
    assert opportunity.lang == "en"  # detected
    page = client.get("/me/opportunities/").get_data(as_text=True)
    assert GOOD["title"] in page
    assert "Draft" in page
    assert "€18,000.00" in page

    assert "The opportunity is open." in _act(client, opportunity, "publish").get_data(as_text=True)
    assert "The opportunity is closed." in _act(client, opportunity, "close").get_data(as_text=True)
    assert "The opportunity is open again." in _act(client, opportunity, "reopen").get_data(as_text=True)
    db.session.refresh(opportunity)
    assert opportunity.status == OpportunityStatus.OPEN
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.target_type == "opportunities").order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "opportunity.create",
        "opportunity.publish",
        "opportunity.close",
        "opportunity.reopen",
    ]


def test_budget_is_formatted_for_the_readers_locale(poster, db):
    client, _user = poster
    _create(client)
    page = client.get("/me/opportunities/?lang=de").get_data(as_text=True)
    assert format_currency(18000, "EUR", locale="de") in page  # 18.000,00 €


def test_no_budget_at_all_is_fine(poster, db):
    client, _user = poster
    assert _create(client, budget_amount="", currency="").status_code == 302
    [opportunity] = _opportunities(db)
    assert opportunity.budget_amount is None
    assert opportunity.currency is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"budget_amount": "-5"}, "The budget cannot be negative."),
        ({"currency": ""}, "Choose the currency of the budget."),
        ({"budget_amount": ""}, "Enter the amount, or choose no currency."),
        (
            {"deadline": (utcnow().date() - timedelta(days=1)).isoformat()},
            "The deadline must be in the future.",
        ),
        ({"deadline": utcnow().date().isoformat()}, "The deadline must be in the future."),
        ({"title": "T" * 201}, "Field cannot be longer than 200 characters."),
        ({"description": "x" * 4001}, "Field cannot be longer than 4000 characters."),
        ({"currency": "XYZ"}, "Not a valid choice."),
    ],
)
def test_bad_input_is_reported_next_to_the_field_and_kept(poster, db, changes, message):
    client, _user = poster
    response = _create(client, **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'class="field has-error"' in page
    if "description" not in changes:
        assert "Fixed-scope support for companies" in page  # what was typed is still there
    if "title" not in changes:
        assert f'value="{GOOD["title"]}"' in page
    assert _opportunities(db) == []


def test_editing_keeps_typed_values_on_error_and_saves_when_fixed(poster, db):
    client, user = poster
    opportunity = make_opportunity(profile=user.profile, title="Old title")
    db.session.commit()
    url = f"/me/opportunities/{opportunity.id}/edit"
    assert 'value="Old title"' in client.get(url).get_data(as_text=True)
    response = client.submit(url, GOOD | {"title": "New title", "budget_amount": "-1"})
    assert response.status_code == 422
    assert 'value="New title"' in response.get_data(as_text=True)
    assert client.submit(url, GOOD | {"title": "New title"}).status_code == 302
    db.session.refresh(opportunity)
    assert opportunity.title == "New title"
    assert str(opportunity.budget_amount) == "18000.00"


@pytest.mark.parametrize(
    "status",
    [
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.SUSPENDED,
    ],
)
def test_only_approved_applicants_may_post(login_as, db, status):
    client, user = login_as(Role.APPLICANT)
    make_profile(user=user, status=status)
    db.session.commit()
    assert client.get("/me/opportunities/new").status_code == 403
    token = client.csrf_token("/me/opportunities/")
    response = client.post("/me/opportunities/new", data=GOOD | {"csrf_token": token})
    assert response.status_code == 403
    assert _opportunities(db) == []
    page = client.get("/me/opportunities/").get_data(as_text=True)
    assert "You can post opportunities once your application is approved." in page


def test_applicant_without_any_application_may_not_post(login_as, db):
    client, _user = login_as(Role.APPLICANT)
    assert client.get("/me/opportunities/new").status_code == 403


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.OFFICER, Role.ADMIN])
def test_opportunity_pages_are_for_applicants(login_as, role):
    client, _user = login_as(role)
    assert client.get("/me/opportunities/").status_code == 403


def test_any_representative_manages_the_institutions_opportunities(login_as, db):
    institution = make_institution(status=ApplicationStatus.APPROVED)
    db.session.commit()
    first, _ = login_as(Role.APPLICANT, institution=institution)
    second, _ = login_as(Role.APPLICANT, institution=institution)
    assert _create(first).status_code == 302
    [opportunity] = _opportunities(db)
    assert opportunity.institution_id == institution.id
    assert opportunity.profile_id is None
    assert GOOD["title"] in second.get("/me/opportunities/").get_data(as_text=True)
    assert "The opportunity is open." in _act(second, opportunity, "publish").get_data(as_text=True)


def test_another_applicant_gets_404_for_an_opportunity_not_theirs(poster, login_as, db):
    _client, owner = poster
    opportunity = make_opportunity(profile=owner.profile, status=OpportunityStatus.OPEN)
    db.session.commit()
    other, other_user = login_as(Role.APPLICANT)
    make_profile(user=other_user, status=ApplicationStatus.APPROVED)
    db.session.commit()
    assert other.get(f"/me/opportunities/{opportunity.id}/edit").status_code == 404
    response = other.submit(f"/me/opportunities/{opportunity.id}/close", {}, form_url="/me/opportunities/")
    assert response.status_code == 404
    db.session.refresh(opportunity)
    assert opportunity.status == OpportunityStatus.OPEN


def test_list_expires_overdue_opportunities_before_showing_them(poster, db):
    client, user = poster
    yesterday = utcnow().date() - timedelta(days=1)
    overdue = make_opportunity(profile=user.profile, status=OpportunityStatus.OPEN, deadline=yesterday)
    today = make_opportunity(profile=user.profile, status=OpportunityStatus.OPEN, deadline=utcnow().date())
    db.session.commit()
    page = client.get("/me/opportunities/").get_data(as_text=True)
    assert "Expired" in page
    db.session.refresh(overdue)
    db.session.refresh(today)
    assert overdue.status == OpportunityStatus.EXPIRED
    assert today.status == OpportunityStatus.OPEN  # the deadline is the last open day
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "opportunity.expire"))
    assert event.actor_id is None
    assert event.actor_role == "system"


def test_expire_command_expires_by_date(app, db):
    owner = make_profile(status=ApplicationStatus.APPROVED)
    due = make_opportunity(profile=owner, status=OpportunityStatus.OPEN, deadline=date(2027, 6, 30))
    draft = make_opportunity(profile=owner, status=OpportunityStatus.DRAFT, deadline=date(2027, 6, 1))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["opportunities", "expire", "--today", "2027-06-30"])
    assert result.exit_code == 0, result.output
    assert "Expired: 0" in result.output
    result = runner.invoke(args=["opportunities", "expire", "--today", "2027-07-01"])
    assert "Expired: 1" in result.output
    db.session.expire_all()
    assert db.session.get(Opportunity, due.id).status == OpportunityStatus.EXPIRED
    assert db.session.get(Opportunity, draft.id).status == OpportunityStatus.DRAFT


def test_an_expired_opportunity_cannot_be_reopened_or_changed(poster, db):
    client, user = poster
    opportunity = make_opportunity(
        profile=user.profile, status=OpportunityStatus.EXPIRED, deadline=utcnow().date() - timedelta(days=3)
    )
    db.session.commit()
    page = _act(client, opportunity, "reopen").get_data(as_text=True)
    assert "A service-trade opportunity cannot go from “Expired” to “Open”." in page
    response = client.submit(f"/me/opportunities/{opportunity.id}/edit", GOOD)
    assert response.status_code == 422
    assert "An expired opportunity cannot be changed; post a new one." in response.get_data(as_text=True)


def test_a_closed_opportunity_past_its_deadline_is_not_reopened(poster, db):
    client, user = poster
    opportunity = make_opportunity(
        profile=user.profile, status=OpportunityStatus.CLOSED, deadline=utcnow().date() - timedelta(days=3)
    )
    db.session.commit()
    page = _act(client, opportunity, "reopen").get_data(as_text=True)
    assert "The deadline has passed. Move it to a later date first." in page
    db.session.refresh(opportunity)
    assert opportunity.status == OpportunityStatus.CLOSED
